# test/lib/tap.sh: a small TAP producer for POSIX sh test scripts.
#
# Source it, call tap_plan N, then one of tap_ok / tap_not_ok / tap_skip per
# test, and end with tap_done, whose status is non-zero if any test failed.
# The last line printed is the summary "N passed, N failed, N skipped",
# which is what CI reads, so nothing may be printed after tap_done.

tap_n=0
tap_passed=0
tap_failed=0
tap_skipped=0

tap_plan() {
	printf '1..%d\n' "$1"
}

# tap_ok NAME
tap_ok() {
	tap_n=$((tap_n + 1))
	tap_passed=$((tap_passed + 1))
	printf 'ok %d %s\n' "$tap_n" "$1"
}

# tap_not_ok NAME REASON
tap_not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	printf 'not ok %d %s # %s\n' "$tap_n" "$1" "$2"
}

# tap_skip NAME REASON
tap_skip() {
	tap_n=$((tap_n + 1))
	tap_skipped=$((tap_skipped + 1))
	printf 'ok %d %s # SKIP %s\n' "$tap_n" "$1" "$2"
}

# tap_diag: stdin as TAP diagnostics, each line after '# '
# so that TAP readers never mistake program output for a result line.
tap_diag() {
	sed 's/^/#   /'
}

tap_done() {
	printf '%d passed, %d failed, %d skipped\n' \
		"$tap_passed" "$tap_failed" "$tap_skipped"
	[ "$tap_failed" -eq 0 ]
}
