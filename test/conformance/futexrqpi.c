/* test/conformance/futexrqpi.c — FUTEX_WAIT_REQUEUE_PI and FUTEX_CMP_REQUEUE_PI (futex(2)), a condition
 * variable over a PI lock: with the lock free the first waiter is given it and woken holding it; with the lock
 * held the waiter is moved to the lock and FUTEX_UNLOCK_PI hands it over; a plain FUTEX_WAKE of the condition is
 * EINVAL while such a waiter is there; and Linux's EINVAL and EAGAIN cases. Children wait on words in shared
 * memory; the parent knows a child waits when a requeue or wake call counts it, never by timing. */
/* covers: futex */
#include "tap.h"
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI 12
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_TID_MASK 0x3fffffffu

static volatile uint32_t *c, *m; /* the condition's word and the lock's, shared with the children */

static long fx(volatile uint32_t *w, int op, long val, long v2, volatile uint32_t *w2, uint32_t v3)
{
    return syscall(SYS_futex, w, op, val, v2, w2, v3);
}

/* A child that waits on c to be moved to m, reports (its result, whether it holds m) and unlocks m when told. */
static pid_t waiter(int *rep, int *go)
{
    int r[2], g[2];
    if (pipe(r) || pipe(g))
        exit(2);
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        uint32_t tid = (uint32_t)syscall(SYS_gettid);
        long rc = fx(c, FUTEX_WAIT_REQUEUE_PI, 0, 0, m, 0);
        char out[2] = { rc == 0 ? 'y' : rc == -1 && errno == EAGAIN ? 'a' : 'n', (*m & FUTEX_TID_MASK) == tid ? 'y' : 'n' };
        char b;
        if (write(r[1], out, 2) != 2 || read(g[0], &b, 1) != 1)
            _exit(3);
        _exit(out[0] == 'y' && fx(m, FUTEX_UNLOCK_PI, 0, 0, NULL, 0) ? 4 : 0);
    }
    close(r[1]);
    close(g[0]);
    *rep = r[0];
    *go = g[1];
    return p;
}

/* Calls op until it counts one waiter (the child is asleep then): its last result. */
static long until_counted(int op, long nr_requeue)
{
    long rc = 0;
    for (long i = 0; i < 100000000; i++) {
        rc = op == FUTEX_WAKE ? fx(c, FUTEX_WAKE, 1, 0, NULL, 0) : fx(c, op, 1, nr_requeue, m, 0);
        if (rc != 0)
            break;
        sched_yield();
    }
    return rc;
}

static void finish(pid_t p, int rep, int go)
{
    int st;
    if (write(go, "g", 1) != 1)
        return;
    waitpid(p, &st, 0);
    close(rep);
    close(go);
}

static void t_free_lock(void)
{
    int rep, go;
    char r[2] = { 0 };
    pid_t p = waiter(&rep, &go);
    T_EQ("futex FUTEX_CMP_REQUEUE_PI with the lock free: one waiter, given the lock", until_counted(FUTEX_CMP_REQUEUE_PI, 0), 1);
    T_EQ("futex FUTEX_CMP_REQUEUE_PI: the lock word holds the waiter's tid", *m, (uint32_t)p);
    T_OK("futex FUTEX_WAIT_REQUEUE_PI: the waiter reports", read(rep, r, 2), 2);
    T_TRUE("futex FUTEX_WAIT_REQUEUE_PI returns 0 holding the lock", r[0] == 'y' && r[1] == 'y');
    finish(p, rep, go);
    T_EQ("futex FUTEX_UNLOCK_PI by the waiter leaves 0", *m, 0);
}

static void t_held_lock(void)
{
    int rep, go;
    char r[2] = { 0 };
    uint32_t me = (uint32_t)syscall(SYS_gettid);
    fx(m, FUTEX_LOCK_PI, 0, 0, NULL, 0);
    pid_t p = waiter(&rep, &go);
    T_EQ("futex FUTEX_CMP_REQUEUE_PI with the lock held: the waiter moved", until_counted(FUTEX_CMP_REQUEUE_PI, 1), 1);
    T_EQ("futex FUTEX_CMP_REQUEUE_PI marks the lock FUTEX_WAITERS", *m, FUTEX_WAITERS | me);
    T_OK("futex FUTEX_UNLOCK_PI with a moved waiter", fx(m, FUTEX_UNLOCK_PI, 0, 0, NULL, 0), 0);
    T_EQ("futex FUTEX_UNLOCK_PI hands the lock to the moved waiter", *m, FUTEX_WAITERS | (uint32_t)p);
    T_OK("futex FUTEX_WAIT_REQUEUE_PI: the moved waiter reports", read(rep, r, 2), 2);
    T_TRUE("futex FUTEX_WAIT_REQUEUE_PI returns 0 holding the lock after the handover", r[0] == 'y' && r[1] == 'y');
    finish(p, rep, go);
    T_EQ("futex FUTEX_UNLOCK_PI by the moved waiter leaves 0", *m, 0);
}

static void t_plain_wake(void)
{
    int rep, go;
    char r[2] = { 0 };
    pid_t p = waiter(&rep, &go);
    long rc = until_counted(FUTEX_WAKE, 0);
    T_TRUE("futex FUTEX_WAKE of a FUTEX_WAIT_REQUEUE_PI waiter -> EINVAL", rc == -1 && errno == EINVAL);
    T_EQ("futex FUTEX_CMP_REQUEUE_PI still finds it waiting", fx(c, FUTEX_CMP_REQUEUE_PI, 1, 0, m, 0), 1);
    T_OK("futex FUTEX_WAIT_REQUEUE_PI: the waiter reports", read(rep, r, 2), 2);
    T_TRUE("futex FUTEX_WAIT_REQUEUE_PI returns 0 holding the lock", r[0] == 'y' && r[1] == 'y');
    finish(p, rep, go);
}

static void t_plain_waiter(void)
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0)
        _exit(fx(c, FUTEX_WAIT, 0, 0, NULL, 0) ? 1 : 0);
    long rc = 0;
    for (long i = 0; i < 100000000 && rc == 0; i++) {
        rc = fx(c, FUTEX_CMP_REQUEUE_PI, 1, 1, m, 0);
        sched_yield();
    }
    T_TRUE("futex FUTEX_CMP_REQUEUE_PI of a plain FUTEX_WAIT waiter -> EINVAL", rc == -1 && errno == EINVAL);
    fx(c, FUTEX_WAKE, 1, 0, NULL, 0);
    int st;
    waitpid(p, &st, 0);
}

static void t_errors(void)
{
    T_ERR("futex FUTEX_CMP_REQUEUE_PI nr_wake 2", fx(c, FUTEX_CMP_REQUEUE_PI, 2, 0, m, 0), EINVAL);
    T_ERR("futex FUTEX_CMP_REQUEUE_PI one word twice", fx(c, FUTEX_CMP_REQUEUE_PI, 1, 0, c, 0), EINVAL);
    T_ERR("futex FUTEX_CMP_REQUEUE_PI the word is not val3", fx(c, FUTEX_CMP_REQUEUE_PI, 1, 0, m, 5), EAGAIN);
    T_OK("futex FUTEX_CMP_REQUEUE_PI without waiters", fx(c, FUTEX_CMP_REQUEUE_PI, 1, 0, m, 0), 0);
    T_ERR("futex FUTEX_WAIT_REQUEUE_PI one word twice", fx(c, FUTEX_WAIT_REQUEUE_PI, 0, 0, c, 0), EINVAL);
    T_ERR("futex FUTEX_WAIT_REQUEUE_PI the word is not val", fx(c, FUTEX_WAIT_REQUEUE_PI, 7, 0, m, 0), EAGAIN);
    T_ERR("futex FUTEX_WAIT_REQUEUE_PI an unaligned lock word", fx(c, FUTEX_WAIT_REQUEUE_PI, 0, 0,
                                                                 (volatile uint32_t *)((char *)m + 1), 0), EINVAL);
}

int main(void)
{
    volatile uint32_t *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED)
        return 2;
    c = &w[0];
    m = &w[16];
    t_errors();
    t_free_lock();
    t_held_lock();
    t_plain_wake();
    t_plain_waiter();
    return tap_done();
}
