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
    u32 word; /* BKL_HELD, and bit 1 + i while CPU i sleeps for it (halted until the holder's IPI_LOCK) */
} bkl __attribute__((aligned(64)));
#define BKL_HELD 1u
_Static_assert(MAX_CPUS <= 31, "a sleeper's bit for every CPU in the lock word");
_Static_assert(IPI_WAKE >> 4 < IPI_FLUSH >> 4 && IPI_WAKE >> 4 < IPI_LOCK >> 4 && LAPIC_TIMER_VEC >> 4 < IPI_LOCK >> 4,
               "a CPU halted in bkl_lock inside a lock-taking interrupt's handler must still take IPI_FLUSH and IPI_LOCK");
static int bkl_owner = -1; /* written by the holder alone */

/* /proc/skiff/smp: how often a CPU halted waiting for the lock, and the wake-ups the holders sent. */
static struct {
    u64 sleeps, wakes;
} bkl_stats;

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

static bool bkl_try(void)
{
    return !(__atomic_load_n(&bkl.word, __ATOMIC_RELAXED) & BKL_HELD) &&
           !(__atomic_fetch_or(&bkl.word, BKL_HELD, __ATOMIC_ACQUIRE) & BKL_HELD);
}

/* How many times a CPU looks at the lock before it halts until the holder lets go (smp_lock_init; the kernel
 * command line's bklspin=N sets it, bklspin=off spins for good as before): under TCG on a busy host, or with
 * more vCPUs than host cores, the holder's vCPU may have no core while the waiters' spinning takes them (two
 * stress-ng dentry workers at --cpus 2 on 2 loaded cores made a file in ~1 ms, one alone in ~20 us); a halted
 * vCPU gives its host core back. Most holds end within the spin. */
#define BKL_SPIN_DEFAULT 256
static u32 bkl_spin = BKL_SPIN_DEFAULT;
static bool bkl_spin_only;

void smp_lock_init(void)
{
    const char *v = boot_arg("bklspin");
    if (!v)
        return;
    if (!strcmp(v, "off")) {
        bkl_spin_only = true;
        return;
    }
    u32 n = 0;
    for (; *v >= '0' && *v <= '9'; v++)
        n = n * 10 + (u32)(*v - '0');
    bkl_spin = n;
}

/* Halts until the holder's IPI_LOCK, unless the lock came free meanwhile. The sleeper's bit goes into the lock
 * word itself, so the holder's release (an exchange of the same word) either comes after it and sees the bit,
 * or came before it and the fetch sees the lock free: no lost wake-up (an IPI that comes before the hlt stays
 * pending, and sti;hlt takes it). Interrupts are on only in the sti;hlt pair: a
 * shootdown's IPI_FLUSH is answered there, IPI_WAKE and a tick are noted (smp_wake_fast), and on the boot CPU a
 * device's interrupt runs its handler, whose own bkl_lock spins (lock_sleep) rather than nesting a halt. */
static void bkl_sleep(struct percpu *c)
{
    u32 bit = 2u << c->id;
    c->lock_sleep = true;
    if (__atomic_fetch_or(&bkl.word, bit, __ATOMIC_SEQ_CST) & BKL_HELD) {
        flush_answer();
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
    __atomic_fetch_and(&bkl.word, ~bit, __ATOMIC_RELAXED);
    c->lock_sleep = false;
    __atomic_fetch_add(&bkl_stats.sleeps, 1, __ATOMIC_RELAXED);
}

void bkl_lock(void)
{
    struct percpu *c = this_cpu();
    /* Seen by a lock holder's tlb_shootdown, which then need not wait for this CPU (the flush_answer below comes
     * before anything here uses a mapping again). Restored, not cleared: an interrupt in bkl_sleep's halt nests
     * a bkl_lock (irq_enter_kernel) inside the outer wait. */
    bool outer = c->lock_wait;
    __atomic_store_n(&c->lock_wait, true, __ATOMIC_SEQ_CST); /* a full barrier: membarrier skips it too */
    while (!bkl_try()) {
        for (u32 n = 0; __atomic_load_n(&bkl.word, __ATOMIC_RELAXED) & BKL_HELD; n++) {
            flush_answer();
            cpu_relax();
            if (n >= bkl_spin && !c->lock_sleep && !bkl_spin_only) {
                bkl_sleep(c);
                break;
            }
        }
    }
    bkl_owner = (int)c->id;
    flush_answer(); /* one asked while this CPU was halted or waited here (tlb_shootdown does not wait for those) */
    __atomic_store_n(&c->lock_wait, outer, __ATOMIC_RELAXED);
}

void bkl_unlock(void)
{
    bkl_owner = -1;
    /* The sleepers' bits go too, so that the next release does not wake them again before they have run; the
     * word holds nothing else while the lock is held (a waiter's fetch_or of BKL_HELD changes nothing) */
    u32 sleepers = __atomic_exchange_n(&bkl.word, 0, __ATOMIC_RELEASE) >> 1;
    sleepers &= ~(1u << this_cpu()->id); /* an interrupt's handler in this CPU's own sleep (lock_sleep) */
    for (int i = 0; sleepers; i++, sleepers >>= 1)
        if (sleepers & 1) {
            lapic_send_ipi(cpus[i].apic_id, IPI_LOCK);
            __atomic_fetch_add(&bkl_stats.wakes, 1, __ATOMIC_RELAXED);
        }
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
 * open+close ~60 times slower under TCG. Nor is one waiting in bkl_lock, for the same reason: with more vCPUs
 * than host cores its vCPU often has no core, and the holder waited for the host to run it (smpstress fork at
 * --cpus 4: most of the 10 s went in such waits). It cannot take the lock, so cannot stop waiting, before the
 * holder lets go, and the holder's release orders the request before that. */
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
        if (!dying && (__atomic_load_n(&c->halted, __ATOMIC_ACQUIRE) || __atomic_load_n(&c->lock_wait, __ATOMIC_ACQUIRE)))
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
                     "flush_ipis %lu\nshootdown_wait_us %lu\nwake_ipis %lu\nlock_sleeps %lu\nlock_wakes %lu\n",
                     stats.shootdowns, stats.waited, stats.kind[0], stats.kind[1], stats.kind[2], stats.flush_ipis,
                     clock_tsc_to_ns(stats.wait_tsc) / 1000, stats.wake_ipis, bkl_stats.sleeps, bkl_stats.wakes);
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
