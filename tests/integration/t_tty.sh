# Terminal safety: at a terminal the command gets a pseudo-terminal of its
# own and its output is sanitised; `script` provides the terminal here.

run_in_tty() { # command string for sh, run as the mode's caller in a pty
	local who=""
	[ "$MODE" = user ] && who="setpriv --reuid=65534 --regid=65534 --clear-groups"
	OUT=$(cd "$T/ws" && script -qec "$who env -i HOME=$T/home PATH=/usr/bin:/bin LANG=C.UTF-8 TERM=xterm $1" /dev/null 2>&1)
}

test_tty_escape_sequences_sanitised() {
	command -v script >/dev/null || skip "script(1) missing"
	cat > "$T/ws/esc.sh" <<'SH'
printf 'A\033]52;c;UFdORUQ=\007B\033]0;title\007C\033P+q544e\033\\D\033[31mE\033[0m\n'
SH
	chmod +x "$T/ws/esc.sh"; chown "$SBX_UID" "$T/ws/esc.sh"
	run_in_tty "$BH_BIN run -q -t $TIER -- sh esc.sh"
	expect_contains "$OUT" "ABCD"
	expect_contains "$OUT" "$(printf '\033[31mE')"
	expect_not_contains "$OUT" "]52;" "clipboard write (OSC 52)"
	expect_not_contains "$OUT" "]0;" "title (OSC 0)"
	expect_not_contains "$OUT" "$(printf '\033P')" "DCS"
}

test_tty_command_has_its_own_terminal() {
	command -v script >/dev/null || skip "script(1) missing"
	run_in_tty "$BH_BIN run -q -t $TIER -- sh -c 'test -t 0 && echo IS-TTY; ps -o tty= -p \$\$ 2>/dev/null; echo done'"
	expect_contains "$OUT" IS-TTY
	expect_contains "$OUT" done
	# Without a terminal around, no pty is made.
	run_bh run -q -t "$TIER" -- sh -c 'test -t 0 && echo IS-TTY; echo done'
	expect_not_contains "$OUT" IS-TTY
}
