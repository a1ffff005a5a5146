/* SPDX-License-Identifier: MIT */
/*
 * The sandboxed command's environment.
 *
 * What this defends against (threats.md 24-27): secrets inherited from the
 * host environment; variables that make an allowed program run other code
 * (LD_PRELOAD, BASH_ENV, BASH_FUNC_x%%, NODE_OPTIONS, GIT_CONFIG_COUNT/
 * KEY_n/VALUE_n, PAGER, ...); variables that send a tool, its credentials or
 * its trust elsewhere (*_BASE_URL, proxies, CA bundles, config homes,
 * registry mirrors); and relative PATH entries that let files in the
 * workspace shadow system commands.
 *
 * How: start from nothing, apply the profile's env rules in order, add
 * bulkhead's own variables (exempt: DESIGN.md settled question 7), then judge
 * every candidate that is not bulkhead's own.  Names are judged by a table of
 * exact names AND patterns (a fixed list is the trap DESIGN.md names: it
 * misses BASH_FUNC_*%%, GIT_CONFIG_KEY_n), values by the one secret engine.
 * Refused entries stay in the result, without their value, so `--print-env`
 * and the audit log can say what was dropped and why.
 *
 * Secrets: a refused value is never copied; candidates borrow the caller's
 * strings, and the only copies made are of values that pass.  Values are
 * wiped when the result is freed (bulkhead's own variables carry the
 * proxy's session token).
 *
 * Pure: no system calls.
 */
#include "confine/env.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"

/* ---- names that inject code or redirect a tool ------------------------- */

#define CASELESS 0x1u /* the tool itself reads the name in any case */

struct inject_rule {
	const char *pattern; /* exact name or fnmatch(3) glob */
	unsigned flags;
	const char *rule_id; /* NULL: known harmless, stop looking */
	const char *reason;
};

#define R_LOADER                                                               \
	"names code the dynamic loader or libc loads into every program"
#define R_SHELL "runs shell code or changes how the shell parses commands"
#define R_INTERP "makes an interpreter load code or options at start-up"
#define R_GITCFG                                                               \
	"injects git configuration (core.sshCommand, core.fsmonitor, aliases " \
	"run programs)"
#define R_GITPROG "names a program git runs"
#define R_GITREPO "points git at another repository, its hooks and its config"
#define R_GITANY                                                               \
	"git reads GIT_* to choose its repository, configuration and helper "  \
	"programs"
#define R_HELPER "names a program that tools run on the user's behalf"
#define R_LESS "less runs commands from its options and input preprocessors"
#define R_BUILD                                                                \
	"names a compiler or build tool, or passes flags that load plugins "   \
	"and spec files"
#define R_CARGO                                                                \
	"cargo reads every configuration key (runners, linkers, wrappers, "    \
	"registries) from CARGO_*"
#define R_GO                                                                   \
	"changes where Go fetches modules, how it checks them, or which "      \
	"toolchain runs"
#define R_REGISTRY                                                             \
	"changes where packages are downloaded from or how they are verified"
#define R_ENDPOINT "sends an API client, and its credentials, to another server"
#define R_PROXY                                                                \
	"bulkhead sets the proxy itself: another one would route around the "  \
	"egress policy"
#define R_TLS                                                                  \
	"changes which TLS certificates are trusted, or exposes session keys"
#define R_RESOLVER "changes how host names are resolved"
#define R_CONFIG                                                               \
	"points a tool at configuration bulkhead did not choose "              \
	"(configuration can name programs to run)"
#define R_AUTHORITY                                                            \
	"points at a host socket or display that hands out the user's "        \
	"authority"

/*
 * First match wins, so harmless exceptions come before the broad pattern
 * they carve out of.  Decisions worth knowing (docs/environment.md):
 * MALLOC_* pass (tuning, no code); TERMINFO, SHELL, JAVA_HOME pass (data
 * and the user's own toolchain, not start-up code); all of GIT_*, CARGO_*,
 * PIP_*, YARN_*, npm_config_* are refused except a short harmless list,
 * because those tools read every option from the environment.
 */
/* clang-format off */
static const struct inject_rule inject_rules[] = {
	/* Dynamic loader and libc. */
	{"LD_*", 0, "env-loader", R_LOADER},
	{"GCONV_PATH", 0, "env-loader", R_LOADER},
	{"GLIBC_TUNABLES", 0, "env-loader", "tunes libc internals; parsed by the loader of every program (CVE-2023-4911)"},
	{"LOCPATH", 0, "env-loader", "makes libc load locale files from another directory"},
	{"NLSPATH", 0, "env-loader", "makes libc load message catalogues from another place"},
	{"OPENSSL_CONF", 0, "env-loader", "OpenSSL configuration can load engines and providers (shared objects)"},
	{"OPENSSL_ENGINES", 0, "env-loader", R_LOADER},
	{"OPENSSL_MODULES", 0, "env-loader", R_LOADER},
	{"DYLD_*", 0, "env-loader", R_LOADER},

	/* Shells. */
	{"BASH_FUNC_*", 0, "env-shell-function", "defines a bash function that overrides a command (exported function)"},
	{"*%*", 0, "env-shell-function", "a name with '%' is an exported bash function (BASH_FUNC_name%%)"},
	{"*(*", 0, "env-shell-function", "a name with '(' is an exported shell function"},
	{"BASH_ENV", 0, "env-shell", "bash runs this file before every non-interactive script"},
	{"ENV", 0, "env-shell", "sh, dash and ksh run this file at start-up"},
	{"SHELLOPTS", 0, "env-shell", R_SHELL},
	{"BASHOPTS", 0, "env-shell", R_SHELL},
	{"PS[0-4]", 0, "env-shell", "prompts are expanded, with command substitution (PS4 with xtrace)"},
	{"PROMPT_COMMAND*", 0, "env-shell", "bash runs it before every prompt"},
	{"IFS", 0, "env-shell", R_SHELL},
	{"CDPATH", 0, "env-shell", "changes where cd goes, so scripts act on other directories"},
	{"GLOBIGNORE", 0, "env-shell", R_SHELL},
	{"EXECIGNORE", 0, "env-shell", "hides programs from the PATH search"},
	{"ZDOTDIR", 0, "env-shell", "zsh reads its start-up files from this directory"},
	{"FPATH", 0, "env-shell", "zsh and ksh autoload functions from these directories"},
	{"BASH_LOADABLES_PATH", 0, "env-shell", "bash loads builtins (shared objects) from here"},
	{"BASH_XTRACEFD", 0, "env-shell", R_SHELL},
	{"INPUTRC", 0, "env-shell", "readline key bindings can type and run commands"},

	/* Interpreters and runtimes. */
	{"NODE_OPTIONS", 0, "env-interpreter", "node loads modules named here (--require, --import, --loader)"},
	{"NODE_PATH", 0, "env-interpreter", R_INTERP},
	{"NODE_REPL_EXTERNAL_MODULE", 0, "env-interpreter", R_INTERP},
	{"ELECTRON_RUN_AS_NODE", 0, "env-interpreter", "turns an Electron app into a node interpreter"},
	{"PYTHONSTARTUP", 0, "env-interpreter", R_INTERP},
	{"PYTHONPATH", 0, "env-interpreter", R_INTERP},
	{"PYTHONHOME", 0, "env-interpreter", R_INTERP},
	{"PYTHONINSPECT", 0, "env-interpreter", R_INTERP},
	{"PYTHONWARNINGS", 0, "env-interpreter", "a warnings filter imports the module its category names"},
	{"PYTHONUSERBASE", 0, "env-interpreter", R_INTERP},
	{"PYTHONBREAKPOINT", 0, "env-interpreter", "breakpoint() imports and calls what this names"},
	{"PYTHONPYCACHEPREFIX", 0, "env-interpreter", "Python loads compiled bytecode from this tree"},
	{"PYTHONPLATLIBDIR", 0, "env-interpreter", R_INTERP},
	{"PYTHONEXECUTABLE", 0, "env-interpreter", R_INTERP},
	{"PERL5OPT", 0, "env-interpreter", R_INTERP},
	{"PERL5LIB", 0, "env-interpreter", R_INTERP},
	{"PERLLIB", 0, "env-interpreter", R_INTERP},
	{"PERL5DB", 0, "env-interpreter", R_INTERP},
	{"RUBYOPT", 0, "env-interpreter", R_INTERP},
	{"RUBYLIB", 0, "env-interpreter", R_INTERP},
	{"LUA_INIT*", 0, "env-interpreter", R_INTERP},
	{"LUA_PATH*", 0, "env-interpreter", R_INTERP},
	{"LUA_CPATH*", 0, "env-interpreter", R_INTERP},
	{"TCLLIBPATH", 0, "env-interpreter", R_INTERP},
	{"JAVA_TOOL_OPTIONS", 0, "env-interpreter", "the JVM takes options from it (-javaagent loads code)"},
	{"_JAVA_OPTIONS", 0, "env-interpreter", "the JVM takes options from it (-javaagent loads code)"},
	{"JDK_JAVA_OPTIONS", 0, "env-interpreter", "the JVM takes options from it (-javaagent loads code)"},
	{"JAVA_OPTS", 0, "env-interpreter", "launcher scripts pass it to the JVM (-javaagent loads code)"},
	{"GRADLE_OPTS", 0, "env-interpreter", "launcher scripts pass it to the JVM (-javaagent loads code)"},
	{"MAVEN_OPTS", 0, "env-interpreter", "launcher scripts pass it to the JVM (-javaagent loads code)"},
	{"CLASSPATH", 0, "env-interpreter", R_INTERP},
	{"PHPRC", 0, "env-interpreter", "php.ini can prepend code to every script (auto_prepend_file)"},
	{"PHP_INI_SCAN_DIR", 0, "env-interpreter", "php.ini can prepend code to every script (auto_prepend_file)"},
	{"DOTNET_STARTUP_HOOKS", 0, "env-interpreter", R_INTERP},
	{"CORECLR_*", 0, "env-interpreter", "loads a .NET profiler (a shared object) into the runtime"},
	{"R_PROFILE*", 0, "env-interpreter", R_INTERP},
	{"R_ENVIRON*", 0, "env-interpreter", R_INTERP},
	{"ERL_FLAGS", 0, "env-interpreter", R_INTERP},
	{"ERL_AFLAGS", 0, "env-interpreter", R_INTERP},
	{"ERL_ZFLAGS", 0, "env-interpreter", R_INTERP},
	{"IPYTHONDIR", 0, "env-interpreter", "IPython runs the start-up scripts of this directory"},
	{"VIMINIT", 0, "env-interpreter", "vim runs these Ex commands at start-up"},
	{"EXINIT", 0, "env-interpreter", "vi runs these Ex commands at start-up"},
	{"MYVIMRC", 0, "env-interpreter", "vim runs these Ex commands at start-up"},

	/* Git.  Only identity and a few behaviour switches pass. */
	{"GIT_AUTHOR_NAME", 0, NULL, NULL},
	{"GIT_AUTHOR_EMAIL", 0, NULL, NULL},
	{"GIT_AUTHOR_DATE", 0, NULL, NULL},
	{"GIT_COMMITTER_NAME", 0, NULL, NULL},
	{"GIT_COMMITTER_EMAIL", 0, NULL, NULL},
	{"GIT_COMMITTER_DATE", 0, NULL, NULL},
	{"GIT_TERMINAL_PROMPT", 0, NULL, NULL},
	{"GIT_OPTIONAL_LOCKS", 0, NULL, NULL},
	{"GIT_FLUSH", 0, NULL, NULL},
	{"GIT_LFS_SKIP_SMUDGE", 0, NULL, NULL},
	{"GIT_MERGE_AUTOEDIT", 0, NULL, NULL},
	{"GIT_CEILING_DIRECTORIES", 0, NULL, NULL},
	{"GIT_CONFIG*", 0, "env-git-config", R_GITCFG},
	{"GIT_SSH", 0, "env-git-program", R_GITPROG},
	{"GIT_SSH_COMMAND", 0, "env-git-program", R_GITPROG},
	{"GIT_PROXY_COMMAND", 0, "env-git-program", R_GITPROG},
	{"GIT_EXTERNAL_DIFF", 0, "env-git-program", R_GITPROG},
	{"GIT_ASKPASS", 0, "env-git-program", R_GITPROG},
	{"GIT_EDITOR", 0, "env-git-program", R_GITPROG},
	{"GIT_SEQUENCE_EDITOR", 0, "env-git-program", R_GITPROG},
	{"GIT_PAGER", 0, "env-git-program", R_GITPROG},
	{"GIT_EXEC_PATH", 0, "env-git-program", "git runs its subcommands from this directory"},
	{"GIT_TEMPLATE_DIR", 0, "env-git-program", "new repositories get their hooks from this directory"},
	{"GIT_DIR", 0, "env-git-repo", R_GITREPO},
	{"GIT_WORK_TREE", 0, "env-git-repo", R_GITREPO},
	{"GIT_COMMON_DIR", 0, "env-git-repo", R_GITREPO},
	{"GIT_INDEX_FILE", 0, "env-git-repo", R_GITREPO},
	{"GIT_OBJECT_DIRECTORY", 0, "env-git-repo", R_GITREPO},
	{"GIT_ALTERNATE_OBJECT_DIRECTORIES", 0, "env-git-repo", R_GITREPO},
	{"GIT_SSL_*", 0, "env-tls", R_TLS},
	{"GIT_*", 0, "env-git", R_GITANY},

	/* Programs that tools run for the user. */
	{"EDITOR", 0, "env-helper", R_HELPER},
	{"VISUAL", 0, "env-helper", R_HELPER},
	{"PAGER", 0, "env-helper", R_HELPER},
	{"MANPAGER", 0, "env-helper", R_HELPER},
	{"BROWSER", 0, "env-helper", R_HELPER},
	{"FCEDIT", 0, "env-helper", R_HELPER},
	{"HGEDITOR", 0, "env-helper", R_HELPER},
	{"*_EDITOR", 0, "env-helper", R_HELPER},
	{"*_PAGER", 0, "env-helper", R_HELPER},
	{"*_BROWSER", 0, "env-helper", R_HELPER},
	{"*_ASKPASS", 0, "env-helper", R_HELPER},
	{"SSH_ASKPASS_REQUIRE", 0, "env-helper", R_HELPER},
	{"LESS", 0, "env-helper", R_LESS},
	{"LESSOPEN", 0, "env-helper", R_LESS},
	{"LESSCLOSE", 0, "env-helper", R_LESS},
	{"LESSEDIT", 0, "env-helper", R_LESS},
	{"LESSKEY*", 0, "env-helper", R_LESS},

	/* Compilers and build tools. */
	{"CC", 0, "env-build", R_BUILD},
	{"CXX", 0, "env-build", R_BUILD},
	{"CPP", 0, "env-build", R_BUILD},
	{"LD", 0, "env-build", R_BUILD},
	{"AR", 0, "env-build", R_BUILD},
	{"AS", 0, "env-build", R_BUILD},
	{"NM", 0, "env-build", R_BUILD},
	{"RANLIB", 0, "env-build", R_BUILD},
	{"STRIP", 0, "env-build", R_BUILD},
	{"OBJCOPY", 0, "env-build", R_BUILD},
	{"OBJDUMP", 0, "env-build", R_BUILD},
	{"FC", 0, "env-build", R_BUILD},
	{"HOSTCC", 0, "env-build", R_BUILD},
	{"HOSTCXX", 0, "env-build", R_BUILD},
	{"CROSS_COMPILE", 0, "env-build", R_BUILD},
	{"CFLAGS", 0, "env-build", R_BUILD},
	{"CXXFLAGS", 0, "env-build", R_BUILD},
	{"CPPFLAGS", 0, "env-build", R_BUILD},
	{"LDFLAGS", 0, "env-build", R_BUILD},
	{"CGO_*FLAGS*", 0, "env-build", R_BUILD},
	{"MAKEFLAGS", 0, "env-build", "make takes options from it (--eval runs make code)"},
	{"GNUMAKEFLAGS", 0, "env-build", "make takes options from it (--eval runs make code)"},
	{"MFLAGS", 0, "env-build", "make takes options from it (--eval runs make code)"},
	{"MAKEFILES", 0, "env-build", "make reads these makefiles first"},
	{"CMAKE_TOOLCHAIN_FILE", 0, "env-build", "CMake runs this script"},
	{"CMAKE_*_LAUNCHER", 0, "env-build", R_BUILD},
	{"CCACHE_PREFIX*", 0, "env-build", R_BUILD},
	{"RUSTC", 0, "env-build", R_BUILD},
	{"RUSTDOC", 0, "env-build", R_BUILD},
	{"RUSTC_WRAPPER", 0, "env-build", R_BUILD},
	{"RUSTC_WORKSPACE_WRAPPER", 0, "env-build", R_BUILD},
	{"RUSTFLAGS", 0, "env-build", R_BUILD},
	{"RUSTDOCFLAGS", 0, "env-build", R_BUILD},
	{"RUSTUP_HOME", 0, "env-build", "rustup runs toolchains from this directory"},
	{"CARGO_TERM_*", 0, NULL, NULL},
	{"CARGO_INCREMENTAL", 0, NULL, NULL},
	{"CARGO_BUILD_JOBS", 0, NULL, NULL},
	{"CARGO_TARGET_DIR", 0, NULL, NULL},
	{"CARGO_NET_OFFLINE", 0, NULL, NULL},
	{"CARGO_*", 0, "env-cargo", R_CARGO},
	{"GOFLAGS", 0, "env-go", "go takes build flags from it (-toolexec runs a program)"},
	{"GOPROXY", 0, "env-go", R_GO},
	{"GONOSUMCHECK", 0, "env-go", R_GO},
	{"GONOSUMDB", 0, "env-go", R_GO},
	{"GOSUMDB", 0, "env-go", R_GO},
	{"GOINSECURE", 0, "env-go", R_GO},
	{"GOPRIVATE", 0, "env-go", R_GO},
	{"GONOPROXY", 0, "env-go", R_GO},
	{"GOTOOLCHAIN", 0, "env-go", R_GO},
	{"GOENV", 0, "env-go", R_GO},
	{"GOROOT", 0, "env-go", R_GO},

	/* Package managers and registries.  Knobs that only place a cache or
	 * silence a notice pass: they name no program, index or config. */
	{"npm_config_cache", CASELESS, NULL, NULL},
	{"npm_config_store_dir", CASELESS, NULL, NULL},
	{"npm_config_update_notifier", CASELESS, NULL, NULL},
	{"npm_config_fund", CASELESS, NULL, NULL},
	{"npm_config_audit", CASELESS, NULL, NULL},
	{"npm_config_loglevel", CASELESS, NULL, NULL},
	{"npm_config_progress", CASELESS, NULL, NULL},
	{"YARN_CACHE_FOLDER", 0, NULL, NULL},
	{"YARN_ENABLE_TELEMETRY", 0, NULL, NULL},
	{"YARN_ENABLE_GLOBAL_CACHE", 0, NULL, NULL},
	{"COREPACK_ENABLE_DOWNLOAD_PROMPT", 0, NULL, NULL},
	{"COREPACK_ENABLE_STRICT", 0, NULL, NULL},
	{"npm_config_*", CASELESS, "env-registry", "npm reads every configuration key from npm_config_* (registry, script-shell, node-options)"},
	{"YARN_*", 0, "env-registry", "yarn reads every configuration key from YARN_* (registry, yarnPath runs code)"},
	{"BUN_CONFIG_*", 0, "env-registry", R_REGISTRY},
	{"COREPACK_*", 0, "env-registry", "corepack downloads and runs package managers from where this says"},
	{"PIP_DISABLE_PIP_VERSION_CHECK", 0, NULL, NULL},
	{"PIP_NO_CACHE_DIR", 0, NULL, NULL},
	{"PIP_NO_INPUT", 0, NULL, NULL},
	{"PIP_PROGRESS_BAR", 0, NULL, NULL},
	{"PIP_CACHE_DIR", 0, NULL, NULL},
	{"PIP_*", 0, "env-registry", "pip reads every option from PIP_* (index, trusted hosts, config file)"},
	{"UV_*INDEX*", 0, "env-registry", R_REGISTRY},
	{"UV_*MIRROR*", 0, "env-registry", R_REGISTRY},
	{"UV_FIND_LINKS", 0, "env-registry", R_REGISTRY},
	{"UV_INSECURE_HOST", 0, "env-registry", R_REGISTRY},
	{"POETRY_REPOSITORIES_*", 0, "env-registry", R_REGISTRY},
	{"PIPENV_PYPI_MIRROR", 0, "env-registry", R_REGISTRY},

	/* API endpoints: a client sends its API key wherever these say. */
	{"*_BASE_URL", 0, "env-endpoint", R_ENDPOINT},
	{"*_API_BASE", 0, "env-endpoint", R_ENDPOINT},
	{"*_API_URL", 0, "env-endpoint", R_ENDPOINT},
	{"*_ENDPOINT", 0, "env-endpoint", R_ENDPOINT},
	{"*_ENDPOINT_URL*", 0, "env-endpoint", R_ENDPOINT},
	{"GH_HOST", 0, "env-endpoint", R_ENDPOINT},

	/* Proxies (curl, wget, Python, node read both cases). */
	{"*_proxy", CASELESS, "env-proxy", R_PROXY},
	{"SOCKS_SERVER", 0, "env-proxy", R_PROXY},
	{"SOCKS5_SERVER", 0, "env-proxy", R_PROXY},

	/* TLS trust. */
	{"SSL_CERT_FILE", 0, "env-tls", R_TLS},
	{"SSL_CERT_DIR", 0, "env-tls", R_TLS},
	{"CURL_CA_BUNDLE", 0, "env-tls", R_TLS},
	{"REQUESTS_CA_BUNDLE", 0, "env-tls", R_TLS},
	{"NODE_EXTRA_CA_CERTS", 0, "env-tls", R_TLS},
	{"NODE_TLS_REJECT_UNAUTHORIZED", 0, "env-tls", R_TLS},
	{"PYTHONHTTPSVERIFY", 0, "env-tls", R_TLS},
	{"AWS_CA_BUNDLE", 0, "env-tls", R_TLS},
	{"DENO_CERT", 0, "env-tls", R_TLS},
	{"DENO_TLS_CA_STORE", 0, "env-tls", R_TLS},
	{"NIX_SSL_CERT_FILE", 0, "env-tls", R_TLS},
	{"GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", 0, "env-tls", R_TLS},
	{"SSLKEYLOGFILE", 0, "env-tls", R_TLS},

	/* Name resolution. */
	{"HOSTALIASES", 0, "env-resolver", R_RESOLVER},
	{"RES_OPTIONS", 0, "env-resolver", R_RESOLVER},
	{"LOCALDOMAIN", 0, "env-resolver", R_RESOLVER},
	{"RESOLV_HOST_CONF", 0, "env-resolver", R_RESOLVER},

	/* Configuration homes and files. */
	{"XDG_CONFIG_HOME", 0, "env-config", R_CONFIG},
	{"XDG_CONFIG_DIRS", 0, "env-config", R_CONFIG},
	{"XDG_DATA_HOME", 0, "env-config", R_CONFIG},
	{"XDG_DATA_DIRS", 0, "env-config", "desktop entries found here name programs that xdg-open runs"},
	{"GNUPGHOME", 0, "env-config", R_CONFIG},
	{"DOCKER_CONFIG", 0, "env-config", R_CONFIG},
	{"KUBECONFIG", 0, "env-config", "a kubeconfig holds cluster credentials and can name programs (exec plugins)"},
	{"CURL_HOME", 0, "env-config", R_CONFIG},
	{"CODEX_HOME", 0, "env-config", R_CONFIG},
	{"CLAUDE_CONFIG_DIR", 0, "env-config", R_CONFIG},
	{"HGRCPATH", 0, "env-config", R_CONFIG},
	{"ANSIBLE_CONFIG", 0, "env-config", R_CONFIG},
	{"JUPYTER_CONFIG_DIR", 0, "env-config", R_CONFIG},
	{"*_CONFIG_DIR", 0, "env-config", R_CONFIG},
	{"*_CONFIG_FILE", 0, "env-config", R_CONFIG},
	{"*_CONFIG_HOME", 0, "env-config", R_CONFIG},
	{"*RC", 0, "env-config", "names a start-up or configuration file a tool reads (WGETRC, SCREENRC, ...)"},

	/* Host sockets and displays: delegated authority. */
	{"DISPLAY", 0, "env-authority", "a client of the host's X display can read and type into every window"},
	{"WAYLAND_DISPLAY", 0, "env-authority", R_AUTHORITY},
	{"XDG_RUNTIME_DIR", 0, "env-authority", "the host's runtime directory holds agent, bus and display sockets"},
	{"DOCKER_HOST", 0, "env-authority", "a container engine socket is root-equivalent on the host"},
	{"DOCKER_CONTEXT", 0, "env-authority", "a container engine socket is root-equivalent on the host"},
	{"DOCKER_CERT_PATH", 0, "env-authority", "a container engine socket is root-equivalent on the host"},
	{"CONTAINER_HOST", 0, "env-authority", "a container engine socket is root-equivalent on the host"},
	{"TMUX", 0, "env-authority", "the host's tmux server accepts send-keys into the user's panes"},
	{"TMUX_TMPDIR", 0, "env-authority", "the host's tmux server accepts send-keys into the user's panes"},
	{"STY", 0, "env-authority", "the host's screen session accepts commands"},
	{"KITTY_LISTEN_ON", 0, "env-authority", "kitty remote control runs commands in the host terminal"},
	{"WEZTERM_UNIX_SOCKET", 0, "env-authority", R_AUTHORITY},
	{"NVIM", 0, "env-authority", "a Neovim server runs the commands it is sent"},
	{"NVIM_LISTEN_ADDRESS", 0, "env-authority", "a Neovim server runs the commands it is sent"},
	{"VSCODE_IPC_HOOK*", 0, "env-authority", R_AUTHORITY},
	{"VSCODE_GIT_*", 0, "env-authority", R_AUTHORITY},
	{"PULSE_SERVER", 0, "env-authority", R_AUTHORITY},
};
/* clang-format on */

const char *bh_env_injection_reason(const char *name, const char **rule_id)
{
	if (rule_id)
		*rule_id = NULL;
	if (!name)
		return NULL;
	for (size_t i = 0; i < BH_ARRAY_SIZE(inject_rules); i++) {
		const struct inject_rule *r = &inject_rules[i];
		int flags = r->flags & CASELESS ? FNM_CASEFOLD : 0;
		if (fnmatch(r->pattern, name, flags) != 0)
			continue;
		if (rule_id)
			*rule_id = r->rule_id;
		return r->reason;
	}
	return NULL;
}

const char *bh_env_verdict_name(enum bh_env_verdict v)
{
	switch (v) {
	case BH_ENVV_PASS:
		return "pass";
	case BH_ENVV_OWN:
		return "own";
	case BH_ENVV_UNSAFE_ALLOWED:
		return "unsafe-allowed";
	case BH_ENVV_REFUSED_INJECT:
		return "refused-inject";
	case BH_ENVV_REFUSED_SECRET:
		return "refused-secret";
	case BH_ENVV_REFUSED_INVALID:
		return "refused-invalid";
	case BH_ENVV_SANITIZED:
		return "sanitized";
	}
	return "unknown";
}

/* ---- candidates -------------------------------------------------------- */

/* A variable that may reach the command.  Strings are borrowed (host
 * environment, policy, own list) except the name. */
struct candidate {
	char *name;
	const char *value;		/* NULL: a host entry without '=' */
	const struct bh_env_rule *rule; /* the rule that brought it in */
	bool from_host;
	bool own;
};

struct candidates {
	struct candidate *v;
	size_t n, cap;
};

static struct candidate *cand_find(struct candidates *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return &c->v[i];
	return NULL;
}

/* Adds or replaces name (later rules win). */
static void cand_put(struct candidates *c, const char *name, const char *value,
		     const struct bh_env_rule *rule, bool from_host, bool own)
{
	struct candidate *e = cand_find(c, name);
	if (!e) {
		bh_xgrow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
		e = &c->v[c->n++];
		e->name = bh_xstrdup(name);
	}
	e->value = value;
	e->rule = rule;
	e->from_host = from_host;
	e->own = own;
}

static void cand_remove_matching(struct candidates *c, const char *glob)
{
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (fnmatch(glob, c->v[i].name, 0) == 0)
			free(c->v[i].name);
		else
			c->v[k++] = c->v[i];
	}
	c->n = k;
}

static void cand_release(struct candidates *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].name);
	free(c->v);
}

/* The host environment split into names and values, first occurrence of a
 * name only (what getenv() would return). */
struct host_var {
	char *name;
	const char *value; /* NULL when the entry has no '=' */
};

static size_t host_split(char *const *env, struct host_var **out)
{
	struct host_var *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		char *name = eq ? bh_xstrndup(env[i], (size_t)(eq - env[i]))
				: bh_xstrdup(env[i]);
		bool dup = false;
		for (size_t j = 0; j < n && !dup; j++)
			dup = strcmp(v[j].name, name) == 0;
		if (dup) {
			free(name);
			continue;
		}
		bh_xgrow((void **)&v, &cap, n + 1, sizeof(*v));
		v[n].name = name;
		v[n].value = eq ? eq + 1 : NULL;
		n++;
	}
	*out = v;
	return n;
}

static void host_free(struct host_var *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* ---- judging one candidate --------------------------------------------- */

static bool name_is_valid(const char *name)
{
	if (!*name || (*name >= '0' && *name <= '9'))
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/*
 * PATH without empty, "." and relative entries: each of those makes the
 * current directory (the workspace, which the sandboxed code writes) part of
 * the command search, so a planted `git` or `ls` would run instead of the
 * system's (threats.md 27).  Returns the new value, or NULL when nothing
 * was dropped; *dropped lists what was.
 */
static char *path_sanitize(const char *value, char **dropped)
{
	struct bh_strbuf keep = BH_STRBUF_INIT, drop = BH_STRBUF_INIT;
	const char *p = value;
	bool changed = false;
	for (;;) {
		const char *end = strchrnul(p, ':');
		size_t n = (size_t)(end - p);
		if (n > 0 && p[0] == '/') {
			if (keep.len)
				bh_strbuf_putc(&keep, ':');
			bh_strbuf_append(&keep, p, n);
		} else {
			changed = true;
			if (drop.len)
				bh_strbuf_puts(&drop, ", ");
			if (n == 0)
				bh_strbuf_puts(
				    &drop, "'' (empty: the current directory)");
			else if (n == 1 && p[0] == '.')
				bh_strbuf_puts(&drop,
					       "'.' (the current directory)");
			else
				bh_strbuf_printf(&drop, "'%.*s' (relative)",
						 (int)n, p);
		}
		if (!*end)
			break;
		p = end + 1;
	}
	if (!changed) {
		bh_strbuf_release(&keep);
		bh_strbuf_release(&drop);
		return NULL;
	}
	*dropped = bh_strbuf_steal(&drop);
	return bh_strbuf_steal(&keep);
}

struct judge_ctx {
	const struct bh_policy *p;
	const struct bh_secrets *secrets;
};

static const struct bh_env_rule *allow_unsafe_rule(const struct bh_policy *p,
						   const char *name)
{
	const struct bh_env_rule *found = NULL;
	for (size_t i = 0; i < p->n_env; i++)
		if (p->env[i].op == BH_ENV_ALLOW_UNSAFE && p->env[i].name &&
		    fnmatch(p->env[i].name, name, 0) == 0)
			found = &p->env[i];
	return found;
}

static void loc_of(const struct bh_env_rule *r, struct bh_loc *loc)
{
	if (r)
		*loc = r->loc;
	else
		*loc = (struct bh_loc){NULL, 0, 0};
}

/*
 * `env set` in a built-in profile is bulkhead's own mechanism (DESIGN.md
 * settled question 7), like the own list: its text ships inside the binary
 * and its values are bulkhead's paths (${TMPDIR}/cargo, GOTOOLCHAIN=local).
 * Only `set`: a built-in `keep` brings in host values, which are judged like
 * any other.  "builtin:" locations cannot come from a user's file: those are
 * named by their absolute path.
 */
static bool from_builtin_set(const struct bh_env_rule *r)
{
	return r && r->op == BH_ENV_SET && r->loc.file &&
	       bh_str_has_prefix(r->loc.file, "builtin:");
}

/* Fills e (name already set) for a candidate that is not bulkhead's own. */
static void judge(const struct judge_ctx *jc, const struct candidate *c,
		  struct bh_env_entry *e)
{
	const char *reason = NULL, *rule_id = NULL;
	enum bh_env_verdict v = BH_ENVV_PASS;
	struct bh_secret_match m;
	bool builtin =
	    from_builtin_set(c->rule); /* secrets are still checked */

	e->from_host = c->from_host;
	loc_of(c->rule, &e->loc);

	if (!c->value) {
		e->verdict = BH_ENVV_REFUSED_INVALID;
		e->rule_id = "env-malformed";
		e->reason = bh_xstrdup("the host entry has no '='");
		return;
	}
	if (!builtin && (reason = bh_env_injection_reason(c->name, &rule_id)) &&
	    rule_id) {
		v = BH_ENVV_REFUSED_INJECT;
		e->reason = bh_xstrdup(reason);
	} else if (!name_is_valid(c->name)) {
		e->verdict = BH_ENVV_REFUSED_INVALID;
		e->rule_id = "env-invalid-name";
		e->reason = bh_xstrdup("the name is empty, starts with a digit "
				       "or has bytes other than letters, "
				       "digits and '_'");
		return;
	} else if (!builtin && c->value[0] == '(' && c->value[1] == ')') {
		/* Shellshock-style function definitions in a plain name. */
		v = BH_ENVV_REFUSED_INJECT;
		rule_id = "env-shell-function";
		e->reason = bh_xstrdup("the value is a shell function "
				       "definition");
	} else if ((rule_id = bh_secrets_match_name(jc->secrets, c->name))) {
		v = BH_ENVV_REFUSED_SECRET;
		e->reason = bh_xstrdup(
		    strcmp(rule_id, "name-authority") == 0
			? "the name points at delegated authority (an "
			  "agent socket, bus or ticket cache)"
			: "the name says it holds a secret");
	} else if (bh_secrets_match_value(jc->secrets, c->value,
					  strlen(c->value), &m)) {
		v = BH_ENVV_REFUSED_SECRET;
		rule_id = m.rule_id;
		e->reason = bh_xasprintf("the value holds a %s", m.description);
	} else {
		rule_id = NULL;
	}
	e->rule_id = rule_id;

	if (v != BH_ENVV_PASS) {
		const struct bh_env_rule *allow =
		    allow_unsafe_rule(jc->p, c->name);
		if (!allow) {
			e->verdict = v;
			return;
		}
		char *why = e->reason;
		e->verdict = BH_ENVV_UNSAFE_ALLOWED;
		e->reason = bh_xasprintf(
		    "passed UNSAFELY by `env allow-unsafe %s` (%s:%u): "
		    "would be refused: %s",
		    allow->name, allow->loc.file ? allow->loc.file : "?",
		    allow->loc.line, why);
		free(why);
		e->loc = allow->loc;
		e->value = bh_xstrdup(c->value);
		return;
	}

	if (strcmp(c->name, "PATH") == 0) {
		char *dropped = NULL;
		char *clean = path_sanitize(c->value, &dropped);
		if (clean && !*clean) {
			/* An empty PATH searches the current directory. */
			e->verdict = BH_ENVV_REFUSED_INVALID;
			e->rule_id = "env-path";
			e->reason = bh_xasprintf("no absolute directory left "
						 "in PATH: %s",
						 dropped);
			free(clean);
			free(dropped);
			return;
		}
		if (clean) {
			e->verdict = BH_ENVV_SANITIZED;
			e->rule_id = "env-path";
			e->reason =
			    bh_xasprintf("dropped from PATH: %s", dropped);
			e->value = clean;
			free(dropped);
			return;
		}
	}
	e->verdict = BH_ENVV_PASS;
	e->value = bh_xstrdup(c->value);
}

/* ---- the result -------------------------------------------------------- */

static int entry_cmp(const void *a, const void *b)
{
	const struct bh_env_entry *x = a, *y = b;
	return strcmp(x->name, y->name);
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void bh_env_result_free(struct bh_env_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_entries; i++) {
		free(r->entries[i].name);
		wipe_free(r->entries[i].value);
		free(r->entries[i].reason);
	}
	free(r->entries);
	for (size_t i = 0; r->envp && r->envp[i]; i++)
		wipe_free(r->envp[i]);
	free(r->envp);
	free(r);
}

static bool verdict_passes(const struct bh_env_entry *e)
{
	return e->value != NULL;
}

static void apply_rules(const struct bh_policy *p, const struct host_var *host,
			size_t n_host, struct candidates *c)
{
	for (size_t i = 0; i < p->n_env; i++) {
		const struct bh_env_rule *r = &p->env[i];
		if (!r->name)
			continue;
		switch (r->op) {
		case BH_ENV_KEEP:
			for (size_t j = 0; j < n_host; j++)
				if (fnmatch(r->name, host[j].name, 0) == 0)
					cand_put(c, host[j].name, host[j].value,
						 r, true, false);
			break;
		case BH_ENV_SET:
			cand_put(c, r->name, r->value ? r->value : "", r, false,
				 false);
			break;
		case BH_ENV_UNSET:
			cand_remove_matching(c, r->name);
			break;
		case BH_ENV_ALLOW_UNSAFE:
			break; /* consulted when judging */
		}
	}
}

int bh_env_build(const struct bh_policy *p, char *const *host_env,
		 const struct bh_env_own *own, size_t n_own,
		 const struct bh_secrets *secrets, struct bh_env_result **out,
		 struct bh_error **err)
{
	struct candidates c = {NULL, 0, 0};
	struct host_var *host = NULL;
	size_t n_host, n_pass = 0;

	if (!p || !secrets || !out)
		return bh_error_set(err, BH_EK_SYSTEM, EINVAL,
				    "building the environment: missing "
				    "policy or secret rules");

	n_host = host_split(host_env, &host);
	apply_rules(p, host, n_host, &c);
	for (size_t i = 0; i < n_own; i++)
		if (own[i].name && own[i].value)
			cand_put(&c, own[i].name, own[i].value, NULL, false,
				 true);

	struct judge_ctx jc = {p, secrets};
	struct bh_env_result *r = bh_xcalloc(1, sizeof(*r));
	r->entries = bh_xcalloc(c.n, sizeof(*r->entries));
	r->n_entries = c.n;
	for (size_t i = 0; i < c.n; i++) {
		struct bh_env_entry *e = &r->entries[i];
		e->name = c.v[i].name; /* the entry owns it from here */
		if (c.v[i].own) {
			e->verdict = BH_ENVV_OWN;
			e->value = bh_xstrdup(c.v[i].value);
		} else {
			judge(&jc, &c.v[i], e);
		}
		c.v[i].name = NULL; /* not freed twice by cand_release() */
		n_pass += verdict_passes(e);
	}
	qsort(r->entries, r->n_entries, sizeof(*r->entries), entry_cmp);

	r->envp = bh_xcalloc(n_pass + 1, sizeof(char *));
	for (size_t i = 0, k = 0; i < r->n_entries; i++) {
		const struct bh_env_entry *e = &r->entries[i];
		if (verdict_passes(e))
			r->envp[k++] = bh_xasprintf("%s=%s", e->name, e->value);
	}

	cand_release(&c);
	host_free(host, n_host);
	*out = r;
	return 0;
}
