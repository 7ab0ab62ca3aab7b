/* syscalls/futex_waitv.c — futex_waitv(2): one wait on up to 128 32-bit futex words; any wake on any of them
 * (FUTEX_WAKE, FUTEX_WAKE_BITSET, FUTEX_WAKE_OP, a robust list's) ends it, and the call returns the woken
 * entry's index. A task sleeps on one wait key only, so a vector waiter sleeps on its own record's address
 * and sits on futexv_waiters, which futex_wake_bits (futex.c) walks after the words' queues. The big kernel
 * lock serialises the values' check, the registration and the sleep against every waker.
 * FUTEX_REQUEUE moves entries to the second word (they keep their index).
 * Not done: FUTEX2_NUMA and FUTEX2_MPOL entries (EINVAL, test/conformance/partial). */
#include "futex.h"
#include "../kernel/boot.h"

#define FUTEX_WAITV_MAX 128
#define FUTEX2_SIZE_MASK 0x03
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_NUMA 0x04
#define FUTEX2_MPOL 0x08
#define FUTEX2_PRIVATE 128

struct futex_waitv_k { u64 val, uaddr; u32 flags, reserved; };
_Static_assert(sizeof(struct futex_waitv_k) == 24, "struct futex_waitv");

struct futexv_entry {
    u64 uaddr;
    const void *space; /* futex_space's key part: the caller's vm for a private word, NULL for shared memory */
    u32 val;
    bool woken;        /* a waker took this entry (counted once in its wake's total) */
};

/* One waiting call, kmalloc'ed: a thread killed in its wait never frees it, so the walk frees records whose
 * thread is gone (thread ids are never reused). */
struct futexv_wait {
    struct futexv_wait *next;
    struct task *task;
    int tid, n;
    struct futexv_entry e[];
};

static struct futexv_wait *futexv_waiters; /* guarded by the big kernel lock */

static void futexv_unlink(struct futexv_wait *w)
{
    for (struct futexv_wait **pp = &futexv_waiters; *pp; pp = &(*pp)->next)
        if (*pp == w) {
            *pp = w->next;
            return;
        }
}

/* Wakes up to n entries for the word at uaddr of space; returns how many (each entry counts, as on Linux). */
int futexv_wake(u64 uaddr, const void *space, int n)
{
    int woken = 0;
    for (struct futexv_wait **pp = &futexv_waiters, *w; (w = *pp) && woken < n;) {
        if (task_by_tid(w->tid) != w->task) { /* killed while it waited */
            *pp = w->next;
            kfree(w);
            continue;
        }
        for (int i = 0; i < w->n && woken < n; i++) {
            struct futexv_entry *e = &w->e[i];
            if (e->woken || e->uaddr != uaddr || e->space != space)
                continue;
            e->woken = true;
            woken++;
            if (w->task->state == TASK_BLOCKED && w->task->wait_key == (u64)w)
                sched_wake(w->task);
        }
        pp = &w->next;
    }
    return woken;
}

/* FUTEX_REQUEUE, FUTEX_CMP_REQUEUE: up to n entries waiting on uaddr now wait on uaddr2; how many moved. */
int futexv_requeue(u64 uaddr, const void *space, u64 uaddr2, const void *space2, int n)
{
    int moved = 0;
    for (struct futexv_wait *w = futexv_waiters; w && moved < n; w = w->next)
        for (int i = 0; i < w->n && moved < n; i++) {
            struct futexv_entry *e = &w->e[i];
            if (e->woken || e->uaddr != uaddr || e->space != space || task_by_tid(w->tid) != w->task)
                continue;
            e->uaddr = uaddr2;
            e->space = space2;
            moved++;
        }
    return moved;
}

/* Linux's futex_parse_waitv: each entry in turn, EFAULT to read it, EINVAL for its flags, reserved word and
 * value; NUMA entries are not implemented. */
static long futexv_parse(struct futexv_wait *w, const struct futex_waitv_k *uv)
{
    for (int i = 0; i < w->n; i++) {
        struct futex_waitv_k k;
        if (copy_from_user(&k, &uv[i], sizeof(k)))
            return -EFAULT;
        if ((k.flags & ~(u32)(FUTEX2_SIZE_MASK | FUTEX2_NUMA | FUTEX2_MPOL | FUTEX2_PRIVATE)) || k.reserved)
            return -EINVAL;
        if ((k.flags & FUTEX2_SIZE_MASK) != FUTEX2_SIZE_U32 || k.val > 0xffffffffull)
            return -EINVAL;
        if (k.flags & (FUTEX2_NUMA | FUTEX2_MPOL)) {
            kerr("skiff: futex_waitv FUTEX2_NUMA/FUTEX2_MPOL is not implemented: EINVAL\n");
            return -EINVAL;
        }
        w->e[i] = (struct futexv_entry){ .uaddr = k.uaddr, .val = (u32)k.val };
        w->e[i].space = (k.flags & FUTEX2_PRIVATE) ? NULL : (const void *)1; /* marks a shared key until setup */
    }
    return 0;
}

/* The keys first, all of them (Linux's get_futex_key): EINVAL misaligned, EFAULT outside user space, and for a
 * shared word (no FUTEX2_PRIVATE) EFAULT when nothing is mapped there. */
static long futexv_keys(struct futexv_wait *w)
{
    for (int i = 0; i < w->n; i++) {
        struct futexv_entry *e = &w->e[i];
        if (e->uaddr & 3)
            return -EINVAL;
        if (!access_ok(e->uaddr, sizeof(u32)))
            return -EFAULT;
        if (e->space && !vm_find(current->proc->vm, e->uaddr))
            return -EFAULT;
        e->space = futex_space(e->uaddr);
    }
    return 0;
}

/* The values, in order: EFAULT, or EAGAIN at the first that differs. */
static long futexv_values(struct futexv_wait *w)
{
    for (int i = 0; i < w->n; i++) {
        u32 cur;
        if (copy_from_user(&cur, (const void *)w->e[i].uaddr, sizeof(cur)))
            return -EFAULT;
        if (cur != w->e[i].val)
            return -EAGAIN;
    }
    return 0;
}

/* The highest index a waker took (Linux's futex_unqueue_multiple), or -1. */
static int futexv_woken(struct futexv_wait *w)
{
    int idx = -1;
    for (int i = 0; i < w->n; i++)
        if (w->e[i].woken)
            idx = i;
    return idx;
}

/* Sleeps until a wake (its index), the deadline (ETIMEDOUT) or a signal (ERESTARTSYS: the deadline is
 * absolute, so a restart keeps it); a wake-up for none of those looks at the values again, as Linux does. */
static long futexv_sleep(struct futexv_wait *w, u64 deadline, bool realtime)
{
    for (;;) {
        int idx = futexv_woken(w);
        if (idx >= 0)
            return idx;
        long rc = futexv_values(w);
        if (rc)
            return rc;
        u64 now = realtime ? clock_realtime_ns() : clock_monotonic_ns();
        if (now >= deadline)
            return -ETIMEDOUT;
        if (signal_pending())
            return -ERESTARTSYS;
        sched_wait_key(deadline == ~0ull ? ~0ull : deadline - now, (u64)w);
    }
}

SYSCALL(futex_waitv) /* (waiters, nr_futexes, flags, timeout, clockid) */
{
    const struct futex_waitv_k *uv = (const void *)a0;
    u32 nr = (u32)a1, flags = (u32)a2;
    int clockid = (int)a4;
    if (flags)
        return -EINVAL;
    if (!nr || nr > FUTEX_WAITV_MAX || !uv)
        return -EINVAL;
    u64 deadline = ~0ull;
    bool realtime = clockid == CLOCK_REALTIME;
    if (a3 && clockid != CLOCK_REALTIME && clockid != CLOCK_MONOTONIC)
        return -EINVAL;
    long rc = futex_deadline((const void *)a3, true, realtime, &deadline);
    if (rc)
        return rc;
    struct futexv_wait *w = kzalloc(sizeof(*w) + nr * sizeof(struct futexv_entry));
    if (!w)
        return -ENOMEM;
    w->task = current;
    w->tid = current->tid;
    w->n = (int)nr;
    rc = futexv_parse(w, uv);
    if (!rc)
        rc = futexv_keys(w);
    if (!rc) {
        w->next = futexv_waiters;
        futexv_waiters = w;
        rc = futexv_sleep(w, deadline, realtime);
        futexv_unlink(w);
    }
    kfree(w);
    return rc;
}
