/* test/progs/futexintr.c — a futex wake must not be lost while a signal has the waiter off the queue (issue 14).
 * The main thread (the first of the process: a process-wide signal interrupts it first) waits on a futex word
 * ROUNDS times; a waker thread moves the word on and wakes it; a third thread floods the process with
 * sigqueue(SIGRTMIN) and, not blocking it either, mostly takes the signals itself. Each one interrupts the
 * waiting main thread, which finds no signal left for it: it must look at the word again before it waits again,
 * or a wake that came meanwhile is lost and the wait runs to its timeout with the word already moved (skiff's
 * futex_block waited again blindly: pthread_join hung in test/guest t_smp_stress). Prints "rounds N lost L";
 * exits 0 when L is 0. Passes natively on Linux too. Usage: futexintr [ROUNDS] */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static atomic_uint word, waiting_for;
static atomic_int stop;
static atomic_ulong handled;

static void on_rt(int sig)
{
    (void)sig;
    atomic_fetch_add(&handled, 1);
}

static long futex_wait1(atomic_uint *w, unsigned val)
{
    struct timespec ts = { 1, 0 }; /* a lost wake shows as a timeout with the word moved */
    return syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, &ts, NULL, 0);
}

static void *flood(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop)) {
        union sigval v = { .sival_int = 1 };
        if (sigqueue(getpid(), SIGRTMIN, v) < 0)
            sched_yield(); /* the queue is full (EAGAIN): let the handlers catch up */
    }
    return NULL;
}

static void *waker(void *arg)
{
    unsigned rounds = (unsigned)(long)arg, seed = 1;
    for (unsigned r = 1; r <= rounds; r++) {
        while (atomic_load(&waiting_for) != r)
            sched_yield();
        seed = seed * 1103515245 + 12345;
        struct timespec ts = { 0, (long)(seed >> 16) % 300000 }; /* let the waiter get into its wait, or not */
        nanosleep(&ts, NULL);
        atomic_store(&word, r);
        syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 300, lost = 0;
    struct sigaction sa = { .sa_handler = on_rt, .sa_flags = SA_RESTART };
    sigaction(SIGRTMIN, &sa, NULL);
    pthread_t f, w;
    pthread_create(&f, NULL, flood, NULL);
    pthread_create(&w, NULL, waker, (void *)(long)rounds);
    for (unsigned r = 1; r <= rounds; r++) {
        atomic_store(&waiting_for, r);
        while (atomic_load(&word) != r) {
            long rc = futex_wait1(&word, r - 1);
            if (rc < 0 && errno == ETIMEDOUT && atomic_load(&word) == r)
                lost++;
        }
    }
    atomic_store(&stop, 1);
    pthread_join(w, NULL);
    pthread_join(f, NULL);
    printf("rounds %u lost %u\n", rounds, lost);
    fprintf(stderr, "futexintr: %lu signals handled\n", atomic_load(&handled));
    return lost != 0;
}
