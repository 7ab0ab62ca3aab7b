/* test/conformance/cloneflags.c — clone's and clone3's flags that make a task, one child each, and what each
 * flag changes: CLONE_CHILD_CLEARTID (the tid word cleared at exit), CLONE_FILES (one descriptor table),
 * CLONE_PARENT (a sibling, not a child), CLONE_SETTLS (the child's FS base), CLONE_VFORK (the parent waits),
 * CLONE_SYSVSEM (one semaphore undo list), CLONE_CLEAR_SIGHAND (handlers back to default), and CLONE_IO,
 * CLONE_PTRACE and CLONE_UNTRACED, which change nothing a program sees without a tracer or an I/O scheduler;
 * and the exit signal (clone's low byte): another than SIGCHLD, or none, makes a "clone" child, which the parent
 * hears of by that signal and waits for only with __WCLONE or __WALL.
 * Children report through their exit status or a pipe; each check's result is the same natively. */
/* covers: clone clone3 */
#include "tap.h"
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/mman.h>

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ull
#endif

static char stack[64 * 1024] __attribute__((aligned(16)));
static volatile pid_t ctid;
static int shared_fd = -1;

/* A fork-like clone (no CLONE_VM): 0 in the child, as fork. */
static long fork_clone(unsigned long flags, void *tls)
{
    return SYS(SYS_clone, flags | SIGCHLD, 0, 0, 0, tls);
}

static int wait_status(long pid)
{
    int st = 0;
    if (pid <= 0 || waitpid((pid_t)pid, &st, 0) != pid)
        return -1;
    return WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : WEXITSTATUS(st);
}

static int child_exits(void *arg)
{
    (void)arg;
    return 7;
}

static void cleartid(void)
{
    ctid = 12345;
    long c = clone(child_exits, stack + sizeof stack, CLONE_VM | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD,
                   NULL, NULL, NULL, &ctid);
    T_EQ("clone CLONE_CHILD_CLEARTID: the child runs and exits", wait_status(c), 7);
    T_EQ("clone CLONE_CHILD_CLEARTID: its tid word is 0 after its exit", ctid, 0);
}

static int child_opens(void *arg)
{
    (void)arg;
    shared_fd = open("/dev/null", O_RDONLY);
    return shared_fd >= 0 ? 0 : 1;
}

static void files(void)
{
    long c = clone(child_opens, stack + sizeof stack, CLONE_VM | CLONE_FILES | SIGCHLD, NULL);
    T_EQ("clone CLONE_FILES: the child opens a file", wait_status(c), 0);
    T_OK("clone CLONE_FILES: the child's descriptor is open in the parent", fcntl(shared_fd, F_GETFD), 0);
    close(shared_fd);
    c = clone(child_opens, stack + sizeof stack, CLONE_VM | SIGCHLD, NULL);
    T_EQ("clone without CLONE_FILES: the child opens a file", wait_status(c), 0);
    T_ERR("clone without CLONE_FILES: its descriptor is not the parent's", fcntl(shared_fd, F_GETFD), EBADF);
}

/* CLONE_PARENT from a child: the new task is the test's child (its sibling), so the test waits for it. */
static void parent(void)
{
    pid_t me = getpid();
    int p[2];
    pipe(p);
    pid_t mid = fork();
    if (mid == 0) {
        long g = fork_clone(CLONE_PARENT, NULL);
        if (g == 0) {
            pid_t pp = getppid();
            write(p[1], &pp, sizeof pp);
            _exit(5);
        }
        _exit(g > 0 && waitpid((pid_t)g, NULL, WNOHANG) < 0 && errno == ECHILD ? 0 : 1);
    }
    T_EQ("clone CLONE_PARENT: the caller cannot wait for the new task (ECHILD)", wait_status(mid), 0);
    pid_t pp = 0;
    read(p[0], &pp, sizeof pp);
    T_EQ("clone CLONE_PARENT: the new task's parent is the caller's parent", pp, me);
    int st = 0;
    pid_t w = waitpid(-1, &st, 0);
    T_EQ("clone CLONE_PARENT: the caller's parent reaps the new task (status 5)",
         w > 0 && w != mid && WIFEXITED(st) ? WEXITSTATUS(st) : -1, 5);
    close(p[0]);
    close(p[1]);
}

/* CLONE_SETTLS: the child's FS base is the block given; it reads its first word through %fs and exits with it
 * by raw syscalls alone (glibc's TLS is not there any more). */
static void settls(void)
{
    static uint64_t block[8] __attribute__((aligned(64)));
    block[0] = 42;
    /* the stack-protector canary at %fs:0x28, as the parent's: libc's syscall() checks it on its way out */
    __asm__ volatile("mov %%fs:0x28, %0" : "=r"(block[5]));
    long c = fork_clone(CLONE_SETTLS, block);
    if (c == 0) {
        uint64_t v;
        __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
        __asm__ volatile("syscall" ::"a"(SYS_exit), "D"(v) : "rcx", "r11", "memory");
        __builtin_unreachable();
    }
    T_EQ("clone CLONE_SETTLS: the child reads its own TLS block through %fs", wait_status(c), 42);
}

/* CLONE_VFORK: the caller sleeps until the child exits; what the child wrote is there when clone returns. */
static void vfork_flag(void)
{
    int p[2];
    pipe2(p, O_NONBLOCK);
    long c = fork_clone(CLONE_VFORK, NULL);
    if (c == 0) {
        struct timespec ts = { 0, 100000000 };
        nanosleep(&ts, NULL);
        write(p[1], "v", 1);
        _exit(0);
    }
    char b = 0;
    T_OK("clone CLONE_VFORK: the child's write is there when clone returns", read(p[0], &b, 1), 1);
    T_EQ("clone CLONE_VFORK: the child exits 0", wait_status(c), 0);
    close(p[0]);
    close(p[1]);
}

/* CLONE_SYSVSEM: one undo list for both; a SEM_UNDO adjustment the child makes stays when it exits (the
 * parent still holds the list). Without it the child's own list undoes it at its exit. */
static int sem_after_child(unsigned long flags)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    if (id < 0)
        return -1;
    long c = fork_clone(flags, NULL);
    if (c == 0) {
        struct sembuf up = { 0, 1, SEM_UNDO };
        _exit(semop(id, &up, 1) ? 1 : 0);
    }
    int st = wait_status(c);
    int v = semctl(id, 0, GETVAL);
    semctl(id, 0, IPC_RMID);
    return st == 0 ? v : -2;
}

static void sysvsem(void)
{
    T_EQ("clone CLONE_SYSVSEM: the child's SEM_UNDO stays after its exit", sem_after_child(CLONE_SYSVSEM), 1);
    T_EQ("clone without CLONE_SYSVSEM: the child's SEM_UNDO is undone at its exit", sem_after_child(0), 0);
}

static void on_usr1(int s) { (void)s; }

static long clone3_fork(uint64_t flags)
{
    uint64_t ca[11] = { 0 };
    ca[0] = flags;
    ca[4] = SIGCHLD;
    return SYS(SYS_clone3, ca, 88);
}

static void clear_sighand(void)
{
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, SIG_IGN);
    long c = clone3_fork(CLONE_CLEAR_SIGHAND);
    if (c == 0) {
        struct sigaction a, b;
        sigaction(SIGUSR1, NULL, &a);
        sigaction(SIGUSR2, NULL, &b);
        _exit((a.sa_handler == SIG_DFL ? 0 : 1) | (b.sa_handler == SIG_IGN ? 0 : 2));
    }
    T_EQ("clone3 CLONE_CLEAR_SIGHAND: handlers are default in the child, ignored signals stay ignored",
         wait_status(c), 0);
    c = clone3_fork(0);
    if (c == 0) {
        struct sigaction a;
        sigaction(SIGUSR1, NULL, &a);
        _exit(a.sa_handler == on_usr1 ? 0 : 1);
    }
    T_EQ("clone3 without CLONE_CLEAR_SIGHAND: the child keeps the handler", wait_status(c), 0);
    uint64_t ca[11] = { 0 };
    ca[0] = CLONE_CLEAR_SIGHAND | CLONE_SIGHAND | CLONE_VM;
    T_ERR("clone3 CLONE_CLEAR_SIGHAND with CLONE_SIGHAND", SYS(SYS_clone3, ca, 88), EINVAL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

/* Flags with nothing to see without a tracer or an I/O context: the clone succeeds and the child runs. */
static void quiet_flags(void)
{
    static const struct { unsigned long flag; const char *name; } q[] = {
        { CLONE_IO, "clone CLONE_IO: the child runs (one I/O context shared)" },
        { CLONE_PTRACE, "clone CLONE_PTRACE: the child runs (the caller is not traced)" },
        { CLONE_UNTRACED, "clone CLONE_UNTRACED: the child runs" },
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        long c = fork_clone(q[i].flag, NULL);
        if (c == 0)
            _exit(3);
        T_EQ(q[i].name, wait_status(c), 3);
    }
}

static volatile int got_usr1, got_chld, usr1_code, usr1_pid;

static void on_sig(int s, siginfo_t *si, void *uc)
{
    (void)uc;
    if (s == SIGUSR1) {
        usr1_code = si->si_code;
        usr1_pid = si->si_pid;
        got_usr1++;
    } else {
        got_chld++;
    }
}

static long clone_exit_signal(int sig)
{
    long c = SYS(SYS_clone, (unsigned long)sig, 0, 0, 0, 0);
    if (c == 0)
        _exit(9);
    return c;
}

static void exit_signal(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    long c = clone_exit_signal(SIGUSR1);
    tap_wait_flag(&got_usr1, SIGUSR1);
    T_EQ("clone exit signal SIGUSR1: the parent gets SIGUSR1 with si_code CLD_EXITED", usr1_code, CLD_EXITED);
    T_EQ("clone exit signal SIGUSR1: si_pid is the child", usr1_pid, c);
    T_EQ("clone exit signal SIGUSR1: and no SIGCHLD", got_chld, 0);
    T_ERR("clone exit signal SIGUSR1: waitpid without __WCLONE does not see the child", waitpid((pid_t)c, NULL, WNOHANG),
          ECHILD);
    int st = 0;
    T_OK("clone exit signal SIGUSR1: waitpid __WCLONE reaps it", waitpid((pid_t)c, &st, __WCLONE), c);
    T_EQ("clone exit signal SIGUSR1: its status", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 9);
    c = clone_exit_signal(0);
    struct timespec ts = { 0, 200000000 };
    nanosleep(&ts, NULL);
    T_EQ("clone exit signal 0: no signal at the child's end", got_chld + got_usr1, 1);
    T_OK("clone exit signal 0: waitpid __WALL reaps it", waitpid((pid_t)c, &st, __WALL), c);
    c = clone_exit_signal(SIGCHLD);
    T_ERR("clone exit signal SIGCHLD: waitpid __WCLONE alone does not see it", waitpid((pid_t)c, NULL, __WCLONE), ECHILD);
    T_OK("clone exit signal SIGCHLD: waitpid reaps it", waitpid((pid_t)c, &st, 0), c);
    uint64_t ca[11] = { 0 };
    ca[0] = CLONE_PARENT;
    ca[4] = SIGCHLD;
    T_ERR("clone3 CLONE_PARENT with an exit signal", SYS(SYS_clone3, ca, 88), EINVAL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
}

/* Run as the exec'd program of exit_signal_exec: which signal the clone child's end brings (both blocked since
 * before the exec, so sigtimedwait takes it whenever it came). */
static int exec_reaper(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGCHLD);
    sigaddset(&s, SIGUSR1);
    struct timespec t = { 20, 0 };
    int sig = sigtimedwait(&s, NULL, &t);
    while (waitpid(-1, NULL, __WALL) > 0)
        ;
    return sig == SIGCHLD ? 0 : sig == SIGUSR1 ? 1 : 2;
}

/* A parent that execs after making a "clone" child hears of its end by SIGCHLD, not the exit signal asked for
 * (Linux's do_notify_parent: the parent changed programs). */
static void exit_signal_exec(void)
{
    pid_t mid = fork();
    if (mid == 0) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGCHLD);
        sigaddset(&s, SIGUSR1);
        sigprocmask(SIG_BLOCK, &s, NULL);
        long c = SYS(SYS_clone, (unsigned long)SIGUSR1, 0, 0, 0, 0);
        if (c == 0) {
            struct timespec ts = { 0, 300000000 };
            nanosleep(&ts, NULL);
            _exit(0);
        }
        execl("/proc/self/exe", "cloneflags", "exec-reaper", (char *)NULL);
        _exit(3);
    }
    T_EQ("clone exit signal SIGUSR1, the parent execs: it gets SIGCHLD at the child's end", wait_status(mid), 0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "exec-reaper"))
        return exec_reaper();
    cleartid();
    files();
    parent();
    settls();
    vfork_flag();
    sysvsem();
    clear_sighand();
    quiet_flags();
    exit_signal();
    exit_signal_exec();
    return tap_done();
}
