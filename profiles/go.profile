# summary: default + Go: the installed toolchain only, private module and build caches, the Go module proxy
#
# Go from Debian (/usr/lib/go) or /usr/local/go is covered by default.
# Toolchains fetched with golang.org/dl live in ~/sdk and user-installed
# tools in ~/go/bin: read-only and executable.  The module and build caches
# are private (threats.md #18), and GOTOOLCHAIN=local stops the go command
# from downloading and running another toolchain named in go.mod.
include default

exec ${HOME}/sdk ${HOME}/go/bin
env set GOPATH=${TMPDIR}/go
env set GOMODCACHE=${TMPDIR}/go/pkg/mod
env set GOCACHE=${TMPDIR}/go-build
env set GOTOOLCHAIN=local
env prepend PATH ${HOME}/go/bin

# The module proxy and checksum database, through the egress proxy.  Add
# `net none` after `include go` to stay offline.
net allow proxy.golang.org:443 sum.golang.org:443
