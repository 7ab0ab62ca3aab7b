#!/usr/bin/env python3
# bench/boottb.py KERNEL LOG — where a TCG boot's time goes: QEMU's `-d in_asm` log (every translation block,
# as TCG first meets it) of one boot, attributed to kmain's init steps. Under TCG the in-guest boot is mostly
# translation, about 1 µs per guest instruction translated on this host (a second call of the same klog costs
# 1/30 of the first), so the instructions translated per step say what a step costs better than what it does.
# Prints one line per step: translation blocks, guest instructions translated, the functions most translated.
# bench/boottb.sh runs the boot and this.
import bisect
import collections
import subprocess
import sys

STEPS = ("serial_init cpu_init irq_init boot_parse mm_init clock_init timer_init smp_init ramfs_init "
         "initrd_unpack devfs_init procfs_init sysfs_init vdso_init virtio_mmio_init pci_init net_init "
         "console_init pty_init strace_init selftest smp_finish proc_start_init").split()


def symbols(elf):
    syms = []
    for line in subprocess.run(["nm", "-n", elf], capture_output=True, text=True, check=True).stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTwW":
            syms.append((int(f[0], 16), f[2]))
    return syms


def blocks(log):
    """(first guest address, instruction count) of each translation block, in the order TCG made them."""
    cur = None
    for line in open(log, errors="replace"):
        if line.startswith("IN:"):
            if cur and cur[0] is not None:
                yield cur
            cur = [None, 0]
        elif line.startswith("0x") and cur is not None:
            if cur[0] is None:
                cur[0] = int(line.split(":")[0], 16)
            cur[1] += 1
    if cur and cur[0] is not None:
        yield cur


def main():
    syms = symbols(sys.argv[1])
    addrs = [a for a, _ in syms]
    step, seen_user = "before kmain (firmware, boot.asm)", False
    insns, tbs = collections.Counter(), collections.Counter()
    funcs = collections.defaultdict(collections.Counter)
    order = []
    for pc, n in blocks(sys.argv[2]):
        if pc >= 0xFFFF800000000000:
            i = bisect.bisect_right(addrs, pc) - 1
            fn = syms[i][1] if i >= 0 else "?"
            if fn in STEPS and not seen_user:
                step = fn
        elif pc < 0x100000:
            fn = "firmware"
        elif pc < 0x7F0000000000 and step == "proc_start_init":
            fn, step, seen_user = "program", "the program (after boot)", True
        else:
            fn = "user" if seen_user else "boot.asm"
        if step not in insns:
            order.append(step)
        insns[step] += n
        tbs[step] += 1
        funcs[step][fn] += n
    total = sum(insns[s] for s in order if s != "the program (after boot)") - sum(
        c["firmware"] for c in funcs.values())  # boot_us starts at the kernel's entry
    print(f"{'step':34} {'TBs':>5} {'insns':>6}  most translated")
    for s in order:
        top = ", ".join(f"{f} {c}" for f, c in funcs[s].most_common(5))
        print(f"{s:34} {tbs[s]:5} {insns[s]:6}  {top}")
    print(f"{'kernel total (entry to the program)':34} {'':5} {total:6}")


if __name__ == "__main__":
    main()
