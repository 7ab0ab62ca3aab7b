#!/bin/sh
# test/fuzz/guest.sh — the in-guest syscall fuzzer (build/progs/sysfuzz, test/progs/sysfuzz.c) under skiff, once
# per seed for a set time. A kernel panic (status 125), a hang (the run outlives its --timeout: 124), a lost
# child (3) or any other end but 0 fails, named with the seed and how to replay it. TAP, then
# `N passed, N failed`.
#   sh test/fuzz/guest.sh [--time S] [--seeds "S..."] [--mem SIZE]
set -u
cd "$(dirname "$0")/../.."
TIME=15
SEEDS=1
MEM=256M
while [ $# -gt 0 ]; do
    case $1 in
    --time) TIME=$2; shift 2 ;;
    --seeds) SEEDS=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    *) echo "usage: guest.sh [--time S] [--seeds \"S...\"] [--mem SIZE]" >&2; exit 2 ;;
    esac
done
BIN=${BUILD:-build}/progs/sysfuzz
tmp=$(mktemp -d "${TMPDIR:-/tmp}/skiff-sysfuzz.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0 pass=0 fail=0
for s in $SEEDS; do
    n=$((n + 1))
    name="sysfuzz seed $s for $TIME s under skiff: no panic, no hang, no lost child"
    if [ ! -x "$BIN" ]; then
        echo "not ok $n $name # $BIN was not built (make progs)"; fail=$((fail + 1)); continue
    fi
    tools/skiff run --timeout $((TIME + 120)) --mem "$MEM" "$BIN" -s "$s" -t "$TIME" </dev/null >"$tmp/out" 2>"$tmp/err"
    st=$?
    replay="replay one worker with: tools/skiff run --mem $MEM $BIN -s $s -w WORKER -v"
    case $st in
    0) echo "ok $n $name"; pass=$((pass + 1)); continue ;;
    125) why="kernel panic: $(grep -m1 -A2 'kernel panic' "$tmp/err" | tr '\n' ' ' | cut -c1-200)" ;;
    124) why="hang: the guest outlived --timeout $((TIME + 120))" ;;
    3) why="$(grep -m1 LOST "$tmp/out" | cut -c1-200)" ;;
    *) why="exit status $st: $(tail -n 2 "$tmp/out" "$tmp/err" | tr '\n' ' ' | cut -c1-200)" ;;
    esac
    echo "not ok $n $name # $why; $replay"
    fail=$((fail + 1))
done
echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
