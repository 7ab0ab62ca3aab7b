#!/bin/sh
# test/run-all.sh — `make test`: every suite in turn (host unit tests; guest tests, the syscall conformance
# suite against Linux and the application tests, all under QEMU/TCG), their
# TAP as they run, and one closing line `N passed, N failed, N skipped` over all of them.
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
skip=0
status=0
log=$(mktemp)
failures=$(mktemp)
trap 'rm -f "$log" "$failures"' EXIT INT TERM

suite() {
    name=$1
    shift
    echo "# suite: $name"
    "$@" >"$log" 2>&1
    rc=$?
    # The suite's own closing line is replaced by ours; everything else is shown.
    grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$log"
    # A suite's own closing line counts when it has one (the conformance suite prints a table, not TAP);
    # otherwise its TAP lines are counted.
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -n "$summary" ]; then
        p=$(echo "$summary" | sed -E 's/^([0-9]+) passed.*/\1/')
        f=$(echo "$summary" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
        s=$(echo "$summary" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
        s=${s:-0}
        p=$((p + s)) # p below counts skips among the passes, as for TAP
    else
        p=$(grep -c '^ok ' "$log")
        s=$(grep -c '^ok .*# SKIP' "$log")
        f=$(grep -c '^not ok ' "$log")
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - suite $name exited with status $rc"
        echo "not ok - suite $name exited with status $rc" >>"$log"
        f=1
    fi
    # Remember what failed, to repeat it at the very end: CI shows only the tail of a long log.
    grep -E '^(not ok|DIVERGE|BROKEN)' "$log" | sed "s/^/[$name] /" | cut -c1-240 >>"$failures"
    pass=$((pass + p - s))
    skip=$((skip + s))
    fail=$((fail + f))
    [ "$f" -eq 0 ] || status=1
}

suite unit sh test/unit/run.sh
suite pack sh test/pack/run.sh # build/skiff-pack: the dependency walk, the image writer, the cache
suite fuzz sh test/fuzz/run.sh --iters 20000
suite fuzz-guest sh test/fuzz/guest.sh --time 15 --seeds 1
suite guest sh test/guest/run.sh
suite boot sh test/boot/run.sh
suite stdio sh test/stdio/run.sh
suite conformance sh test/conformance/run.sh
# the file and directory families again, their scratch directories on a 9P volume (issue 10)
suite conformance-volume sh test/conformance/run.sh --volume --builds "static dyn" stat dirs attr fileio xfer mm \
    exec getdents fd mount inotify
suite volumes sh test/volumes/run.sh
suite elf sh test/elf/run.sh
suite apps sh test/apps/run.sh
# The guest, conformance and application suites again at 2 CPUs (issue 14: both in CI; SKIFF_CPUS is every run's
# default --cpus). Conformance at 2 CPUs: the static build (3 minutes here; all five builds take 15 and more).
suite guest-cpus2 env SKIFF_CPUS=2 sh test/guest/run.sh
suite conformance-cpus2 sh test/conformance/run.sh --cpus 2 --builds static
suite apps-cpus2 env SKIFF_CPUS=2 sh test/apps/run.sh
suite cli sh test/cli/run.sh
suite net sh test/net/run.sh
suite servers sh test/servers/run.sh
suite bench-smoke make -s bench-smoke
if [ -s "$failures" ]; then
    echo "# what failed ($(wc -l <"$failures") lines; the first 15):"
    head -n 15 "$failures" | sed 's/^/#   /'
fi
echo "$pass passed, $fail failed, $skip skipped"
exit $status
