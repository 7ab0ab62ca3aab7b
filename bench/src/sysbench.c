/* bench/src/sysbench.c — syscall costs, the same static binary in both guests.
 *
 *   sysbench [SCALE [REPS]]   (defaults 1 and 5)
 *
 * Each test runs REPS times; a line "sys NAME NS" gives the median ns per call (per iteration for the
 * compound ones). Iteration counts are the base counts below times SCALE (SCALE may be a fraction, e.g. 0.01 for
 * a smoke run). Timed with clock_gettime(CLOCK_MONOTONIC) around the whole loop.
 *   getppid         the null syscall (syscall(SYS_getppid), never cached by libc)
 *   write_null      write(2) of 1 byte to /dev/null
 *   pread_4k        pread(2) of 4 KiB at offset 0 from a 64 KiB file in the initrd's RAM file system
 *   open_close      openat(AT_FDCWD, that file, O_RDONLY) + close
 *   fstat           fstat(2) of that file
 *   clock_gettime   libc clock_gettime(CLOCK_MONOTONIC): the vDSO where the kernel offers one (AT_SYSINFO_EHDR)
 *   clock_gettime_sys  the same through syscall(SYS_clock_gettime)
 *   mmap_touch_munmap  mmap 64 KiB anonymous + write one byte per page + munmap
 *   page_fault      first write to a page of a fresh 4 MiB anonymous mapping (MADV_NOHUGEPAGE), per page
 *   shm_cycle       System V shared memory: shmget 64 KiB + shmat + write one byte per page + shmdt + IPC_RMID
 *   reserve_64t     mmap of 64 TiB PROT_NONE (MAP_NORESERVE) + munmap: what runtimes do at start-up
 *   timer_expiry    timer_create(CLOCK_MONOTONIC, SIGEV_SIGNAL) + arm 1 us + sigwaitinfo + timer_delete
 *   tcp_rtt_v4/_v6  a 1-byte TCP round trip between two threads over 127.0.0.1 / ::1 (TCP_NODELAY)
 *   rand_read       a byte read at a random place of a 24 MiB buffer (6,144 pages), per read: under TCG nearly
 *                   every read misses QEMU's software TLB unless it has grown (arch/x86_64/irq.c, the TLB refresh)
 * A final line "sys vdso 0|1" says whether the kernel passed a vDSO.
 *
 *   sysbench SCALE REPS scale MAX   instead: the costs that must stay flat (issue 15), each at 10, 1,000 and
 *                               10,000 idle threads (thread_N: pthread_create + join of one more) and at 10 and
 *                               1,000 idle processes (spawn_N: fork + _exit + waitpid), and epoll_N (a write,
 *                               the epoll_wait that reports it, the read) with N idle sockets registered too,
 *                               levels up to MAX */
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FILE_PATH "/bench/data64k"
static int fd_null, fd_file;
static char buf[4096];
static volatile long sink;

static long long now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void t_getppid(long n) { for (long i = 0; i < n; i++) sink += syscall(SYS_getppid); }
static void t_write(long n) { for (long i = 0; i < n; i++) sink += write(fd_null, buf, 1); }
static void t_pread(long n) { for (long i = 0; i < n; i++) sink += pread(fd_file, buf, 4096, 0); }
static void t_open(long n)
{
    for (long i = 0; i < n; i++) {
        int fd = openat(AT_FDCWD, FILE_PATH, O_RDONLY);
        sink += close(fd);
    }
}
static void t_fstat(long n)
{
    struct stat st;
    for (long i = 0; i < n; i++)
        sink += fstat(fd_file, &st);
}
static void t_clock(long n)
{
    struct timespec ts;
    for (long i = 0; i < n; i++)
        sink += clock_gettime(CLOCK_MONOTONIC, &ts);
}
static void t_clock_sys(long n)
{
    struct timespec ts;
    for (long i = 0; i < n; i++)
        sink += syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
}
#define RAND_LEN (24ul << 20)
static unsigned char *rand_buf;
static unsigned long rand_x = 88172645463325252ul;
static void t_rand_read(long n)
{
    unsigned long x = rand_x, s = 0;
    for (long i = 0; i < n; i++) {
        x ^= x << 13; /* xorshift64: the same sequence in both guests */
        x ^= x >> 7;
        x ^= x << 17;
        s += rand_buf[x % RAND_LEN];
    }
    rand_x = x;
    sink += (long)s;
}

static void t_mmap(long n)
{
    for (long i = 0; i < n; i++) {
        char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            perror("mmap");
            exit(1);
        }
        for (int off = 0; off < 65536; off += 4096)
            p[off] = 1;
        munmap(p, 65536);
    }
}
static void t_shm(long n)
{
    for (long i = 0; i < n; i++) {
        int id = shmget(IPC_PRIVATE, 65536, IPC_CREAT | 0600);
        char *p = id < 0 ? (char *)-1 : shmat(id, NULL, 0);
        if (p == (char *)-1) {
            perror("shmget/shmat");
            exit(1);
        }
        for (int off = 0; off < 65536; off += 4096)
            p[off] = 1;
        shmdt(p);
        shmctl(id, IPC_RMID, NULL);
    }
}

static void t_reserve(long n)
{
    for (long i = 0; i < n; i++) {
        void *p = mmap(NULL, 64UL << 40, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            perror("mmap 64 TiB");
            exit(1);
        }
        munmap(p, 64UL << 40);
    }
}

static void t_timer(long n)
{
    sigset_t set;
    siginfo_t si;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (long i = 0; i < n; i++) {
        struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN };
        struct itimerspec it = { .it_value = { 0, 1000 } };
        timer_t t;
        if (timer_create(CLOCK_MONOTONIC, &ev, &t) || timer_settime(t, 0, &it, NULL) || sigwaitinfo(&set, &si) < 0) {
            perror("timer_create/settime/sigwaitinfo");
            exit(1);
        }
        timer_delete(t);
    }
}

/* TCP round trips: an echo thread on the other end of a loopback connection */
static int rtt_fd;
static void *rtt_echo(void *arg)
{
    int c = *(int *)arg;
    char b;
    while (read(c, &b, 1) == 1 && write(c, &b, 1) == 1)
        ;
    close(c);
    return NULL;
}
static void rtt_setup(int family)
{
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct sockaddr *a = family == AF_INET6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4;
    socklen_t len = family == AF_INET6 ? sizeof(a6) : sizeof(a4);
    static int srv_side;
    int one = 1, l = socket(family, SOCK_STREAM, 0);
    if (l < 0 || bind(l, a, len) || listen(l, 1) || getsockname(l, a, &len)) {
        perror("tcp rtt: listen");
        exit(1);
    }
    rtt_fd = socket(family, SOCK_STREAM, 0);
    if (rtt_fd < 0 || connect(rtt_fd, a, len) || (srv_side = accept(l, NULL, NULL)) < 0) {
        perror("tcp rtt: connect");
        exit(1);
    }
    setsockopt(rtt_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(srv_side, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    close(l);
    pthread_t th;
    pthread_create(&th, NULL, rtt_echo, &srv_side);
    pthread_detach(th);
}
static void t_rtt(long n)
{
    char b = 'x';
    for (long i = 0; i < n; i++)
        if (write(rtt_fd, &b, 1) != 1 || read(rtt_fd, &b, 1) != 1) {
            perror("tcp rtt");
            exit(1);
        }
}
static void rtt_done(void)
{
    shutdown(rtt_fd, SHUT_WR);
    close(rtt_fd);
}

#define FAULT_LEN (4L << 20)
/* n = pages; maps and unmaps outside the timed part */
static long long fault_once(long pages)
{
    long len = FAULT_LEN;
    if (pages * 4096 > len)
        len = pages * 4096;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    madvise(p, len, MADV_NOHUGEPAGE);
    long long t = now();
    for (long i = 0; i < pages; i++)
        p[i * 4096] = 1;
    t = now() - t;
    munmap(p, len);
    return t;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void bench(const char *name, void (*fn)(long), long base, double scale, int reps)
{
    long n = (long)(base * scale);
    if (n < 1)
        n = 1;
    double r[64];
    fn(n / 10 + 1); /* warm up */
    for (int k = 0; k < reps; k++) {
        long long t = now();
        fn(n);
        r[k] = (double)(now() - t) / n;
    }
    qsort(r, reps, sizeof r[0], cmp);
    printf("sys %s %.1f\n", name, r[reps / 2]);
    fflush(stdout);
}

/* The scaling costs: idle threads and processes wait on a pipe until its write end closes */
static int idle_pipe[2];
static void *idle_thread(void *arg)
{
    char b;
    (void)arg;
    (void)!read(idle_pipe[0], &b, 1);
    return NULL;
}
static void *nop_thread(void *arg) { return arg; }
static void t_thread(long n)
{
    for (long i = 0; i < n; i++) {
        pthread_t th;
        if (pthread_create(&th, NULL, nop_thread, NULL)) {
            perror("pthread_create");
            exit(1);
        }
        pthread_join(th, NULL);
    }
}
static void t_spawn(long n)
{
    for (long i = 0; i < n; i++) {
        pid_t p = fork();
        if (p == 0)
            _exit(0);
        if (p < 0 || waitpid(p, NULL, 0) != p) {
            perror("fork/waitpid");
            exit(1);
        }
    }
}

/* epoll with idle sockets registered around one active socketpair: a 1-byte write, the epoll_wait that reports
 * it, the read (issue 15: its cost should not grow with the idle ones). */
static int ep_fd, ep_act[2];
static void t_epoll(long n)
{
    char b;
    struct epoll_event ev[4];
    for (long i = 0; i < n; i++) {
        if (write(ep_act[1], "x", 1) != 1 || epoll_wait(ep_fd, ev, 4, -1) != 1 || read(ep_act[0], &b, 1) != 1) {
            perror("epoll round");
            exit(1);
        }
    }
}

static int epoll_levels(double scale, int reps, long cap)
{
    static const long levels[] = { 10, 1000, 10000 };
    struct rlimit rl = { 2 * 10000 + 64, 2 * 10000 + 64 };
    setrlimit(RLIMIT_NOFILE, &rl); /* root in both guests */
    ep_fd = epoll_create1(0);
    if (ep_fd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, ep_act))
        return 1;
    struct epoll_event e = { .events = EPOLLIN };
    epoll_ctl(ep_fd, EPOLL_CTL_ADD, ep_act[0], &e);
    long have = 0;
    for (int k = 0; k < 3 && levels[k] <= cap; k++) {
        for (; have < levels[k]; have++) {
            int s[2];
            if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) || epoll_ctl(ep_fd, EPOLL_CTL_ADD, s[0], &e)) {
                fprintf(stderr, "sysbench: socketpair/epoll_ctl failed at %ld idle sockets\n", have);
                return 0; /* the levels that fit are reported */
            }
        }
        char name[32];
        snprintf(name, sizeof(name), "epoll_%ld", levels[k]);
        bench(name, t_epoll, 2000, scale, reps);
    }
    return 0;
}

/* Adds idle threads (or processes) until there are `want`, then times one more of each kind. */
static int scale_main(double scale, int reps, long cap)
{
    static const long thread_levels[] = { 10, 1000, 10000 }, proc_levels[] = { 10, 1000 };
    long have = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 << 10);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED); /* their stacks go when they end */
    if (pipe(idle_pipe)) {
        perror("pipe");
        return 1;
    }
    /* processes first, while this one is small (no thread stacks yet) */
    for (int k = 0; k < 2 && proc_levels[k] <= cap; k++) {
        for (; have < proc_levels[k]; have++) {
            pid_t p = fork();
            if (p == 0) {
                char b;
                close(idle_pipe[1]);
                (void)!read(idle_pipe[0], &b, 1);
                _exit(0);
            }
            if (p < 0) {
                perror("fork");
                fprintf(stderr, "sysbench: fork failed at %ld processes\n", have);
                return 1;
            }
        }
        char name[32];
        snprintf(name, sizeof(name), "spawn_%ld", proc_levels[k]);
        bench(name, t_spawn, 100, scale, reps);
    }
    close(idle_pipe[1]); /* the idle processes end */
    while (wait(NULL) > 0)
        ;
    close(idle_pipe[0]);
    if (pipe(idle_pipe))
        return 1;
    have = 0;
    for (int k = 0; k < 3 && thread_levels[k] <= cap; k++) {
        for (; have < thread_levels[k]; have++) {
            pthread_t th;
            if (pthread_create(&th, &attr, idle_thread, NULL)) {
                fprintf(stderr, "sysbench: pthread_create failed at %ld threads\n", have);
                return 1;
            }
        }
        char name[32];
        snprintf(name, sizeof(name), "thread_%ld", thread_levels[k]);
        bench(name, t_thread, 200, scale, reps);
    }
    close(idle_pipe[1]); /* the idle threads end */
    if (epoll_levels(scale, reps, cap))
        return 1;
    printf("sysbench done\n");
    return 0;
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (reps < 1 || reps > 64)
        reps = 5;
    if (argc > 4 && !strcmp(argv[3], "scale"))
        return scale_main(scale, reps, atol(argv[4]));
    fd_null = open("/dev/null", O_WRONLY);
    fd_file = open(FILE_PATH, O_RDONLY);
    if (fd_null < 0 || fd_file < 0) {
        perror("sysbench: open");
        return 1;
    }
    bench("getppid", t_getppid, 200000, scale, reps);
    bench("write_null", t_write, 100000, scale, reps);
    bench("pread_4k", t_pread, 50000, scale, reps);
    bench("open_close", t_open, 20000, scale, reps);
    bench("fstat", t_fstat, 100000, scale, reps);
    bench("clock_gettime", t_clock, 200000, scale, reps);
    bench("clock_gettime_sys", t_clock_sys, 200000, scale, reps);
    bench("mmap_touch_munmap", t_mmap, 1000, scale, reps);
    bench("shm_cycle", t_shm, 1000, scale, reps);
    bench("reserve_64t", t_reserve, 100, scale, reps);
    bench("timer_expiry", t_timer, 1000, scale, reps);
    rtt_setup(AF_INET);
    bench("tcp_rtt_v4", t_rtt, 5000, scale, reps);
    rtt_done();
    rtt_setup(AF_INET6);
    bench("tcp_rtt_v6", t_rtt, 5000, scale, reps);
    rtt_done();
    rand_buf = malloc(RAND_LEN);
    if (!rand_buf) {
        perror("sysbench: malloc");
        return 1;
    }
    memset(rand_buf, 1, RAND_LEN);
    bench("rand_read", t_rand_read, 2000000, scale, reps);
    free(rand_buf);
    {
        long pages = (long)(FAULT_LEN / 4096 * (scale < 1 ? scale : 1));
        if (pages < 1)
            pages = 1;
        double r[64];
        fault_once(pages); /* warm up */
        for (int k = 0; k < reps; k++)
            r[k] = (double)fault_once(pages) / pages;
        qsort(r, reps, sizeof r[0], cmp);
        printf("sys page_fault %.1f\n", r[reps / 2]);
    }
    printf("sys vdso %d\n", getauxval(AT_SYSINFO_EHDR) != 0);
    printf("sysbench done\n");
    return 0;
}
