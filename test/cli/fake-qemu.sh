#!/bin/sh
# test/cli/fake-qemu.sh: stands in for qemu-system-x86_64 (SKIFF_QEMU) so a test can see exactly what
# tools/skiff would boot, without booting: writes its arguments, one per line, to $FAKE_QEMU_LOG, copies the
# -initrd archive (or the -cdrom image) to $FAKE_QEMU_IMAGE, and answers `exit 0` on the control port (the
# chardev with id s4) as the kernel would when the program exits with status 0.
set -u
: >"$FAKE_QEMU_LOG"
prev=
for a in "$@"; do
	printf '%s\n' "$a" >>"$FAKE_QEMU_LOG"
	case $prev in
	-initrd | -cdrom) cp -- "$a" "$FAKE_QEMU_IMAGE" || exit 1 ;;
	-chardev)
		case $a in
		file,id=s4,path=*) printf 'exit 0\n' >"${a#file,id=s4,path=}" ;;
		esac
		;;
	esac
	prev=$a
done
exit 0
