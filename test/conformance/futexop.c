/* test/conformance/futexop.c — futex(2) operation by operation, as its man page lists them: FUTEX_WAIT and
 * FUTEX_WAIT_BITSET timeouts (relative, absolute, FUTEX_CLOCK_REALTIME) and their errnos, FUTEX_WAKE_BITSET
 * picking waiters by bitset, FUTEX_REQUEUE and FUTEX_CMP_REQUEUE counts and errnos, FUTEX_WAKE_OP's operations
 * and comparisons, the PI lock operations (FUTEX_LOCK_PI, FUTEX_LOCK_PI2, FUTEX_TRYLOCK_PI, FUTEX_UNLOCK_PI:
 * EDEADLK, EPERM, ESRCH, EAGAIN, ETIMEDOUT) and the operations and option bits that are refused (ENOSYS).
 * Waiters are forked children on MAP_SHARED memory; orderings come from /proc/PID/stat, never from timing. */
/* covers: futex */
#include "tap.h"
#include <limits.h>
#include <stdint.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>

/* <linux/futex.h>'s values (musl's headers do not have it) */
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
#define FUTEX_WAITERS 0x80000000u
#define OP(op, oparg, cmp, cmparg) ((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | \
                                    ((cmparg) & 0xfff))
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_ANDN 3
#define FUTEX_OP_XOR 4
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_LT 2
#define FUTEX_OP_CMP_LE 3
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP_CMP_GE 5

static uint32_t *w; /* shared words: w[0] w[1] ... */

static long fx(void *uaddr, int op, uint32_t val, const void *timeout_or_val2, void *uaddr2, uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

static int status_of(pid_t c)
{
    int s = 0;
    waitpid(c, &s, 0);
    return WIFEXITED(s) ? WEXITSTATUS(s) : 128 + WTERMSIG(s);
}

/* A child waiting on word i with bitset b (0: plain FUTEX_WAIT); exits 0 when woken, errno otherwise. */
static pid_t waiter(int i, uint32_t b)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        long r = b ? fx(&w[i], FUTEX_WAIT_BITSET, w[i], NULL, NULL, b) : fx(&w[i], FUTEX_WAIT, w[i], NULL, NULL, 0);
        _exit(r ? errno : 0);
    }
    while (state_of(c) != 'S')
        usleep(1000);
    return c;
}

static void test_wait(void)
{
    struct timespec zero = { 0, 0 }, bad = { 0, 1000000000 }, neg = { -1, 0 }, short_ = { 0, 1000000 };
    w[0] = 5;
    T_ERR("futex FUTEX_WAIT on a word that differs", fx(&w[0], FUTEX_WAIT, 4, NULL, NULL, 0), EAGAIN);
    T_ERR("futex FUTEX_WAIT with a zero timeout", fx(&w[0], FUTEX_WAIT, 5, &zero, NULL, 0), ETIMEDOUT);
    T_ERR("futex FUTEX_WAIT with a 1 ms timeout", fx(&w[0], FUTEX_WAIT, 5, &short_, NULL, 0), ETIMEDOUT);
    T_ERR("futex FUTEX_WAIT FUTEX_PRIVATE_FLAG times out", fx(&w[0], FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, &short_,
                                                               NULL, 0), ETIMEDOUT);
    T_ERR("futex FUTEX_WAIT tv_nsec of a second", fx(&w[0], FUTEX_WAIT, 5, &bad, NULL, 0), EINVAL);
    T_ERR("futex FUTEX_WAIT a negative timeout", fx(&w[0], FUTEX_WAIT, 5, &neg, NULL, 0), EINVAL);
    T_ERR("futex FUTEX_WAIT a bad timeout pointer", fx(&w[0], FUTEX_WAIT, 5, BADUPTR, NULL, 0), EFAULT);
    T_ERR("futex FUTEX_WAIT a misaligned word", fx((char *)&w[0] + 1, FUTEX_WAIT, 5, &zero, NULL, 0), EINVAL);
    T_ERR("futex FUTEX_WAIT an unmapped word", fx(BADUPTR, FUTEX_WAIT, 5, &zero, NULL, 0), EFAULT);
    T_ERR("futex FUTEX_WAIT a kernel address", fx(KADDR, FUTEX_WAIT, 5, &zero, NULL, 0), EFAULT);
    struct timespec past = { 1, 0 }, soon = tap_after_ns(CLOCK_MONOTONIC, 1000000);
    T_ERR("futex FUTEX_WAIT_BITSET an absolute time in the past",
          fx(&w[0], FUTEX_WAIT_BITSET, 5, &past, NULL, ~0u), ETIMEDOUT);
    T_ERR("futex FUTEX_WAIT_BITSET an absolute CLOCK_MONOTONIC time 1 ms ahead",
          fx(&w[0], FUTEX_WAIT_BITSET, 5, &soon, NULL, ~0u), ETIMEDOUT);
    soon = tap_after_ns(CLOCK_REALTIME, 1000000);
    T_ERR("futex FUTEX_WAIT_BITSET FUTEX_CLOCK_REALTIME 1 ms ahead",
          fx(&w[0], FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5, &soon, NULL, ~0u), ETIMEDOUT);
    /* the man page says FUTEX_WAIT takes it since Linux 4.5; Linux 6.x refuses it */
    T_ERR("futex FUTEX_WAIT FUTEX_CLOCK_REALTIME",
          fx(&w[0], FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 5, &short_, NULL, 0), ENOSYS);
    T_ERR("futex FUTEX_WAIT_BITSET with bitset 0", fx(&w[0], FUTEX_WAIT_BITSET, 5, &zero, NULL, 0), EINVAL);
    T_ERR("futex FUTEX_WAKE_BITSET with bitset 0", fx(&w[0], FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL);
    T_ERR("futex FUTEX_WAKE FUTEX_CLOCK_REALTIME", fx(&w[0], FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0),
          ENOSYS);
    T_ERR("futex FUTEX_REQUEUE FUTEX_CLOCK_REALTIME",
          fx(&w[0], FUTEX_REQUEUE | FUTEX_CLOCK_REALTIME, 1, (void *)1, &w[1], 0), ENOSYS);
    T_ERR("futex FUTEX_TRYLOCK_PI FUTEX_CLOCK_REALTIME",
          fx(&w[0], FUTEX_TRYLOCK_PI | FUTEX_CLOCK_REALTIME, 0, NULL, NULL, 0), ENOSYS);
    T_ERR("futex FUTEX_FD (removed in Linux 2.6.26)", fx(&w[0], FUTEX_FD, 0, NULL, NULL, 0), ENOSYS);
    T_ERR("futex an unknown operation", fx(&w[0], 99, 0, NULL, NULL, 0), ENOSYS);
    T_OK("futex FUTEX_WAKE with no waiter", fx(&w[0], FUTEX_WAKE, 1, NULL, NULL, 0), 0);
    T_ERR("futex FUTEX_WAKE a misaligned word", fx((char *)&w[0] + 2, FUTEX_WAKE, 1, NULL, NULL, 0), EINVAL);
}

static void test_bitset(void)
{
    w[0] = 0;
    pid_t a = waiter(0, 1), b = waiter(0, 2);
    T_OK("futex FUTEX_WAKE_BITSET 4 wakes no waiter of bitsets 1 and 2",
         fx(&w[0], FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 4), 0);
    T_OK("futex FUTEX_WAKE_BITSET 2 wakes the waiter of bitset 2", fx(&w[0], FUTEX_WAKE_BITSET, INT_MAX, NULL,
                                                                       NULL, 2), 1);
    T_EQ("futex FUTEX_WAIT_BITSET the bitset-2 waiter woke", status_of(b), 0);
    T_OK("futex FUTEX_WAKE (all bits) wakes the other", fx(&w[0], FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 1);
    T_EQ("futex FUTEX_WAIT_BITSET the bitset-1 waiter woke", status_of(a), 0);
}

static void test_requeue(void)
{
    w[0] = 7;
    w[1] = 0;
    pid_t c[3];
    for (int i = 0; i < 3; i++)
        c[i] = waiter(0, 0);
    T_ERR("futex FUTEX_CMP_REQUEUE when the word is not val3",
          fx(&w[0], FUTEX_CMP_REQUEUE, 0, (void *)1, &w[1], 8), EAGAIN);
    T_ERR("futex FUTEX_CMP_REQUEUE a negative nr_requeue",
          fx(&w[0], FUTEX_CMP_REQUEUE, 0, (void *)-1l, &w[1], 7), EINVAL);
    T_ERR("futex FUTEX_CMP_REQUEUE a negative nr_wake",
          fx(&w[0], FUTEX_CMP_REQUEUE, (uint32_t)-1, (void *)1, &w[1], 7), EINVAL);
    T_ERR("futex FUTEX_REQUEUE to a misaligned word",
          fx(&w[0], FUTEX_REQUEUE, 0, (void *)1, (char *)&w[1] + 1, 0), EINVAL);
    T_ERR("futex FUTEX_CMP_REQUEUE from an unmapped word",
          fx(BADUPTR, FUTEX_CMP_REQUEUE, 0, (void *)1, &w[1], 7), EFAULT);
    T_OK("futex FUTEX_CMP_REQUEUE wakes 1 and requeues 1: 2", fx(&w[0], FUTEX_CMP_REQUEUE, 1, (void *)1, &w[1], 7),
         2);
    T_OK("futex FUTEX_REQUEUE wakes 0 and requeues the last", fx(&w[0], FUTEX_REQUEUE, 0, (void *)5, &w[1], 0), 1);
    T_OK("futex FUTEX_WAKE the first word: nobody left", fx(&w[0], FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 0);
    T_OK("futex FUTEX_WAKE the second word: both requeued", fx(&w[1], FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 2);
    int ok = 0;
    for (int i = 0; i < 3; i++)
        ok += status_of(c[i]) == 0;
    T_EQ("futex FUTEX_REQUEUE every waiter woke", ok, 3);
}

static void test_wake_op(void)
{
    static const struct { int op, oparg, cmp, cmparg; uint32_t old, now; long woke; const char *name; } t[] = {
        { FUTEX_OP_SET, 9, FUTEX_OP_CMP_EQ, 3, 3, 9, 2, "futex FUTEX_WAKE_OP FUTEX_OP_SET, FUTEX_OP_CMP_EQ true" },
        { FUTEX_OP_ADD, 2, FUTEX_OP_CMP_NE, 3, 3, 5, 1, "futex FUTEX_WAKE_OP FUTEX_OP_ADD, FUTEX_OP_CMP_NE false" },
        { FUTEX_OP_OR, 4, FUTEX_OP_CMP_LT, 4, 3, 7, 2, "futex FUTEX_WAKE_OP FUTEX_OP_OR, FUTEX_OP_CMP_LT true" },
        { FUTEX_OP_ANDN, 1, FUTEX_OP_CMP_LE, 2, 3, 2, 1, "futex FUTEX_WAKE_OP FUTEX_OP_ANDN, FUTEX_OP_CMP_LE false" },
        { FUTEX_OP_XOR, 6, FUTEX_OP_CMP_GT, 2, 3, 5, 2, "futex FUTEX_WAKE_OP FUTEX_OP_XOR, FUTEX_OP_CMP_GT true" },
        { FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT, 4, FUTEX_OP_CMP_GE, 4, 3, 16, 1,
          "futex FUTEX_WAKE_OP FUTEX_OP_OPARG_SHIFT, FUTEX_OP_CMP_GE false" },
    };
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
        w[0] = 0;
        w[1] = t[i].old;
        pid_t a = waiter(0, 0), b = waiter(1, 0);
        T_OK(t[i].name, fx(&w[0], FUTEX_WAKE_OP, 1, (void *)1, &w[1], OP(t[i].op, t[i].oparg, t[i].cmp,
                                                                           t[i].cmparg)), t[i].woke);
        T_EQ("futex FUTEX_WAKE_OP wrote the second word", w[1], t[i].now);
        fx(&w[1], FUTEX_WAKE, 1, NULL, NULL, 0);
        T_TRUE("futex FUTEX_WAKE_OP waiters woke", status_of(a) == 0 && status_of(b) == 0);
    }
    w[1] = 3;
    T_ERR("futex FUTEX_WAKE_OP an unknown operation", fx(&w[0], FUTEX_WAKE_OP, 1, (void *)1, &w[1],
                                                         OP(7, 1, FUTEX_OP_CMP_EQ, 0)), ENOSYS);
    T_EQ("futex FUTEX_WAKE_OP an unknown operation leaves the word", w[1], 3);
    T_ERR("futex FUTEX_WAKE_OP an unknown comparison", fx(&w[0], FUTEX_WAKE_OP, 1, (void *)1, &w[1],
                                                          OP(FUTEX_OP_ADD, 1, 9, 0)), ENOSYS);
    T_EQ("futex FUTEX_WAKE_OP an unknown comparison after the operation was done", w[1], 4);
    T_ERR("futex FUTEX_WAKE_OP on an unmapped second word", fx(&w[0], FUTEX_WAKE_OP, 1, (void *)1, BADUPTR,
                                                               OP(FUTEX_OP_ADD, 1, 0, 0)), EFAULT);
}

/* A child that holds PI lock word i until told (a byte on the pipe) to go. */
static pid_t holder(int i, int *go)
{
    int p[2], q[2];
    if (pipe(p) || pipe(q))
        exit(2);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char b = fx(&w[i], FUTEX_LOCK_PI, 0, NULL, NULL, 0) ? 'n' : 'y';
        if (write(q[1], &b, 1) != 1 || read(p[0], &b, 1) != 1)
            _exit(3);
        _exit(fx(&w[i], FUTEX_UNLOCK_PI, 0, NULL, NULL, 0) ? 4 : 0);
    }
    char b = 0;
    if (read(q[0], &b, 1) != 1 || b != 'y') {
        printf("Bail out! the lock holder could not lock\n");
        exit(2);
    }
    close(p[0]);
    close(q[0]);
    close(q[1]);
    *go = p[1];
    return c;
}

static void test_pi(void)
{
    uint32_t tid = (uint32_t)syscall(SYS_gettid);
    w[2] = 0;
    T_OK("futex FUTEX_LOCK_PI a free word", fx(&w[2], FUTEX_LOCK_PI, 0, NULL, NULL, 0), 0);
    T_EQ("futex FUTEX_LOCK_PI the word holds the caller's tid", w[2], tid);
    T_ERR("futex FUTEX_LOCK_PI a lock the caller holds", fx(&w[2], FUTEX_LOCK_PI, 0, NULL, NULL, 0), EDEADLK);
    T_ERR("futex FUTEX_TRYLOCK_PI a lock the caller holds", fx(&w[2], FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0), EDEADLK);
    T_OK("futex FUTEX_UNLOCK_PI by the owner", fx(&w[2], FUTEX_UNLOCK_PI, 0, NULL, NULL, 0), 0);
    T_EQ("futex FUTEX_UNLOCK_PI without waiters leaves 0", w[2], 0);
    T_ERR("futex FUTEX_UNLOCK_PI a free word", fx(&w[2], FUTEX_UNLOCK_PI, 0, NULL, NULL, 0), EPERM);
    T_OK("futex FUTEX_TRYLOCK_PI a free word", fx(&w[2], FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0), 0);
    T_OK("futex FUTEX_UNLOCK_PI after FUTEX_TRYLOCK_PI", fx(&w[2], FUTEX_UNLOCK_PI, 0, NULL, NULL, 0), 0);
    T_OK("futex FUTEX_LOCK_PI2 a free word", fx(&w[2], FUTEX_LOCK_PI2, 0, NULL, NULL, 0), 0);
    T_OK("futex FUTEX_UNLOCK_PI after FUTEX_LOCK_PI2", fx(&w[2], FUTEX_UNLOCK_PI, 0, NULL, NULL, 0), 0);
    T_ERR("futex FUTEX_LOCK_PI FUTEX_CLOCK_REALTIME", fx(&w[2], FUTEX_LOCK_PI | FUTEX_CLOCK_REALTIME, 0, NULL,
                                                          NULL, 0), ENOSYS);
    T_ERR("futex FUTEX_LOCK_PI a misaligned word", fx((char *)&w[2] + 1, FUTEX_LOCK_PI, 0, NULL, NULL, 0), EINVAL);
    T_ERR("futex FUTEX_LOCK_PI an unmapped word", fx(BADUPTR, FUTEX_LOCK_PI, 0, NULL, NULL, 0), EFAULT);

    /* a tid no thread has: the highest pid number is never in use here (pid_max is at most 4M) */
    w[3] = 0x3ffffff0;
    T_ERR("futex FUTEX_LOCK_PI a word naming no thread", fx(&w[3], FUTEX_LOCK_PI, 0, NULL, NULL, 0), ESRCH);
    T_ERR("futex FUTEX_TRYLOCK_PI a word naming no thread", fx(&w[3], FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0), ESRCH);

    int go;
    w[2] = 0;
    pid_t c = holder(2, &go);
    T_EQ("futex FUTEX_LOCK_PI the child's tid in the word", w[2] & 0x3fffffff, (uint32_t)c);
    T_ERR("futex FUTEX_TRYLOCK_PI a lock another process holds", fx(&w[2], FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0),
          EAGAIN);
    T_ERR("futex FUTEX_UNLOCK_PI a lock another process holds", fx(&w[2], FUTEX_UNLOCK_PI, 0, NULL, NULL, 0),
          EPERM);
    struct timespec rt = tap_after_ns(CLOCK_REALTIME, 2000000), mono = tap_after_ns(CLOCK_MONOTONIC, 2000000);
    T_ERR("futex FUTEX_LOCK_PI with an absolute CLOCK_REALTIME timeout", fx(&w[2], FUTEX_LOCK_PI, 0, &rt, NULL, 0),
          ETIMEDOUT);
    T_ERR("futex FUTEX_LOCK_PI2 with an absolute CLOCK_MONOTONIC timeout",
          fx(&w[2], FUTEX_LOCK_PI2, 0, &mono, NULL, 0), ETIMEDOUT);
    rt = tap_after_ns(CLOCK_REALTIME, 2000000);
    T_ERR("futex FUTEX_LOCK_PI2 FUTEX_CLOCK_REALTIME timeout",
          fx(&w[2], FUTEX_LOCK_PI2 | FUTEX_CLOCK_REALTIME, 0, &rt, NULL, 0), ETIMEDOUT);
    struct timespec bad = { 0, -1 };
    T_ERR("futex FUTEX_LOCK_PI a bad timeout", fx(&w[2], FUTEX_LOCK_PI, 0, &bad, NULL, 0), EINVAL);
    T_TRUE("futex FUTEX_LOCK_PI the child still owns it", (w[2] & 0x3fffffff) == (uint32_t)c);
    if (write(go, "g", 1) != 1)
        exit(2);
    T_EQ("futex FUTEX_UNLOCK_PI the child unlocked", status_of(c), 0);
    close(go);
    T_OK("futex FUTEX_LOCK_PI once it is free", fx(&w[2], FUTEX_LOCK_PI, 0, NULL, NULL, 0), 0);
    T_EQ("futex FUTEX_LOCK_PI ours now", w[2] & 0x3fffffff, tid);
    fx(&w[2], FUTEX_UNLOCK_PI, 0, NULL, NULL, 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED) {
        printf("Bail out! mmap\n");
        return 2;
    }
    test_wait();
    test_bitset();
    test_requeue();
    test_wake_op();
    test_pi();
    return tap_done();
}
