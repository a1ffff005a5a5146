# summary: default + Node.js (npm, npx, yarn, pnpm): read-only toolchains, private package caches, npm registry
#
# Toolchains installed in the host's HOME are granted read-only and
# executable: a writable toolchain or package cache shared with the host is
# a persistence channel (threats.md #18: a poisoned cache entry runs on the
# host's next build).  Caches are private to the session, under ${TMPDIR}.
# Debian's nodejs lives in /usr, which default already grants.
include default

# nvm, Volta and fnm installs, and corepack's downloaded package managers.
exec ${HOME}/.nvm ${HOME}/.volta ${HOME}/.local/share/fnm
exec ${HOME}/.cache/node/corepack
env set NVM_DIR=${HOME}/.nvm
env set COREPACK_HOME=${HOME}/.cache/node/corepack
env prepend PATH ${HOME}/.volta/bin

# Private caches and stores; the host's ~/.npmrc (it may hold a registry
# token) is never read: HOME is private.
env set npm_config_cache=${TMPDIR}/npm-cache
env set npm_config_store_dir=${TMPDIR}/pnpm-store
env set YARN_CACHE_FOLDER=${TMPDIR}/yarn-cache
env set npm_config_update_notifier=false

# The registries, through the egress proxy.  Add `net none` after
# `include node` to stay offline.
net allow registry.npmjs.org:443 registry.yarnpkg.com:443
