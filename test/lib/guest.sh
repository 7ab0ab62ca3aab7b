# test/lib/guest.sh: what the guest test scripts share (sourced after tap.sh, with $SKIFF, $TIMEOUT and $tmp
# set): running a program in skiff, and reporting a named case with the run's output as diagnostics.

# test_tmp NAME: $tmp, a scratch directory removed at exit, and $pids, background processes (host servers,
# VMs) killed at exit; ^C and SIGTERM end the suite with 130 and 143.
test_tmp() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/skiff-$1.XXXXXX") || exit 1
	pids=
	trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# sk ARGS...: `skiff run --timeout $TIMEOUT ARGS` with stdin from /dev/null (so a test never eats the
# runner's stdin); sets $st, fills $tmp/out and $tmp/err. SKIFF_KERNEL picks another kernel image.
sk() {
	if [ -n "${SKIFF_KERNEL:-}" ]; then
		set -- --kernel "$SKIFF_KERNEL" "$@"
	fi
	"$SKIFF" run --timeout "$TIMEOUT" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
}

pass() {
	tap_ok "$name"
}

# fail REASON: a failed case, then the guest's output (cut to fit) as diagnostics.
fail() {
	tap_not_ok "$name" "$1"
	if [ -s "$tmp/out" ]; then
		echo "# stdout:"
		head -n 30 "$tmp/out" | cut -c1-200 | tap_diag
	fi
	if [ -s "$tmp/err" ]; then
		echo "# stderr:"
		tail -n 30 "$tmp/err" | cut -c1-200 | tap_diag
	fi
	return 1
}

skip() {
	tap_skip "$name" "$1"
}

expect_status() {
	[ "$st" -eq "$1" ] || fail "exit status $st, expected $1"
}

# expect_out_has TEXT: a line of stdout contains TEXT (fixed string).
expect_out_has() {
	grep -qF -- "$1" "$tmp/out" || fail "stdout lacks '$1'"
}

expect_err_has() {
	grep -qF -- "$1" "$tmp/err" || fail "stderr lacks '$1'"
}

# need PROGRAM...: the host has them all, else the case is skipped.
need() {
	for n_p in "$@"; do
		if [ ! -x "$n_p" ]; then
			skip "$n_p is not installed on this host"
			return 1
		fi
	done
}

# free_port: a TCP/UDP port nobody on the host uses right now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
