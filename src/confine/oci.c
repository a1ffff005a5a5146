/* SPDX-License-Identifier: MIT */
#include "confine/oci.h"

#include <jansson.h>
#include <string.h>
#include <sys/resource.h>

#include "core/util.h"

const char *bh_oci_rlimit_name(int resource)
{
	switch (resource) {
	case RLIMIT_AS:
		return "RLIMIT_AS";
	case RLIMIT_CORE:
		return "RLIMIT_CORE";
	case RLIMIT_CPU:
		return "RLIMIT_CPU";
	case RLIMIT_DATA:
		return "RLIMIT_DATA";
	case RLIMIT_FSIZE:
		return "RLIMIT_FSIZE";
	case RLIMIT_NOFILE:
		return "RLIMIT_NOFILE";
	case RLIMIT_NPROC:
		return "RLIMIT_NPROC";
	case RLIMIT_STACK:
		return "RLIMIT_STACK";
	default:
		return NULL;
	}
}

static json_t *strv(char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static void add_mount(json_t *mounts, const char *dest, const char *type,
		      const char *source, const char *const *opts)
{
	json_t *m = json_object();
	json_object_set_new(m, "destination", json_string(dest));
	json_object_set_new(m, "type", json_string(type));
	json_object_set_new(m, "source", json_string(source));
	json_t *o = json_array();
	for (size_t i = 0; opts[i]; i++)
		json_array_append_new(o, json_string(opts[i]));
	json_object_set_new(m, "options", o);
	json_array_append_new(mounts, m);
}

/* One planner operation as OCI mounts; false when it has no equivalent. */
static bool add_op(json_t *mounts, const struct bh_oci_params *p,
		   const struct bh_mop *op)
{
	const char *ro = op->ro ? "ro" : "rw";
	const char *nx = op->noexec ? "noexec" : "exec";
	switch (op->kind) {
	case BH_MOP_BIND:
		/* The runtime's /dev has the usual nodes; host device
		 * nodes are never bound in. */
		if (bh_path_is_under(op->path, "/dev"))
			return true;
		/* fallthrough */
	case BH_MOP_REBIND: {
		const char *o[] = {"rbind", ro, "nosuid", "nodev", nx, NULL};
		add_mount(mounts, op->path, "bind",
			  op->source ? op->source : op->path, o);
		return true;
	}
	case BH_MOP_TMPFS: {
		const char *o[] = {"nosuid", "nodev", "mode=1777", NULL};
		add_mount(mounts, op->path, "tmpfs", "tmpfs", o);
		return true;
	}
	case BH_MOP_MASK:
		if (op->is_dir) {
			const char *o[] = {"ro",     "nosuid",	 "nodev",
					   "noexec", "mode=755", NULL};
			add_mount(mounts, op->path, "tmpfs", "tmpfs", o);
		} else {
			const char *o[] = {"bind",  "ro",     "nosuid",
					   "nodev", "noexec", NULL};
			add_mount(mounts, op->path, "bind", p->mask_file, o);
		}
		return true;
	case BH_MOP_PROC: {
		const char *o[] = {"nosuid", "nodev", "noexec", NULL};
		add_mount(mounts, "/proc", "proc", "proc", o);
		return true;
	}
	case BH_MOP_DEV: {
		const char *o[] = {"nosuid", "noexec", "mode=755", NULL};
		add_mount(mounts, "/dev", "tmpfs", "tmpfs", o);
		return true;
	}
	case BH_MOP_OVERLAY:
		return false;
	}
	return false;
}

void *bh_oci_spec(const struct bh_oci_params *p, const struct bh_mop **bad)
{
	*bad = NULL;
	json_t *mounts = json_array();
	for (size_t i = 0; i < p->n_ops; i++) {
		if (!add_op(mounts, p, &p->ops[i])) {
			*bad = &p->ops[i];
			json_decref(mounts);
			return NULL;
		}
	}

	json_t *user = json_pack("{s:I, s:I, s:[]}", "uid", (json_int_t)p->uid,
				 "gid", (json_int_t)p->gid, "additionalGids");
	/* Every capability set empty: the command has none, inside the
	 * Sentry either. */
	json_t *caps =
	    json_pack("{s:[], s:[], s:[], s:[], s:[]}", "bounding", "effective",
		      "inheritable", "permitted", "ambient");
	json_t *rl = json_array();
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const char *name = bh_oci_rlimit_name(p->rlimits[i].resource);
		if (!name)
			continue;
		json_array_append_new(
		    rl,
		    json_pack("{s:s, s:I, s:I}", "type", name, "hard",
			      (json_int_t)p->rlimits[i].lim.rlim_max, "soft",
			      (json_int_t)p->rlimits[i].lim.rlim_cur));
	}
	json_t *process =
	    json_pack("{s:b, s:o, s:o, s:o, s:s, s:o, s:b, s:o}", "terminal",
		      p->terminal ? 1 : 0, "user", user, "args", strv(p->argv),
		      "env", strv(p->envp), "cwd", p->cwd, "capabilities", caps,
		      "noNewPrivileges", 1, "rlimits", rl);
	json_t *ns = json_array();
	static const char *const kinds[] = {"pid", "network", "ipc", "uts",
					    "mount"};
	for (size_t i = 0; i < BH_ARRAY_SIZE(kinds); i++)
		json_array_append_new(ns, json_pack("{s:s}", "type", kinds[i]));
	return json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:{s:o}}",
			 "ociVersion", "1.0.2", "process", process, "root",
			 "path", p->root, "readonly", p->root_writable ? 0 : 1, "hostname",
			 p->hostname ? p->hostname : "bulkhead", "mounts",
			 mounts, "linux", "namespaces", ns);
}
