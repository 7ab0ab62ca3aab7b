/* test/conformance/gsbase.c — the user GS base is the thread's own (arch_prctl ARCH_SET_GS/ARCH_GET_GS, and
 * WRGSBASE where the CPU and kernel allow it: AT_HWCAP2's HWCAP2_FSGSBASE). Two threads each point GS at a buffer
 * of their own, then hand a turn back and forth through a futex many times (with yields, short sleeps and, when
 * two CPUs are allowed, moves between them with sched_setaffinity) and check at every turn that ARCH_GET_GS and
 * %gs:0 still show their own buffer. Then: a new thread starts with its creator's GS base, a forked child with
 * its parent's (which the parent changes right after the fork), a signal handler runs with the interrupted GS
 * base and a change it makes outlives sigreturn, and an execve (of the program itself, "--after-execve N F")
 * starts the new image with GS base 0. sgdt with a GS override writes at the GS base (under UMIP the kernel
 * emulates it, and must add the base too). glibc and musl keep TLS in FS, so moving GS is safe here. */
/* covers: arch_prctl */
#include "tap.h"
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <sys/auxv.h>

#define ARCH_SET_GS 0x1001
#define ARCH_GET_GS 0x1004
#define HWCAP2_FSGSBASE (1ul << 1)
#define ROUNDS 1000
#define FUTEX_WAIT_PRIVATE 128 /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG (musl has no linux/futex.h) */
#define FUTEX_WAKE_PRIVATE 129

static unsigned long get_gs(void)
{
    unsigned long v = 1;
    if (SYS(SYS_arch_prctl, ARCH_GET_GS, &v))
        return 1; /* never a buffer's address */
    return v;
}

static void set_gs(void *base) { SYS(SYS_arch_prctl, ARCH_SET_GS, base); }

/* The qword at GS:0 (only read while GS points at one of our buffers). */
static unsigned long gs_word0(void)
{
    unsigned long v;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    return v;
}

static int have_fsgsbase(void) { return (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0; }

static unsigned long rdgsbase(void)
{
    unsigned long v;
    __asm__ volatile("rdgsbase %0" : "=r"(v));
    return v;
}

static void wrgsbase(void *v) { __asm__ volatile("wrgsbase %0" : : "r"(v) : "memory"); }

/* The CPUs this process may run on: up to two, to move between. */
static int cpu_list[2], ncpus;

static void find_cpus(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set))
        return;
    for (int c = 0; c < CPU_SETSIZE && ncpus < 2; c++)
        if (CPU_ISSET(c, &set))
            cpu_list[ncpus++] = c;
}

static void move_to(int k)
{
    if (ncpus < 2)
        return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu_list[k % ncpus], &one);
    sched_setaffinity(0, sizeof one, &one); /* the calling thread: it runs there when this returns */
}

static void allow_all(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < ncpus; i++)
        CPU_SET(cpu_list[i], &set);
    if (ncpus)
        sched_setaffinity(0, sizeof set, &set);
}

/* The futex ping-pong: whose turn it is (0 or 1). */
static atomic_int turn;

static void wait_turn(int me)
{
    int t;
    while ((t = atomic_load(&turn)) != me)
        SYS(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, t, NULL, NULL, 0);
}

static void give_turn(int me)
{
    atomic_store(&turn, 1 - me);
    SYS(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static unsigned long main_buf[2] = { 0x6d61696e00000000ul }; /* the main thread's GS target */

struct player {
    int me, use_wrgsbase;
    unsigned long buf[2];  /* buf[0]: its tag, what %gs:0 must read */
    unsigned long start_gs; /* ARCH_GET_GS when the thread began */
    int bad_get, bad_word, bad_rd;
};

static void *play(void *arg)
{
    struct player *p = arg;
    p->start_gs = get_gs();
    if (p->use_wrgsbase)
        wrgsbase(p->buf);
    else
        set_gs(p->buf);
    for (int r = 0; r < ROUNDS; r++) {
        wait_turn(p->me);
        if (r % 10 == 0)
            move_to(r / 10 + p->me);
        if (r % 7 == 0)
            sched_yield();
        if (r % 100 == 99) {
            struct timespec ts = { 0, 200000 };
            nanosleep(&ts, NULL); /* blocked with the other thread runnable: it runs meanwhile */
        }
        unsigned long g = get_gs();
        if (g != (unsigned long)p->buf)
            p->bad_get++;
        else if (gs_word0() != p->buf[0])
            p->bad_word++;
        if (p->use_wrgsbase && rdgsbase() != (unsigned long)p->buf)
            p->bad_rd++;
        give_turn(p->me);
    }
    allow_all();
    return NULL;
}

/* Runs the two players to the end (the program ends if they cannot be made). */
static void run_players(struct player pl[2])
{
    pthread_t th[2];
    int made = 0;
    atomic_store(&turn, 0);
    for (int i = 0; i < 2; i++)
        made += pthread_create(&th[i], NULL, play, &pl[i]) == 0;
    if (made != 2) {
        T_EQ("arch_prctl two threads made", made, 2);
        exit(tap_done());
    }
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
}

static void two_threads(void)
{
    struct player pl[2] = {
        { .me = 0, .buf = { 0x4141414100000000ul } },
        { .me = 1, .buf = { 0x4242424200000000ul } },
    };
    char name[200];
    set_gs(main_buf);
    run_players(pl);
    for (int i = 0; i < 2; i++) {
        snprintf(name, sizeof name, "arch_prctl thread %d started with its creator's GS base", i);
        T_EQ(name, pl[i].start_gs, (unsigned long)main_buf);
        snprintf(name, sizeof name, "arch_prctl ARCH_GET_GS: thread %d's own base after %d turns", i, ROUNDS);
        T_EQ(name, pl[i].bad_get, 0);
        snprintf(name, sizeof name, "arch_prctl %%gs:0 reads thread %d's own buffer after %d turns", i, ROUNDS);
        T_EQ(name, pl[i].bad_word, 0);
    }
    T_EQ("arch_prctl ARCH_GET_GS: the main thread's own base after its threads ran", get_gs(),
         (unsigned long)main_buf);
    T_TRUE("arch_prctl %gs:0 reads the main thread's buffer after its threads ran", gs_word0() == main_buf[0]);
}

/* WRGSBASE is a program's to use when AT_HWCAP2 has HWCAP2_FSGSBASE (the CPU has it and the kernel set
 * CR4.FSGSBASE). This host and QEMU's CPU model need not agree on that, so one line covers both, as fault.c's
 * UMIP check does: with it, the two players' WRGSBASE bases each stay their own (RDGSBASE, ARCH_GET_GS, %gs:0)
 * across the turns and a forked child has its parent's live base; without it there is nothing to use (some
 * CPUs run the instruction anyway when the kernel never set CR4.FSGSBASE: this host does). The "#" line says
 * which it was. */
static int wrgsbase_fork_inherits(void)
{
    static unsigned long wbuf[2] = { 0x5757575700000000ul };
    wrgsbase(wbuf);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(rdgsbase() == (unsigned long)wbuf && get_gs() == (unsigned long)wbuf && gs_word0() == wbuf[0] ? 0 : 1);
    int st = 0;
    return waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int wrgsbase_threads_ok(void)
{
    struct player pl[2] = {
        { .me = 0, .use_wrgsbase = 1, .buf = { 0x6161616100000000ul } },
        { .me = 1, .use_wrgsbase = 1, .buf = { 0x6262626200000000ul } },
    };
    set_gs(main_buf);
    run_players(pl);
    int ok = get_gs() == (unsigned long)main_buf && rdgsbase() == (unsigned long)main_buf;
    for (int i = 0; i < 2; i++) {
        if (pl[i].start_gs != (unsigned long)main_buf || pl[i].bad_get || pl[i].bad_word || pl[i].bad_rd)
            ok = 0;
        printf("# WRGSBASE thread %d: start %s, %d/%d/%d bad ARCH_GET_GS/%%gs:0/RDGSBASE\n", i,
               pl[i].start_gs == (unsigned long)main_buf ? "ok" : "wrong", pl[i].bad_get, pl[i].bad_word, pl[i].bad_rd);
    }
    return ok && wrgsbase_fork_inherits();
}

static void wrgsbase_threads(void)
{
    int have = have_fsgsbase();
    printf("# HWCAP2_FSGSBASE %d\n", have);
    T_TRUE("arch_prctl WRGSBASE (where HWCAP2_FSGSBASE): each thread's own base across turns, a fork child's its "
           "parent's", !have || wrgsbase_threads_ok());
}

/* fork: the child has the parent's base at fork time, whatever the parent does with its own afterwards. */
static void fork_inherits(void)
{
    static unsigned long pbuf[2] = { 0x5050505000000000ul }, qbuf[2] = { 0x5151515100000000ul };
    int p[2];
    if (pipe(p))
        exit(2);
    set_gs(pbuf);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char x;
        close(p[1]);
        if (read(p[0], &x, 1) != 1) /* the parent has moved its own GS by now */
            _exit(3);
        if (get_gs() != (unsigned long)pbuf)
            _exit(1);
        _exit(gs_word0() == pbuf[0] ? 0 : 2);
    }
    close(p[0]);
    set_gs(qbuf);
    if (write(p[1], "x", 1) != 1)
        exit(2);
    close(p[1]);
    int st = 0;
    waitpid(c, &st, 0);
    T_EQ("arch_prctl a forked child has its parent's GS base (ARCH_GET_GS 1, %gs:0 2)",
         WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st), 0);
    T_EQ("arch_prctl the parent keeps its own GS base after the fork", get_gs(), (unsigned long)qbuf);
}

/* A handler runs with the interrupted thread's GS base; a base it sets stays after sigreturn (the signal frame
 * holds no base). */
static unsigned long sbuf[2] = { 0x5353535300000000ul }, hbuf[2] = { 0x4848484800000000ul };
static volatile unsigned long in_handler_gs, in_handler_word;

static void on_usr1(int sig)
{
    (void)sig;
    in_handler_gs = get_gs();
    in_handler_word = gs_word0();
    set_gs(hbuf);
}

static void signal_keeps(void)
{
    signal(SIGUSR1, on_usr1);
    set_gs(sbuf);
    raise(SIGUSR1);
    T_EQ("arch_prctl a signal handler runs with the thread's GS base", in_handler_gs, (unsigned long)sbuf);
    T_TRUE("arch_prctl %gs:0 in a signal handler reads the thread's buffer", in_handler_word == sbuf[0]);
    T_EQ("arch_prctl a GS base set in a handler outlives sigreturn", get_gs(), (unsigned long)hbuf);
    signal(SIGUSR1, SIG_DFL);
}

/* sgdt %gs:8 — a GS-relative store; with UMIP it faults and the kernel emulates it, with no base of its own. */
static sigjmp_buf segv_jmp;
static void on_segv(int sig) { (void)sig; siglongjmp(segv_jmp, 1); }

static void sgdt_through_gs(void)
{
    static unsigned char gbuf[32];
    memset(gbuf, 0xaa, sizeof gbuf);
    set_gs(gbuf);
    struct sigaction sa = { .sa_handler = on_segv }, old;
    sigaction(SIGSEGV, &sa, &old);
    volatile int faulted = 0;
    if (sigsetjmp(segv_jmp, 1))
        faulted = 1;
    else
        __asm__ volatile("sgdt %%gs:8" : : : "memory");
    sigaction(SIGSEGV, &old, NULL);
    int moved = 0, outside = 0;
    for (int i = 0; i < (int)sizeof gbuf; i++) {
        if (i >= 8 && i < 18)
            moved += gbuf[i] != 0xaa;
        else
            outside += gbuf[i] != 0xaa;
    }
    T_TRUE("arch_prctl sgdt %gs:8 runs without a signal", !faulted);
    T_TRUE("arch_prctl sgdt %gs:8 stores its 10 bytes at the GS base + 8, nowhere else", moved > 0 && !outside);
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--after-execve")) {
        tap_n = atoi(argv[2]);
        tap_failed = atoi(argv[3]);
        T_EQ("arch_prctl execve starts the new image with GS base 0", get_gs(), 0);
        return tap_done();
    }
    find_cpus();
    two_threads();
    wrgsbase_threads();
    fork_inherits();
    signal_keeps();
    sgdt_through_gs();

    static unsigned long ebuf[2] = { 0x4545454500000000ul };
    set_gs(ebuf);
    char n[16], f[16], self[512];
    snprintf(n, sizeof n, "%d", tap_n);
    snprintf(f, sizeof f, "%d", tap_failed);
    long k = readlink("/proc/self/exe", self, sizeof self - 1);
    self[k > 0 ? k : 0] = 0;
    char *const av[] = { "gsbase-conf", "--after-execve", n, f, NULL };
    char *const env[] = { NULL };
    fflush(stdout);
    execve(self, av, env);
    T_TRUE("arch_prctl execve of the program itself", 0);
    return tap_done();
}
