#!/bin/sh
# bench/report.sh WORKDIR OUTDIR — turn WORKDIR/raw.txt ("KEY SYSTEM VALUE" samples) and WORKDIR/facts.txt into
# OUTDIR/latest.md (tables: median, min–max, skiff/Linux ratio) and OUTDIR/latest.json. Called by bench/run.sh.
set -u
W=$1
OUT=$2
# the Linux guest's console ends lines with \r: dropped from every sample and fact
tr -d '\r' <"$W/raw.txt" >"$W/raw.clean"
tr -d '\r' <"$W/facts.txt" >"$W/facts.clean"
RAW=$W/raw.clean
FACTS=$W/facts.clean

# stats: KEY SYSTEM MEDIAN MIN MAX N
sort -k1,1 -k2,2 -k3,3g "$RAW" | awk '
function flush() {
    if (n == 0) return
    med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    printf "%s %s %s %s %s %d\n", k, s, med, v[1], v[n], n
}
{
    if ($1 != k || $2 != s) { flush(); k = $1; s = $2; n = 0 }
    v[++n] = $3
}
END { flush() }' >"$W/stats.txt"

# The rows: ID|LABEL|UNIT|SCALE (divide by)|NOTE when skiff has no figure|TARGET
rows() {
	cat <<'EOF'
#Boot (wall time on the host; QEMU start = just before fork/exec of QEMU)
boot.hello.first|static hello: QEMU start → program's first output|ms|1||
boot.hello.exit|static hello: QEMU start → QEMU exit|ms|1||skiff ≤ 0.1 × Linux
boot.dynhello.first|dynamic hello (glibc ld.so): QEMU start → first output|ms|1||
boot.dynhello.exit|dynamic hello: QEMU start → QEMU exit|ms|1||
boot.inguest|in guest: kernel's first instruction → program's first instruction|ms|1||skiff < 2 ms
boot.inguest.serial|skiff only: the same without virtio-serial-pci (stdio on COM1)|ms|1||
boot.kmsg_init|Linux only: printk time of "Run /bootinfo as init process"|ms|1|-|
boot.hello.qboot.exit|static hello with -bios qboot.rom (tools/skiff run's default firmware): start → exit|ms|1||
boot.hello.microvm.exit|static hello with -M microvm: start → exit|ms|1||
boot.hello.serial.exit|skiff only: static hello without virtio-serial-pci: start → exit|ms|1||
boot.hello.bzimage.exit|Linux booted from the compressed vmlinuz (bzImage), SeaBIOS: start → exit|ms|1|-|
boot.hello.cli.exit|skiff only: `tools/skiff run hello`, the whole CLI|ms|1||
boot.dynhello.cli.exit|skiff only: `tools/skiff run hello-dyn`, the whole CLI|ms|1||
boot.hello.cli.own|skiff only: `tools/skiff run hello` to a stand-in QEMU's first byte out: the CLI's own time, plus its sh wrapper and the stand-in's exec|ms|1||
#Syscalls (in guest, ns per call, median of 5 loops per boot, median over boots)
sys.getppid|null syscall: getppid|ns|1||skiff ≤ 0.6 × Linux
sys.write_null|write 1 byte to /dev/null|ns|1||
sys.pread_4k|read 4 KiB (pread) from a RAM file-system file|ns|1||
sys.open_close|openat + close|ns|1||
sys.fstat|fstat|ns|1||
sys.clock_gettime|clock_gettime(MONOTONIC) through libc (vDSO on Linux)|ns|1||
sys.clock_gettime_sys|clock_gettime as a real syscall|ns|1||
sys.mmap_touch_munmap|mmap 64 KiB + touch 16 pages + munmap|ns|1||
sys.page_fault|first-touch page fault (4 MiB anonymous mapping, per page)|ns|1||skiff ≤ Linux
sys.rand_read|a byte read at a random place of 24 MiB (TCG's software TLB: refreshed every 50 ms under TCG)|ns|1||
sys.shm_cycle|System V shm: shmget 64 KiB + shmat + touch 16 pages + shmdt + IPC_RMID|ns|1||
sys.reserve_64t|mmap 64 TiB PROT_NONE (MAP_NORESERVE) + munmap|ns|1||
sys.timer_expiry|timer_create + arm 1 µs + sigwaitinfo + timer_delete|ns|1||
sys.tcp_rtt_v4|TCP round trip, 1 byte, over 127.0.0.1 (two threads, TCP_NODELAY)|ns|1||
sys.tcp_rtt_v6|TCP round trip, 1 byte, over ::1|ns|1||
sys.thread_10|pthread_create + join, 10 idle threads around|ns|1||
sys.thread_1000|pthread_create + join, 1,000 idle threads around|ns|1||
sys.thread_10000|pthread_create + join, 10,000 idle threads around|ns|1||
sys.spawn_10|fork + _exit + waitpid, 10 idle processes around|ns|1||
sys.spawn_1000|fork + _exit + waitpid, 1,000 idle processes around|ns|1||
sys.epoll_10|write 1 byte + epoll_wait + read on a socketpair, 10 idle sockets registered too|ns|1||
sys.epoll_1000|  the same, 1,000 idle sockets registered|ns|1||
sys.epoll_10000|  the same, 10,000 idle sockets registered|ns|1||
#9P volumes and roots (issue 10): per call in guest, and whole runs; Linux gets the same QEMU 9P share and mounts it from its initramfs (mount -t 9p, cache=none)
vol.pread_4k|read 4 KiB (pread) of a file on a 9P volume (skiff: -v DIR:/vol; Linux: mount -t 9p)|ns|1||
vol.open_close|openat + close of a file on a 9P volume|ns|1||
cli.python.packed|`tools/skiff run /usr/bin/python3 -c pass`, whole CLI, root packed (the default; cached image)|ms|1||
cli.python.nocache|  the same, --no-cache (packing included)|ms|1||
cli.python.live|  the same, live `--rootfs /` over 9P; Linux: QEMU start → exit (qboot), root = the host's / over 9P, chroot|ms|1||
cli.python.live.inguest|  Linux in guest: 9P modules + mount + chroot python3 -c pass|ms|1|-|
cli.ffmpeg.packed|`tools/skiff run /usr/bin/ffmpeg -version`, whole CLI, root packed (cached image; --mem 512M: the 235 MiB root needs 273M)|ms|1||
cli.ffmpeg.nocache|  the same, --no-cache|ms|1||
cli.ffmpeg.live|  the same, live `--rootfs /`; Linux: root = the host's / over 9P, chroot|ms|1||
cli.ffmpeg.live.inguest|  Linux in guest: 9P modules + mount + chroot ffmpeg -version|ms|1|-|
p9.setup|Linux only: insmod of the 9P and virtio modules + mount (in guest; inside the Linux rows above)|ms|1|-|
#Packing a root (issue 13): build/skiff-pack, skiff only; ffmpeg's root is about 215 libraries, 246 MB
pack.ffmpeg.deps|skiff only: the dependency walk for ffmpeg (`skiff-pack deps`)|ms|1||skiff < 1000 ms
pack.ffmpeg.write|skiff only: ffmpeg's root written as cpio (`skiff-pack pack`, files in the page cache)|ms|1||
pack.ffmpeg.rate|  the same as a rate|MB/s|1||skiff ≥ 200 MB/s
pack.ffmpeg.cli|skiff only: `tools/skiff run --no-cache /usr/bin/ffmpeg -version` up to QEMU's start (a fake QEMU)|ms|1||skiff < 5000 ms
pack.ffmpeg.cli.old|  the same with the shell packer before tools/pack (readelf, find, cpio; one run)|ms|1||
pack.python3.cli|skiff only (smoke runs): `tools/skiff run --no-cache python3 -c pass` up to QEMU's start|ms|1||
#nginx under load (issue 15): Debian's nginx in the guest, one worker, a static 4 KiB page; ab on the host through QEMU's user-mode network and a forwarded port; per boot, median over boots
net.nginx.short.rps|short connections (a TCP connection per request): requests per second|req/s|1||
net.nginx.short.p99|  the same: 99th percentile of the request time (ab, whole ms)|ms|1||skiff ≤ Linux
net.nginx.short.errors|  the same: requests not completed, failed or not 2xx (per run; the facts list them)|count|1||0
net.nginx.keep.rps|keep-alive (ab -k): requests per second|req/s|1||
net.nginx.keep.p99|  the same: 99th percentile of the request time|ms|1||skiff ≤ Linux
net.nginx.keep.errors|  the same: requests not completed, failed or not 2xx|count|1||0
#Memory (smallest -m that still runs the program correctly, bisection)
mem.hello|static hello|MiB|1||skiff ≤ 4 MiB
mem.dynhello|dynamic hello|MiB|1||
mem.pyprint|python3 -c 'print(1)'|MiB|1||skiff < 0.5 × Linux
mem.sqlite|sqlite3 workload (Debian's sqlite3, 100,000 rows)|MiB|1||
#Size
size.kernel|kernel: skiff.elf / vmlinux (uncompressed ELF)|KiB|1024||
size.kernel_stripped|kernel stripped|KiB|1024||skiff < 512 KiB
size.kernel_compressed|Linux only: vmlinuz (bzImage)|KiB|1024|-|
size.iso|skiff only: bootable ISO (make iso: GRUB + kernel + demo initrd)|KiB|1024||
size.initrd.hello|initrd, static hello (uncompressed cpio)|KiB|1024||
size.initrd_gz.hello|Linux only: that initramfs gzip -9|KiB|1024|-|
size.image.hello|boot image for hello: stripped skiff.elf + initrd / vmlinuz + initramfs.gz|KiB|1024||
size.initrd.dynhello|initrd, dynamic hello (+ ld.so, libc, C.utf8 locale)|KiB|1024||
size.initrd.sqlite|initrd, sqlite3 workload|KiB|1024||
size.initrd.lua|initrd, lua workload|KiB|1024||
size.initrd.gzip|initrd, gzip workload (with its input)|KiB|1024||
size.initrd.python|initrd, python3 + the modules it imports|KiB|1024||
#Programs (Debian's dynamic binaries; wall time QEMU start → exit, boot included; "in guest" = Linux's own fork→wait time)
prog.sqlite|sqlite3: 100,000 inserts in a transaction + GROUP BY|ms|1||
prog.sqlite.inguest|  the same, Linux in guest (no boot)|ms|1|-|
prog.python|python3 -c 'pass'|ms|1||
prog.python.inguest|  the same, Linux in guest|ms|1|-|
prog.lua|lua5.4 numeric loop (3,000,000 iterations)|ms|1||
prog.lua.inguest|  the same, Linux in guest|ms|1|-|
prog.gzip|gzip -c of 20 MiB to /dev/null|ms|1||
prog.gzip.inguest|  the same, Linux in guest|ms|1|-|
EOF
}

fmt() { # fmt VALUE SCALE: number for the table
	awk -v v="$1" -v s="$2" 'BEGIN { x = v / s; if (x >= 100) printf "%.0f", x; else if (x >= 10) printf "%.1f", x; else printf "%.2f", x }'
}
stat_of() { awk -v k="$1" -v s="$2" '$1 == k && $2 == s { print; exit }' "$W/stats.txt"; }
cell() { # cell KEY SYSTEM SCALE: "median (min–max)" or ""
	line=$(stat_of "$1" "$2")
	[ -z "$line" ] && return
	set -- $line "$3"
	if [ "$6" -gt 1 ]; then
		echo "$(fmt "$3" "$7") ($(fmt "$4" "$7")–$(fmt "$5" "$7"))"
	else
		fmt "$3" "$7"
	fi
}
median() { stat_of "$1" "$2" | awk '{ print $3 }'; }
fact() { sed -n "s/^$1=//p" "$FACTS" | head -n 1; }
# what a cell without a figure says: the memory bisection's bound, or a note of run.sh ("ID SYSTEM TEXT")
mem_note() { cat "$W/mem.txt" "$W/notes.txt" 2>/dev/null | awk -v k="$1" -v s="$2" '$1 == k && $2 == s { sub(/^[^ ]* [^ ]* /, ""); print; exit }'; }

{
	echo "# skiff vs Linux: latest bench run"
	echo
	echo "Written by \`make bench\` (bench/run.sh); method and discussion in docs/performance.md."
	echo
	echo "| machine | |"
	echo "| --- | --- |"
	for f in date cpu cores host_mem_mb host loadavg_start host_load qemu accel cpu_model machine skiff_qemu_extra \
		guest_mem linux_kernel linux_cmdline linux_9p cli_live_rootfs programs net net_errors vdso_skiff vdso_linux kvm_skiff kvm_linux \
		skiff_commit skiff_elf_sha256 mode bench_seconds; do
		v=$(fact "$f")
		[ -n "$v" ] && echo "| $f | $v |"
	done
	section=
	rows | while IFS='|' read -r id label unit scale nofig target; do
		case $id in
		'#'*)
			echo
			echo "## ${id#\#}"
			echo
			echo "| figure | unit | skiff | Linux | skiff/Linux | target |"
			echo "| --- | --- | --- | --- | --- | --- |"
			continue ;;
		esac
		s=$(cell "$id" skiff "$scale")
		l=$(cell "$id" linux "$scale")
		[ -z "$s" ] && [ -z "$l" ] && [ -z "$(mem_note "$id" skiff)$(mem_note "$id" linux)" ] && continue
		if [ -z "$s" ]; then
			case $nofig in
			-) s="—" ;;
			*) s=$(mem_note "$id" skiff); s=${s:-"failed"} ;;
			esac
		fi
		[ -z "$l" ] && { l=$(mem_note "$id" linux); l=${l:-"—"}; }
		ms=$(median "$id" skiff)
		ml=$(median "$id" linux)
		r="—"
		[ -n "$ms" ] && [ -n "$ml" ] && r=$(awk -v a="$ms" -v b="$ml" 'BEGIN { if (b > 0) printf "%.3f", a / b }')
		echo "| $label | $unit | $s | $l | $r | $target |"
	done
	echo
	echo "## QEMU's floor (a 50-byte multiboot stub that writes one byte to COM1 and then to isa-debug-exit)"
	echo
	echo "| firmware / machine | start → first output (ms) | start → exit (ms) |"
	echo "| --- | --- | --- |"
	echo "| -M pc, SeaBIOS (the main rows' firmware) | $(cell boot.floor.pc.first floor 1) | $(cell boot.floor.pc.exit floor 1) |"
	q=$(cell boot.floor.qboot.exit floor 1)
	[ -n "$q" ] && echo "| -M pc -bios qboot.rom (tools/skiff run's default) | | $q |"
	q=$(cell boot.floor.microvm.exit floor 1)
	[ -n "$q" ] && echo "| -M microvm (qboot) | | $q |"
	echo
	echo "## skiff's boot phases (/proc/skiff/boot_phases: µs per init step, read by bootinfo, tools/skiff's QEMU line)"
	echo
	echo "| step | µs: median (min–max) | share of the median total |"
	echo "| --- | --- | --- |"
	tot=$(median phase.total skiff)
	awk '$1 ~ /^phase\./ && $2 == "skiff" { print $1 }' "$RAW" | awk '!seen[$0]++' | while read -r id; do
		[ "$id" = phase.total ] && continue
		m=$(median "$id" skiff)
		share=$(awk -v a="$m" -v b="${tot:-0}" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b }')
		echo "| ${id#phase.} | $(cell "$id" skiff 1) | $share |"
	done
	[ -n "$tot" ] && echo "| total (= /proc/skiff/boot_us) | $(cell phase.total skiff 1) | |"
	echo
	echo "Cells: median (min–max) over the runs; ratio = skiff median / Linux median."
} >"$OUT/latest.md"

# JSON: machine facts, then every stat
{
	echo "{"
	echo '  "machine": {'
	awk -F= 'NF >= 2 { k = $1; sub(/^[^=]*=/, ""); gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "%s    \"%s\": \"%s\"", (n++ ? ",\n" : ""), k, $0 } END { print "" }' "$FACTS"
	echo '  },'
	echo '  "figures": ['
	awk '{ printf "%s    {\"id\": \"%s\", \"system\": \"%s\", \"median\": %s, \"min\": %s, \"max\": %s, \"n\": %d}", (n++ ? ",\n" : ""), $1, $2, $3, $4, $5, $6 } END { print "" }' "$W/stats.txt"
	echo '  ],'
	echo '  "memory_notes": ['
	awk '{ printf "%s    \"%s\"", (n++ ? ",\n" : ""), $0 } END { print "" }' "$W/mem.txt" 2>/dev/null
	echo '  ],'
	echo '  "notes": ['
	awk '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "%s    \"%s\"", (n++ ? ",\n" : ""), $0 } END { print "" }' "$W/notes.txt" 2>/dev/null
	echo '  ],'
	echo "  \"units\": {\"boot\": \"ms\", \"sys\": \"ns\", \"vol\": \"ns\", \"cli\": \"ms\", \"p9\": \"ms\", \"mem\": \"MiB\", \"size\": \"bytes\", \"prog\": \"ms\"}"
	echo "}"
} >"$OUT/latest.json"
