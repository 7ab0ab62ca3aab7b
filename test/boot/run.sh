#!/bin/sh
# test/boot/run.sh: the quick boot suite, across QEMU machines and CPU models (issue 13). A few programs (a
# static hello, a dynamic one, stdin to stdout, processes and the clock, the network where there is a card)
# under -M microvm (virtio-mmio, no PCI), -M q35, and -M pc with -cpu qemu64, Haswell and EPYC under TCG:
# CPUs without what only -cpu max has (no rdrand or rdseed, no fsgsbase, no XSAVE on qemu64, no SMAP on
# Haswell), where skiff must fall back rather than fault. Then both boot entries (multiboot and PVH) on
# microvm and pc, and the GRUB ISO under q35.
#
# Prints TAP and ends with one line "N passed, N failed, N skipped"; exits non-zero if any test failed.
# Environment: SKIFF, SKIFF_KERNEL, SKIFF_TEST_BIN, BUSYBOX as for test/guest/run.sh; SKIFF_PVH_KERNEL, the
# PVH copy of the kernel (default build/skiff-pvh.elf, tools/mkpvh.sh).

set -u

top=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$top/test/lib/tap.sh"
. "$top/test/lib/guest.sh"

SKIFF=${SKIFF:-$top/tools/skiff}
BIN=${SKIFF_TEST_BIN:-$top/build/progs}
BUSYBOX=${BUSYBOX:-/bin/busybox}
PVH_KERNEL=${SKIFF_PVH_KERNEL:-$top/build/skiff-pvh.elf}
TIMEOUT=90

test_tmp boot

# machine and CPU model of each configuration (SKIFF_BOOT_CONFIGS: another list, for development)
CONFIGS=${SKIFF_BOOT_CONFIGS:-"microvm:max q35:max pc:qemu64 pc:Haswell pc:EPYC"}

# expect_out_is FILE: stdout is exactly the contents of FILE.
expect_out_is() {
	if ! cmp -s "$1" "$tmp/out"; then
		fail "stdout differs from the expected output"
		diff "$1" "$tmp/out" | head -n 20 | tap_diag
		return 1
	fi
}

# bk CONFIG ARGS...: sk (test/lib/guest.sh) on CONFIG's machine with its CPU model.
bk() {
	bk_m=${1%%:*} bk_c=${1#*:}
	shift
	SKIFF_CPU=$bk_c sk --machine "$bk_m" "$@"
}

t_static() {
	name="$1: static hello"
	bk "$1" "$BIN/hello" one two
	expect_status 0 && expect_out_has "Hello from skiff!" && expect_out_has 'argv[2] = "two"' && pass
}

t_dynamic() {
	name="$1: dynamic hello (glibc's ld.so and libc)"
	if ! file -L /bin/echo | grep -q "dynamically linked"; then
		skip "/bin/echo is not dynamically linked here"
		return
	fi
	bk "$1" /bin/echo dynamic hello
	printf 'dynamic hello\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

# 256 KiB of varied bytes through cat: more than the console's receive buffers hold, so stdin's flow
# control (interrupts, then buffers handed back) carries it.
t_stdio() {
	name="$1: 256 KiB from stdin to stdout through cat, intact"
	bk_m=${1%%:*} bk_c=${1#*:}
	[ -s "$tmp/in" ] || head -c 262144 /dev/urandom >"$tmp/in"
	SKIFF_CPU=$bk_c "$SKIFF" run --timeout "$TIMEOUT" --machine "$bk_m" "$BUSYBOX" cat <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
	st=$?
	expect_status 0 || return
	if ! cmp -s "$tmp/in" "$tmp/out"; then
		fail "stdout ($(wc -c <"$tmp/out") bytes) differs from stdin (262144 bytes)"
		return
	fi
	pass
}

# fork, exec and a pipe between two processes; the TSC's frequency the kernel measured against the PIT
# (cpu MHz): a few MHz means the PIT it read was not counting (microvm has no port 0x61 for channel 2).
t_procs() {
	name="$1: a pipeline of two processes, and a plausible TSC frequency"
	bk "$1" "$BUSYBOX" sh -c "echo abc | $BUSYBOX tr a-z A-Z; $BUSYBOX grep -m1 'cpu MHz' /proc/cpuinfo"
	expect_status 0 && expect_out_has ABC || return
	mhz=$(sed -n 's/^cpu MHz[[:space:]]*: \([0-9]*\).*/\1/p' "$tmp/out")
	if [ -z "$mhz" ] || [ "$mhz" -lt 200 ]; then
		fail "cpu MHz is '$mhz': the TSC was not calibrated"
		return
	fi
	pass
}

t_net() {
	name="$1: DHCP over virtio-net gives the guest 10.0.2.15"
	need_bin netprobe || return
	bk "$1" --net "$BIN/netprobe" addr
	expect_status 0 && expect_out_has "addr 10.0.2.15" && pass
}

need_bin() {
	if [ ! -x "$BIN/$1" ]; then
		: >"$tmp/out"
		: >"$tmp/err"
		fail "$BIN/$1 is missing (build the test programs first)"
		return 1
	fi
}

# The default image has both headers and QEMU boots it through multiboot: on microvm the virtio-mmio words
# are then not in the multiboot command line, and the kernel finds them in fw_cfg.
t_microvm_multiboot() {
	name="microvm, multiboot entry: the virtio-mmio console found through fw_cfg"
	sk --machine microvm --verbose "$BIN/hello"
	expect_status 0 && expect_out_has "Hello from skiff!" && expect_err_has "booted by multiboot" &&
		expect_err_has "virtio-console: stdin yes, stdout yes, stderr yes, signal yes, mmio IRQ" && pass
}

# PVH_KERNEL MACHINE: the PVH entry, with the command line and memory map from the start info.
t_pvh() {
	name="$1, PVH entry: boots and runs hello"
	if [ ! -f "$PVH_KERNEL" ]; then
		: >"$tmp/out"
		: >"$tmp/err"
		fail "$PVH_KERNEL is missing (make kernel)"
		return
	fi
	sk --machine "$1" --kernel "$PVH_KERNEL" --verbose "$BIN/hello" # the last --kernel counts
	expect_status 0 && expect_out_has "Hello from skiff!" && expect_err_has "booted by PVH" && pass
}

t_iso_q35() {
	name="q35: --iso boots through GRUB and runs busybox echo"
	if ! command -v grub-mkrescue >/dev/null 2>&1; then
		skip "grub-mkrescue is not installed"
		return
	fi
	sk --machine q35 --iso "$BUSYBOX" echo hello-from-q35-iso
	printf 'hello-from-q35-iso\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_machine_errors() {
	name="--machine: an unknown machine and --iso on microvm are refused (125)"
	sk --machine isa "$BIN/hello"
	expect_status 125 && expect_err_has "--machine: pc, q35 or microvm" || return
	sk --machine microvm --iso "$BIN/hello"
	expect_status 125 && expect_err_has "microvm cannot boot a CD" && pass
}

main() {
	n=0
	for c in $CONFIGS; do
		n=$((n + 4))
		case $c in microvm:* | q35:*) n=$((n + 1)) ;; esac
	done
	tap_plan $((n + 5))
	for c in $CONFIGS; do
		t_static "$c"
		t_dynamic "$c"
		t_stdio "$c"
		t_procs "$c"
		case $c in microvm:* | q35:*) t_net "$c" ;; esac
	done
	t_microvm_multiboot
	t_pvh microvm
	t_pvh pc
	t_iso_q35
	t_machine_errors
	tap_done
}

main
