#!/bin/sh
# tools/mkpvh.sh IN OUT — OUT is the kernel image IN with its multiboot header switched off (its magic
# zeroed), nothing else changed. QEMU's -kernel boots a file with a multiboot header in its first 8 KiB
# through multiboot even when it also has a PVH note, so this copy is how the PVH entry (boot/boot.asm,
# kernel/boot_pvh.c) gets booted: test/boot/run.sh runs it. GRUB needs IN.
set -eu
in=$1
out=$2
# the file offset of the .boot section, where the multiboot header starts (linker.ld)
off=$(readelf -SW "$in" | sed -n 's/^ *\[ *[0-9]*\] \.boot  *PROGBITS  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')
[ -n "$off" ] || { echo "mkpvh: $in: no .boot section" >&2; exit 1; }
magic=$(od -An -tx4 -j $((0x$off)) -N4 "$in" | tr -d ' ')
[ "$magic" = 1badb002 ] || { echo "mkpvh: $in: no multiboot magic at 0x$off (found $magic)" >&2; exit 1; }
readelf -nW "$in" | grep -q '^ *Xen ' || { echo "mkpvh: $in: no PVH entry note" >&2; exit 1; }
cp -- "$in" "$out.tmp"
printf '\000\000\000\000' | dd of="$out.tmp" bs=1 seek=$((0x$off)) conv=notrunc 2>/dev/null
mv -f -- "$out.tmp" "$out"
