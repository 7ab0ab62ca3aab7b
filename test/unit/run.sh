#!/bin/sh
# test/unit/run.sh — runs the host-built unit tests; prints their TAP and one line `N passed, N failed`.
set -u
B=${BUILD:-build}
pass=0
fail=0
run() {
    out=$("$@" 2>&1)
    status=$?
    printf '%s\n' "$out" | grep -v -E '^[0-9]+ passed, [0-9]+ failed'
    p=$(printf '%s\n' "$out" | grep -c '^ok ')
    f=$(printf '%s\n' "$out" | grep -c '^not ok ')
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $1 exited with status $status"
        f=1
    fi
    pass=$((pass + p))
    fail=$((fail + f))
}
echo "# unit: ELF validation"
run "$B/unit/test_elf" "$B/progs/hello" "$B/progs/argv_env-glibc"
echo "# unit: cpio"
run "$B/unit/test_cpio"
echo "# unit: ramfs and path lookup"
run "$B/unit/test_namei"
echo "# unit: network (Ethernet, ARP, IPv4, ICMP, UDP; fuzzed frames)"
run "$B/unit/test_net"
echo "# unit: TCP against a fake IP layer"
run "$B/unit/test_tcp"
echo "# unit: 9P2000.L messages (good, damaged and random replies)"
run "$B/unit/test_p9"
echo "# unit: virtio_mmio.device= words (microvm's devices)"
run "$B/unit/test_vmmio"
echo "# unit: an address space's areas (list, AVL tree, free gaps) against a model"
run "$B/unit/test_vmtree"
echo "# unit: the PIT's port writes against a model of the chip (no fast periodic window)"
run "$B/unit/test_pit"
echo "# unit: the TSC's rate against the PIT, with the reader away for up to a second (a vCPU without a host core)"
run "$B/unit/test_tsccal"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
