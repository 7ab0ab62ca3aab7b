/* syscalls/procvm.c — process_vm_readv(2) and process_vm_writev(2): bytes between the caller's iovecs and another
 * process's (or its own) address space, a remote page at a time (kernel/vm.c: vm_peek, vm_poke, which fault the
 * pages in as the owner's access would, without forcing a write into a read-only page). A transfer stops at the
 * first page or byte that cannot be moved and returns what moved; EFAULT only when nothing did. The permission
 * is ptrace(2)'s PTRACE_MODE_ATTACH_REALCREDS (task_may_ptrace), whose EACCES Linux reports as EPERM. */
#include "syscalls.h"

#define UIO_MAXIOV 1024
struct iovec_k {
    u64 base, len;
};

/* Linux's __ptrace_may_access with the caller's real ids: its own thread group; otherwise its real uid and gid
 * are each of the target's three (or CAP_SYS_PTRACE), the target is dumpable (or CAP_SYS_PTRACE), and the
 * caller's permitted capabilities hold the target's (commoncap; or CAP_SYS_PTRACE). */
bool task_may_ptrace(const struct task *t)
{
    if (t->proc == current_proc())
        return true;
    if (capable(CAP_SYS_PTRACE))
        return true;
    const struct cred *c = cred_current(), *tc = &t->cred;
    if (c->uid != tc->uid || c->uid != tc->euid || c->uid != tc->suid || c->gid != tc->gid || c->gid != tc->egid ||
        c->gid != tc->sgid)
        return false;
    if (t->proc->vm && t->proc->vm->undumpable)
        return false;
    return (tc->cap_prm & ~c->cap_prm) == 0;
}

/* cnt iovecs at uiov into a kmalloc'ed array: EINVAL past UIO_MAXIOV or for a negative length, EFAULT; local ones
 * must also lie where user memory can (access_ok). *total: the bytes they hold. */
static long iov_read(const void *uiov, u64 cnt, bool local, struct iovec_k **out, u64 *total)
{
    *out = NULL;
    *total = 0;
    if (cnt > UIO_MAXIOV)
        return -EINVAL;
    if (!cnt)
        return 0;
    struct iovec_k *v = kmalloc(cnt * sizeof(*v));
    if (!v)
        return -ENOMEM;
    long rc = copy_from_user(v, uiov, cnt * sizeof(*v)) ? -EFAULT : 0;
    for (u64 i = 0; i < cnt && !rc; i++)
        rc = (i64)v[i].len < 0 ? -EINVAL : 0;
    for (u64 i = 0; i < cnt && !rc; i++) {
        if (local && !access_ok(v[i].base, v[i].len))
            rc = -EFAULT;
        *total += v[i].len;
    }
    if (rc)
        kfree(v);
    else
        *out = v;
    return rc;
}

/* Where the local side stands: iovec i, off bytes into it. */
struct iov_pos {
    struct iovec_k *v;
    u64 n, i, off;
};

/* Moves up to len bytes between buf and the local iovecs from pos on: the bytes moved (fewer at a fault). */
static size_t local_move(struct iov_pos *p, u8 *buf, size_t len, bool to_user)
{
    size_t done = 0;
    while (done < len && p->i < p->n) {
        struct iovec_k *v = &p->v[p->i];
        size_t c = MIN(len - done, v->len - p->off);
        void *u = (void *)(v->base + p->off);
        size_t got = to_user ? copy_to_user_partial(u, buf + done, c) : copy_from_user_partial(buf + done, u, c);
        done += got;
        p->off += got;
        if (got < c)
            break;
        if (p->off == v->len) {
            p->i++;
            p->off = 0;
        }
    }
    return done;
}

/* One remote iovec, a page at a time: adds what moved to *moved; -EFAULT at the first fault. */
static long remote_move(struct vm_space *vs, const struct iovec_k *r, struct iov_pos *l, u64 *left, u8 *buf,
                        bool write, u64 *moved)
{
    for (u64 off = 0; off < r->len && *left;) {
        u64 addr = r->base + off;
        size_t c = MIN(MIN(r->len - off, *left), PAGE_SIZE - (addr & (PAGE_SIZE - 1)));
        if (!vm_range_ok(addr, c))
            return -EFAULT;
        size_t n;
        if (write) {
            n = local_move(l, buf, c, false);
            if (n && vm_poke(vs, addr, buf, n))
                return -EFAULT;
        } else {
            if (vm_peek(vs, addr, buf, c) != c)
                return -EFAULT;
            n = local_move(l, buf, c, true);
        }
        *moved += n;
        *left -= n;
        off += n;
        if (n < c)
            return -EFAULT; /* the local side faulted */
    }
    return 0;
}

/* Linux's order: flags, the local iovecs, nothing to move (0), the remote iovecs, nothing remote (0), the
 * process (ESRCH, also once it has ended), the permission (EPERM), then the memory. */
static long process_vm(int pid, const void *ulocal, u64 nl, const void *uremote, u64 nr, u64 flags, bool write)
{
    if (flags)
        return -EINVAL;
    struct iovec_k *lv, *rv = NULL;
    u64 ltotal, rtotal;
    long rc = iov_read(ulocal, nl, true, &lv, &ltotal);
    if (rc || !ltotal)
        goto out;
    if ((rc = iov_read(uremote, nr, false, &rv, &rtotal)) || !rtotal)
        goto out;
    struct task *t = pid > 0 ? task_by_tid(pid) : NULL;
    if (!t || t->state == TASK_DEAD || t->proc->zombie || !t->proc->vm) {
        rc = -ESRCH;
        goto out;
    }
    if (!task_may_ptrace(t)) {
        rc = -EPERM;
        goto out;
    }
    u8 *buf = kmalloc(PAGE_SIZE);
    if (!buf) {
        rc = -ENOMEM;
        goto out;
    }
    struct iov_pos pos = { lv, nl, 0, 0 };
    u64 moved = 0;
    for (u64 i = 0; i < nr && ltotal && !rc; i++)
        rc = remote_move(t->proc->vm, &rv[i], &pos, &ltotal, buf, write, &moved);
    kfree(buf);
    if (moved)
        rc = (long)moved;
out:
    kfree(lv);
    kfree(rv);
    return rc;
}

SYSCALL(process_vm_readv) /* (pid, local_iov, liovcnt, remote_iov, riovcnt, flags) */
{
    return process_vm((int)a0, (const void *)a1, a2, (const void *)a3, a4, a5, false);
}

SYSCALL(process_vm_writev)
{
    return process_vm((int)a0, (const void *)a1, a2, (const void *)a3, a4, a5, true);
}
