/* syscalls/timer.c — POSIX per-process timers: timer_create (SIGEV_SIGNAL, SIGEV_THREAD_ID, SIGEV_NONE;
 * SIGEV_THREAD is glibc's business and reaches the kernel as a signal), timer_settime/gettime (relative or
 * TIMER_ABSTIME, with an interval), timer_getoverrun, timer_delete. A timer whose signal is still queued when it
 * fires again counts an overrun instead of queueing another (si_overrun, timer_getoverrun), as on Linux.
 * Timers go at exec and exit. */
#include "syscalls.h"
#include "../kernel/ktimer.h"

#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4
#define TIMER_ABSTIME 1
#define NSEC 1000000000ull
#define DELAYTIMER_MAX 0x7fffffff

struct sigevent_k {
    u64 value;
    i32 signo, notify;
    i32 tid;
    u8 pad[44];
};
_Static_assert(sizeof(struct sigevent_k) == 64, "struct sigevent");

struct itimerspec_k { i64 isec, insec, vsec, vnsec; };

struct ptimer {
    struct ktimer k;           /* first: the fire callback gets it */
    struct ptimer *next;
    int id, notify, signo, tid;
    u64 value;
    u64 overrun_acc, overrun_last;
};

static struct ptimer *find(int id)
{
    for (struct ptimer *t = current_proc()->ptimers; t; t = t->next)
        if (t->id == id)
            return t;
    return NULL;
}

static void fire(struct ktimer *k, u64 count)
{
    struct ptimer *t = (struct ptimer *)k;
    struct proc *p = k->proc;
    if (t->notify == SIGEV_NONE || p->zombie)
        return;
    if (signal_timer_queued(p, t->id)) {
        t->overrun_acc += count; /* its last signal is not taken yet: one more overrun */
        return;
    }
    t->overrun_acc += count - 1;
    struct task *to = t->notify == SIGEV_THREAD_ID ? task_by_tid(t->tid) : NULL;
    bool thread = to && to->proc == p;
    struct k_siginfo info = { .signo = t->signo, .code = SI_TIMER, .pid = t->id, .value = t->value };
    struct task *target = thread ? to : proc_first_task(p);
    if (target)
        signal_send_info(target, &info, thread);
}

/* signal_dequeue took a timer's signal: its overruns go into the siginfo and timer_getoverrun. */
void ptimer_dequeued(struct proc *p, struct k_siginfo *info)
{
    for (struct ptimer *t = p->ptimers; t; t = t->next) {
        if (t->id == info->pid) {
            t->overrun_last = MIN(t->overrun_acc, (u64)DELAYTIMER_MAX);
            t->overrun_acc = 0;
            info->uid = (u32)t->overrun_last;
            return;
        }
    }
}

void ptimers_task_exit(struct task *t)
{
    for (struct ptimer *pt = t->proc->ptimers; pt; pt = pt->next)
        if (pt->k.clock == CLOCK_THREAD_CPUTIME_ID && pt->k.task == t)
            ktimer_cancel(&pt->k); /* its clock is gone; the timer stays, disarmed */
}

void ptimers_destroy(struct proc *p)
{
    while (p->ptimers) {
        struct ptimer *t = p->ptimers;
        p->ptimers = t->next;
        ktimer_cancel(&t->k);
        kfree(t);
    }
}

SYSCALL(timer_create)
{
    int clk = (int)a0;
    struct proc *p = current_proc();
    struct sigevent_k ev = { .value = (u64)p->ptimer_next_id, .signo = SIGALRM, .notify = SIGEV_SIGNAL };
    if (a1 && copy_from_user(&ev, (const void *)a1, sizeof(ev)))
        return -EFAULT;
    struct ktimer k = { .fire = fire };
    long bad = ktimer_clock_set(&k, clk); /* glibc and musl pass CPU-time clocks encoded (negative) */
    if (bad)
        return bad;
    if (ev.notify == SIGEV_THREAD_ID) {
        struct task *t = task_by_tid(ev.tid);
        if (!t || t->proc != p)
            return -EINVAL;
    } else if (ev.notify != SIGEV_SIGNAL && ev.notify != SIGEV_THREAD && ev.notify != SIGEV_NONE) {
        return -EINVAL;
    }
    if (ev.notify != SIGEV_NONE && (ev.signo <= 0 || ev.signo > NSIG))
        return -EINVAL;
    struct ptimer *t = kzalloc(sizeof(*t));
    if (!t)
        return -EAGAIN;
    *t = (struct ptimer){ .k = k,
                          .id = p->ptimer_next_id, .notify = ev.notify, .signo = ev.signo, .tid = ev.tid,
                          .value = ev.value };
    if (copy_to_user((void *)a2, &t->id, sizeof(int))) {
        kfree(t);
        return -EFAULT;
    }
    p->ptimer_next_id++;
    t->next = p->ptimers;
    p->ptimers = t;
    return 0;
}

static void get_spec(struct ptimer *t, struct itimerspec_k *out)
{
    u64 left = ktimer_left(&t->k);
    *out = (struct itimerspec_k){ t->k.interval / NSEC, t->k.interval % NSEC, left / NSEC, left % NSEC };
}

SYSCALL(timer_settime)
{
    struct itimerspec_k in, old;
    if (!a2)
        return -EINVAL;
    if (copy_from_user(&in, (const void *)a2, sizeof(in)))
        return -EFAULT;
    struct ptimer *t = find((int)a0);
    if (!t)
        return -EINVAL;
    if (in.isec < 0 || in.insec < 0 || in.insec >= (i64)NSEC || in.vsec < 0 || in.vnsec < 0 ||
        in.vnsec >= (i64)NSEC)
        return -EINVAL;
    get_spec(t, &old);
    u64 value = (u64)in.vsec * NSEC + (u64)in.vnsec, interval = (u64)in.isec * NSEC + (u64)in.insec;
    u64 expires = 0;
    if (value)
        expires = (a1 & TIMER_ABSTIME) ? MAX(value, 1ull) : ktimer_now(&t->k) + value;
    t->overrun_acc = 0;
    ktimer_set(&t->k, expires, interval);
    if (a3 && copy_to_user((void *)a3, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

SYSCALL(timer_gettime)
{
    struct ptimer *t = find((int)a0);
    if (!t)
        return -EINVAL;
    struct itimerspec_k cur;
    get_spec(t, &cur);
    return copy_to_user((void *)a1, &cur, sizeof(cur)) ? -EFAULT : 0;
}

SYSCALL(timer_getoverrun)
{
    struct ptimer *t = find((int)a0);
    return t ? (long)t->overrun_last : -EINVAL;
}

SYSCALL(timer_delete)
{
    struct proc *p = current_proc();
    for (struct ptimer **pp = &p->ptimers; *pp; pp = &(*pp)->next) {
        struct ptimer *t = *pp;
        if (t->id == (int)a0) {
            *pp = t->next;
            ktimer_cancel(&t->k);
            kfree(t);
            return 0;
        }
    }
    return -EINVAL;
}
