/* arch/x86_64/smp.h — the CPUs the firmware lists (acpi.c) and starting the others (smp.c). */
#ifndef SKIFF_SMP_H
#define SKIFF_SMP_H
#include "arch.h"

struct smp_info {
    int ncpus;                  /* CPUs found (the boot CPU among them), at most MAX_CPUS */
    int ignored;                /* more than MAX_CPUS: left alone */
    u32 apic_ids[MAX_CPUS];
    u64 lapic_phys;             /* the local APICs' MMIO base */
    u32 ioapic_phys, ioapic_id; /* the first I/O APIC (0: none listed) */
    const char *source;         /* "ACPI MADT", "MP table" or NULL (none: one CPU) */
};
extern struct smp_info smp_info;

void smp_detect(void);          /* acpi.c: fills smp_info */
void smp_init(void);            /* smp.c: detects the CPUs and starts the others, which park */
void smp_finish(void);          /* smp.c: the end of the boot: waits for the last AP, turns the big lock on */
extern int ncpus_online;        /* CPUs running (the parked APs among them) */
u32 lapic_id(void);             /* irq.c: this CPU's local APIC ID */
void lapic_send_ipi(u32 apic_id, u32 icr_low); /* irq.c: writes ICR (xAPIC), waits until it is sent */
void lapic_ap_init(void);       /* irq.c: an AP's local APIC: enabled, LINT0/LINT1 masked */
void lapic_timer_calibrate(bool start); /* irq.c: the local APIC timer's rate against the TSC, start and end */
bool lapic_timers_on(void);     /* irq.c: the APs have their own timers (calibrated) */
void lapic_timer_tick(bool on); /* irq.c: this AP's own 1 kHz time-slice tick, on or off */
#define LAPIC_TIMER_VEC 0xef    /* an AP's local APIC timer: the end of its time slice */
void idt_load(void);            /* idt.c: the shared IDT on this CPU */
void cpu_enable_features(void); /* cpu.c: CR0/CR4/XCR0/EFER as on the boot CPU */

/* smp_lock.c: the big kernel lock, IPIs, TLB shootdown (docs/tasks.md, "SMP") */
/* Priority classes (vector >> 4): while a vector's handler runs, its class and those below wait. Those that take
 * the big lock are below 0xf (IPI_WAKE's and the AP tick's from ring 3, devices), so that a CPU halted in bkl_lock
 * inside one of them still takes IPI_FLUSH and IPI_LOCK, which never take the lock (with IPI_WAKE at 0xf0 such a
 * CPU slept through both for good: the holder waited for its flush, every other CPU for the lock). */
#define IPI_WAKE 0xee           /* a halted CPU looks at the run queue; a running one ends its slice */
#define IPI_FLUSH 0xf1          /* TLB shootdown: handled without the big lock (trap.asm) */
#define IPI_LOCK 0xf2           /* the big lock came free: a CPU halted waiting for it looks again (flush stub) */
extern bool smp_active;         /* the APs run tasks: the big lock is in force */
void bkl_lock(void);
void smp_lock_init(void);       /* the spin before a waiter halts (bklspin= on the command line) */
void bkl_unlock(void);
bool bkl_held(void);            /* by this CPU (always true without SMP) */
int bkl_owner_cpu(void);        /* the CPU holding it, -1: none (a diagnostic's snapshot) */
struct vm_space;
void tlb_shootdown(struct vm_space *vs, bool dying);
void smp_wake_idle(void);
int smp_proc_stats(char *buf, size_t size); /* /proc/skiff/smp: shootdown and wake-up counts */
void smp_tick_others(void);
void smp_kick_boot_cpu(void);   /* an AP set a deadline: the boot CPU, halted until a later one, looks again */
void lapic_eoi(void);           /* irq.c */
void irq_enter_kernel(void);    /* irq.c, for trap.asm: an interrupt in ring 0 takes the lock unless held */
void irq_exit_kernel(void);
bool smp_wake_fast(void);       /* irq.c, for trap.asm: IPI_WAKE or an AP tick in the idle wait, noted without the lock */
noreturn void sched_ap_idle(void); /* kernel/sched.c: an AP's loop once smp_active */
#endif
