/* test/conformance/proctask.c — processes and threads as /proc shows them: /proc/PID/task/ lists one directory
 * per live thread, task/TID/{stat,status,comm} describe that thread alone (its tid, name, state, CPU time,
 * context switches), comm is written by pthread_setname_np and prctl(PR_SET_NAME), /proc/thread-self names the
 * thread that looks; and the memory side of getrusage: page faults (ru_minflt, ru_majflt) per thread and per
 * process, the peak resident set (ru_maxrss) of the process and of the children it collected, /proc/PID/stat's
 * minflt/cminflt/rss, /proc/PID/status's VmRSS/VmHWM. Orderings come from flags and thread states, never from
 * timing; CPU time is compared with the thread's own CPU clock. */
/* covers: getrusage wait4 prctl nanosleep */
#include "tap.h"
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* Field k (1-based, as proc(5) numbers them) of a stat file; the name in parentheses is field 2. */
static long long stat_field(const char *path, int k)
{
    char buf[1024];
    if (tap_read_file(path, buf, sizeof buf) < 0)
        return -1;
    if (k == 1)
        return atoll(buf);
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p += 2; /* field 3 */
    for (int i = 3; i < k && p; i++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    return p ? (*p >= 'A' && *p <= 'Z' ? *p : atoll(p)) : -1;
}

/* A "Key:" line's number from a status file (-1 when missing). */
static long status_num(const char *path, const char *key)
{
    char buf[4096], k[64];
    if (tap_read_file(path, buf, sizeof buf) < 0)
        return -1;
    snprintf(k, sizeof k, "\n%s:", key);
    char *p = strstr(buf, k);
    return p ? strtol(p + strlen(k), NULL, 10) : -1;
}

static long long thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

static char task_path_buf[128];
static const char *task_path(pid_t tid, const char *file)
{
    snprintf(task_path_buf, sizeof task_path_buf, "/proc/%d/task/%d/%s", (int)getpid(), (int)tid, file);
    return task_path_buf;
}

/* ---- the threads ---- */

static atomic_int phase;       /* main and the workers step through it */
static atomic_int spin_tid, sleep_tid;
static atomic_llong spun_ns;
static atomic_long sleeper_minflt;
static char self_link[128];
static int gate[2]; /* the threads' last wait: a read that ends when main closes the write end */

static void wait_gate(void)
{
    char c;
    while (read(gate[0], &c, 1) > 0)
        ;
}

/* Waits (asleep, so that it uses next to no CPU) until phase reaches p. */
static void wait_phase(int p)
{
    struct timespec ms = { 0, 1000000 };
    while (atomic_load(&phase) < p)
        nanosleep(&ms, NULL);
}

/* Spins until its own CPU clock shows 1 s and main says stop, says how much it spun, then waits. */
static void *spinner(void *arg)
{
    (void)arg;
    atomic_store(&spin_tid, gettid_());
    long long end = thread_cpu_ns() + 1000000000ll;
    while (thread_cpu_ns() < end || atomic_load(&phase) < 2)
        ;
    atomic_store(&spun_ns, thread_cpu_ns());
    atomic_store(&phase, 3);
    wait_gate();
    return NULL;
}

/* Sleeps 20 times, names itself, touches 64 new pages, then waits until told to end. */
static void *sleeper(void *arg)
{
    (void)arg;
    atomic_store(&sleep_tid, gettid_());
    ssize_t n = readlink("/proc/thread-self", self_link, sizeof self_link - 1);
    if (n > 0)
        self_link[n] = 0;
    for (int i = 0; i < 20; i++)
        usleep(5000);
    prctl(PR_SET_NAME, "sleeper-own");
    struct rusage r0, r1;
    getrusage(RUSAGE_THREAD, &r0);
    char *m = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; m != MAP_FAILED && i < 64; i++)
        m[i * PAGE] = 1;
    getrusage(RUSAGE_THREAD, &r1);
    atomic_store(&sleeper_minflt, r1.ru_minflt - r0.ru_minflt);
    if (m != MAP_FAILED)
        munmap(m, 64 * PAGE);
    atomic_store(&phase, 1);
    wait_gate();
    return NULL;
}

static int count_task_entries(pid_t *seen, int max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)getpid());
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            if (n < max)
                seen[n] = atoi(e->d_name);
            n++;
        }
    closedir(d);
    return n;
}

static bool has(const pid_t *v, int n, pid_t x)
{
    for (int i = 0; i < n && i < 8; i++)
        if (v[i] == x)
            return true;
    return false;
}

static void test_threads(void)
{
    pid_t me = gettid_();
    if (pipe(gate))
        return;
    pthread_t ts, tw;
    pthread_create(&ts, NULL, sleeper, NULL);
    wait_phase(1);
    pthread_create(&tw, NULL, spinner, NULL);
    while (!atomic_load(&spin_tid))
        sched_yield();
    pid_t sl = atomic_load(&sleep_tid), sp = atomic_load(&spin_tid);

    pid_t seen[8];
    int n = count_task_entries(seen, 8);
    T_EQ("proc /proc/PID/task lists one directory per thread", n, 3);
    T_TRUE("proc /proc/PID/task holds the leader and both threads' tids", has(seen, n, me) && has(seen, n, sl) &&
           has(seen, n, sp));
    T_EQ("proc task/TID/stat's first field is the thread's tid", stat_field(task_path(sl, "stat"), 1), sl);
    T_EQ("proc task/TID/status Pid: is the thread's tid", status_num(task_path(sl, "status"), "Pid"), sl);
    T_EQ("proc task/TID/status Tgid: is the process", status_num(task_path(sl, "status"), "Tgid"), getpid());
    T_EQ("proc task/TID/stat num_threads is the process's", stat_field(task_path(sl, "stat"), 20), 3);
    T_EQ("proc /proc/PID/status Threads: 3", status_num("/proc/self/status", "Threads"), 3);
    T_EQ("proc task/TID/stat: a thread that waits is S", stat_field(task_path(sl, "stat"), 3), 'S');
    T_EQ("proc task/TID/stat: a thread that spins is R", stat_field(task_path(sp, "stat"), 3), 'R');
    T_EQ("proc task/TID/stat: the thread that reads is R", stat_field(task_path(me, "stat"), 3), 'R');
    long sp_v = status_num(task_path(sp, "status"), "voluntary_ctxt_switches");
    T_EQ("proc task/TID/stat exit_signal: -1 for a thread", stat_field(task_path(sl, "stat"), 38), -1);
    T_EQ("proc task/TID/stat exit_signal: SIGCHLD for the leader", stat_field(task_path(me, "stat"), 38), SIGCHLD);
    T_TRUE("proc task/TID/stat starttime: a thread starts no earlier than its process",
           stat_field(task_path(sp, "stat"), 22) >= stat_field("/proc/self/stat", 22));

    char want[128], buf[64];
    snprintf(want, sizeof want, "%d/task/%d", (int)getpid(), (int)sl);
    T_TRUE("proc /proc/thread-self names PID/task/TID of the thread that looks", strcmp(self_link, want) == 0);
    ssize_t l = readlink("/proc/thread-self", buf, sizeof buf - 1);
    buf[l > 0 ? l : 0] = 0;
    snprintf(want, sizeof want, "%d/task/%d", (int)getpid(), (int)me);
    T_TRUE("proc /proc/thread-self in the leader", strcmp(buf, want) == 0);

    /* names */
    T_TRUE("prctl PR_SET_NAME in a thread: its task/TID/comm", tap_read_file(task_path(sl, "comm"), buf, sizeof buf) > 0 &&
           strcmp(buf, "sleeper-own\n") == 0);
    T_OK("prctl PR_SET_NAME in the leader", prctl(PR_SET_NAME, "leader"), 0);
    T_TRUE("proc /proc/PID/comm is the leader's name", tap_read_file("/proc/self/comm", buf, sizeof buf) > 0 &&
           strcmp(buf, "leader\n") == 0);
    T_OK("prctl pthread_setname_np for another thread", pthread_setname_np(tw, "spin-worker"), 0);
    T_TRUE("proc task/TID/comm after pthread_setname_np", tap_read_file(task_path(sp, "comm"), buf, sizeof buf) > 0 &&
           strcmp(buf, "spin-worker\n") == 0);
    T_TRUE("proc pthread_getname_np of another thread", pthread_getname_np(tw, buf, sizeof buf) == 0 &&
           strcmp(buf, "spin-worker") == 0);
    T_TRUE("proc task/TID/status Name: the thread's own", tap_read_file(task_path(sp, "status"), buf, sizeof buf) > 0 &&
           strncmp(buf, "Name:\tspin-worker\n", 18) == 0);
    int fd = open(task_path(sp, "comm"), O_WRONLY);
    T_OK("proc write of task/TID/comm: the whole count, 15 bytes kept",
         write(fd, "abcdefghijklmnopqrstu", 21), 21);
    close(fd);
    T_TRUE("proc task/TID/comm cut to 15 bytes", tap_read_file(task_path(sp, "comm"), buf, sizeof buf) > 0 &&
           strcmp(buf, "abcdefghijklmno\n") == 0);
    T_TRUE("proc the leader's name stays", tap_read_file("/proc/self/comm", buf, sizeof buf) > 0 &&
           strcmp(buf, "leader\n") == 0);
    pid_t c = fork();
    if (c == 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/comm", (int)getppid());
        int f = open(path, O_WRONLY);
        _exit(f < 0 ? 2 : write(f, "x", 1) == -1 && errno == EINVAL ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    T_EQ("proc write of another process's comm -> EINVAL", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    char path[96];
    c = fork();
    if (c == 0)
        for (;;)
            pause();
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)c);
    T_ERR("proc task/TID of another (live) process -> ENOENT", open(path, O_RDONLY), ENOENT);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    T_ERR("proc task/TID of no thread -> ENOENT", open("/proc/self/task/999999999/stat", O_RDONLY), ENOENT);

    /* the leader waits for a child while the spinner runs: that child sees the leader's state */
    snprintf(path, sizeof path, "/proc/%d/stat", (int)getpid());
    pid_t obs = fork();
    if (obs == 0) {
        char tpath[96];
        snprintf(tpath, sizeof tpath, "/proc/%d/task/%d/stat", (int)getppid(), (int)getppid());
        for (int i = 0; i < 1000000 && stat_field(tpath, 3) != 'S'; i++)
            sched_yield();
        _exit((int)stat_field(path, 3));
    }
    waitpid(obs, &st, 0); /* S, while the spinner runs */
    T_EQ("proc /proc/PID/stat shows the leader's state (S) while another thread runs",
         WIFEXITED(st) ? WEXITSTATUS(st) : -1, 'S');
    atomic_store(&phase, 2); /* the spinner stops once it has spun its second */
    wait_phase(3);

    /* CPU time per thread: the spinner's stat shows what its own clock says (ticks of 10 ms) */
    long long spun = atomic_load(&spun_ns) / 10000000;
    long long sp_ticks = stat_field(task_path(sp, "stat"), 14) + stat_field(task_path(sp, "stat"), 15);
    long long me_before = thread_cpu_ns() / 10000000;
    long long me_ticks = stat_field(task_path(me, "stat"), 14) + stat_field(task_path(me, "stat"), 15);
    long long me_after = thread_cpu_ns() / 10000000;
    long long all_ticks = stat_field("/proc/self/stat", 14) + stat_field("/proc/self/stat", 15);
    T_TRUE("proc task/TID/stat utime+stime: the spinning thread's own CPU time", sp_ticks >= spun - 3 &&
           sp_ticks <= spun + 5);
    /* its own clock brackets it (a loaded host makes the leader's own time large: compare, do not bound) */
    T_TRUE("proc task/TID/stat utime+stime: the waiting leader's is its own, not the spinner's",
           me_ticks >= me_before - 3 && me_ticks <= me_after + 5);
    T_TRUE("proc /proc/PID/stat utime+stime: every thread's", all_ticks >= sp_ticks + me_ticks - 2);

    /* context switches and faults per thread */
    long sl_v = status_num(task_path(sl, "status"), "voluntary_ctxt_switches");
    T_TRUE("proc task/TID/status voluntary_ctxt_switches: the thread that slept 20 times", sl_v >= 20);
    T_TRUE("proc task/TID/status voluntary_ctxt_switches: a spinning thread's are its own (few)",
           sp_v >= 0 && sp_v < 10);
    T_TRUE("getrusage RUSAGE_THREAD ru_minflt: 64 new pages touched by the thread",
           atomic_load(&sleeper_minflt) >= 64 && atomic_load(&sleeper_minflt) < 64 + 32);
    T_TRUE("proc task/TID/stat minflt: the thread's own", stat_field(task_path(sl, "stat"), 10) >= 64);
    T_TRUE("proc /proc/PID/stat minflt: the whole process's", stat_field("/proc/self/stat", 10) >=
           stat_field(task_path(sl, "stat"), 10) + stat_field(task_path(me, "stat"), 10));

    close(gate[1]);
    pthread_join(ts, NULL);
    pthread_join(tw, NULL);
    n = count_task_entries(seen, 8);
    T_EQ("proc /proc/PID/task: ended threads are gone", n, 1);
    T_ERR("proc task/TID of an ended thread -> ENOENT", open(task_path(sl, "stat"), O_RDONLY), ENOENT);
    T_EQ("proc /proc/PID/status Threads: 1 again", status_num("/proc/self/status", "Threads"), 1);
}

/* ---- memory ---- */

#define BIG (16l << 20)
/* Linux's resident counts are per-CPU counters read without summing in some places (stat's rss, the peak):
 * they may lag by a few hundred pages. Every memory check allows 1 MiB of that against 8 or 16 MiB. */
#define SLACK_KB 1024

static void touch(char *m, long len)
{
    for (long i = 0; i < len; i += PAGE)
        m[i] = 1;
}

static void test_memory(void)
{
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    char *m = mmap(NULL, BIG / 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    madvise(m, BIG / 2, MADV_NOHUGEPAGE);
    long rss0 = status_num("/proc/self/status", "VmRSS");
    touch(m, BIG / 2);
    getrusage(RUSAGE_SELF, &r1);
    long rss1 = status_num("/proc/self/status", "VmRSS"), hwm1 = status_num("/proc/self/status", "VmHWM");
    T_TRUE("getrusage ru_minflt: one minor fault per new page touched", r1.ru_minflt - r0.ru_minflt >= BIG / 2 / PAGE &&
           r1.ru_minflt - r0.ru_minflt < BIG / 2 / PAGE + 64);
    T_EQ("getrusage ru_majflt: anonymous memory needs no I/O", r1.ru_majflt - r0.ru_majflt, 0);
    T_TRUE("getrusage ru_maxrss: at least the 8 MiB touched", r1.ru_maxrss >= BIG / 2 / 1024 - SLACK_KB);
    T_TRUE("proc /proc/PID/status VmRSS grew by the 8 MiB touched", rss1 - rss0 >= BIG / 2 / 1024 - SLACK_KB &&
           rss1 - rss0 < BIG / 2 / 1024 + SLACK_KB);
    T_TRUE("proc /proc/PID/status VmHWM: at least VmRSS", hwm1 >= rss1 - SLACK_KB);
    long long st_rss = stat_field("/proc/self/stat", 24);
    T_TRUE("proc /proc/PID/stat rss: VmRSS in pages", st_rss * 4 >= rss1 - SLACK_KB && st_rss * 4 <= rss1 + SLACK_KB);
    char sm[128];
    long size = 0, res = 0;
    T_TRUE("proc /proc/PID/statm resident: VmRSS in pages", tap_read_file("/proc/self/statm", sm, sizeof sm) > 0 &&
           sscanf(sm, "%ld %ld", &size, &res) == 2 && res * 4 >= rss1 - SLACK_KB && res * 4 <= rss1 + SLACK_KB);
    long long st_min = stat_field("/proc/self/stat", 10);
    T_TRUE("proc /proc/PID/stat minflt: getrusage's ru_minflt", st_min >= r1.ru_minflt &&
           st_min < r1.ru_minflt + 64);
    munmap(m, BIG / 2);
    long rss2 = status_num("/proc/self/status", "VmRSS"), hwm2 = status_num("/proc/self/status", "VmHWM");
    T_TRUE("proc /proc/PID/status VmRSS drops after munmap", rss2 <= rss1 - BIG / 2 / 1024 + SLACK_KB);
    T_TRUE("proc /proc/PID/status VmHWM keeps the peak after munmap", hwm2 >= rss1 - SLACK_KB);
    struct rusage r2;
    getrusage(RUSAGE_SELF, &r2);
    T_TRUE("getrusage ru_maxrss keeps the peak after munmap", r2.ru_maxrss >= rss1 - SLACK_KB);

    /* a child touches 16 MiB and ends: its peak is the parent's children's, not the parent's own */
    struct rusage rc0;
    getrusage(RUSAGE_CHILDREN, &rc0);
    pid_t c = fork();
    if (c == 0) {
        char *b = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        madvise(b, BIG, MADV_NOHUGEPAGE);
        touch(b, BIG);
        _exit(0);
    }
    int st;
    struct rusage rw, rc1, rs1;
    wait4(c, &st, 0, &rw);
    getrusage(RUSAGE_CHILDREN, &rc1);
    getrusage(RUSAGE_SELF, &rs1);
    T_TRUE("wait4 rusage ru_maxrss: the child's peak (16 MiB touched)", rw.ru_maxrss >= BIG / 1024 - SLACK_KB);
    T_TRUE("wait4 rusage ru_minflt: the child's faults", rw.ru_minflt >= BIG / PAGE);
    T_TRUE("getrusage RUSAGE_CHILDREN ru_maxrss: the largest collected child's", rc1.ru_maxrss >= BIG / 1024 - SLACK_KB);
    T_TRUE("getrusage RUSAGE_CHILDREN ru_minflt: the collected child's faults added",
           rc1.ru_minflt - rc0.ru_minflt >= BIG / PAGE);
    T_TRUE("getrusage RUSAGE_SELF ru_maxrss: not the child's", rs1.ru_maxrss < BIG / 1024 - SLACK_KB);
    T_EQ("proc /proc/PID/stat cminflt: RUSAGE_CHILDREN's ru_minflt", stat_field("/proc/self/stat", 11),
         rc1.ru_minflt);

    /* a new process's usage starts at zero: nothing of what its parent collected (a child that slept, so that
     * there are context switches to inherit) */
    c = fork();
    if (c == 0) {
        usleep(1000);
        _exit(0);
    }
    waitpid(c, &st, 0);
    c = fork();
    if (c == 0) {
        struct rusage rc;
        getrusage(RUSAGE_CHILDREN, &rc);
        _exit(rc.ru_minflt == 0 && rc.ru_maxrss == 0 && rc.ru_nvcsw == 0 && rc.ru_utime.tv_sec == 0 ? 0 : 1);
    }
    waitpid(c, &st, 0);
    T_EQ("getrusage RUSAGE_CHILDREN of a new child: zero, nothing inherited", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
}

static void test_loadavg(void)
{
    char buf[128];
    double a1 = -1, a5 = -1, a15 = -1;
    int run = -1, total = -1, last = -1;
    int n = tap_read_file("/proc/loadavg", buf, sizeof buf) > 0 ?
        sscanf(buf, "%lf %lf %lf %d/%d %d", &a1, &a5, &a15, &run, &total, &last) : 0;
    T_EQ("proc /proc/loadavg: three averages, running/total, last pid", n, 6);
    T_TRUE("proc /proc/loadavg: the reader runs, so at least 1 running", run >= 1 && total >= run);
    double up = -1, idle = -1;
    n = tap_read_file("/proc/uptime", buf, sizeof buf) > 0 ? sscanf(buf, "%lf %lf", &up, &idle) : 0;
    T_TRUE("proc /proc/uptime: uptime and idle time, both >= 0", n == 2 && up > 0 && idle >= 0);
}

/* A sleeper's time comes while another process spins without ever entering the kernel: the sleeper runs (skiff
 * once looked at deadlines only when a task switched of its own accord, so this nanosleep never ended). */
static void test_sleep_beside_spinner(void)
{
    pid_t c = fork();
    if (c == 0) {
        volatile unsigned long n = 0;
        for (;;)
            n++;
    }
    struct timespec ts = { 0, 50000000 };
    T_OK("nanosleep 50 ms ends while another process spins without syscalls", nanosleep(&ts, NULL), 0);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
}

/* A /proc file read again from the start, on the same descriptor, shows the state now (Linux's seq_file makes
 * the text anew; top keeps /proc/stat open and reads it after lseek 0 at every frame). */
static void test_reread(void)
{
    int fd = open("/proc/self/status", O_RDONLY);
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    char *p = strstr(buf, "\nvoluntary_ctxt_switches:");
    long v0 = p ? strtol(p + 25, NULL, 10) : -1;
    for (int i = 0; i < 3; i++)
        usleep(20000); /* long enough to block even on a slow machine (a sleep already over does not switch) */
    lseek(fd, 0, SEEK_SET);
    n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    p = strstr(buf, "\nvoluntary_ctxt_switches:");
    long v1 = p ? strtol(p + 25, NULL, 10) : -1;
    T_TRUE("proc a /proc file read again after lseek 0 shows the state now (3 more sleeps)", v0 >= 0 && v1 >= v0 + 3);
    for (int i = 0; i < 3; i++)
        usleep(20000); /* long enough to block even on a slow machine (a sleep already over does not switch) */
    n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    p = strstr(buf, "\nvoluntary_ctxt_switches:");
    long v2 = p ? strtol(p + 25, NULL, 10) : -1;
    T_TRUE("proc pread at 0 of a /proc file shows the state now", v2 >= v1 + 3);
    close(fd);
}

int main(void)
{
    test_reread();
    test_sleep_beside_spinner();
    test_threads();
    test_memory();
    test_loadavg();
    return tap_done();
}
