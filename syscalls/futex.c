/* syscalls/futex.c — futexes: a waiter blocks with its futex address as its wait key (kernel/sched.c) and a
 * wake makes up to N such tasks runnable. There is one address space, so the user address is the key. A wait
 * whose value matches, with no other thread alive, sleeps until its timeout or a signal (as on Linux). */
#include "futex.h"
#include "../kernel/boot.h"
#include "../arch/x86_64/arch.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_FD 2
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI 12
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define NSEC 1000000000ull

struct timespec_k { i64 sec, nsec; };

static long get_word(u32 *uaddr, u32 *val)
{
    if ((u64)uaddr & 3)
        return -EINVAL;
    return copy_from_user(val, uaddr, sizeof(*val));
}

/* A timed wait a signal cut short: EINTR when a handler runs; otherwise (a stop and SIGCONT) restart_syscall
 * waits again until the same deadline, as Linux's futex restart block does, not for the whole timeout again. */
static long futex_interrupted(u32 *uaddr, u32 val, u64 deadline_ns, bool realtime, u32 bitset)
{
    current->restart_kind = RESTART_FUTEX;
    current->restart_deadline = deadline_ns;
    current->restart_args[0] = (u64)uaddr;
    current->restart_args[1] = val;
    current->restart_args[2] = bitset | (u64)realtime << 32;
    return -ERESTART_RESTARTBLOCK;
}

/* Whose word uaddr is: a futex in private memory belongs to the caller's address space, as Linux keys it by
 * (mm, address) — after a fork, parent and child have the same addresses for different words, and a wake in
 * one must not take the other's waiter. A word in shared memory (MAP_SHARED, System V shm) is keyed by its
 * address alone (NULL), so processes that map it at the same address meet; Linux keys those by the page. */
const void *futex_space(u64 uaddr)
{
    struct vm_space *vs = current->proc->vm;
    struct vm_area *a = vm_find(vs, uaddr);
    return a && (a->flags & VM_SHARED) ? NULL : vs;
}

/* Blocks on uaddr until woken (0), the deadline (ETIMEDOUT) or a signal (EINTR or a restart). Ended by none of
 * these (a process-wide signal interrupted the wait, but another thread took it), it looks at the word again
 * before it waits again, as Linux's futex_wait retries: the wake may have come while it was off the queue, and
 * a word that is no longer val ends the wait with EAGAIN. (It waited again blindly: a pthread_join whose thread
 * ended meanwhile slept for good; test/progs/smpstress's futex mode.) */
long futex_block(u32 *uaddr, u32 val, u64 deadline_ns, bool realtime, u32 bitset)
{
    current->wait_bitset = bitset;
    for (bool again = false;; again = true) {
        u32 cur;
        if (again && (get_word(uaddr, &cur) || cur != val))
            return -EAGAIN;
        if (signal_pending()) /* untimed: restarted after an SA_RESTART handler (signal(7)); timed: see below */
            return deadline_ns == ~0ull ? -ERESTARTSYS : futex_interrupted(uaddr, val, deadline_ns, realtime, bitset);
        u64 now = realtime ? clock_realtime_ns() : clock_monotonic_ns();
        if (now >= deadline_ns)
            return -ETIMEDOUT;
        current->wait_space = futex_space((u64)uaddr);
        sched_wait_key(deadline_ns == ~0ull ? ~0ull : deadline_ns - now, (u64)uaddr);
        if (current->woken)
            return 0;
    }
}

static long futex_wake_bits(u64 uaddr, int n, u32 bitset);

long futex_restart(void)
{
    u32 *uaddr = (u32 *)current->restart_args[0], cur;
    u64 a2 = current->restart_args[2];
    long rc = get_word(uaddr, &cur);
    if (rc)
        return rc;
    if (cur != (u32)current->restart_args[1])
        return -EAGAIN; /* the word changed while it was stopped: a new wait would not block either */
    return futex_block(uaddr, cur, current->restart_deadline, a2 >> 32, (u32)a2);
}

long futex_wake_addr(u64 uaddr, int n)
{
    return futex_wake_bits(uaddr, n, ~0u);
}

static long futex_wake_bits(u64 uaddr, int n, u32 bitset)
{
    int woken = 0;
    const void *space = futex_space(uaddr);
    for (struct task *t = sched_key_waiters(uaddr), *next; t && woken < n; t = next) {
        next = t->wq_next;
        if (t->state == TASK_BLOCKED && t->wait_key == uaddr && t->wait_space == space && t->futex_pi2)
            return -EINVAL; /* as Linux: a FUTEX_WAIT_REQUEUE_PI waiter is not for plain wakes */
        if (t->state == TASK_BLOCKED && t->wait_key == uaddr && t->wait_space == space &&
            (t->wait_bitset & bitset)) {
            sched_wake(t);
            woken++;
        }
    }
    return woken < n ? woken + futexv_wake(uaddr, space, n - woken) : woken;
}

/* Moves up to n waiters from uaddr to uaddr2 (they are woken by uaddr2's wakes from now on). */
static long futex_requeue(u64 uaddr, u64 uaddr2, int n)
{
    int moved = 0;
    const void *space = futex_space(uaddr), *space2 = futex_space(uaddr2);
    for (struct task *t = sched_key_waiters(uaddr), *next; t && moved < n; t = next) {
        next = t->wq_next;
        if (t->state == TASK_BLOCKED && t->wait_key == uaddr && t->wait_space == space) {
            sched_requeue_key(t, uaddr2); /* into uaddr2's queue: the walk goes on from next */
            t->wait_space = space2;
            moved++;
        }
    }
    return moved < n ? moved + futexv_requeue(uaddr, space, uaddr2, space2, n - moved) : moved;
}

/* A second word (FUTEX_REQUEUE, FUTEX_CMP_REQUEUE): Linux makes its key before it looks at anything else. */
long futex_check_addr(u64 uaddr)
{
    if (uaddr & 3)
        return -EINVAL;
    return vm_range_ok(uaddr, sizeof(u32)) ? 0 : -EFAULT;
}

/* FUTEX_REQUEUE and, with cmp, FUTEX_CMP_REQUEUE (the word must still be val3): woken plus moved. */
static long futex_requeue_op(u32 *uaddr, int nr_wake, int nr_requeue, u64 uaddr2, bool cmp, u32 val3)
{
    if (nr_wake < 0 || nr_requeue < 0)
        return -EINVAL;
    long rc = futex_check_addr((u64)uaddr);
    if (!rc)
        rc = futex_check_addr(uaddr2);
    if (rc)
        return rc;
    u32 cur;
    if (cmp && (rc = get_word(uaddr, &cur)))
        return rc;
    if (cmp && cur != val3)
        return -EAGAIN;
    long woken = futex_wake_bits((u64)uaddr, nr_wake, ~0u);
    return woken < 0 ? woken : woken + futex_requeue((u64)uaddr, uaddr2, nr_requeue);
}

/* A timeout as a deadline in ns on its clock: relative (FUTEX_WAIT) or absolute; ~0 without one. */
long futex_deadline(const void *utimeout, bool absolute, bool realtime, u64 *deadline)
{
    *deadline = ~0ull;
    if (!utimeout)
        return 0;
    struct timespec_k ts;
    if (copy_from_user(&ts, utimeout, sizeof(ts)))
        return -EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (i64)NSEC)
        return -EINVAL;
    u64 t = (u64)ts.sec * NSEC + ts.nsec;
    *deadline = absolute ? t : (realtime ? clock_realtime_ns() : clock_monotonic_ns()) + t;
    return 0;
}

static long futex_wait(u32 *uaddr, u32 val, const void *utimeout, bool absolute, bool realtime, u32 bitset)
{
    if (!bitset)
        return -EINVAL;
    u32 cur;
    long rc = get_word(uaddr, &cur);
    if (rc)
        return rc;
    u64 deadline;
    rc = futex_deadline(utimeout, absolute, realtime, &deadline);
    if (rc)
        return rc;
    if (cur != val)
        return -EAGAIN;
    return futex_block(uaddr, val, deadline, realtime, bitset);
}

static bool cmp_op(unsigned cmp, u32 a, u32 b)
{
    switch (cmp) {
    case 0: return a == b;
    case 1: return a != b;
    case 2: return (i32)a < (i32)b;
    case 3: return (i32)a <= (i32)b;
    case 4: return (i32)a > (i32)b;
    case 5: return (i32)a >= (i32)b;
    default: return false;
    }
}

/* FUTEX_WAKE_OP: *uaddr2 = old OP oparg; the comparison of old with cmparg decides whether uaddr2's
 * waiters are woken too. */
static long futex_wake_op(u32 *uaddr2, u32 val3)
{
    unsigned op = (val3 >> 28) & 7, cmp = (val3 >> 24) & 15;
    i32 oparg = ((i32)(val3 << 8)) >> 20;
    if (val3 & (8u << 28))
        oparg = 1 << (oparg & 31);
    u32 old;
    long rc = get_word(uaddr2, &old);
    if (rc)
        return rc;
    u32 nv;
    switch (op) {
    case 0: nv = (u32)oparg; break;
    case 1: nv = old + (u32)oparg; break;
    case 2: nv = old | (u32)oparg; break;
    case 3: nv = old & ~(u32)oparg; break;
    case 4: nv = old ^ (u32)oparg; break;
    default: return -ENOSYS;
    }
    if (copy_to_user(uaddr2, &nv, sizeof(nv)))
        return -EFAULT;
    if (cmp > 5) /* Linux has done the operation by the time it looks at the comparison */
        return -ENOSYS;
    return cmp_op(cmp, old, (u32)(val3 & 0xfff)) ? 1 : 0; /* 1: wake uaddr2's waiters too */
}


/* A priority-inheritance lock word: 0 or the owner's tid (| FUTEX_WAITERS, | FUTEX_OWNER_DIED). Without
 * priorities to inherit it is a plain sleeping lock: the kernel takes it for the caller, or marks it contended
 * and waits until the deadline (~0: none) on its clock. A tid that names no thread is ESRCH, as Linux's: an
 * owner that died without a robust list leaves the lock to user space to recover. */
long futex_lock_pi(u32 *uaddr, bool try, u64 deadline, bool realtime)
{
    u32 tid = (u32)current->tid;
    for (;;) {
        u32 cur;
        long rc = get_word(uaddr, &cur);
        if (rc)
            return rc;
        if ((cur & FUTEX_TID_MASK) == tid)
            return -EDEADLK;
        if (!(cur & FUTEX_TID_MASK)) {
            /* free: FUTEX_WAITERS stays so that the unlock comes to the kernel for a waiter still asleep */
            u32 nv = tid | (cur & (FUTEX_WAITERS | FUTEX_OWNER_DIED));
            return copy_to_user(uaddr, &nv, sizeof(nv));
        }
        if (!task_by_tid((int)(cur & FUTEX_TID_MASK)))
            return -ESRCH;
        if (try)
            return -EAGAIN;
        u32 nv = cur | FUTEX_WAITERS;
        if (copy_to_user(uaddr, &nv, sizeof(nv)))
            return -EFAULT;
        rc = futex_block(uaddr, nv, deadline, realtime, ~0u);
        if (rc == -EAGAIN)
            continue; /* the word changed while a signal had it off the queue: look at the lock again */
        if (!rc && !get_word(uaddr, &cur) && (cur & FUTEX_TID_MASK) == tid)
            return 0; /* FUTEX_UNLOCK_PI handed it over */
        if (rc == -ERESTARTSYS || rc == -ERESTART_RESTARTBLOCK) {
            current->restart_kind = RESTART_NONE;
            return -ERESTARTNOINTR; /* as Linux: a lock is always taken again after a handler (the deadline is
                                     * absolute, so the restart keeps it) */
        }
        if (rc)
            return rc;
    }
}

/* The longest-waiting task blocked on uaddr (in the caller's address space for a private word), or NULL. */
struct task *futex_first_waiter(u64 uaddr)
{
    const void *space = futex_space(uaddr);
    for (struct task *t = sched_key_waiters(uaddr); t; t = t->wq_next)
        if (t->state == TASK_BLOCKED && t->wait_key == uaddr && t->wait_space == space)
            return t;
    return NULL;
}

static long futex_unlock_pi(u32 *uaddr)
{
    u32 cur;
    long rc = get_word(uaddr, &cur);
    if (rc)
        return rc;
    if ((cur & FUTEX_TID_MASK) != (u32)current->tid)
        return -EPERM;
    /* as Linux's wake_futex_pi: the first waiter gets the lock, and FUTEX_WAITERS stays set so that its unlock
     * comes here too; without one the word is 0 */
    struct task *next = futex_first_waiter((u64)uaddr);
    u32 nv = next ? FUTEX_WAITERS | (u32)next->tid : 0;
    if (copy_to_user(uaddr, &nv, sizeof(nv)))
        return -EFAULT;
    if (next)
        sched_wake(next);
    return 0;
}

SYSCALL(futex)
{
    u32 *uaddr = (u32 *)a0, val = (u32)a2, val3 = (u32)a5;
    int op = (int)a1, cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    bool realtime = op & FUTEX_CLOCK_REALTIME;
    u64 deadline;
    long rc;
    /* the clock bit means something to the timed waits only (Linux 6: not FUTEX_WAIT, whatever futex(2) says) */
    if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_LOCK_PI2 && cmd != FUTEX_WAIT_REQUEUE_PI)
        return -ENOSYS;
    switch (cmd) {
    case FUTEX_WAIT:
        return futex_wait(uaddr, val, (const void *)a3, false, realtime, ~0u);
    case FUTEX_WAIT_BITSET:
        return futex_wait(uaddr, val, (const void *)a3, true, realtime, val3);
    case FUTEX_WAKE:
        return ((u64)uaddr & 3) ? -EINVAL : futex_wake_bits((u64)uaddr, (int)val, ~0u);
    case FUTEX_WAKE_BITSET:
        return val3 ? futex_wake_bits((u64)uaddr, (int)val, val3) : -EINVAL;
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
        return futex_requeue_op(uaddr, (int)val, (int)a3, a4, cmd == FUTEX_CMP_REQUEUE, val3);
    case FUTEX_WAKE_OP: {
        rc = futex_wake_op((u32 *)a4, val3);
        if (rc < 0)
            return rc;
        long w1 = futex_wake_bits((u64)uaddr, (int)val, ~0u);
        long w2 = rc && w1 >= 0 ? futex_wake_bits(a4, (int)a3, ~0u) : 0;
        return w1 < 0 ? w1 : w2 < 0 ? w2 : w1 + w2; /* EINVAL: a requeue-PI waiter */
    }
    case FUTEX_LOCK_PI:  /* an absolute CLOCK_REALTIME timeout */
    case FUTEX_LOCK_PI2: /* an absolute CLOCK_MONOTONIC one, or CLOCK_REALTIME with the clock bit */
        realtime |= cmd == FUTEX_LOCK_PI;
        rc = futex_deadline((const void *)a3, true, realtime, &deadline);
        return rc ? rc : futex_lock_pi(uaddr, false, deadline, realtime);
    case FUTEX_TRYLOCK_PI:
        return futex_lock_pi(uaddr, true, ~0ull, false);
    case FUTEX_UNLOCK_PI:
        return futex_unlock_pi(uaddr);
    case FUTEX_WAIT_REQUEUE_PI: /* an absolute timeout, CLOCK_MONOTONIC unless the clock bit */
        return futex_wait_requeue_pi(uaddr, val, (const void *)a3, a4, realtime);
    case FUTEX_CMP_REQUEUE_PI:
        return futex_cmp_requeue_pi(uaddr, (int)val, (int)a3, a4, val3);
    default:
        kerr("skiff: futex operation %d is not implemented: ENOSYS\n", cmd);
        return -ENOSYS;
    }
}

/* ---- robust futex lists (Documentation/robust-futex-ABI): a thread that ends while it holds a lock in its
 * list marks the lock word FUTEX_OWNER_DIED and wakes one waiter, so the next owner hears of it. ---- */

#define ROBUST_LIST_LIMIT 2048 /* entries walked at most: a list made circular by mistake still ends */

struct robust_head_k { u64 list; i64 futex_offset; u64 list_op_pending; };
_Static_assert(sizeof(struct robust_head_k) == 24, "struct robust_list_head");

/* The lock word at uaddr of a thread t that is gone (Linux's handle_futex_death). */
static void robust_death(struct task *t, u64 uaddr, bool pending)
{
    u32 v;
    if ((uaddr & 3) || copy_from_user(&v, (void *)uaddr, sizeof(v)))
        return;
    if (pending && !v) { /* it died between releasing the lock and taking it off the list: a waiter may sleep */
        futex_wake_addr(uaddr, 1);
        return;
    }
    if ((v & FUTEX_TID_MASK) != (u32)t->tid)
        return;
    u32 nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    if (!copy_to_user((void *)uaddr, &nv, sizeof(nv)) && (v & FUTEX_WAITERS))
        futex_wake_addr(uaddr, 1);
}

/* Thread t ends (or its whole process): its list, read in the current address space (t's own: the thread
 * itself, or one of its process's threads in exit_group). */
void futex_robust_exit(struct task *t)
{
    struct robust_head_k h;
    u64 headp = t->robust_list;
    t->robust_list = 0;
    if (!headp || copy_from_user(&h, (void *)headp, sizeof(h)))
        return;
    u64 pending = h.list_op_pending & ~1ull, entry = h.list & ~1ull;
    for (int n = 0; entry != headp && n < ROBUST_LIST_LIMIT; n++) {
        u64 next;
        if (copy_from_user(&next, (void *)entry, sizeof(next)))
            return;
        if (entry != pending)
            robust_death(t, entry + (u64)h.futex_offset, false);
        entry = next & ~1ull; /* bit 0 marks a PI futex: the word's rules are the same here */
    }
    if (pending)
        robust_death(t, pending + (u64)h.futex_offset, true);
}

SYSCALL(get_robust_list)
{
    int tid = (int)a0;
    struct task *t = tid ? task_by_tid(tid) : current;
    if (!t)
        return -ESRCH;
    u64 len = sizeof(struct robust_head_k);
    if (copy_to_user((void *)a2, &len, sizeof(len)) || copy_to_user((void *)a1, &t->robust_list, sizeof(u64)))
        return -EFAULT;
    return 0;
}
