#!/bin/sh
# bench/extract-vmlinux.sh BZIMAGE OUT — write the uncompressed ELF vmlinux held in a bzImage (for QEMU's PVH
# entry). Tries every xz, zstd and gzip stream start in the image until one decompresses to an ELF file.
set -u
in=$1
out=$2
tmp=$out.tmp
try() { # try OFFSET DECOMPRESSOR...
	off=$1
	shift
	tail -c +"$((off + 1))" -- "$in" | "$@" >"$tmp" 2>/dev/null
	[ "$(head -c 4 -- "$tmp" | od -An -c | tr -d ' ')" = "177ELF" ]
}
for kind in xz zstd gzip; do
	case $kind in
	xz) magic=$(printf '\3757zXZ') ; cmd="xz -dc" ;;
	zstd) magic=$(printf '\050\265\057\375') ; cmd="zstd -dc" ;;
	gzip) magic=$(printf '\037\213\010') ; cmd="gzip -dc" ;;
	esac
	command -v "${cmd%% *}" >/dev/null 2>&1 || continue
	for off in $(LC_ALL=C grep -abo -- "$magic" "$in" 2>/dev/null | cut -d: -f1); do
		# shellcheck disable=SC2086
		if try "$off" $cmd; then
			mv -- "$tmp" "$out"
			exit 0
		fi
	done
done
rm -f -- "$tmp"
echo "extract-vmlinux: no compressed ELF found in $in" >&2
exit 1
