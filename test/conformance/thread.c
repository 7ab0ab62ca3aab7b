/* test/conformance/thread.c — threads of one process: pthread_create (clone3 in glibc, clone in musl) with
 * its TLS, CLONE_CHILD_CLEARTID waking pthread_join (futex), a mutex and condition variable under contention,
 * tgkill to another thread, gettid per thread, and a raw clone of a thread that exits by itself. */
/* covers: clone clone3 futex tgkill gettid exit set_robust_list */
#include "tap.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>
#define FUTEX_WAIT_PRIVATE 128 /* linux/futex.h, which musl's headers lack */
#define FUTEX_WAKE_PRIVATE 129
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

static __thread long tls;
static atomic_long hits;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int arrived;
static volatile sig_atomic_t usr1_tid;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_tid = (sig_atomic_t)syscall(SYS_gettid);
}

static void *worker(void *arg)
{
    tls = (long)arg;
    for (int i = 0; i < 10000; i++)
        atomic_fetch_add(&hits, 1);
    pthread_mutex_lock(&mu);
    arrived++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    return (void *)(tls * 2 + (syscall(SYS_gettid) != getpid()));
}

static void *waiter(void *arg)
{
    (void)arg;
    struct timespec ts = { 0, 200000000 };
    nanosleep(&ts, NULL); /* interrupted by the signal, or it just ends */
    return (void *)(long)syscall(SYS_gettid);
}

static atomic_int raw_done;
static int raw_thread(void *arg)
{
    (void)arg;
    atomic_store(&raw_done, 1);
    syscall(SYS_exit, 0); /* this thread only */
    return 0;
}

static atomic_int raw3_done;
static void raw3_body(void)
{
    atomic_store(&raw3_done, 1);
}

/* clone3 by hand: the child starts on its own stack right after the syscall, so it must not return into C;
 * it calls raw3_body (r12, kept across the syscall) and exits the thread. */
static long raw_clone3(uint64_t *ca, size_t size)
{
    long ret;
    register void (*fn)(void) __asm__("r12") = raw3_body;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "call *%%r12\n\t"
                     "mov $60, %%eax\n\t"
                     "xor %%edi, %%edi\n\t"
                     "syscall\n"
                     "1:"
                     : "=a"(ret)
                     : "a"((long)SYS_clone3), "D"(ca), "S"(size), "r"(fn)
                     : "rcx", "r11", "memory");
    return ret;
}

/* Waits (up to 10 s, yielding and then sleeping) for a thread to set *flag: a loaded host may take a while to
 * run a new thread, so a fixed number of yields is not enough. */
static void wait_flag(atomic_int *flag)
{
    struct timespec t0, now, ms = { 0, 1000000 };
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; !atomic_load(flag); i++) {
        if (i < 1000)
            sched_yield();
        else
            nanosleep(&ms, NULL);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - t0.tv_sec > 10)
            break;
    }
}

/* A forked child waits on its copy of a private word; a wake of that address in the parent finds nobody (the
 * key is the address space and the address), and op says private or shared. Returns the parent's wake count.
 * With shared memory (MAP_SHARED) the same wake reaches the child. */
static long cross_process_wake(uint32_t *word, int wait_op, int wake_op)
{
    int p[2];
    if (pipe(p))
        return -100;
    pid_t c = fork();
    if (c == 0) {
        struct timespec ts = { 2, 0 };
        close(p[0]);
        (void)!write(p[1], "w", 1);
        _exit(syscall(SYS_futex, word, wait_op, 0, &ts, NULL, 0) == 0 ? 0 : 1);
    }
    char b;
    close(p[1]);
    (void)!read(p[0], &b, 1);
    close(p[0]);
    usleep(100000); /* the child is in its wait by now */
    long n = syscall(SYS_futex, word, wake_op, 1, NULL, NULL, 0);
    if (n == 0)
        kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    return n;
}

static void futex_keys(void)
{
    static uint32_t priv; /* private memory: the child has its own copy at the same address */
    T_OK("futex WAKE_PRIVATE in the parent does not wake a forked child's wait at the same address",
         cross_process_wake(&priv, FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE), 0);
    T_OK("futex WAKE (shared op) on private memory does not wake a forked child's wait either",
         cross_process_wake(&priv, FUTEX_WAIT, FUTEX_WAKE), 0);
    uint32_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    T_OK("futex WAKE on MAP_SHARED memory wakes the child waiting on the same word",
         cross_process_wake(shared, FUTEX_WAIT, FUTEX_WAKE), 1);
    munmap(shared, 4096);
}

int main(void)
{
    pthread_t t[4];
    int created = 0;
    for (long i = 0; i < 4; i++)
        created += pthread_create(&t[i], NULL, worker, (void *)(i + 1)) == 0;
    T_EQ("clone: pthread_create makes 4 threads", created, 4);
    pthread_mutex_lock(&mu);
    while (arrived < 4)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    T_EQ("futex: a condition variable wakes the waiter after 4 signals", arrived, 4);
    long sum = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    T_EQ("futex: pthread_join returns each thread's value (TLS kept apart, own tids)", sum, 2 * (1 + 2 + 3 + 4) + 4);
    T_EQ("clone: threads share memory (atomic counter)", atomic_load(&hits), 40000);

    signal(SIGUSR1, on_usr1);
    pthread_t w;
    pthread_create(&w, NULL, waiter, NULL);
    void *r;
    T_OK("tgkill another thread of this process", pthread_kill(w, SIGUSR1), 0);
    pthread_join(w, &r);
    T_EQ("tgkill: the handler ran in the target thread", (long)usr1_tid, (long)r);
    T_ERR("tgkill a thread that does not exist", syscall(SYS_tgkill, getpid(), 999999, SIGUSR1), ESRCH);

    char *stack = malloc(65536);
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
    long tid = clone(raw_thread, stack + 65536, flags, NULL);
    T_TRUE("clone (raw) of a thread returns its tid", tid > 0);
    wait_flag(&raw_done);
    T_EQ("clone: the raw thread ran and exited alone", atomic_load(&raw_done), 1);
    uint64_t ca[11] = { 0 };
    char *stack3 = malloc(65536);
    ca[0] = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
    ca[5] = (uint64_t)stack3, ca[6] = 65536;
    long tid3 = raw_clone3(ca, 88);
    T_TRUE("clone3 (raw) of a thread returns its tid", tid3 > 0);
    wait_flag(&raw3_done);
    T_EQ("clone3: the raw thread ran and exited alone", atomic_load(&raw3_done), 1);
    uint32_t word = 5;
    T_ERR("futex WAIT on a changed value", syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 4, NULL, NULL, 0), EAGAIN);
    struct timespec short_ts = { 0, 10000000 };
    T_ERR("futex WAIT times out", syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 5, &short_ts, NULL, 0), ETIMEDOUT);
    T_OK("futex WAKE with no waiters", syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0);
    futex_keys();
    return tap_done();
}
