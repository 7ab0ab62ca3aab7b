#!/bin/sh
# test/elf/run.sh — ELF mutants (issue 15): build/elf/elfmut makes ~250 broken copies of a static, a
# static-PIE, a musl static-PIE and a dynamic program (overlapping and reordered PT_LOADs, odd p_align, huge
# p_memsz, truncated files, garbage PT_INTERP, bad header fields...) and runs each, natively and then under
# skiff (one boot runs them all). Every mutant must end as it does on Linux: the same execve errno, exit
# status or signal; and the guest must never die of a kernel panic (status 125).
# Prints TAP and ends with "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$top/test/lib/tap.sh"
. "$top/test/lib/guest.sh"
cd "$top" || exit 2
SKIFF=${SKIFF:-tools/skiff}
OUT=$top/build/elf
test_tmp elf

for b in elfmut static pie musl dyn; do
	if [ ! -x "$OUT/$b" ]; then
		echo "not ok - $OUT/$b is missing (make elf-bin)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
progs="$OUT/static $OUT/pie $OUT/musl $OUT/dyn"

# natively first; the lines name mutants by program and mutation, not by where they were written
(cd "$tmp" && exec env -i PATH=/usr/bin:/bin "$OUT/elfmut" "$tmp/m" $progs) >"$tmp/native" 2>"$tmp/native.err"
nrc=$?
# shellcheck disable=SC2086
[ -n "${SKIFF_KERNEL:-}" ] && set -- --kernel "$SKIFF_KERNEL"
"$SKIFF" run "$@" --timeout 1200 --add "$OUT" "$OUT/elfmut" /tmp/m $progs </dev/null >"$tmp/skiff" 2>"$tmp/skiff.err"
src=$?

if [ "$nrc" -ne 0 ] || [ ! -s "$tmp/native" ]; then
	tap_not_ok "elfmut natively" "exited with $nrc"
	tap_diag <"$tmp/native.err"
fi
if [ "$src" -eq 0 ]; then tap_ok "elfmut under skiff exits 0"; else tap_not_ok "elfmut under skiff exits 0" "status $src (125: a kernel panic)"; fi
[ "$src" -eq 0 ] || tail -n 20 "$tmp/skiff.err" | tap_diag
while read -r name native; do
	got=$(grep -F -- "$name " "$tmp/skiff" | head -n 1 | cut -d' ' -f2-)
	if [ "$got" = "$native" ]; then
		tap_ok "$name: $native, as on Linux"
	else
		tap_not_ok "$name" "$native on Linux, ${got:-nothing} under skiff"
	fi
done <"$tmp/native"
tap_done
