/* test/conformance/futexpi.c — FUTEX_UNLOCK_PI with a waiter (futex(2)): the lock goes straight to the
 * waiter, whose tid the word holds with FUTEX_WAITERS before it even runs, and its FUTEX_LOCK_PI returns 0
 * holding it; its own FUTEX_UNLOCK_PI then, with nobody waiting, leaves 0. A forked child waits on a word in
 * shared memory; the parent sees it waiting by FUTEX_WAITERS in the word, never by timing. */
/* covers: futex */
#include "tap.h"
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_TID_MASK 0x3fffffffu
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>

static long fx(volatile uint32_t *w, int op) { return syscall(SYS_futex, w, op, 0, NULL, NULL, 0); }

int main(void)
{
    volatile uint32_t *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    uint32_t me = (uint32_t)syscall(SYS_gettid);
    int p[2], g[2];
    if (w == MAP_FAILED || pipe(p) || pipe(g))
        return 2;
    T_OK("futex FUTEX_LOCK_PI a free word", fx(w, FUTEX_LOCK_PI), 0);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        uint32_t tid = (uint32_t)syscall(SYS_gettid);
        char r[3] = { fx(w, FUTEX_LOCK_PI) == 0 ? 'y' : 'n', (*w & FUTEX_TID_MASK) == tid ? 'y' : 'n', 0 }, b;
        if (write(p[1], r, 2) != 2 || read(g[0], &b, 1) != 1) /* it holds the lock until the parent looked */
            _exit(3);
        r[2] = fx(w, FUTEX_UNLOCK_PI) == 0 ? 'y' : 'n';
        _exit(write(p[1], r + 2, 1) == 1 ? 0 : 3);
    }
    for (long i = 0; i < 100000000 && !(*w & FUTEX_WAITERS); i++)
        sched_yield();
    T_EQ("futex FUTEX_LOCK_PI by a second process marks the word FUTEX_WAITERS", *w, FUTEX_WAITERS | me);
    T_OK("futex FUTEX_UNLOCK_PI with a waiter", fx(w, FUTEX_UNLOCK_PI), 0);
    T_EQ("futex FUTEX_UNLOCK_PI hands the lock over: the waiter's tid, FUTEX_WAITERS kept", *w,
         FUTEX_WAITERS | (uint32_t)c);
    char r[3] = { 0 };
    T_OK("futex the waiter reports back", read(p[0], r, 2), 2);
    T_TRUE("futex FUTEX_LOCK_PI of the waiter returns 0 holding the lock", r[0] == 'y' && r[1] == 'y');
    if (write(g[1], "g", 1) != 1 || read(p[0], r + 2, 1) != 1)
        r[2] = 0;
    T_TRUE("futex FUTEX_UNLOCK_PI by the new owner", r[2] == 'y');
    T_EQ("futex FUTEX_UNLOCK_PI with nobody waiting leaves 0", *w, 0);
    int st;
    waitpid(c, &st, 0);
    return tap_done();
}
