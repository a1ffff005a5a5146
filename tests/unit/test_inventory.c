/* SPDX-License-Identifier: MIT */
/* The inventory scanner on a planted tree, merging, baselines, and the
 * JSON and SARIF outputs. */
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "inventory/inventory.h"
#include "test.h"

static const unsigned char key[32] = {1, 2, 3};
#define GH_FAKE "ghp_R4nd0mR4nd0mR4nd0mR4nd0mR4nd0m123456"
#define NPM_FAKE "npm_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d"

static void put(const char *dir, const char *rel, const char *text)
{
	char *p = bh_xasprintf("%s/%s", dir, rel);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	bh_mkdir_p(p, 0755);
	*slash = '/';
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			fprintf(stderr, "write %s failed\n", p);
		close(fd);
	}
	free(p);
}

static const struct bh_inv_finding *find(const struct bh_inv_findings *f,
					 const char *rule, const char *loc_end)
{
	for (size_t i = 0; i < f->n; i++) {
		size_t ll = strlen(f->v[i].location), el = strlen(loc_end);
		if (!strcmp(f->v[i].rule, rule) && ll >= el &&
		    !strcmp(f->v[i].location + ll - el, loc_end))
			return &f->v[i];
	}
	return NULL;
}

struct tree {
	char root[64];
	char *home, *ws;
};

static void tree_make(struct tree *t)
{
	strcpy(t->root, "/tmp/bh-unit-inv.XXXXXX");
	if (!mkdtemp(t->root))
		abort();
	t->home = bh_xasprintf("%s/home", t->root);
	t->ws = bh_xasprintf("%s/ws", t->root);
	bh_mkdir_p(t->home, 0755);
	bh_mkdir_p(t->ws, 0755);
}

static void tree_free(struct tree *t)
{
	bh_rm_rf_at(AT_FDCWD, t->root);
	free(t->home);
	free(t->ws);
}

static int scan(struct tree *t, struct bh_inv_findings *f, size_t max_files)
{
	struct bh_secrets *s = NULL;
	struct bh_error *err = NULL;
	if (bh_secrets_new(&s, &err))
		return -1;
	struct bh_inv_scan_opts o = {
	    .home = t->home,
	    .workspace = t->ws,
	    .uid = 4242,
	    .secrets = s,
	    .key = key,
	    .max_files = max_files,
	};
	int r = bh_inv_scan(&o, f, &err);
	bh_error_free(err);
	bh_secrets_free(s);
	return r;
}

TEST(inventory_scan_finds_planted_content_with_lines)
{
	struct tree t;
	tree_make(&t);
	put(t.ws, "src/app.env", "# config\nA=1\nNPM_TOKEN=" NPM_FAKE "\n");
	put(t.home, ".bash_history", "ls\ncd x\nexport GH=" GH_FAKE "\n");
	struct bh_inv_findings f = {0};
	REQUIRE(scan(&t, &f, 0) == 0);
	const struct bh_inv_finding *x = find(&f, "npm-token", "/src/app.env");
	REQUIRE(x != NULL);
	CHECK_INT(x->line, 3);
	CHECK_INT(x->kind, BH_INVF_CONTENT);
	CHECK_INT(strlen(x->fp), 12);
	x = find(&f, "github-pat", "/.bash_history");
	REQUIRE(x != NULL);
	CHECK_INT(x->line, 3);
	/* No finding carries the secret. */
	for (size_t i = 0; i < f.n; i++) {
		json_t *j = bh_inv_finding_to_json(&f.v[i]);
		char *s = json_dumps(j, 0);
		CHECK(strstr(s, "R4nd0m") == NULL);
		CHECK(strstr(s, "u8jzPde0") == NULL);
		free(s);
		json_decref(j);
	}
	bh_inv_findings_release(&f);
	tree_free(&t);
}

TEST(inventory_scan_fingerprint_is_the_secret_not_the_place)
{
	struct tree t;
	tree_make(&t);
	put(t.ws, "a.txt", "token: " GH_FAKE "\n");
	put(t.ws, "b/c.txt", "\n\nx = \"" GH_FAKE "\"\n");
	struct bh_inv_findings f = {0};
	REQUIRE(scan(&t, &f, 0) == 0);
	const struct bh_inv_finding *a = find(&f, "github-pat", "/a.txt");
	const struct bh_inv_finding *b = find(&f, "github-pat", "/b/c.txt");
	REQUIRE(a && b);
	CHECK_STR(a->fp, b->fp);
	bh_inv_findings_release(&f);
	tree_free(&t);
}

TEST(inventory_scan_follows_no_symlinks_and_skips_binaries)
{
	struct tree t;
	tree_make(&t);
	char *outside = bh_xasprintf("%s/outside", t.root);
	put(outside, "secret.txt", "k=" GH_FAKE "\n");
	char *link = bh_xasprintf("%s/link", t.ws);
	CHECK(symlink(outside, link) == 0);
	char *flink = bh_xasprintf("%s/flink.txt", t.ws);
	char *target = bh_xasprintf("%s/secret.txt", outside);
	CHECK(symlink(target, flink) == 0);
	/* A NUL in the first bytes: binary, not scanned. */
	char *bin = bh_xasprintf("%s/blob.bin", t.ws);
	int fd = open(bin, O_WRONLY | O_CREAT, 0600);
	static const char data[] = "\0\1\2 " GH_FAKE;
	CHECK(write(fd, data, sizeof(data)) == (ssize_t)sizeof(data));
	close(fd);
	struct bh_inv_findings f = {0};
	REQUIRE(scan(&t, &f, 0) == 0);
	CHECK(find(&f, "github-pat", "/secret.txt") == NULL);
	CHECK(find(&f, "github-pat", "/flink.txt") == NULL);
	CHECK(find(&f, "github-pat", "/blob.bin") == NULL);
	CHECK(f.skipped >= 1);
	bh_inv_findings_release(&f);
	free(outside);
	free(link);
	free(flink);
	free(target);
	free(bin);
	tree_free(&t);
}

TEST(inventory_scan_bounds_are_reported)
{
	struct tree t;
	tree_make(&t);
	for (int i = 0; i < 20; i++) {
		char name[32];
		snprintf(name, sizeof(name), "f%02d.txt", i);
		put(t.ws, name, "nothing here\n");
	}
	struct bh_inv_findings f = {0};
	REQUIRE(scan(&t, &f, 5) == 0);
	CHECK(f.truncated);
	CHECK(f.files <= 5);
	bh_inv_findings_release(&f);
	tree_free(&t);
}

TEST(inventory_scan_socket_reachability)
{
	struct tree t;
	tree_make(&t);
	char *path = bh_xasprintf("%s/agent.sock", t.home);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	REQUIRE(bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	REQUIRE(listen(l, 8) == 0);
	char *dead = bh_xasprintf("%s/dead.sock", t.home);
	int d = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", dead);
	REQUIRE(bind(d, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	close(d); /* bound, never listening: connect is refused */
	struct bh_secrets *s = NULL;
	struct bh_error *err = NULL;
	REQUIRE(bh_secrets_new(&s, &err) == 0);
	char *socks[] = {path, dead};
	struct bh_inv_scan_opts o = {.home = t.home,
				     .uid = 4242,
				     .secrets = s,
				     .key = key,
				     .sockets = socks,
				     .n_sockets = 2};
	struct bh_inv_findings f = {0};
	REQUIRE(bh_inv_scan(&o, &f, &err) == 0);
	const struct bh_inv_finding *x =
	    find(&f, "agent-socket", "/agent.sock");
	REQUIRE(x != NULL);
	CHECK_INT(x->kind, BH_INVF_SOCKET);
	CHECK(find(&f, "agent-socket", "/dead.sock") == NULL);
	bh_inv_findings_release(&f);
	bh_secrets_free(s);
	close(l);
	free(path);
	free(dead);
	tree_free(&t);
}

static struct bh_inv_finding mk(const char *rule, const char *loc,
				const char *fp, int sev)
{
	struct bh_inv_finding f = {.rule = (char *)rule,
				   .kind = BH_INVF_CONTENT,
				   .severity = sev,
				   .location = (char *)loc};
	snprintf(f.fp, sizeof(f.fp), "%s", fp);
	return f;
}

TEST(inventory_merge_exposed_and_contained)
{
	struct bh_inv_findings in = {0}, out = {0}, all = {0};
	struct bh_inv_finding a = mk("r1", "/ws/.env", "aaaaaaaaaaaa", 3);
	struct bh_inv_finding b = mk("r2", "/home/.aws", "bbbbbbbbbbbb", 4);
	bh_inv_findings_add(&in, &a);
	bh_inv_findings_add(&out, &a);
	bh_inv_findings_add(&out, &b);
	bh_inv_merge(&in, &out, &all);
	REQUIRE(all.n == 2);
	CHECK_STR(all.v[0].rule, "r1");
	CHECK_INT(all.v[0].status, BH_INV_EXPOSED);
	CHECK_STR(all.v[1].rule, "r2");
	CHECK_INT(all.v[1].status, BH_INV_CONTAINED);
	CHECK_INT(bh_inv_worst_exposed(&all), 3);
	bh_inv_findings_release(&in);
	bh_inv_findings_release(&out);
	bh_inv_findings_release(&all);
}

static char *tmpfile_with(const char *text)
{
	char *p = bh_xstrdup("/tmp/bh-unit-base.XXXXXX");
	int fd = mkstemp(p);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			fprintf(stderr, "write failed\n");
		close(fd);
	}
	return p;
}

TEST(inventory_baseline_json_is_per_place_lines_are_anywhere)
{
	struct bh_inv_findings f = {0};
	struct bh_inv_finding a = mk("r1", "/ws/.env", "aaaaaaaaaaaa", 3);
	struct bh_inv_finding a2 = mk("r1", "/ws/new.env", "aaaaaaaaaaaa", 3);
	struct bh_inv_finding c = mk("r3", "/x", "cccccccccccc", 2);
	bh_inv_findings_add(&f, &a);
	bh_inv_findings_add(&f, &a2);
	bh_inv_findings_add(&f, &c);
	char *p =
	    tmpfile_with("{\"findings\":[{\"rule\":\"r1\",\"fingerprint\":"
			 "\"aaaaaaaaaaaa\",\"location\":\"/ws/.env\"}]}");
	struct bh_inv_baseline b = {0};
	struct bh_error *err = NULL;
	REQUIRE(bh_inv_baseline_load(p, &b, &err) == 0);
	CHECK_INT(bh_inv_baseline_apply(&b, &f), 1);
	CHECK(find(&f, "r1", "/ws/.env")->status == BH_INV_SUPPRESSED);
	CHECK(find(&f, "r1", "/new.env")->status == BH_INV_EXPOSED);
	bh_inv_baseline_release(&b);
	unlink(p);
	free(p);
	p = tmpfile_with("# known\nr1:aaaaaaaaaaaa\n cccccccccccc \n");
	REQUIRE(bh_inv_baseline_load(p, &b, &err) == 0);
	CHECK_INT(bh_inv_baseline_apply(&b, &f), 2);
	CHECK_INT(bh_inv_worst_exposed(&f), 0);
	bh_inv_baseline_release(&b);
	unlink(p);
	free(p);
	/* Errors name the file and line. */
	p = tmpfile_with("r1:aaaaaaaaaaaa\nnot-a-fingerprint\n");
	CHECK(bh_inv_baseline_load(p, &b, &err) != 0);
	REQUIRE(err != NULL);
	CHECK(strstr(err->msg, ":2:") != NULL);
	bh_error_free(err);
	err = NULL;
	bh_inv_baseline_release(&b);
	unlink(p);
	free(p);
	p = tmpfile_with("{\"findings\": 3}");
	CHECK(bh_inv_baseline_load(p, &b, &err) != 0);
	bh_error_free(err);
	bh_inv_baseline_release(&b);
	unlink(p);
	free(p);
	bh_inv_findings_release(&f);
}

TEST(inventory_finding_json_round_trip_and_rejects)
{
	struct bh_inv_finding a = mk("github-pat", "/w/a", "0123456789ab", 3);
	a.line = 7;
	a.tool = "GitHub";
	json_t *j = bh_inv_finding_to_json(&a);
	struct bh_inv_finding b;
	REQUIRE(bh_inv_finding_from_json(j, &b) == 0);
	CHECK_STR(b.rule, "github-pat");
	CHECK_STR(b.location, "/w/a");
	CHECK_STR(b.fp, "0123456789ab");
	CHECK_STR(b.tool, "GitHub");
	CHECK_INT(b.line, 7);
	CHECK_INT(b.severity, 3);
	bh_inv_finding_release(&b);
	json_object_set_new(j, "fingerprint", json_string("XYZ"));
	CHECK(bh_inv_finding_from_json(j, &b) != 0);
	json_object_set_new(j, "fingerprint", json_string("0123456789ab"));
	json_object_set_new(j, "kind", json_string("telepathy"));
	CHECK(bh_inv_finding_from_json(j, &b) != 0);
	json_object_set_new(j, "kind", json_string("content"));
	json_object_set_new(j, "line", json_integer(-4));
	CHECK(bh_inv_finding_from_json(j, &b) != 0);
	json_decref(j);
}

TEST(inventory_sarif_and_json_documents)
{
	struct bh_inv_findings f = {0};
	struct bh_inv_finding a = mk("r1", "/w/a b.env", "aaaaaaaaaaaa", 4);
	a.line = 2;
	struct bh_inv_finding c = mk("r1", "/x", "cccccccccccc", 2);
	bh_inv_findings_add(&f, &a);
	bh_inv_findings_add(&f, &c);
	f.v[1].status = BH_INV_CONTAINED;
	struct bh_inv_meta m = {
	    .profile = "default", .tier = "kernel", .home = "/h", .uid = 1};
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	REQUIRE(bh_inv_write_sarif(out, &m, &f) == 0);
	fclose(out);
	json_t *d = json_loads(buf, 0, NULL);
	REQUIRE(d != NULL);
	CHECK_STR(json_string_value(json_object_get(d, "version")), "2.1.0");
	json_t *run = json_array_get(json_object_get(d, "runs"), 0);
	json_t *rules = json_object_get(
	    json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	CHECK_INT(json_array_size(rules), 1);
	json_t *res = json_object_get(run, "results");
	CHECK_INT(json_array_size(res), 2);
	json_t *r0 = json_array_get(res, 0);
	CHECK_STR(json_string_value(json_object_get(r0, "kind")), "fail");
	CHECK_STR(json_string_value(json_object_get(r0, "level")), "error");
	const char *uri = json_string_value(json_object_get(
	    json_object_get(
		json_object_get(
		    json_array_get(json_object_get(r0, "locations"), 0),
		    "physicalLocation"),
		"artifactLocation"),
	    "uri"));
	CHECK_STR(uri, "file:///w/a%20b.env");
	CHECK_STR(
	    json_string_value(json_object_get(json_array_get(res, 1), "kind")),
	    "pass");
	json_decref(d);
	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &len);
	REQUIRE(bh_inv_write_json(out, &m, &f) == 0);
	fclose(out);
	d = json_loads(buf, 0, NULL);
	REQUIRE(d != NULL);
	CHECK_STR(json_string_value(json_object_get(d, "schema")),
		  "bulkhead-inventory/1");
	json_t *sum = json_object_get(d, "summary");
	CHECK_INT(json_integer_value(json_object_get(sum, "exposed")), 1);
	CHECK_INT(json_integer_value(json_object_get(sum, "contained")), 1);
	CHECK_STR(json_string_value(json_object_get(sum, "worst_exposed")),
		  "critical");
	json_decref(d);
	free(buf);
	bh_inv_findings_release(&f);
}

TEST(inventory_scan_a_noisy_file_does_not_stop_the_walk)
{
	struct tree t;
	tree_make(&t);
	struct bh_strbuf sb = {0};
	for (int i = 0; i < 60; i++)
		bh_strbuf_puts(&sb, "k=" GH_FAKE "\n");
	put(t.ws, "a-noisy.txt", sb.buf);
	bh_strbuf_release(&sb);
	put(t.ws, "z-later/b.env", "NPM_TOKEN=" NPM_FAKE "\n");
	struct bh_inv_findings f = {0};
	REQUIRE(scan(&t, &f, 0) == 0);
	size_t noisy = 0;
	for (size_t i = 0; i < f.n; i++)
		noisy += strstr(f.v[i].location, "a-noisy") != NULL;
	CHECK(noisy <= 50);
	CHECK(f.truncated);
	CHECK(find(&f, "npm-token", "/b.env") != NULL);
	bh_inv_findings_release(&f);
	tree_free(&t);
}
