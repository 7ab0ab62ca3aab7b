/* syscalls/kcmp.c — kcmp(2): whether two threads share a kernel resource. skiff's resources and who shares them:
 * the address space (struct vm_space: threads, CLONE_VM), the descriptor table, the filesystem information
 * (cwd, root, umask) and the signal handlers (a process's, so its threads'), an open file, SysV semaphore undo
 * state and I/O context (shared within a process, made on first use as Linux makes them: both absent compare
 * equal). Unequal resources are ordered as Linux orders them, by kernel pointers obfuscated with a cookie per
 * type (1: the first is less, 2: greater), so a program can sort them but learn no addresses. */
#include "syscalls.h"
#include "../kernel/boot.h"

enum { KCMP_FILE, KCMP_VM, KCMP_FILES, KCMP_FS, KCMP_SIGHAND, KCMP_IO, KCMP_SYSVSEM, KCMP_EPOLL_TFD, KCMP_TYPES };

struct kcmp_epoll_slot { /* <linux/kcmp.h>: three 32-bit words (reading 16 bytes took what follows as toff) */
    u32 efd, tfd, toff;
};
_Static_assert(sizeof(struct kcmp_epoll_slot) == 12, "struct kcmp_epoll_slot");

static u64 cookies[KCMP_TYPES][2];

/* Linux's kcmp_ptr: 0 equal, 1 less, 2 greater, after an invertible scramble (xor, multiply by an odd number). */
static long kcmp_ptr(const void *a, const void *b, int type)
{
    if (!cookies[type][1]) {
        random_fill(cookies[type], sizeof(cookies[type]));
        cookies[type][1] |= 1;
    }
    u64 x = ((u64)a ^ cookies[type][0]) * cookies[type][1], y = ((u64)b ^ cookies[type][0]) * cookies[type][1];
    return (x < y) | ((x > y) << 1);
}

static struct file *task_file(const struct task *t, u64 idx)
{
    return t->proc->fdt ? fd_get(t->proc->fdt, (int)(u32)idx) : NULL;
}

/* KCMP_EPOLL_TFD: t1's descriptor idx1 against the file that entry (tfd, toff) of t2's epoll efd watches. */
static long kcmp_epoll(const struct task *t1, const struct task *t2, u64 idx1, const void *uslot)
{
    struct kcmp_epoll_slot slot;
    if (copy_from_user(&slot, uslot, sizeof(slot)))
        return -EFAULT; /* Linux 6.18 reads the slot before it looks idx1 up */
    struct file *f = task_file(t1, idx1), *ep = task_file(t2, slot.efd);
    if (!f || !ep)
        return -EBADF;
    long err;
    struct file *target = epoll_target(ep, (int)slot.tfd, slot.toff, &err);
    return target ? kcmp_ptr(f, target, KCMP_FILE) : err;
}

/* What an absent resource compares as (both absent: equal, as Linux's NULL pointers). */
static const void *sysvsem_of(const struct task *t) { return (const void *)(u64)t->proc->sem_undo; }
static const void *ioc_of(const struct task *t) { return t->has_ioc ? t : NULL; }

SYSCALL(kcmp) /* (pid1, pid2, type, idx1, idx2) */
{
    struct task *t1 = (int)a0 > 0 ? task_by_tid((int)a0) : NULL, *t2 = (int)a1 > 0 ? task_by_tid((int)a1) : NULL;
    int type = (int)a2;
    if (!t1 || !t2 || t1->state == TASK_DEAD || t2->state == TASK_DEAD)
        return -ESRCH;
    if (!task_may_ptrace(t1) || !task_may_ptrace(t2))
        return -EPERM;
    struct proc *p1 = t1->proc, *p2 = t2->proc;
    switch (type) {
    case KCMP_FILE: {
        struct file *f1 = task_file(t1, a3), *f2 = task_file(t2, a4);
        return f1 && f2 ? kcmp_ptr(f1, f2, type) : -EBADF;
    }
    case KCMP_VM: return kcmp_ptr(p1->vm, p2->vm, type);
    case KCMP_FILES: return kcmp_ptr(p1->fdt, p2->fdt, type);
    case KCMP_FS: return kcmp_ptr(p1, p2, type);            /* cwd, root and umask are the process's */
    case KCMP_SIGHAND: return kcmp_ptr(p1->sigactions, p2->sigactions, type);
    case KCMP_IO: return kcmp_ptr(ioc_of(t1), ioc_of(t2), type);
    case KCMP_SYSVSEM: return kcmp_ptr(sysvsem_of(t1), sysvsem_of(t2), type);
    case KCMP_EPOLL_TFD: return kcmp_epoll(t1, t2, a3, (const void *)a4);
    default: return -EINVAL;
    }
}
