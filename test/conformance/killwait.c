/* test/conformance/killwait.c — kill acting on its target (a child, a process group; SIGKILL included: it once
 * killed the caller), stop and continue (SIGSTOP, SIGTSTP, SIGCONT) as wait4 (WUNTRACED, WCONTINUED) and waitid
 * (WEXITED, WSTOPPED, WCONTINUED, WNOWAIT, WNOHANG; P_PID, P_PGID, P_ALL) report them, and their error paths.
 * Orderings come from pipes and from the other process's state in /proc, never from timing. */
/* covers: kill wait4 waitid tgkill */
#include "tap.h"
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

static pid_t child_pausing(int pgid_mode)
{
    pid_t c = fork();
    if (c == 0) {
        if (pgid_mode)
            setpgid(0, pgid_mode < 0 ? 0 : pgid_mode);
        for (;;)
            pause();
    }
    if (pgid_mode)
        setpgid(c, pgid_mode < 0 ? c : pgid_mode);
    return c;
}

static int term_count;
static void on_term(int sig) { (void)sig; term_count++; }

static void test_kill(void)
{
    int st = 0;
    pid_t c = child_pausing(0);
    T_OK("kill SIGKILL to a child", kill(c, SIGKILL), 0);
    T_OK("kill SIGKILL: wait4 collects the child", SYS(SYS_wait4, c, &st, 0, NULL), c);
    T_TRUE("kill SIGKILL: the child was killed by signal 9", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    T_TRUE("kill SIGKILL: the caller lives on", 1);

    c = child_pausing(0);
    T_OK("kill SIGTERM to a child", kill(c, SIGTERM), 0);
    SYS(SYS_wait4, c, &st, 0, NULL);
    T_TRUE("kill SIGTERM: the child was killed by signal 15", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);

    /* a group of two, in a group of their own: kill(-pgid) ends both and not the sender */
    pid_t a = child_pausing(-1);
    pid_t b = child_pausing(a);
    signal(SIGTERM, on_term);
    T_OK("kill -pgid SIGTERM", kill(-a, SIGTERM), 0);
    int sa = 0, sb = 0;
    SYS(SYS_wait4, a, &sa, 0, NULL);
    SYS(SYS_wait4, b, &sb, 0, NULL);
    T_TRUE("kill -pgid: both members died of SIGTERM",
           WIFSIGNALED(sa) && WTERMSIG(sa) == SIGTERM && WIFSIGNALED(sb) && WTERMSIG(sb) == SIGTERM);
    T_EQ("kill -pgid: the sender (another group) got nothing", term_count, 0);
    T_ERR("kill -pgid of a group that is gone", kill(-a, SIGTERM), ESRCH);
    T_OK("kill 0 (own group) with a handler", kill(0, SIGTERM), 0);
    T_EQ("kill 0: the caller's handler ran", term_count, 1);
    signal(SIGTERM, SIG_DFL);

    c = child_pausing(0);
    T_OK("kill signal 0 probes a child", kill(c, 0), 0);
    T_ERR("kill signal 65", kill(c, 65), EINVAL);
    T_ERR("kill signal -1", kill(c, -1), EINVAL);
    T_OK("tgkill SIGKILL to a child's thread", SYS(SYS_tgkill, c, c, SIGKILL), 0);
    SYS(SYS_wait4, c, &st, 0, NULL);
    T_TRUE("tgkill SIGKILL: the child died of it", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    T_ERR("kill a pid that does not exist", kill(0x3ffffff0, SIGTERM), ESRCH);
    T_ERR("kill INT_MIN", kill((pid_t)0x80000000, SIGTERM), ESRCH);
}

static void test_stop(void)
{
    int st = 0;
    pid_t c = child_pausing(0);
    T_OK("kill SIGSTOP to a child", kill(c, SIGSTOP), 0);
    T_OK("wait4 WUNTRACED reports the stop", SYS(SYS_wait4, c, &st, WUNTRACED, NULL), c);
    T_TRUE("wait4 WUNTRACED WIFSTOPPED, WSTOPSIG 19", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    T_TRUE("a stopped process shows T in /proc/PID/stat", state_of(c) == 'T');
    T_OK("wait4 WUNTRACED|WNOHANG: the stop is reported once", SYS(SYS_wait4, c, &st, WUNTRACED | WNOHANG, NULL), 0);
    T_OK("kill SIGCONT", kill(c, SIGCONT), 0);
    T_OK("wait4 WCONTINUED reports it", SYS(SYS_wait4, c, &st, WCONTINUED, NULL), c);
    T_TRUE("wait4 WCONTINUED: WIFCONTINUED", WIFCONTINUED(st));
    kill(c, SIGKILL);
    SYS(SYS_wait4, c, &st, 0, NULL);
    /* SIGTSTP stops only a process whose group is not orphaned: a child in a group of its own, whose parent is
     * in another group of the same session (as a shell's job); the test's own group is orphaned. */
    c = child_pausing(-1);
    T_OK("kill SIGTSTP (default action: stop)", kill(c, SIGTSTP), 0);
    T_OK("wait4 WUNTRACED after SIGTSTP", SYS(SYS_wait4, c, &st, WUNTRACED, NULL), c);
    T_TRUE("wait4 WSTOPSIG 20", WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP);
    T_OK("kill SIGKILL to a stopped child", kill(c, SIGKILL), 0);
    T_OK("wait4 collects the killed stopped child", SYS(SYS_wait4, c, &st, 0, NULL), c);
    T_TRUE("wait4 it died of SIGKILL", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    T_ERR("wait4 with an unknown option", SYS(SYS_wait4, -1, &st, 0x100, NULL), EINVAL);
    T_ERR("wait4 with no children", SYS(SYS_wait4, -1, &st, 0, NULL), ECHILD);
    T_ERR("wait4 INT_MIN", SYS(SYS_wait4, (pid_t)0x80000000, &st, 0, NULL), ESRCH);
}

static void test_waitid(void)
{
    siginfo_t si;
    pid_t c = child_pausing(0);
    kill(c, SIGSTOP);
    memset(&si, 0x55, sizeof si);
    T_OK("waitid P_PID WSTOPPED|WNOWAIT", SYS(SYS_waitid, P_PID, c, &si, WSTOPPED | WNOWAIT, NULL), 0);
    T_TRUE("waitid SIGCHLD, CLD_STOPPED, the pid, status SIGSTOP",
           si.si_signo == SIGCHLD && si.si_code == CLD_STOPPED && si.si_pid == c && si.si_status == SIGSTOP);
    memset(&si, 0, sizeof si);
    T_OK("waitid WNOWAIT left the stop to report again", SYS(SYS_waitid, P_ALL, 0, &si, WSTOPPED, NULL), 0);
    T_TRUE("waitid P_ALL: the same stop", si.si_pid == c && si.si_code == CLD_STOPPED);
    memset(&si, 0x55, sizeof si);
    T_OK("waitid WSTOPPED|WNOHANG: nothing left", SYS(SYS_waitid, P_PID, c, &si, WSTOPPED | WNOHANG, NULL), 0);
    T_TRUE("waitid WNOHANG: si_pid and si_signo are zero", si.si_pid == 0 && si.si_signo == 0);
    kill(c, SIGCONT);
    T_OK("waitid WCONTINUED", SYS(SYS_waitid, P_PID, c, &si, WCONTINUED, NULL), 0);
    T_TRUE("waitid CLD_CONTINUED, status SIGCONT", si.si_code == CLD_CONTINUED && si.si_status == SIGCONT);
    kill(c, SIGTERM);
    T_OK("waitid WEXITED|WNOWAIT", SYS(SYS_waitid, P_PID, c, &si, WEXITED | WNOWAIT, NULL), 0);
    T_TRUE("waitid CLD_KILLED by SIGTERM", si.si_code == CLD_KILLED && si.si_status == SIGTERM);
    T_OK("waitid WNOWAIT left the zombie", SYS(SYS_waitid, P_PID, c, &si, WEXITED, NULL), 0);
    T_ERR("waitid the zombie is gone", SYS(SYS_waitid, P_PID, c, &si, WEXITED, NULL), ECHILD);

    pid_t g = fork();
    if (g == 0) {
        setpgid(0, 0);
        _exit(7);
    }
    setpgid(g, g);
    T_OK("waitid P_PGID", SYS(SYS_waitid, P_PGID, g, &si, WEXITED, NULL), 0);
    T_TRUE("waitid CLD_EXITED, status 7", si.si_code == CLD_EXITED && si.si_status == 7 && si.si_pid == g);
    T_ERR("waitid without WEXITED/WSTOPPED/WCONTINUED", SYS(SYS_waitid, P_ALL, 0, &si, WNOHANG, NULL), EINVAL);
    T_ERR("waitid with an unknown option", SYS(SYS_waitid, P_ALL, 0, &si, WEXITED | 0x100, NULL), EINVAL);
    T_ERR("waitid with idtype 9", SYS(SYS_waitid, 9, 0, &si, WEXITED, NULL), EINVAL);
    T_ERR("waitid P_PID 0", SYS(SYS_waitid, P_PID, 0, &si, WEXITED, NULL), EINVAL);
    T_ERR("waitid with no children", SYS(SYS_waitid, P_ALL, 0, &si, WEXITED, NULL), ECHILD);
    c = child_pausing(0);
    kill(c, SIGKILL);
    T_ERR("waitid into a kernel address", SYS(SYS_waitid, P_PID, c, KADDR, WEXITED, NULL), EFAULT);
    T_ERR("waitid EFAULT still collected the child", SYS(SYS_waitid, P_PID, c, &si, WEXITED | WNOHANG, NULL),
          ECHILD);
}

int main(void)
{
    tap_scratch("killwait");
    test_kill();
    test_stop();
    test_waitid();
    return tap_done();
}
