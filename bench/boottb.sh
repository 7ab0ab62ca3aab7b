#!/bin/sh
# bench/boottb.sh [-k KERNEL] [PROGRAM [ARGS...]] — one boot of PROGRAM (default: the static bootinfo) through
# tools/skiff run with QEMU's `-d in_asm` log on, then bench/boottb.py: the guest instructions TCG translated in
# each init step of kmain (under TCG they, not the work done, are most of the in-guest boot; docs/performance.md).
set -eu
cd "$(dirname "$0")/.."
kernel=build/skiff.elf
if [ "${1:-}" = -k ]; then
	kernel=$2
	shift 2
fi
[ $# -gt 0 ] || set -- build/bench/bin/bootinfo
if [ "$1" = build/bench/bin/bootinfo ] && [ ! -x "$1" ]; then
	mkdir -p build/bench/bin
	gcc -static -O2 -o "$1" bench/src/bootinfo.c
fi
log=$(mktemp /tmp/boottb-log.XXXXXX)
wrap=$(mktemp /tmp/boottb-qemu.XXXXXX)
trap 'rm -f "$log" "$wrap"' EXIT
printf '#!/bin/sh\nexec qemu-system-x86_64 "$@" -d in_asm -D %s\n' "$log" >"$wrap"
chmod +x "$wrap"
SKIFF_QEMU=$wrap tools/skiff run --kernel "$kernel" "$@" >/dev/null </dev/null
python3 bench/boottb.py "$kernel" "$log"
