#!/bin/sh
# test/run-all.sh — `make test`: every suite in turn (host unit tests, then guest tests under QEMU/TCG), their
# TAP as they run, and one closing line `N passed, N failed, N skipped` over all of them.
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
skip=0
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM

suite() {
    name=$1
    shift
    echo "# suite: $name"
    "$@" >"$log" 2>&1
    rc=$?
    # The suite's own closing line is replaced by ours; everything else is shown.
    grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$log"
    p=$(grep -c '^ok ' "$log")
    s=$(grep -c '^ok .*# SKIP' "$log")
    f=$(grep -c '^not ok ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - suite $name exited with status $rc"
        f=1
    fi
    pass=$((pass + p - s))
    skip=$((skip + s))
    fail=$((fail + f))
    [ "$f" -eq 0 ] || status=1
}

suite unit sh test/unit/run.sh
suite guest sh test/guest/run.sh
echo "$pass passed, $fail failed, $skip skipped"
exit $status
