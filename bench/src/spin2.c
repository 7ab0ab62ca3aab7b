/* bench/src/spin2.c — the SMP rows' CPU-bound program (bench/smp.sh): THREADS threads (default 2), each running
 * the same fixed integer loop of N rounds (default 100,000,000) on data of its own, no syscalls, no shared
 * cache lines; the main thread only waits. Prints "spin2 threads=T n=N sum=S ms=M": M is the wall time from the
 * first thread's start to the last one's end. With 2 threads on 2 CPUs it should take half the time of 1 CPU. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct job {
    unsigned long long seed, n, out;
    char pad[64];
};

static void *spin(void *arg)
{
    struct job *j = arg;
    unsigned long long x = j->seed, s = 0;
    for (unsigned long long i = 0; i < j->n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s += x * 0x9e3779b97f4a7c15ull >> 32;
    }
    j->out = s;
    return NULL;
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    int nt = argc > 1 ? atoi(argv[1]) : 2;
    unsigned long long n = argc > 2 ? strtoull(argv[2], NULL, 0) : 100000000ull;
    if (nt < 1 || nt > 64)
        return 2;
    static struct job jobs[64];
    pthread_t th[64];
    long long t0 = now_ns();
    for (int i = 0; i < nt; i++) {
        jobs[i] = (struct job){ .seed = 88172645463325252ull + (unsigned long long)i, .n = n };
        if (pthread_create(&th[i], NULL, spin, &jobs[i]))
            return 1;
    }
    unsigned long long sum = 0;
    for (int i = 0; i < nt; i++) {
        pthread_join(th[i], NULL);
        sum += jobs[i].out;
    }
    long long t1 = now_ns();
    printf("spin2 threads=%d n=%llu sum=%llu ms=%lld\n", nt, n, sum, (t1 - t0) / 1000000);
    return 0;
}
