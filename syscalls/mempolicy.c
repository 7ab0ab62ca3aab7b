/* syscalls/mempolicy.c — NUMA memory policies on a machine of one node (node 0): set_mempolicy(2),
 * get_mempolicy(2), mbind(2), set_mempolicy_home_node(2). Every page is on node 0 whatever the policy, so a
 * policy is only recorded — a thread's (struct task.mpol: fork, clone and execve keep it) or an area's (struct
 * vm_area.mpol: mbind) — and read back by get_mempolicy as Linux reports it. The argument rules and errnos are
 * Linux's (checked against a one-node Linux 6.18): nodemasks are maxnode - 1 bits, at most a page of them, no
 * bit set at or past MAX_NUMNODES (1024); a mask is intersected with the nodes there are ({0}) and must not come
 * out empty, except where a mode wants no nodes. */
#include "syscalls.h"
#include "numa.h"

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_LOCAL 4
#define MPOL_PREFERRED_MANY 5
#define MPOL_WEIGHTED_INTERLEAVE 6
#define MPOL_MAX 7
#define MPOL_F_STATIC_NODES (1u << 15)
#define MPOL_F_RELATIVE_NODES (1u << 14)
#define MPOL_F_NUMA_BALANCING (1u << 13)
#define MPOL_MODE_FLAGS (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)
#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define MPOL_F_MEMS_ALLOWED 4
#define MPOL_MF_STRICT 1
#define MPOL_MF_MOVE 2
#define MPOL_MF_MOVE_ALL 4
#define CAP_SYS_NICE 23

/* The mode word split into mode and flags: EINVAL for an unknown mode, STATIC with RELATIVE, or NUMA_BALANCING
 * with a mode other than BIND or PREFERRED_MANY (Linux's sanitize_mpol_flags). */
static long mode_split(u64 word, struct mpol *p)
{
    u32 w = (u32)word;
    p->flags = w & MPOL_MODE_FLAGS;
    w &= ~MPOL_MODE_FLAGS;
    if (w >= MPOL_MAX || (int)word < 0)
        return -EINVAL;
    p->mode = (u16)w;
    if ((p->flags & MPOL_F_STATIC_NODES) && (p->flags & MPOL_F_RELATIVE_NODES))
        return -EINVAL;
    if ((p->flags & MPOL_F_NUMA_BALANCING) && w != MPOL_BIND && w != MPOL_PREFERRED_MANY)
        return -EINVAL;
    return 0;
}

/* Linux's mpol_new on one node: p's mode and flags, the user's mask in; p->nodes out. DEFAULT and LOCAL want
 * no nodes; PREFERRED without nodes is LOCAL; the others need a node that exists (RELATIVE: any bit folds onto
 * node 0). */
static long mpol_make(struct mpol *p, const struct numa_mask *m)
{
    bool named = p->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);
    if (p->mode == MPOL_DEFAULT) {
        if (!m->empty)
            return -EINVAL;
        *p = (struct mpol){ 0 };
        return 0;
    }
    if (m->empty) {
        if (named || (p->mode != MPOL_PREFERRED && p->mode != MPOL_LOCAL))
            return -EINVAL;
        p->mode = MPOL_LOCAL;
        p->nodes = 0;
        return 0;
    }
    if (p->mode == MPOL_LOCAL)
        return -EINVAL;
    bool node0 = (p->flags & MPOL_F_RELATIVE_NODES) ? true : (m->low & 1);
    if (!node0)
        return -EINVAL;
    p->nodes = named ? m->low : 1;
    return 0;
}

SYSCALL(set_mempolicy) /* (int mode, const unsigned long *nodemask, unsigned long maxnode) */
{
    struct mpol p;
    struct numa_mask m;
    long rc = mode_split(a0, &p);
    if (!rc)
        rc = numa_mask_get(a1, a2, &m);
    if (!rc)
        rc = mpol_make(&p, &m);
    if (!rc)
        current->mpol = p;
    return rc;
}

/* The policy that get_mempolicy reports on: the thread's, or (MPOL_F_ADDR) that of the area at addr. */
static long policy_at(u64 flags, u64 addr, struct mpol *p)
{
    if (!(flags & MPOL_F_ADDR)) {
        *p = current->mpol;
        return addr ? -EINVAL : 0;
    }
    struct vm_area *a = vm_find(current_vm(), addr);
    if (!a)
        return -EFAULT;
    *p = a->mpol; /* an area without one: the default, not the thread's */
    return 0;
}

SYSCALL(get_mempolicy) /* (int *mode, unsigned long *nodemask, unsigned long maxnode, void *addr, flags) */
{
    u64 flags = a4;
    if (a1 && a2 < NUMA_NR_NODES)
        return -EINVAL;
    if (flags & ~(u64)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
        return -EINVAL;
    int mode;
    struct mpol p = { 0 };
    if (flags & MPOL_F_MEMS_ALLOWED) {
        if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
            return -EINVAL;
        mode = 0;
        p.nodes = 1; /* the nodes it may use: node 0 */
    } else {
        long rc = policy_at(flags, a3, &p);
        if (rc)
            return rc;
        if (!(flags & MPOL_F_NODE))
            mode = p.mode | (p.flags & MPOL_MODE_FLAGS);
        else if (flags & MPOL_F_ADDR)
            mode = 0; /* the node of the page at addr: every page is on node 0 */
        else if (p.mode == MPOL_INTERLEAVE || p.mode == MPOL_WEIGHTED_INTERLEAVE)
            mode = 0; /* the next node the thread interleaves onto */
        else
            return -EINVAL;
    }
    if (a0 && copy_to_user((void *)a0, &mode, sizeof(mode)))
        return -EFAULT;
    return a1 ? numa_mask_put(a1, a2, p.nodes) : 0;
}

static bool may_move_all(void) { return capable(CAP_SYS_NICE); }

SYSCALL(mbind) /* (addr, len, int mode, const unsigned long *nodemask, maxnode, unsigned flags) */
{
    u64 start = a0, flags = (u32)a5;
    struct mpol p;
    struct numa_mask m;
    long rc = mode_split(a2, &p);
    if (!rc)
        rc = numa_mask_get(a3, a4, &m);
    if (rc)
        return rc;
    if (flags & ~(u64)(MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
        return -EINVAL;
    if ((flags & MPOL_MF_MOVE_ALL) && !may_move_all())
        return -EPERM;
    if (start % PAGE_SIZE)
        return -EINVAL;
    u64 end = start + ALIGN_UP(a1, PAGE_SIZE);
    if (end < start)
        return -EINVAL;
    if (end == start)
        return 0;
    if ((rc = mpol_make(&p, &m)))
        return rc;
    struct vm_space *vs = current_vm();
    if (!vm_range_ok(start, end - start) || !vm_fully_mapped(vs, start, end))
        return -EFAULT; /* a hole in the range: nothing changes */
    return vm_set_mpol(vs, start, end, &p); /* STRICT, MOVE: every page is already on its only node */
}

SYSCALL(set_mempolicy_home_node) /* (start, len, unsigned long home_node, unsigned long flags) */
{
    u64 start = a0;
    if (start % PAGE_SIZE || a2 >= NUMA_NR_NODES || a3)
        return -EINVAL; /* the home node must be online: node 0 */
    u64 end = start + ALIGN_UP(a1, PAGE_SIZE);
    if (end < start)
        return -EINVAL;
    if (end == start)
        return 0;
    /* Linux: areas without a policy are passed over; none with one is ENOENT; a policy other than BIND or
     * PREFERRED_MANY stops the walk with EOPNOTSUPP. The home node itself changes nothing on one node. */
    long rc = -ENOENT;
    for (struct vm_area *a = vm_tree_above(current_vm(), start); a && a->start < end; a = a->next) {
        if (a->mpol.mode == MPOL_DEFAULT)
            continue;
        if (a->mpol.mode != MPOL_BIND && a->mpol.mode != MPOL_PREFERRED_MANY)
            return -EOPNOTSUPP;
        rc = 0;
    }
    return rc;
}
