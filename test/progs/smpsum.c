/* test/progs/smpsum.c — two threads that must run at the same time on different CPUs (tools/skiff run --cpus 2):
 * each keeps saying which CPU it is on (getcpu(2) through the syscall; glibc's sched_getcpu once) until the two
 * have been seen on different CPUs at once, or 5 s have passed (on one CPU they never are: each runs only while
 * the other is preempted); then each sums its half of 1..N and the main thread prints the total.
 * Prints "cpus distinct|same", "glibc ok|bad" (sched_getcpu gave a CPU that exists), "total T", "nprocs P",
 * "affinity C"; exits 1 if a thread saw no CPU. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define N 2000000ull

static atomic_int now_on[2] = { -1, -1 }, apart;
static int cpu_of[2], cpu_glibc[2];
static unsigned long long part[2];

static void *work(void *arg)
{
    int i = (int)(long)arg;
    unsigned cpu = ~0u;
    cpu_of[i] = -1;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        if (syscall(SYS_getcpu, &cpu, NULL, NULL) != 0)
            return NULL;
        cpu_of[i] = (int)cpu;
        cpu_glibc[i] = sched_getcpu();
        atomic_store(&now_on[i], (int)cpu);
        int a = atomic_load(&now_on[0]), b = atomic_load(&now_on[1]);
        if (a >= 0 && b >= 0 && a != b)
            atomic_store(&apart, 1); /* both running, each on its own CPU */
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (!atomic_load(&apart) && t.tv_sec - t0.tv_sec < 5);
    unsigned long long s = 0;
    for (unsigned long long k = i * N / 2 + 1; k <= (i + 1) * N / 2; k++)
        s += k;
    part[i] = s;
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, work, (void *)1L) != 0)
        return 2;
    work((void *)0L);
    pthread_join(t, NULL);
    cpu_set_t set;
    CPU_ZERO(&set);
    int aff = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : -1;
    printf("cpus %s\n", apart ? "distinct" : "same");
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    printf("glibc %s\n", cpu_glibc[0] >= 0 && cpu_glibc[0] < n && cpu_glibc[1] >= 0 && cpu_glibc[1] < n ? "ok" : "bad");
    printf("total %llu\n", part[0] + part[1]);
    printf("nprocs %ld\naffinity %d\n", n, aff);
    return cpu_of[0] < 0 || cpu_of[1] < 0;
}
