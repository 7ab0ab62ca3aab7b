/* arch/x86_64/vdso.c — the vDSO's kernel half. The image (built from arch/x86_64/vdso/, included by
 * vdso_image.asm) is copied into pages once at boot; a data page beside it (struct vdso_data) carries the
 * clock parameters, filled when the TSC is first calibrated. Every new program gets both mapped read-only
 * (first touch maps the shared pages: vm_fault asks vdso_page) and the image's address in AT_SYSINFO_EHDR.
 * `novdso` on the kernel command line leaves it out (programs then make real syscalls). */
#include "arch.h"
#include "smp.h"
#include "vdso/vdso_data.h"
#include "../../kernel/mm.h"
#include "../../kernel/boot.h"

extern const u8 vdso_image[], vdso_image_end[];

static u64 pages[VDSO_PAGES];   /* physical: the image's two pages, then the data page */
static struct vdso_data *data;
static bool enabled;

void vdso_init(void)
{
    u64 len = (u64)(vdso_image_end - vdso_image);
    KASSERT(len <= VDSO_IMAGE_MAX && VDSO_IMAGE_MAX + PAGE_SIZE == VDSO_PAGES * PAGE_SIZE);
    if (boot_flag("novdso"))
        return;
    for (int i = 0; i < VDSO_PAGES; i++)
        if (!(pages[i] = pmm_alloc_zero()))
            panic("no memory for the vDSO");
    for (u64 off = 0; off < len; off += PAGE_SIZE)
        memcpy(phys_to_virt(pages[off / PAGE_SIZE]), vdso_image + off, MIN(PAGE_SIZE, len - off));
    data = phys_to_virt(pages[VDSO_VVAR_OFFSET / PAGE_SIZE]);
    data->ncpus = (u32)ncpus_online;
    enabled = true;
    clock_vdso_sync();
}

/* settimeofday's timezone, for the vDSO's gettimeofday. */
void vdso_set_tz(int minuteswest, int dsttime)
{
    if (!data)
        return;
    data->tz_minuteswest = minuteswest;
    data->tz_dsttime = dsttime;
}

/* SMP: the CPUs online once the last one started (smp_finish, after vdso_init). */
void vdso_set_ncpus(int n)
{
    if (data)
        data->ncpus = (u32)n;
}

/* The clock is calibrated: from now on the vDSO computes the time itself. */
void vdso_clock_ready(u64 boot_tsc, u64 ns_mult, u64 realtime_base_ns)
{
    if (!data)
        return;
    data->seq++; /* odd: a reader that overlaps this retries */
    __asm__ volatile("" ::: "memory");
    data->boot_tsc = boot_tsc;
    data->ns_mult = ns_mult;
    data->realtime_base_ns = realtime_base_ns;
    data->ready = 1;
    __asm__ volatile("" ::: "memory");
    data->seq++;
}

/* Maps the image ([vdso], r-x) and the data page ([vvar], r--) into a new address space below the mmap
 * area; returns the image's address for AT_SYSINFO_EHDR, or 0 without a vDSO. */
u64 vdso_map(struct vm_space *vs)
{
    if (!enabled)
        return 0;
    u64 base = vm_find_free(vs, VDSO_PAGES * PAGE_SIZE, 0);
    if (!base || vm_map(vs, base, VDSO_VVAR_OFFSET, VM_READ | VM_EXEC | VM_VDSO) ||
        vm_map(vs, base + VDSO_VVAR_OFFSET, PAGE_SIZE, VM_READ | VM_VVAR))
        return 0;
    vs->vdso_base = base;
    return base;
}

/* The physical page behind offset off of the vDSO's region (for vm_fault). */
u64 vdso_page(u64 off)
{
    KASSERT(enabled && off < VDSO_PAGES * PAGE_SIZE);
    return pages[off / PAGE_SIZE];
}
