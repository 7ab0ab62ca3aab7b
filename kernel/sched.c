/* kernel/sched.c — tasks and the scheduler. Round-robin over a run queue that holds the runnable tasks alone
 * (a switch costs the same with ten thousand waiting tasks as with none); the kernel is never
 * preempted (it runs with interrupts off), so a switch happens only where the kernel chooses: on the way back
 * to ring 3 when the time slice is over (the timer ticks only while two or more tasks can run), or when a
 * task waits. Each task has its own kernel stack, FS base and FPU state, switched here. The wait queues and
 * the ways to wait and wake are in kernel/waitq.c. */
#include "proc.h"
#include "boot.h"
#include "errno.h"
#include "../arch/x86_64/arch.h"
#include "../arch/x86_64/smp.h"
#include "../net/net.h"

struct task *task_list;
static struct task *task_tail;

/* The run queue: exactly the tasks whose state is TASK_RUNNABLE (the running one included), in the order they
 * get the CPU. Every state change goes through sched_set_runnable/sched_set_blocked below. Changed from interrupt
 * handlers too (a device's I/O wake-up, a timer's signal): on one CPU that is safe because the kernel runs
 * with interrupts off except in irq_wait; with SMP it needs the scheduler's lock. */
static struct task *rq_head, *rq_tail;
static int rq_len;
static int rq_rt;   /* how many of them have a real-time policy: none, and picking costs what it did without */

/* How many tasks can run now (the running one included): the load average's sample. */
int sched_nr_running(void)
{
    return rq_len;
}

const struct task *sched_rq_head(void)
{
    return rq_head;
}

static void rq_add(struct task *t)
{
    if (t->on_rq)
        return;
    acct_load_update(); /* the 5-second samples up to now saw the count before this change */
    rq_len++;
    rq_rt += t->rt_prio != 0;
    t->rq_next = NULL;
    t->rq_prev = rq_tail;
    if (rq_tail)
        rq_tail->rq_next = t;
    else
        rq_head = t;
    rq_tail = t;
    t->on_rq = true;
}

static void rq_del(struct task *t)
{
    if (!t->on_rq)
        return;
    acct_load_update();
    rq_len--;
    rq_rt -= t->rt_prio != 0;
    if (t->rq_prev)
        t->rq_prev->rq_next = t->rq_next;
    else
        rq_head = t->rq_next;
    if (t->rq_next)
        t->rq_next->rq_prev = t->rq_prev;
    else
        rq_tail = t->rq_prev;
    t->on_rq = false;
}

void sched_set_runnable(struct task *t)
{
    waitheap_remove(t);
    t->state = TASK_RUNNABLE;
    rq_add(t);
    if (t->rt_prio && (!current || t->rt_prio > current->rt_prio))
        percpu_gs.need_resched = true; /* it preempts this CPU's task on its way back to ring 3 */
    smp_wake_idle(); /* several CPUs: a halted one may take it */
}

void sched_set_blocked(struct task *t)
{
    t->state = TASK_BLOCKED;
    rq_del(t);
    if (t->wake_deadline != ~0ull) {
        waitheap_insert(t); /* expire_waits finds it there */
        if (waitheap_first() == t)
            smp_kick_boot_cpu(); /* the soonest now: the boot CPU's idle wait may end later */
    }
}
/* Each CPU's dead task, whose stack is freed once that CPU is off it (a CPU halting with nothing to run stays on
 * it meanwhile), and its process when the process goes with it (autoreap). The process is decided at the
 * task's end: once the task is dead, a wait4 on another CPU may free a process that is not autoreaped, so the
 * task's own proc pointer is not looked at again. */
static struct task *reap[MAX_CPUS];
static struct proc *reap_proc[MAX_CPUS];
static struct task *current_next; /* the task a switch goes to (task_start_c picks it up) */
static u64 idle_context(struct percpu *c);

void switch_stacks(u64 *save_ksp, u64 new_ksp);
extern char task_start[];

void sched_init(struct task *first)
{
    if (!waitheap_reserve(64))
        panic("no memory for the scheduler's deadlines");
    task_list = task_tail = first;
    first->next = first->prev = NULL;
    tid_index_add(first);
    first->proc_next = first->proc_prev = NULL;
    first->proc->threads = first->proc->threads_tail = first;
    sched_set_runnable(first);
    first->running_on = (u8)(this_cpu()->id + 1);
    first->proc->nthreads = 1;
    /* The boot CPU's idle stack, now: its first idle may come only once the program has used up memory (two
     * stress-ng bigheap workers at --cpus 2 met "no memory for an idle stack") */
    idle_context(this_cpu());
}

void sched_add(struct task *t)
{
    t->next = NULL;
    t->prev = task_tail;
    if (task_tail)
        task_tail->next = t;
    else
        task_list = t;
    task_tail = t;
    tid_index_add(t);
    struct proc *p = t->proc; /* oldest first: a process-wide signal tries the main thread first, as Linux */
    t->proc_next = NULL;
    t->proc_prev = p->threads_tail;
    if (p->threads_tail)
        p->threads_tail->proc_next = t;
    else
        p->threads = t;
    p->threads_tail = t;
    sched_set_runnable(t);
    t->proc->nthreads++;
    timer_check_needed();
}

bool sched_alone(void)
{
    return task_list == current && !current->next;
}

bool sched_others_runnable(void)
{
    return rq_head && (rq_head != current || rq_head->rq_next);
}

/* sched_setaffinity's mask: may t run on this CPU? */
static bool may_run_here(const struct task *t, u32 cpu)
{
    return !t->cpus_allowed || (t->cpus_allowed >> cpu & 1);
}

u64 sched_affinity(const struct task *t)
{
    u64 online = (1ull << ncpus_online) - 1;
    return t->cpus_allowed ? t->cpus_allowed & online : online;
}

/* The mask holds online CPUs only. A thread running on a CPU it may no longer use leaves it: the caller itself
 * at once (schedule() skips it here; a CPU it may use is woken to take it), another thread at its CPU's next
 * way back to ring 3 (an IPI ends its slice, sched_preempt_point). */
void sched_set_affinity(struct task *t, u64 mask)
{
    u64 online = (1ull << ncpus_online) - 1;
    t->cpus_allowed = (mask & online) == online ? 0 : (u16)mask;
    if (!smp_active || !t->running_on || may_run_here(t, t->running_on - 1u))
        return;
    if (t == current)
        schedule();
    else
        lapic_send_ipi(cpus[t->running_on - 1].apic_id, IPI_WAKE);
}

/* Blocked tasks whose time is up become runnable again (the soonest deadlines first, from waitheap.c). */
static void expire_waits(void)
{
    struct task *t = waitheap_first();
    if (!t)
        return;
    u64 now = clock_monotonic_ns();
    for (; t && t->wake_deadline <= now; t = waitheap_first())
        sched_set_runnable(t);
}

static u64 next_deadline(void)
{
    struct task *t = waitheap_first();
    return t ? t->wake_deadline : ~0ull;
}

/* Real-time policies, as sched(7): a runnable SCHED_FIFO or SCHED_RR task runs before every fair one, the
 * highest priority first, equals in queue order; SCHED_FIFO keeps the CPU until it waits or yields (a higher
 * priority preempts it, and it stays first among its equals), SCHED_RR passes it to its equals every 100 ms.
 * So that a spinning real-time task cannot lock out a shell, fair tasks that waited on a CPU behind real-time
 * ones for 950 ms get it for 50 ms (Linux 6.12+'s deferred fair server, with the defaults of
 * sched_rt_runtime_us/sched_rt_period_us). The accounting runs only while real-time tasks exist (it reads the
 * clock, which the fair path never does). */
#define FAIR_STARVED_NS 950000000ull
#define FAIR_GRANT_NS 50000000ull
#define RR_ROUND_NS 100000000ull

/* Whether fair tasks go first on this CPU now: they have waited behind real-time ones long enough. */
static bool fair_granted(u64 now)
{
    struct percpu *c = this_cpu();
    if (now < c->fair_grant_until)
        return true;
    if (c->fair_wait_since && now - c->fair_wait_since >= FAIR_STARVED_NS) {
        c->fair_grant_until = now + FAIR_GRANT_NS;
        c->fair_wait_since = 0;
        return true;
    }
    return false;
}

/* Whether the running task goes behind the others at this switch: a fair one always; SCHED_FIFO only when it
 * yields; SCHED_RR when it yields or its round is over. */
static bool rotates(struct task *cur, u64 now)
{
    bool yield = cur->rt_yield;
    cur->rt_yield = false;
    if (!cur->rt_prio)
        return true;
    if (cur->policy == SCHED_RR && now - cur->rr_start_ns >= RR_ROUND_NS) {
        cur->rr_start_ns = now;
        return true;
    }
    return yield;
}

static bool may_pick(const struct task *t, u8 me)
{
    return !smp_active || ((!t->running_on || t->running_on == me) && may_run_here(t, me - 1u));
}

/* What this CPU may run from the queue: the first real-time task of the highest priority, the first fair one. */
struct picks {
    struct task *rt, *fair;
};

static struct picks pick_from_queue(u8 me)
{
    struct picks p = { 0 };
    for (struct task *t = rq_head; t && !(p.fair && !rq_rt); t = t->rq_next) {
        if (!may_pick(t, me))
            continue;
        if (!t->rt_prio && !p.fair)
            p.fair = t;
        else if (t->rt_prio && (!p.rt || t->rt_prio > p.rt->rt_prio))
            p.rt = t;
    }
    return p;
}

/* The head of the run queue; a running task that can go on goes to the back first, so the others get their
 * turn (itself again when it is alone). */
static struct task *pick_next(void)
{
    expire_waits();
    struct task *cur = current;
    u8 me = (u8)(this_cpu()->id + 1);
    if (!rq_rt && !(cur && cur->rt_prio)) { /* the fair path: no clock read, no scan on one CPU */
        if (cur && cur->on_rq && cur != rq_tail) {
            rq_del(cur);
            rq_add(cur);
        }
        return smp_active ? pick_from_queue(me).fair : rq_head;
    }
    u64 now = clock_monotonic_ns();
    if (cur && cur->on_rq && cur != rq_tail && rotates(cur, now)) {
        rq_del(cur);
        rq_add(cur);
    }
    struct percpu *c = this_cpu();
    struct picks p = pick_from_queue(me);
    struct task *t = p.rt && !(p.fair && fair_granted(now)) ? p.rt : p.fair;
    if (t && t->rt_prio) {
        if (p.fair && !c->fair_wait_since)
            c->fair_wait_since = now; /* a fair task starts waiting behind it */
        if (t != cur && t->policy == SCHED_RR && !t->rr_start_ns)
            t->rr_start_ns = now;
    } else {
        c->fair_wait_since = 0;
    }
    return t;
}

/* sched_setscheduler/sched_setattr: the task's new policy and priority (0 for a fair policy). A change on the
 * run queue moves nothing: the next switch on any CPU picks by the new priority; this CPU looks at once. */
void sched_set_rt(struct task *t, int policy, int prio)
{
    if (t->on_rq)
        rq_rt += (prio != 0) - (t->rt_prio != 0);
    t->policy = (u8)policy;
    t->rt_prio = (u8)prio;
    t->rr_start_ns = 0;
    percpu_gs.need_resched = true;
}

void sched_yield_current(void)
{
    current->rt_yield = true;
    schedule();
}

static void free_reaped(void)
{
    int me = (int)this_cpu()->id;
    if (!reap[me] || reap[me] == current)
        return; /* still on its stack */
    struct proc *p = reap_proc[me];
    task_free(reap[me]);
    reap[me] = NULL;
    reap_proc[me] = NULL;
    if (p) { /* its last task is gone: nothing refers to the zombie now */
        struct proc *parent = p->parent;
        proc_reap(p);
        if (parent)
            sched_kick_chan(parent); /* a wait4 waiting for its children to be gone */
    }
}

/* The part of a switch that the new task runs: its stack for ring-3 entries, its FS and GS bases, its FPU state. */
static void switch_in(struct task *t)
{
    if (!current || current->state == TASK_DEAD || current->proc->vm != t->proc->vm)
        vm_activate(t->proc->vm); /* another process: its address space */
    current = t;
    arch_set_kstack(t->kstack_top);
    wrmsr(MSR_FS_BASE, t->fs_base);
    /* The user's GS base: while the kernel runs, swapgs keeps it in KERNEL_GS_BASE; the way out swaps it in.
     * schedule() saved the old task's live bases (CR4.FSGSBASE lets a program move them itself). */
    wrmsr(MSR_KERNEL_GS_BASE, t->gs_base);
    arch_set_tsd(t->tsc_sigsegv); /* prctl PR_SET_TSC: nothing to write unless it differs from the last task's */
    arch_fpu_restore(t->fpu);
    free_reaped();
}

/* Time a CPU spent halted with nothing to run: what its past halts added up to (idle_tsc), and the halt it is in
 * now, if any (an AP may stay halted for as long as nothing runs: counted only when it woke, a sleeping guest's
 * idle time grew by one CPU's worth, not N; test/guest t_loadavg at SKIFF_CPUS=2). Called with the lock, which
 * a halted CPU takes before it moves its halt into idle_tsc. */
static u64 cpu_idle_tsc(const struct percpu *c)
{
    u64 since = __atomic_load_n(&c->idle_since, __ATOMIC_ACQUIRE);
    return c->idle_tsc + (since ? rdtsc_now() - since : 0);
}

/* /proc/stat's and /proc/uptime's idle time: every CPU's. */
u64 sched_idle_ns(void)
{
    u64 sum = 0;
    for (int i = 0; i < ncpus_online; i++)
        sum += cpu_idle_tsc(&cpus[i]);
    return clock_tsc_to_ns(sum);
}

u64 sched_cpu_idle_ns(int cpu)
{
    return clock_tsc_to_ns(cpu_idle_tsc(&cpus[cpu]));
}

void schedule(void)
{
    percpu_gs.need_resched = false;
    acct_charge(false);
    acct_load_update();
    struct task *next;
    bool waits = current->state == TASK_BLOCKED, halted = false;
    if (smp_active && !(next = pick_next())) { /* nothing to run: to this CPU's idle context, off this stack */
        struct task *prev = current;
        if (waits)
            prev->nvcsw++;
        else if (prev->state == TASK_RUNNABLE)
            smp_wake_idle(); /* it may not run here (sched_setaffinity): a halted CPU it may use takes it */
        arch_fpu_save(prev->fpu);
        arch_user_bases_save(&prev->fs_base, &prev->gs_base); /* a WRFSBASE/WRGSBASE of its own survives */
        prev->running_on = 0;
        kstat.ctxt++;
        switch_stacks(&prev->ksp, idle_context(this_cpu()));
        switch_in(prev); /* back from the idle loop: prev runs again, here or on another CPU */
        acct_resume();
        current->rseq_notify = true;
        return;
    }
    while (!smp_active && !(next = pick_next())) {
        halted = true;
        if (net_idle())
            continue; /* packets to ourselves were delivered: their receivers may run now */
        /* Every task waits: halt until an interrupt (which wakes I/O waiters) or the next deadline: a wait's,
         * a timer's or an alarm's (irq_wait leaves the tick for a one-shot meanwhile), unless the network's
         * timers ride on the tick. */
        u64 d = next_deadline(), now = clock_monotonic_ns(), t0 = rdtsc_now();
        if (net_timer_needed())
            d = timer_is_periodic() ? ~0ull : d;
        else
            d = MIN(d, MIN(ktimers_next(), alarms_next()));
        irq_wait_idle(d == ~0ull ? ~0ull : d > now ? MIN(d - now, 50000000ull) : 0);
        percpu_gs.idle_tsc += rdtsc_now() - t0;
    }
    /* getrusage's switches: away while it waits (the CPU halting counts: Linux switches to its idle task),
     * or at the end of a slice while it could go on (involuntary) */
    if (waits && (halted || next != current))
        current->nvcsw++;
    if (halted)
        kstat.ctxt += next == current ? 2 : 1; /* to the idle wait and back, as Linux's idle task counts */
    else if (next != current && current->state == TASK_RUNNABLE)
        current->nivcsw++;
    if (next == current) {
        acct_resume(); /* a halt in between was nobody's time */
        return;
    }
    struct task *prev = current;
    if (prev->state == TASK_RUNNABLE)
        smp_wake_idle(); /* it could go on: a halted CPU may take it */
    arch_fpu_save(prev->fpu);
    arch_user_bases_save(&prev->fs_base, &prev->gs_base); /* a WRFSBASE/WRGSBASE of its own survives */
    /* the big lock is held until next runs on its own stack: no CPU sees prev free before it is */
    prev->running_on = 0;
    next->running_on = (u8)(this_cpu()->id + 1);
    current_next = next;
    kstat.ctxt++;
    switch_stacks(&prev->ksp, next->ksp);
    switch_in(prev); /* back on prev's stack: prev runs again */
    acct_resume();
    current->rseq_notify = true; /* it was preempted or waited: rseq's sections restart */
}

/* A new task's first moments: it came here through switch_stacks from schedule(), so it finishes that
 * switch (stack, FS, FPU) as schedule's other half would, then enters ring 3. */
void task_start_c(struct regs *frame)
{
    switch_in(current_next);
    acct_resume();
    rseq_user_return(frame); /* a fork child inherits the parent's rseq and gets its ids written */
    if (signal_pending())
        signal_deliver(frame); /* one sent before its first run acts now, as on Linux's return from fork */
    arch_return_to_user(frame);
}

/* Builds a new task's kernel stack so that its first switch_stacks returns into task_start. */
void sched_prepare(struct task *t, struct regs *frame)
{
    u64 *sp = (u64 *)((u64)frame);
    *--sp = (u64)task_start;   /* switch_stacks' ret */
    *--sp = 0;                 /* rbp */
    *--sp = 0;                 /* rbx */
    *--sp = (u64)frame;        /* r12: the frame task_start enters */
    *--sp = 0;                 /* r13 */
    *--sp = 0;                 /* r14 */
    *--sp = 0;                 /* r15 */
    t->ksp = (u64)sp;
}

void sched_tick(void)
{
    percpu_gs.need_resched = true;
    alarms_fire();
    if (net_timer_needed()) { /* the network stack's timers ride on this tick (net/net.c) */
        net_timer(clock_monotonic_ns());
        if (!net_timer_needed())
            timer_check_needed();
    }
}

void sched_preempt_point(struct regs *r)
{
    /* A sleeper whose time is up may run now: only a switch looked at deadlines, so a task that never made a
     * syscall (a busy loop) kept every sleeper waiting for good. Cheap while no deadline has come. */
    if (percpu_gs.need_resched)
        expire_waits();
    if (percpu_gs.need_resched && (sched_others_runnable() || !may_run_here(current, this_cpu()->id)))
        schedule(); /* its slice is over, or its CPU is no longer one it may use (sched_setaffinity) */
    rseq_user_return(r);
}

/* Off the list of tasks and the run queue, for good (it is dead, or about to be freed). */
void sched_remove(struct task *t)
{
    rq_del(t);
    waitq_del(t);
    waitheap_remove(t);
    tid_index_del(t);
    struct proc *p = t->proc;
    if (t->proc_prev)
        t->proc_prev->proc_next = t->proc_next;
    else if (p->threads == t)
        p->threads = t->proc_next;
    if (t->proc_next)
        t->proc_next->proc_prev = t->proc_prev;
    else if (p->threads_tail == t)
        p->threads_tail = t->proc_prev;
    t->proc_next = t->proc_prev = NULL;
    if (t->prev)
        t->prev->next = t->next;
    else if (task_list == t)
        task_list = t->next;
    else
        return; /* not on the list */
    if (t->next)
        t->next->prev = t->prev;
    else
        task_tail = t->prev;
    t->next = t->prev = NULL;
}

/* The current thread ends: its tid word is cleared and a joiner woken (CLONE_CHILD_CLEARTID); the last
 * thread of a process ends the process with code. Its stack is freed by the next task to run. */
noreturn void task_exit(int code)
{
    struct task *t = current;
    struct proc *p = t->proc;
    if (p->nthreads == 1)
        proc_exit(code);
    p->nthreads--;
    futex_robust_exit(t); /* before the tid word, as Linux's mm_release */
    if (t->clear_child_tid) {
        u32 zero = 0;
        copy_to_user((void *)t->clear_child_tid, &zero, sizeof(zero));
        futex_wake_addr(t->clear_child_tid, 1);
    }
    signal_flush_task(t);
    acct_task_exit(t);
    ptimers_task_exit(t);
    sched_exit_current();
}

/* Takes the current task off the CPU for good (its process is gone or going on without it). */
noreturn void sched_exit_current(void)
{
    struct task *t = current;
    t->state = TASK_DEAD;
    sched_remove(t);
    waitq_wake_lone();
    int me = (int)this_cpu()->id;
    reap[me] = t;
    reap_proc[me] = t->proc && t->proc->zombie && t->proc->autoreap ? t->proc : NULL;
    timer_check_needed();
    schedule();
    panic("a dead task was scheduled");
}

/* SMP: what a CPU does with nothing to run, on a stack of its own (idle_ksp) so that no task's kernel stack stays
 * in use while it halts (another CPU may take that task, or free it). With the big lock: free the task that died
 * here, take a runnable task that no CPU runs, or halt until a wake-up IPI (the boot CPU: until the next
 * deadline, as schedule() on one CPU). An AP enters it from ap_main; the boot CPU the first time it has nothing
 * to run (idle_context). A task that resumes from here finishes the switch in schedule() or task_start_c. */
static noreturn void sched_idle_loop(void)
{
    struct percpu *c = this_cpu();
    for (;;) {
        current = NULL;
        free_reaped();
        expire_waits();
        struct task *t;
        for (t = rq_head; t && (t->running_on || !may_run_here(t, c->id)); t = t->rq_next)
            ;
        if (t) {
            lapic_timer_tick(true); /* an AP's time slices (the boot CPU's: the PIT) */
            t->running_on = (u8)(c->id + 1);
            current_next = t;
            switch_stacks(&c->idle_ksp, t->ksp);
            continue;
        }
        u64 ns = ~0ull, t0 = rdtsc_now();
        lapic_timer_tick(false); /* nothing to slice: an idle AP wakes for an IPI only */
        if (c->id == 0) { /* the PIT is the boot CPU's: it wakes for deadlines and serves the network */
            if (net_idle())
                continue;
            u64 d = next_deadline(), now = clock_monotonic_ns();
            if (net_timer_needed())
                d = timer_is_periodic() ? ~0ull : d;
            else
                d = MIN(d, MIN(ktimers_next(), alarms_next()));
            ns = d == ~0ull ? ~0ull : d > now ? MIN(d - now, 50000000ull) : 0;
            /* Nothing timed and no network timer: the time-slice tick has nothing to end here, so the halt
             * takes a 50 ms one-shot instead (the APs have their own ticks): an idle boot CPU woke 1000
             * times a second, each time taking the big lock from the CPUs that work. */
            if (ns == ~0ull && timer_is_periodic() && !net_timer_needed() && lapic_timers_on())
                ns = 50000000ull;
        }
        __atomic_store_n(&c->idle_since, t0, __ATOMIC_RELEASE); /* before the lock goes: sched_idle_ns sees it */
        irq_wait_idle(ns);
        c->idle_tsc += rdtsc_now() - t0;
        __atomic_store_n(&c->idle_since, 0, __ATOMIC_RELEASE);
    }
}

static void idle_entry(void)
{
    sched_idle_loop();
}

/* This CPU's idle context: made on first use, a stack whose first switch_stacks returns into idle_entry. */
static u64 idle_context(struct percpu *c)
{
    if (c->idle_ksp)
        return c->idle_ksp;
    u8 *stack = page_alloc_n(KSTACK_PAGES);
    if (!stack)
        panic("no memory for an idle stack");
    u64 *sp = (u64 *)(stack + KSTACK_PAGES * PAGE_SIZE);
    *--sp = 0;                 /* so that idle_entry starts as if called: rsp 8 past a 16-byte boundary */
    *--sp = (u64)idle_entry;   /* switch_stacks' ret */
    for (int i = 0; i < 6; i++)
        *--sp = 0;             /* rbp rbx r12 r13 r14 r15 */
    return c->idle_ksp = (u64)sp;
}

/* An AP once the scheduler runs on it (ap_main): its boot stack is its idle context. */
noreturn void sched_ap_idle(void)
{
    bkl_lock();
    __atomic_store_n(&this_cpu()->halted, false, __ATOMIC_RELEASE); /* ap_main halted until the first wake-up */
    sched_idle_loop();
}

/* SMP: before a process ends, its other threads must be off every CPU (their kernel stacks are freed with
 * them). One running elsewhere gets SIGKILL and a wake-up IPI, and ends alone on its way back to ring 3
 * (proc_end sees p->exiting); meanwhile this CPU lets go of the lock so that it can. False: another thread
 * already ends p, so the caller only goes. */
bool sched_others_off_cpu(struct proc *p)
{
    if (!smp_active)
        return true;
    if (p->exiting)
        return false;
    p->exiting = true;
    for (;;) {
        bool busy = false;
        for (struct task *t = p->threads; t; t = t->proc_next) {
            if (t == current || !t->running_on)
                continue;
            busy = true;
            if (!(t->sig_pending_task & (1ull << (SIGKILL - 1))))
                signal_send(t, SIGKILL);
            lapic_send_ipi(cpus[t->running_on - 1].apic_id, IPI_WAKE);
        }
        if (!busy)
            return true;
        bkl_unlock();
        for (int i = 0; i < 1000; i++)
            cpu_relax();
        bkl_lock();
    }
}
