/* SPDX-License-Identifier: MIT */
#include "cli/session.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "audit/audit.h"
#include "confine/rootfs.h"
#include "cli/cli.h"
#include "core/fsutil.h"
#include "core/timing.h"
#include "core/util.h"

enum {
	OPT_FORCE_WS = 256,
	OPT_STRICT,
	OPT_UID,
	OPT_PRINT_ENV,
	OPT_JSON,
	OPT_PTY,
	OPT_NO_PTY,
	OPT_WS_MODE,
	OPT_GRANT_SELF,
	OPT_SERVE,
};

int bh_cli_parse_opts(int argc, char **argv, struct bh_cli_opts *o,
		      bool allow_run_opts, const char *help)
{
	static const struct option longs[] = {
		{"profile", required_argument, NULL, 'p'},
		{"tier", required_argument, NULL, 't'},
		{"workspace", required_argument, NULL, 'w'},
		{"force-workspace", no_argument, NULL, OPT_FORCE_WS},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"uid", required_argument, NULL, OPT_UID},
		{"print-env", no_argument, NULL, OPT_PRINT_ENV},
		{"json", no_argument, NULL, OPT_JSON},
		{"pty", no_argument, NULL, OPT_PTY},
		{"no-pty", no_argument, NULL, OPT_NO_PTY},
		{"workspace-mode", required_argument, NULL, OPT_WS_MODE},
		{"overlay", no_argument, NULL, 'O'},
		{"quiet", no_argument, NULL, 'q'},
		{"grant-self", no_argument, NULL, OPT_GRANT_SELF},
		{"serve", required_argument, NULL, OPT_SERVE},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	const char *cmd = argv[0];
	o->uid = o->gid = -1;
	o->ws_mode = -1;
	optind = 1;
	opterr = 0;
	int c;
	/* "+": stop at the first non-option, the command to run. */
	while ((c = getopt_long(argc, argv, "+p:t:w:qh", longs, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->profile = optarg;
			break;
		case 't':
			o->tier = bh_tier_from_name(optarg);
			if (o->tier == BH_TIER_UNSET) {
				bh_cli_usage(cmd,
					     "unknown tier '%s' (kernel, "
					     "namespace, gvisor, microvm, auto)",
					     optarg);
				return -1;
			}
			break;
		case 'w':
			o->workspace = optarg;
			break;
		case OPT_FORCE_WS:
			o->force_workspace = true;
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_UID: {
			char *end;
			errno = 0;
			long u = strtol(optarg, &end, 10), g = u;
			if (*end == ':')
				g = strtol(end + 1, &end, 10);
			if (errno || *end || u < 0 || g < 0 || u > 0xfffffffe ||
			    g > 0xfffffffe) {
				bh_cli_usage(cmd, "--uid wants UID[:GID], got "
						  "'%s'",
					     optarg);
				return -1;
			}
			o->uid = u;
			o->gid = g;
			break;
		}
		case OPT_PRINT_ENV:
			if (!allow_run_opts)
				goto unknown;
			o->print_env = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case 'O':
			o->ws_mode = BH_WS_OVERLAY;
			break;
		case OPT_WS_MODE:
			if (!strcmp(optarg, "direct")) {
				o->ws_mode = BH_WS_DIRECT;
			} else if (!strcmp(optarg, "overlay")) {
				o->ws_mode = BH_WS_OVERLAY;
			} else {
				bh_cli_usage(cmd,
					     "--workspace-mode takes direct or "
					     "overlay, not '%s'",
					     optarg);
				return -1;
			}
			break;
		case OPT_GRANT_SELF:
			if (!allow_run_opts)
				goto unknown;
			o->grant_self = true;
			break;
		case OPT_SERVE:
			if (!allow_run_opts)
				goto unknown;
			o->serve = optarg;
			break;
		case OPT_PTY:
		case OPT_NO_PTY:
			if (!allow_run_opts)
				goto unknown;
			o->pty = c == OPT_PTY ? 1 : -1;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			fputs(help, stdout);
			return -2;
		default:
		unknown:
			if (optopt)
				bh_cli_usage(cmd, "unknown option '-%c'", optopt);
			else
				bh_cli_usage(cmd, "unknown option '%s'",
					     argv[optind - 1]);
			return -1;
		}
	}
	return optind;
}

/* Reads profiles that are not built in: absolute paths, and bare names from
 * ~/.config/bulkhead/profiles/ (never from the workspace: DESIGN settled 11;
 * a relative path given with -p is resolved against the current directory
 * by the caller, explicitly). */
struct reader_ctx {
	const char *config_dir;
};

static bool is_bare_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		      *s == '.'))
			return false;
	return true;
}

static int read_profile(void *vctx, const char *name, char **text,
			char **display, struct bh_error **err)
{
	struct reader_ctx *ctx = vctx;
	cleanup_free char *path = NULL;
	if (name[0] == '/')
		path = bh_xstrdup(name);
	else if (is_bare_name(name) && ctx->config_dir)
		path = bh_xasprintf("%s/bulkhead/profiles/%s.profile",
				    ctx->config_dir, name);
	else
		return bh_error_set(err, BH_EK_PROFILE, ENOENT,
				    "no profile '%s' (not built in, not an "
				    "absolute path)",
				    name);
	size_t len;
	int r = bh_read_file(path, 1 << 20, text, &len, err);
	if (r)
		return r;
	if (strlen(*text) != len) {
		free(*text);
		*text = NULL;
		return bh_error_set(err, BH_EK_PROFILE, EINVAL,
				    "%s: profile contains a NUL byte", path);
	}
	*display = steal_pointer(&path);
	return 0;
}

int bh_cli_load_profile(const char *spec, const struct bh_policy_vars *vars,
			struct bh_policy **out, struct bh_error **err)
{
	const char *xdg_cfg = getenv("XDG_CONFIG_HOME");
	cleanup_free char *cfg =
		(xdg_cfg && xdg_cfg[0] == '/')
			? bh_xstrdup(xdg_cfg)
			: bh_xasprintf("%s/.config", vars->home);
	struct reader_ctx rctx = {.config_dir = cfg};
	struct bh_profile_reader reader = {.read = read_profile, .ctx = &rctx};
	/* A relative path with a slash is the user's explicit choice: made
	 * absolute here, never looked up in the workspace implicitly. */
	cleanup_free char *spec_abs = NULL;
	if (strchr(spec, '/') && spec[0] != '/') {
		spec_abs = realpath(spec, NULL);
		if (!spec_abs)
			return bh_error_set(err, BH_EK_PROFILE, errno,
					    "profile %s: %s", spec,
					    strerror(errno));
		spec = spec_abs;
	}
	return bh_policy_load(spec, vars, &reader, out, err);
}

char *bh_cli_host_home(void)
{
	const char *h = getenv("HOME");
	if (h && h[0] == '/')
		return bh_xstrdup(h);
	struct passwd *pw = getpwuid(getuid());
	return bh_xstrdup(pw && pw->pw_dir ? pw->pw_dir : "/");
}

int bh_load_key(const char *state_dir, unsigned char key[32],
		struct bh_error **err)
{
	int r = bh_mkdir_p(state_dir, 0700);
	if (r)
		return bh_error_sys(err, -r, "creating %s", state_dir);
	cleanup_free char *path = bh_xasprintf("%s/key", state_dir);
	cleanup_fd int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, key, 32) == 32)
			return 0;
		return bh_error_set(err, BH_EK_SYSTEM, EIO,
				    "%s: short fingerprint key", path);
	}
	if (getrandom(key, 32, 0) != 32)
		return bh_error_sys(err, errno, "getrandom");
	cleanup_free char *tmp = bh_xasprintf("%s.%d", path, getpid());
	cleanup_fd int wfd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					       O_CLOEXEC,
				  0600);
	if (wfd < 0)
		return bh_error_sys(err, errno, "creating %s", tmp);
	if (write(wfd, key, 32) != 32 || fsync(wfd) != 0) {
		unlink(tmp);
		return bh_error_sys(err, errno, "writing %s", tmp);
	}
	/* link() fails if another session created the key meanwhile: use
	 * theirs, so fingerprints agree. */
	if (link(tmp, path) != 0) {
		unlink(tmp);
		cleanup_fd int rfd = open(path, O_RDONLY | O_NOFOLLOW |
							O_CLOEXEC);
		if (rfd < 0 || read(rfd, key, 32) != 32)
			return bh_error_sys(err, errno, "reading %s", path);
		return 0;
	}
	unlink(tmp);
	return 0;
}

char *bh_cli_workspace_path(const char *flag, const char *cwd,
			    struct bh_error **err)
{
	if (!flag) {
		char *ws = bh_git_toplevel(cwd);
		return ws ? ws : bh_xstrdup(cwd);
	}
	char *ws = realpath(flag, NULL);
	if (!ws)
		bh_error_set(err, BH_EK_USAGE, errno, "workspace %s: %s", flag,
			     strerror(errno));
	return ws;
}

static int resolve_workspace(const struct bh_cli_opts *o, struct bh_prepared *p,
			     struct bh_error **err)
{
	char buf[PATH_MAX];
	if (!getcwd(buf, sizeof(buf)))
		return bh_error_sys(err, errno, "getcwd");
	p->cwd = bh_xstrdup(buf);
	char *ws = bh_cli_workspace_path(o->workspace, p->cwd, err);
	if (!ws)
		return (*err)->code ? -(*err)->code : -EINVAL;
	p->workspace = ws;
	struct stat st;
	if (stat(ws, &st) != 0 || !S_ISDIR(st.st_mode))
		return bh_error_set(err, BH_EK_USAGE, ENOTDIR,
				    "workspace %s is not a directory", ws);
	cleanup_free char *home_real = realpath(p->host_home, NULL);
	bool broad = !strcmp(ws, "/") ||
		     (home_real && !strcmp(ws, home_real));
	if (broad && !o->force_workspace) {
		bh_error_set(err, BH_EK_USAGE, EPERM,
			     "refusing %s as the workspace: it would make "
			     "%s writable to the sandbox",
			     ws, !strcmp(ws, "/") ? "the whole system"
						 : "your whole home");
		bh_error_hint(*err, "run from a project directory, pass "
				    "--workspace DIR, or --force-workspace");
		return -EPERM;
	}
	/* The command starts where the user is, if that is inside the
	 * workspace; otherwise at the workspace's top. */
	if (!bh_path_is_under(p->cwd, ws)) {
		free(p->cwd);
		p->cwd = bh_xstrdup(ws);
	}
	return 0;
}

/*
 * A supervisor killed with SIGKILL cannot remove its private directory:
 * each session records it in STATE/journal/ID.PID.rundir, and the next
 * start removes those whose supervisor is gone.
 */
static void sweep_rundir(const char *journal, void *arg)
{
	(void)arg;
	cleanup_free char *path = NULL;
	if (bh_read_file(journal, 4096, &path, NULL, NULL) == 0) {
		path[strcspn(path, "\n")] = '\0';
		/* Only ever a directory we made: .../bulkhead-XXXXXX. */
		bh_rm_own_dir(path, "bulkhead-");
	}
	unlink(journal);
}

static void sweep_rundirs(const char *state_dir)
{
	cleanup_free char *jdir = bh_xasprintf("%s/journal", state_dir);
	(void)bh_journal_sweep(jdir, ".rundir", sweep_rundir, NULL);
}

static int journal_rundir(struct bh_prepared *p, struct bh_error **err)
{
	cleanup_free char *jdir = bh_xasprintf("%s/journal", p->state_dir);
	int r = bh_mkdir_p(jdir, 0700);
	if (r)
		return bh_error_sys(err, -r, "creating %s", jdir);
	p->rundir_journal = bh_xasprintf("%s/%s.%d.rundir", jdir,
					 p->session_id, (int)getpid());
	cleanup_fd int fd = open(p->rundir_journal,
				 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					 O_CLOEXEC,
				 0600);
	if (fd < 0)
		return bh_error_sys(err, errno, "creating %s",
				    p->rundir_journal);
	cleanup_free char *line = bh_xasprintf("%s\n", p->rundir);
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		return bh_error_sys(err, errno, "writing %s",
				    p->rundir_journal);
	return 0;
}

static int make_rundir(struct bh_prepared *p, uid_t uid, gid_t gid,
		       bool chown_them, struct bh_error **err)
{
	const char *t = getenv("TMPDIR");
	cleanup_free char *tmpl = bh_xasprintf(
		"%s/bulkhead-XXXXXX", (t && t[0] == '/') ? t : "/tmp");
	if (!mkdtemp(tmpl))
		return bh_error_sys(err, errno, "creating %s", tmpl);
	p->rundir = steal_pointer(&tmpl);
	int jr = journal_rundir(p, err);
	if (jr)
		return jr;
	/* Traversable by the sandbox's uid, listable by nobody else. */
	if (chmod(p->rundir, 0711) != 0)
		return bh_error_sys(err, errno, "chmod %s", p->rundir);
	p->priv_home = bh_xasprintf("%s/home", p->rundir);
	p->priv_tmp = bh_xasprintf("%s/tmp", p->rundir);
	const char *dirs[] = {p->priv_home, p->priv_tmp};
	for (size_t i = 0; i < 2; i++) {
		if (mkdir(dirs[i], 0700) != 0)
			return bh_error_sys(err, errno, "creating %s", dirs[i]);
		if (chown_them && chown(dirs[i], uid, gid) != 0)
			return bh_error_sys(err, errno, "chown %s", dirs[i]);
	}
	return 0;
}

static void add_implicit(struct bh_prepared *p, enum bh_path_op op,
			 const char *path)
{
	struct bh_path_rule *r = &p->implicit[p->n_implicit++];
	r->op = op;
	r->path = (char *)path;
	r->loc.file = NULL;
}

/*
 * Overlay mode: the session's layers live in the state directory until
 * applied or discarded.  The protected paths inside the workspace are
 * recorded with it, so apply refuses them.
 */
static int start_overlay(struct bh_prepared *p, struct bh_error **err)
{
	char **prot = NULL;
	size_t n = 0;
	size_t wl = strlen(p->workspace);
	const struct bh_path_rule *all[2] = {p->policy->paths, p->implicit};
	size_t counts[2] = {p->policy->n_paths, p->n_implicit};
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < counts[k]; i++) {
			const struct bh_path_rule *r = &all[k][i];
			if ((r->op == BH_PATH_PROTECT ||
			     r->op == BH_PATH_HIDE) &&
			    bh_path_is_under(r->path, p->workspace) &&
			    r->path[wl] == '/')
				bh_strv_push(&prot, &n,
					     bh_xstrdup(r->path + wl + 1));
		}
	int r = bh_ws_session_create(p->state_dir, p->session_id,
				     p->workspace, p->policy->name, prot,
				     &p->ws, err);
	bh_strv_free(prot);
	if (r)
		return r;
	/* overlayfs works in upper/ and work/ with the credentials of the
	 * sandbox's init: they must be its own. */
	if (p->sess.set_ids) {
		const char *dirs[] = {bh_ws_session_upper(p->ws),
				      bh_ws_session_work(p->ws)};
		for (size_t i = 0; i < 2; i++)
			if (chown(dirs[i], p->sess.uid, p->sess.gid) != 0)
				return bh_error_sys(err, errno, "chown %s",
						    dirs[i]);
	}
	/* The sandbox's init is never root in the initial user namespace:
	 * overlayfs keeps its markers in user.* xattrs. */
	return bh_ws_session_set_xattr(p->ws, BH_WS_XATTR_USER, err);
}

/*
 * A workspace whose .git is a file ("gitdir: PATH", a linked worktree or a
 * submodule) keeps its hooks and config in PATH: protect those too
 * (DESIGN.md settled question 5).  Only the first line is read, and a path
 * that does not normalise is ignored (the rules on .git itself stand).
 */
static void follow_gitdir(struct bh_prepared *p)
{
	cleanup_free char *dotgit = bh_xasprintf("%s/.git", p->workspace);
	struct stat st;
	if (lstat(dotgit, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > 4096)
		return;
	cleanup_free char *text = NULL;
	if (bh_read_file(dotgit, 4096, &text, NULL, NULL) != 0)
		return;
	if (!bh_str_has_prefix(text, "gitdir: "))
		return;
	char *v = text + 8;
	v[strcspn(v, "\r\n")] = '\0';
	cleanup_free char *abs = v[0] == '/'
					 ? bh_xstrdup(v)
					 : bh_xasprintf("%s/%s", p->workspace, v);
	char *real = realpath(abs, NULL);
	if (!real)
		return;
	p->gitdir = real;
	p->gitdir_paths[0] = bh_xasprintf("%s/hooks", real);
	p->gitdir_paths[1] = bh_xasprintf("%s/config", real);
	add_implicit(p, BH_PATH_PROTECT, p->gitdir_paths[0]);
	add_implicit(p, BH_PATH_PROTECT, p->gitdir_paths[1]);
}

static int identity(const struct bh_cli_opts *o, struct bh_prepared *p,
		    struct bh_error **err)
{
	struct bh_session *s = &p->sess;
	if (geteuid() != 0) {
		if (o->uid >= 0 && (uid_t)o->uid != getuid())
			return bh_error_set(err, BH_EK_USAGE, EPERM,
					    "--uid needs root");
		s->uid = getuid();
		s->gid = getgid();
		s->set_ids = false;
		return 0;
	}
	/* Root callers never run the command as host root (DESIGN settled
	 * 9): --uid, else the workspace's owner when that is not root, else
	 * nobody. */
	s->set_ids = true;
	if (o->uid >= 0) {
		s->uid = (uid_t)o->uid;
		s->gid = (gid_t)o->gid;
	} else {
		struct stat st;
		if (stat(p->workspace, &st) == 0 && st.st_uid != 0) {
			s->uid = st.st_uid;
			s->gid = st.st_gid;
		} else {
			s->uid = 65534;
			s->gid = 65534;
		}
	}
	if (s->uid == 0) {
		bh_error_set(err, BH_EK_USAGE, EPERM,
			     "refusing to run the sandboxed command as root");
		bh_error_hint(*err, "pass --uid with an unprivileged uid");
		return -EPERM;
	}
	return 0;
}

int bh_prepare(const struct bh_cli_opts *o, char *const *argv,
	       struct bh_prepared *p, struct bh_error **err)
{
	int r;
	p->host_home = bh_cli_host_home();
	p->state_dir = bh_state_dir(p->host_home, getenv("XDG_STATE_HOME"));
	r = resolve_workspace(o, p, err);
	if (r)
		return r;
	r = bh_session_id_new(p->session_id, sizeof(p->session_id), err);
	if (r)
		return r;
	r = identity(o, p, err);
	if (r)
		return r;
	/* What SIGKILL'd sessions left: private directories, and protected
	 * path placeholders in workspaces. */
	sweep_rundirs(p->state_dir);
	{
		cleanup_free char *jdir =
			bh_xasprintf("%s/journal", p->state_dir);
		(void)bh_rootfs_sweep(jdir);
	}
	bh_tier_sweep_all(p->state_dir);
	bh_tmark("swept");
	r = make_rundir(p, p->sess.uid, p->sess.gid, p->sess.set_ids, err);
	bh_tmark("rundir made");
	if (r)
		return r;

	/* The policy. */
	struct bh_policy_vars vars = {
		.workspace = p->workspace,
		.home = p->host_home,
		.tmpdir = p->priv_tmp,
	};
	bh_tmark("policy loaded");
	r = bh_cli_load_profile(o->profile ? o->profile : "default", &vars,
				&p->policy, err);
	if (r)
		return r;
	r = bh_seccomp_validate(p->policy, err);
	if (r)
		return r;

	/* Implicit rules: the private HOME and TMPDIR are the sandbox's;
	 * the state directory (audit log, key, sessions) is hidden always. */
	bool private_home = p->policy->home == BH_HOME_PRIVATE;
	if (private_home)
		add_implicit(p, BH_PATH_WRITE, p->priv_home);
	add_implicit(p, BH_PATH_WRITE, p->priv_tmp);
	add_implicit(p, BH_PATH_HIDE, p->state_dir);
	follow_gitdir(p);
	if (o->grant_self) {
		p->self_exe = realpath("/proc/self/exe", NULL);
		if (!p->self_exe)
			return bh_error_sys(err, errno, "/proc/self/exe");
		add_implicit(p, BH_PATH_EXEC, p->self_exe);
	}

	if (o->ws_mode >= 0) {
		p->policy->ws_mode = (enum bh_ws_mode)o->ws_mode;
		p->policy->ws_mode_loc.file = NULL;
	}

	/* The tier. */
	enum bh_tier_id want = o->tier != BH_TIER_UNSET ? o->tier
							 : p->policy->tier;
	p->tier = bh_tier_choose(want, p->policy->min_tier, &p->tier_note,
				 err);
	if (!p->tier)
		return -ENOTSUP;
	bh_tmark("tier chosen");
	/* The environment. */
	bh_tmark("implicit rules");
	r = bh_secrets_new(&p->secrets, err);
	if (r)
		return r;
	/* Tiers with a network stack of their own reach the proxy on their
	 * own loopback (no token: nothing else can get there). */
	r = bh_egress_prepare(&p->egress, p->policy,
			      p->tier->id == BH_TIER_NAMESPACE ||
				      p->tier->id == BH_TIER_GVISOR ||
				      p->tier->id == BH_TIER_MICROVM,
			      err);
	if (r)
		return r;
	struct bh_env_own own[3 + BH_ARRAY_SIZE(p->egress.env)] = {
		{"HOME", private_home ? p->priv_home : p->host_home},
		{"TMPDIR", p->priv_tmp},
		{"BULKHEAD_SESSION", p->session_id},
	};
	size_t n_own = 3;
	for (size_t i = 0; i < p->egress.n_env; i++)
		own[n_own++] = p->egress.env[i];
	extern char **environ;
	r = bh_env_build(p->policy, environ, own, n_own, p->secrets, &p->env,
			 err);
	if (r)
		return r;
	bh_tmark("environment built");
	p->search_path = NULL;
	for (size_t i = 0; i < p->env->n_entries; i++)
		if (!strcmp(p->env->entries[i].name, "PATH"))
			p->search_path = p->env->entries[i].value;

	if (p->policy->ws_mode == BH_WS_OVERLAY) {
		r = start_overlay(p, err);
		if (r)
			return r;
	}
	struct bh_session *s = &p->sess;
	s->policy = p->policy;
	if (p->ws) {
		s->ws_upper = bh_ws_session_upper(p->ws);
		s->ws_work = bh_ws_session_work(p->ws);
	}
	s->implicit_paths = p->implicit;
	s->n_implicit_paths = p->n_implicit;
	s->workspace = p->workspace;
	s->cwd = p->cwd;
	s->argv = argv;
	s->envp = p->env->envp;
	s->search_path = p->search_path;
	s->session_id = p->session_id;
	s->state_dir = p->state_dir;
	s->proxy_port = p->egress.on ? p->egress.port : 0;
	s->proxy_listen_fd = -1;
	s->rundir = p->rundir;
	if (o->serve && p->tier->id != BH_TIER_MICROVM)
		return bh_error_set(err, BH_EK_USAGE, EINVAL,
				    "--serve is the microvm tier's warm mode "
				    "(add -t microvm)");
	s->serve_path = o->serve;
	s->report = bh_report_new(p->tier->name);
	p->prepared = true;
	bh_tmark("session set");
	r = p->tier->prepare(s, err);
	bh_tmark("tier prepared");
	if (r)
		return r;
	if (s->set_ids) {
		struct stat st;
		if (stat(p->workspace, &st) == 0 && st.st_uid != s->uid &&
		    !(st.st_mode & 0002))
			bh_report_add(s->report, BH_RC_INFO, BH_ENF_DEGRADED,
				      "workspace ownership", NULL, "dac",
				      "%s belongs to uid %u but the command "
				      "runs as uid %u: it may not be able to "
				      "write there (pass --uid)",
				      p->workspace, (unsigned)st.st_uid,
				      (unsigned)s->uid);
	}
	return 0;
}

void bh_prepared_cleanup(struct bh_prepared *p)
{
	if (p->prepared && p->tier && p->tier->destroy)
		p->tier->destroy(&p->sess);
	bh_report_free(p->sess.report);
	if (p->rundir) {
		(void)bh_rm_rf_at(AT_FDCWD, p->rundir);
		free(p->rundir);
	}
	if (p->rundir_journal) {
		unlink(p->rundir_journal);
		free(p->rundir_journal);
	}
	if (p->ws && !p->keep_ws) {
		/* Nothing ran (explain, a refused launch): nothing to
		 * review. */
		char *leftover = NULL;
		struct bh_error *derr = NULL;
		(void)bh_ws_session_discard(p->ws, &leftover, &derr);
		free(leftover);
		bh_error_free(derr);
		p->ws = NULL;
	}
	bh_ws_session_free(p->ws);
	if (p->sess.proxy_listen_fd > 0)
		close(p->sess.proxy_listen_fd);
	bh_egress_release(&p->egress);
	bh_env_result_free(p->env);
	bh_secrets_free(p->secrets);
	bh_policy_free(p->policy);
	free(p->priv_home);
	free(p->priv_tmp);
	free(p->gitdir);
	free(p->gitdir_paths[0]);
	free(p->gitdir_paths[1]);
	free(p->cwd);
	free(p->workspace);
	free(p->host_home);
	free(p->self_exe);
	free(p->state_dir);
	free(p->tier_note);
	explicit_bzero(p->key, sizeof(p->key));
	memset(p, 0, sizeof(*p));
}

void bh_cli_audit_one(const char *state_dir, const char *event, void *fields)
{
	char sid[40];
	struct bh_error *err = NULL;
	struct bh_audit *a = NULL;
	cleanup_free char *path = bh_xasprintf("%s/audit.jsonl", state_dir);
	if (bh_session_id_new(sid, sizeof(sid), &err) == 0 &&
	    bh_audit_open(path, &a, &err) == 0) {
		json_t *rec = bh_audit_record_new(sid, event);
		json_object_update(rec, fields);
		(void)bh_audit_write(a, rec, &err);
		json_decref(rec);
	}
	bh_audit_close(a);
	if (err) {
		fprintf(stderr, "bulkhead: audit log: %s\n", err->msg);
		bh_error_free(err);
	}
}
