#!/bin/sh
# bench/run.sh [--smoke] — skiff against a Debian Linux guest, side by side, under the same QEMU (issue 6).
#
# Run by `make bench` (full run, writes bench/results/latest.md and latest.json) and `make bench-smoke` (every
# step once with tiny counts, results under build/bench/smoke; prints TAP). Needs what bench/bench.mk builds
# into build/bench. Environment: SKIFF_QEMU (QEMU binary), BENCH_ACCEL (tcg, the default, or kvm),
# BENCH_MEM (guest memory of the timed runs, default 128M, skiff's own default), BENCH_REPS (boots per figure).
# Every figure alternates the two systems run by run (skiff, Linux, skiff, Linux ...); see docs/performance.md.
set -u
cd "$(dirname -- "$0")/.." || exit 2

MODE=full
[ "${1:-}" = --smoke ] && MODE=smoke
B=build/bench
BIN=$B/bin
QEMU=${SKIFF_QEMU:-qemu-system-x86_64}
ACCEL=${BENCH_ACCEL:-tcg}
MEM=${BENCH_MEM:-128M}
GZ_MEM=${BENCH_GZ_MEM:-256M} # the gzip row's memory, both guests (its initrd holds 20 MiB of input)
SCALE_MEM=${BENCH_SCALE_MEM:-2G} # the thread/process scaling rows, both guests: 10,000 threads need threads-max > 10,000 (Linux: RAM / 128 KiB, 8,192 at 1G)
case $ACCEL in
kvm) ACCFLAGS="-accel kvm -cpu host,-arch-capabilities" ;; # as tools/skiff does
*) ACCEL=tcg; ACCFLAGS="-accel tcg -cpu max" ;;
esac
# the bits of tools/skiff's QEMU line that are not about serial ports or the kernel
BASEFLAGS="-nodefaults -no-reboot -display none -monitor none -device isa-debug-exit,iobase=0xf4,iosize=0x04"
LINUX_CMDLINE="console=ttyS0 quiet panic=-1"

if [ "$MODE" = smoke ]; then
	W=$B/smoke OUT=$W REPS=${BENCH_REPS:-1} SYS_REPS=1 PROG_REPS=1
	SYS_SCALE=0.01 SCALE_MAX=10 SQL_ROWS=1000 LUA_N=10000 GZ_MB=1 VOL_SCALE=0.01
	NET_SHORT_N=100 NET_KEEP_N=200 NET_C=5
else
	W=$B/run OUT=bench/results REPS=${BENCH_REPS:-5} SYS_REPS=3 PROG_REPS=3
	SYS_SCALE=0.25 SCALE_MAX=10000 SQL_ROWS=100000 LUA_N=3000000 GZ_MB=20 VOL_SCALE=1
	NET_SHORT_N=${BENCH_NET_SHORT_N:-5000} NET_KEEP_N=${BENCH_NET_KEEP_N:-20000} NET_C=${BENCH_NET_C:-10}
fi
SYS_INNER=5 # repetitions inside one sysbench run

rm -rf "$W/log" "$W/root" "$W/initrd" "$W/vol" "$W/cache"
mkdir -p "$W/log" "$W/root" "$W/initrd" "$OUT" || exit 2
RAW=$W/raw.txt
: >"$RAW"
: >"$W/notes.txt" # "ID SYSTEM TEXT": what a table cell says when there is no figure (report.sh)
for f in hello bootinfo linit sysbench hello-dyn tstamp floor.bin filebench qemustub; do
	[ -e "$BIN/$f" ] || { echo "bench: $BIN/$f missing: run make bench-build" >&2; exit 2; }
done
[ -e "$B/vmlinux" ] && [ -e build/skiff.elf ] || { echo "bench: run make bench-build first" >&2; exit 2; }
for f in /usr/bin/sqlite3 /usr/bin/lua5.4 /usr/bin/gzip /usr/bin/python3; do
	[ -x "$f" ] || { echo "bench: $f missing: run make bench-deps" >&2; exit 2; }
done
# a snapshot: build/skiff.elf may be rebuilt while we run
cp build/skiff.elf "$W/skiff.elf"
KERNEL=$W/skiff.elf

# ------------------------------------------------------------------ reporting
npass=0 nfail=0 ntest=0
check() { # check OK DESCRIPTION: one TAP line
	ntest=$((ntest + 1))
	if [ "$1" = 0 ]; then
		npass=$((npass + 1))
		echo "ok $ntest - $2"
	else
		nfail=$((nfail + 1))
		echo "not ok $ntest - $2"
	fi
}
note() { [ "$MODE" = full ] && echo "# $*"; :; }
sample() { echo "$1 $2 $3" >>"$RAW"; } # sample KEY SYSTEM VALUE
us2ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }

# ------------------------------------------------------------------ running one VM
# run_vm LABEL MARKER TIMEOUT QEMU-ARGS...: boots, sets T_FIRST T_MARK T_EXIT (µs) and T_STATUS; true when QEMU
# exited through isa-debug-exit with guest status 0 (QEMU status 1) and MARKER was printed.
run_vm() {
	rv_label=$1 rv_marker=$2 rv_to=$3
	shift 3
	if [ -n "$rv_marker" ]; then
		"$BIN/tstamp" -m "$rv_marker" -t "$rv_to" -- "$QEMU" "$@" </dev/null >"$W/log/$rv_label.out" \
			2>"$W/log/$rv_label.t"
	else # no marker: success is the exit status alone
		"$BIN/tstamp" -t "$rv_to" -- "$QEMU" "$@" </dev/null >"$W/log/$rv_label.out" 2>"$W/log/$rv_label.t"
	fi
	rv_line=$(grep '^tstamp ' "$W/log/$rv_label.t" | tail -n 1)
	T_FIRST=$(echo "$rv_line" | sed -n 's/.*first_us=\(-*[0-9]*\).*/\1/p')
	T_MARK=$(echo "$rv_line" | sed -n 's/.*marker_us=\(-*[0-9]*\).*/\1/p')
	T_EXIT=$(echo "$rv_line" | sed -n 's/.*exit_us=\(-*[0-9]*\).*/\1/p')
	T_STATUS=$(echo "$rv_line" | sed -n 's/.*status=\([0-9]*\).*/\1/p')
	# QEMU also exits 1 when it fails to start: then it has written to stderr (the .t file)
	[ "${T_STATUS:-x}" = 1 ] && ! grep -qv '^tstamp ' "$W/log/$rv_label.t" &&
		{ [ -z "$rv_marker" ] || [ "${T_MARK:--1}" -ge 0 ] 2>/dev/null; }
}
# skiff_vm LABEL MARKER TIMEOUT MEM INITRD [QEMU-ARGS...]: tools/skiff's QEMU line: COM1-COM4 (what the
# kernel says before virtio is up, stderr, kernel log, control) and the program's stdout and stderr on the
# virtio-console ports skiff.stdout (QEMU's stdout, read by the stopwatch, or the file SKOUT) and skiff.stderr.
# MACH (default pc) picks the machine type; SKSERIAL=1 leaves virtio-serial out (stdout then on COM1).
skiff_vm() {
	sv_l=$1 sv_m=$2 sv_t=$3 sv_mem=$4 sv_i=$5
	shift 5
	if [ -n "${SKSERIAL:-}" ]; then
		set -- "$@" -serial stdio
	else
		set -- "$@" -serial "file:$W/log/$sv_l.com1" -device virtio-serial-pci,max_ports=4 \
			-chardev "file,id=v2,path=$W/log/$sv_l.err" -device virtserialport,chardev=v2,name=skiff.stderr,nr=2
		if [ -n "${SKOUT:-}" ]; then
			set -- "$@" -chardev "file,id=v1,path=$SKOUT"
		else
			set -- "$@" -chardev stdio,id=v1
		fi
		set -- "$@" -device virtserialport,chardev=v1,name=skiff.stdout,nr=1
	fi
	# shellcheck disable=SC2086
	run_vm "$sv_l" "$sv_m" "$sv_t" -M "${MACH:-pc}" -m "$sv_mem" $ACCFLAGS $BASEFLAGS "$@" \
		-serial "file:$W/log/$sv_l.err2" -serial "file:$W/log/$sv_l.klog" -serial "file:$W/log/$sv_l.ctl" \
		-kernel "$KERNEL" -initrd "$sv_i"
}
# linux_vm LABEL MARKER TIMEOUT MEM INITRD CMDLINE-TAIL [QEMU-ARGS...]; LKERNEL (default the PVH vmlinux)
linux_vm() {
	lv_l=$1 lv_m=$2 lv_t=$3 lv_mem=$4 lv_i=$5 lv_tail=$6
	shift 6
	# shellcheck disable=SC2086
	run_vm "$lv_l" "$lv_m" "$lv_t" -M "${MACH:-pc}" -m "$lv_mem" $ACCFLAGS $BASEFLAGS "$@" -serial stdio \
		-kernel "${LKERNEL:-$B/vmlinux}" -initrd "$lv_i" -append "$LINUX_CMDLINE $lv_tail"
}
# linit's "run_us=" (the program's wall time inside the Linux guest)
linux_run_us() { sed -n 's/.*linit: .*run_us=\([0-9]*\).*/\1/p' "$W/log/$1.out" | tail -n 1; }

# ------------------------------------------------------------------ guest trees and initrds
pack() { # pack DIR NAME: newc cpio (uncompressed, for both systems) at $W/initrd/NAME.cpio
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$W/initrd/$2.cpio"
}
# skiff_tree NAME GUESTPROG ARGS...: a skiff root holding /.skiff/argv; the caller puts the files in
skiff_tree() {
	st_d=$W/root/skiff-$1
	shift
	mkdir -p "$st_d/.skiff" "$st_d/tmp"
	: >"$st_d/.skiff/argv"
	for a in "$@"; do printf '%s\0' "$a" >>"$st_d/.skiff/argv"; done
	echo "$st_d"
}
# dyn_base NAME PROGRAM [FILE...]: the root of a dynamic program as `tools/skiff rootfs --no-runtime-libs` packs
# it (PROGRAM, its ELF interpreter and shared libraries, glibc's C.utf8 locale, /etc basics; not python's whole
# standard library), plus FILEs at their host paths: the one root both guests get for that program
dyn_base() {
	db_d=$W/root/base-$1 db_p=$2
	shift 2
	rm -rf "$db_d"
	tools/skiff rootfs --no-runtime-libs "$db_d" "$db_p" >"$W/log/rootfs-$(basename "$db_d").log" 2>&1 || return 1
	for f in "$@"; do
		mkdir -p "$db_d$(dirname "$f")" && cp -L "$f" "$db_d$f" || return 1
	done
	echo "$db_d"
}
# dyn_pair BASE NAME ARGV...: skiff-NAME.cpio (BASE + /.skiff/argv and /.skiff/env, as tools/skiff writes them)
# and linux-NAME.cpio (BASE + the Linux extras of linux_tree + the same /.skiff files, which linit runs with
# `@/.skiff/argv`): the same files and the same command line in both guests
dyn_pair() {
	dp_b=$1 dp_n=$2
	shift 2
	for dp_s in skiff linux; do
		dp_d=$W/root/$dp_s-$dp_n
		rm -rf "$dp_d"
		cp -a "$dp_b" "$dp_d" || return 1
		mkdir -p "$dp_d/.skiff"
		: >"$dp_d/.skiff/argv"
		for a in "$@"; do printf '%s\0' "$a" >>"$dp_d/.skiff/argv"; done
		printf '%s\0' "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" HOME=/root TERM=linux \
			LANG=C.UTF-8 >"$dp_d/.skiff/env"
		[ "$dp_s" = linux ] && linux_extras "$dp_d"
		pack "$dp_d" "$dp_s-$dp_n"
	done
}
# linux_tree NAME: the minimal Linux root: /linit (the C init that runs the program and powers off), an /init
# script for interactive use, busybox-static, /dev/console; the caller adds the program
linux_tree() {
	lt_d=$W/root/linux-$1
	linux_extras "$lt_d"
	echo "$lt_d"
}
linux_extras() {
	lt_d=$1
	mkdir -p "$lt_d/bin" "$lt_d/dev" "$lt_d/proc" "$lt_d/sys" "$lt_d/tmp"
	cp "$BIN/linit" "$lt_d/linit"
	cp -L /bin/busybox "$lt_d/bin/busybox"
	ln -sf busybox "$lt_d/bin/sh"
	ln -sf busybox "$lt_d/bin/poweroff"
	cat >"$lt_d/init" <<'EOF'
#!/bin/sh
# Interactive use only (the bench boots rdinit=/linit): run the command line's program, then power off.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
"$@"
/bin/busybox poweroff -f
EOF
	chmod +x "$lt_d/init"
	mknod "$lt_d/dev/console" c 5 1 2>/dev/null || :
}

data_file() { # a 64 KiB file for the read benchmarks, the same bytes each run
	mkdir -p "$1/bench"
	seq -f 'bench data line %06g ...................................' 1 2000 | head -c 65536 >"$1/bench/data64k"
}
gz_input() { # GZ_MB MiB of compressible text, the same bytes each run
	mkdir -p "$1/data"
	seq -f 'line %g of the skiff bench data set: words to compress, words to compress again' 1 400000 |
		head -c $((GZ_MB * 1048576)) >"$1/data/in"
}

# the sqlite3 workload, for Debian's sqlite3 shell: ROWS inserts in one transaction (one INSERT ... SELECT over a
# recursive CTE), then a GROUP BY over 1000 keys; prints "sqlbench rows=N groups=G". Database file in the RAM
# file system, journal in memory, synchronous=OFF (no fsync).
sql_script() {
	echo "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;
CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT);
BEGIN;
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < $SQL_ROWS - 1)
INSERT INTO t(k, v) SELECT i * 7919 % 1000, printf('row %d value %d', i, i * 2654435761 % 1000003) FROM c;
COMMIT;
SELECT 'sqlbench rows=' || sum(n) || ' groups=' || count(*) FROM
 (SELECT k, count(*) AS n, sum(id), avg(length(v)) FROM t GROUP BY k);"
}
# the Lua workload, for Debian's lua5.4: a numeric loop
lua_script() {
	echo "local s = 0 for i = 1, $LUA_N do s = s + (i % 7) * 0.5 + math.sqrt(i) end print(string.format('luabench n=$LUA_N s=%.3f', s))"
}
# python_modules: the standard-library files Debian's python3 imports at start-up (and their .pyc)
python_modules() {
	/usr/bin/python3 -c 'import sys, importlib.util
seen = set()
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if f: seen.add(f)
c = getattr(sys.modules.get("encodings"), "__path__", [None])[0]
if c: seen.add(c + "/__init__.py")
for f in sorted(seen):
    print(f)
    if f.endswith(".py"):
        try:
            pyc = importlib.util.cache_from_source(f)
        except Exception:
            continue
        import os
        if os.path.exists(pyc): print(pyc)'
}

build_initrds() {
	# static hello
	d=$(skiff_tree hello /hello) && cp "$BIN/hello" "$d/hello" && pack "$d" skiff-hello
	d=$(linux_tree hello) && cp "$BIN/hello" "$d/hello" && pack "$d" linux-hello
	# the in-guest boot figure
	d=$(skiff_tree bootinfo /bootinfo) && cp "$BIN/bootinfo" "$d/bootinfo" && pack "$d" skiff-bootinfo
	d=$(linux_tree bootinfo) && cp "$BIN/bootinfo" "$d/bootinfo" && pack "$d" linux-bootinfo
	# syscalls
	d=$(skiff_tree sys /sysbench "$SYS_SCALE" "$SYS_INNER") && cp "$BIN/sysbench" "$d/sysbench" && data_file "$d" &&
		pack "$d" skiff-sys
	d=$(linux_tree sys) && cp "$BIN/sysbench" "$d/sysbench" && data_file "$d" && pack "$d" linux-sys
	d=$(skiff_tree scale /sysbench "$SYS_SCALE" "$SYS_INNER" scale "$SCALE_MAX") && cp "$BIN/sysbench" "$d/sysbench" &&
		pack "$d" skiff-scale
	d=$(linux_tree scale) && cp "$BIN/sysbench" "$d/sysbench" && pack "$d" linux-scale
	# the dynamic programs: Debian's own binaries, rooted by tools/skiff rootfs, the same root in both guests
	hd=$(pwd)/$BIN/hello-dyn
	b=$(dyn_base dynhello "$hd") && dyn_pair "$b" dynhello "$hd"
	b=$(dyn_base sqlite /usr/bin/sqlite3) && dyn_pair "$b" sqlite /usr/bin/sqlite3 /tmp/bench.db "$(sql_script)"
	b=$(dyn_base lua /usr/bin/lua5.4) && dyn_pair "$b" lua /usr/bin/lua5.4 -e "$(lua_script)"
	# gzip -c FILE, stdout to /dev/null (skiff: a virtio-console port on /dev/null; Linux: linit -o /dev/null)
	b=$(dyn_base gzip /usr/bin/gzip) && gz_input "$b" && dyn_pair "$b" gzip /usr/bin/gzip -c /data/in
	# python3 with just the modules its start-up imports
	# shellcheck disable=SC2046
	b=$(dyn_base python /usr/bin/python3 $(python_modules)) &&
		mkdir -p "$b$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')/lib-dynload" &&
		dyn_pair "$b" python /usr/bin/python3 -c pass && dyn_pair "$b" pyprint /usr/bin/python3 -c 'print(1)'
}

# issue 10: 9P volumes and the packed / live root (build_p9_initrds, step_vol, step_cli)
. bench/volumes.sh
. bench/pack.sh
# issue 15: nginx under ab over the user-mode network (build_net_initrds, step_net)
. bench/net.sh

# ------------------------------------------------------------------ the machine
facts() {
	{
		echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "host=$(uname -sr)"
		echo "cpu=$(sed -n 's/^model name[ \t]*: //p' /proc/cpuinfo | head -n 1)"
		echo "cores=$(nproc)"
		echo "host_mem_mb=$(awk '/MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)"
		# other busy processes (another VM) make every figure slower and noisier: noted, not prevented
		echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg); other QEMU processes: $(pgrep -c qemu-system 2>/dev/null || echo 0)"
		echo "qemu=$($QEMU --version | head -n 1)"
		echo "accel=$ACCEL"
		echo "cpu_model=$(echo "$ACCFLAGS" | sed 's/.*-cpu //')"
		echo "machine=pc, SeaBIOS for both guests in the main rows (tools/skiff run itself boots with qboot: see the qboot rows)"
		echo "guest_mem=$MEM (the gzip row: $GZ_MEM on both)"
		echo "linux_kernel=$(basename "$(readlink -f /vmlinuz)") (Debian linux-image-amd64), uncompressed vmlinux via PVH entry"
		echo "linux_cmdline=$LINUX_CMDLINE rdinit=/linit -- PROGRAM"
		echo "skiff_commit=$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- 2>/dev/null || echo +dirty)"
		echo "skiff_elf_sha256=$(sha256sum "$KERNEL" | cut -c1-16) (the snapshot the run used)"
		echo "mode=$MODE reps=$REPS (boot figures), $SYS_REPS (syscalls), $PROG_REPS (programs)"
		echo "skiff_qemu_extra=-serial file (COM1) -device virtio-serial-pci,max_ports=4, ports skiff.stdout skiff.stderr; -serial file x3 (COM2-4), as tools/skiff run"
		echo "programs=Debian's dynamic hello (gcc), sqlite3 $(dpkg-query -W -f '${Version}' sqlite3 2>/dev/null), lua5.4 $(dpkg-query -W -f '${Version}' lua5.4 2>/dev/null), gzip $(dpkg-query -W -f '${Version}' gzip 2>/dev/null), python3 $(/usr/bin/python3 -c 'import platform; print(platform.python_version())')"
	} >"$W/facts.txt"
}

# ------------------------------------------------------------------ the steps
step_floor() {
	for i in $(seq "$REPS"); do
		run_vm "floor-pc-$i" '!' 20 -M pc -m "$MEM" $ACCFLAGS $BASEFLAGS -serial stdio -kernel "$BIN/floor.bin" &&
			sample boot.floor.pc.first floor "$(us2ms "$T_FIRST")" && sample boot.floor.pc.exit floor "$(us2ms "$T_EXIT")"
		run_vm "floor-qboot-$i" '!' 20 -M pc -m "$MEM" $ACCFLAGS $BASEFLAGS -bios qboot.rom -serial stdio \
			-kernel "$BIN/floor.bin" && sample boot.floor.qboot.exit floor "$(us2ms "$T_EXIT")"
		run_vm "floor-microvm-$i" '!' 20 -M microvm -m "$MEM" $ACCFLAGS $BASEFLAGS -serial stdio \
			-kernel "$BIN/floor.bin" && sample boot.floor.microvm.exit floor "$(us2ms "$T_EXIT")"
	done
	grep -q '^boot.floor.pc.exit' "$RAW"
	check $? "QEMU floor: multiboot stub that powers off at once"
}

step_boot() {
	ok_s=1 ok_l=1 ok_d=1 ok_ds=1 ok_bs=1 ok_bl=1
	for i in $(seq "$REPS"); do
		if skiff_vm "hello-skiff-$i" "hello from" 20 "$MEM" "$W/initrd/skiff-hello.cpio"; then
			ok_s=0
			sample boot.hello.first skiff "$(us2ms "$T_MARK")"
			sample boot.hello.exit skiff "$(us2ms "$T_EXIT")"
		fi
		if linux_vm "hello-linux-$i" "hello from" 120 "$MEM" "$W/initrd/linux-hello.cpio" "rdinit=/linit -- /hello"; then
			ok_l=0
			sample boot.hello.first linux "$(us2ms "$T_MARK")"
			sample boot.hello.exit linux "$(us2ms "$T_EXIT")"
		fi
		if skiff_vm "dynhello-skiff-$i" "hello from" 20 "$MEM" "$W/initrd/skiff-dynhello.cpio"; then
			ok_ds=0
			sample boot.dynhello.first skiff "$(us2ms "$T_MARK")"
			sample boot.dynhello.exit skiff "$(us2ms "$T_EXIT")"
		fi
		if linux_vm "dynhello-linux-$i" "hello from" 120 "$MEM" "$W/initrd/linux-dynhello.cpio" \
			"rdinit=/linit -- @/.skiff/argv"; then
			ok_d=0
			sample boot.dynhello.first linux "$(us2ms "$T_MARK")"
			sample boot.dynhello.exit linux "$(us2ms "$T_EXIT")"
		fi
		if skiff_vm "bootinfo-skiff-$i" "bootinfo:" 20 "$MEM" "$W/initrd/skiff-bootinfo.cpio"; then
			v=$(sed -n 's/.*skiff_boot_us=\([0-9]*\).*/\1/p' "$W/log/bootinfo-skiff-$i.out")
			[ -n "$v" ] && ok_bs=0 && sample boot.inguest skiff "$(us2ms "$v")"
			# /proc/skiff/boot_phases: µs per init step
			awk '$1 == "bootphase" { print "phase." $2, "skiff", $3 }' "$W/log/bootinfo-skiff-$i.out" >>"$RAW"
		fi
		if linux_vm "bootinfo-linux-$i" "bootinfo:" 120 "$MEM" "$W/initrd/linux-bootinfo.cpio" "rdinit=/bootinfo"; then
			v=$(sed -n 's/.*boottime_us=\([0-9]*\).*/\1/p' "$W/log/bootinfo-linux-$i.out")
			k=$(sed -n 's/.*kmsg_init_us=\([0-9]*\).*/\1/p' "$W/log/bootinfo-linux-$i.out")
			[ -n "$v" ] && ok_bl=0 && sample boot.inguest linux "$(us2ms "$v")"
			[ -n "$k" ] && sample boot.kmsg_init linux "$(us2ms "$k")"
		fi
	done
	check $ok_s "skiff: static hello boots"
	check $ok_l "Linux: static hello boots"
	check $ok_ds "skiff: dynamic hello boots"
	check $ok_d "Linux: dynamic hello boots"
	check $ok_bs "skiff: /proc/skiff/boot_us read"
	grep -q '^phase.total skiff' "$RAW"
	check $? "skiff: /proc/skiff/boot_phases read"
	check $ok_bl "Linux: in-guest boot time read"
}

# firmware and machine variants, and the CLI's own cost (fewer runs: they explain, they are not the targets)
step_variants() {
	n=$(( REPS > 3 ? 3 : REPS ))
	for i in $(seq "$n"); do
		# qboot is what tools/skiff run uses by default; qboot assigns no PCI BARs, so skiff assigns them
		# itself (drivers/pci.c) and stdio is on virtio-serial as in the main rows
		skiff_vm "hello-skiff-qboot-$i" "hello from" 20 "$MEM" "$W/initrd/skiff-hello.cpio" -bios qboot.rom &&
			sample boot.hello.qboot.exit skiff "$(us2ms "$T_EXIT")"
		linux_vm "hello-linux-qboot-$i" "hello from" 120 "$MEM" "$W/initrd/linux-hello.cpio" \
			"rdinit=/linit -- /hello" -bios qboot.rom && sample boot.hello.qboot.exit linux "$(us2ms "$T_EXIT")"
		# microvm has no PCI bus: stdout on COM1 there
		MACH=microvm SKSERIAL=1 skiff_vm "hello-skiff-microvm-$i" "hello from" 20 "$MEM" \
			"$W/initrd/skiff-hello.cpio" && sample boot.hello.microvm.exit skiff "$(us2ms "$T_EXIT")"
		SKSERIAL=1 skiff_vm "hello-skiff-serial-$i" "hello from" 20 "$MEM" "$W/initrd/skiff-hello.cpio" &&
			sample boot.hello.serial.exit skiff "$(us2ms "$T_EXIT")"
		SKSERIAL=1 skiff_vm "bootinfo-skiff-serial-$i" "bootinfo:" 20 "$MEM" "$W/initrd/skiff-bootinfo.cpio" &&
			v=$(sed -n 's/.*skiff_boot_us=\([0-9]*\).*/\1/p' "$W/log/bootinfo-skiff-serial-$i.out") &&
			[ -n "$v" ] && sample boot.inguest.serial skiff "$(us2ms "$v")"
		# Debian's kernel printed nothing within minutes on -M microvm: tried once, briefly
		[ "$i" = 1 ] && MACH=microvm linux_vm "hello-linux-microvm-$i" "hello from" 15 "$MEM" \
			"$W/initrd/linux-hello.cpio" "rdinit=/linit -- /hello" &&
			sample boot.hello.microvm.exit linux "$(us2ms "$T_EXIT")"
		LKERNEL=/vmlinuz linux_vm "hello-linux-bzimage-$i" "hello from" 120 "$MEM" "$W/initrd/linux-hello.cpio" \
			"rdinit=/linit -- /hello" && sample boot.hello.bzimage.exit linux "$(us2ms "$T_EXIT")"
		t0=$(date +%s%N)
		if tools/skiff run --kernel "$KERNEL" --mem "$MEM" --accel "$ACCEL" "$BIN/hello" >/dev/null 2>&1; then
			t1=$(date +%s%N)
			sample boot.hello.cli.exit skiff "$(us2ms $(((t1 - t0) / 1000)))"
		fi
		t0=$(date +%s%N)
		if tools/skiff run --kernel "$KERNEL" --mem "$MEM" --accel "$ACCEL" "$(pwd)/$BIN/hello-dyn" >/dev/null 2>&1; then
			t1=$(date +%s%N)
			sample boot.dynhello.cli.exit skiff "$(us2ms $(((t1 - t0) / 1000)))"
		fi
		# the CLI's own time: tools/skiff (build/skiff) with a stand-in QEMU that writes one byte at once
		if (SKIFF_QEMU=$(pwd)/$BIN/qemustub && export SKIFF_QEMU &&
			"$BIN/tstamp" -t 30 -- tools/skiff run --kernel "$KERNEL" --mem "$MEM" --accel "$ACCEL" "$BIN/hello") \
			</dev/null >/dev/null 2>"$W/log/cli-own-$i.t"; then
			v=$(sed -n 's/^tstamp first_us=\([0-9]*\).*/\1/p' "$W/log/cli-own-$i.t")
			[ -n "$v" ] && sample boot.hello.cli.own skiff "$(us2ms "$v")"
		fi
	done
	grep -q '^boot.hello.qboot.exit skiff' "$RAW"
	check $? "variants: qboot, microvm, bzImage, tools/skiff"
}

step_sys() {
	ok_s=1 ok_l=1
	for i in $(seq "$SYS_REPS"); do
		skiff_vm "sys-skiff-$i" "sysbench done" 300 "$MEM" "$W/initrd/skiff-sys.cpio" && ok_s=0 &&
			awk '$1 == "sys" && $2 != "vdso" { print "sys." $2, "skiff", $3 }' "$W/log/sys-skiff-$i.out" >>"$RAW"
		linux_vm "sys-linux-$i" "sysbench done" 600 "$MEM" "$W/initrd/linux-sys.cpio" \
			"rdinit=/linit -- /sysbench $SYS_SCALE $SYS_INNER" && ok_l=0 &&
			awk '$1 == "sys" && $2 != "vdso" { print "sys." $2, "linux", $3 }' "$W/log/sys-linux-$i.out" >>"$RAW"
	done
	# the scaling rows: once each (the median of SYS_INNER inside), with room for 10,000 threads
	skiff_vm "scale-skiff" "sysbench done" 900 "$SCALE_MEM" "$W/initrd/skiff-scale.cpio" || ok_s=1
	awk '$1 == "sys" { print "sys." $2, "skiff", $3 }' "$W/log/scale-skiff.out" >>"$RAW"
	linux_vm "scale-linux" "sysbench done" 900 "$SCALE_MEM" "$W/initrd/linux-scale.cpio" \
		"rdinit=/linit -- /sysbench $SYS_SCALE $SYS_INNER scale $SCALE_MAX" || ok_l=1
	awk '$1 == "sys" { print "sys." $2, "linux", $3 }' "$W/log/scale-linux.out" >>"$RAW"
	VDSO_SKIFF=$(awk '$2 == "vdso" { print $3 }' "$W/log/sys-skiff-1.out" 2>/dev/null)
	VDSO_LINUX=$(awk '$2 == "vdso" { print $3 }' "$W/log/sys-linux-1.out" 2>/dev/null)
	echo "vdso_skiff=${VDSO_SKIFF:-?}" >>"$W/facts.txt"
	echo "vdso_linux=${VDSO_LINUX:-?}" >>"$W/facts.txt"
	check $ok_s "skiff: sysbench"
	check $ok_l "Linux: sysbench"
}

# the programs: Debian's dynamic sqlite3, lua5.4, gzip and python3, the same root and command line in both guests
step_programs() {
	ok=""
	for i in $(seq "$PROG_REPS"); do
		for w in sqlite lua gzip python; do
			mark="" out="" mem=$MEM
			case $w in
			sqlite) mark="sqlbench rows=$SQL_ROWS groups=" ;;
			lua) mark="luabench n=" ;;
			# Linux cannot unpack the 26 MiB initramfs (20 MiB input) in 128 MiB ("Initramfs unpacking
			# failed: write error"): both guests get GZ_MEM for this row
			gzip) out=/dev/null mem=$GZ_MEM ;;
			esac
			# success: the guest's exit status 0 (through isa-debug-exit) and the output expected
			if SKOUT=$out skiff_vm "$w-skiff-$i" "$mark" 300 "$mem" "$W/initrd/skiff-$w.cpio"; then
				sample "prog.$w" skiff "$(us2ms "$T_EXIT")"
			else
				ok="$ok skiff-$w"
			fi
			if linux_vm "$w-linux-$i" "${mark:-linit: }" 600 "$mem" "$W/initrd/linux-$w.cpio" \
				"rdinit=/linit -- ${out:+-o $out }@/.skiff/argv" &&
				grep -q 'linit: .*status=0' "$W/log/$w-linux-$i.out"; then
				sample "prog.$w" linux "$(us2ms "$T_EXIT")"
				sample "prog.$w.inguest" linux "$(us2ms "$(linux_run_us "$w-linux-$i")")"
			else
				ok="$ok linux-$w"
			fi
		done
	done
	[ -z "$ok" ]
	check $? "programs: sqlite3, lua5.4, gzip, python3 (failed:${ok:- none})"
}

# ------------------------------------------------------------------ memory bisection
# probe_mem SYSTEM WORKLOAD MIB: does WORKLOAD still run correctly in MIB MiB?
probe_mem() {
	pm_l=mem-$1-$2-$3
	case $2 in
	hello | dynhello) pm_m="hello from" ;;
	sqlite) pm_m="sqlbench rows=$SQL_ROWS groups=" ;;
	pyprint) pm_m="" ;;
	esac
	case $1 in
	skiff)
		skiff_vm "$pm_l" "$pm_m" 15 "$3M" "$W/initrd/skiff-$2.cpio" || return 1 ;;
	linux)
		pm_a="@/.skiff/argv"
		[ "$2" = hello ] && pm_a=/hello
		# Linux short of memory often hangs rather than panics: a short timeout (a boot takes ~4 s here)
		pm_t=20
		[ "$2" = sqlite ] && pm_t=30
		linux_vm "$pm_l" "${pm_m:-linit: }" "$pm_t" "$3M" "$W/initrd/linux-$2.cpio" "rdinit=/linit -- $pm_a" &&
			grep -q 'linit: .*status=0' "$W/log/$pm_l.out" || return 1 ;;
	esac
	# python3 -c 'print(1)': the 1 must be there
	[ "$2" != pyprint ] || grep -q '^1' "$W/log/$pm_l.out"
}
# bisect SYSTEM WORKLOAD LO HI STEP: the smallest MiB in (LO, HI] that works, to STEP MiB; LO is assumed to fail
# (it is probed: if it works, the answer is "<= LO"). Linux starved of memory often hangs instead of
# panicking, so the probe timeouts are short: a hang is a failure.
bisect() {
	lo=$3 hi=$4
	if ! probe_mem "$1" "$2" "$hi"; then
		echo "mem.$2 $1 >$hi" >>"$W/mem.txt"
		return 1
	fi
	if probe_mem "$1" "$2" "$lo"; then
		echo "mem.$2 $1 <=$lo" >>"$W/mem.txt"
		sample "mem.$2" "$1" "$lo"
		return 0
	fi
	while [ $((hi - lo)) -gt "$5" ]; do
		mid=$(((lo + hi) / 2))
		if probe_mem "$1" "$2" "$mid"; then hi=$mid; else lo=$mid; fi
	done
	sample "mem.$2" "$1" "$hi"
}
step_mem() {
	: >"$W/mem.txt"
	if [ "$MODE" = smoke ]; then
		probe_mem skiff hello 16 && sample mem.hello skiff 16
		check $? "memory probe: skiff hello in 16 MiB"
		probe_mem linux hello 256 && sample mem.hello linux 256
		check $? "memory probe: Linux hello in 256 MiB"
		probe_mem skiff pyprint 128 && sample mem.pyprint skiff 128
		check $? "memory probe: skiff python3 -c 'print(1)' in 128 MiB"
		probe_mem linux pyprint 256 && sample mem.pyprint linux 256
		check $? "memory probe: Linux python3 -c 'print(1)' in 256 MiB"
		return
	fi
	# alternated: skiff, Linux, skiff ...; the Linux ranges start where the last runs found it (87-106 MiB)
	bisect skiff hello 1 64 1
	bisect linux hello 48 176 2
	bisect skiff dynhello 2 64 1
	bisect linux dynhello 48 176 2
	bisect skiff pyprint 4 132 1
	bisect linux pyprint 48 176 2
	bisect skiff sqlite 4 132 1
	bisect linux sqlite 48 176 2
	grep -q '^mem.hello skiff' "$RAW" && grep -q '^mem.hello linux' "$RAW"
	check $? "memory bisection"
}

# ------------------------------------------------------------------ KVM: does it work here?
step_kvm() {
	if [ ! -w /dev/kvm ]; then
		echo "kvm=no /dev/kvm" >>"$W/facts.txt"
		return
	fi
	k="-accel kvm -cpu host,-arch-capabilities"
	ks=fails kl=fails
	run_vm kvm-skiff "hello from" 10 -M pc -m "$MEM" $k $BASEFLAGS -serial stdio -serial null -serial null \
		-kernel "$KERNEL" -initrd "$W/initrd/skiff-hello.cpio" && ks="works ($(us2ms "$T_EXIT") ms)"
	[ "$ks" = fails ] && ks="fails ($(grep -m1 -o 'KVM internal error.*\|emulation failure' "$W/log/kvm-skiff.t" "$W/log/kvm-skiff.out" 2>/dev/null | head -n 1 | sed 's/^[^:]*://'); timeout or error)"
	run_vm kvm-linux "hello from" 20 -M pc -m "$MEM" $k $BASEFLAGS -serial stdio -kernel "$B/vmlinux" \
		-initrd "$W/initrd/linux-hello.cpio" -append "$LINUX_CMDLINE rdinit=/linit -- /hello" &&
		kl="works ($(us2ms "$T_EXIT") ms)"
	[ "$kl" = fails ] && kl="fails (no output within 20 s)"
	echo "kvm_skiff=$ks" >>"$W/facts.txt"
	echo "kvm_linux=$kl" >>"$W/facts.txt"
}

# ------------------------------------------------------------------ sizes (bytes)
fsize() { wc -c <"$1" | tr -d ' '; }
step_sizes() {
	strip -o "$W/skiff.stripped" "$KERNEL"
	strip -o "$W/vmlinux.stripped" "$B/vmlinux" 2>/dev/null
	{
		echo "size.kernel skiff $(fsize "$KERNEL")"
		echo "size.kernel linux $(fsize "$B/vmlinux")"
		echo "size.kernel_stripped skiff $(fsize "$W/skiff.stripped")"
		echo "size.kernel_stripped linux $(fsize "$W/vmlinux.stripped")"
		echo "size.kernel_compressed linux $(fsize /vmlinuz)"
		[ -e build/skiff.iso ] && echo "size.iso skiff $(fsize build/skiff.iso)"
		for w in hello dynhello sqlite lua gzip python; do
			echo "size.initrd.$w skiff $(fsize "$W/initrd/skiff-$w.cpio")"
			echo "size.initrd.$w linux $(fsize "$W/initrd/linux-$w.cpio")"
		done
		gzip -9 -c "$W/initrd/linux-hello.cpio" >"$W/linux-hello.cpio.gz"
		echo "size.initrd_gz.hello linux $(fsize "$W/linux-hello.cpio.gz")"
		echo "size.image.hello skiff $(($(fsize "$W/skiff.stripped") + $(fsize "$W/initrd/skiff-hello.cpio")))"
		echo "size.image.hello linux $(($(fsize /vmlinuz) + $(fsize "$W/linux-hello.cpio.gz")))"
	} >>"$RAW"
	check 0 "sizes"
}

# ------------------------------------------------------------------ main
T_START=$(date +%s)
facts
build_initrds
for f in skiff-hello linux-hello skiff-bootinfo linux-bootinfo skiff-sys linux-sys; do
	[ -s "$W/initrd/$f.cpio" ] || check 1 "initrd $f"
done
for s in skiff linux; do
	for w in dynhello sqlite lua gzip python pyprint; do
		[ -s "$W/initrd/$s-$w.cpio" ] || check 1 "initrd $s-$w"
	done
done
check 0 "initrds built"
build_p9_initrds
note "floor";      step_floor
note "boot";       step_boot
note "variants";   [ "$MODE" = full ] && step_variants
note "syscalls";   step_sys
note "programs";   step_programs
note "volumes";    step_vol
note "cli";        [ "$MODE" = full ] && step_cli
note "pack";       step_pack
note "nginx";      step_net
note "memory";     step_mem
note "kvm";        [ "$MODE" = full ] && step_kvm
step_sizes
echo "bench_seconds=$(( $(date +%s) - T_START ))" >>"$W/facts.txt"
sh bench/report.sh "$W" "$OUT"
check $? "report written to $OUT/latest.md and latest.json"
[ "$MODE" = full ] && cat "$OUT/latest.md"
echo "1..$ntest"
echo "$npass passed, $nfail failed"
[ "$nfail" = 0 ]
