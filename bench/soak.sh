#!/bin/sh
# bench/soak.sh — `make soak` (issue 15; not part of make test): a long load against one skiff guest that runs
# Debian's nginx and redis-server side by side, through QEMU's user-mode network and forwarded ports:
#   - SOAK_N nginx requests from ab on the host: four fifths over keep-alive connections (ab -k), one fifth with
#     a TCP connection per request;
#   - SOAK_N redis operations from redis-benchmark (SET and GET, half each, one key: the data set stays flat);
#   - the guest's /proc/meminfo read three times through a port of its own (bench/net.sh's /netserve): after
#     boot, after a warm-up (1% of the load, at least 1,000 of each kind: nginx's and redis's buffers, the page
#     in the page cache, the sockets' first allocations), and after the load.
# Passes when every request and operation succeeded (ab: all complete, none failed, all 2xx; redis: the server
# counted every command and redis-benchmark ended well) and MemAvailable after the load is within 2% of what it
# was after the warm-up. Prints TAP, a summary line, and exits non-zero on any failure.
#
# Environment: SOAK_N (default 1000000; e.g. SOAK_N=20000 for a try), SOAK_C (connections, default 10: QEMU's
# forwarded port listens with a backlog of 1, see docs/performance.md), SOAK_MEM (default 256M), SKIFF_QEMU.
# Under TCG the full million takes roughly half an hour on one free core (see README).
set -u
cd "$(dirname -- "$0")/.." || exit 2

N=${SOAK_N:-1000000}
C=${SOAK_C:-10}
MEM=${SOAK_MEM:-256M}
ACCEL=tcg
QEMU=${SKIFF_QEMU:-qemu-system-x86_64}
W=build/soak
B=build/bench
BIN=$B/bin

for f in /usr/sbin/nginx /usr/bin/redis-server /usr/bin/redis-benchmark /usr/bin/redis-cli /bin/busybox; do
	[ -x "$f" ] || { echo "soak: $f missing: run make soak-deps" >&2; exit 2; }
done
for f in ab curl; do
	command -v "$f" >/dev/null || { echo "soak: $f missing: run make soak-deps" >&2; exit 2; }
done
[ -e build/skiff.elf ] || { echo "soak: run make kernel first" >&2; exit 2; }
case $N in '' | *[!0-9]*) echo "soak: SOAK_N must be a number" >&2; exit 2 ;; esac
[ "$N" -ge 100 ] || { echo "soak: SOAK_N must be at least 100" >&2; exit 2; }

rm -rf "$W"
mkdir -p "$W/log" "$W/root" || exit 2
cp build/skiff.elf "$W/skiff.elf" # a snapshot: the kernel may be rebuilt while we run
KERNEL=$W/skiff.elf
. bench/net.sh

ntest=0 nfail=0
check() { # check OK DESCRIPTION
	ntest=$((ntest + 1))
	if [ "$1" = 0 ]; then echo "ok $ntest - $2"; else nfail=$((nfail + 1)); echo "not ok $ntest - $2"; fi
}
finish() {
	echo "1..$ntest"
	echo "$((ntest - nfail)) passed, $nfail failed"
	[ "$nfail" = 0 ]
	exit
}

KEEP=$((N * 4 / 5))
SHORT=$((N - KEEP))
WARM=$((N / 100))
[ "$WARM" -lt 1000 ] && WARM=1000
T0=$(date +%s)

net_root "$W/root/soak" /usr/bin/redis-server || { check 1 "the guest's root (log $W/log/rootfs-net.log)"; finish; }
(cd "$W/root/soak" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$W/soak.cpio"
hp=$(net_port) mp=$(net_port) rp=$(net_port)
# the guest: nginx, redis-server, then /proc/meminfo three times; --timeout: a stuck soak ends by itself
net_start skiff soak "$W/soak.cpio" $((N / 20 + 1800)) "$MEM" "$hp:8080 $mp:9000 $rp:6379" 3 redis
rcli() { timeout 60 redis-cli -p "$rp" "$@"; }
i=0
while [ "$(rcli ping 2>/dev/null)" != PONG ] && [ $i -lt 120 ]; do
	sleep 1
	i=$((i + 1))
done
net_ready "$hp" 60 && net_meminfo "$mp" "$W/meminfo.boot" && [ "$(rcli ping 2>/dev/null)" = PONG ]
check $? "skiff boots nginx and redis-server (--mem $MEM), /proc/meminfo read"
[ "$ntest" = "$nfail" ] && { net_stop; finish; }

# redis_load LABEL OPS: redis-benchmark SET + GET, OPS in all; true when it ended well and the server counted them
redis_load() {
	rl_c0=$(rcli info stats | tr -d '\r' | sed -n 's/^total_commands_processed://p')
	timeout $(($2 / 20 + 600)) redis-benchmark -p "$rp" -c "$C" -n $(($2 / 2)) -t set,get --csv >"$W/log/redis-$1.csv" \
		2>"$W/log/redis-$1.err"
	rl_st=$?
	rl_c1=$(rcli info stats | tr -d '\r' | sed -n 's/^total_commands_processed://p')
	REDIS_DONE=$((${rl_c1:-0} - ${rl_c0:-0} - 1)) # the INFO before counts itself
	REDIS_RPS=$(awk -F'"' '$2 == "SET" || $2 == "GET" { s += $4; n++ } END { if (n) printf "%.0f", s / n }' "$W/log/redis-$1.csv")
	REDIS_WHY=
	if [ "$rl_st" != 0 ]; then
		REDIS_WHY="redis-benchmark ended with status $rl_st: $(tail -n 1 "$W/log/redis-$1.err")"
	elif [ "$REDIS_DONE" -lt $(($2 / 2 * 2)) ]; then
		REDIS_WHY="the server counted $REDIS_DONE commands of $(($2 / 2 * 2))"
	elif grep -qi error "$W/log/redis-$1.err"; then
		REDIS_WHY="$(grep -i -m1 error "$W/log/redis-$1.err")"
	fi
	[ -z "$REDIS_WHY" ]
}

# warm-up, then the second meminfo
url=http://127.0.0.1:$hp/index.html
net_ab "$W/log/ab-warm-keep" "$WARM" "$C" "$url" -k
w_err=$AB_ERR w_why=$AB_WHY
net_ab "$W/log/ab-warm-short" "$WARM" "$C" "$url"
w_err=$((w_err + AB_ERR)) w_why="$w_why$AB_WHY"
redis_load warm "$WARM" || w_why="$w_why $REDIS_WHY"
[ "$w_err" = 0 ] && [ -z "$w_why" ]
check $? "warm-up: $WARM nginx requests keep-alive, $WARM with a connection each, $WARM redis operations${w_why:+ ($w_why)}"
net_meminfo "$mp" "$W/meminfo.before"

# the load
echo "# soak: $KEEP keep-alive requests, $SHORT short-connection requests, $N redis operations, $C connections each"
net_ab "$W/log/ab-keep" "$KEEP" "$C" "$url" -k
k_rps=$AB_RPS
[ "$AB_ERR" = 0 ] && [ -z "$AB_WHY" ]
check $? "nginx: $KEEP requests over keep-alive connections, 0 errors (${AB_WHY:-$AB_RPS req/s, p99 $AB_P99 ms})"
k_err=$AB_ERR
net_ab "$W/log/ab-short" "$SHORT" "$C" "$url"
s_rps=$AB_RPS
[ "$AB_ERR" = 0 ] && [ -z "$AB_WHY" ]
check $? "nginx: $SHORT requests with a connection each, 0 errors (${AB_WHY:-$AB_RPS req/s, p99 $AB_P99 ms})"
s_err=$AB_ERR
redis_load soak "$N"
check $? "redis: $N operations (SET, GET), 0 errors (${REDIS_WHY:-$REDIS_DONE commands, $REDIS_RPS op/s})"

# memory: MemAvailable (free + what the kernel can take back: caches) after the load against after the warm-up
net_meminfo "$mp" "$W/meminfo.after"
m_boot=$(meminfo_kb MemAvailable "$W/meminfo.boot")
m0=$(meminfo_kb MemAvailable "$W/meminfo.before")
m1=$(meminfo_kb MemAvailable "$W/meminfo.after")
f0=$(meminfo_kb MemFree "$W/meminfo.before")
f1=$(meminfo_kb MemFree "$W/meminfo.after")
pct=$(awk -v a="${m0:-0}" -v b="${m1:-0}" 'BEGIN { if (a > 0) printf "%.2f", (a - b) * 100 / a; else print "?" }')
awk -v p="$pct" 'BEGIN { exit !(p != "?" && p <= 2 && p >= -2) }'
check $? "guest memory: MemAvailable ${m0:-?} kB after the warm-up, ${m1:-?} kB after the load ($pct % less; within 2 %)"

net_stop
grep -q 'netserve: done' "$W/log/soak.out"
check $? "the guest ended by itself after the last read (no panic: $(grep -m1 -i 'panic' "$W/log/soak.err" "$W/log/soak.out" 2>/dev/null | head -n 1))"

echo "# summary: nginx $KEEP keep-alive (${k_rps:-?} req/s, $k_err errors) + $SHORT short (${s_rps:-?} req/s, $s_err errors); redis $N operations (${REDIS_RPS:-?} op/s, ${REDIS_DONE:-?} counted); MemAvailable boot ${m_boot:-?} kB, after warm-up ${m0:-?} kB, after load ${m1:-?} kB ($pct %); MemFree ${f0:-?} -> ${f1:-?} kB; $(( $(date +%s) - T0 )) s"
finish
