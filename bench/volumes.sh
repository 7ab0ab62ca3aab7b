# bench/volumes.sh — issue 10's rows of `make bench`, sourced by bench/run.sh (uses its variables and helpers):
# files on a 9P volume, and whole `tools/skiff run` times with the root packed or shared live over 9P. The Linux
# guest gets the very same 9P share: the same QEMU device (-fsdev local,security_model=none + virtio-9p-pci) on
# the same host directory, mounted by `mount -t 9p -o trans=virtio,version=9p2000.L` from its initramfs.
#
# Debian's kernel has 9P as modules (CONFIG_9P_FS=m, CONFIG_NET_9P_VIRTIO=m, CONFIG_VIRTIO_PCI=m): the Linux
# initrd of these rows carries them, taken from /lib/modules of the kernel /vmlinuz is, in the load order
# modules.dep gives, and /p9run loads them with busybox insmod before mounting. Their load time is part of the
# Linux whole-run figures (printed by /p9run as setup_ms, kept as the row p9.setup).

P9_LINUX_OPTS=cache=none # Linux's default for 9P, said out loud: every read goes to the host, as in skiff

# The kernel release of /vmlinuz (Debian: /vmlinuz -> boot/vmlinuz-RELEASE) and its modules.
LKVER=$(basename "$(readlink -f /vmlinuz)")
LKVER=${LKVER#vmlinuz-}
LMODS=/lib/modules/$LKVER

# p9_modules [MODULE...]: the modules 9P needs on Debian's kernel (virtio_pci, 9pnet_virtio, 9p; or the MODULEs
# given, e.g. virtio_net for bench/net.sh) and what modules.dep says they depend on, one path relative to $LMODS a
# line, each after what it needs. A module built into the kernel (modules.builtin) is left out. Fails with a
# reason on stderr when one is nowhere.
p9_modules() {
	[ -r "$LMODS/modules.dep" ] || { echo "no $LMODS/modules.dep (kernel $LKVER)" >&2; return 1; }
	for pm_t in ${*:-virtio_pci 9pnet_virtio 9p}; do
		if pm_line=$(grep "/$pm_t\.ko[.a-z]*:" "$LMODS/modules.dep"); then
			# modules.dep lists the dependencies nearest first: the last one is loaded first
			for pm_d in ${pm_line#*:}; do echo "$pm_d"; done | awk '{ l[NR] = $0 } END { for (i = NR; i > 0; i--) print l[i] }'
			echo "${pm_line%%:*}"
		elif ! grep -q "/$pm_t\.ko\$" "$LMODS/modules.builtin" 2>/dev/null; then
			echo "module $pm_t not in $LMODS" >&2
			return 1
		fi
	done | awk '!seen[$0]++'
}

# linux_mods DIR LIST [MODULE...]: p9_modules' modules (uncompressed) into DIR/lib/modules, their load order in
# DIR/LIST, for busybox insmod
linux_mods() {
	lm_d=$1 lm_f=$2
	shift 2
	lm_list=$(p9_modules "$@") || return 1
	mkdir -p "$lm_d/lib/modules"
	: >"$lm_d/$lm_f"
	for lm_m in $lm_list; do
		lm_n=$(basename "$lm_m")
		case $lm_n in
		*.ko) cp "$LMODS/$lm_m" "$lm_d/lib/modules/$lm_n" ;;
		*.ko.xz) lm_n=${lm_n%.xz}; xz -dc "$LMODS/$lm_m" >"$lm_d/lib/modules/$lm_n" ;;
		*) echo "$lm_m: a compression busybox insmod may not read" >&2; return 1 ;;
		esac || return 1
		echo "$lm_n" >>"$lm_d/$lm_f"
	done
}

# linux_p9_tree NAME: linux_tree plus the 9P modules (/lib/modules/*.ko, uncompressed), their load order in
# /p9mods, the /p9run script and filebench. Fails (reason on stderr) when the kernel's modules are not there.
linux_p9_tree() {
	lp_d=$(linux_tree "$1") || return 1
	linux_mods "$lp_d" p9mods || return 1
	cat >"$lp_d/p9run" <<'EOF'
#!/bin/sh
# /p9run TAG DIR OPTS PROGRAM [ARGS...] (run by linit): load the 9P modules listed in /p9mods, mount the 9P share
# TAG at DIR (mount -t 9p -o trans=virtio,version=9p2000.L,OPTS), print how long that took, run PROGRAM.
read -r t0 rest </proc/uptime
for m in $(cat /p9mods); do
	insmod "/lib/modules/$m" || { echo "p9run: insmod $m failed"; exit 120; }
done
mkdir -p "$2"
mount -t 9p -o "trans=virtio,version=9p2000.L,$3" "$1" "$2" || { echo "p9run: mount $1 failed"; exit 121; }
read -r t1 rest </proc/uptime
echo "p9run: setup_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')"
shift 3
exec "$@"
EOF
	chmod +x "$lp_d/p9run"
	cp "$BIN/filebench" "$lp_d/filebench"
	echo "$lp_d"
}

# the QEMU devices of one 9P share: p9_dev ID DIR [,readonly=on] — what tools/skiff passes for -v and --rootfs
p9_dev() {
	echo "-fsdev local,id=$1,path=$2,security_model=none,multidevs=remap${3:-} -device virtio-9p-pci,fsdev=$1,mount_tag=$1"
}

P9_LINUX=ok # or the reason the Linux side is n/a
build_p9_initrds() {
	data_file "$W/vol" # /vol/bench/data64k in both guests: the host directory $W/vol
	if d=$(linux_p9_tree p9 2>"$W/log/p9-tree.err"); then
		pack "$d" linux-p9
	else
		P9_LINUX="n/a (the Linux guest's 9P modules: $(head -n 1 "$W/log/p9-tree.err"))"
	fi
	echo "linux_9p=$P9_LINUX; modules: $(tr '\n' ' ' <"$W/root/linux-p9/p9mods" 2>/dev/null); mount options trans=virtio,version=9p2000.L,$P9_LINUX_OPTS" >>"$W/facts.txt"
}

# p9_na ID: the Linux cell of row ID says why there is no figure
p9_na() { [ "$P9_LINUX" = ok ] || echo "$1 linux $P9_LINUX" >>"$W/notes.txt"; }

# A file on a 9P volume: filebench in skiff (tools/skiff run -v, the snapshot kernel) and in Linux (mount -t 9p)
step_vol() {
	ok_s=1 ok_l=1
	[ "$P9_LINUX" = ok ] || ok_l=skip
	for i in $(seq "$SYS_REPS"); do
		if tools/skiff run --kernel "$KERNEL" --mem "$MEM" --accel "$ACCEL" -v "$W/vol:/vol" \
			"$(pwd)/$BIN/filebench" /vol/bench/data64k "$VOL_SCALE" "$SYS_INNER" >"$W/log/vol-skiff-$i.out" \
			2>"$W/log/vol-skiff-$i.err" && grep -q '^filebench done' "$W/log/vol-skiff-$i.out"; then
			ok_s=0
			awk '$1 == "file" { print "vol." $2, "skiff", $3 }' "$W/log/vol-skiff-$i.out" >>"$RAW"
		fi
		[ "$ok_l" = skip ] && continue
		# shellcheck disable=SC2046
		if linux_vm "vol-linux-$i" "filebench done" 600 "$MEM" "$W/initrd/linux-p9.cpio" \
			"rdinit=/linit -- /bin/sh /p9run vol /vol $P9_LINUX_OPTS /filebench /vol/bench/data64k $VOL_SCALE $SYS_INNER" \
			$(p9_dev vol "$W/vol"); then
			ok_l=0
			awk '$1 == "file" { print "vol." $2, "linux", $3 }' "$W/log/vol-linux-$i.out" >>"$RAW"
		fi
	done
	p9_na vol.pread_4k
	p9_na vol.open_close
	check $ok_s "skiff: filebench on a 9P volume (-v)"
	if [ "$ok_l" = skip ]; then
		check 0 "Linux: filebench on a 9P volume # SKIP $P9_LINUX"
	else
		check $ok_l "Linux: filebench on a 9P volume (mount -t 9p)"
	fi
}

# cli_time ID ARGS...: one whole `tools/skiff run ARGS` (the snapshot kernel, the bench's own image cache), its
# wall time as sample ID skiff when it exits 0 (no sample for an ID ending in .prime)
cli_time() {
	ct_id=$1
	shift
	ct_0=$(date +%s%N)
	SKIFF_CACHE_DIR=$W/cache tools/skiff run --kernel "$KERNEL" --mem "$MEM" --accel "$ACCEL" "$@" \
		>"$W/log/$ct_id.out" 2>"$W/log/$ct_id.err" || return 1
	ct_1=$(date +%s%N)
	[ "${ct_id%.prime}" = "$ct_id" ] && sample "$ct_id" skiff "$(us2ms $(((ct_1 - ct_0) / 1000)))"
	:
}
# linux_root_time ID PROGRAM [ARGS...]: Linux with the host's / as a read-only 9P share (the same device as
# tools/skiff's live --rootfs /, qboot as tools/skiff), chroot into it, run PROGRAM: QEMU start -> exit
linux_root_time() {
	lr_id=$1
	shift
	[ "$P9_LINUX" = ok ] || return 1
	# shellcheck disable=SC2046
	linux_vm "$lr_id-linux" "" 600 "$MEM" "$W/initrd/linux-p9.cpio" \
		"rdinit=/linit -- /bin/sh /p9run root /mnt ro,$P9_LINUX_OPTS /bin/busybox chroot /mnt $*" \
		-bios qboot.rom $(p9_dev root / ,readonly=on) &&
		grep -q 'linit: .*status=0' "$W/log/$lr_id-linux.out" || return 1
	sample "$lr_id" linux "$(us2ms "$T_EXIT")"
	sample "$lr_id.inguest" linux "$(us2ms "$(linux_run_us "$lr_id-linux")")"
	s=$(sed -n 's/.*p9run: setup_ms=\([0-9]*\).*/\1/p' "$W/log/$lr_id-linux.out" | head -n 1)
	[ -n "$s" ] && sample p9.setup linux "$s"
	:
}

# Whole `tools/skiff run` times: the root packed (cached image, as a second run gets it; and --no-cache) and the
# host's / shared live (SKIFF_LIVE_ROOTFS=1 --rootfs /, while the live root is not yet tools/skiff's default)
step_cli() {
	fail=""
	live_ok=1
	for w in python ffmpeg; do
		# ffmpeg's packed root (235 MiB) needs --mem 273M or more (tools/skiff says so): the packed rows get
		# a later --mem (the last one counts); the live rows (skiff and Linux) keep MEM: the root stays on the host
		pm=$MEM
		case $w in
		python) set -- /usr/bin/python3 -c pass ;;
		ffmpeg) set -- /usr/bin/ffmpeg -version; pm=${BENCH_FFMPEG_MEM:-512M} ;;
		esac
		if [ ! -x "$1" ]; then
			echo "cli.$w.packed skiff skipped: $1 not installed" >>"$W/notes.txt"
			continue
		fi
		cli_time "cli.$w.prime" --mem "$pm" "$@" || fail="$fail $w-packed" # fills the cache: not a sample
		for i in $(seq "$PROG_REPS"); do
			cli_time "cli.$w.packed" --mem "$pm" "$@" || fail="$fail $w-packed"
			cli_time "cli.$w.nocache" --mem "$pm" --no-cache "$@" || fail="$fail $w-nocache"
			if SKIFF_LIVE_ROOTFS=1 cli_time "cli.$w.live" --rootfs / "$@"; then
				live_ok=0
			else
				fail="$fail $w-live"
			fi
			linux_root_time "cli.$w.live" "$@" || { [ "$P9_LINUX" = ok ] && fail="$fail linux-$w-live"; }
		done
		p9_na "cli.$w.live"
	done
	[ "$live_ok" = 0 ] || echo "cli_live_rootfs=pending: SKIFF_LIVE_ROOTFS=1 tools/skiff run --rootfs / failed here (logs $W/log/cli.*.live.err)" >>"$W/facts.txt"
	[ -z "$fail" ]
	check $? "tools/skiff run: python3 -c pass, ffmpeg -version; packed and live root (failed:${fail:- none})"
}
