/* syscalls/event.c — eventfd and epoll (fs/eventfd.c, fs/epoll.c hold the file objects). */
#include "syscalls.h"
#include "../kernel/boot.h"

#define EFD_SEMAPHORE 1
#define EPOLL_CLOEXEC O_CLOEXEC

static long install(struct file *f, bool cloexec) { return fd_install_new(f, cloexec); }

SYSCALL(eventfd2)
{
    u32 flags = (u32)a1;
    if (flags & ~(u32)(EFD_SEMAPHORE | O_NONBLOCK | O_CLOEXEC))
        return -EINVAL;
    return install(eventfd_create((u32)a0, flags), flags & O_CLOEXEC);
}

SYSCALL(eventfd)
{
    return install(eventfd_create((u32)a0, 0), false);
}

SYSCALL(epoll_create1)
{
    if (a0 & ~(u64)EPOLL_CLOEXEC)
        return -EINVAL;
    return install(epoll_create_file(0), a0 & EPOLL_CLOEXEC);
}

SYSCALL(epoll_create)
{
    if ((int)a0 <= 0)
        return -EINVAL;
    return install(epoll_create_file(0), false);
}

struct epoll_event_k {
    u32 events;
    u64 data;
} __attribute__((packed));
_Static_assert(sizeof(struct epoll_event_k) == 12, "x86_64 struct epoll_event is packed");

static struct file *epoll_file(int epfd, long *err)
{
    struct file *f = fd_file(epfd);
    *err = -EBADF;
    if (!f)
        return NULL;
    *err = -EINVAL;
    return f->ops == &epoll_ops ? f : NULL;
}

SYSCALL(epoll_ctl)
{
    int epfd = (int)a0, op = (int)a1, fd = (int)a2;
    long err;
    struct file *ep = fd_file_io(epfd), *target = fd_file_io(fd);
    if (!ep || !target)
        return -EBADF;
    if (!(ep = epoll_file(epfd, &err)))
        return err;
    if (target == ep)
        return -EINVAL;
    if (!target->ops || !target->ops->poll)
        return -EPERM; /* regular files and directories are always ready: Linux refuses them */
    struct epoll_event_k ev = { 0, 0 };
    if (op != 2 /* DEL */ && copy_from_user(&ev, (const void *)a3, sizeof(ev)))
        return -EFAULT;
    return epoll_control(ep, op, fd, target, ev.events, ev.data);
}

static long do_epoll_wait(int epfd, struct epoll_event_k *uev, int max, int timeout_ms)
{
    long err;
    struct file *ep = epoll_file(epfd, &err);
    if (!ep)
        return err;
    if (max <= 0 || max > 0x7fffffff / 12)
        return -EINVAL; /* Linux's EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event); redis asks ~10,000 */
    u32 evs[64];
    u64 data[64];
    u64 deadline = timeout_ms < 0 ? ~0ull : clock_monotonic_ns() + (u64)timeout_ms * 1000000;
    for (;;) {
        int n = epoll_collect(ep, evs, data, MIN(max, 64));
        for (int i = 0; i < n; i++) {
            struct epoll_event_k e = { evs[i], data[i] };
            if (copy_to_user(&uev[i], &e, sizeof(e)))
                return -EFAULT;
        }
        if (n)
            return n;
        /* A timed wait sees a pending signal before its deadline, as Linux's (a host stall past a 10 ms timeout
         * made epoll_pwait return 0 with its mask's signal pending); a zero timeout never waits, nor sees it. */
        if (timeout_ms && signal_pending())
            return -EINTR;
        u64 now = clock_monotonic_ns();
        if (now >= deadline)
            return 0;
        epoll_wait_sleep(ep, deadline == ~0ull ? ~0ull : deadline - now);
    }
}

SYSCALL(epoll_wait)
{
    return do_epoll_wait((int)a0, (struct epoll_event_k *)a1, (int)a2, (int)a3);
}

/* The temporary signal mask of epoll_pwait and epoll_pwait2 (NULL: none). */
static long pwait_masked(int epfd, u64 uev, int max, int ms, u64 umask, u64 size)
{
    long rc = signal_mask_push(umask, size);
    if (rc)
        return rc;
    rc = do_epoll_wait(epfd, (struct epoll_event_k *)uev, max, ms);
    signal_mask_pop(rc);
    return rc;
}

SYSCALL(epoll_pwait)
{
    return pwait_masked((int)a0, a1, (int)a2, (int)a3, a4, a5);
}

/* epoll_pwait2: the timeout as a timespec (NULL: none), to the millisecond here. */
SYSCALL(epoll_pwait2) /* (epfd, events, maxevents, const struct timespec *timeout, sigmask, sigsetsize) */
{
    int ms = -1;
    if (a3) {
        i64 ts[2];
        if (copy_from_user(ts, (const void *)a3, sizeof(ts)))
            return -EFAULT;
        if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
            return -EINVAL;
        u64 total = (u64)ts[0] * 1000 + (u64)(ts[1] + 999999) / 1000000;
        ms = ts[0] > 2000000 ? 0x7fffffff : (int)MIN(total, 0x7fffffffull);
    }
    return pwait_masked((int)a0, a1, (int)a2, ms, a4, a5);
}
