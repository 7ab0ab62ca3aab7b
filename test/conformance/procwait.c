/* test/conformance/procwait.c — wait4/waitid options and errnos as wait(2) lists them (WNOHANG, WNOWAIT,
 * WEXITED, WUNTRACED/WSTOPPED, WCONTINUED, __WALL, __WCLONE, __WNOTHREAD; ECHILD, EINVAL, ESRCH, EAGAIN) and
 * prctl's PR_SET_PDEATHSIG and PR_SET_CHILD_SUBREAPER (issue 16). Children are synchronised with pipes only. */
/* covers: wait4 waitid prctl */
#include "tap.h"
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sched.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* A child that waits until its pipe closes, then exits with code. */
static pid_t blocked_child(int code, int *release)
{
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(p[1]);
        while (read(p[0], &c, 1) > 0)
            ;
        _exit(code);
    }
    close(p[0]);
    *release = p[1];
    return pid;
}

static void options(void)
{
    int rel, st = 0;
    pid_t pid = blocked_child(3, &rel);
    T_OK("wait4 WNOHANG with the child still running", SYS(SYS_wait4, pid, &st, WNOHANG, 0), 0);
    siginfo_t si;
    memset(&si, 0xff, sizeof si);
    T_OK("waitid WEXITED|WNOHANG with the child still running", SYS(SYS_waitid, P_PID, pid, &si, WEXITED | WNOHANG, 0), 0);
    T_EQ("waitid WNOHANG: si_pid 0 when nothing changed", si.si_pid, 0);
    T_ERR("wait4 __WCLONE|WNOHANG with only ordinary children", SYS(SYS_wait4, -1, &st, __WCLONE | WNOHANG, 0), ECHILD);
    kill(pid, SIGSTOP);
    T_OK("wait4 WUNTRACED reports the stop", SYS(SYS_wait4, pid, &st, WUNTRACED, 0), pid);
    T_TRUE("wait4 WUNTRACED: WIFSTOPPED with SIGSTOP", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    kill(pid, SIGCONT);
    T_OK("wait4 WCONTINUED reports the continue", SYS(SYS_wait4, pid, &st, WCONTINUED, 0), pid);
    T_TRUE("wait4 WCONTINUED: WIFCONTINUED", WIFCONTINUED(st));
    kill(pid, SIGSTOP);
    memset(&si, 0, sizeof si);
    T_OK("waitid WSTOPPED reports the stop", SYS(SYS_waitid, P_PID, pid, &si, WSTOPPED, 0), 0);
    T_TRUE("waitid WSTOPPED: CLD_STOPPED", si.si_code == CLD_STOPPED && si.si_status == SIGSTOP);
    kill(pid, SIGCONT);
    memset(&si, 0, sizeof si);
    T_OK("waitid WCONTINUED reports the continue", SYS(SYS_waitid, P_PID, pid, &si, WCONTINUED, 0), 0);
    T_TRUE("waitid WCONTINUED: CLD_CONTINUED", si.si_code == CLD_CONTINUED);
    close(rel);
    memset(&si, 0, sizeof si);
    T_OK("waitid WEXITED|WNOWAIT", SYS(SYS_waitid, P_PID, pid, &si, WEXITED | WNOWAIT, 0), 0);
    T_TRUE("waitid WNOWAIT: CLD_EXITED, status 3", si.si_code == CLD_EXITED && si.si_status == 3 && si.si_pid == pid);
    T_OK("wait4 __WALL after WNOWAIT still finds the child", SYS(SYS_wait4, pid, &st, __WALL, 0), pid);
    T_TRUE("wait4 __WALL: exit status 3", WIFEXITED(st) && WEXITSTATUS(st) == 3);
    pid = blocked_child(4, &rel);
    close(rel);
    T_OK("wait4 __WNOTHREAD", SYS(SYS_wait4, pid, &st, __WNOTHREAD, 0), pid);
    pid = blocked_child(5, &rel);
    int pfd = SYS(SYS_pidfd_open, pid, O_NONBLOCK);
    T_ERR("waitid P_PIDFD of a non-blocking pidfd, child running", SYS(SYS_waitid, P_PIDFD, pfd, &si, WEXITED, 0), EAGAIN);
    close(rel);
    close(pfd);
    SYS(SYS_wait4, pid, &st, 0, 0);
    T_ERR("wait4 an unknown option", SYS(SYS_wait4, -1, &st, 0x10000, 0), EINVAL);
    T_ERR("waitid without WEXITED, WSTOPPED or WCONTINUED", SYS(SYS_waitid, P_ALL, 0, &si, WNOHANG, 0), EINVAL);
    T_ERR("waitid an unknown idtype", SYS(SYS_waitid, 9, 0, &si, WEXITED, 0), EINVAL);
    T_ERR("wait4 pid INT_MIN", SYS(SYS_wait4, INT_MIN, &st, 0, 0), ESRCH);
    T_ERR("wait4 without children", SYS(SYS_wait4, -1, &st, 0, 0), ECHILD);
    T_ERR("waitid P_PID of a non-child", SYS(SYS_waitid, P_PID, 999999, &si, WEXITED, 0), ECHILD);
}

/* In a child M (not pid 1 under skiff, where every orphan is pid 1's anyway): M is a subreaper; its child A
 * forks B and exits; B reports its parent. Then C with PR_SET_PDEATHSIG SIGUSR1 outlives its parent D. */
static void reaper(void)
{
    int r[2];
    pipe(r);
    pid_t m = fork();
    if (m == 0) {
        close(r[0]);
        int res[4] = { 0 };
        res[0] = (int)SYS(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        int v = -1;
        SYS(SYS_prctl, PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
        res[1] = v;
        int q[2], go[2];
        pipe(q);
        pipe(go);
        pid_t a = fork();
        if (a == 0) {
            pid_t was = getpid(); /* A */
            if (fork() == 0) { /* B: waits until A is gone (A's exit closes go's write end) */
                char c;
                close(go[1]);
                while (read(go[0], &c, 1) > 0)
                    ;
                while (getppid() == was) /* A closes its files before it is reparented away */
                    sched_yield();
                int pp = getppid();
                write(q[1], &pp, sizeof pp);
                _exit(0);
            }
            _exit(0);
        }
        close(go[1]);
        close(go[0]);
        int st;
        waitpid(a, &st, 0);
        int pp = 0;
        read(q[0], &pp, sizeof pp);
        res[2] = pp == getpid();
        res[3] = wait(&st) > 0; /* B is M's to reap */
        write(r[1], res, sizeof res);
        _exit(0);
    }
    close(r[1]);
    int res[4] = { -1, -1, -1, -1 }, st;
    read(r[0], res, sizeof res);
    close(r[0]);
    waitpid(m, &st, 0);
    T_EQ("prctl PR_SET_CHILD_SUBREAPER", res[0], 0);
    T_EQ("prctl PR_GET_CHILD_SUBREAPER reads it back", res[1], 1);
    T_TRUE("prctl PR_SET_CHILD_SUBREAPER: an orphaned grandchild gets the subreaper as parent", res[2] == 1);
    T_TRUE("prctl PR_SET_CHILD_SUBREAPER: the subreaper reaps it", res[3] == 1);

    SYS(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); /* natively C comes back to us */
    int ready[2];
    pipe(ready);
    pid_t d = fork();
    if (d == 0) {
        pid_t c = fork();
        if (c == 0) {
            SYS(SYS_prctl, PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
            int sig = 0;
            SYS(SYS_prctl, PR_GET_PDEATHSIG, &sig, 0, 0, 0);
            write(ready[1], &sig, sizeof sig);
            for (;;)
                pause();
        }
        int sig;
        read(ready[0], &sig, sizeof sig);
        write(ready[1], &c, sizeof c); /* for the grandparent */
        write(ready[1], &sig, sizeof sig);
        _exit(0);
    }
    pid_t c = 0;
    int sig = 0;
    waitpid(d, &st, 0);
    read(ready[0], &c, sizeof c);
    read(ready[0], &sig, sizeof sig);
    T_EQ("prctl PR_GET_PDEATHSIG reads SIGUSR1 back", sig, SIGUSR1);
    T_OK("prctl PR_SET_PDEATHSIG: the orphan is ours to reap", SYS(SYS_wait4, c, &st, 0, 0), c);
    T_TRUE("prctl PR_SET_PDEATHSIG: its parent's exit killed it with SIGUSR1", WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1);
    T_ERR("prctl PR_SET_PDEATHSIG 65", SYS(SYS_prctl, PR_SET_PDEATHSIG, 65, 0, 0, 0), EINVAL);
    T_ERR("prctl PR_GET_PDEATHSIG to a kernel address", SYS(SYS_prctl, PR_GET_PDEATHSIG, KADDR, 0, 0, 0), EFAULT);
    T_ERR("prctl PR_GET_CHILD_SUBREAPER to a kernel address", SYS(SYS_prctl, PR_GET_CHILD_SUBREAPER, KADDR, 0, 0, 0),
          EFAULT);
    char name[32] = { 0 };
    T_OK("prctl PR_SET_NAME", SYS(SYS_prctl, PR_SET_NAME, "conf-name-long-beyond", 0, 0, 0), 0);
    T_OK("prctl PR_GET_NAME", SYS(SYS_prctl, PR_GET_NAME, name, 0, 0, 0), 0);
    T_TRUE("prctl PR_GET_NAME: the first 15 bytes", !strcmp(name, "conf-name-long-"));
    T_ERR("prctl PR_SET_NAME from a kernel address", SYS(SYS_prctl, PR_SET_NAME, KADDR, 0, 0, 0), EFAULT);
}

int main(void)
{
    signal(SIGUSR1, SIG_DFL);
    options();
    reaper();
    return tap_done();
}
