/* syscalls/wait.c — wait4 and waitid: a child that ended (collected, unless WNOWAIT), stopped (WUNTRACED /
 * WSTOPPED) or was continued (WCONTINUED), reported once each as on Linux. A wait a signal interrupts is
 * restarted when the handler has SA_RESTART (kernel/sigdeliver.c). */
#include "syscalls.h"

#define WNOHANG 1
#define WUNTRACED 2 /* wait4's name for WSTOPPED */
#define WSTOPPED 2
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x01000000
#define WNOTHREAD 0x20000000
#define WALL 0x40000000
#define WCLONE 0x80000000u
#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define P_PIDFD 3
#define WAIT_EAGAIN 0x100 /* skiff's own: a non-blocking pidfd found nothing (not a user flag) */

struct wait_result {
    int pid, code, status; /* code: CLD_*; status: waitid's si_status */
    int wstatus;           /* wait4's encoding */
};

static bool matches(struct proc *me, struct proc *c, int idtype, int id, u32 options)
{
    if (c->parent != me)
        return false;
    /* Without __WALL: __WCLONE waits for "clone" children only (an exit signal other than SIGCHLD, or none),
     * and without it only for the others (Linux's eligible_child) */
    if (!(options & WALL) && ((c->exit_signal != SIGCHLD) != !!(options & WCLONE)))
        return false;
    if (idtype == P_PID)
        return c->pid == id;
    if (idtype == P_PGID)
        return c->pgid == id;
    return true;
}

/* What c has to report under options, if anything: true and *res filled. */
static bool report(struct proc *c, u32 options, struct wait_result *res)
{
    res->pid = c->pid;
    if (c->zombie && (options & WEXITED)) {
        res->code = c->term_sig ? CLD_KILLED : CLD_EXITED;
        res->status = c->term_sig ? c->term_sig : c->exit_code & 0xff;
        res->wstatus = c->term_sig ? c->term_sig : (c->exit_code & 0xff) << 8;
        return true;
    }
    if (!c->zombie && c->stopped && c->wait_report == WR_STOPPED && (options & WSTOPPED)) {
        res->code = CLD_STOPPED;
        res->status = c->stop_sig;
        res->wstatus = c->stop_sig << 8 | 0x7f;
        return true;
    }
    if (!c->zombie && c->wait_report == WR_CONTINUED && (options & WCONTINUED)) {
        res->code = CLD_CONTINUED;
        res->status = SIGCONT;
        res->wstatus = 0xffff;
        return true;
    }
    return false;
}

/* Finds a child to report and consumes the report (unless WNOWAIT); the rusage is copied before a zombie goes.
 * Returns its pid, 0 (WNOHANG, nothing yet), or -ECHILD / -EINTR / -EFAULT. */
static long wait_common(int idtype, int id, u32 options, struct wait_result *res, void *urusage)
{
    struct proc *me = current_proc();
    for (;;) {
        bool have = false;
        for (struct proc *c = me->children; c; c = c->sib_next) {
            if (!matches(me, c, idtype, id, options))
                continue;
            have = true;
            if (c->autoreap || !report(c, options, res))
                continue; /* an autoreaped child is never reported: it is waited for until it is gone */
            if (urusage && proc_rusage_user(c, RUSAGE_BOTH, urusage))
                return -EFAULT;
            if (options & WNOWAIT)
                return res->pid;
            if (c->zombie)
                proc_reap(c);
            else
                c->wait_report = WR_NONE;
            return res->pid;
        }
        if (!have)
            return -ECHILD;
        if (options & WNOHANG)
            return 0;
        if (signal_pending())
            return -EINTR;
        sched_wait_on(~0ull, current->proc); /* a child's end, stop or continue kicks its parent (signal_notify_parent) */
    }
}

SYSCALL(wait4)
{
    int pid = (int)a0;
    u32 options = (u32)a2;
    if (options & ~(u32)(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE))
        return -EINVAL;
    if (pid == (int)0x80000000)
        return -ESRCH; /* there is no group -INT_MIN */
    struct proc *me = current_proc();
    int idtype = pid > 0 ? P_PID : pid == -1 ? P_ALL : P_PGID;
    int id = pid > 0 ? pid : pid == 0 ? me->pgid : -pid;
    struct wait_result res;
    long rc = wait_common(idtype, id, options | WEXITED, &res, (void *)a3);
    if (rc > 0 && a1 && copy_to_user((void *)a1, &res.wstatus, sizeof(int)))
        return -EFAULT;
    return rc;
}

/* waitid(idtype, id, infop, options, rusage): the child's siginfo in infop (signo, code, pid, uid, status,
 * all zero when WNOHANG found nothing), 0 on success. */
SYSCALL(waitid)
{
    int idtype = (int)a0, id = (int)a1;
    u32 options = (u32)a3;
    if (options & ~(u32)(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | WNOTHREAD | WALL | WCLONE))
        return -EINVAL;
    if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
        return -EINVAL;
    switch (idtype) {
    case P_ALL:
        break;
    case P_PID:
        if (id <= 0)
            return -EINVAL;
        break;
    case P_PGID:
        if (id < 0)
            return -EINVAL;
        if (id == 0)
            id = current_proc()->pgid;
        break;
    case P_PIDFD: { /* the pidfd's process; a non-blocking pidfd makes the wait WNOHANG, EAGAIN for nothing */
        if (id < 0)
            return -EINVAL;
        struct file *f = fd_file(id);
        int pid = pidfd_pid(f);
        if (pid < 0)
            return pid;
        if (!(options & WNOHANG) && (f->flags & O_NONBLOCK))
            options |= WNOHANG | WAIT_EAGAIN;
        idtype = P_PID;
        id = pid;
        break;
    }
    default:
        return -EINVAL;
    }
    struct wait_result res = { 0 };
    long rc = wait_common(idtype, id, options & ~WAIT_EAGAIN, &res, (void *)a4);
    if (rc == 0 && (options & WAIT_EAGAIN))
        rc = -EAGAIN;
    if (rc <= 0)
        res = (struct wait_result){ 0 };
    if (a2) { /* written whatever the outcome, as Linux does */
        i32 f[7] = { rc > 0 ? SIGCHLD : 0, 0, rc > 0 ? res.code : 0, 0, res.pid, 0, res.status };
        if (copy_to_user((void *)a2, f, sizeof(f)))
            return -EFAULT;
    }
    return rc < 0 ? rc : 0;
}
