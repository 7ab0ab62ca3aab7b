# bench/pack.sh — sourced by bench/run.sh: issue 13's packing rows. tools/skiff packs a root with build/skiff-pack
# (tools/pack); the figures are the dependency walk, the image writer, and the whole CLI up to QEMU's start
# (test/cli/fake-qemu.sh stands in for QEMU, the image it is handed goes to /dev/null), with --no-cache, for
# ffmpeg's root (about 215 libraries, 246 MB; skipped when ffmpeg is not installed, as on CI) — and once the
# same with the shell packer tools/skiff had before tools/pack (readelf, find, cpio), taken from git. The smoke
# run packs python3 instead, new path only.

# pack_ms ID COMMAND...: COMMAND's wall time as sample ID skiff (ms); false when it fails
pack_ms() {
	pm_id=$1
	shift
	pm_0=$(date +%s%N)
	"$@" >"$W/log/$pm_id.out" 2>"$W/log/$pm_id.err" || return 1
	pm_1=$(date +%s%N)
	sample "$pm_id" skiff "$(us2ms $(((pm_1 - pm_0) / 1000)))"
}

# pack_cli SKIFF ARGS...: `SKIFF run --no-cache ARGS` against the fake QEMU (what the CLI does before QEMU)
pack_cli() {
	pc_s=$1
	shift
	SKIFF_QEMU=$PWD/test/cli/fake-qemu.sh FAKE_QEMU_LOG=$W/log/pack.qemu.args FAKE_QEMU_IMAGE=/dev/null \
		SKIFF_CACHE_DIR=$W/cache sh "$pc_s" run --no-cache --kernel "$KERNEL" "$@"
}

step_pack() {
	sp_fail=
	if [ "$MODE" = smoke ]; then
		set -- python3 /usr/bin/python3 -c pass
	else
		set -- ffmpeg /usr/bin/ffmpeg -version
	fi
	sp_w=$1
	shift
	if [ ! -x "$1" ]; then
		for sp_id in deps write rate cli cli.old; do
			echo "pack.$sp_w.$sp_id skiff skipped: $1 not installed" >>"$W/notes.txt"
		done
		check 0 "packing: $1 not installed, skipped"
		return
	fi
	for _ in $(seq "$PROG_REPS"); do
		rm -f "$W/pack.plan" "$W/pack.cpio"
		pack_ms "pack.$sp_w.deps" build/skiff-pack deps "$W/pack.plan" --main "$1" || sp_fail="$sp_fail deps"
		pack_ms "pack.$sp_w.write" build/skiff-pack pack "$W/pack.plan" "$W" "$W/pack.cpio" || sp_fail="$sp_fail write"
		sp_ms=$(grep "^pack.$sp_w.write " "$RAW" | tail -n 1 | cut -d' ' -f3)
		[ -s "$W/pack.cpio" ] && sample "pack.$sp_w.rate" skiff \
			"$(awk -v b="$(wc -c <"$W/pack.cpio")" -v ms="$sp_ms" 'BEGIN { printf "%.0f", b / 1e6 / (ms / 1000) }')"
		pack_ms "pack.$sp_w.cli" pack_cli tools/skiff "$@" || sp_fail="$sp_fail cli"
	done
	rm -f "$W/pack.cpio"
	# the shell packer, once (it takes minutes): the tools/skiff of the commit before the one that brought skiff-pack
	if [ "$MODE" = full ]; then
		sp_c=$(git log --format=%H --reverse -S'skiff-pack' -- tools/skiff 2>/dev/null | head -n 1)
		if [ -n "$sp_c" ] && git show "$sp_c^:tools/skiff" >"$W/skiff-old" 2>/dev/null; then
			pack_ms "pack.$sp_w.cli.old" pack_cli "$W/skiff-old" "$@" || sp_fail="$sp_fail cli-old"
		else
			echo "pack.$sp_w.cli.old skiff no git history here" >>"$W/notes.txt"
		fi
	fi
	[ -z "$sp_fail" ]
	check $? "packing $sp_w's root: dependency walk, image writer, whole CLI --no-cache (failed:${sp_fail:- none})"
}
