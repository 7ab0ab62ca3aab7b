#!/bin/sh
# bench/smp.sh [--smoke] [ROW...] — issue 14's SMP rows: skiff and the Debian Linux guest under the same QEMU,
# each at 1 and at 2 vCPUs (`-smp 2 -accel tcg,thread=multi`, as tools/skiff run --cpus 2), alternated run by
# run (skiff 1, Linux 1, skiff 2, Linux 2, ...). ROWs (default all):
#   spin2  bench/src/spin2.c: 2 threads of a fixed integer loop, no syscalls (static, the same binary in both)
#   xz     Debian's `xz -T2 -6 --block-size=B -c` of XZ_MB MiB of text (bench/src/gendata.c), stdout /dev/null
#   sort   Debian's GNU `sort --parallel=2 -S 256M` of SORT_LINES lines (gendata lines), stdout /dev/null
#   boot   the in-guest boot: skiff's /proc/skiff/boot_us and its phases (bootinfo), Linux's CLOCK_BOOTTIME at
#          its init's first line (linit)
# Every program row is timed inside the guest by bench/src/timeit.c (fork+exec to wait: the boot is not in it),
# the same static binary and command line in both guests. Writes OUT/smp.md (medians, min–max, ratios) and
# OUT/smp-raw.txt; OUT is bench/results, or build/bench/smp-smoke with --smoke (tiny sizes, TAP).
# `make bench-smp` runs it; needs `make bench-build` (build/bench). Environment: BENCH_SMP_REPS (runs per
# figure, default 3), BENCH_SMP_SPIN_N (rounds per thread, default 500,000,000), BENCH_SMP_XZ_MB (default 20),
# BENCH_SMP_SORT_LINES (default 2,000,000), BENCH_SMP_MEM (both guests, default 1G), SKIFF_QEMU.
#
# xz's block size: with -6 xz cuts its input into blocks of 3 × the 8 MiB dictionary, 24 MiB, and compresses
# one block per thread: 20 MiB is one block, so `xz -T2 -6` alone runs one thread on Linux too. The row gives
# --block-size = half the input, so that there are two blocks for the two threads.
# The machine is shared: the load average before each run goes to the raw file and the table.
set -u
cd "$(dirname -- "$0")/.." || exit 2

MODE=full
[ "${1:-}" = --smoke ] && MODE=smoke && shift
ROWS=${*:-spin2 xz sort boot}
B=build/bench
BIN=$B/bin
QEMU=${SKIFF_QEMU:-qemu-system-x86_64}
MEM=${BENCH_SMP_MEM:-1G}
BASEFLAGS="-nodefaults -no-reboot -display none -monitor none -device isa-debug-exit,iobase=0xf4,iosize=0x04"
LINUX_CMDLINE="console=ttyS0 quiet panic=-1"
if [ "$MODE" = smoke ]; then
	W=$B/smp-smoke OUT=$W REPS=1 SPIN_N=2000000 XZ_MB=1 SORT_LINES=20000
else
	W=$B/smp OUT=bench/results REPS=${BENCH_SMP_REPS:-3} SPIN_N=${BENCH_SMP_SPIN_N:-500000000}
	XZ_MB=${BENCH_SMP_XZ_MB:-20} SORT_LINES=${BENCH_SMP_SORT_LINES:-2000000}
fi
XZ_BLOCK=$((XZ_MB * 1048576 / 2))
for f in linit bootinfo tstamp timeit spin2 gendata; do
	[ -x "$BIN/$f" ] || { echo "bench-smp: $BIN/$f missing: run make bench-build" >&2; exit 2; }
done
[ -e "$B/vmlinux" ] && [ -e build/skiff.elf ] || { echo "bench-smp: run make bench-build first" >&2; exit 2; }
rm -rf "$W"
mkdir -p "$W/log" "$W/root" "$W/initrd" "$OUT" || exit 2
cp build/skiff.elf "$W/skiff.elf" # a snapshot: the tree may be rebuilt while this runs
KERNEL=$W/skiff.elf
RAW=$W/raw.txt
: >"$RAW"

ntest=0 nfail=0
check() {
	ntest=$((ntest + 1))
	if [ "$1" = 0 ]; then echo "ok $ntest - $2"; else nfail=$((nfail + 1)); echo "not ok $ntest - $2"; fi
}

# ------------------------------------------------------------------ the roots (the same files in both guests)
pack() { (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$W/initrd/$2.cpio"; }
# tree NAME BASE ARGV...: skiff-NAME.cpio and linux-NAME.cpio from BASE (a directory, may be empty) plus
# /timeit, /.skiff/argv and /.skiff/env; Linux's also gets linit, busybox and /dev/console (run.sh's linux_extras)
tree() {
	t_n=$1 t_b=$2
	shift 2
	for t_s in skiff linux; do
		t_d=$W/root/$t_s-$t_n
		rm -rf "$t_d"
		mkdir -p "$t_d/.skiff" "$t_d/tmp" "$t_d/dev"
		[ -n "$t_b" ] && cp -a "$t_b/." "$t_d/"
		cp "$BIN/timeit" "$t_d/timeit"
		: >"$t_d/.skiff/argv"
		for a in "$@"; do printf '%s\0' "$a" >>"$t_d/.skiff/argv"; done
		printf '%s\0' "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" HOME=/root TERM=linux \
			LANG=C.UTF-8 >"$t_d/.skiff/env"
		if [ "$t_s" = linux ]; then
			mkdir -p "$t_d/bin" "$t_d/proc" "$t_d/sys"
			cp "$BIN/linit" "$t_d/linit"
			cp -L /bin/busybox "$t_d/bin/busybox"
			ln -sf busybox "$t_d/bin/sh"
			mknod "$t_d/dev/console" c 5 1 2>/dev/null || :
		fi
		pack "$t_d" "$t_s-$t_n"
	done
}
dyn_root() { # dyn_root DIR PROGRAM: PROGRAM with its ELF interpreter and libraries, as tools/skiff packs it
	rm -rf "$1"
	tools/skiff rootfs --no-runtime-libs "$1" "$2" >"$W/log/rootfs-$(basename "$1").log" 2>&1
}
build_roots() {
	d=$W/root/base-spin2
	mkdir -p "$d" && cp "$BIN/spin2" "$d/spin2" && tree spin2 "$d" /timeit /spin2 2 "$SPIN_N"
	d=$W/root/base-xz
	dyn_root "$d" "$(command -v xz)" && mkdir -p "$d/data" && "$BIN/gendata" text $((XZ_MB * 1048576)) >"$d/data/in" &&
		tree xz "$d" /timeit -o /dev/null "$(command -v xz)" -T2 -6 --block-size="$XZ_BLOCK" -c /data/in
	d=$W/root/base-sort
	dyn_root "$d" "$(command -v sort)" && mkdir -p "$d/data" && "$BIN/gendata" lines "$SORT_LINES" >"$d/data/lines" &&
		tree sort "$d" /timeit -o /dev/null "$(command -v sort)" --parallel=2 -S 256M -T /tmp /data/lines
	d=$W/root/base-boot
	mkdir -p "$d" && cp "$BIN/bootinfo" "$d/bootinfo" && tree boot "$d" /bootinfo
}

# ------------------------------------------------------------------ one VM
# vm LABEL MARKER TIMEOUT QEMU-ARGS...: T_EXIT (µs, QEMU start to exit) and the guest's output in LABEL.out;
# true when the guest ended through isa-debug-exit with status 0 and printed MARKER
vm() {
	v_l=$1 v_m=$2 v_t=$3
	shift 3
	"$BIN/tstamp" -m "$v_m" -t "$v_t" -- "$QEMU" "$@" </dev/null >"$W/log/$v_l.out" 2>"$W/log/$v_l.t"
	v_line=$(grep '^tstamp ' "$W/log/$v_l.t" | tail -n 1)
	T_EXIT=$(echo "$v_line" | sed -n 's/.*exit_us=\(-*[0-9]*\).*/\1/p')
	v_st=$(echo "$v_line" | sed -n 's/.*status=\([0-9]*\).*/\1/p')
	[ "${v_st:-x}" = 1 ] && grep -q "$v_m" "$W/log/$v_l.out"
}
smpflags() { # smpflags CPUS: what tools/skiff run --cpus CPUS gives QEMU
	if [ "$1" -gt 1 ]; then echo "-smp $1 -accel tcg,thread=multi -cpu max"; else echo "-accel tcg -cpu max"; fi
}
skiff_vm() { # skiff_vm LABEL MARKER TIMEOUT CPUS NAME: run.sh's skiff line (SeaBIOS, virtio-serial stdio)
	# shellcheck disable=SC2046
	vm "$1" "$2" "$3" -M pc -m "$MEM" $(smpflags "$4") $BASEFLAGS -serial "file:$W/log/$1.com1" \
		-device virtio-serial-pci,max_ports=4 -chardev "file,id=v2,path=$W/log/$1.err" \
		-device virtserialport,chardev=v2,name=skiff.stderr,nr=2 -chardev stdio,id=v1 \
		-device virtserialport,chardev=v1,name=skiff.stdout,nr=1 -serial "file:$W/log/$1.err2" \
		-serial "file:$W/log/$1.klog" -serial "file:$W/log/$1.ctl" -kernel "$KERNEL" -initrd "$W/initrd/skiff-$5.cpio"
}
linux_vm() { # linux_vm LABEL MARKER TIMEOUT CPUS NAME RDINIT-TAIL
	# shellcheck disable=SC2046
	vm "$1" "$2" "$3" -M pc -m "$MEM" $(smpflags "$4") $BASEFLAGS -serial stdio -kernel "$B/vmlinux" \
		-initrd "$W/initrd/linux-$5.cpio" -append "$LINUX_CMDLINE $6"
}
sample() { echo "$1 $2 $3" >>"$RAW"; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# run_row ROW REP: the four runs of one row
run_row() {
	for c in 1 2; do
		for s in skiff linux; do
			l=$1-$s$c-$2
			sample "load.$1" "$s$c" "$(load1)"
			case $1 in
			boot)
				if [ "$s" = skiff ]; then
					skiff_vm "$l" "bootinfo:" 60 "$c" boot &&
						v=$(sed -n 's/.*skiff_boot_us=\([0-9]*\).*/\1/p' "$W/log/$l.out") && [ -n "$v" ] &&
						sample boot "$s$c" "$v" &&
						awk -v k="$s$c" '$1 == "bootphase" { print "phase." $2, k, $3 }' "$W/log/$l.out" | tr -d '\r' >>"$RAW"
				else
					# linit's init_us: CLOCK_BOOTTIME at its first line, as bootinfo's when it is init (with
					# -smp 2 bootinfo as init powered off before the console had sent its line)
					linux_vm "$l" "linit: " 180 "$c" boot "rdinit=/linit -- /bootinfo" &&
						v=$(sed -n 's/.*linit: init_us=\([0-9]*\).*/\1/p' "$W/log/$l.out" | tr -d '\r') && [ -n "$v" ] &&
						sample boot "$s$c" "$v"
				fi ;;
			*)
				if [ "$s" = skiff ]; then
					skiff_vm "$l" "timeit: run_us" 1800 "$c" "$1"
				else
					linux_vm "$l" "timeit: run_us" 1800 "$c" "$1" "rdinit=/linit -- @/.skiff/argv"
				fi &&
					v=$(sed -n 's/.*timeit: run_us=\([0-9]*\) status=0.*/\1/p' "$W/log/$l.out" | tr -d '\r') &&
					[ -n "$v" ] && sample "$1" "$s$c" "$v" ;;
			esac || { echo "# bench-smp: $l failed (log: $W/log/$l.*)"; echo "$1 $s$c" >>"$W/failed"; }
		done
	done
}

# ------------------------------------------------------------------ the table
report() {
	{
		echo "# SMP rows (issue 14): skiff and the Linux guest at 1 and 2 vCPUs"
		echo
		echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -sr), $(nproc) host cores, $($QEMU --version | head -n 1)," \
			"TCG (-smp 2: thread=multi), -M pc, SeaBIOS, -m $MEM; skiff $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- 2>/dev/null || echo +dirty)," \
			"Linux $(basename "$(readlink -f /vmlinuz)"). In-guest times (bench/src/timeit.c; boot: the kernel's" \
			"own figure), median (min–max) of $REPS runs, ms. Load: the host's 1-minute load average before the" \
			"runs (median, min–max): the host is shared, so a 2-vCPU guest competes for its 2 cores."
		echo "Sizes: spin2 n=$SPIN_N per thread; xz $XZ_MB MiB, --block-size=$XZ_BLOCK; sort $SORT_LINES lines."
		echo
		echo "| row | skiff 1 | skiff 2 | Linux 1 | Linux 2 | skiff 2/1 | Linux 2/1 | skiff 2 / Linux 2 | load |"
		echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
		for r in spin2 xz sort boot; do
			awk -v r="$r" -v L="load.$r" '
			function med(a, n,   i, j, t) {
				for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
				return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
			}
			$1 == r { n[$2]++; v[$2, n[$2]] = $3 / 1000 }
			$1 == L { nl++; ld[nl] = $3 }
			END {
				if (!n["skiff1"] && !n["skiff2"] && !n["linux1"] && !n["linux2"]) exit
				split("skiff1 skiff2 linux1 linux2", k, " ")
				line = "| " r
				for (i = 1; i <= 4; i++) {
					s = k[i]; m = n[s]
					if (!m) { line = line " | -"; continue }
					delete a; lo = 1e18; hi = -1
					for (j = 1; j <= m; j++) { a[j] = v[s, j]; if (a[j] < lo) lo = a[j]; if (a[j] > hi) hi = a[j] }
					md[s] = med(a, m)
					line = line sprintf(" | %.1f (%.1f–%.1f)", md[s], lo, hi)
				}
				if (r == "boot") {
					line = line sprintf(" | %+.3f ms | %+.1f ms | |", md["skiff2"] - md["skiff1"], md["linux2"] - md["linux1"])
				} else {
					line = line (md["skiff1"] ? sprintf(" | %.2f", md["skiff2"] / md["skiff1"]) : " | -")
					line = line (md["linux1"] ? sprintf(" | %.2f", md["linux2"] / md["linux1"]) : " | -")
					line = line (md["linux2"] ? sprintf(" | %.2f", md["skiff2"] / md["linux2"]) : " | -")
				}
				delete a
				for (j = 1; j <= nl; j++) { a[j] = ld[j]; if (j == 1 || ld[j] < llo) llo = ld[j]; if (j == 1 || ld[j] > lhi) lhi = ld[j] }
				print line sprintf(" | %.2f (%.2f–%.2f) |", med(a, nl), llo, lhi)
			}' "$RAW"
		done
		echo
		echo "Targets (issue 14): skiff 2/1 ≤ 0.6 on spin2 and xz; skiff 2 / Linux 2 ≤ 1.0; boot at 2 vCPUs ≤ +1 ms."
		if grep -q '^phase\.' "$RAW"; then
			echo
			echo "skiff's boot phases (µs, median), 1 and 2 vCPUs:"
			echo
			echo "| phase | 1 vCPU | 2 vCPUs |"
			echo "| --- | --- | --- |"
			awk '$1 ~ /^phase\./ { p = substr($1, 7); if (!(p in seen)) { seen[p] = 1; order[++np] = p }
				n[p, $2]++; v[p, $2, n[p, $2]] = $3 }
			function med(p, s,   m, i, j, t, a) { m = n[p, s]; if (!m) return "-"
				for (i = 1; i <= m; i++) a[i] = v[p, s, i]
				for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
				return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
			END { for (i = 1; i <= np; i++) print "| " order[i] " | " med(order[i], "skiff1") " | " med(order[i], "skiff2") " |" }' "$RAW"
		fi
		[ -s "$W/failed" ] && echo && echo "Failed runs: $(tr '\n' ',' <"$W/failed")"
	} >"$OUT/smp.md"
	cp "$RAW" "$OUT/smp-raw.txt"
}

build_roots
for r in $ROWS; do
	[ -s "$W/initrd/skiff-$r.cpio" ] && [ -s "$W/initrd/linux-$r.cpio" ]
	check $? "initrds for $r"
done
for i in $(seq "$REPS"); do
	for r in $ROWS; do
		echo "# $r, run $i (load $(load1))"
		run_row "$r" "$i"
	done
done
for r in $ROWS; do
	for k in skiff1 skiff2 linux1 linux2; do
		grep -q "^$r $k " "$RAW"
		check $? "$r: $k"
	done
done
report
check $? "report written to $OUT/smp.md"
[ "$MODE" = full ] && cat "$OUT/smp.md"
echo "1..$ntest"
echo "$((ntest - nfail)) passed, $nfail failed"
[ "$nfail" = 0 ]
