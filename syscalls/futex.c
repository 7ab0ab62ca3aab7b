/* syscalls/futex.c — futex for a process with one thread. No other thread can ever wake a waiter, so a wait
 * whose value matches sleeps until its timeout or a signal (as it would on Linux with no waker); wakes find
 * nobody (0). The operations that change memory (WAKE_OP, the PI lock words) do change it, since glibc relies
 * on that even single-threaded (pthread_once ends with FUTEX_WAKE; ENOSYS there aborts the program). When
 * threads arrive, waiters go on wait queues keyed by address and these become real wakes. */
#include "syscalls.h"
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
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_TID_MASK 0x3fffffffu
#define NSEC 1000000000ull

struct timespec_k { i64 sec, nsec; };

static long get_word(u32 *uaddr, u32 *val)
{
    if ((u64)uaddr & 3)
        return -EINVAL;
    return copy_from_user(val, uaddr, sizeof(*val));
}

/* Sleeps until deadline_ns on the given clock (~0: forever) or until a signal is pending. */
static long futex_sleep(u64 deadline_ns, bool realtime)
{
    for (;;) {
        if (signal_pending())
            return -EINTR;
        u64 now = realtime ? clock_realtime_ns() : clock_monotonic_ns();
        if (now >= deadline_ns)
            return -ETIMEDOUT;
        irq_wait(deadline_ns == ~0ull ? ~0ull : MIN(deadline_ns - now, 50000000ull));
    }
}

static long futex_wait(u32 *uaddr, u32 val, const void *utimeout, bool absolute, bool realtime, u32 bitset)
{
    if (!bitset)
        return -EINVAL;
    u32 cur;
    long rc = get_word(uaddr, &cur);
    if (rc)
        return rc;
    u64 deadline = ~0ull;
    if (utimeout) {
        struct timespec_k ts;
        if (copy_from_user(&ts, utimeout, sizeof(ts)))
            return -EFAULT;
        if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (i64)NSEC)
            return -EINVAL;
        u64 t = (u64)ts.sec * NSEC + ts.nsec;
        deadline = absolute ? t : (realtime ? clock_realtime_ns() : clock_monotonic_ns()) + t;
    }
    if (cur != val)
        return -EAGAIN;
    return futex_sleep(deadline, realtime);
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

/* FUTEX_WAKE_OP: *uaddr2 = old OP oparg; the comparison only decides whom to wake, and nobody waits. */
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
    if (cmp > 5)
        return -ENOSYS;
    (void)cmp_op(cmp, old, (u32)(val3 & 0xfff));
    return copy_to_user(uaddr2, &nv, sizeof(nv));
}

static long futex_lock_pi(u32 *uaddr, bool try)
{
    u32 cur, tid = (u32)current->tid;
    long rc = get_word(uaddr, &cur);
    if (rc)
        return rc;
    if ((cur & FUTEX_TID_MASK) == tid)
        return -EDEADLK;
    if (cur & FUTEX_TID_MASK)
        return try ? -EAGAIN : futex_sleep(~0ull, false); /* held by a thread that does not exist */
    u32 nv = tid | (cur & ~FUTEX_TID_MASK);
    return copy_to_user(uaddr, &nv, sizeof(nv));
}

static long futex_unlock_pi(u32 *uaddr)
{
    u32 cur;
    long rc = get_word(uaddr, &cur);
    if (rc)
        return rc;
    if ((cur & FUTEX_TID_MASK) != (u32)current->tid)
        return -EPERM;
    u32 zero = 0;
    return copy_to_user(uaddr, &zero, sizeof(zero));
}

SYSCALL(futex)
{
    u32 *uaddr = (u32 *)a0, val = (u32)a2, val3 = (u32)a5;
    int op = (int)a1, cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    bool realtime = op & FUTEX_CLOCK_REALTIME;
    u32 dummy;
    switch (cmd) {
    case FUTEX_WAIT:
        return futex_wait(uaddr, val, (const void *)a3, false, realtime, ~0u);
    case FUTEX_WAIT_BITSET:
        return futex_wait(uaddr, val, (const void *)a3, true, realtime, val3);
    case FUTEX_WAKE:
        return get_word(uaddr, &dummy) == -EINVAL ? -EINVAL : 0;
    case FUTEX_WAKE_BITSET:
        return val3 ? 0 : -EINVAL;
    case FUTEX_REQUEUE:
        return 0;
    case FUTEX_CMP_REQUEUE: {
        long rc = get_word(uaddr, &dummy);
        return rc ? rc : dummy != val3 ? -EAGAIN : 0;
    }
    case FUTEX_WAKE_OP:
        return futex_wake_op((u32 *)a4, val3);
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
        return futex_lock_pi(uaddr, false);
    case FUTEX_TRYLOCK_PI:
        return futex_lock_pi(uaddr, true);
    case FUTEX_UNLOCK_PI:
        return futex_unlock_pi(uaddr);
    default:
        kerr("skiff: futex operation %d is not implemented: ENOSYS\n", cmd);
        return -ENOSYS;
    }
}
