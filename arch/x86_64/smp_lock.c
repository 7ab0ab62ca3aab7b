/* arch/x86_64/smp_lock.c — what lets several CPUs run the kernel: the big kernel lock, the wake-up IPI and TLB
 * shootdown (the rules are in docs/tasks.md, "SMP"). With one CPU none of it is in force: smp_active stays
 * false and the entry stubs' test of it is the whole cost. */
#include "arch.h"
#include "smp.h"
#include "../../kernel/mm.h"
#include "../../kernel/boot.h"

bool smp_active; /* read by syscall.asm and trap.asm: take the big lock on entry, drop it on the way out */

/* A test-and-set lock: whichever CPU is running when it is free takes it. A ticket lock (first come, first
 * served) hands it to one chosen waiter, and when the host has fewer cores than the guest has vCPUs (--cpus 4
 * on 2 cores, or any busy host) that waiter's vCPU is often not running: every CPU then spins until the host
 * schedules it. With 4 vCPUs on this 2-core machine, two threads made 3 to 5 futex round trips in 8 s that
 * way, and 30,000 or more with this lock (test/guest t_smp_overcommit). Linux does the same as a guest with no
 * paravirtual spinlocks. */
static struct {
    u32 locked;
} bkl __attribute__((aligned(64)));
static int bkl_owner = -1; /* written by the holder alone */

/* /proc/skiff/smp: what the shootdowns and wake-ups cost (changed with the lock held). */
static struct {
    u64 shootdowns;    /* tlb_shootdown calls while SMP runs */
    u64 waited;        /* those that sent IPIs and waited for acknowledgements */
    u64 flush_ipis;    /* IPI_FLUSH sent */
    u64 wait_tsc;      /* TSC ticks spent waiting for acknowledgements */
    u64 wake_ipis;     /* IPI_WAKE sent */
    u64 kind[3];       /* the waited ones by kind: the kernel's mappings, a space being freed, a user space */
} stats;

static u64 read_cr4_now(void) { u64 v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static void write_cr4_now(u64 v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

/* The whole TLB, global (kernel) entries too: toggling CR4.PGE flushes them (Intel SDM vol. 3, 4.10.4.1). */
static void tlb_flush_all_local(void)
{
    u64 cr4 = read_cr4_now();
    if (cr4 & (1ull << 7)) {
        write_cr4_now(cr4 & ~(1ull << 7));
        write_cr4_now(cr4);
    } else {
        write_cr3(read_cr3());
    }
}

/* Does what a shootdown asked of this CPU, if anything: called by the IPI's handler, and by a CPU spinning for
 * the lock (its interrupts are off, and the sender waits for it while holding the lock). Requests are counted
 * (flush_req, bumped by the sender after it wrote dying_vm) and answered by count (flush_done): with one flag, an
 * answer to an earlier request still pending here (one a halted CPU was left to do) could read dying_vm before
 * the next sender wrote it and then clear that sender's flag too, which would then free page tables this CPU's
 * CR3 still held. */
static void flush_answer(void)
{
    struct percpu *c = this_cpu();
    u32 req = __atomic_load_n(&c->flush_req, __ATOMIC_ACQUIRE);
    if (req == c->flush_done)
        return;
    struct vm_space *dying = __atomic_load_n(&c->dying_vm, __ATOMIC_RELAXED);
    if (dying && dying == c->active_vm) { /* its tables are about to be freed: off them */
        write_cr3(virt_to_phys(paging_kernel_pml4()));
        c->active_vm = NULL;
    }
    tlb_flush_all_local();
    __atomic_store_n(&c->flush_done, req, __ATOMIC_RELEASE);
}

void bkl_lock(void)
{
    while (__atomic_load_n(&bkl.locked, __ATOMIC_RELAXED) || __atomic_exchange_n(&bkl.locked, 1, __ATOMIC_ACQUIRE)) {
        flush_answer();
        cpu_relax();
    }
    bkl_owner = (int)this_cpu()->id;
    flush_answer(); /* one asked while this CPU was halted (tlb_shootdown does not wake it for that) */
}

void bkl_unlock(void)
{
    bkl_owner = -1;
    __atomic_store_n(&bkl.locked, 0, __ATOMIC_RELEASE);
}

int bkl_owner_cpu(void)
{
    return bkl_owner;
}

bool bkl_held(void)
{
    return !smp_active || bkl_owner == (int)this_cpu()->id;
}

/* trap.asm's stub for IPI_FLUSH: runs without the lock, from ring 3 or from a halt. */
void smp_flush_ipi(void)
{
    flush_answer();
    lapic_eoi();
}

/* Every other CPU that may hold translations of vs (its CR3 is vs's; NULL: every CPU, for the kernel's own
 * mappings) flushes its TLB before this returns; dying: vs is about to be freed, so they leave it too. The
 * caller holds the big lock, so no CPU changes its CR3 meanwhile. A CPU halted in the scheduler's idle wait is
 * neither woken nor waited for (unless its CR3 must go): it runs no code that uses those mappings before it has
 * the lock again, and it flushes as it takes the lock (bkl_lock). Waking it for every vmap unmap made each
 * open+close ~60 times slower under TCG. */
void tlb_shootdown(struct vm_space *vs, bool dying)
{
    if (!smp_active)
        return;
    struct percpu *me = this_cpu();
    u32 sent = 0, want[MAX_CPUS];
    for (int i = 0; i < ncpus_online; i++) {
        struct percpu *c = &cpus[i];
        if (c == me || (vs && c->active_vm != vs))
            continue;
        __atomic_store_n(&c->dying_vm, dying ? vs : NULL, __ATOMIC_RELAXED);
        want[i] = c->flush_req + 1; /* written by the lock holder alone */
        __atomic_store_n(&c->flush_req, want[i], __ATOMIC_RELEASE);
        if (!dying && __atomic_load_n(&c->halted, __ATOMIC_ACQUIRE))
            continue; /* it flushes when it takes the lock */
        lapic_send_ipi(c->apic_id, IPI_FLUSH);
        stats.flush_ipis++;
        sent |= 1u << i;
    }
    stats.shootdowns++;
    if (!sent)
        return;
    u64 t0 = rdtsc();
    for (int i = 0; i < ncpus_online; i++)
        if (sent & (1u << i))
            while ((i32)(__atomic_load_n(&cpus[i].flush_done, __ATOMIC_ACQUIRE) - want[i]) < 0)
                cpu_relax();
    stats.waited++;
    stats.kind[!vs ? 0 : dying ? 1 : 2]++;
    stats.wait_tsc += rdtsc() - t0;
}

int smp_proc_stats(char *buf, size_t size)
{
    return ksnprintf(buf, size,
                     "shootdowns %lu\nshootdowns_waited %lu\nwaited_kernel %lu\nwaited_dying %lu\nwaited_user %lu\n"
                     "flush_ipis %lu\nshootdown_wait_us %lu\nwake_ipis %lu\n",
                     stats.shootdowns, stats.waited, stats.kind[0], stats.kind[1], stats.kind[2], stats.flush_ipis,
                     clock_tsc_to_ns(stats.wait_tsc) / 1000, stats.wake_ipis);
}

/* A task became runnable: every halted CPU looks at the run queue again. */
void smp_wake_idle(void)
{
    if (!smp_active)
        return;
    struct percpu *me = this_cpu();
    for (int i = 0; i < ncpus_online; i++)
        if (&cpus[i] != me && __atomic_load_n(&cpus[i].halted, __ATOMIC_ACQUIRE)) {
            lapic_send_ipi(cpus[i].apic_id, IPI_WAKE);
            stats.wake_ipis++;
        }
}

/* A deadline, timer or alarm was set on an AP: the boot CPU, which watches them all, may be halted until a later
 * one (its idle wait's one-shot): it looks again. */
void smp_kick_boot_cpu(void)
{
    if (smp_active && this_cpu()->id != 0 && __atomic_load_n(&cpus[0].halted, __ATOMIC_ACQUIRE))
        lapic_send_ipi(cpus[0].apic_id, IPI_WAKE);
}

/* The boot CPU's tick: the others running a task end their slice too (they have no timer of their own yet). */
void smp_tick_others(void)
{
    struct percpu *me = this_cpu();
    for (int i = 0; i < ncpus_online; i++)
        if (&cpus[i] != me && !__atomic_load_n(&cpus[i].halted, __ATOMIC_ACQUIRE))
            lapic_send_ipi(cpus[i].apic_id, IPI_WAKE);
}
