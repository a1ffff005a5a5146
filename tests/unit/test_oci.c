/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <string.h>
#include <sys/resource.h>

#include "confine/oci.h"
#include "core/util.h"
#include "test.h"

static struct bh_mop mop(enum bh_mop_kind k, const char *path, bool ro,
			 bool noexec, bool is_dir)
{
	struct bh_mop m = {.kind = k,
			   .path = (char *)path,
			   .ro = ro,
			   .noexec = noexec,
			   .is_dir = is_dir,
			   .srcfd = -1};
	return m;
}

/* The mount at index i as "TYPE SOURCE->DEST opt,opt". */
static char *mount_text(json_t *spec, size_t i)
{
	json_t *m = json_array_get(json_object_get(spec, "mounts"), i);
	if (!m)
		return bh_xstrdup("(none)");
	char opts[256] = "";
	size_t k;
	json_t *o;
	json_array_foreach(json_object_get(m, "options"), k, o)
	{
		if (k)
			strcat(opts, ",");
		strcat(opts, json_string_value(o));
	}
	return bh_xasprintf(
	    "%s %s->%s %s", json_string_value(json_object_get(m, "type")),
	    json_string_value(json_object_get(m, "source")),
	    json_string_value(json_object_get(m, "destination")), opts);
}

TEST(oci_spec_mounts_follow_the_plan)
{
	struct bh_mop ops[] = {
	    mop(BH_MOP_DEV, "/dev", false, false, true),
	    mop(BH_MOP_BIND, "/dev/null", false, true, false),
	    mop(BH_MOP_BIND, "/usr", true, false, true),
	    mop(BH_MOP_BIND, "/home/u/proj", false, false, true),
	    mop(BH_MOP_REBIND, "/home/u/proj/.git/hooks", true, true, true),
	    mop(BH_MOP_MASK, "/etc/ssl/private", true, true, true),
	    mop(BH_MOP_MASK, "/etc/shadow", true, true, false),
	    mop(BH_MOP_TMPFS, "/tmp", false, false, true),
	    mop(BH_MOP_PROC, "/proc", true, true, true),
	};
	char *argv[] = {"sh", "-c", "true", NULL};
	char *envp[] = {"PATH=/usr/bin", NULL};
	struct bh_rlimit_set rl[] = {{RLIMIT_NOFILE, {64, 128}}};
	struct bh_oci_params p = {
	    .root = "/run/b/root",
	    .mask_file = "/run/b/empty",
	    .ops = ops,
	    .n_ops = BH_ARRAY_SIZE(ops),
	    .argv = argv,
	    .envp = envp,
	    .cwd = "/home/u/proj",
	    .uid = 1000,
	    .gid = 100,
	    .rlimits = rl,
	    .n_rlimits = 1,
	};
	const struct bh_mop *bad = (void *)1;
	json_t *spec = bh_oci_spec(&p, &bad);
	REQUIRE(spec != NULL);
	CHECK(bad == NULL);
	static const char *const want[] = {
	    "tmpfs tmpfs->/dev nosuid,noexec,mode=755",
	    /* /dev/null: the Sentry's own, not bound */
	    "bind /usr->/usr rbind,ro,nosuid,nodev,exec",
	    "bind /home/u/proj->/home/u/proj rbind,rw,nosuid,nodev,exec",
	    "bind /home/u/proj/.git/hooks->/home/u/proj/.git/hooks "
	    "rbind,ro,nosuid,nodev,noexec",
	    "tmpfs tmpfs->/etc/ssl/private ro,nosuid,nodev,noexec,mode=755",
	    "bind /run/b/empty->/etc/shadow bind,ro,nosuid,nodev,noexec",
	    "tmpfs tmpfs->/tmp nosuid,nodev,mode=1777",
	    "proc proc->/proc nosuid,nodev,noexec",
	    "(none)",
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(want); i++) {
		char *got = mount_text(spec, i);
		CHECK_STR(got, want[i]);
		free(got);
	}
	json_t *proc = json_object_get(spec, "process");
	CHECK(json_is_false(json_object_get(proc, "terminal")));
	CHECK(json_is_true(json_object_get(proc, "noNewPrivileges")));
	CHECK_STR(json_string_value(json_object_get(proc, "cwd")),
		  "/home/u/proj");
	json_t *user = json_object_get(proc, "user");
	CHECK(json_integer_value(json_object_get(user, "uid")) == 1000);
	CHECK(json_integer_value(json_object_get(user, "gid")) == 100);
	CHECK(json_array_size(json_object_get(
		  json_object_get(proc, "capabilities"), "bounding")) == 0);
	json_t *r0 = json_array_get(json_object_get(proc, "rlimits"), 0);
	CHECK_STR(json_string_value(json_object_get(r0, "type")),
		  "RLIMIT_NOFILE");
	CHECK(json_integer_value(json_object_get(r0, "soft")) == 64);
	CHECK(json_integer_value(json_object_get(r0, "hard")) == 128);
	CHECK_STR(
	    json_string_value(json_array_get(json_object_get(proc, "args"), 0)),
	    "sh");
	json_t *root = json_object_get(spec, "root");
	CHECK(json_is_true(json_object_get(root, "readonly")));
	CHECK_STR(json_string_value(json_object_get(root, "path")),
		  "/run/b/root");
	json_decref(spec);
}

/* A spec of `true` over these operations, nothing else set. */
static struct bh_oci_params small_params(const char *root,
					 const struct bh_mop *ops, size_t n)
{
	static char *argv[] = {"true", NULL};
	struct bh_oci_params p = {.root = root,
				  .mask_file = "/e",
				  .ops = ops,
				  .n_ops = n,
				  .argv = argv,
				  .envp = argv,
				  .cwd = "/"};
	return p;
}

TEST(oci_spec_refuses_the_overlay_workspace)
{
	struct bh_mop ops[] = {
	    mop(BH_MOP_BIND, "/usr", true, false, true),
	    mop(BH_MOP_OVERLAY, "/home/u/proj", false, false, true),
	};
	struct bh_oci_params p = small_params("/r", ops, 2);
	const struct bh_mop *bad = NULL;
	CHECK(bh_oci_spec(&p, &bad) == NULL);
	CHECK(bad == &ops[1]);
}

/* The gvisor tier's spec: the root is a tree bulkhead built, writable
 * through (its read-only parts are the host's mount flags), and a bind
 * names its source (a clone of the tree's subtree), never the host's path
 * (which would bypass the masks and protected paths beneath it). */
TEST(oci_spec_binds_come_from_the_built_tree)
{
	struct bh_mop ops[] = {
	    mop(BH_MOP_BIND, "/etc", true, true, true),
	    mop(BH_MOP_BIND, "/home/u/.cache/x", false, true, true),
	};
	ops[0].source = "/run/b/binds/0";
	ops[1].source = "/run/b/binds/1";
	struct bh_oci_params p = small_params("/run/b/root", ops, 2);
	p.root_writable = true;
	const struct bh_mop *bad = NULL;
	json_t *spec = bh_oci_spec(&p, &bad);
	REQUIRE(spec != NULL);
	char *m0 = mount_text(spec, 0), *m1 = mount_text(spec, 1);
	CHECK_STR(m0, "bind /run/b/binds/0->/etc rbind,ro,nosuid,nodev,noexec");
	CHECK_STR(m1, "bind /run/b/binds/1->/home/u/.cache/x "
		      "rbind,rw,nosuid,nodev,noexec");
	free(m0);
	free(m1);
	CHECK(json_is_false(
	    json_object_get(json_object_get(spec, "root"), "readonly")));
	json_decref(spec);
}
