/* arch/x86_64/smp.c — starting the other CPUs (application processors, APs). The boot CPU wakes each one the
 * firmware lists with INIT, then two startup IPIs (Intel SDM vol. 3, 8.4.4 "MP Initialization Example"); the AP
 * runs trampoline.asm below 1 MiB into long mode on the kernel's page tables, then ap_main gives it what the
 * boot CPU has: its per-CPU block in GS, its own GDT and TSS (with its own IST stacks), the IDT, the CPU
 * features and the SYSCALL MSRs, its local APIC enabled.
 *
 * Once every AP is up the boot CPU turns the big kernel lock on (smp_active) and each AP enters the scheduler's
 * idle loop (sched_ap_idle): from then on tasks run on every CPU (docs/tasks.md, "SMP"). */
#include "arch.h"
#include "smp.h"
#include "../../kernel/boot.h"
#include "../../kernel/mm.h"

#define TRAMP_PHYS 0x8000ull  /* trampoline.asm's TRAMP_PHYS; below 1 MiB, which the page allocator never hands out */
#define TRAMP_PML4 0x9000ull  /* the trampoline's page tables: PML4, PDPT, PD mapping the first 2 MiB 1:1 */
#define TRAMP_PDPT 0xa000ull
#define TRAMP_PD 0xb000ull
#define AP_STACK_PAGES 4

#define ICR_INIT 0x4500u      /* delivery mode INIT, level assert */
#define ICR_STARTUP 0x4600u   /* delivery mode start-up, level assert; the low byte: the start page */

extern u8 tramp_start[], tramp_end[];
extern u8 tramp_cr0[], tramp_efer[], tramp_pml4[], tramp_stack[], tramp_entry[], tramp_cpu[], tramp_kcr3[];

int ncpus_online = 1;
static bool smp_go; /* the APs may leave their wait: smp_active says whether to run tasks or park */

/* Where a trampoline data field lies in the low copy. */
static void *tramp_field(u8 *sym)
{
    return phys_to_virt(TRAMP_PHYS + (u64)(sym - tramp_start));
}

static u64 read_cr0_now(void) { u64 v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }

/* Copies the trampoline and builds its page tables: the first 2 MiB 1:1 (the trampoline runs there when paging
 * comes on) and the kernel's upper half, shared with the kernel's own PML4. */
static void tramp_install(void)
{
    size_t n = (size_t)(tramp_end - tramp_start);
    KASSERT(n <= PAGE_SIZE);
    memcpy(phys_to_virt(TRAMP_PHYS), tramp_start, n);
    u64 *pml4 = phys_to_virt(TRAMP_PML4), *pdpt = phys_to_virt(TRAMP_PDPT), *pd = phys_to_virt(TRAMP_PD);
    memset(pml4, 0, PAGE_SIZE);
    memset(pdpt, 0, PAGE_SIZE);
    memset(pd, 0, PAGE_SIZE);
    pd[0] = PTE_P | PTE_W | PTE_PS;
    pdpt[0] = TRAMP_PD | PTE_P | PTE_W;
    pml4[0] = TRAMP_PDPT | PTE_P | PTE_W;
    const u64 *k = paging_kernel_pml4();
    for (int i = 256; i < 512; i++)
        pml4[i] = k[i];
    *(u32 *)tramp_field(tramp_cr0) = (u32)read_cr0_now();
    *(u32 *)tramp_field(tramp_efer) = (u32)rdmsr(MSR_EFER) & ~(1u << 10); /* LMA is the CPU's to set */
    *(u32 *)tramp_field(tramp_pml4) = (u32)TRAMP_PML4;
    *(u64 *)tramp_field(tramp_kcr3) = read_cr3();
}

/* The AP's first C code, on its own stack, still on the trampoline's GDT and page tables. */
noreturn void ap_main(struct percpu *c, u64 kernel_cr3);
noreturn void ap_main(struct percpu *c, u64 kernel_cr3)
{
    write_cr3(kernel_cr3);
    wrmsr(MSR_GS_BASE, (u64)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    cpu_enable_features();
    gdt_init_stacks(c, c->ist_stacks);
    idt_load();
    syscall_msr_init();
    lapic_ap_init();
    /* Halted from here on, not spinning (a spinning vCPU takes a host core from the one that boots): until
     * smp_finish says go (its IPI_WAKE), then, since the boot CPU holds the big lock until the first program
     * runs, until the first task made runnable wakes it (smp_wake_idle). A TLB shootdown does not wait for a
     * halted CPU (it flushes as it takes the lock). */
    __atomic_store_n(&c->halted, true, __ATOMIC_RELEASE);
    __atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&smp_go, __ATOMIC_ACQUIRE))
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    if (!smp_active)
        cpu_halt_forever(); /* the boot CPU decided to run alone */
    __asm__ volatile("sti; hlt; cli" ::: "memory");
    sched_ap_idle();
}

/* Waits on the TSC alone, so that starting the APs does not need the calibrated clock (its calibration, ~5 ms
 * of PIT counting, stays off the boot path as with one CPU): ticks counted at the fastest TSC that can be,
 * 10 GHz, so the wait is at least us (longer on a slower TSC, which only the timeouts see). Ends early when
 * *flag becomes true. */
#define TSC_MAX_PER_US 10000ull
static void wait_tsc_us(u64 us, const bool *flag)
{
    u64 t0 = rdtsc();
    while (!(flag && __atomic_load_n(flag, __ATOMIC_ACQUIRE)) && rdtsc() - t0 < us * TSC_MAX_PER_US)
        cpu_relax();
}

/* The 10 ms between INIT and the startup IPI that the MultiProcessor Specification asks for: only older
 * processors need it. Linux's default (cpu_init_udelay in its kernel-parameters documentation) is none for
 * Intel family 6 and AMD family 0Fh or later; a virtual CPU (CPUID.1:ECX bit 31, a hypervisor) needs none
 * either. It was 10 ms of every boot with --cpus 2. */
static bool init_delay_needed(void)
{
    u32 a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    if (c & (1u << 31))
        return false;
    u32 family = (a >> 8) & 0xf;
    if (family == 0xf)
        family += (a >> 20) & 0xff;
    u32 max, v0, v1, v2;
    cpuid(0, 0, &max, &v0, &v1, &v2); /* vendor string in ebx, edx, ecx */
    bool intel = v0 == 0x756e6547, amd = v0 == 0x68747541 || v0 == 0x6f677948; /* "Genu", "Auth", "Hygo" */
    return !((intel && family >= 6) || (amd && family >= 0xf));
}

/* INIT, 10 ms on old processors, a startup IPI; ap_online waits for it. The boot CPU's local APIC timer counts
 * from the first AP's INIT to its being online (the last AP's: at smp_finish), so its calibration costs no
 * time of its own (lapic_timer_calibrate). */
static bool ap_send(struct percpu *c)
{
    u8 *stack = page_alloc_n(AP_STACK_PAGES), *ist = page_alloc_n(3 * IST_STACK_SIZE / PAGE_SIZE);
    if (!stack || !ist)
        return false;
    c->ist_stacks = ist;
    *(u64 *)tramp_field(tramp_stack) = (u64)stack + AP_STACK_PAGES * PAGE_SIZE;
    *(u64 *)tramp_field(tramp_entry) = (u64)ap_main;
    *(u64 *)tramp_field(tramp_cpu) = (u64)c;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    lapic_timer_calibrate(true);
    lapic_send_ipi(c->apic_id, ICR_INIT);
    if (init_delay_needed())
        wait_tsc_us(10000, NULL);
    lapic_send_ipi(c->apic_id, ICR_STARTUP | (u32)(TRAMP_PHYS >> 12));
    return true;
}

/* 200 us after the first startup IPI a second one if it has not come up, then up to 2 s (TCG is slow). */
static bool ap_online(struct percpu *c)
{
    wait_tsc_us(200, &c->online);
    if (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
        lapic_send_ipi(c->apic_id, ICR_STARTUP | (u32)(TRAMP_PHYS >> 12));
    wait_tsc_us(2000000, &c->online);
    lapic_timer_calibrate(false);
    return c->online;
}

static bool x2apic_mode(void)
{
    return rdmsr(0x1b /* IA32_APIC_BASE */) & (1ull << 10); /* EXTD: the firmware left x2APIC mode on */
}

/* The last AP started, not yet waited for: smp_finish waits for it at the end of the boot, so that its start-up
 * (milliseconds under TCG: its vCPU's first instructions translated, its host thread scheduled) overlaps the
 * boot instead of adding to it. It comes up halted and touches nothing shared but its own block. */
static struct percpu *ap_pending;

void smp_init(void)
{
    smp_detect();
    cpus[0].apic_id = lapic_id();
    if (smp_info.ncpus <= 1)
        return;
    if (x2apic_mode()) {
        klog("skiff: smp: %d CPUs listed, but the local APIC is in x2APIC mode: only the boot CPU runs\n",
             smp_info.ncpus);
        return;
    }
    tramp_install();
    int id = 1, last = -1;
    for (int i = 0; i < smp_info.ncpus; i++)
        if (smp_info.apic_ids[i] != cpus[0].apic_id && smp_info.apic_ids[i] <= 0xfe)
            last = i; /* the trampoline's data is one AP's at a time: all but the last are waited for here */
    for (int i = 0; i < smp_info.ncpus && id < MAX_CPUS; i++) {
        u32 a = smp_info.apic_ids[i];
        if (a == cpus[0].apic_id || a > 0xfe)
            continue; /* the boot CPU; or an ID that xAPIC cannot address */
        struct percpu *c = &cpus[id];
        *c = (struct percpu){ .self = c, .id = (u32)id, .apic_id = a };
        if (!ap_send(c)) {
            klog("skiff: smp: no memory to start the CPU with APIC ID %u\n", a);
            continue;
        }
        if (i == last || id == MAX_CPUS - 1) {
            ap_pending = c;
            id++;
            break;
        }
        if (!ap_online(c)) {
            klog("skiff: smp: the CPU with APIC ID %u did not start\n", a);
            continue;
        }
        id++;
    }
    ncpus_online = id;
}

/* The end of the boot, just before the first program: the last AP is waited for, and with more than one CPU
 * online the big lock comes on (the boot CPU holds it from here) and the APs go to their idle loops. */
void smp_finish(void)
{
    if (ap_pending && !ap_online(ap_pending)) {
        klog("skiff: smp: the CPU with APIC ID %u did not start\n", ap_pending->apic_id);
        ncpus_online--; /* it was the last one counted */
    }
    ap_pending = NULL;
    if (ncpus_online > 1) {
        smp_lock_init();
        bkl_lock(); /* the boot CPU runs the kernel from here on with the lock, as every CPU will */
        smp_active = true;
        vdso_set_ncpus(ncpus_online);
    }
    if (smp_info.ncpus <= 1)
        return;
    __atomic_store_n(&smp_go, true, __ATOMIC_RELEASE);
    for (int i = 1; i < ncpus_online; i++)
        lapic_send_ipi(cpus[i].apic_id, IPI_WAKE); /* halted in ap_main until smp_go */
    klog("skiff: smp: %d CPUs listed (%s), %d online\n", smp_info.ncpus, smp_info.source, ncpus_online);
}
