/* SPDX-License-Identifier: MIT */
/*
 * A minimal unit-test harness.  TEST(name) { ... } registers a test; CHECK()
 * records a failure and goes on, REQUIRE() records it and leaves the test.
 * The runner (tests/unit/main.c) prints one line per failure and ends with
 * "unit: N passed, N failed".
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct bh_test {
	const char *name;
	const char *file;
	void (*fn)(bool *failed);
};

void bh_test_register(const struct bh_test *t);

#define TEST(tname)                                                            \
	static void test_##tname(bool *bh_failed);                             \
	__attribute__((constructor)) static void register_##tname(void)        \
	{                                                                      \
		static const struct bh_test t = {#tname, __FILE__,             \
						 test_##tname};                \
		bh_test_register(&t);                                          \
	}                                                                      \
	static void test_##tname(bool *bh_failed)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n",         \
				__FILE__, __LINE__, #cond);                    \
			*bh_failed = true;                                     \
		}                                                              \
	} while (0)

#define REQUIRE(cond)                                                          \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "  %s:%d: REQUIRE(%s) failed\n",       \
				__FILE__, __LINE__, #cond);                    \
			*bh_failed = true;                                     \
			return;                                                \
		}                                                              \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                       \
			fprintf(stderr,                                        \
				"  %s:%d: CHECK_STR(%s, %s) failed:\n"         \
				"    got:      %s\n    expected: %s\n",        \
				__FILE__, __LINE__, #a, #b,                    \
				a_ ? a_ : "(null)", b_ ? b_ : "(null)");       \
			*bh_failed = true;                                     \
		}                                                              \
	} while (0)

#define CHECK_INT(a, b)                                                        \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_) {                                                \
			fprintf(stderr,                                        \
				"  %s:%d: CHECK_INT(%s, %s) failed: %lld != "  \
				"%lld\n",                                      \
				__FILE__, __LINE__, #a, #b, a_, b_);           \
			*bh_failed = true;                                     \
		}                                                              \
	} while (0)
