/* test/progs/smpstress.c — an SMP stress test (issue 14; tools/skiff run --cpus 4): for SECONDS (argument, default
 * 60) threads and processes run at once, each counting what it did, and at the end the counts are checked:
 *   futex   ping-pong between two threads, and between a thread and a child process (a MAP_SHARED word):
 *           every ping answered; a timed-out wait that finds the word changed is a lost wake-up.
 *   pipe    a writer thread sends a byte sequence through a relay (a child process, or a thread) to a reader
 *           thread: every byte arrives, in order.
 *   fork    threads fork children that _exit, execve this program, pause until SIGTERM, or are posix_spawn'ed;
 *           every child is reaped with the status it was given, and none is left over; a thread starts and
 *           joins threads: each joined with the value it returned.
 *   signal  two threads tgkill each other (each waits for its signal to be handled before sending the next):
 *           every signal handled exactly once; a thread sigqueue()s real-time signals to the process (any thread
 *           takes them): as many handled as sent, same sum of values.
 *   mmap    a thread maps pages at a fixed address, fills them with a generation number, publishes it, then
 *           unmaps them (or maps over them) while two reader threads read them: a read faults (SIGSEGV,
 *           siglongjmp) or sees a generation that was live during the read — never one already unmapped, a
 *           page left unfilled after its generation was published (a stale zero-page entry), or another
 *           mapping's bytes (the freed pages are refilled with a poison pattern at once).
 * A watchdog fails the run when a worker makes no progress for 20 s, or has not finished 30 s after the end.
 * Prints one line per group, "NAME ok" or "NAME FAIL"; the counts and every failure's detail go to stderr.
 * Exits 0 when every group is ok. It must pass natively on Linux too (the reference). "smpstress child N" is the
 * execve'd child: it exits with N. "smpstress SECONDS GROUP,GROUP..." runs only those groups (the others print "skipped"). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { G_FUTEX, G_PIPE, G_FORK, G_SIGNAL, G_MMAP, G_N };
static const char *group_name[G_N] = { "futex", "pipe", "fork", "signal", "mmap" };
static atomic_int group_bad[G_N];
static int group_on[G_N];
static atomic_int stop;
static char self_exe[4096];

static void failf(int group, const char *fmt, ...)
{
    char buf[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "smpstress: %s: FAIL: %s\n", group_name[group], buf);
    atomic_fetch_add(&group_bad[group], 1);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* Close every descriptor above 2 but keep (a forked child keeps only what it uses, so that pipe ends reach EOF). */
static void close_others(int keep1, int keep2)
{
    for (int fd = 3; fd < 256; fd++)
        if (fd != keep1 && fd != keep2)
            close(fd);
}

/* ---------------------------------------------------------------- workers and the watchdog */

struct worker {
    const char *name;
    int group;
    void *(*fn)(struct worker *);
    long arg;
    atomic_ulong progress;
    atomic_int done;
    pthread_t t;
    atomic_int tid, child; /* for the watchdog's report: its thread, the child it waits for (0: none) */
};

/* The first line of a /proc file, for a report. */
static void proc_line(const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f || !fgets(out, (int)n, f))
        snprintf(out, n, "(%s unreadable)\n", path);
    if (f)
        fclose(f);
    out[strcspn(out, "\n")] = 0;
}

/* Where a stalled worker is: its thread's state, and its child's if it waits for one. */
static void report_stall(struct worker *w)
{
    char path[64], line[300];
    int k = open("/proc/skiff/smp", O_WRONLY); /* under skiff: the kernel log lists every CPU and task too */
    if (k >= 0) {
        if (write(k, "dump", 4) != 4)
            fprintf(stderr, "smpstress: /proc/skiff/smp: %s\n", strerror(errno));
        close(k);
    }
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", atomic_load(&w->tid));
    proc_line(path, line, sizeof line);
    fprintf(stderr, "smpstress: %s: thread %s\n", w->name, line);
    DIR *d = opendir("/proc/self/task"); /* every thread: which one it waits for */
    for (struct dirent *e; d && (e = readdir(d));)
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "/proc/self/task/%.20s/stat", e->d_name);
            proc_line(path, line, sizeof line);
            fprintf(stderr, "smpstress:   task %.60s\n", line);
        }
    if (d)
        closedir(d);
    int c = atomic_load(&w->child);
    if (c) {
        snprintf(path, sizeof path, "/proc/%d/stat", c);
        proc_line(path, line, sizeof line);
        fprintf(stderr, "smpstress: %s: its child %s\n", w->name, line);
    }
}

static void *worker_main(void *p)
{
    struct worker *w = p;
    atomic_store(&w->tid, (int)syscall(SYS_gettid));
    w->fn(w);
    atomic_store(&w->done, 1);
    return NULL;
}

/* ---------------------------------------------------------------- futex */

static long futex_wait(atomic_uint *word, unsigned val, int private, long timeout_s)
{
    struct timespec ts = { timeout_s, 0 };
    return syscall(SYS_futex, word, private ? FUTEX_WAIT_PRIVATE : FUTEX_WAIT, val, &ts, NULL, 0);
}

static void futex_wake(atomic_uint *word, int private)
{
    syscall(SYS_futex, word, private ? FUTEX_WAKE_PRIVATE : FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* A futex word that only counts up, one step per wake, with a record of the last wake: the value it made and
 * when its FUTEX_WAKE had returned. Every protocol below lets a word move once per answer of its waiter, so
 * the record still holds the step the waiter waited for when it looks. */
struct fword {
    atomic_uint v;
    atomic_uint woke_v;
    atomic_ulong woke_ns;
};

static atomic_ulong wait_max_ns[G_N]; /* the longest a wait took (from the call to the change seen) */

/* Sets the word to v and wakes its waiter (async-signal-safe: a signal handler does it too). */
static void fword_set(struct fword *w, unsigned v, int private)
{
    atomic_store(&w->v, v);
    futex_wake(&w->v, private);
    atomic_store(&w->woke_ns, now_ns());
    atomic_store(&w->woke_v, v);
}

/* Waits while the word is val; returns what it became. A wait that timed out (10 s) although the wake that
 * moved the word past val had returned well before the deadline was not woken: a lost wake-up, counted (the
 * caller goes on). One that timed out because the waker was slow (a busy, oversubscribed machine) is not. */
static unsigned wait_change(struct fword *w, unsigned val, int private, int group, const char *what)
{
    unsigned now;
    while ((now = atomic_load(&w->v)) == val) {
        uint64_t t0 = now_ns();
        long r = futex_wait(&w->v, val, private, 10);
        int e = errno;
        if (atomic_load(&w->v) != val) {
            uint64_t took = now_ns() - t0, m = atomic_load(&wait_max_ns[group]);
            while (took > m && !atomic_compare_exchange_weak(&wait_max_ns[group], &m, took))
                ;
        }
        if (r == -1 && e == ETIMEDOUT && atomic_load(&w->v) != val) {
            for (int i = 0; i < 3000 && atomic_load(&w->woke_v) != val + 1; i++)
                sleep_ms(10); /* the waker has yet to note its wake */
            uint64_t woke = atomic_load(&w->woke_ns);
            if (atomic_load(&w->woke_v) == val + 1 && woke + 100000000u < t0 + 10000000000ull)
                failf(group, "lost wake-up: %s (word %u -> %u, woken %.3f s into a 10 s wait that timed out)", what,
                      val, val + 1, (double)(woke - t0) / 1e9);
        }
    }
    return now;
}

/* Ping-pong: the pinger counts ping up and waits for pong to follow; the ponger answers each step. */
struct pingpong {
    struct fword ping, pong;
    atomic_int stop;
};

static void ponger(struct pingpong *pp, int private)
{
    unsigned seen = 0;
    for (;;) {
        unsigned n = wait_change(&pp->ping, seen, private, G_FUTEX, "ponger waits for a ping");
        if (atomic_load(&pp->stop))
            return;
        if (n != seen + 1)
            failf(G_FUTEX, "ping %u after %u", n, seen);
        seen = n;
        fword_set(&pp->pong, n, private);
    }
}

static unsigned long pinger(struct pingpong *pp, int private, struct worker *w)
{
    unsigned k = 0;
    while (!atomic_load(&stop)) {
        fword_set(&pp->ping, ++k, private);
        unsigned got;
        while ((got = wait_change(&pp->pong, k - 1, private, G_FUTEX, "pinger waits for the pong")) == k - 1)
            ;
        if (got != k)
            failf(G_FUTEX, "pong %u for ping %u", got, k);
        atomic_fetch_add(&w->progress, 1);
    }
    atomic_store(&pp->stop, 1);
    fword_set(&pp->ping, k + 1, private);
    return k;
}

static struct pingpong thread_pp;

static void *pong_thread(struct worker *w)
{
    (void)w;
    ponger(&thread_pp, 1);
    return NULL;
}

static void *ping_thread(struct worker *w)
{
    unsigned long pings = pinger(&thread_pp, 1, w);
    fprintf(stderr, "smpstress: futex threads: %lu pings, %u pongs\n", pings, atomic_load(&thread_pp.pong.v));
    if (pings == 0 || atomic_load(&thread_pp.pong.v) != pings)
        failf(G_FUTEX, "threads: %lu pings, %u pongs", pings, atomic_load(&thread_pp.pong.v));
    return NULL;
}

/* A thread and a child process ping-pong through a MAP_SHARED word (a shared futex, keyed by the page). */
static void *ping_process(struct worker *w)
{
    struct pingpong *pp = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (pp == MAP_FAILED) {
        failf(G_FUTEX, "mmap shared: %s", strerror(errno));
        return NULL;
    }
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close_others(-1, -1);
        ponger(pp, 0);
        _exit(0);
    }
    if (pid < 0) {
        failf(G_FUTEX, "fork: %s", strerror(errno));
        return NULL;
    }
    atomic_store(&w->child, pid);
    unsigned long pings = pinger(pp, 0, w);
    int st;
    while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
        ;
    fprintf(stderr, "smpstress: futex processes: %lu pings, %u pongs\n", pings, atomic_load(&pp->pong.v));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        failf(G_FUTEX, "the ponging child ended with status %#x", st);
    if (pings == 0 || atomic_load(&pp->pong.v) != pings)
        failf(G_FUTEX, "processes: %lu pings, %u pongs", pings, atomic_load(&pp->pong.v));
    return NULL;
}

/* ---------------------------------------------------------------- pipe relays */

static unsigned char seq_byte(uint64_t k)
{
    return (unsigned char)(k ^ (k >> 8) ^ (k >> 16));
}

static int write_all(int fd, const unsigned char *b, size_t n)
{
    while (n) {
        ssize_t r = write(fd, b, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Copy in to out until EOF. Returns 0, or -1 on an error. */
static int relay(int in, int out)
{
    static __thread unsigned char buf[5000];
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        if (write_all(out, buf, (size_t)r) < 0)
            return -1;
    }
}

struct chain {
    int in_w, in_r, out_w, out_r; /* writer -> in -> relay -> out -> reader */
    uint64_t written;
    atomic_int writer_done;
};

static struct chain chains[2]; /* 0: a child process relays, 1: a thread */

static void *chain_writer(struct worker *w)
{
    struct chain *c = &chains[w->arg];
    unsigned char buf[9000];
    uint64_t k = 0, rnd = 88172645463325252ull + (uint64_t)w->arg;
    while (!atomic_load(&stop)) {
        rnd ^= rnd << 13, rnd ^= rnd >> 7, rnd ^= rnd << 17;
        size_t n = 1 + rnd % sizeof buf; /* below and above PIPE_BUF */
        for (size_t i = 0; i < n; i++)
            buf[i] = seq_byte(k + i);
        if (write_all(c->in_w, buf, n) < 0) {
            failf(G_PIPE, "chain %ld: write: %s", w->arg, strerror(errno));
            break;
        }
        k += n;
        atomic_store(&w->progress, k);
    }
    c->written = k;
    close(c->in_w);
    atomic_store(&c->writer_done, 1);
    return NULL;
}

static void *chain_relay_thread(struct worker *w)
{
    struct chain *c = &chains[w->arg];
    if (relay(c->in_r, c->out_w) < 0)
        failf(G_PIPE, "chain %ld: relay: %s", w->arg, strerror(errno));
    close(c->in_r);
    close(c->out_w);
    return NULL;
}

static void *chain_reader(struct worker *w)
{
    struct chain *c = &chains[w->arg];
    unsigned char buf[7000];
    uint64_t k = 0;
    int bad = 0;
    for (;;) {
        ssize_t r = read(c->out_r, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            failf(G_PIPE, "chain %ld: read: %s", w->arg, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        for (ssize_t i = 0; i < r; i++)
            if (buf[i] != seq_byte(k + (uint64_t)i) && !bad++)
                failf(G_PIPE, "chain %ld: byte %llu is %#x, not %#x", w->arg, (unsigned long long)(k + (uint64_t)i),
                      buf[i], seq_byte(k + (uint64_t)i));
        k += (uint64_t)r;
        atomic_store(&w->progress, k);
    }
    close(c->out_r);
    while (!atomic_load(&c->writer_done))
        sleep_ms(1);
    fprintf(stderr, "smpstress: pipe chain %ld (%s relay): %llu bytes written, %llu read\n", w->arg,
            w->arg ? "thread" : "process", (unsigned long long)c->written, (unsigned long long)k);
    if (k != c->written || k == 0)
        failf(G_PIPE, "chain %ld: %llu bytes written, %llu read", w->arg, (unsigned long long)c->written,
              (unsigned long long)k);
    return NULL;
}

static pid_t relay_child;

static int chains_setup(void)
{
    for (int i = 0; i < 2; i++) {
        int a[2], b[2];
        if (pipe2(a, O_CLOEXEC) || pipe2(b, O_CLOEXEC)) {
            failf(G_PIPE, "pipe2: %s", strerror(errno));
            return -1;
        }
        chains[i] = (struct chain){ .in_r = a[0], .in_w = a[1], .out_r = b[0], .out_w = b[1] };
    }
    relay_child = fork();
    if (relay_child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close_others(chains[0].in_r, chains[0].out_w);
        _exit(relay(chains[0].in_r, chains[0].out_w) ? 3 : 0);
    }
    if (relay_child < 0) {
        failf(G_PIPE, "fork: %s", strerror(errno));
        return -1;
    }
    close(chains[0].in_r);
    close(chains[0].out_w);
    return 0;
}

static void chains_reap(void)
{
    int st;
    while (waitpid(relay_child, &st, 0) == -1 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        failf(G_PIPE, "the relaying child ended with status %#x", st);
}

/* ---------------------------------------------------------------- fork, exec, wait */

enum { FK_EXIT, FK_EXEC, FK_KILL, FK_SPAWN, FK_N };
static const char *fork_mode[FK_N] = { "fork+_exit", "fork+execve", "fork+SIGTERM", "posix_spawn" };
static atomic_ulong fork_started[FK_N], fork_reaped[FK_N];

static pid_t start_child(int mode, int code)
{
    char arg[16];
    snprintf(arg, sizeof arg, "%d", code);
    char *argv[] = { "smpstress", "child", arg, NULL };
    if (mode == FK_SPAWN) {
        pid_t pid;
        int e = posix_spawn(&pid, self_exe, NULL, NULL, argv, environ);
        return e ? (errno = e, -1) : pid;
    }
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    if (mode == FK_EXIT)
        _exit(code);
    if (mode == FK_EXEC) {
        execve(self_exe, argv, environ);
        _exit(126);
    }
    close_others(-1, -1);
    for (;;)
        pause();
}

static void *forker(struct worker *w)
{
    for (unsigned i = (unsigned)w->arg; !atomic_load(&stop); i++) {
        int mode = (int)(i % FK_N), code = (int)(i % 100) + 1;
        pid_t pid = start_child(mode, code);
        if (pid < 0) {
            failf(G_FORK, "%s: %s", fork_mode[mode], strerror(errno));
            sleep_ms(10);
            continue;
        }
        atomic_fetch_add(&fork_started[mode], 1);
        atomic_store(&w->child, pid);
        if (mode == FK_KILL && kill(pid, SIGTERM) < 0)
            failf(G_FORK, "kill %d: %s", pid, strerror(errno));
        int st;
        pid_t r;
        while ((r = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
            ;
        atomic_store(&w->child, 0);
        if (r != pid) {
            failf(G_FORK, "waitpid(%d) = %d: %s", pid, r, strerror(errno));
            continue;
        }
        int ok = mode == FK_KILL ? WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM : WIFEXITED(st) && WEXITSTATUS(st) == code;
        if (ok)
            atomic_fetch_add(&fork_reaped[mode], 1);
        else
            failf(G_FORK, "%s child %d: status %#x, expected %s %d", fork_mode[mode], pid, st,
                  mode == FK_KILL ? "signal" : "exit", mode == FK_KILL ? SIGTERM : code);
        atomic_fetch_add(&w->progress, 1);
    }
    return NULL;
}

/* Threads that start and end on any CPU (clone, exit, the CLONE_CHILD_CLEARTID wake that pthread_join waits
 * for): every one joined with the value it returned. */
static atomic_ulong threads_started, threads_joined;

static void *returns_arg(void *arg)
{
    return arg;
}

static void *threader(struct worker *w)
{
    for (long i = 1; !atomic_load(&stop); i++) {
        pthread_t t[4];
        int n = 0;
        for (; n < 4; n++) {
            if (pthread_create(&t[n], NULL, returns_arg, (void *)(i * 4 + n)) != 0) {
                failf(G_FORK, "pthread_create failed");
                break;
            }
            atomic_fetch_add(&threads_started, 1);
        }
        for (int k = 0; k < n; k++) {
            void *r;
            if (pthread_join(t[k], &r) != 0 || r != (void *)(i * 4 + k))
                failf(G_FORK, "thread %ld joined with %p", i * 4 + k, r);
            else
                atomic_fetch_add(&threads_joined, 1);
        }
        atomic_fetch_add(&w->progress, 1);
    }
    return NULL;
}

static void fork_check(void)
{
    fprintf(stderr, "smpstress: threads: %lu started, %lu joined with their value\n", atomic_load(&threads_started),
            atomic_load(&threads_joined));
    if (atomic_load(&threads_started) == 0 || atomic_load(&threads_joined) != atomic_load(&threads_started))
        failf(G_FORK, "threads: %lu started, %lu joined with their value", atomic_load(&threads_started),
              atomic_load(&threads_joined));
    for (int m = 0; m < FK_N; m++) {
        unsigned long s = atomic_load(&fork_started[m]), r = atomic_load(&fork_reaped[m]);
        fprintf(stderr, "smpstress: %s: %lu started, %lu reaped as expected\n", fork_mode[m], s, r);
        if (s == 0 || r != s)
            failf(G_FORK, "%s: %lu started, %lu reaped as expected", fork_mode[m], s, r);
    }
}

/* ---------------------------------------------------------------- signals between threads */

struct sigpeer {
    struct fword got;      /* SIGUSR1s this thread handled */
    atomic_uint sent;      /* SIGUSR1s it sent to the other */
    struct fword finished; /* it sends no more */
    atomic_int tid;
};

static struct sigpeer peers[2];
static __thread struct sigpeer *sig_me;
static atomic_ulong usr1_stray;

static void on_usr1(int sig)
{
    (void)sig;
    int e = errno;
    if (sig_me) {
        fword_set(&sig_me->got, atomic_load(&sig_me->got.v) + 1, 1); /* only this thread's handler adds */
    } else {
        atomic_fetch_add(&usr1_stray, 1);
    }
    errno = e;
}

/* Each of the two sends SIGUSR1 to the other and waits until it has been handled before sending the next, so
 * none can merge with another: the counts must match exactly. */
static void *sig_peer(struct worker *w)
{
    struct sigpeer *me = &peers[w->arg], *other = &peers[1 - w->arg];
    sig_me = me;
    atomic_store(&me->tid, (int)syscall(SYS_gettid));
    while (!atomic_load(&other->tid))
        sched_yield();
    while (!atomic_load(&stop)) {
        unsigned n = atomic_fetch_add(&me->sent, 1) + 1;
        if (syscall(SYS_tgkill, getpid(), atomic_load(&other->tid), SIGUSR1) < 0) {
            failf(G_SIGNAL, "tgkill: %s", strerror(errno));
            break;
        }
        unsigned g;
        while ((g = atomic_load(&other->got.v)) < n)
            wait_change(&other->got, g, 1, G_SIGNAL, "a tgkill'ed thread's handler count");
        atomic_fetch_add(&w->progress, 1);
    }
    fword_set(&me->finished, 1, 1);
    /* stay (and take the other's signals) until it sends no more */
    while (!atomic_load(&other->finished.v))
        wait_change(&other->finished, 0, 1, G_SIGNAL, "the other thread's end");
    return NULL;
}

static atomic_ulong rt_sent, rt_got, rt_sum_sent, rt_sum_got, rt_bad;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    if (si->si_code != SI_QUEUE || si->si_pid != getpid())
        atomic_fetch_add(&rt_bad, 1);
    atomic_fetch_add(&rt_sum_got, (unsigned long)si->si_value.sival_int);
    atomic_fetch_add(&rt_got, 1);
}

/* Real-time signals to the process: any thread that does not block them takes each, once. */
static void *rt_sender(struct worker *w)
{
    int seq = 1;
    while (!atomic_load(&stop)) {
        for (int i = 0; i < 8; i++) {
            union sigval v = { .sival_int = seq };
            if (sigqueue(getpid(), SIGRTMIN, v) == 0) {
                atomic_fetch_add(&rt_sent, 1);
                atomic_fetch_add(&rt_sum_sent, (unsigned long)seq);
                seq = seq % 1000 + 1;
                atomic_fetch_add(&w->progress, 1);
            } else if (errno == EAGAIN) {
                sched_yield();
            } else {
                failf(G_SIGNAL, "sigqueue: %s", strerror(errno));
                return NULL;
            }
        }
        sleep_ms(1);
    }
    return NULL;
}

static void signal_check(void)
{
    for (int i = 0; i < 100 && atomic_load(&rt_got) != atomic_load(&rt_sent); i++)
        sleep_ms(100);
    for (int i = 0; i < 2; i++) {
        fprintf(stderr, "smpstress: tgkill: thread %d sent %u, the other handled %u\n", i, atomic_load(&peers[i].sent),
                atomic_load(&peers[1 - i].got.v));
        if (atomic_load(&peers[i].sent) == 0 || atomic_load(&peers[i].sent) != atomic_load(&peers[1 - i].got.v))
            failf(G_SIGNAL, "tgkill: thread %d sent %u SIGUSR1, the other handled %u", i, atomic_load(&peers[i].sent),
                  atomic_load(&peers[1 - i].got.v));
    }
    if (atomic_load(&usr1_stray))
        failf(G_SIGNAL, "%lu SIGUSR1 handled by a thread they were not sent to", atomic_load(&usr1_stray));
    fprintf(stderr, "smpstress: sigqueue: %lu sent (sum %lu), %lu handled (sum %lu)\n", atomic_load(&rt_sent),
            atomic_load(&rt_sum_sent), atomic_load(&rt_got), atomic_load(&rt_sum_got));
    if (atomic_load(&rt_sent) == 0 || atomic_load(&rt_got) != atomic_load(&rt_sent) ||
        atomic_load(&rt_sum_got) != atomic_load(&rt_sum_sent))
        failf(G_SIGNAL, "sigqueue: %lu sent (sum %lu), %lu handled (sum %lu)", atomic_load(&rt_sent),
              atomic_load(&rt_sum_sent), atomic_load(&rt_got), atomic_load(&rt_sum_got));
    if (atomic_load(&rt_bad))
        failf(G_SIGNAL, "%lu real-time signals with a wrong si_code or si_pid", atomic_load(&rt_bad));
}

/* ---------------------------------------------------------------- mmap/munmap against readers */

#define RACE_ADDR ((uint64_t *)0x100000000000ull) /* 16 TiB: far from where mmap puts anything unasked */
#define RACE_PAGES 4
#define RACE_WORDS (RACE_PAGES * 4096 / 8)
#define GEN_TAG 0x5ca1ab1e00000000ull /* a generation's word: tag | generation */
#define POISON 0xdeadbeefdeadbeefull   /* what freed pages are refilled with */

/* The mapper's state, published to readers (all generations count from 1):
 * live_lo: every generation below it has been unmapped (munmap, or mmap over it, returned);
 * filled:  the newest generation whose pages are wholly written;
 * hi:      the newest generation whose mapping has begun (set before its mmap). */
static atomic_ulong live_lo = 1, filled, hi, race_faults, race_reads, race_rounds, race_zero_ok;
static atomic_ulong race_stale;
static __thread sigjmp_buf race_jb;
static __thread volatile int race_armed;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    if (!race_armed || (uint64_t *)si->si_addr < RACE_ADDR || (uint64_t *)si->si_addr >= RACE_ADDR + RACE_WORDS) {
        static const char m[] = "smpstress: SIGSEGV outside the race pages\n";
        write(2, m, sizeof m - 1);
        _exit(99);
    }
    race_armed = 0;
    siglongjmp(race_jb, 1);
}

static void *race_reader(struct worker *w)
{
    uint64_t rnd = 0x9e3779b97f4a7c15ull * (uint64_t)(w->arg + 1);
    while (!atomic_load(&stop)) {
        rnd ^= rnd << 13, rnd ^= rnd >> 7, rnd ^= rnd << 17;
        volatile uint64_t *p = RACE_ADDR + rnd % RACE_WORDS;
        uint64_t lo = atomic_load(&live_lo), f0 = atomic_load(&filled);
        if (sigsetjmp(race_jb, 0)) {
            atomic_fetch_add(&race_faults, 1);
            continue;
        }
        race_armed = 1;
        uint64_t v = *p;
        race_armed = 0;
        uint64_t h1 = atomic_load(&hi);
        int ok;
        if (v == 0) /* a fresh page not yet written: only while a newer generation than f0 was being mapped */
            ok = h1 > f0;
        else
            ok = (v & ~0xffffffffull) == GEN_TAG && (v & 0xffffffffull) >= lo && (v & 0xffffffffull) <= h1;
        if (v == 0 && ok)
            atomic_fetch_add(&race_zero_ok, 1);
        if (!ok && atomic_fetch_add(&race_stale, 1) < 5)
            failf(G_MMAP, "stale read at %p: %#llx (live generations %llu..%llu, filled %llu before the read)",
                  (void *)p, (unsigned long long)v, (unsigned long long)lo, (unsigned long long)h1,
                  (unsigned long long)f0);
        atomic_fetch_add(&race_reads, 1);
        atomic_fetch_add(&w->progress, 1);
    }
    return NULL;
}

static void fill(uint64_t *p, size_t words, uint64_t v)
{
    for (size_t i = 0; i < words; i++)
        ((volatile uint64_t *)p)[i] = v;
}

/* Let the readers read the live generation a little (bounded: they may not be running). */
static void let_readers_read(void)
{
    unsigned long r0 = atomic_load(&race_reads);
    for (int i = 0; i < 200 && atomic_load(&race_reads) < r0 + 4; i++)
        sched_yield();
}

static void *race_mapper(struct worker *w)
{
    uint64_t *scratch = NULL;
    int mapped = 0;
    for (uint64_t g = 1; !atomic_load(&stop); g++) {
        atomic_store(&hi, g);
        /* every third round maps over the live generation (MAP_FIXED replaces it), else maps afresh */
        uint64_t *p = mmap(RACE_ADDR, RACE_PAGES * 4096, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p != RACE_ADDR) {
            failf(G_MMAP, "mmap at %p: %s", (void *)RACE_ADDR, strerror(errno));
            return NULL;
        }
        if (mapped) /* it replaced the previous generation */
            atomic_store(&live_lo, g);
        fill(p, RACE_WORDS, GEN_TAG | g);
        atomic_store(&filled, g);
        let_readers_read();
        if (g % 3 != 0) {
            if (munmap(p, RACE_PAGES * 4096) < 0) {
                failf(G_MMAP, "munmap: %s", strerror(errno));
                return NULL;
            }
            atomic_store(&live_lo, g + 1);
            mapped = 0;
            /* now and then hold the hole open until a reader has faulted in it */
            if (g % 4 == 1) {
                unsigned long f0 = atomic_load(&race_faults);
                for (int i = 0; i < 2000 && atomic_load(&race_faults) == f0; i++)
                    sched_yield();
            }
        } else {
            mapped = 1;
        }
        /* the pages just freed most likely go to the next allocation: fill them with poison */
        if (scratch)
            munmap(scratch, RACE_PAGES * 4096);
        scratch = mmap(NULL, RACE_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (scratch == MAP_FAILED) {
            failf(G_MMAP, "mmap scratch: %s", strerror(errno));
            return NULL;
        }
        fill(scratch, RACE_WORDS, POISON);
        atomic_store(&race_rounds, g);
        atomic_fetch_add(&w->progress, 1);
    }
    return NULL;
}

static void mmap_check(void)
{
    fprintf(stderr, "smpstress: mmap: %lu generations, %lu reads (%lu of a page not yet filled), %lu faults, %lu stale\n",
            atomic_load(&race_rounds), atomic_load(&race_reads), atomic_load(&race_zero_ok), atomic_load(&race_faults),
            atomic_load(&race_stale));
    if (atomic_load(&race_rounds) == 0 || atomic_load(&race_reads) == 0 || atomic_load(&race_faults) == 0)
        failf(G_MMAP, "too little happened: %lu generations, %lu reads, %lu faults", atomic_load(&race_rounds),
              atomic_load(&race_reads), atomic_load(&race_faults));
}

/* ---------------------------------------------------------------- main */

static struct worker workers[] = {
    { .name = "futex ping (threads)", .group = G_FUTEX, .fn = ping_thread, .arg = 0 },
    { .name = "futex pong (threads)", .group = G_FUTEX, .fn = pong_thread, .arg = 0 },
    { .name = "futex ping (processes)", .group = G_FUTEX, .fn = ping_process, .arg = 0 },
    { .name = "pipe writer 0", .group = G_PIPE, .fn = chain_writer, .arg = 0 },
    { .name = "pipe reader 0", .group = G_PIPE, .fn = chain_reader, .arg = 0 },
    { .name = "pipe writer 1", .group = G_PIPE, .fn = chain_writer, .arg = 1 },
    { .name = "pipe relay 1", .group = G_PIPE, .fn = chain_relay_thread, .arg = 1 },
    { .name = "pipe reader 1", .group = G_PIPE, .fn = chain_reader, .arg = 1 },
    { .name = "forker 0", .group = G_FORK, .fn = forker, .arg = 0 },
    { .name = "forker 1", .group = G_FORK, .fn = forker, .arg = 1 },
    { .name = "threader", .group = G_FORK, .fn = threader, .arg = 0 },
    { .name = "tgkill 0", .group = G_SIGNAL, .fn = sig_peer, .arg = 0 },
    { .name = "tgkill 1", .group = G_SIGNAL, .fn = sig_peer, .arg = 1 },
    { .name = "sigqueue", .group = G_SIGNAL, .fn = rt_sender, .arg = 0 },
    { .name = "mapper", .group = G_MMAP, .fn = race_mapper, .arg = 0 },
    { .name = "reader 0", .group = G_MMAP, .fn = race_reader, .arg = 0 },
    { .name = "reader 1", .group = G_MMAP, .fn = race_reader, .arg = 1 },
};
#define NWORKERS (int)(sizeof workers / sizeof workers[0])

/* Progress of those whose work is counted (pong and relay threads are seen through their partners). */
static int watched(const struct worker *w)
{
    return w->fn != pong_thread && w->fn != chain_relay_thread;
}

static void handlers(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_RESTART | SA_SIGINFO;
    sigaction(SIGRTMIN, &sa, NULL);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Run until the deadline; fail a worker that stalls for 20 s. Then stop everyone and wait (30 s at most). */
static int run_and_watch(int seconds)
{
    unsigned long last[NWORKERS];
    uint64_t since[NWORKERS], t0 = now_ns();
    for (int i = 0; i < NWORKERS; i++)
        last[i] = 0, since[i] = t0;
    while (now_ns() - t0 < (uint64_t)seconds * 1000000000u) {
        sleep_ms(250);
        uint64_t t = now_ns();
        for (int i = 0; i < NWORKERS; i++) {
            unsigned long p = atomic_load(&workers[i].progress);
            if (p != last[i] || !watched(&workers[i]) || !group_on[workers[i].group])
                last[i] = p, since[i] = t;
            else if (t - since[i] > 20000000000ull) {
                failf(workers[i].group, "%s: no progress for 20 s (at %lu)", workers[i].name, p);
                report_stall(&workers[i]);
                return -1;
            }
        }
    }
    atomic_store(&stop, 1);
    for (int s = 0; s < 300; s++) {
        int left = 0;
        for (int i = 0; i < NWORKERS; i++)
            left += !atomic_load(&workers[i].done);
        if (!left)
            return 0;
        sleep_ms(100);
    }
    for (int i = 0; i < NWORKERS; i++)
        if (!atomic_load(&workers[i].done))
        {
            failf(workers[i].group, "%s: not finished 30 s after the end (progress %lu)", workers[i].name,
                  atomic_load(&workers[i].progress));
            report_stall(&workers[i]);
        }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "child"))
        return atoi(argv[2]);
    int seconds = argc > 1 ? atoi(argv[1]) : 60;
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    if (n > 0)
        self_exe[n] = 0;
    else
        snprintf(self_exe, sizeof self_exe, "%s", argv[0]);
    setvbuf(stderr, NULL, _IOLBF, 0);
    handlers();
    for (int g = 0; g < G_N; g++)
        group_on[g] = argc < 3 || strstr(argv[2], group_name[g]);
    if (group_on[G_PIPE] && chains_setup() < 0)
        return 1;
    for (int i = 0; i < NWORKERS; i++)
        if (!group_on[workers[i].group])
            workers[i].done = 1;
        else if (pthread_create(&workers[i].t, NULL, worker_main, &workers[i]) != 0) {
            fprintf(stderr, "smpstress: pthread_create failed\n");
            return 1;
        }
    int ended = run_and_watch(seconds) == 0;
    if (ended) {
        for (int i = 0; i < NWORKERS; i++)
            if (group_on[workers[i].group])
                pthread_join(workers[i].t, NULL);
        if (group_on[G_PIPE])
            chains_reap();
        if (group_on[G_FORK])
            fork_check();
        if (group_on[G_SIGNAL])
            signal_check();
        if (group_on[G_MMAP])
            mmap_check();
        fprintf(stderr, "smpstress: the longest futex wait for a change: %.3f s (ping-pong), %.3f s (signals)\n",
                (double)atomic_load(&wait_max_ns[G_FUTEX]) / 1e9, (double)atomic_load(&wait_max_ns[G_SIGNAL]) / 1e9);
        int st;
        pid_t extra = waitpid(-1, &st, WNOHANG);
        if (extra != -1 || errno != ECHILD)
            failf(G_FORK, "a child is left over: waitpid(-1) = %d", extra);
    }
    int bad = 0;
    for (int g = 0; g < G_N; g++) {
        printf("%s %s\n", group_name[g], !group_on[g] ? "skipped" : ended && !atomic_load(&group_bad[g]) ? "ok" : "FAIL");
        bad |= !ended || atomic_load(&group_bad[g]);
    }
    fflush(stdout);
    _exit(bad); /* without joining threads that may be stuck */
}
