/* test/conformance/futexwaitv.c — futex_waitv(2) (Linux 5.16): waiting on a vector of 32-bit futexes. Its
 * argument checks in Linux's order (flags, count, timeout and clock, each entry's flags, reserved word and
 * value, the words' alignment and mapping), EAGAIN for a word that differs, ETIMEDOUT for an absolute
 * deadline on CLOCK_MONOTONIC and CLOCK_REALTIME, and wakes by plain FUTEX_WAKE and FUTEX_WAKE_BITSET on any
 * of the words (the index of the woken entry is returned), from another process on shared memory and from
 * another thread with FUTEX2_PRIVATE; FUTEX_REQUEUE and FUTEX_CMP_REQUEUE move an entry to another word, where
 * a wake finds it (its index is kept). A signal ends the wait with EINTR, or restarts it under SA_RESTART.
 * Waiters' sleep is seen in /proc/PID/stat, never guessed from timing. */
/* covers: futex_waitv */
#include "tap.h"
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <sys/mman.h>

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX2_SIZE_U8 0
#define FUTEX2_SIZE_U16 1
#define FUTEX2_SIZE_U32 2
#define FUTEX2_SIZE_U64 3
#define FUTEX2_PRIVATE 128

struct waitv { uint64_t val, uaddr; uint32_t flags, reserved; };

static uint32_t *w; /* shared words */

static long waitv(struct waitv *v, unsigned n, unsigned flags, const struct timespec *ts, int clk)
{
    return syscall(SYS_futex_waitv, v, n, flags, ts, clk);
}

static long wake(void *uaddr, int op, int n, uint32_t bits)
{
    return syscall(SYS_futex, uaddr, op, n, NULL, NULL, bits);
}

static struct waitv ent(uint32_t *word, uint64_t val, uint32_t flags)
{
    return (struct waitv){ .val = val, .uaddr = (uintptr_t)word, .flags = flags };
}

static void test_args(void)
{
    struct waitv v[129];
    struct timespec past = { 1, 0 }, bad = { 0, 1000000000 }, neg = { -1, 0 };
    w[0] = 5;
    w[1] = 6;
    for (int i = 0; i < 129; i++)
        v[i] = ent(&w[0], 5, FUTEX2_SIZE_U32);
    T_ERR("futex_waitv flags 1", waitv(v, 1, 1, &past, CLOCK_MONOTONIC), EINVAL);
    T_ERR("futex_waitv no futexes", waitv(v, 0, 0, &past, CLOCK_MONOTONIC), EINVAL);
    T_ERR("futex_waitv 129 futexes", waitv(v, 129, 0, &past, CLOCK_MONOTONIC), EINVAL);
    T_ERR("futex_waitv 128 futexes, past deadline", waitv(v, 128, 0, &past, CLOCK_MONOTONIC), ETIMEDOUT);
    T_ERR("futex_waitv a NULL vector", waitv(NULL, 1, 0, &past, CLOCK_MONOTONIC), EINVAL);
    T_ERR("futex_waitv an unmapped vector", waitv(BADUPTR, 1, 0, &past, CLOCK_MONOTONIC), EFAULT);
    T_ERR("futex_waitv CLOCK_BOOTTIME", waitv(v, 1, 0, &past, CLOCK_BOOTTIME), EINVAL);
    T_ERR("futex_waitv a bad clock before a bad vector", waitv(BADUPTR, 1, 0, &past, 99), EINVAL);
    T_ERR("futex_waitv an unmapped timeout", waitv(v, 1, 0, BADUPTR, CLOCK_MONOTONIC), EFAULT);
    T_ERR("futex_waitv tv_nsec of a second", waitv(v, 1, 0, &bad, CLOCK_MONOTONIC), EINVAL);
    T_ERR("futex_waitv a negative deadline", waitv(v, 1, 0, &neg, CLOCK_MONOTONIC), EINVAL);
    T_ERR("futex_waitv without a timeout the clock is not looked at",
          waitv((struct waitv[]){ ent(&w[0], 4, FUTEX2_SIZE_U32) }, 1, 0, NULL, 99), EAGAIN);
    T_ERR("futex_waitv FUTEX2_SIZE_U8",
          waitv((struct waitv[]){ ent(&w[0], 5, FUTEX2_SIZE_U8) }, 1, 0, &past, CLOCK_MONOTONIC), EINVAL);
    T_ERR("futex_waitv FUTEX2_SIZE_U16",
          waitv((struct waitv[]){ ent(&w[0], 5, FUTEX2_SIZE_U16) }, 1, 0, &past, CLOCK_MONOTONIC), EINVAL);
    T_ERR("futex_waitv FUTEX2_SIZE_U64",
          waitv((struct waitv[]){ ent(&w[0], 5, FUTEX2_SIZE_U64) }, 1, 0, &past, CLOCK_MONOTONIC), EINVAL);
    T_ERR("futex_waitv an unknown entry flag",
          waitv((struct waitv[]){ ent(&w[0], 5, FUTEX2_SIZE_U32 | 0x100) }, 1, 0, &past, CLOCK_MONOTONIC), EINVAL);
    struct waitv r = ent(&w[0], 5, FUTEX2_SIZE_U32);
    r.reserved = 1;
    T_ERR("futex_waitv __reserved not 0", waitv(&r, 1, 0, &past, CLOCK_MONOTONIC), EINVAL);
    T_ERR("futex_waitv a value above 32 bits",
          waitv((struct waitv[]){ ent(&w[0], 1ull << 32 | 5, FUTEX2_SIZE_U32) }, 1, 0, &past, CLOCK_MONOTONIC),
          EINVAL);
    T_ERR("futex_waitv a bad second entry is seen before the first's value",
          waitv((struct waitv[]){ ent(&w[0], 4, FUTEX2_SIZE_U32), ent(&w[1], 6, 0) }, 2, 0, &past, CLOCK_MONOTONIC),
          EINVAL);
    T_ERR("futex_waitv a misaligned word",
          waitv((struct waitv[]){ ent((uint32_t *)((char *)w + 1), 5, FUTEX2_SIZE_U32) }, 1, 0, &past,
                CLOCK_MONOTONIC), EINVAL);
    T_ERR("futex_waitv an unmapped word",
          waitv((struct waitv[]){ ent(BADUPTR, 5, FUTEX2_SIZE_U32) }, 1, 0, &past, CLOCK_MONOTONIC), EFAULT);
    T_ERR("futex_waitv FUTEX2_PRIVATE an unmapped word",
          waitv((struct waitv[]){ ent(BADUPTR, 5, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE) }, 1, 0, &past,
                CLOCK_MONOTONIC), EFAULT);
    T_ERR("futex_waitv a kernel address",
          waitv((struct waitv[]){ ent(KADDR, 5, FUTEX2_SIZE_U32) }, 1, 0, &past, CLOCK_MONOTONIC), EFAULT);
    T_ERR("futex_waitv a misaligned second word before the first's value",
          waitv((struct waitv[]){ ent(&w[0], 4, FUTEX2_SIZE_U32), ent((uint32_t *)((char *)w + 6), 6,
                FUTEX2_SIZE_U32) }, 2, 0, &past, CLOCK_MONOTONIC), EINVAL);
}

static void test_values(void)
{
    struct timespec past = { 1, 0 };
    w[0] = 5;
    w[1] = 6;
    T_ERR("futex_waitv the word differs",
          waitv((struct waitv[]){ ent(&w[0], 4, FUTEX2_SIZE_U32) }, 1, 0, &past, CLOCK_MONOTONIC), EAGAIN);
    T_ERR("futex_waitv the second word differs",
          waitv((struct waitv[]){ ent(&w[0], 5, FUTEX2_SIZE_U32), ent(&w[1], 7, FUTEX2_SIZE_U32) }, 2, 0, &past,
                CLOCK_MONOTONIC), EAGAIN);
    T_ERR("futex_waitv a differing word before an unmapped one (FUTEX2_PRIVATE)",
          waitv((struct waitv[]){ ent(&w[0], 4, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE),
                ent(BADUPTR, 0, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE) }, 2, 0, &past, CLOCK_MONOTONIC), EAGAIN);
    T_ERR("futex_waitv words that match, a past deadline",
          waitv((struct waitv[]){ ent(&w[0], 5, FUTEX2_SIZE_U32), ent(&w[1], 6, FUTEX2_SIZE_U32) }, 2, 0, &past,
                CLOCK_MONOTONIC), ETIMEDOUT);
    struct timespec soon = tap_after_ns(CLOCK_MONOTONIC, 2000000);
    T_ERR("futex_waitv CLOCK_MONOTONIC 2 ms ahead",
          waitv((struct waitv[]){ ent(&w[0], 5, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE) }, 1, 0, &soon, CLOCK_MONOTONIC),
          ETIMEDOUT);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    T_TRUE("futex_waitv the CLOCK_MONOTONIC deadline had passed",
           now.tv_sec > soon.tv_sec || (now.tv_sec == soon.tv_sec && now.tv_nsec >= soon.tv_nsec));
    soon = tap_after_ns(CLOCK_REALTIME, 2000000);
    T_ERR("futex_waitv CLOCK_REALTIME 2 ms ahead",
          waitv((struct waitv[]){ ent(&w[0], 5, FUTEX2_SIZE_U32) }, 1, 0, &soon, CLOCK_REALTIME), ETIMEDOUT);
    T_ERR("futex_waitv a CLOCK_MONOTONIC-sized deadline on CLOCK_REALTIME is long past",
          waitv((struct waitv[]){ ent(&w[0], 5, FUTEX2_SIZE_U32) }, 1, 0, &(struct timespec){ 1000, 0 },
                CLOCK_REALTIME), ETIMEDOUT);
}

/* A child waiting on w[0..n-1] (values as they are); exits with the index it got, or 100 + errno. */
static pid_t waiter(int n)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        struct waitv v[8];
        for (int i = 0; i < n; i++)
            v[i] = ent(&w[i], w[i], FUTEX2_SIZE_U32);
        long r = waitv(v, n, 0, NULL, 0);
        _exit(r >= 0 ? (int)r : 100 + errno);
    }
    while (state_of(c) != 'S')
        usleep(1000);
    return c;
}

static int status_of(pid_t c)
{
    int s = 0;
    waitpid(c, &s, 0);
    return WIFEXITED(s) ? WEXITSTATUS(s) : 200 + WTERMSIG(s);
}

static void test_wake(void)
{
    w[0] = 1, w[1] = 2, w[2] = 3;
    pid_t c = waiter(3);
    T_OK("futex_waitv FUTEX_WAKE on a word nobody waits on wakes nothing", wake(&w[3], FUTEX_WAKE, 1, 0), 0);
    T_OK("futex_waitv FUTEX_WAKE on the second word wakes the waiter", wake(&w[1], FUTEX_WAKE, INT_MAX, 0), 1);
    T_EQ("futex_waitv returns the woken entry's index", status_of(c), 1);
    c = waiter(3);
    T_OK("futex_waitv FUTEX_WAKE_BITSET on the third word wakes it", wake(&w[2], FUTEX_WAKE_BITSET, 1, 0x10), 1);
    T_EQ("futex_waitv returns index 2", status_of(c), 2);
    c = waiter(1);
    pid_t d = waiter(2);
    T_OK("futex_waitv FUTEX_WAKE 1 wakes one of two waiters", wake(&w[0], FUTEX_WAKE, 1, 0), 1);
    T_OK("futex_waitv FUTEX_WAKE again wakes the other", wake(&w[0], FUTEX_WAKE, INT_MAX, 0), 1);
    T_EQ("futex_waitv the first waiter got index 0", status_of(c), 0);
    T_EQ("futex_waitv the second waiter got index 0", status_of(d), 0);
    T_OK("futex_waitv FUTEX_WAKE after both left wakes nothing", wake(&w[0], FUTEX_WAKE, INT_MAX, 0), 0);
}

static void test_requeue(void)
{
    w[0] = 1, w[1] = 2, w[4] = 9;
    pid_t c = waiter(2);
    T_OK("futex_waitv FUTEX_CMP_REQUEUE moves the entry of the first word to a third",
         syscall(SYS_futex, &w[0], FUTEX_CMP_REQUEUE, 0, (void *)1, &w[4], 1), 1);
    T_OK("futex_waitv FUTEX_WAKE on the first word finds nobody now", wake(&w[0], FUTEX_WAKE, 1, 0), 0);
    T_OK("futex_waitv FUTEX_WAKE on the third word wakes it", wake(&w[4], FUTEX_WAKE, 1, 0), 1);
    T_EQ("futex_waitv the moved entry keeps its index 0", status_of(c), 0);
    c = waiter(2);
    T_OK("futex_waitv FUTEX_REQUEUE with nr_requeue 0 moves nothing",
         syscall(SYS_futex, &w[1], FUTEX_REQUEUE, 0, (void *)0, &w[4], 0), 0);
    T_OK("futex_waitv FUTEX_REQUEUE wakes 1 and moves the rest",
         syscall(SYS_futex, &w[1], FUTEX_REQUEUE, 1, (void *)5, &w[4], 0), 1);
    T_EQ("futex_waitv woken by FUTEX_REQUEUE: index 1", status_of(c), 1);
}

static void on_usr1(int sig) { (void)sig; }

/* A child whose wait a SIGUSR1 handler interrupts; with SA_RESTART the wait goes on until a wake. */
static pid_t sig_waiter(int sa_flags)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = sa_flags };
        sigaction(SIGUSR1, &sa, NULL);
        struct waitv v[2] = { ent(&w[0], w[0], FUTEX2_SIZE_U32), ent(&w[1], w[1], FUTEX2_SIZE_U32) };
        long r = waitv(v, 2, 0, NULL, 0);
        _exit(r >= 0 ? (int)r : 100 + errno);
    }
    while (state_of(c) != 'S')
        usleep(1000);
    return c;
}

static void test_signal(void)
{
    pid_t c = sig_waiter(0);
    kill(c, SIGUSR1);
    T_EQ("futex_waitv a handled signal -> EINTR", status_of(c), 100 + EINTR);
    c = sig_waiter(SA_RESTART);
    kill(c, SIGUSR1);
    for (int i = 0; i < 20; i++) /* the handler runs and the wait starts again */
        usleep(1000);
    while (state_of(c) != 'S')
        usleep(1000);
    T_OK("futex_waitv SA_RESTART: the restarted wait is woken", wake(&w[1], FUTEX_WAKE, 1, 0), 1);
    T_EQ("futex_waitv SA_RESTART: index 1 after the restart", status_of(c), 1);
}

static uint32_t priv[2]; /* private words for a thread */
static long thread_rc;

static void *thread_wait(void *arg)
{
    (void)arg;
    struct waitv v[2] = { ent(&priv[0], 0, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE),
                          ent(&priv[1], 0, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE) };
    thread_rc = waitv(v, 2, 0, NULL, 0);
    return NULL;
}

static volatile pid_t thread_tid;
static void *thread_main(void *arg)
{
    thread_tid = (pid_t)syscall(SYS_gettid);
    return thread_wait(arg);
}

static void test_private(void)
{
    pthread_t th;
    pthread_create(&th, NULL, thread_main, NULL);
    while (!thread_tid)
        usleep(1000);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)thread_tid);
    for (;;) { /* until the thread sleeps in the wait */
        char buf[512] = { 0 };
        if (tap_read_file(path, buf, sizeof buf) > 0) {
            char *p = strrchr(buf, ')');
            if (p && p[2] == 'S')
                break;
        }
        usleep(1000);
    }
    T_OK("futex_waitv FUTEX2_PRIVATE is woken by FUTEX_WAKE|FUTEX_PRIVATE_FLAG",
         wake(&priv[1], FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0), 1);
    pthread_join(th, NULL);
    T_OK("futex_waitv FUTEX2_PRIVATE returns index 1", thread_rc, 1);
}

int main(void)
{
    w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED)
        return 1;
    test_args();
    test_values();
    test_wake();
    test_requeue();
    test_signal();
    test_private();
    return tap_done();
}
