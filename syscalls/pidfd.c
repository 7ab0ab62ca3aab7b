/* syscalls/pidfd.c — pidfd_open, pidfd_send_signal, pidfd_getfd, and the pidfd clone/clone3 return with
 * CLONE_PIDFD (the file itself is fs/pidfd.c). A pidfd names a process (PIDFD_THREAD pidfds, which name one
 * thread, are not implemented: EINVAL). Errors follow Linux 6.18's order. */
#include "syscalls.h"

#define PIDFD_NONBLOCK O_NONBLOCK
#define PIDFD_THREAD O_EXCL
#define PIDFD_SIGNAL_THREAD 1u
#define PIDFD_SIGNAL_THREAD_GROUP 2u
#define PIDFD_SIGNAL_PROCESS_GROUP 4u

/* The process a pidfd names (a zombie included): NULL with *err -ESRCH once it was reaped, -EBADF for an fd
 * that is not a pidfd. */
struct proc *pidfd_proc(int fd, long *err)
{
    int pid = pidfd_pid(fd_file(fd));
    *err = pid < 0 ? pid : -ESRCH;
    return pid < 0 ? NULL : proc_by_pid(pid);
}

SYSCALL(pidfd_open)
{
    int pid = (int)a0;
    u32 flags = (u32)a1;
    if (flags & ~(u32)(PIDFD_NONBLOCK | PIDFD_THREAD))
        return -EINVAL;
    if (pid <= 0)
        return -EINVAL;
    if (flags & PIDFD_THREAD) {
        kerr("skiff: pidfd_open PIDFD_THREAD is not implemented: EINVAL\n");
        return -EINVAL;
    }
    if (!proc_by_pid(pid))
        return task_by_tid(pid) ? -ENOENT : -ESRCH; /* a thread's tid names no process */
    return fd_install_new(pidfd_create(pid, flags), true); /* pidfds are always close-on-exec */
}

/* The sender's siginfo (pidfd_send_signal's info): as rt_sigqueueinfo takes it. */
static long info_from_user(const void *uinfo, int sig, struct k_siginfo *info)
{
    u8 raw[128];
    if (copy_from_user(raw, uinfo, sizeof(raw)))
        return -EFAULT;
    *info = (struct k_siginfo){ 0 };
    memcpy(&info->signo, raw, 4);
    memcpy(&info->errnum, raw + 4, 4);
    memcpy(&info->code, raw + 8, 4);
    memcpy(&info->pid, raw + 16, 4);
    memcpy(&info->uid, raw + 20, 4);
    memcpy(&info->value, raw + 24, 8);
    return info->signo == sig ? 0 : -EINVAL;
}

static long send_scoped(struct proc *p, struct task *thread, u32 scope, const struct k_siginfo *info)
{
    if (info->signo < 0 || info->signo > NSIG)
        return -EINVAL;
    if (scope == PIDFD_SIGNAL_PROCESS_GROUP)
        return signal_send_pgrp(p->pgid, info->signo, info->code);
    if (p->zombie)
        return 0; /* it still exists until reaped: the signal is accepted and has no effect, as on Linux */
    struct task *t = thread ? thread : p == current_proc() ? current : proc_first_task(p);
    if (!t)
        return -ESRCH;
    if (!info->signo)
        return 0;
    return signal_send_info(t, info, thread != NULL);
}

SYSCALL(pidfd_send_signal)
{
    int pidfd = (int)a0, sig = (int)a1;
    u32 flags = (u32)a3;
    u32 scope = flags & (PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP);
    if (flags != scope || (scope & (scope - 1)))
        return -EINVAL; /* unknown flags, or more than one scope */
    struct proc *p;
    struct task *thread = NULL;
    long err;
    if (!(p = pidfd_proc(pidfd, &err)))
        return err; /* (Linux 6.18 gives PIDFD_SELF_* no meaning here: EBADF) */
    if (scope == PIDFD_SIGNAL_THREAD)
        thread = p == current_proc() ? current : proc_first_task(p);
    else if (scope)
        thread = NULL;
    struct k_siginfo info = { .signo = sig, .code = SI_USER, .pid = current_proc()->pid };
    if (thread)
        info.code = SI_TKILL;
    if (a2) {
        if ((err = info_from_user((const void *)a2, sig, &info)))
            return err;
        bool self = p == current_proc() && scope != PIDFD_SIGNAL_PROCESS_GROUP;
        if (!self && (info.code >= 0 || info.code == SI_TKILL))
            return -EPERM; /* only a process signalling itself may claim a kernel or kill() origin */
    }
    return send_scoped(p, thread, scope, &info);
}

SYSCALL(pidfd_getfd)
{
    int targetfd = (int)a1;
    if (a2)
        return -EINVAL;
    long err;
    struct proc *p = pidfd_proc((int)a0, &err);
    if (!p)
        return err;
    if (p->zombie || !p->fdt)
        return -ESRCH; /* it has ended: its files are gone */
    struct file *f = targetfd >= 0 ? fd_get(p->fdt, targetfd) : NULL;
    if (!f)
        return -EBADF;
    int fd = fd_install(current_proc()->fdt, f, 0, true);
    if (fd >= 0)
        file_get(f);
    return fd;
}

/* CLONE_PIDFD: everything that can fail is checked before the child exists (a free fd, a writable pointer),
 * so that the commit after the fork cannot fail. Nothing runs between the two (the kernel is not
 * preempted), so the fd found free is still free. */
long pidfd_reserve(struct pidfd_req *r, u64 uaddr)
{
    int probe;
    r->uaddr = uaddr;
    if (copy_from_user(&probe, (const void *)uaddr, sizeof(probe)) ||
        copy_to_user((void *)uaddr, &probe, sizeof(probe)))
        return -EFAULT;
    r->file = pidfd_create(0, 0);
    if (!r->file)
        return -ENOMEM;
    struct fdtable *t = current_proc()->fdt;
    int fd = fd_install(t, r->file, 0, true);
    if (fd < 0) {
        file_put(r->file);
        return fd;
    }
    fd_take(t, fd); /* only looked for: the child must not inherit it */
    return 0;
}

void pidfd_commit(struct pidfd_req *r, int pid)
{
    r->file->priv = (void *)(u64)pid;
    int fd = fd_install(current_proc()->fdt, r->file, 0, true);
    copy_to_user((void *)r->uaddr, &fd, sizeof(fd)); /* was probed writable in pidfd_reserve */
}

void pidfd_cancel(struct pidfd_req *r)
{
    file_put(r->file);
}
