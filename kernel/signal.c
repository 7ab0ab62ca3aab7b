/* kernel/signal.c — sending signals: each acts on its target (a thread, or a whole process), never on the
 * sender unless they are the same. Pending signals wait in queues (one per process, one per thread): a
 * standard signal is queued at most once, a real-time one once per send with its value, in order. SIGKILL,
 * SIGCONT and the stop signals act when they are sent, as on Linux: SIGKILL wakes every thread of its
 * target to die on its way out, SIGCONT resumes a stopped process and discards pending stops, a stop
 * discards a pending SIGCONT. Delivery is kernel/sigdeliver.c. */
#include "proc.h"
#include "errno.h"
#include "../arch/x86_64/arch.h"

static const char *const names[] = {
    [SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
    [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
    [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [16] = "SIGSTKFLT",
    [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
    [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [24] = "SIGXCPU", [25] = "SIGXFSZ",
    [26] = "SIGVTALRM", [27] = "SIGPROF", [SIGWINCH] = "SIGWINCH", [29] = "SIGIO", [30] = "SIGPWR",
    [31] = "SIGSYS",
};

const char *signal_name(int sig)
{
    if (sig > 0 && sig < (int)ARRAY_SIZE(names) && names[sig])
        return names[sig];
    return sig >= 34 && sig <= NSIG ? "SIGRT" : "signal";
}

#define STOP_MASK (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
#define SIGQ_MAX 4096 /* queued entries in the whole system: what memory a sender can pin */

static int sigq_count; /* touched from the console interrupt too (^C): under a lock once there is SMP */

static bool default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

bool signal_ignored_by(struct proc *p, int sig)
{
    u64 h = p->sigactions[sig].handler;
    return sig != SIGKILL && sig != SIGSTOP && (h == SIG_IGN || (h == SIG_DFL && default_ignored(sig)));
}

/* Appends info to a queue; a standard signal already pending is not queued twice. When the queue is full a
 * standard signal (or a real-time one from kill) is still made pending, without its data, as on Linux. */
static int enqueue(struct sigq **head, u64 *pending, const struct k_siginfo *info)
{
    int sig = info->signo;
    if (sig < SIGRTMIN_K && (*pending & SIGBIT(sig)))
        return 0;
    u64 limit = current ? current->proc->rlimits[RLIMIT_SIGPENDING].cur : ~0ull;
    struct sigq *q = (u64)sigq_count < MIN(limit, (u64)SIGQ_MAX) ? kmalloc(sizeof(*q)) : NULL;
    if (!q) {
        if (sig >= SIGRTMIN_K && info->code != SI_USER)
            return -EAGAIN;
        *pending |= SIGBIT(sig);
        return 0;
    }
    q->info = *info;
    q->next = NULL;
    while (*head)
        head = &(*head)->next;
    *head = q;
    sigq_count++;
    *pending |= SIGBIT(sig);
    return 0;
}

/* Takes the first queued sig from one queue; the bit stays while more of it are queued. */
static void take_from(struct sigq **head, u64 *pending, int sig, struct k_siginfo *out)
{
    struct sigq **pp = head;
    while (*pp && (*pp)->info.signo != sig)
        pp = &(*pp)->next;
    if (*pp) {
        struct sigq *q = *pp;
        *out = q->info;
        *pp = q->next;
        kfree(q);
        sigq_count--;
    } else {
        *out = (struct k_siginfo){ .signo = sig, .code = SI_USER }; /* made pending without its data */
    }
    for (struct sigq *q = *head; q; q = q->next)
        if (q->info.signo == sig)
            return;
    *pending &= ~SIGBIT(sig);
}

/* The lowest-numbered pending signal in mask, the thread's own before the process's, as Linux picks. */
int signal_dequeue(u64 mask, struct k_siginfo *out)
{
    struct task *t = current;
    u64 own = t->sig_pending_task & mask, shared = t->proc->sig_pending & mask;
    int sig = 0;
    if (own) {
        sig = __builtin_ctzll(own) + 1;
        take_from(&t->sigq, &t->sig_pending_task, sig, out);
    } else if (shared) {
        sig = __builtin_ctzll(shared) + 1;
        take_from(&t->proc->sigq, &t->proc->sig_pending, sig, out);
    }
    if (sig && out->code == SI_TIMER)
        ptimer_dequeued(t->proc, out);
    return sig;
}

static bool queue_has_timer(const struct sigq *q, int id)
{
    for (; q; q = q->next)
        if (q->info.code == SI_TIMER && q->info.pid == id)
            return true;
    return false;
}

bool signal_timer_queued(struct proc *p, int id)
{
    if (queue_has_timer(p->sigq, id))
        return true;
    for (struct task *t = p->threads; t; t = t->proc_next)
        if (queue_has_timer(t->sigq, id))
            return true;
    return false;
}

static void flush_queue(struct sigq **head, u64 *pending, u64 mask)
{
    for (struct sigq **pp = head; *pp;) {
        struct sigq *q = *pp;
        if (mask & SIGBIT(q->info.signo)) {
            *pp = q->next;
            kfree(q);
            sigq_count--;
        } else {
            pp = &q->next;
        }
    }
    *pending &= ~mask;
}

void signal_flush(struct proc *p, u64 mask)
{
    flush_queue(&p->sigq, &p->sig_pending, mask);
    for (struct task *t = p->threads; t; t = t->proc_next)
        flush_queue(&t->sigq, &t->sig_pending_task, mask);
}

void signal_flush_task(struct task *t)
{
    flush_queue(&t->sigq, &t->sig_pending_task, ~0ull);
}

/* Every thread of p leaves its wait: to die (SIGKILL), to stop, or to go on (SIGCONT). */
static void wake_all(struct proc *p)
{
    for (struct task *t = p->threads; t; t = t->proc_next)
        if (t->state == TASK_BLOCKED)
            sched_interrupt(t);
}

/* SIGCHLD to p's parent (unless SA_NOCLDSTOP says not for stops and continues), and parents in wait4 or
 * waitid look again. Its end is told by its exit signal instead (clone's CSIGNAL: none if 0), as on Linux. */
void signal_notify_parent(struct proc *p, int code, int status)
{
    struct proc *pp = p->parent;
    struct task *pt = pp && !pp->zombie ? proc_first_task(pp) : NULL;
    bool ends = code != CLD_STOPPED && code != CLD_CONTINUED;
    int signo = ends ? p->exit_signal : SIGCHLD;
    if (signo != SIGCHLD && pp && p->parent_exec_count != pp->exec_count)
        signo = SIGCHLD; /* the parent runs another program now: it hears of the end as of any child's */
    bool quiet = signo < 1 || signo > NSIG || (!ends && (pp && (pp->sigactions[SIGCHLD].flags & SA_NOCLDSTOP)));
    if (pt && !quiet) {
        struct k_siginfo info = { .signo = signo, .code = code, .pid = p->pid, .value = (u64)status };
        signal_send_info(pt, &info, false);
    }
    sched_kick_chan(pp); /* its wait4 and vfork waits, and every poller (pidfds) */
}

/* A parent that ignores SIGCHLD, or set SA_NOCLDWAIT, leaves no zombies: its children are freed as they end
 * (with SA_NOCLDWAIT its handler still gets the SIGCHLD) and its wait4 waits for them all, then ECHILD. */
bool signal_autoreap(const struct proc *parent, const struct proc *child)
{
    if (!parent || parent->zombie || child->exit_signal != SIGCHLD)
        return false; /* a child with another exit signal stays for __WCLONE (Linux's do_notify_parent) */
    const struct k_sigaction *a = &parent->sigactions[SIGCHLD];
    return a->handler == SIG_IGN || (a->flags & SA_NOCLDWAIT);
}

/* clone3's CLONE_CLEAR_SIGHAND: the new process's handled signals go back to their default actions; ignored ones
 * stay ignored (Linux's flush_signal_handlers without force_default). */
void signal_clear_handlers(struct proc *p)
{
    for (int s = 1; s <= NSIG; s++) {
        struct k_sigaction *a = &p->sigactions[s];
        if (a->handler != SIG_IGN)
            a->handler = SIG_DFL;
        a->flags = a->restorer = a->mask = 0;
    }
}

/* SIGCONT, whatever its action: pending stops are discarded and a stopped process runs again. */
static void continue_proc(struct proc *p)
{
    signal_flush(p, STOP_MASK);
    if (!p->stopped)
        return;
    p->stopped = false;
    p->wait_report = WR_CONTINUED;
    signal_notify_parent(p, CLD_CONTINUED, SIGCONT);
    wake_all(p);
}

/* The thread that will take a process-wide signal: one that does not block it, woken if it waits. */
static void wake_one(struct task *t, int sig, bool thread)
{
    if (thread) {
        if (t->state == TASK_BLOCKED && !(t->sig_blocked & SIGBIT(sig)))
            sched_interrupt(t);
        return;
    }
    for (struct task *w = t->proc->threads; w; w = w->proc_next) {
        if (!(w->sig_blocked & SIGBIT(sig))) {
            if (w->state == TASK_BLOCKED)
                sched_interrupt(w);
            if (w->state != TASK_DEAD)
                return;
        }
    }
}

int signal_send_info(struct task *t, const struct k_siginfo *info, bool thread)
{
    int sig = info->signo;
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    struct proc *p = t->proc;
    if (sig == 0 || p->zombie)
        return 0;
    if (sig == SIGKILL) { /* the whole process, whichever thread it was sent to */
        p->sig_pending |= SIGBIT(SIGKILL);
        wake_all(p);
        return 0;
    }
    if (sig == SIGCONT)
        continue_proc(p);
    else if (STOP_MASK & SIGBIT(sig))
        signal_flush(p, SIGBIT(SIGCONT));
    /* An ignored signal is discarded now, unless the target blocks it (sigtimedwait may still take it). */
    if (signal_ignored_by(p, sig) && !(t->sig_blocked & SIGBIT(sig)))
        return 0;
    int rc = thread ? enqueue(&t->sigq, &t->sig_pending_task, info) : enqueue(&p->sigq, &p->sig_pending, info);
    if (rc == 0) {
        wake_one(t, sig, thread);
        sched_kick_chan(&p->sig_pending); /* signalfd readers and pollers (fs/signalfd.c's channel) look again */
    }
    return rc;
}

int signal_send_to(struct task *t, int sig, int code, bool thread)
{
    struct k_siginfo info = { .signo = sig, .code = code, .pid = current ? current->proc->pid : 0,
                              .uid = current ? current->cred.uid : 0 }; /* si_uid: the sender's real uid */
    if (code == SI_KERNEL)
        info.pid = info.uid = 0;
    return signal_send_info(t, &info, thread);
}

int signal_send(struct task *t, int sig)
{
    return signal_send_code(t, sig, SI_USER);
}

int signal_send_code(struct task *t, int sig, int code)
{
    return signal_send_to(t, sig, code, code == SI_TKILL);
}

int signal_send_pgrp(int pgid, int sig, int code)
{
    int sent = 0;
    for (struct proc *p = proc_list; p; p = p->next_proc) {
        if (p->zombie || p->pgid != pgid)
            continue;
        struct task *t = current && p == current->proc ? current : proc_first_task(p);
        if (t && signal_send_to(t, sig, code, false) == 0)
            sent++;
    }
    return sent ? 0 : -ESRCH;
}
