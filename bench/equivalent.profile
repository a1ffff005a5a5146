# summary: the bwrap comparison configuration (bench only)
# The same root as the bwrap command in bench/run.sh: system directories
# read-only, the workspace read-write, a private /tmp, /dev and /proc, no
# network.  bulkhead still adds what bwrap does not do: Landlock and seccomp,
# the environment filter, the audit log, limits and the end-of-run kill.
home private
write ${WORKSPACE}
exec ${WORKSPACE}
exec /usr /bin /sbin /lib /lib64
read /etc /proc
write /dev/null /dev/zero /dev/full /dev/tty
read /dev/urandom /dev/random
write ${TMPDIR}
tmpfs /tmp
net none
env keep LANG TERM
env set PATH=/usr/local/bin:/usr/bin:/bin
