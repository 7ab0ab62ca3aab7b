/* test/conformance/signalfd.c — signalfd4: blocked signals read as signalfd_siginfo (several per read, with
 * the sender's pid, a sigqueue value, a child's exit status), O_NONBLOCK reads EAGAIN, poll says readable, a
 * new mask on an existing fd, SIGKILL/SIGSTOP never in the mask; the error paths. */
/* covers: signalfd4 signalfd */
#include "tap.h"
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

int main(void)
{
    tap_scratch("signalfd");
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGUSR2);
    sigaddset(&m, SIGCHLD);
    sigaddset(&m, SIGRTMIN + 3);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int fd = (int)SYS(SYS_signalfd4, -1, &m, 8, SFD_NONBLOCK | SFD_CLOEXEC);
    T_TRUE("signalfd4 creates a signalfd", fd >= 0);
    T_TRUE("signalfd4 SFD_CLOEXEC sets FD_CLOEXEC", fcntl(fd, F_GETFD) == FD_CLOEXEC);
    struct signalfd_siginfo si[4];
    T_ERR("signalfd4 SFD_NONBLOCK: nothing pending", read(fd, si, sizeof si), EAGAIN);
    struct pollfd pf = { .fd = fd, .events = POLLIN };
    T_OK("signalfd4: poll with nothing pending", poll(&pf, 1, 0), 0);
    kill(getpid(), SIGUSR1);
    union sigval v = { .sival_int = 99 };
    sigqueue(getpid(), SIGRTMIN + 3, v);
    T_OK("signalfd4: poll says readable", poll(&pf, 1, 0), 1);
    T_OK("signalfd4: one read takes both", read(fd, si, sizeof si), 2 * (long)sizeof si[0]);
    T_TRUE("signalfd4: SIGUSR1 from us with SI_USER",
           si[0].ssi_signo == SIGUSR1 && si[0].ssi_code == SI_USER && si[0].ssi_pid == (unsigned)getpid());
    T_TRUE("signalfd4: the real-time one with its value",
           si[1].ssi_signo == (unsigned)SIGRTMIN + 3 && si[1].ssi_code == SI_QUEUE && si[1].ssi_int == 99);
    pid_t c = fork();
    if (c == 0)
        _exit(5);
    int bfd = (int)SYS(SYS_signalfd4, -1, &m, 8, 0);
    T_OK("signalfd4 blocking read waits for SIGCHLD", read(bfd, si, sizeof si[0]), sizeof si[0]);
    T_TRUE("signalfd4: SIGCHLD with CLD_EXITED, the pid and status 5",
           si[0].ssi_signo == SIGCHLD && si[0].ssi_code == CLD_EXITED && si[0].ssi_pid == (unsigned)c &&
           si[0].ssi_status == 5);
    waitpid(c, NULL, 0);
    sigset_t only2;
    sigemptyset(&only2);
    sigaddset(&only2, SIGUSR2);
    T_OK("signalfd4 with an existing fd changes its mask", SYS(SYS_signalfd4, fd, &only2, 8, 0), fd);
    kill(getpid(), SIGUSR1);
    T_ERR("signalfd4: a signal outside the new mask is not read", read(fd, si, sizeof si), EAGAIN);
    kill(getpid(), SIGUSR2);
    T_OK("signalfd4: one in it is", read(fd, si, sizeof si), sizeof si[0]);
    sigset_t pend;
    sigpending(&pend);
    T_TRUE("signalfd4: the other stays pending", sigismember(&pend, SIGUSR1));
    T_TRUE("signalfd (old) creates one", SYS(SYS_signalfd, -1, &m, 8) >= 0);
    T_ERR("signalfd4 read into 64 bytes", read(fd, si, 64), EINVAL);

    int p[2];
    pipe(p);
    T_ERR("signalfd4 sizemask 4", SYS(SYS_signalfd4, -1, &m, 4, 0), EINVAL);
    T_ERR("signalfd (old) sizemask 4", SYS(SYS_signalfd, -1, &m, 4), EINVAL);
    T_ERR("signalfd4 flags 1", SYS(SYS_signalfd4, -1, &m, 8, 1), EINVAL);
    T_ERR("signalfd4 a pipe", SYS(SYS_signalfd4, p[0], &m, 8, 0), EINVAL);
    T_ERR("signalfd4 a closed fd", SYS(SYS_signalfd4, 999, &m, 8, 0), EBADF);
    T_ERR("signalfd4 mask at a kernel address", SYS(SYS_signalfd4, -1, KADDR, 8, 0), EFAULT);
    return tap_done();
}
