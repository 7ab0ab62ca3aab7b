/* syscalls/poll.c — pipe/pipe2 and waiting for readiness: poll, ppoll, select, pselect6. A call that has to
 * sleep hangs an entry on each file's poll channel for the sleep (kernel/pollwait.c), so only a change on one of
 * its own files wakes it; with a file that has no channel it sleeps on the any-event queue instead. */
#include "syscalls.h"
#include "../kernel/boot.h"

#define O_NOTIFICATION_PIPE 0200 /* O_EXCL's bit: a pipe for kernel notifications (watch_queue) */

SYSCALL(pipe2)
{
    u32 flags = (u32)a1;
    if (flags & ~(u32)(O_CLOEXEC | O_NONBLOCK | 040000 /* O_DIRECT */ | O_NOTIFICATION_PIPE))
        return -EINVAL;
    if (flags & O_NOTIFICATION_PIPE)
        return -ENOPKG; /* as a Linux built without CONFIG_WATCH_QUEUE (/proc/config.gz says so) */
    struct file *rd, *wr;
    long rc = pipe_create(&rd, &wr, flags);
    if (rc)
        return rc;
    struct fdtable *t = current_proc()->fdt;
    int fds[2] = { fd_install(t, rd, 0, flags & O_CLOEXEC), -1 };
    if (fds[0] >= 0)
        fds[1] = fd_install(t, wr, 0, flags & O_CLOEXEC);
    if (fds[1] < 0) {
        if (fds[0] >= 0)
            fd_take(t, fds[0]);
        file_put(rd);
        file_put(wr);
        return -EMFILE;
    }
    if (copy_to_user((void *)a0, fds, sizeof(fds))) {
        fd_close(t, fds[0]);
        fd_close(t, fds[1]);
        return -EFAULT;
    }
    return 0;
}

SYSCALL(pipe)
{
    return sys_pipe2(a0, 0, 0, 0, 0, 0);
}

struct pollfd_k { i32 fd; i16 events, revents; };

/* One pass over the set: fills revents, returns how many are ready. pw: the files are watched for a sleep. */
static int poll_pass(struct pollfd_k *pfd, u64 n, struct pollwait *pw)
{
    int ready = 0;
    for (u64 i = 0; i < n; i++) {
        pfd[i].revents = 0;
        if (pfd[i].fd < 0)
            continue;
        struct file *f = fd_file_io(pfd[i].fd);
        if (f && pw)
            pollwait_watch(pw, f);
        unsigned r = f ? file_poll(f) : POLLNVAL;
        pfd[i].revents = r & ((u16)pfd[i].events | POLLERR | POLLHUP | POLLNVAL);
        ready += pfd[i].revents != 0;
    }
    return ready;
}

/* deadline: monotonic ns, ~0 waits without end. */
static long do_poll(struct pollfd_k *upfd, u64 n, u64 deadline)
{
    if (n > (u64)fd_limit(current_proc()->fdt))
        return -EINVAL; /* more entries than RLIMIT_NOFILE, as Linux */
    struct pollfd_k *pfd = kmalloc(n * sizeof(*pfd) + 1);
    if (!pfd)
        return -ENOMEM;
    long rc = copy_from_user(pfd, upfd, n * sizeof(*pfd));
    struct pollwait pw;
    pollwait_init(&pw);
    for (bool watch = false; !rc; watch = true) { /* the first pass watches nothing: most find a file ready */
        pollwait_reset(&pw);
        rc = poll_pass(pfd, n, watch ? &pw : NULL);
        u64 now = clock_monotonic_ns();
        if (rc)
            break;
        if (signal_pending()) { /* before the deadline, as Linux: a zero timeout still sees the signal */
            rc = -EINTR;
            break;
        }
        if (now >= deadline)
            break;
        if (watch)
            pollwait_sleep(&pw, deadline == ~0ull ? ~0ull : deadline - now);
    }
    pollwait_done(&pw);
    if (rc >= 0 && copy_to_user(upfd, pfd, n * sizeof(*pfd)))
        rc = -EFAULT;
    kfree(pfd);
    return rc;
}

static u64 deadline_of(u64 timeout_ns)
{
    return timeout_ns == ~0ull ? ~0ull : clock_monotonic_ns() + timeout_ns;
}

/* A timed poll a signal cut short: EINTR when a handler runs, else (a stop and SIGCONT) restart_syscall polls
 * again until the same deadline, as Linux's poll restart block does. An untimed one is simply run again. */
static long poll_until(struct pollfd_k *upfd, u64 n, u64 deadline)
{
    long rc = do_poll(upfd, n, deadline);
    if (rc != -EINTR || deadline == ~0ull)
        return rc;
    current->restart_kind = RESTART_POLL;
    current->restart_deadline = deadline;
    current->restart_args[0] = (u64)upfd;
    current->restart_args[1] = n;
    return -ERESTART_RESTARTBLOCK;
}

long poll_restart(void)
{
    return poll_until((struct pollfd_k *)current->restart_args[0], current->restart_args[1],
                      current->restart_deadline);
}

SYSCALL(poll)
{
    int ms = (int)a2;
    return poll_until((struct pollfd_k *)a0, a1, deadline_of(ms < 0 ? ~0ull : (u64)ms * 1000000));
}

struct timespec_k { i64 sec, nsec; };
struct timeval_k { i64 sec, usec; };

/* Linux's ppoll, select and pselect6 write the time they had left back into the caller's timeout (unless it
 * was zero or absent); an interrupted call restarted after a stop thus waits only for what was left. */
static void timeout_left(void *uts, u64 deadline, bool timeval)
{
    if (!uts || deadline == ~0ull)
        return;
    u64 now = clock_monotonic_ns(), left = deadline > now ? deadline - now : 0;
    struct timespec_k ts = { (i64)(left / 1000000000), (i64)(left % 1000000000) };
    if (timeval) {
        struct timeval_k tv = { ts.sec, ts.nsec / 1000 };
        copy_to_user(uts, &tv, sizeof(tv)); /* a read-only timeout is left as it was, as on Linux */
    } else {
        copy_to_user(uts, &ts, sizeof(ts));
    }
}

static long timeout_of(const void *uts, u64 *ns)
{
    *ns = ~0ull;
    if (!uts)
        return 0;
    struct timespec_k ts;
    if (copy_from_user(&ts, uts, sizeof(ts)))
        return -EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
        return -EINVAL;
    *ns = (u64)ts.sec * 1000000000 + ts.nsec;
    return 0;
}

SYSCALL(ppoll)
{
    u64 ns;
    long rc = timeout_of((const void *)a2, &ns);
    if (rc)
        return rc;
    if ((rc = signal_mask_push(a3, a4)))
        return rc;
    u64 deadline = deadline_of(ns);
    rc = do_poll((struct pollfd_k *)a0, a1, deadline);
    signal_mask_pop(rc);
    if (ns)
        timeout_left((void *)a2, deadline, false);
    return rc;
}

/* One select pass over in[0..2] (read, write, except sets) into out: how many bits are set, or -EBADF.
 * pw: the files are watched for a sleep. */
static int select_pass(int nfds, u64 *const in[3], u64 *const out[3], struct pollwait *pw)
{
    int ready = 0;
    for (int fd = 0; fd < nfds; fd++) {
        u64 bit = 1ull << (fd % 64);
        bool want = (in[0][fd / 64] | in[1][fd / 64] | in[2][fd / 64]) & bit;
        if (!want)
            continue;
        struct file *f = fd_file(fd);
        if (!f)
            return -EBADF;
        if (pw)
            pollwait_watch(pw, f);
        unsigned r = file_poll(f);
        if ((in[0][fd / 64] & bit) && (r & (POLLIN | POLLHUP | POLLERR)))
            out[0][fd / 64] |= bit, ready++;
        if ((in[1][fd / 64] & bit) && (r & (POLLOUT | POLLERR)))
            out[1][fd / 64] |= bit, ready++;
        if ((in[2][fd / 64] & bit) && (r & POLLPRI)) /* Linux's POLLEX_SET: TCP urgent data, a pty packet... */
            out[2][fd / 64] |= bit, ready++;
    }
    return ready;
}

#define SELECT_STACK_WORDS 16 /* FD_SETSIZE (1,024) bits per set on the stack; bigger sets are allocated */

/* select: the three fd sets, checked until one is ready, a signal or the deadline. nfds beyond the fd
 * table's size is cut down to it, as Linux does (the bits past it are not even read). */
static long do_select(int nfds, u64 *ur, u64 *uw, u64 *ue, u64 deadline)
{
    if (nfds < 0)
        return -EINVAL;
    nfds = MIN(nfds, current_proc()->fdt->cap);
    size_t words = ((size_t)nfds + 63) / 64, bytes = words * 8;
    u64 stack[6][SELECT_STACK_WORDS] = { { 0 } };
    u64 *heap = words > SELECT_STACK_WORDS ? kzalloc(6 * bytes) : NULL;
    if (words > SELECT_STACK_WORDS && !heap)
        return -ENOMEM;
    u64 *in[3], *out[3], *user[3] = { ur, uw, ue };
    for (int s = 0; s < 3; s++) {
        in[s] = heap ? heap + s * words : stack[s];
        out[s] = heap ? heap + (3 + s) * words : stack[3 + s];
    }
    long rc = 0;
    for (int s = 0; s < 3 && !rc; s++)
        if (user[s] && copy_from_user(in[s], user[s], bytes))
            rc = -EFAULT;
    struct pollwait pw;
    pollwait_init(&pw);
    for (bool watch = false; !rc; watch = true) {
        pollwait_reset(&pw);
        rc = select_pass(nfds, in, out, watch ? &pw : NULL);
        u64 now = clock_monotonic_ns();
        if (rc)
            break;
        if (signal_pending()) { /* before the deadline, as Linux: a zero timeout still sees the signal */
            rc = -EINTR;
            break;
        }
        if (now >= deadline)
            break;
        if (watch)
            pollwait_sleep(&pw, deadline == ~0ull ? ~0ull : deadline - now);
    }
    pollwait_done(&pw);
    for (int s = 0; s < 3 && rc >= 0; s++)
        if (user[s] && copy_to_user(user[s], out[s], bytes))
            rc = -EFAULT;
    kfree(heap);
    return rc;
}

SYSCALL(select)
{
    u64 ns = ~0ull;
    if (a4) {
        struct timeval_k tv;
        if (copy_from_user(&tv, (const void *)a4, sizeof(tv)))
            return -EFAULT;
        if (tv.sec < 0 || tv.usec < 0)
            return -EINVAL;
        tv.sec += tv.usec / 1000000; /* Linux carries whole seconds out of tv_usec */
        tv.usec %= 1000000;
        ns = (u64)tv.sec * 1000000000 + tv.usec * 1000;
    }
    u64 deadline = deadline_of(ns);
    long rc = do_select((int)a0, (u64 *)a1, (u64 *)a2, (u64 *)a3, deadline);
    if (ns)
        timeout_left((void *)a4, deadline, true);
    return rc;
}

/* pselect6's sixth argument: { const sigset_t *set; size_t size }; a NULL set leaves the mask alone. */
SYSCALL(pselect6)
{
    u64 ns, sig[2] = { 0, 0 };
    long rc = timeout_of((const void *)a4, &ns);
    if (rc)
        return rc;
    if (a5 && copy_from_user(sig, (const void *)a5, sizeof(sig)))
        return -EFAULT;
    if ((rc = signal_mask_push(sig[0], sig[1])))
        return rc;
    u64 deadline = deadline_of(ns);
    rc = do_select((int)a0, (u64 *)a1, (u64 *)a2, (u64 *)a3, deadline);
    signal_mask_pop(rc);
    if (ns)
        timeout_left((void *)a4, deadline, false);
    return rc;
}
