/* kernel/main.c — kmain: the boot sequence, one init call per step. Entered from boot/boot.asm on the boot
 * stack with the multiboot magic (or PVH's), the physical address of the multiboot information (or of
 * the PVH start info) and the TSC read by the entry's first instructions. */
#include "kernel.h"
#include "boot.h"
#include "mm.h"
#include "proc.h"
#include "../arch/x86_64/arch.h"
#include "../arch/x86_64/smp.h"
#include "../drivers/serial.h"
#include "../drivers/console.h"
#include "../drivers/pty.h"
#include "../drivers/pci.h"
#include "../drivers/virtio.h"
#include "../fs/vfs.h"
#include "../net/net.h"
#include "../syscalls/syscalls.h"

u8 boot_kstack[16384] __attribute__((aligned(16)));
_Static_assert(sizeof(boot_kstack) == 16384, "boot/boot.asm sets rsp to boot_kstack + 16384");

/* The initrd is unpacked into the ramfs and its pages go back to the allocator as the unpacking passes them,
 * so a root needs little more than its own size in memory. The whole pages of a file's data that the archive
 * holds page-aligned (tools/pack aligns them) are not copied: they become the file's (initrd_claim). */
static u64 initrd_freed; /* physical address up to which the archive's pages were freed */
static u64 initrd_inplace; /* pages given to files */

static void initrd_consumed(size_t off)
{
    u64 upto = ALIGN_DOWN(boot.initrd_start + off, PAGE_SIZE);
    if (upto > initrd_freed) {
        pmm_free_range(initrd_freed, upto);
        initrd_freed = upto;
    }
}

/* Gives up one page of the archive to the ramfs (fs/cpio.c: a file's page-aligned data, used in place rather than
 * copied): the pages before it that the unpacking has passed go back to the allocator, this one is the file's. */
static bool initrd_claim(const u8 *page)
{
    u64 pa = virt_to_phys((void *)page);
    if (pa < initrd_freed || pa % PAGE_SIZE || pa + PAGE_SIZE > boot.initrd_end)
        return false;
    pmm_free_range(initrd_freed, pa);
    initrd_freed = pa + PAGE_SIZE;
    initrd_inplace++;
    return true;
}

static void initrd_unpack(void)
{
    if (!boot.initrd_end) {
        klog("skiff: no initrd module: the root is empty\n");
        return;
    }
    const char *err = NULL;
    size_t len = boot.initrd_end - boot.initrd_start;
    initrd_freed = ALIGN_UP(boot.initrd_start, PAGE_SIZE);
    if (cpio_unpack_inplace(phys_to_virt(boot.initrd_start), len, &err, initrd_consumed, initrd_claim)) {
        if (pmm_free_pages() < 64)
            boot_fail("skiff: the root filesystem (%lu KiB packed) does not fit in this VM's memory: "
                      "give it more (tools/skiff run --mem)", len >> 10);
        boot_fail("skiff: the initrd is malformed: %s", err);
    }
    initrd_consumed(len);
    ramfs_root_cap();
    klog("skiff: initrd at %lx: %lu KiB unpacked, %lu KiB of it used in place\n", boot.initrd_start, len / 1024,
         initrd_inplace * 4);
}

/* `selftest=panic` or `selftest=fault` on the command line: prove that a kernel panic and a kernel page
 * fault both end in a report and power-off with status 125 (test/guest/run.sh checks it). */
static void selftest(void)
{
    const char *t = boot_arg("selftest");
    if (!t)
        return;
    if (!strcmp(t, "panic"))
        panic("selftest: a deliberate panic");
    if (!strcmp(t, "fault"))
        *(volatile u64 *)0xffff9000deadbeefull = 1; /* unmapped kernel address */
}

/* Runs one init step and notes when it ended (/proc/skiff/boot_phases lists the steps' times). */
#define BOOT_STEP(call)                                                            \
    do {                                                                           \
        call;                                                                      \
        boot_mark(#call);                                                          \
    } while (0)

noreturn void kmain(u32 magic, u32 info, u64 entry_tsc)
{
    boot.boot_tsc = rdtsc();  /* the monotonic clock's zero */
    boot.entry_tsc = entry_tsc && entry_tsc <= boot.boot_tsc ? entry_tsc : boot.boot_tsc; /* the boot figure's */
    BOOT_STEP(serial_init());            /* COM1-4: stdout, stderr, kernel log, control */
    BOOT_STEP(cpu_init());               /* CPU features, GDT/TSS, IDT, SYSCALL MSRs */
    BOOT_STEP(irq_init());               /* device interrupts: the PICs, remapped */
    BOOT_STEP(boot_parse(magic, info));  /* command line, memory map, initrd location */
    BOOT_STEP(mm_init());                /* page allocator, the kernel's page tables */
    BOOT_STEP(clock_init());             /* wall clock from the CMOS RTC */
    BOOT_STEP(timer_init());             /* the PIT ends sleeps */
    BOOT_STEP(smp_init());               /* the CPU list (ACPI MADT or MP table); other CPUs started, halted */
    BOOT_STEP(ramfs_init());             /* the root filesystem */
    BOOT_STEP(initrd_unpack());          /* the host's files into the root */
    BOOT_STEP(devfs_init());             /* /dev */
    BOOT_STEP(procfs_init());            /* /proc */
    BOOT_STEP(sysfs_init());             /* /sys: the CPUs and the NUMA node, as glibc and lscpu read them */
    BOOT_STEP(vdso_init());              /* the vDSO's pages, mapped into every program */
    BOOT_STEP(virtio_mmio_init());       /* microvm's virtio devices (virtio_mmio.device=) and their drivers */
    BOOT_STEP(pci_init());               /* PCI devices and their drivers (virtio-console); none on microvm */
    BOOT_STEP(net_init());               /* the network interface, configured by DHCP in the background */
    BOOT_STEP(console_init());           /* stdio: virtio-console ports or the serial line */
    BOOT_STEP(pty_init());               /* pseudo-terminals: /dev/ptmx, devpts on /dev/pts */
    BOOT_STEP(strace_init());            /* `strace` on the command line */
    BOOT_STEP(selftest());               /* `selftest=panic|fault`: the failure paths, on demand */
    BOOT_STEP(smp_finish());             /* the last AP, started by smp_init, is up: the big lock comes on */
    proc_start_init();        /* load the program and enter ring 3 */
    panic("proc_start_init returned");
}
