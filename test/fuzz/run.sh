#!/bin/sh
# test/fuzz/run.sh — the host fuzzers of the kernel's parsers (cpio, ELF checks, 9P replies, the network's input path and DHCP, path walking): each target first
# replays its regression inputs (test/fuzz/corpus/TARGET/: inputs that once crashed it), then runs per seed
# for a number of inputs (--iters N, what `make test` does: a few seconds) or a time (--time S, `make fuzz`).
# With --libfuzzer (clang installed) each target also runs under libFuzzer for the same time, starting from
# the seeds the plain driver writes. A crash leaves its input in build/fuzz/crashes/. TAP, then
# `N passed, N failed`.
#   sh test/fuzz/run.sh [--iters N | --time S] [--seeds "S..."] [--libfuzzer] [TARGET...]
set -u
cd "$(dirname "$0")/../.."
B=${BUILD:-build}/fuzz
ITERS=20000
TIME=
SEEDS=1
LF=
while [ $# -gt 0 ]; do
    case $1 in
    --iters) ITERS=$2; TIME=; shift 2 ;;
    --time) TIME=$2; shift 2 ;;
    --seeds) SEEDS=$2; shift 2 ;;
    --libfuzzer) LF=1; shift ;;
    *) break ;;
    esac
done
TARGETS=${*:-cpio elf p9 net namei}
mkdir -p "$B/crashes"
n=0 pass=0 fail=0
result() { # OK NAME [DIAG]
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n $2"; pass=$((pass + 1))
    else
        echo "not ok $n $2 # $3"; fail=$((fail + 1))
    fi
}
extra() { # seed files a target starts from besides its own
    [ "$1" = elf ] || return 0
    for f in "${BUILD:-build}/progs/hello" "${BUILD:-build}/progs/argv_env-glibc" "${BUILD:-build}/progs/argv_env-musl"; do
        [ -f "$f" ] && printf ' -f %s' "$f"
    done
}
for t in $TARGETS; do
    bin=$B/fuzz_$t
    if [ ! -x "$bin" ]; then
        result 1 "fuzz $t" "$bin was not built (make fuzz-bin)"
        continue
    fi
    set -- test/fuzz/corpus/$t/*
    if [ -e "$1" ]; then
        out=$("$bin" -c "$B/crashes" -r "$@" 2>&1)
        result $? "fuzz $t: its $# regression inputs replayed without a crash" "$(printf '%s' "$out" | tail -n 3 | tr '\n' '|')"
    fi
    for s in $SEEDS; do
        if [ -n "$TIME" ]; then how="-t $TIME"; what="$TIME s"; else how="-n $ITERS"; what="$ITERS inputs"; fi
        # shellcheck disable=SC2046
        out=$("$bin" -s "$s" $how -c "$B/crashes" $(extra "$t") 2>&1)
        result $? "fuzz $t: seed $s, $what, no crash" "$(printf '%s' "$out" | grep -m1 -E 'CRASH|ERROR|runtime error' | cut -c1-200)"
    done
    if [ -n "$LF" ] && [ -n "$TIME" ]; then
        if ! make -s "$B/lf_$t" >/dev/null 2>&1; then
            result 1 "fuzz $t under libFuzzer" "clang could not build $B/lf_$t"
            continue
        fi
        corpus=$B/corpus-$t
        mkdir -p "$corpus"
        "$bin" -w "$corpus"
        [ -d "test/fuzz/corpus/$t" ] && cp test/fuzz/corpus/$t/* "$corpus/" 2>/dev/null
        out=$("$B/lf_$t" -max_total_time="$TIME" -artifact_prefix="$B/crashes/lf-$t-" -print_final_stats=1 "$corpus" 2>&1)
        result $? "fuzz $t under libFuzzer, $TIME s, no crash" "$(printf '%s' "$out" | grep -m1 -E 'ERROR|runtime error|crash-' | cut -c1-200)"
    fi
done
echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
