#!/bin/sh
# bench/bootphases.sh [-n RUNS] [-k KERNEL]... [-a SKIFF-ARG]... [MACHINE...] — skiff's in-guest boot, phase
# by phase, per QEMU machine (pc, q35, microvm; default pc and microvm) and per kernel image: RUNS boots each
# (default 11) of the static bootinfo program through `tools/skiff run --machine M`, interleaved so that a
# busy host slows every column alike, and one table of medians in µs (/proc/skiff/boot_phases; "total" is
# /proc/skiff/boot_us, the kernel's first instruction to the program's first). Several -k compare kernels
# (e.g. before and after a change) in the same run; -a passes an option to tools/skiff run (e.g.
# -a --firmware=seabios).
set -eu
cd "$(dirname "$0")/.."
runs=11
kernels=
args=
while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=$2; shift 2 ;;
	-k) kernels="$kernels $2"; shift 2 ;;
	-a) args="$args $2"; shift 2 ;;
	-*) echo "usage: $0 [-n RUNS] [-k KERNEL]... [-a SKIFF-ARG]... [MACHINE...]" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || set -- pc microvm
[ -n "$kernels" ] || kernels=build/skiff.elf
bin=build/bench/bin/bootinfo
if [ ! -x "$bin" ] || [ bench/src/bootinfo.c -nt "$bin" ]; then
	mkdir -p build/bench/bin
	gcc -static -O2 -o "$bin" bench/src/bootinfo.c
fi
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
i=0
while [ "$i" -lt "$runs" ]; do
	for k in $kernels; do
		for m in "$@"; do
			col="$m:$(basename "$k")"
			# shellcheck disable=SC2086 # args: words
			tools/skiff run --timeout 60 --machine "$m" --kernel "$k" $args "$bin" </dev/null 2>/dev/null |
				awk -v c="$col" '$1 == "bootphase" { print c, $2, $3 }' >>"$raw" || true
		done
	done
	i=$((i + 1))
done
# one row per phase (in boot order), one column per machine:kernel
awk '
	!($1 in seen_col) { seen_col[$1] = 1; cols[++ncol] = $1 }
	!($2 in seen_row) { seen_row[$2] = 1; rows[++nrow] = $2 }
	{ n = ++cnt[$1, $2]; val[$1, $2, n] = $3 }
	function median(c, r,    n, i, j, t, a) {
		n = cnt[c, r]
		if (!n) return "-"
		for (i = 1; i <= n; i++) a[i] = val[c, r, i]
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : int((a[n / 2] + a[n / 2 + 1]) / 2)
	}
	END {
		printf "| phase (median µs) |"
		for (c = 1; c <= ncol; c++) printf " %s |", cols[c]
		printf "\n| --- |"
		for (c = 1; c <= ncol; c++) printf " ---: |"
		printf "\n"
		for (r = 1; r <= nrow; r++) {
			printf "| %s |", rows[r]
			for (c = 1; c <= ncol; c++) printf " %s |", median(cols[c], rows[r])
			printf "\n"
		}
		printf "| boots |"
		for (c = 1; c <= ncol; c++) printf " %d |", cnt[cols[c], "total"]
		printf "\n"
	}' "$raw"
