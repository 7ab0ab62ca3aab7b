#!/bin/sh
# tools/mkiso.sh KERNEL INITRD OUT [CMDLINE] — a BIOS-bootable GRUB ISO (grub-mkrescue) that boots KERNEL through
# GRUB's multiboot loader with INITRD as its module, at once (no menu). GRUB itself stays off the serial
# lines: COM1 is the program's stdout.
set -eu
kernel=$1
initrd=$2
out=$3
cmdline=${4:-}
dir=$(mktemp -d)
log=$(mktemp) # outside $dir: grub-mkrescue packs all of $dir, and a growing log in it fails the build
trap 'rm -rf "$dir" "$log"' EXIT INT TERM
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/skiff.elf"
cp "$initrd" "$dir/boot/initrd.cpio"
cat > "$dir/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
menuentry "skiff" {
    multiboot /boot/skiff.elf $cmdline
    module /boot/initrd.cpio
    boot
}
CFG
if ! grub-mkrescue -o "$out" "$dir" >"$log" 2>&1; then
    cat "$log" >&2
    echo "mkiso: grub-mkrescue failed" >&2
    exit 1
fi
