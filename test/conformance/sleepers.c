/* test/conformance/sleepers.c — many timed waits at once: 200 threads each sleep for a different time (nanosleep,
 * poll's timeout, a futex wait's timeout through pthread_cond_timedwait, clock_nanosleep TIMER_ABSTIME) and every
 * one of them returns, none before its time. The kernel keeps blocked tasks with a deadline in a heap; a wait
 * that ended early or never would show here. Only lower bounds are checked (never how late a wake was). */
/* covers: nanosleep poll futex clock_nanosleep */
#include "tap.h"
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define N 200
static atomic_int done, early;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void *sleeper(void *arg)
{
    long i = (long)arg;
    long long want = (long long)(1 + (i * 7) % 97) * 1000000; /* 1..97 ms, in a scrambled order */
    long long t0 = now_ns();
    switch (i % 4) {
    case 0: {
        struct timespec ts = { 0, want };
        nanosleep(&ts, NULL);
        break;
    }
    case 1:
        poll(NULL, 0, (int)(want / 1000000));
        break;
    case 2: {
        struct timespec abs;
        clock_gettime(CLOCK_REALTIME, &abs);
        abs.tv_nsec += want;
        abs.tv_sec += abs.tv_nsec / 1000000000;
        abs.tv_nsec %= 1000000000;
        pthread_mutex_lock(&mu);
        while (pthread_cond_timedwait(&cv, &mu, &abs) == 0)
            ; /* nobody signals it: only the timeout ends it */
        pthread_mutex_unlock(&mu);
        t0 -= 1000000; /* CLOCK_REALTIME against MONOTONIC: allow for the two clocks' reads */
        break;
    }
    default: {
        struct timespec abs;
        clock_gettime(CLOCK_MONOTONIC, &abs);
        abs.tv_nsec += want;
        abs.tv_sec += abs.tv_nsec / 1000000000;
        abs.tv_nsec %= 1000000000;
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
    }
    }
    if (now_ns() - t0 < want)
        early++;
    done++;
    return NULL;
}

int main(void)
{
    pthread_t th[N];
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 << 10);
    int made = 0;
    for (long i = 0; i < N; i++)
        made += pthread_create(&th[i], &attr, sleeper, (void *)i) == 0;
    T_OK("200 sleeping threads created", made, N);
    for (int i = 0; i < made; i++)
        pthread_join(th[i], NULL);
    T_OK("every timed wait (nanosleep, poll, cond_timedwait, clock_nanosleep ABSTIME) returned", done, N);
    T_OK("none returned before its time", early, 0);
    return tap_done();
}
