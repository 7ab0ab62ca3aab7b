/* test/progs/smptlb.c — TLB shootdown (tools/skiff run --cpus 2): a thread reads a page over and over on its own
 * CPU (so that CPU's TLB holds the translation), the main thread, on another CPU, unmaps the page, then tells
 * the reader, whose next read must fault: a stale TLB entry would let it read the freed page. Rounds of
 * munmap and of mprotect(PROT_NONE). Prints "munmap faulted|stale", "mprotect faulted|stale", "apart yes|no"
 * (whether the two threads ran at once on different CPUs). */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int *page;
static atomic_int phase, reader_cpu = -1, reads;
static sigjmp_buf jb;
static volatile int faulted;

static void on_segv(int sig)
{
    (void)sig;
    faulted = 1;
    siglongjmp(jb, 1);
}

static int cpu_now(void)
{
    unsigned c = 0;
    syscall(SYS_getcpu, &c, NULL, NULL);
    return (int)c;
}

static void *reader(void *arg)
{
    (void)arg;
    volatile int sum = 0;
    /* Set before the loop: the page may go while the loop still reads it (the main thread takes it away, then
     * says so), and that read's fault must land here too. Set after it, such a fault longjmp'ed through a buffer
     * never filled: a jump to a garbage address ("SIGSEGV at rip 0x...", about one run in six at --cpus 2). */
    if (!sigsetjmp(jb, 1)) {
        while (atomic_load(&phase) == 0) { /* keep the translation hot */
            sum += *page;
            atomic_store(&reader_cpu, cpu_now());
            atomic_fetch_add(&reads, 1);
        }
        sum += *page; /* unmapped by now: must fault */
    }
    atomic_store(&phase, 2);
    return (void *)(long)sum;
}

/* One round: map, let the reader run, take the page away with how(), see whether the reader faulted. */
static int round_of(int (*how)(void *), int *apart)
{
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *page = 1;
    faulted = 0;
    atomic_store(&phase, 0);
    atomic_store(&reads, 0);
    atomic_store(&reader_cpu, -1);
    pthread_t t;
    pthread_create(&t, NULL, reader, NULL);
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do { /* until the reader runs elsewhere at the same time as we do, or 5 s */
        int rc = atomic_load(&reader_cpu);
        if (rc >= 0 && rc != cpu_now() && atomic_load(&reads) > 1000) {
            *apart = 1;
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec - t0.tv_sec < 5);
    how((void *)page);
    atomic_store(&phase, 1);
    pthread_join(t, NULL);
    return faulted;
}

static int do_munmap(void *p) { return munmap(p, 4096); }
static int do_mprotect(void *p) { return mprotect(p, 4096, PROT_NONE); }

int main(void)
{
    struct sigaction sa = { .sa_handler = on_segv };
    sigaction(SIGSEGV, &sa, NULL);
    int apart = 0;
    printf("munmap %s\n", round_of(do_munmap, &apart) ? "faulted" : "stale");
    printf("mprotect %s\n", round_of(do_mprotect, &apart) ? "faulted" : "stale");
    printf("apart %s\n", apart ? "yes" : "no");
    return 0;
}
