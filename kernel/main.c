/* kernel/main.c — kmain: the boot sequence, one init call per step. Entered from boot/boot.asm on the boot
 * stack with the multiboot magic and the physical address of the multiboot information. */
#include "kernel.h"
#include "boot.h"
#include "mm.h"
#include "proc.h"
#include "../arch/x86_64/arch.h"
#include "../drivers/serial.h"
#include "../drivers/console.h"
#include "../drivers/pci.h"
#include "../fs/vfs.h"
#include "../net/net.h"
#include "../syscalls/syscalls.h"

u8 boot_kstack[16384] __attribute__((aligned(16)));
_Static_assert(sizeof(boot_kstack) == 16384, "boot/boot.asm sets rsp to boot_kstack + 16384");

/* The initrd is unpacked into the ramfs and its pages go back to the allocator as the unpacking passes them,
 * so a root needs little more than its own size in memory. */
static u64 initrd_freed; /* physical address up to which the archive's pages were freed */

static void initrd_consumed(size_t off)
{
    u64 upto = ALIGN_DOWN(boot.initrd_start + off, PAGE_SIZE);
    if (upto > initrd_freed) {
        pmm_free_range(initrd_freed, upto);
        initrd_freed = upto;
    }
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
    if (cpio_unpack(phys_to_virt(boot.initrd_start), len, &err, initrd_consumed)) {
        if (pmm_free_pages() < 64)
            boot_fail("skiff: the root filesystem (%lu KiB packed) does not fit in this VM's memory: "
                      "give it more (tools/skiff run --mem)", len >> 10);
        boot_fail("skiff: the initrd is malformed: %s", err);
    }
    initrd_consumed(len);
    klog("skiff: initrd: %lu KiB unpacked\n", len / 1024);
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
        if (boot.nphases < (int)ARRAY_SIZE(boot.phase_tsc)) {                      \
            boot.phase_name[boot.nphases] = #call;                                 \
            boot.phase_tsc[boot.nphases++] = rdtsc();                              \
        }                                                                          \
    } while (0)

noreturn void kmain(u32 magic, u32 mbi)
{
    boot.boot_tsc = rdtsc();  /* the boot-time figure starts here */
    BOOT_STEP(serial_init());            /* COM1-4: stdout, stderr, kernel log, control */
    BOOT_STEP(cpu_init());               /* CPU features, GDT/TSS, IDT, SYSCALL MSRs */
    BOOT_STEP(irq_init());               /* device interrupts: the PICs, remapped */
    BOOT_STEP(boot_parse(magic, mbi));   /* command line, memory map, initrd location */
    BOOT_STEP(mm_init());                /* page allocator, the kernel's page tables */
    BOOT_STEP(clock_init());             /* wall clock from the CMOS RTC */
    BOOT_STEP(timer_init());             /* the PIT ends sleeps */
    BOOT_STEP(ramfs_init());             /* the root filesystem */
    BOOT_STEP(initrd_unpack());          /* the host's files into the root */
    BOOT_STEP(devfs_init());             /* /dev */
    BOOT_STEP(procfs_init());            /* /proc */
    BOOT_STEP(vdso_init());              /* the vDSO's pages, mapped into every program */
    BOOT_STEP(pci_init());               /* PCI devices and their drivers (virtio-console) */
    BOOT_STEP(net_init());               /* the network interface, configured by DHCP in the background */
    BOOT_STEP(console_init());           /* stdio: virtio-console ports or the serial line */
    BOOT_STEP(strace_init());            /* `strace` on the command line */
    BOOT_STEP(selftest());               /* `selftest=panic|fault`: the failure paths, on demand */
    proc_start_init();        /* load the program and enter ring 3 */
    panic("proc_start_init returned");
}
