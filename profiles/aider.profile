# summary: Aider inside the sandbox: its caches writable, ~/.aider.conf.yml read-only, the model APIs only
#
# Run it as `bulkhead run -p aider -- aider`.  Aider commits to the
# workspace's git repository (allowed: .git stays writable except hooks and
# config, which the default profile protects).  The model keys it is given
# are exposed on purpose; `bulkhead inventory -p aider` lists them.
include python

home host
# pipx and `pip --user` installs.
exec ${HOME}/.local/pipx ${HOME}/.local/share/pipx ${HOME}/.local/bin/aider
exec ${HOME}/.local/lib

# Its caches and analytics state; the repo map cache lives in the
# workspace (.aider.tags.cache.v*), which is writable anyway.
write ${HOME}/.aider ${HOME}/.cache/aider
# Its configuration, read-only: it can name lint and test commands.  (Not
# ~/.env, which Aider would also read: it holds whatever keys you put
# there; pass the model key by variable instead.)
read ${HOME}/.aider.conf.yml ${HOME}/.aider.model.settings.yml
read ${HOME}/.aider.model.metadata.json

env keep OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY OPENROUTER_API_KEY DEEPSEEK_API_KEY AIDER_*
env allow-unsafe OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY OPENROUTER_API_KEY DEEPSEEK_API_KEY

net allow api.openai.com:443 api.anthropic.com:443 openrouter.ai:443
net allow generativelanguage.googleapis.com:443 api.deepseek.com:443
