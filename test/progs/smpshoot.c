/* test/progs/smpshoot.c — what TLB shootdowns cost (tools/skiff run --cpus 2; issue 14), counted by the kernel in
 * /proc/skiff/smp while a second thread runs on the other CPU (so that CPU is neither halted nor in another
 * address space: every shootdown for this one must reach it):
 *   munmap   one munmap of 64 touched pages: one shootdown that waits (was one per page)
 *   mprotect one mprotect of those 64 pages: one (was one per page)
 *   threads  50 threads made and joined: their kernel stacks' unmaps wait for no CPU (they were four
 *            shootdowns per thread; the addresses are now flushed together, much later)
 *   cow      64 pages written after a fork whose child has already exited: each write only makes a page that
 *            is ours alone writable again, which needs no other CPU's flush (was one waited shootdown per page)
 * Prints "NAME ok" or "NAME FAIL (N waited)" per row, and "apart yes|no" (whether the threads ran on different
 * CPUs; "no" makes the counts meaningless). Run natively it prints nothing useful: /proc/skiff is skiff's. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#define PAGES 64

static atomic_int stop, spinner_cpu = -1;

static int cpu_now(void)
{
    unsigned c = 0;
    syscall(SYS_getcpu, &c, NULL, NULL);
    return (int)c;
}

/* /proc/skiff/smp's counter NAME, or -1. */
static long counter(const char *name)
{
    FILE *f = fopen("/proc/skiff/smp", "r");
    char key[64];
    long v, found = -1;
    while (f && fscanf(f, "%63s %ld", key, &v) == 2)
        if (!strcmp(key, name))
            found = v;
    if (f)
        fclose(f);
    return found;
}

static void *spinner(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop))
        atomic_store(&spinner_cpu, cpu_now());
    return NULL;
}

static void *nothing(void *arg)
{
    return arg;
}

/* Waits (up to 5 s) until the spinner runs on another CPU than this thread. */
static int apart(void)
{
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        int c = atomic_load(&spinner_cpu);
        if (c >= 0 && c != cpu_now())
            return 1;
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec - t0.tv_sec < 5);
    return 0;
}

static void row(const char *name, long waited, long most)
{
    if (waited >= 0 && waited <= most)
        printf("%s ok\n", name);
    else
        printf("%s FAIL (%ld waited)\n", name, waited);
    fprintf(stderr, "smpshoot: %s: %ld shootdowns waited\n", name, waited);
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    int together = apart();
    char *p = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < PAGES; i++)
        p[i * 4096] = 1;
    together &= apart();
    long w0 = counter("waited_user");
    mprotect(p, PAGES * 4096, PROT_READ);
    long w1 = counter("waited_user");
    munmap(p, PAGES * 4096);
    long w2 = counter("waited_user");
    together &= apart();
    long k0 = counter("waited_kernel");
    for (int i = 0; i < 50; i++) {
        pthread_t n;
        pthread_create(&n, NULL, nothing, NULL);
        pthread_join(n, NULL);
    }
    long k1 = counter("waited_kernel");
    together &= apart();
    char *q = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < PAGES; i++)
        q[i * 4096] = 1;
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    together &= apart();
    long c0 = counter("waited_user");
    for (int i = 0; i < PAGES; i++)
        q[i * 4096] = 2; /* copy-on-write faults on pages no one else holds now */
    long c1 = counter("waited_user");
    together &= apart();
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    row("munmap", w0 < 0 ? -1 : w2 - w1, 1);
    row("mprotect", w0 < 0 ? -1 : w1 - w0, 1);
    row("threads", k0 < 0 ? -1 : k1 - k0, 2);
    row("cow", c0 < 0 ? -1 : c1 - c0, 2);
    printf("apart %s\n", together ? "yes" : "no");
    return 0;
}
