/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/util.h"
#include "test.h"

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/*
 * A private scratch directory for one test, removed (with everything below
 * it) when the variable goes out of scope, REQUIRE() included.  Paths made
 * with scratch_path() live as long as the scratch.
 */
struct scratch {
	char *root;
	char *paths[8];
	size_t n_paths;
};

static void scratch_done(struct scratch *s)
{
	if (s->root)
		(void)nftw(s->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(s->root);
	for (size_t i = 0; i < s->n_paths; i++)
		free(s->paths[i]);
}

#define cleanup_scratch __attribute__((cleanup(scratch_done)))

static bool scratch_init(struct scratch *s)
{
	const char *base = getenv("TMPDIR");
	s->root = bh_xasprintf("%s/bh-audit-XXXXXX",
			       base && base[0] == '/' ? base : "/tmp");
	if (mkdtemp(s->root))
		return true;
	free(s->root);
	s->root = NULL;
	return false;
}

/* root/rel; owned by the scratch. */
static const char *scratch_path(struct scratch *s, const char *rel)
{
	if (s->n_paths == BH_ARRAY_SIZE(s->paths))
		abort();
	return s->paths[s->n_paths++] = bh_xasprintf("%s/%s", s->root, rel);
}

static void write_raw(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, s, strlen(s));
		close(fd);
	}
}

struct collected {
	json_t *records; /* array */
	unsigned last_line;
};

static int collect_cb(void *ctx, void *record, unsigned line)
{
	struct collected *c = ctx;
	json_array_append(c->records, record);
	c->last_line = line;
	return 0;
}

static int read_all(const char *path, struct collected *c, unsigned *bad)
{
	c->records = json_array();
	c->last_line = 0;
	struct bh_error *err = NULL;
	int r = bh_audit_read(path, collect_cb, c, bad, &err);
	bh_error_free(err);
	return r;
}

static json_t *make_record(const char *session, const char *event)
{
	return json_pack("{s:s,s:s}", "session", session, "event", event);
}

TEST(audit_state_dir)
{
	char *s;
	s = bh_state_dir("/home/u", NULL);
	CHECK_STR(s, "/home/u/.local/state/bulkhead");
	free(s);
	s = bh_state_dir("/home/u/", "");
	CHECK_STR(s, "/home/u/.local/state/bulkhead");
	free(s);
	s = bh_state_dir("/home/u", "/var/xdg/");
	CHECK_STR(s, "/var/xdg/bulkhead");
	free(s);
	/* The XDG spec: relative values are invalid and ignored. */
	s = bh_state_dir("/home/u", "rel/state");
	CHECK_STR(s, "/home/u/.local/state/bulkhead");
	free(s);
	s = bh_state_dir("/", NULL);
	CHECK_STR(s, "/.local/state/bulkhead");
	free(s);
	CHECK(bh_state_dir(NULL, NULL) == NULL);
	CHECK(bh_state_dir("", "") == NULL);
	CHECK(bh_state_dir("home/u", "state") == NULL);
	s = bh_state_dir(NULL, "/x");
	CHECK_STR(s, "/x/bulkhead");
	free(s);
}

TEST(audit_round_trip)
{
	cleanup_scratch struct scratch sc = {0};
	REQUIRE(scratch_init(&sc));
	const char *path = scratch_path(&sc, "a/b/bulkhead/audit.jsonl");
	const char *dir = scratch_path(&sc, "a/b/bulkhead");
	struct bh_audit *a = NULL;
	struct bh_error *err = NULL;
	CHECK(bh_audit_open(path, &a, &err) == 0);
	CHECK(err == NULL);
	REQUIRE(a);

	struct stat st;
	CHECK(stat(dir, &st) == 0 && (st.st_mode & 07777) == 0700);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);

	json_t *r1 = bh_audit_record_new("S1", "start");
	json_object_set_new(r1, "argv", json_pack("[ss]", "npm", "t\ne\"st"));
	CHECK(bh_audit_write(a, r1, &err) == 0);
	json_t *r2 = make_record("S1", "end");
	CHECK(bh_audit_write(a, r2, &err) == 0);
	/* The caller's record is borrowed, not changed. */
	CHECK(json_object_get(r2, "time") == NULL);
	json_t *r3 = json_pack("{s:i,s:s,s:s,s:s}", "v", 1, "time",
			       "2026-11-26T17:55:21.123456Z", "session", "S2",
			       "event", "error");
	CHECK(bh_audit_write(a, r3, &err) == 0);
	CHECK(bh_audit_sync(a, &err) == 0);
	CHECK(err == NULL);
	bh_audit_close(a);

	struct collected c;
	unsigned bad = 99;
	CHECK(read_all(path, &c, &bad) == 0);
	CHECK_INT(bad, 0);
	CHECK_INT(c.last_line, 3);
	REQUIRE(json_array_size(c.records) == 3);
	json_t *g1 = json_array_get(c.records, 0);
	CHECK(json_equal(g1, r1));
	json_t *g2 = json_array_get(c.records, 1);
	CHECK_INT(json_integer_value(json_object_get(g2, "v")), 1);
	const char *t = json_string_value(json_object_get(g2, "time"));
	REQUIRE(t);
	/* 2026-11-26T17:55:21.123456Z */
	CHECK_INT(strlen(t), 27);
	CHECK(t[10] == 'T' && t[19] == '.' && t[26] == 'Z');
	/* "v" and "time" lead the line, before the caller's fields. */
	const char *k = json_object_iter_key(json_object_iter(g2));
	CHECK_STR(k, "v");
	CHECK(json_equal(json_array_get(c.records, 2), r3));

	json_decref(r1);
	json_decref(r2);
	json_decref(r3);
	json_decref(c.records);
}

TEST(audit_write_rejects_non_records)
{
	cleanup_scratch struct scratch sc = {0};
	REQUIRE(scratch_init(&sc));
	const char *path = scratch_path(&sc, "audit.jsonl");
	struct bh_audit *a = NULL;
	struct bh_error *err = NULL;
	REQUIRE(bh_audit_open(path, &a, NULL) == 0);
	json_t *r = json_pack("{s:s}", "event", "start");
	CHECK(bh_audit_write(a, r, &err) == -EINVAL);
	CHECK(err != NULL);
	bh_error_free(err);
	json_decref(r);
	bh_audit_close(a);
	struct stat st;
	CHECK(stat(path, &st) == 0 && st.st_size == 0);
}

/* A torn record costs only itself: it is skipped and counted, and the next
 * record still starts on a line of its own. */
TEST(audit_torn_line_skipped)
{
	cleanup_scratch struct scratch sc = {0};
	REQUIRE(scratch_init(&sc));
	const char *path = scratch_path(&sc, "audit.jsonl");
	struct bh_audit *a = NULL;
	REQUIRE(bh_audit_open(path, &a, NULL) == 0);
	json_t *r = make_record("S", "start");
	CHECK(bh_audit_write(a, r, NULL) == 0);
	write_raw(path, "{\"v\":1,\"session\":\"S\",\"ev");
	CHECK(bh_audit_write(a, r, NULL) == 0);
	write_raw(path, "not json\n[1,2]\n{\"v\":1}\n\n");
	write_raw(path, "{\"session\":\"S\",\"a\":1,\"a\":2}\n");
	CHECK(bh_audit_write(a, r, NULL) == 0);
	write_raw(path, "{\"v\":1,\"session\":\"S\",\"event\":\"e");
	bh_audit_close(a);

	struct collected c;
	unsigned bad = 0;
	CHECK(read_all(path, &c, &bad) == 0);
	CHECK_INT(json_array_size(c.records), 3);
	/* partial, "not json", an array, no session, duplicate key, and the
	 * unfinished last line */
	CHECK_INT(bad, 6);
	for (size_t i = 0; i < json_array_size(c.records); i++)
		CHECK_STR(json_string_value(json_object_get(
				  json_array_get(c.records, i), "event")),
			  "start");
	json_decref(c.records);
	json_decref(r);
}

struct stop_ctx {
	unsigned calls;
	unsigned stop_at; /* line */
	int ret;          /* what the callback returns there */
};

static int stop_cb(void *ctx, void *record, unsigned line)
{
	(void)record;
	struct stop_ctx *c = ctx;
	c->calls++;
	return line == c->stop_at ? c->ret : 0;
}

TEST(audit_read_stops_and_fails)
{
	cleanup_scratch struct scratch sc = {0};
	REQUIRE(scratch_init(&sc));
	const char *path = scratch_path(&sc, "audit.jsonl");
	struct bh_audit *a = NULL;
	REQUIRE(bh_audit_open(path, &a, NULL) == 0);
	json_t *r = make_record("S", "x");
	for (int i = 0; i < 4; i++)
		CHECK(bh_audit_write(a, r, NULL) == 0);
	bh_audit_close(a);
	json_decref(r);

	struct stop_ctx ctx = {0, 2, 1};
	CHECK(bh_audit_read(path, stop_cb, &ctx, NULL, NULL) == 0);
	CHECK_INT(ctx.calls, 2);
	ctx = (struct stop_ctx){0, 3, -ECANCELED};
	CHECK(bh_audit_read(path, stop_cb, &ctx, NULL, NULL) == -ECANCELED);
	CHECK_INT(ctx.calls, 3);

	struct bh_error *err = NULL;
	const char *missing = scratch_path(&sc, "none.jsonl");
	CHECK(bh_audit_read(missing, stop_cb, &ctx, NULL, &err) == -ENOENT);
	CHECK(err && err->code == ENOENT);
	bh_error_free(err);
}

enum { WRITERS = 4, PER_WRITER = 200 };

static void writer_child(const char *path, int id)
{
	struct bh_audit *a = NULL;
	if (bh_audit_open(path, &a, NULL) < 0)
		_exit(1);
	/* Records of different sizes, some well above PIPE_BUF and a page,
	 * so interleaving would show. */
	char *pad = bh_xmalloc(9000);
	for (int i = 0; i < PER_WRITER; i++) {
		size_t n = (size_t)(i * 37 + id * 101) % 8192;
		memset(pad, 'a' + id, n);
		pad[n] = '\0';
		json_t *r = json_pack("{s:s,s:s,s:i,s:i,s:s}", "session", "C",
				      "event", "x", "writer", id, "seq", i,
				      "pad", pad);
		if (bh_audit_write(a, r, NULL) < 0)
			_exit(2);
		json_decref(r);
	}
	free(pad);
	bh_audit_close(a);
	_exit(0);
}

struct tally {
	int seen[WRITERS][PER_WRITER];
	int wrong;
};

static int tally_cb(void *ctx, void *record, unsigned line)
{
	struct tally *t = ctx;
	json_t *r = record;
	json_int_t w = json_integer_value(json_object_get(r, "writer"));
	json_int_t s = json_integer_value(json_object_get(r, "seq"));
	const char *pad = json_string_value(json_object_get(r, "pad"));
	if (w < 0 || w >= WRITERS || s < 0 || s >= PER_WRITER || !pad) {
		t->wrong++;
		return 0;
	}
	for (const char *p = pad; *p; p++)
		if (*p != 'a' + w)
			t->wrong++;
	t->seen[w][s]++;
	return 0;
}

TEST(audit_concurrent_writers)
{
	cleanup_scratch struct scratch sc = {0};
	REQUIRE(scratch_init(&sc));
	const char *path = scratch_path(&sc, "state/bulkhead/audit.jsonl");
	pid_t pids[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		fflush(NULL);
		pids[i] = fork();
		REQUIRE(pids[i] >= 0);
		if (pids[i] == 0)
			writer_child(path, i);
	}
	for (int i = 0; i < WRITERS; i++) {
		int st = 0;
		CHECK(waitpid(pids[i], &st, 0) == pids[i]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	struct tally *t = bh_xcalloc(1, sizeof(*t));
	unsigned bad = 0;
	CHECK(bh_audit_read(path, tally_cb, t, &bad, NULL) == 0);
	CHECK_INT(bad, 0);
	CHECK_INT(t->wrong, 0);
	int total = 0, dup = 0;
	for (int w = 0; w < WRITERS; w++)
		for (int s = 0; s < PER_WRITER; s++) {
			total += t->seen[w][s];
			dup += t->seen[w][s] != 1;
		}
	CHECK_INT(total, WRITERS * PER_WRITER);
	CHECK_INT(dup, 0);
	free(t);
}

static int open_error(const char *path, int *code)
{
	struct bh_audit *a = NULL;
	struct bh_error *err = NULL;
	int r = bh_audit_open(path, &a, &err);
	*code = err ? err->code : 0;
	if (r == 0 && !a)
		r = -1;
	bh_audit_close(a);
	bh_error_free(err);
	return r;
}

TEST(audit_refuses_symlinked_state_dir)
{
	cleanup_scratch struct scratch sc = {0};
	REQUIRE(scratch_init(&sc));
	const char *real = scratch_path(&sc, "elsewhere");
	const char *link = scratch_path(&sc, "bulkhead");
	const char *path = scratch_path(&sc, "bulkhead/audit.jsonl");
	REQUIRE(mkdir(real, 0700) == 0);
	REQUIRE(symlink(real, link) == 0);
	int code = 0;
	CHECK(open_error(path, &code) == -ELOOP);
	CHECK_INT(code, ELOOP);
	CHECK(access(scratch_path(&sc, "elsewhere/audit.jsonl"), F_OK) < 0);

	/* A dangling link is no better. */
	CHECK(unlink(link) == 0);
	CHECK(symlink("/nonexistent-bh-target", link) == 0);
	CHECK(open_error(path, &code) == -ELOOP);
}

TEST(audit_refuses_symlinked_or_linked_file)
{
	cleanup_scratch struct scratch sc = {0};
	REQUIRE(scratch_init(&sc));
	const char *target = scratch_path(&sc, "bashrc");
	const char *dir = scratch_path(&sc, "bulkhead");
	const char *path = scratch_path(&sc, "bulkhead/audit.jsonl");
	int fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	REQUIRE(fd >= 0);
	close(fd);
	REQUIRE(mkdir(dir, 0700) == 0);
	REQUIRE(symlink(target, path) == 0);
	int code = 0;
	CHECK(open_error(path, &code) == -ELOOP);
	CHECK(unlink(path) == 0);
	REQUIRE(link(target, path) == 0);
	CHECK(open_error(path, &code) == -EPERM);
	struct stat st;
	CHECK(stat(target, &st) == 0 && st.st_size == 0);
}

TEST(audit_refuses_foreign_or_open_state_dir)
{
	cleanup_scratch struct scratch sc = {0};
	REQUIRE(scratch_init(&sc));
	const char *dir = scratch_path(&sc, "bulkhead");
	const char *path = scratch_path(&sc, "bulkhead/audit.jsonl");
	REQUIRE(mkdir(dir, 0700) == 0);
	REQUIRE(chmod(dir, 0770) == 0);
	int code = 0;
	CHECK(open_error(path, &code) == -EPERM);
	REQUIRE(chmod(dir, 0700) == 0);
	if (geteuid() != 0) {
		fprintf(stderr, "  SKIP audit_refuses_foreign_or_open_state_dir"
				" (foreign owner): needs root to chown\n");
	} else {
		REQUIRE(chown(dir, 65534, 65534) == 0);
		CHECK(open_error(path, &code) == -EPERM);
		CHECK(access(path, F_OK) < 0);
	}
}

TEST(audit_session_id_format)
{
	char a[32], b[32];
	struct bh_error *err = NULL;
	REQUIRE(bh_session_id_new(a, sizeof(a), &err) == 0);
	REQUIRE(bh_session_id_new(b, sizeof(b), &err) == 0);
	CHECK_INT(strlen(a), 25);
	for (int i = 0; i < 25; i++) {
		char c = a[i];
		bool ok;
		if (i == 8)
			ok = c == 'T';
		else if (i == 15)
			ok = c == 'Z';
		else if (i == 16)
			ok = c == '-';
		else if (i < 15)
			ok = c >= '0' && c <= '9';
		else
			ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
		if (!ok)
			fprintf(stderr, "  bad char %d in %s\n", i, a);
		CHECK(ok);
	}
	CHECK(strcmp(a + 17, b + 17) != 0);
	char small[20];
	CHECK(bh_session_id_new(small, sizeof(small), &err) == -EINVAL);
	bh_error_free(err);
}

TEST(audit_json_string_repairs_utf8)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"plain", "plain"},
		{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92", NULL},
		{"a\xff" "b", "a\xef\xbf\xbd" "b"},
		/* overlong, surrogate, above U+10FFFF, cut short */
		{"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
				     "\xef\xbf\xbd"},
		{"x\xe2\x82", "x\xef\xbf\xbd\xef\xbf\xbd"},
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(cases); i++) {
		json_t *j = bh_audit_json_string(cases[i].in);
		REQUIRE(json_is_string(j));
		CHECK_STR(json_string_value(j),
			  cases[i].out ? cases[i].out : cases[i].in);
		json_decref(j);
	}
}

TEST(audit_status_text)
{
	static const struct {
		const char *json, *text;
	} cases[] = {
		{"{\"kind\":\"exit\",\"code\":0,\"signal\":null}", "exit 0"},
		{"{\"kind\":\"exit\",\"code\":3}", "exit 3"},
		{"{\"kind\":\"signal\",\"code\":137,\"signal\":9}",
		 "signal 9 (KILL)"},
		{"{\"kind\":\"signal\",\"signal\":200}", "signal 200"},
		{"{\"kind\":\"timeout\",\"code\":137,\"signal\":9}",
		 "timeout, signal 9 (KILL)"},
		{"{\"kind\":\"timeout\",\"signal\":null}", "timeout"},
		{"{\"kind\":\"setup-failed\",\"code\":125,\"stage\":\"landlock\","
		 "\"errno\":\"EPERM\"}",
		 "failed before exec: landlock: EPERM"},
		{"{\"kind\":\"exec-failed\",\"code\":127,\"errno\":\"ENOENT\"}",
		 "exec failed: ENOENT"},
		{"{\"kind\":\"future-kind\"}", "future-kind"},
		{"{\"code\":1}", "unknown"},
		{"[]", "unknown"},
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(cases); i++) {
		json_t *j = json_loads(cases[i].json, 0, NULL);
		REQUIRE(j);
		char *s = bh_audit_status_text(j);
		CHECK_STR(s, cases[i].text);
		free(s);
		json_decref(j);
	}
	char *s = bh_audit_status_text(NULL);
	CHECK_STR(s, "unknown");
	free(s);
}

/* Restores an environment variable when it goes out of scope. */
struct saved_env {
	const char *name;
	char *value;
};

static void saved_env_restore(struct saved_env *s)
{
	if (s->value)
		setenv(s->name, s->value, 1);
	else
		unsetenv(s->name);
	free(s->value);
}

#define cleanup_env __attribute__((cleanup(saved_env_restore)))

static struct saved_env saved_env_get(const char *name)
{
	const char *v = getenv(name);
	return (struct saved_env){name, v ? bh_xstrdup(v) : NULL};
}

TEST(audit_default_path)
{
	cleanup_env struct saved_env home = saved_env_get("HOME");
	cleanup_env struct saved_env xdg = saved_env_get("XDG_STATE_HOME");
	setenv("HOME", "/home/u", 1);
	unsetenv("XDG_STATE_HOME");
	char *p = bh_audit_default_path();
	CHECK_STR(p, "/home/u/.local/state/bulkhead/audit.jsonl");
	free(p);
	setenv("XDG_STATE_HOME", "/st", 1);
	p = bh_audit_default_path();
	CHECK_STR(p, "/st/bulkhead/audit.jsonl");
	free(p);
	/* A relative HOME falls back to the passwd entry, never the cwd. */
	setenv("HOME", "relative", 1);
	setenv("XDG_STATE_HOME", "also-relative", 1);
	p = bh_audit_default_path();
	CHECK(p == NULL || p[0] == '/');
	free(p);
}
