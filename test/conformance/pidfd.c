/* test/conformance/pidfd.c — pidfds: pidfd_open, poll/epoll on a pidfd (readable once the process has
 * ended, hung up once it was reaped), pidfd_send_signal (with and without a siginfo), pidfd_getfd, waitid
 * P_PIDFD (blocking and through a non-blocking pidfd), and the pidfd clone and clone3 return with CLONE_PIDFD.
 * Orderings come from pipes and wait calls, never from timing. */
/* covers: pidfd_open pidfd_send_signal pidfd_getfd waitid clone clone3 */
#include "tap.h"
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/wait.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define PIDFD_NONBLOCK O_NONBLOCK
#define PIDFD_SELF_THREAD_GROUP (-20000)

static long pidfd_open(pid_t pid, unsigned flags) { return SYS(SYS_pidfd_open, pid, flags); }
static long psend(int fd, int sig, siginfo_t *info, unsigned flags)
{
    return SYS(SYS_pidfd_send_signal, fd, sig, info, flags);
}

/* A child that waits for a byte on *go (then exits with the byte's value) and never touches anything else. */
static pid_t child_waiting(int *go)
{
    int p[2];
    if (pipe(p))
        exit(2);
    pid_t c = fork();
    if (c == 0) {
        char b = 0;
        close(p[1]);
        if (read(p[0], &b, 1) != 1)
            _exit(100);
        _exit(b);
    }
    close(p[0]);
    *go = p[1];
    return c;
}

static int poll1(int fd, short events, int ms)
{
    struct pollfd pfd = { .fd = fd, .events = events };
    int n = poll(&pfd, 1, ms);
    return n < 0 ? -1 : n == 0 ? 0 : pfd.revents;
}

static void test_open(void)
{
    T_ERR("pidfd_open unknown flags", pidfd_open(getpid(), 1), EINVAL);
    T_ERR("pidfd_open pid 0", pidfd_open(0, 0), EINVAL);
    T_ERR("pidfd_open pid -1", pidfd_open(-1, 0), EINVAL);
    T_ERR("pidfd_open a pid that does not exist", pidfd_open(0x3ffffff0, 0), ESRCH);
    long fd = pidfd_open(getpid(), 0);
    T_TRUE("pidfd_open of itself gives an fd", fd >= 0);
    T_EQ("pidfd_open: the fd is close-on-exec", fcntl((int)fd, F_GETFD), FD_CLOEXEC);
    T_EQ("pidfd_open: poll of a live process is not ready", poll1((int)fd, POLLIN, 0), 0);
    char b;
    T_ERR("pidfd_open: read on a pidfd", read((int)fd, &b, 1), EINVAL);
    T_ERR("pidfd_open: write on a pidfd", write((int)fd, &b, 1), EINVAL);
    long nb = pidfd_open(getpid(), PIDFD_NONBLOCK);
    T_TRUE("pidfd_open PIDFD_NONBLOCK: O_NONBLOCK in the status flags", nb >= 0 && (fcntl((int)nb, F_GETFL) & O_NONBLOCK));
    close((int)nb);
    close((int)fd);
}

static void test_poll_wait(void)
{
    int go;
    pid_t c = child_waiting(&go);
    long fd = pidfd_open(c, 0);
    T_TRUE("pidfd_open of a child", fd >= 0);
    T_EQ("poll pidfd: a running child is not ready", poll1((int)fd, POLLIN, 0), 0);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN }, out;
    T_OK("epoll_ctl ADD a pidfd", epoll_ctl(ep, EPOLL_CTL_ADD, (int)fd, &ev), 0);
    T_OK("epoll_wait pidfd: a running child is not ready", epoll_wait(ep, &out, 1, 0), 0);
    siginfo_t si;
    memset(&si, 0xff, sizeof si);
    T_OK("waitid P_PIDFD WNOHANG: nothing yet", SYS(SYS_waitid, P_PIDFD, fd, &si, WEXITED | WNOHANG, NULL), 0);
    T_EQ("waitid P_PIDFD WNOHANG: si_pid is 0", si.si_pid, 0);
    long nb = pidfd_open(c, PIDFD_NONBLOCK);
    T_ERR("waitid P_PIDFD on a non-blocking pidfd of a running child", SYS(SYS_waitid, P_PIDFD, nb, &si, WEXITED, NULL), EAGAIN);
    char code = 42;
    write(go, &code, 1);
    T_EQ("poll pidfd: readable once the child has exited", poll1((int)fd, POLLIN, -1), POLLIN);
    T_OK("epoll_wait pidfd: EPOLLIN once the child has exited", epoll_wait(ep, &out, 1, -1), 1);
    T_EQ("epoll_wait pidfd: the event is EPOLLIN", out.events, EPOLLIN);
    T_OK("pidfd_send_signal signal 0 to a zombie", psend((int)fd, 0, NULL, 0), 0);
    T_OK("pidfd_send_signal SIGTERM to a zombie is accepted", psend((int)fd, SIGTERM, NULL, 0), 0);
    T_ERR("pidfd_getfd of a zombie", SYS(SYS_pidfd_getfd, fd, 0, 0), ESRCH);
    memset(&si, 0, sizeof si);
    T_OK("waitid P_PIDFD WEXITED collects the child", SYS(SYS_waitid, P_PIDFD, fd, &si, WEXITED, NULL), 0);
    T_TRUE("waitid P_PIDFD: si_pid is the child, CLD_EXITED, status 42",
           si.si_pid == c && si.si_code == CLD_EXITED && si.si_status == 42 && si.si_signo == SIGCHLD);
    T_EQ("poll pidfd: POLLIN|POLLHUP once reaped", poll1((int)fd, POLLIN | POLLHUP, 0), POLLIN | POLLHUP);
    T_ERR("waitid P_PIDFD of a reaped child", SYS(SYS_waitid, P_PIDFD, fd, &si, WEXITED, NULL), ECHILD);
    T_ERR("pidfd_send_signal to a reaped process", psend((int)fd, SIGTERM, NULL, 0), ESRCH);
    T_ERR("pidfd_getfd of a reaped process", SYS(SYS_pidfd_getfd, fd, 0, 0), ESRCH);
    close(ep);
    close((int)nb);
    close((int)fd);
    close(go);

    long self = pidfd_open(getpid(), 0);
    T_ERR("waitid P_PIDFD of a process that is not a child", SYS(SYS_waitid, P_PIDFD, self, &si, WEXITED | WNOHANG, NULL), ECHILD);
    close((int)self);
    T_ERR("waitid P_PIDFD of a closed fd", SYS(SYS_waitid, P_PIDFD, 900, &si, WEXITED, NULL), EBADF);
    T_ERR("waitid P_PIDFD of a negative fd", SYS(SYS_waitid, P_PIDFD, -1, &si, WEXITED, NULL), EINVAL);
    T_ERR("waitid P_PIDFD of an fd that is not a pidfd", SYS(SYS_waitid, P_PIDFD, 1, &si, WEXITED, NULL), EBADF);
}

static void test_send(void)
{
    int go, st = 0;
    pid_t c = child_waiting(&go);
    long fd = pidfd_open(c, 0);
    T_ERR("pidfd_send_signal unknown flags", psend((int)fd, SIGTERM, NULL, 8), EINVAL);
    T_ERR("pidfd_send_signal two scopes", psend((int)fd, SIGTERM, NULL, 3), EINVAL);
    T_ERR("pidfd_send_signal signal 65", psend((int)fd, 65, NULL, 0), EINVAL);
    T_ERR("pidfd_send_signal a closed fd", psend(900, SIGTERM, NULL, 0), EBADF);
    T_ERR("pidfd_send_signal an fd that is not a pidfd", psend(go, SIGTERM, NULL, 0), EBADF);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    T_ERR("pidfd_send_signal info whose si_signo differs", psend((int)fd, SIGTERM, &si, 0), EINVAL);
    si.si_code = SI_USER;
    T_ERR("pidfd_send_signal info claiming SI_USER to another process", psend((int)fd, SIGUSR1, &si, 0), EPERM);
    T_ERR("pidfd_send_signal info at a bad pointer", psend((int)fd, SIGUSR1, BADUPTR, 0), EFAULT);
    T_OK("pidfd_send_signal signal 0 probes the child", psend((int)fd, 0, NULL, 0), 0);
    T_OK("pidfd_send_signal SIGKILL", psend((int)fd, SIGKILL, NULL, 0), 0);
    T_OK("pidfd_send_signal SIGKILL: wait4 collects the child", waitpid(c, &st, 0), c);
    T_TRUE("pidfd_send_signal SIGKILL: killed by signal 9", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    close((int)fd);
    close(go);

    /* a queued value reaches the child, which blocks SIGUSR1 and takes it with sigwaitinfo */
    int p[2];
    pipe(p);
    c = fork();
    if (c == 0) {
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, SIGUSR1);
        sigprocmask(SIG_BLOCK, &m, NULL);
        write(p[1], "r", 1);
        siginfo_t got;
        if (sigwaitinfo(&m, &got) != SIGUSR1)
            _exit(101);
        _exit(got.si_code == SI_QUEUE ? got.si_value.sival_int : 102);
    }
    char b;
    read(p[0], &b, 1);
    fd = pidfd_open(c, 0);
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    si.si_value.sival_int = 77;
    T_OK("pidfd_send_signal SI_QUEUE info with a value", psend((int)fd, SIGUSR1, &si, 0), 0);
    waitpid(c, &st, 0);
    T_TRUE("pidfd_send_signal: the child took SI_QUEUE with value 77", WIFEXITED(st) && WEXITSTATUS(st) == 77);
    close((int)fd);
    close(p[0]);
    close(p[1]);

    T_ERR("pidfd_send_signal PIDFD_SELF_THREAD_GROUP is no fd here", psend(PIDFD_SELF_THREAD_GROUP, 0, NULL, 0), EBADF);
}

static void test_getfd(void)
{
    int p[2], go;
    pipe(p);
    pid_t c = child_waiting(&go); /* it holds p[0] and p[1] too */
    long fd = pidfd_open(c, 0);
    close(p[1]);
    T_ERR("pidfd_getfd flags", SYS(SYS_pidfd_getfd, fd, p[0], 1), EINVAL);
    T_ERR("pidfd_getfd a closed pidfd", SYS(SYS_pidfd_getfd, 900, p[0], 0), EBADF);
    T_ERR("pidfd_getfd an fd that is not a pidfd", SYS(SYS_pidfd_getfd, go, p[0], 0), EBADF);
    T_ERR("pidfd_getfd a target fd the child does not have", SYS(SYS_pidfd_getfd, fd, 900, 0), EBADF);
    T_ERR("pidfd_getfd a negative target fd", SYS(SYS_pidfd_getfd, fd, -1, 0), EBADF);
    long w = SYS(SYS_pidfd_getfd, fd, p[1], 0);
    T_TRUE("pidfd_getfd takes the child's copy of the write end", w >= 0);
    T_EQ("pidfd_getfd: the new fd is close-on-exec", fcntl((int)w, F_GETFD), FD_CLOEXEC);
    T_OK("pidfd_getfd: writing to the fd taken", write((int)w, "xy", 2), 2);
    char buf[4] = { 0 };
    T_OK("pidfd_getfd: it is the same pipe", read(p[0], buf, sizeof buf), 2);
    close((int)w);
    char code = 3;
    write(go, &code, 1);
    int st;
    waitpid(c, &st, 0);
    close((int)fd);
    close(go);
    close(p[0]);
}

static void test_clone(void)
{
    int pfd = -1;
    siginfo_t si;
    long c = SYS(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &pfd, 0, 0);
    if (c == 0)
        _exit(7);
    T_TRUE("clone CLONE_PIDFD makes a child", c > 0);
    T_TRUE("clone CLONE_PIDFD: a pidfd in parent_tid", pfd >= 0);
    T_EQ("clone CLONE_PIDFD: close-on-exec", fcntl(pfd, F_GETFD), FD_CLOEXEC);
    memset(&si, 0, sizeof si);
    T_OK("clone CLONE_PIDFD: waitid P_PIDFD", SYS(SYS_waitid, P_PIDFD, pfd, &si, WEXITED, NULL), 0);
    T_TRUE("clone CLONE_PIDFD: that child, status 7", si.si_pid == c && si.si_status == 7);
    close(pfd);
    T_ERR("clone CLONE_PIDFD|CLONE_PARENT_SETTID", SYS(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &pfd, 0, 0), EINVAL);
    T_ERR("clone CLONE_PIDFD|CLONE_DETACHED", SYS(SYS_clone, CLONE_PIDFD | 0x00400000 | SIGCHLD, 0, &pfd, 0, 0), EINVAL);
    T_ERR("clone CLONE_PIDFD with a bad pointer", SYS(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, BADUPTR, 0, 0), EFAULT);
    T_ERR("clone CLONE_PIDFD with a bad pointer made no child", SYS(SYS_wait4, -1, NULL, WNOHANG, NULL), ECHILD);

    /* a tid word that cannot be written is ignored: the child is made all the same (skiff once kept a
     * process without a task on its list, and wait4 waited for it forever) */
    int st = 0;
    c = SYS(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, BADUPTR, 0, 0);
    if (c == 0)
        _exit(5);
    T_TRUE("clone CLONE_PARENT_SETTID at a bad address makes the child all the same", c > 0);
    T_TRUE("clone CLONE_PARENT_SETTID at a bad address: wait4 collects it", waitpid(-1, &st, 0) == c && WEXITSTATUS(st) == 5);
    c = SYS(SYS_clone, CLONE_CHILD_SETTID | SIGCHLD, 0, 0, BADUPTR, 0);
    if (c == 0)
        _exit(6);
    T_TRUE("clone CLONE_CHILD_SETTID at a bad address: wait4 collects the child",
           c > 0 && waitpid(-1, &st, 0) == c && WEXITSTATUS(st) == 6);

    struct { uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls; } ca;
    memset(&ca, 0, sizeof ca);
    int pfd3 = -1;
    ca.flags = CLONE_PIDFD;
    ca.pidfd = (uintptr_t)&pfd3;
    ca.exit_signal = SIGCHLD;
    c = SYS(SYS_clone3, &ca, sizeof ca);
    if (c == 0)
        _exit(9);
    T_TRUE("clone3 CLONE_PIDFD makes a child with a pidfd", c > 0 && pfd3 >= 0);
    T_EQ("clone3 CLONE_PIDFD: poll says it ends", poll1(pfd3, POLLIN, -1), POLLIN);
    memset(&si, 0, sizeof si);
    T_OK("clone3 CLONE_PIDFD: waitid P_PIDFD", SYS(SYS_waitid, P_PIDFD, pfd3, &si, WEXITED, NULL), 0);
    T_TRUE("clone3 CLONE_PIDFD: that child, status 9", si.si_pid == c && si.si_status == 9);
    close(pfd3);
    ca.pidfd = (uintptr_t)BADUPTR;
    T_ERR("clone3 CLONE_PIDFD with a bad pidfd pointer", SYS(SYS_clone3, &ca, sizeof ca), EFAULT);
    ca.flags = CLONE_PIDFD | CLONE_PARENT_SETTID;
    ca.pidfd = ca.parent_tid = (uintptr_t)&pfd3;
    T_ERR("clone3 CLONE_PIDFD|CLONE_PARENT_SETTID to the same word", SYS(SYS_clone3, &ca, sizeof ca), EINVAL);
}

int main(void)
{
    test_open();
    test_poll_wait();
    test_send();
    test_getfd();
    test_clone();
    return tap_done();
}
