# summary: Claude Code inside the sandbox: its own state writable, its settings and hooks read-only, Anthropic's API only
#
# Run it as `bulkhead run -p claude-code -- claude`.  Claude Code's own
# sandbox and permission prompts still apply inside; this profile is the
# enforcement under them (docs/agents.md).  Its API key or OAuth token is
# passed on purpose — the agent needs it, and `bulkhead inventory -p
# claude-code` lists it as exposed; everything else of HOME stays out.
include node

# HOME keeps its path so Claude Code finds its state; only what is granted
# below is visible of it.
home host

# The installation: the native installer's versions and launcher, or npm's
# global prefix (Debian's /usr is granted by default).
exec ${HOME}/.local/share/claude ${HOME}/.local/bin/claude
exec ${HOME}/.npm-global ${HOME}/.local/lib/node_modules

# Its state (sessions, todos, shell snapshots, credentials it refreshes).
write ${HOME}/.claude ${HOME}/.claude.json ${HOME}/.claude.json.backup

# What it loads and runs on its next start, outside any sandbox: settings
# with hooks and permission modes, commands, agents, memory, MCP servers
# (CVE-2025-54135-style persistence).  Read-only, also when missing.
protect ${HOME}/.claude/settings.json ${HOME}/.claude/settings.local.json
protect ${HOME}/.claude/commands ${HOME}/.claude/agents ${HOME}/.claude/hooks
protect ${HOME}/.claude/CLAUDE.md ${HOME}/.claude/plugins ${HOME}/.mcp.json

# Its credentials.
env keep ANTHROPIC_API_KEY CLAUDE_CODE_OAUTH_TOKEN ANTHROPIC_BASE_URL
env allow-unsafe ANTHROPIC_API_KEY CLAUDE_CODE_OAUTH_TOKEN
env set DISABLE_AUTOUPDATER=1

# Anthropic's API, sign-in and telemetry endpoints, beside node's registries.
net allow api.anthropic.com:443 console.anthropic.com:443 claude.ai:443
net allow statsig.anthropic.com:443
