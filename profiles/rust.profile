# summary: default + Rust (cargo, rustup): read-only toolchains, private CARGO_HOME, crates.io
#
# rustup's toolchains and cargo's installed binaries are granted read-only
# and executable.  CARGO_HOME moves to a private directory: the host's
# ~/.cargo holds credentials.toml (a crates.io token) and a registry cache
# that the host's next build would trust (threats.md #18).
include default

exec ${HOME}/.cargo/bin ${HOME}/.rustup
env set RUSTUP_HOME=${HOME}/.rustup
env set CARGO_HOME=${TMPDIR}/cargo
env prepend PATH ${HOME}/.cargo/bin

# crates.io, through the egress proxy.  Add `net none` after
# `include rust` to stay offline.
net allow index.crates.io:443 static.crates.io:443 crates.io:443
