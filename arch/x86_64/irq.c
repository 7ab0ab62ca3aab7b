/* arch/x86_64/irq.c — device interrupts: the legacy 8259 PICs remapped to vectors 32-47 (the PCI INTx
 * lines that the BIOS routed to ISA IRQs arrive here), MSI-X vectors 48-63 through the local APIC, and the
 * PIT's one-shot mode as the timer that ends a sleep. The kernel runs with interrupts off except while it waits in irq_wait (sti; hlt). */
#include "arch.h"
#include "pit.h"
#include "smp.h"
#include "../../kernel/mm.h"
#include "../../kernel/proc.h"
#include "../../kernel/boot.h"
#define DIRECT_MAP_BASE DIRECT_MAP

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define IRQ_BASE 32

#define NIRQ 32                  /* 0-15 PIC lines, 16-31 MSI vectors */
#define MSI_FIRST 16
#define LAPIC_BASE 0xfee00000ull
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT0 0x350
#define LAPIC_LVT1 0x360
#define LAPIC_ID 0x20
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define LVT_TIMER_PERIODIC (1u << 17)
#define ICR_PENDING (1u << 12)    /* delivery status: send pending */
#define LVT_MASKED (1u << 16)

extern const u64 irq_stubs[NIRQ + 192];
extern char ipi_flush_stub[], ipi_wake_stub[], lapic_timer_stub[];
static void (*handlers[NIRQ])(void *);
static void *handler_ctx[NIRQ];
static int next_msi = MSI_FIRST;
static volatile u32 *lapic;
static u16 mask = 0xffff & ~(1u << 2); /* everything masked but the cascade */

static void pic_write_mask(void)
{
    outb(PIC1_DATA, mask & 0xff);
    outb(PIC2_DATA, mask >> 8);
}

void irq_init(void)
{
    outb(PIC1_CMD, 0x11);         /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, IRQ_BASE);    /* ICW2: vector offsets */
    outb(PIC2_DATA, IRQ_BASE + 8);
    outb(PIC1_DATA, 4);           /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 2);
    outb(PIC1_DATA, 1);           /* ICW4: 8086 mode */
    outb(PIC2_DATA, 1);
    pic_write_mask();
    for (int i = 0; i < NIRQ + 192; i++)
        idt_set_gate(IRQ_BASE + i, irq_stubs[i]);
    idt_set_gate(IPI_FLUSH, (u64)ipi_flush_stub); /* answered without the big lock */
    idt_set_gate(IPI_LOCK, (u64)ipi_flush_stub);  /* wakes a CPU halted in bkl_lock: any flush owed, and EOI */
    idt_set_gate(IPI_WAKE, (u64)ipi_wake_stub);   /* in the idle wait: without it too (smp_wake_fast) */
    idt_set_gate(LAPIC_TIMER_VEC, (u64)lapic_timer_stub);
}

void lapic_eoi(void)
{
    lapic[LAPIC_EOI / 4] = 0;
}

/* The local APIC, for MSI-X and for the PICs: software-enabled with a spurious vector, in virtual-wire mode
 * so that the PICs' interrupts arrive. Needs the kernel's page tables (mm_init). */
static bool lapic_init(void)
{
    u32 a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    if (!(d & (1u << 9)))
        return false;
    if (!lapic) {
        if (paging_map_mmio(LAPIC_BASE, 4096))
            return false;
        lapic = (volatile u32 *)(DIRECT_MAP_BASE + LAPIC_BASE);
        /* Virtual-wire mode: the PICs' interrupts come in through LINT0 as ExtINT, NMIs through LINT1.
         * SeaBIOS sets this up, qboot does not; without it an enabled APIC drops the PIT's ticks. */
        lapic[LAPIC_LVT0 / 4] = 0x700;
        lapic[LAPIC_LVT1 / 4] = 0x400;
        lapic[LAPIC_SVR / 4] = 0x100 | 0xff; /* enabled, spurious vector 255 */
    }
    return true;
}

/* This CPU's local APIC ID (xAPIC: ID register bits 31-24). */
u32 lapic_id(void)
{
    return lapic ? lapic[LAPIC_ID / 4] >> 24 : 0;
}

/* Sends an interprocessor interrupt (Intel SDM vol. 3, 11.6.1): the destination in ICR's high half, then the
 * low half, whose write sends it; returns once the local APIC reports it sent. */
void lapic_send_ipi(u32 apic_id, u32 icr_low)
{
    lapic[LAPIC_ICR_HI / 4] = apic_id << 24;
    lapic[LAPIC_ICR_LO / 4] = icr_low;
    for (int i = 0; i < 1000000 && (lapic[LAPIC_ICR_LO / 4] & ICR_PENDING); i++)
        cpu_relax();
}

/* An application processor's local APIC: software-enabled; only the boot CPU takes the PICs' ExtINT, so
 * LINT0 and LINT1 stay masked here. */
void lapic_ap_init(void)
{
    lapic[LAPIC_LVT0 / 4] = LVT_MASKED | 0x700;
    lapic[LAPIC_LVT1 / 4] = LVT_MASKED | 0x400;
    lapic[LAPIC_SVR / 4] = 0x100 | 0xff;
}

/* An MSI vector for fn; the address/data pair a device writes to raise it goes to *addr and *data. */
int irq_alloc_msi(void (*fn)(void *), void *ctx, u64 *addr, u32 *data)
{
    if (next_msi >= NIRQ || !lapic_init())
        return -1;
    int irq = next_msi++;
    handlers[irq] = fn;
    handler_ctx[irq] = ctx;
    *addr = LAPIC_BASE;         /* destination: APIC 0, fixed delivery */
    *data = IRQ_BASE + irq;
    return irq;
}

void irq_register(int irq, void (*fn)(void *), void *ctx)
{
    KASSERT(irq >= 0 && irq < 16);
    handlers[irq] = fn;
    handler_ctx[irq] = ctx;
    mask &= ~(1u << irq);
    pic_write_mask();
}

/* Called from trap.asm's irq stubs with the IRQ number; PCI lines are level-triggered and shared. */
/* Whether the interrupt being handled is the timer's alone (interrupt context: this CPU's). */
bool irq_was_tick(void)
{
    return percpu_gs.irq_tick;
}

/* trap.asm's IPI_WAKE and AP timer stubs, for an interrupt in ring 0: a CPU halted in the scheduler's idle wait
 * (or ap_main's first one) takes the big lock right after, so the interrupt is only noted here, without it.
 * False: the CPU is in a driver's wait, holding the lock: the usual path (irq_dispatch). */
bool smp_wake_fast(void)
{
    if (!percpu_gs.halted && !percpu_gs.lock_sleep) /* halted in bkl_lock: the lock is next, as in the idle wait */
        return false;
    percpu_gs.irqs++;
    percpu_gs.need_resched = true;
    lapic[LAPIC_EOI / 4] = 0;
    return true;
}

static void tlb_refresh_after(u32 ms);

void irq_dispatch(u64 irq)
{
    percpu_gs.irqs++;
    percpu_gs.irq_tick = irq == 0;
    if (irq + IRQ_BASE == IPI_WAKE || irq + IRQ_BASE == LAPIC_TIMER_VEC) {
        /* a halted CPU wakes; a running one ends its time slice (an AP's own timer: a tick too) */
        percpu_gs.irq_tick = irq + IRQ_BASE == LAPIC_TIMER_VEC;
        if (percpu_gs.irq_tick)
            tlb_refresh_after(1);
        percpu_gs.need_resched = true;
        lapic[LAPIC_EOI / 4] = 0;
        return;
    }
    if (irq >= NIRQ) {
        static bool said;
        if (!said)
            kerr("skiff: unexpected interrupt vector %lu, ignored\n", irq + IRQ_BASE);
        said = true;
        if (irq + IRQ_BASE != 255 && lapic)
            lapic[LAPIC_EOI / 4] = 0; /* the spurious vector alone takes no EOI */
        return;
    }
    if (irq >= MSI_FIRST) {
        if (handlers[irq])
            handlers[irq](handler_ctx[irq]);
        lapic[LAPIC_EOI / 4] = 0;
        smp_wake_idle(); /* a driver waiting on another CPU (irq_wait) looks at its device again */
        return;
    }
    if (irq == 7 || irq == 15) {
        /* A spurious IRQ has no in-service bit: it must not be acknowledged (or, on the slave, only on the master). */
        u8 isr;
        outb(irq == 7 ? PIC1_CMD : PIC2_CMD, 0x0b);
        isr = inb(irq == 7 ? PIC1_CMD : PIC2_CMD);
        if (!(isr & 0x80)) {
            if (irq == 15)
                outb(PIC1_CMD, 0x20);
            return;
        }
    }
    if (handlers[irq])
        handlers[irq](handler_ctx[irq]);
    if (irq >= 8)
        outb(PIC2_CMD, 0x20);
    outb(PIC1_CMD, 0x20);
    if (irq != 0)
        smp_wake_idle(); /* a driver waiting on another CPU (irq_wait) looks at its device again */
}

static bool periodic;

/* QEMU's TCG keeps a software TLB per vCPU and sizes it only when the guest flushes it whole: it starts at 256
 * entries and doubles at a full flush after a stretch in which most were in use. A program alone on its CPU
 * never switches address space, so nothing flushes and it keeps 256 entries however much memory it touches:
 * `xz -6` (a ~94 MiB working set) took 1.4 times the Linux guest's time, all of it user time, and random reads
 * over 96 MiB 4-6 times as long as with a grown TLB. So under TCG a CPU that runs a task reloads CR3 every
 * TLB_REFRESH_MS: counted in the 1 kHz ticks when they run, else by the PIT at 20 Hz from the first program's
 * start until its first wait (pit_slow, timer_program_starts). xz with a reload every 5 ms: 11.3 s (refills), 20 ms 8.6 s, 50 ms 8.2 s, 100 ms 9.2 s,
 * none 15.0 s. A hardware or KVM TLB needs none of it: nothing of this runs there. From interrupts only (each
 * CPU's own field). */
#define TLB_REFRESH_MS 50
static bool pit_slow;     /* the PIT runs at 20 Hz for the TLB refresh (mode 2), not at 1 kHz nor one-shot */
static bool program_started; /* timer_program_starts ran: pit_slow whenever the 1 kHz tick stops */

static void tlb_refresh_after(u32 ms)
{
    if (!cpu.tcg)
        return;
    percpu_gs.tlb_ms = (u16)(percpu_gs.tlb_ms + ms);
    if (percpu_gs.tlb_ms < TLB_REFRESH_MS)
        return;
    percpu_gs.tlb_ms = 0;
    write_cr3(read_cr3()); /* TCG flushes its TLB whole and resizes it by how much was in use */
}

/* The local APIC timers: each AP's own time-slice tick, 1 kHz while it runs a task (the boot CPU keeps the PIT,
 * whose ticks also serve deadlines, alarms and the network). Their rate is measured once, on the boot CPU,
 * against the TSC while the first AP starts up (ap_start waits for it anyway): divide by 16, one-shot from the
 * largest count, masked (lapic_per_tsc 0: it did not count; the boot CPU's PIT then ticks all the time and
 * sends the APs IPIs, smp_tick_others). lapic_timer_count: the initial count of 1 ms, worked out on first use.
 * With them the PIT ticks only when the boot CPU needs it, as with one CPU (timer_check_needed): an idle boot
 * CPU no longer wakes 1000 times a second, each time taking the big lock from the CPUs that work. */
static u64 lapic_cal_tsc, lapic_per_tsc; /* the calibration's TSC start; LAPIC ticks per TSC tick, 32.32 */
static u32 lapic_timer_count;

void lapic_timer_calibrate(bool start)
{
    if (!lapic || lapic_per_tsc)
        return; /* the first AP's start-up is enough */
    if (start) {
        lapic[LAPIC_TIMER_DIV / 4] = 0x3; /* divide by 16 */
        lapic[LAPIC_LVT_TIMER / 4] = LVT_MASKED | LAPIC_TIMER_VEC;
        lapic[LAPIC_TIMER_INIT / 4] = 0xffffffffu;
        lapic_cal_tsc = rdtsc();
        return;
    }
    u32 left = lapic[LAPIC_TIMER_CUR / 4];
    u64 tsc = rdtsc() - lapic_cal_tsc;
    lapic[LAPIC_TIMER_INIT / 4] = 0; /* stopped */
    if (left && left != 0xffffffffu && tsc)
        lapic_per_tsc = ((u64)(0xffffffffu - left) << 32) / tsc;
}

bool lapic_timers_on(void)
{
    return lapic_per_tsc != 0;
}

/* This AP's time-slice tick: periodic at 1 kHz, or stopped. The count needs the TSC's rate, calibrated here on
 * first use if no clock read did it before (as with one CPU: not on the boot path). */
void lapic_timer_tick(bool on)
{
    struct percpu *c = this_cpu();
    if (c->id == 0 || !lapic_per_tsc || c->lapic_tick == on)
        return;
    if (!lapic_timer_count) {
        u64 n = (u64)(((unsigned __int128)lapic_per_tsc * clock_tsc_hz()) >> 32) / 1000;
        lapic_timer_count = n ? (u32)MIN(n, 0xffffffffull) : 1;
    }
    c->lapic_tick = on;
    if (on) {
        lapic[LAPIC_TIMER_DIV / 4] = 0x3;
        lapic[LAPIC_LVT_TIMER / 4] = LVT_TIMER_PERIODIC | LAPIC_TIMER_VEC;
        lapic[LAPIC_TIMER_INIT / 4] = lapic_timer_count;
    } else {
        lapic[LAPIC_TIMER_INIT / 4] = 0;
    }
}

static void pit_out(const struct pit_write *w, int n)
{
    for (int i = 0; i < n; i++)
        outb(w[i].port, w[i].val);
}

/* While several tasks may run, the PIT ticks at 1 kHz (mode 2) and each tick ends a time slice; otherwise it
 * only ever fires once, to end a wait. */
void timer_set_periodic(bool on)
{
    if (smp_active && !lapic_per_tsc)
        on = true; /* APs without a timer: the boot CPU's tick ends their slices too (smp_tick_others) */
    if (on == periodic)
        return;
    periodic = on;
    struct pit_write w[PIT_SEQ_MAX];
    /* mode 2 at 1 kHz, or back to mode 0: one last interrupt, then quiet until re-armed (under TCG with a task
     * running: 20 Hz) */
    pit_slow = !on && cpu.tcg && program_started;
    pit_out(w, on         ? pit_seq_periodic(PIT_HZ / 1000, w)
               : pit_slow ? pit_seq_periodic(PIT_HZ / (1000 / TLB_REFRESH_MS), w)
                          : pit_seq_oneshot(0xffff, w));
}

/* The first program starts: under TCG, while there is no 1 kHz tick, the PIT runs at 20 Hz for the TLB
 * refresh. Only until a wait's one-shot replaces it: re-arming it after every wait cost a lone task ~30 us per
 * sleep (a 50 us nanosleep loop: 87-98 -> 100-128 us per sleep), so a lone program that sleeps keeps 256 entries
 * from then on, as before; one that computes without waiting (xz, a compiler) and every task while several
 * exist (the 1 kHz tick counts) get the refresh. */
void timer_program_starts(void)
{
    program_started = true;
    if (!cpu.tcg || periodic)
        return;
    periodic = true; /* timer_set_periodic(false) reprograms the PIT for the new state */
    timer_set_periodic(false);
}

bool timer_is_periodic(void)
{
    return periodic;
}

/* Arms the PIT for one interrupt (IRQ 0) after at most ns (capped by the 16-bit counter: ~55 ms); the tick, if
 * it ran, stops until irq_wait starts it again. */
static void pit_oneshot(u64 ns)
{
    u64 count = ns * PIT_HZ / 1000000000u;
    if (count < 2)
        count = 2;
    if (count > 0xffff)
        count = 0xffff;
    struct pit_write w[PIT_SEQ_MAX];
    pit_slow = false;
    pit_out(w, pit_seq_oneshot((u16)count, w));
}

static void timer_tick(void *ctx)
{
    (void)ctx;
    if (smp_active && !lapic_per_tsc)
        smp_tick_others(); /* the APs have no timer of their own (it did not count at calibration) */
    if (periodic) {
        tlb_refresh_after(1);
        sched_tick();
    } else if (pit_slow) {
        tlb_refresh_after(TLB_REFRESH_MS); /* nothing else is due: a deadline would have made it one-shot */
    } else {
        alarms_fire(); /* a one-shot that ended a sleep: an alarm may be due too */
    }
}

void timer_init(void)
{
    /* The PICs reach the CPU through the local APIC's LINT0 only once it is in virtual-wire mode: the
     * firmware may not have done it (qboot does not), and on microvm no MSI-X sets it up later. */
    lapic_init();
    irq_register(0, timer_tick, NULL);
}

/* Waiting for an interrupt. Two kinds with several CPUs: the scheduler's idle wait drops the big lock while halted
 * (irq_wait_idle); a driver's wait for its device (irq_wait) keeps it, so that, as on one CPU, nothing but
 * interrupt handlers runs in the kernel meanwhile. The PIT and the devices' interrupts are the boot CPU's: an AP
 * waits with interrupts on, spinning, until one comes to it (a wake-up IPI; smp_wake_idle sends one after each
 * device interrupt) or the time is up; a driver's wait there is at most 1 ms at a time, since its device's
 * interrupt goes to the boot CPU, which waits for the lock meanwhile: the driver looks at its device itself. */
static void ap_wait(struct percpu *c, u64 ns, bool idle)
{
    if (!idle)
        ns = MIN(ns, 1000000ull);
    u64 end = clock_monotonic_ns() + ns, seen = __atomic_load_n(&c->irqs, __ATOMIC_ACQUIRE);
    if (idle) {
        __atomic_store_n(&c->halted, true, __ATOMIC_RELEASE);
        bkl_unlock();
    }
    __asm__ volatile("sti" ::: "memory");
    while (__atomic_load_n(&c->irqs, __ATOMIC_ACQUIRE) == seen && clock_monotonic_ns() < end)
        cpu_relax();
    __asm__ volatile("cli" ::: "memory");
    if (idle) {
        bkl_lock();
        __atomic_store_n(&c->halted, false, __ATOMIC_RELEASE);
    }
}

/* Sleeps until an interrupt arrives or about ns have passed. Interrupts are enabled only inside the
 * sti;hlt pair, whose one-instruction shadow closes the race between checking a condition and halting. */
static void wait_common(u64 ns, bool idle)
{
    struct percpu *c = this_cpu();
    if (c->id != 0 && (ns != ~0ull || !idle)) {
        ap_wait(c, ns, idle);
        return;
    }
    if (ns != ~0ull)
        pit_oneshot(ns);
    bool drop = smp_active && idle;
    if (drop) { /* halted CPUs hold no lock; a wake-up IPI may come once it is dropped: sti;hlt sees it */
        __atomic_store_n(&c->halted, true, __ATOMIC_RELEASE);
        bkl_unlock();
    }
    __asm__ volatile("sti; hlt; cli" ::: "memory");
    if (drop) {
        bkl_lock();
        __atomic_store_n(&c->halted, false, __ATOMIC_RELEASE);
    }
    if (ns != ~0ull && periodic) { /* the halt used the PIT for its one-shot: the tick goes on */
        periodic = false;
        timer_set_periodic(true);
    }
}

void irq_wait(u64 ns)
{
    wait_common(ns, false);
}

void irq_wait_idle(u64 ns)
{
    wait_common(ns, true);
}

/* trap.asm: an interrupt that came in ring 0 (in a wait) takes the big lock unless this CPU holds it (a
 * driver's wait), and lets it go on the way back only if it took it. */
void irq_enter_kernel(void)
{
    bool take = smp_active && !bkl_held();
    if (take)
        bkl_lock();
    this_cpu()->irq_took_lock = take; /* once it holds: an interrupt in bkl_lock's halt (lock_sleep) nests here */
}

void irq_exit_kernel(void)
{
    struct percpu *c = this_cpu();
    if (c->irq_took_lock) {
        c->irq_took_lock = false;
        bkl_unlock();
    }
}
