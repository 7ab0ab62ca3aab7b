/* syscalls/numa.c — nodemasks in and out of user memory, and page migration on one node: migrate_pages(2),
 * move_pages(2). Every page is on node 0, so nothing ever moves; what the calls check and report is Linux's
 * (compared with a one-node Linux 6.18). */
#include "numa.h"

#define MPOL_MF_MOVE 2
#define MPOL_MF_MOVE_ALL 4
#define CAP_SYS_NICE 23

/* Linux's get_nodes: maxnode - 1 bits (none without a mask or for maxnode 1; maxnode 0 wraps round to too
 * many), at most a page of them, none set at or past MAX_NUMNODES. */
long numa_mask_get(u64 umask, u64 maxnode, struct numa_mask *m)
{
    *m = (struct numa_mask){ .empty = true };
    u64 bits = maxnode - 1;
    if (!bits || !umask)
        return 0;
    if (bits > PAGE_SIZE * 8)
        return -EINVAL;
    for (u64 word = 0; word * 64 < bits; word++) {
        u64 w;
        if (copy_from_user(&w, (const u64 *)umask + word, sizeof(w)))
            return -EFAULT;
        if (bits - word * 64 < 64)
            w &= (1ull << (bits - word * 64)) - 1; /* bits past maxnode - 1 are not looked at */
        if (word == 0)
            m->low = w;
        if (w && word * 64 >= NUMA_MAX_NODES)
            return -EINVAL;
        if (w)
            m->empty = false;
    }
    return 0;
}

/* Linux's copy_nodes_to_user: maxnode - 1 bits rounded up to whole longs, no more than a page; the nodes that
 * exist (one long) are copied, the rest cleared. */
long numa_mask_put(u64 umask, u64 maxnode, u64 nodes)
{
    u64 bytes = ALIGN_UP(maxnode - 1, 64) / 8, have = 8;
    if (bytes > have) {
        if (bytes > PAGE_SIZE)
            return -EINVAL;
        static const u8 zeros[PAGE_SIZE];
        if (copy_to_user((u8 *)umask + have, zeros, bytes - have))
            return -EFAULT;
        bytes = have;
    }
    return copy_to_user((void *)umask, &nodes, bytes) ? -EFAULT : 0;
}

/* The process pid names (0: the caller), if the caller may look into it (Linux: PTRACE_MODE_READ). */
static long numa_target(int pid, struct vm_space **vs)
{
    struct task *t = pid ? (pid > 0 ? task_by_tid(pid) : NULL) : current;
    if (!t || t->state == TASK_DEAD || t->proc->zombie || !t->proc->vm)
        return -ESRCH;
    if (t != current && !task_may_ptrace(t))
        return -EPERM;
    *vs = t->proc->vm;
    return 0;
}

SYSCALL(migrate_pages) /* (pid, maxnode, const unsigned long *old_nodes, const unsigned long *new_nodes) */
{
    struct numa_mask old, new;
    long rc = numa_mask_get(a2, a1, &old);
    if (!rc)
        rc = numa_mask_get(a3, a1, &new);
    struct vm_space *vs;
    if (!rc)
        rc = numa_target((int)a0, &vs);
    if (rc)
        return rc;
    /* the new nodes, less those there are not: none left is EINVAL */
    return (new.low & 1) ? 0 : -EINVAL; /* 0 pages could not be moved: all are on node 0 already */
}

/* Where the page at addr is: node 0, -ENOENT when it has none yet, -EFAULT outside every mapping. */
static int page_status(struct vm_space *vs, u64 addr)
{
    if (addr >= USER_TOP || !vm_find(vs, addr))
        return -EFAULT;
    u64 *pte = pt_walk(vs->pml4, addr & ~(PAGE_SIZE - 1), false);
    return pte && (*pte & PTE_P) ? 0 : -ENOENT;
}

SYSCALL(move_pages) /* (pid, count, void **pages, const int *nodes, int *status, int flags) */
{
    u32 flags = (u32)a5;
    if (flags & ~(u32)(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
        return -EINVAL;
    if ((flags & MPOL_MF_MOVE_ALL) && !capable(CAP_SYS_NICE))
        return -EPERM;
    struct vm_space *vs;
    long rc = numa_target((int)a0, &vs);
    if (rc)
        return rc;
    for (u64 i = 0; i < a1; i++) {
        u64 addr;
        int node, st;
        if (copy_from_user(&addr, (const u64 *)a2 + i, sizeof(addr)))
            return -EFAULT;
        if (a3) {
            if (copy_from_user(&node, (const int *)a3 + i, sizeof(node)))
                return -EFAULT;
            if (node != 0)
                return -ENODEV; /* a node that is not there (or past MAX_NUMNODES): the statuses so far stay */
        }
        st = page_status(vs, addr); /* with nodes: on node 0 already, so "moved" there */
        if (copy_to_user((int *)a4 + i, &st, sizeof(st)))
            return -EFAULT;
    }
    return 0;
}
