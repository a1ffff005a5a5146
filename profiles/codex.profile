# summary: OpenAI Codex CLI inside the sandbox: ~/.codex state writable, its config read-only, OpenAI's API only
#
# Run it as `bulkhead run -p codex -- codex`.  Codex's own sandbox mode
# cannot nest Landlock rules it does not own; start it with
# `--sandbox danger-full-access` inside bulkhead, which is the enforcement
# (docs/agents.md).  OPENAI_API_KEY (or ~/.codex/auth.json from a ChatGPT
# sign-in) is exposed on purpose; `bulkhead inventory -p codex` lists it.
include node

home host
exec ${HOME}/.npm-global ${HOME}/.local/lib/node_modules ${HOME}/.local/bin/codex

# State: sessions, history, logs, auth.json it refreshes.
write ${HOME}/.codex
# Loaded on its next start: the config (MCP servers, `notify` programs,
# profiles, sandbox mode), instructions and rules.
protect ${HOME}/.codex/config.toml ${HOME}/.codex/AGENTS.md
protect ${HOME}/.codex/rules ${HOME}/.codex/prompts

env keep OPENAI_API_KEY OPENAI_BASE_URL CODEX_HOME
env allow-unsafe OPENAI_API_KEY

net allow api.openai.com:443 auth.openai.com:443 chatgpt.com:443
