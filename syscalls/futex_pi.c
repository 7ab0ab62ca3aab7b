/* syscalls/futex_pi.c — the requeue-PI pair (futex(2)), what a condition variable over a PI mutex uses:
 * FUTEX_WAIT_REQUEUE_PI waits on a plain word (the condition) to be moved to a PI lock word; FUTEX_CMP_REQUEUE_PI
 * takes the lock for the first waiter when it is free (and wakes it holding it), and moves the others into the
 * lock's queue, where FUTEX_UNLOCK_PI hands the lock to them one by one (futex.c). Linux's errors: EINVAL for
 * one word twice, nr_wake other than 1, or a waiter on the first word that waits for something else; EAGAIN
 * when the word changed, or when a waiter is woken (or signalled) other than by the requeue. */
#include "futex.h"

static long read_word(u64 uaddr, u32 *v)
{
    if (uaddr & 3)
        return -EINVAL;
    return copy_from_user(v, (void *)uaddr, sizeof(*v));
}

/* After the wait on the first word: 0 holding the lock, or why not. */
static long requeue_pi_done(long rc, u64 uaddr2, u64 deadline, bool realtime)
{
    u32 cur;
    bool moved = current->futex_pi_moved;
    current->futex_pi2 = 0;
    current->futex_pi_moved = false;
    if (moved && !read_word(uaddr2, &cur) && (cur & FUTEX_TID_MASK) == (u32)current->tid)
        return 0; /* given the lock, by the requeue or by FUTEX_UNLOCK_PI */
    if (rc == -ETIMEDOUT)
        return rc;
    if (!moved) {
        if (rc == -ERESTARTSYS || rc == -ERESTART_RESTARTBLOCK) {
            current->restart_kind = RESTART_NONE;
            return -ERESTARTNOINTR; /* as Linux: not yet moved, the whole call runs again */
        }
        return -EAGAIN; /* a plain FUTEX_WAKE on the condition */
    }
    if (rc)
        return -EAGAIN; /* a signal after the move: Linux's EWOULDBLOCK */
    return futex_lock_pi((u32 *)uaddr2, false, deadline, realtime); /* woken on the lock but not given it */
}

long futex_wait_requeue_pi(u32 *uaddr, u32 val, const void *utimeout, u64 uaddr2, bool realtime)
{
    u64 deadline;
    u32 cur;
    long rc = read_word((u64)uaddr, &cur);
    if (!rc)
        rc = futex_check_addr(uaddr2);
    if (!rc && (u64)uaddr == uaddr2)
        rc = -EINVAL;
    if (!rc)
        rc = futex_deadline(utimeout, true, realtime, &deadline);
    if (rc)
        return rc;
    if (cur != val)
        return -EAGAIN;
    current->futex_pi2 = uaddr2;
    current->futex_pi_moved = false;
    rc = futex_block(uaddr, val, deadline, realtime, ~0u);
    return requeue_pi_done(rc, uaddr2, deadline, realtime);
}

/* The first waiter gets the lock when nobody holds it (FUTEX_WAITERS too when more may follow, as Linux). */
static long take_for(struct task *t, u64 uaddr2, int nr_requeue, bool *taken)
{
    u32 cur;
    long rc = read_word(uaddr2, &cur);
    *taken = false;
    if (rc)
        return rc;
    if (cur & FUTEX_TID_MASK)
        return task_by_tid((int)(cur & FUTEX_TID_MASK)) ? 0 : -ESRCH;
    u32 nv = (u32)t->tid | (cur & FUTEX_OWNER_DIED) | (nr_requeue ? FUTEX_WAITERS : 0);
    if (copy_to_user((void *)uaddr2, &nv, sizeof(nv)))
        return -EFAULT;
    *taken = true;
    return 0;
}

static long mark_waiters(u64 uaddr2)
{
    u32 cur;
    long rc = read_word(uaddr2, &cur);
    cur |= FUTEX_WAITERS;
    return rc ? rc : copy_to_user((void *)uaddr2, &cur, sizeof(cur));
}

long futex_cmp_requeue_pi(u32 *uaddr, int nr_wake, int nr_requeue, u64 uaddr2, u32 val3)
{
    u32 cur;
    if (nr_wake != 1 || nr_requeue < 0 || (u64)uaddr == uaddr2)
        return -EINVAL;
    long rc = read_word((u64)uaddr, &cur);
    if (!rc)
        rc = futex_check_addr(uaddr2);
    if (rc)
        return rc;
    if (cur != val3)
        return -EAGAIN;
    const void *space = futex_space((u64)uaddr), *space2 = futex_space(uaddr2);
    long count = 0;
    bool first = true;
    for (struct task *t = sched_key_waiters((u64)uaddr), *next; t; t = next) {
        next = t->wq_next;
        if (t->state != TASK_BLOCKED || t->wait_key != (u64)uaddr || t->wait_space != space)
            continue;
        if (t->futex_pi2 != uaddr2)
            return -EINVAL; /* a plain waiter, or one for another lock */
        if (first) {
            bool taken;
            first = false;
            if ((rc = take_for(t, uaddr2, nr_requeue, &taken)))
                return rc;
            if (taken) {
                t->futex_pi_moved = true;
                sched_wake(t);
                count++;
                continue;
            }
        }
        /* as Linux counts: the requeued, one more when the first waiter could not have the lock */
        if (count >= nr_requeue + 1 || (rc = mark_waiters(uaddr2)))
            break;
        sched_requeue_key(t, uaddr2); /* FUTEX_UNLOCK_PI of the lock hands it over from here on */
        t->wait_space = space2;
        t->futex_pi_moved = true;
        count++;
    }
    return rc ? rc : count;
}
