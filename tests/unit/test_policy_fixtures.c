/* SPDX-License-Identifier: MIT */
/*
 * Profile fixtures: tests/fixtures/profiles/valid/NAME.profile must parse
 * (and, when NAME.dump exists, dump to exactly that text);
 * invalid/NAME.profile must fail with exactly the message and hint in
 * NAME.err ("MESSAGE\nhint: HINT\n").  The directory is $BH_FIXTURES or
 * tests/fixtures/profiles.  Includes of /fixtures/X read include/X, and a
 * bare name N reads include/N.profile (standing in for the user's profile
 * directory).  BH_FIXTURES_UPDATE=1 writes missing .dump and .err files,
 * to be reviewed before they are committed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "test.h"
#include "test_policy.h"

static const char *fixtures_dir(void)
{
	const char *d = getenv("BH_FIXTURES");
	return d && d[0] ? d : "tests/fixtures/profiles";
}

/* Reads a whole file; NULL when it does not exist. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct bh_strbuf sb = BH_STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		bh_strbuf_append(&sb, buf, n);
	fclose(f);
	if (len)
		*len = sb.len;
	return bh_strbuf_steal(&sb);
}

static void spill(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int fixture_read(void *ctx, const char *name, char **text,
			char **display, struct bh_error **err)
{
	cleanup_free char *path = NULL;
	if (bh_str_has_prefix(name, "/fixtures/"))
		path = bh_xasprintf("%s/include/%s", fixtures_dir(),
				    name + strlen("/fixtures/"));
	else if (name[0] != '/')
		path =
		    bh_xasprintf("%s/include/%s.profile", fixtures_dir(), name);
	else
		return bh_error_sys(err, ENOENT, "opening %s", name);
	*text = slurp(path, NULL);
	if (!*text)
		return bh_error_sys(err, errno, "opening %s", name);
	*display = bh_xstrdup(name);
	return 0;
}

static const struct bh_profile_reader fixture_reader = {fixture_read, NULL};

/* Sorted names of dir/ *.profile; returns the count. */
static size_t list_profiles(const char *dir, char ***out)
{
	struct dirent **ents = NULL;
	char **names = NULL;
	size_t n = 0;
	int count = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < count; i++) {
		size_t len = strlen(ents[i]->d_name);
		if (len > 8 &&
		    strcmp(ents[i]->d_name + len - 8, ".profile") == 0)
			bh_strv_push(&names, &n,
				     bh_xstrndup(ents[i]->d_name, len - 8));
		free(ents[i]);
	}
	free(ents);
	*out = names;
	return n;
}

static int parse_fixture(const char *dir, const char *name,
			 struct bh_policy **p, struct bh_error **err)
{
	cleanup_free char *path = bh_xasprintf("%s/%s.profile", dir, name);
	cleanup_free char *display = bh_xasprintf("%s.profile", name);
	size_t len = 0;
	cleanup_free char *text = slurp(path, &len);
	if (!text)
		return bh_error_sys(err, errno, "reading %s", path);
	return bh_policy_parse(display, text, len, &tp_vars, &fixture_reader, p,
			       err);
}

TEST(policy_fixtures_valid)
{
	cleanup_free char *dir = bh_xasprintf("%s/valid", fixtures_dir());
	cleanup_strv char **names = NULL;
	size_t n = list_profiles(dir, &names);
	bool update = getenv("BH_FIXTURES_UPDATE") != NULL;
	size_t with_dump = 0;

	CHECK(n >= 10);
	for (size_t i = 0; i < n; i++) {
		struct bh_policy *p = NULL;
		struct bh_error *err = NULL;
		if (parse_fixture(dir, names[i], &p, &err) < 0) {
			fprintf(stderr, "  valid/%s.profile: %s\n", names[i],
				err ? err->msg : "?");
			*bh_failed = true;
			bh_error_free(err);
			continue;
		}
		char *dump = bh_policy_dump(p, false);
		cleanup_free char *dpath =
		    bh_xasprintf("%s/%s.dump", dir, names[i]);
		cleanup_free char *want = slurp(dpath, NULL);
		if (!want && update)
			spill(dpath, dump);
		if (want) {
			with_dump++;
			if (strcmp(want, dump) != 0) {
				fprintf(stderr,
					"  valid/%s.dump differs; got:\n%s",
					names[i], dump);
				*bh_failed = true;
			}
		}
		/* The dump is a profile for an equal policy. */
		struct bh_policy *q = NULL;
		if (bh_policy_parse("dump", dump, strlen(dump), &tp_vars, NULL,
				    &q, NULL) < 0 ||
		    !tp_policy_equal(p, q)) {
			fprintf(stderr,
				"  valid/%s: dump does not round-trip\n",
				names[i]);
			*bh_failed = true;
		}
		bh_policy_free(q);
		free(dump);
		bh_policy_free(p);
	}
	CHECK(with_dump >= 10);
}

TEST(policy_fixtures_invalid)
{
	cleanup_free char *dir = bh_xasprintf("%s/invalid", fixtures_dir());
	cleanup_strv char **names = NULL;
	size_t n = list_profiles(dir, &names);
	bool update = getenv("BH_FIXTURES_UPDATE") != NULL;

	CHECK(n >= 30);
	for (size_t i = 0; i < n; i++) {
		struct bh_policy *p = NULL;
		struct bh_error *err = NULL;
		if (parse_fixture(dir, names[i], &p, &err) == 0) {
			fprintf(stderr, "  invalid/%s.profile parsed\n",
				names[i]);
			*bh_failed = true;
			bh_policy_free(p);
			continue;
		}
		cleanup_free char *got = bh_xasprintf(
		    "%s\nhint: %s\n", err ? err->msg : "(no error)",
		    err && err->hint ? err->hint : "(none)");
		CHECK(err && err->kind == BH_EK_PROFILE);
		bh_error_free(err);
		cleanup_free char *epath =
		    bh_xasprintf("%s/%s.err", dir, names[i]);
		cleanup_free char *want = slurp(epath, NULL);
		if (!want && update)
			spill(epath, got);
		if (!want || strcmp(want, got) != 0) {
			fprintf(stderr,
				"  invalid/%s.err:\n    got:      %s"
				"    expected: %s",
				names[i], got,
				want ? want : "(no .err file)\n");
			*bh_failed = true;
		}
	}
}
