/* test/progs/smpaffinity.c — sched_setaffinity pins threads (tools/skiff run --cpus 2): the main thread and a
 * second thread each pin themselves to one CPU (the main thread to the last CPU, the other to CPU 0) and then
 * ask getcpu(2) 20,000 times while both spin and a third, unpinned thread spins too, so that each would be
 * moved if the pin were not kept; a forked
 * child inherits the main thread's mask; sched_getaffinity gives back what was set. Prints
 *   main pinned to C: ok|moved N   thread pinned to 0: ok|moved N   getaffinity ok|bad   child inherits ok|bad
 *   unpinned ok|bad (every CPU again)
 * Exits 1 if anything is off. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static atomic_int go;

static int cpu_now(void)
{
    unsigned cpu = ~0u;
    syscall(SYS_getcpu, &cpu, NULL, NULL);
    return (int)cpu;
}

static int pin(int cpu)
{
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(cpu, &s);
    return sched_setaffinity(0, sizeof(s), &s);
}

/* getcpu over and over; how many times it was not want */
static int count_moved(int want)
{
    int moved = 0;
    for (int i = 0; i < 20000; i++) {
        if (cpu_now() != want)
            moved++;
        for (volatile int j = 0; j < 200; j++)
            ;
    }
    return moved;
}

/* a third thread, unpinned, spinning meanwhile: three runnable threads on two CPUs take turns, and without the
 * masks kept the pinned two would go wherever a CPU is free */
static atomic_int stop;
static void *spinner(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop))
        ;
    return NULL;
}

static void *thread(void *arg)
{
    int *moved = arg;
    if (pin(0))
        *moved = -1;
    atomic_fetch_add(&go, 1);
    while (atomic_load(&go) < 2)
        ;
    if (*moved == 0)
        *moved = count_moved(0);
    return NULL;
}

int main(void)
{
    int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN), last = ncpu - 1, bad = 0;
    if (ncpu < 2) {
        printf("needs 2 CPUs, has %d\n", ncpu);
        return 1;
    }
    int tmoved = 0;
    pthread_t th, sp;
    if (pin(last) || pthread_create(&th, NULL, thread, &tmoved) || pthread_create(&sp, NULL, spinner, NULL))
        return 1;
    atomic_fetch_add(&go, 1);
    while (atomic_load(&go) < 2)
        ;
    int mmoved = count_moved(last);
    pthread_join(th, NULL);
    atomic_store(&stop, 1);
    pthread_join(sp, NULL);
    printf("main pinned to %d: ", last);
    mmoved ? printf("moved %d\n", mmoved) : printf("ok\n");
    printf("thread pinned to 0: ");
    tmoved ? printf("moved %d\n", tmoved) : printf("ok\n");
    bad |= mmoved || tmoved;

    cpu_set_t s;
    CPU_ZERO(&s);
    int g = sched_getaffinity(0, sizeof(s), &s) == 0 && CPU_COUNT(&s) == 1 && CPU_ISSET(last, &s);
    printf("getaffinity %s\n", g ? "ok" : "bad");
    bad |= !g;

    pid_t pid = fork();
    if (pid == 0) {
        cpu_set_t c;
        CPU_ZERO(&c);
        _exit(sched_getaffinity(0, sizeof(c), &c) == 0 && CPU_COUNT(&c) == 1 && CPU_ISSET(last, &c) &&
                      count_moved(last) == 0 ? 0 : 1);
    }
    int st = 1;
    waitpid(pid, &st, 0);
    int ci = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    printf("child inherits %s\n", ci ? "ok" : "bad");
    bad |= !ci;

    /* every CPU again: sched_getaffinity says all of them */
    CPU_ZERO(&s);
    for (int i = 0; i < ncpu; i++)
        CPU_SET(i, &s);
    int all = sched_setaffinity(0, sizeof(s), &s) == 0;
    CPU_ZERO(&s);
    all = all && sched_getaffinity(0, sizeof(s), &s) == 0 && CPU_COUNT(&s) == ncpu;
    printf("unpinned %s\n", all ? "ok" : "bad");
    bad |= !all;
    return bad;
}
