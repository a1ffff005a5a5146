# summary: Gemini CLI inside the sandbox: ~/.gemini state writable, settings read-only, Google's Gemini endpoints only
#
# Run it as `bulkhead run -p gemini-cli -- gemini`.  GEMINI_API_KEY /
# GOOGLE_API_KEY or the OAuth cache in ~/.gemini are exposed on purpose;
# `bulkhead inventory -p gemini-cli` lists them (docs/agents.md).
include node

home host
exec ${HOME}/.npm-global ${HOME}/.local/lib/node_modules

write ${HOME}/.gemini
# Loaded on its next start: settings (MCP servers, hooks, tool allowlists,
# sandbox flags), memory, custom commands and extensions.
protect ${HOME}/.gemini/settings.json ${HOME}/.gemini/GEMINI.md
protect ${HOME}/.gemini/commands ${HOME}/.gemini/extensions

env keep GEMINI_API_KEY GOOGLE_API_KEY GOOGLE_CLOUD_PROJECT GOOGLE_CLOUD_LOCATION GOOGLE_GENAI_USE_VERTEXAI
env allow-unsafe GEMINI_API_KEY GOOGLE_API_KEY

net allow generativelanguage.googleapis.com:443 cloudcode-pa.googleapis.com:443
net allow oauth2.googleapis.com:443 accounts.google.com:443
