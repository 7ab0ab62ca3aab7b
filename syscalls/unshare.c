/* syscalls/unshare.c — unshare(2): the caller stops sharing what it shares with other tasks. Linux's order:
 * the implied flags, EINVAL for an unknown flag or for what a thread group cannot give up (CLONE_THREAD,
 * CLONE_SIGHAND, CLONE_VM with other threads; CLONE_VM with a CLONE_VM child), EPERM for a namespace without
 * CAP_SYS_ADMIN, and only then the work. CLONE_SYSVSEM runs the semaphore undo exit path (as Linux's
 * exit_sem): the adjustments are applied now and the list is gone. CLONE_NEWUTS gives the process its own
 * host and domain names (syscalls/proc.c). CLONE_NEWNS is granted to a process alone in the system (alone()).
 * Not done (test/conformance/partial): CLONE_NEWNS with other processes alive, the other namespaces (EINVAL, as
 * a kernel built without them), and CLONE_FS, CLONE_FILES, CLONE_NEWUTS and a shared CLONE_SYSVSEM list in a
 * multi-threaded process (skiff keeps them per process, so a thread cannot take a copy of its own: EINVAL). A
 * single-threaded process shares only its fd table, with a child made by clone CLONE_FILES: CLONE_FILES gives
 * it a copy. */
#include "syscalls.h"
#include "../ipc/ipc.h"

#define UNSHARE_NS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWCGROUP | \
                    CLONE_NEWTIME)
#define UNSHARE_KNOWN (CLONE_THREAD | CLONE_FS | CLONE_SIGHAND | CLONE_VM | CLONE_FILES | CLONE_SYSVSEM | \
                       CLONE_NEWUSER | UNSHARE_NS)

/* What one flag drags in with it (Linux's ksys_unshare). */
static u64 unshare_implied(u64 f)
{
    if (f & CLONE_NEWUSER)
        f |= CLONE_THREAD | CLONE_FS;
    if (f & CLONE_VM)
        f |= CLONE_SIGHAND;
    if (f & CLONE_SIGHAND)
        f |= CLONE_THREAD;
    if (f & CLONE_NEWNS)
        f |= CLONE_FS;
    return f;
}

/* Linux's check_unshare_flags: what cannot be unshared is refused unless nothing is shared. Signal handlers
 * are shared by threads only (a clone without CLONE_THREAD gets a copy in skiff). */
static long unshare_check(struct proc *p, u64 f)
{
    if (f & ~(u64)UNSHARE_KNOWN)
        return -EINVAL;
    if ((f & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) && p->nthreads > 1)
        return -EINVAL;
    if ((f & CLONE_VM) && p->vm->refs > 1)
        return -EINVAL; /* a CLONE_VM child (a vfork) still uses this memory */
    return 0;
}

/* A thread's own fs information, fd table or undo list: skiff keeps them per process. */
static long unshare_threaded(struct proc *p, u64 f)
{
    if (p->nthreads <= 1)
        return 0;
    if (f & (CLONE_FS | CLONE_FILES)) {
        kerr("skiff: unshare CLONE_FS/CLONE_FILES in a multi-threaded process is not implemented: EINVAL\n");
        return -EINVAL;
    }
    if ((f & CLONE_SYSVSEM) && p->sem_undo) {
        kerr("skiff: unshare CLONE_SYSVSEM of a list threads share is not implemented: EINVAL\n");
        return -EINVAL;
    }
    return 0;
}

/* Whether p is the only live process. skiff has one mount table; a new mount namespace for a process alone
 * is that table: every process after it descends from it, so none can see a difference. */
static bool alone(const struct proc *p)
{
    for (struct proc *q = proc_list; q; q = q->next_proc)
        if (q != p && !q->zombie)
            return false;
    return true;
}

/* Namespaces: CAP_SYS_ADMIN first (EPERM), as Linux; skiff makes only UTS ones (the rest EINVAL, as a kernel
 * without CONFIG_*_NS says). A new user namespace needs no capability on Linux: EINVAL here at once. */
static long unshare_ns(struct proc *p, u64 f)
{
    if (f & CLONE_NEWUSER) {
        kerr("skiff: unshare CLONE_NEWUSER is not implemented: EINVAL\n");
        return -EINVAL;
    }
    if (!(f & UNSHARE_NS))
        return 0;
    if (!capable(CAP_SYS_ADMIN))
        return -EPERM;
    u64 other = f & UNSHARE_NS & ~(u64)(CLONE_NEWUTS | CLONE_NEWNS);
    if ((f & CLONE_NEWNS) && !alone(p)) {
        kerr("skiff: unshare CLONE_NEWNS while other processes live is not implemented: EINVAL\n");
        return -EINVAL;
    }
    if (other) {
        kerr("skiff: unshare of namespace flags %#lx is not implemented: EINVAL\n", (unsigned long)other);
        return -EINVAL;
    }
    if (p->nthreads > 1) {
        kerr("skiff: unshare CLONE_NEWUTS in a multi-threaded process (a thread's own names): EINVAL\n");
        return -EINVAL;
    }
    return 0; /* a UTS namespace: made once nothing else can fail */
}

SYSCALL(unshare) /* (flags) */
{
    struct proc *p = current_proc();
    u64 f = unshare_implied(a0);
    long rc = unshare_check(p, f);
    if (!rc)
        rc = unshare_threaded(p, f);
    if (!rc)
        rc = unshare_ns(p, f);
    if (rc)
        return rc;
    if (f & CLONE_FILES) { /* a copy when a CLONE_FILES process shares the table */
        struct fdtable *t = fdtable_unshare(p->fdt);
        if (!t)
            return -ENOMEM;
        p->fdt = t;
    }
    if ((f & CLONE_NEWUTS) && (rc = uts_new(p)))
        return rc;
    if (f & CLONE_SYSVSEM) { /* "equivalent to exit" for the undo list (Linux's comment on exit_sem) */
        sem_exit(p); /* the list's last holder applies it; others sharing it keep it */
    }
    return 0; /* CLONE_FS: a clone without CLONE_THREAD gets copies of cwd, root and umask in skiff */
}
