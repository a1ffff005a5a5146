# summary: workspace read-write, system read-only, private empty HOME, no network, minimal environment
#
# The profile `bulkhead run -- CMD` uses when none is named (DESIGN.md
# decision 5): useful for building and testing code, safe with no setup.
# Everything not granted here is denied.  In particular ${HOME} is not
# granted at all: the command sees an empty private HOME (`home private`),
# so ~/.ssh, ~/.aws, ~/.config, shell history and the agent's own state are
# out of reach without a single `hide` line.  Paths that do not exist on a
# machine are skipped by the tier and listed in its report.

home private

# The workspace.  Agents build and run their own outputs, so it is
# executable as well as writable.
write ${WORKSPACE}
exec  ${WORKSPACE}

# Files inside the workspace that the host runs or trusts later (DESIGN.md
# decision 6, threats.md B.12-B.15): they stay read-only, including when
# they do not exist yet.
#   git: hooks run on the host's next commit; config can name programs
#   (core.fsmonitor runs on a plain `git status`, core.pager, core.hooksPath,
#   filters, credential helpers); submodule gitdirs hold their own hooks and
#   config; .gitmodules can point a later `git submodule update` elsewhere.
protect ${WORKSPACE}/.git/hooks ${WORKSPACE}/.git/config
protect ${WORKSPACE}/.git/modules ${WORKSPACE}/.gitmodules
#   Agent settings: hooks, MCP servers and permission modes that the agent
#   loads on its next start (CVE-2025-54135, CVE-2026-25725).
protect ${WORKSPACE}/.claude ${WORKSPACE}/.mcp.json ${WORKSPACE}/.codex
protect ${WORKSPACE}/.gemini ${WORKSPACE}/.cursor ${WORKSPACE}/.windsurf
protect ${WORKSPACE}/.roo ${WORKSPACE}/.kiro ${WORKSPACE}/.aider.conf.yml
#   Editor settings that name programs or tasks run on folder open, and a
#   dev container whose initializeCommand runs on the host.
protect ${WORKSPACE}/.vscode ${WORKSPACE}/.idea ${WORKSPACE}/.zed
protect ${WORKSPACE}/.devcontainer ${WORKSPACE}/.devcontainer.json
#   direnv runs .envrc when the user enters the directory.
protect ${WORKSPACE}/.envrc
#   Shell start-up files, for a workspace a shell is ever started in.
protect ${WORKSPACE}/.bashrc ${WORKSPACE}/.bash_profile ${WORKSPACE}/.profile
protect ${WORKSPACE}/.zshrc ${WORKSPACE}/.zshenv ${WORKSPACE}/.zprofile

# The system, read-only; programs run from it.
exec /usr /bin /sbin /lib /lib64 /lib32 /libx32
read /etc
hide /etc/shadow /etc/shadow- /etc/gshadow /etc/gshadow-
hide /etc/sudoers /etc/sudoers.d /etc/ssl/private
# Many programs find themselves through /proc/self/exe and count CPUs
# through /sys; tiers with a pid namespace show only the sandbox's own
# processes here.
read /proc /sys/devices/system/cpu

# Devices a program expects.
write /dev/null /dev/zero /dev/full /dev/tty
read  /dev/urandom /dev/random

# Scratch space: the session's own temporary directory (TMPDIR points
# there), and private empty /tmp and /dev/shm, never the host's shared ones.
write ${TMPDIR}
tmpfs /tmp /dev/shm

# No network.  The language profiles open their package registries.
net none

# The environment starts empty: HOME, TMPDIR and the proxy settings are
# bulkhead's own; these pass from the host; PATH is fixed (no workspace or
# relative directories).
env keep LANG LC_* TERM TZ COLORTERM NO_COLOR USER LOGNAME
env set PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# A fork bomb or a forgotten session stops; generous for real builds.
limit pids 4096 nofile 8192 time 12h
