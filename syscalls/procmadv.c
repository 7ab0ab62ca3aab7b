/* syscalls/procmadv.c — process_madvise(2) and process_mrelease(2): advice for, and the early release of, the
 * memory of the process a pidfd names. Linux's order for process_madvise: flags, the iovecs (import_iovec:
 * EINVAL, EFAULT), the pidfd (EBADF, ESRCH), the process's memory (none once it ended: ESRCH), ptrace read access
 * (EACCES, as mm_access), and for another process's memory only the hints MADV_COLD, MADV_PAGEOUT, MADV_WILLNEED
 * and MADV_COLLAPSE (EINVAL) with CAP_SYS_NICE (EPERM). Each range gets madvise's treatment (syscalls/mm.c);
 * the hints change nothing in skiff (no swap, no huge pages), their range checks still apply. The result is the
 * bytes of the ranges done; an error stops the walk and is returned only when none was.
 * process_mrelease: a dying process's memory is freed by its own exit in skiff, not by the caller (partial). */
#include "syscalls.h"

#define UIO_MAXIOV 1024
#define MAX_RW_COUNT 0x7ffff000ull /* Linux's cap on one call's bytes */
#define MADV_WILLNEED 3
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#define MADV_COLLAPSE 25

struct iovec_k { u64 base, len; };

static bool remote_advice(int advice)
{
    return advice == MADV_COLD || advice == MADV_PAGEOUT || advice == MADV_WILLNEED || advice == MADV_COLLAPSE;
}

/* import_iovec: at most UIO_MAXIOV, each length >= 0 and within user space (EFAULT); the total is capped at
 * MAX_RW_COUNT by shortening the iovec that passes it. */
static long iovecs_read(const struct iovec_k *uv, u64 n, struct iovec_k **out)
{
    *out = NULL;
    if (n > UIO_MAXIOV)
        return -EINVAL;
    if (!n)
        return 0;
    struct iovec_k *v = kmalloc(n * sizeof(*v));
    if (!v)
        return -ENOMEM;
    long rc = copy_from_user(v, uv, n * sizeof(*v)) ? -EFAULT : 0;
    u64 total = 0;
    for (u64 i = 0; i < n && !rc; i++) {
        if ((i64)v[i].len < 0)
            rc = -EINVAL;
        else if (!access_ok(v[i].base, v[i].len))
            rc = -EFAULT;
        v[i].len = MIN(v[i].len, MAX_RW_COUNT - total);
        total += v[i].len;
    }
    if (rc)
        kfree(v);
    else
        *out = v;
    return rc;
}

/* The process behind the pidfd, alive with its memory and open to the caller's ptrace read. */
static long target_of(int pidfd, struct proc **out)
{
    long err;
    struct proc *p = pidfd_proc(pidfd, &err);
    if (!p)
        return err;
    if (p->zombie || !p->vm || !p->threads)
        return -ESRCH;
    if (!task_may_ptrace(p->threads))
        return -EACCES;
    *out = p;
    return 0;
}

/* The ranges one by one: the bytes done, or the first error when none were. */
static long advise_all(struct vm_space *vs, const struct iovec_k *v, u64 n, int advice)
{
    u64 done = 0;
    for (u64 i = 0; i < n; i++) {
        long rc = mm_advise(vs, v[i].base, v[i].len, advice);
        if (rc)
            return done ? (long)done : rc;
        done += v[i].len;
    }
    return (long)done;
}

SYSCALL(process_madvise) /* (pidfd, iovec, vlen, advice, flags) */
{
    int advice = (int)a3;
    if ((u32)a4)
        return -EINVAL;
    struct iovec_k *v;
    long rc = iovecs_read((const void *)a1, a2, &v);
    if (rc)
        return rc;
    struct proc *p = NULL;
    rc = target_of((int)a0, &p);
    if (!rc && p->vm != current_vm() && !remote_advice(advice))
        rc = -EINVAL;
    if (!rc && p->vm != current_vm() && !capable(CAP_SYS_NICE))
        rc = -EPERM;
    if (!rc)
        rc = advise_all(p->vm, v, a2, advice);
    kfree(v);
    return rc;
}

/* Linux reaps the memory of a process that is dying (SIGKILL sent, or ending) and refuses one that is not
 * (EINVAL); once it has none left, ESRCH. */
SYSCALL(process_mrelease) /* (pidfd, flags) */
{
    if ((u32)a1)
        return -EINVAL;
    long err;
    struct proc *p = pidfd_proc((int)a0, &err);
    if (!p)
        return err;
    if (p->zombie || !p->vm || !p->threads)
        return -ESRCH;
    if (p->exiting || (p->sig_pending & SIGBIT(SIGKILL)))
        return 0; /* its exit frees the memory; nothing is left for the caller to do first */
    return -EINVAL;
}
