/* test/conformance/proczombie.c — a zombie as /proc shows it: until its parent collects it, /proc/PID stays,
 * its stat and status say state Z ("Z (zombie)"), its comm is the name its last thread had, its cmdline reads
 * empty and status has no Vm lines (its memory is gone); once collected, /proc/PID is gone (ENOENT). Test
 * harnesses poll /proc/PID/stat for 'Z', and ps shows <defunct> from these. The child is known to be a zombie
 * by waitid(WNOWAIT), never by timing. */
/* covers: waitid prctl */
#include "tap.h"
#include <sys/prctl.h>
#include <sys/wait.h>

int main(void)
{
    pid_t p = fork();
    if (p == 0) {
        prctl(PR_SET_NAME, "zchild");
        _exit(3);
    }
    siginfo_t si;
    memset(&si, 0, sizeof si);
    T_OK("waitid WEXITED|WNOWAIT: the child has ended and is left a zombie", waitid(P_PID, p, &si, WEXITED | WNOWAIT), 0);
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", p);
    int n = tap_read_file(path, buf, sizeof buf);
    T_TRUE("/proc/PID/stat of a zombie can be read", n > 0);
    char *paren = n > 0 ? strrchr(buf, ')') : NULL;
    T_TRUE("/proc/PID/stat of a zombie: state Z", paren && paren[1] == ' ' && paren[2] == 'Z');
    T_TRUE("/proc/PID/stat of a zombie: its pid and name", n > 0 && atoi(buf) == p && strstr(buf, "(zchild)"));
    snprintf(path, sizeof path, "/proc/%d/status", p);
    n = tap_read_file(path, buf, sizeof buf);
    T_TRUE("/proc/PID/status of a zombie: State: Z (zombie)", n > 0 && strstr(buf, "State:\tZ (zombie)\n"));
    T_TRUE("/proc/PID/status of a zombie: Name: zchild", n > 0 && strstr(buf, "Name:\tzchild\n"));
    T_TRUE("/proc/PID/status of a zombie: no VmSize line (no memory)", n > 0 && !strstr(buf, "VmSize:"));
    snprintf(path, sizeof path, "/proc/%d/comm", p);
    n = tap_read_file(path, buf, sizeof buf);
    T_TRUE("/proc/PID/comm of a zombie: its name", n > 0 && !strcmp(buf, "zchild\n"));
    snprintf(path, sizeof path, "/proc/%d/cmdline", p);
    T_OK("/proc/PID/cmdline of a zombie reads empty", tap_read_file(path, buf, sizeof buf), 0);
    int st = 0;
    T_OK("waitpid collects the zombie", waitpid(p, &st, 0), p);
    T_OK("its status", WEXITSTATUS(st), 3);
    snprintf(path, sizeof path, "/proc/%d/stat", p);
    T_ERR("/proc/PID/stat once collected: ENOENT", open(path, O_RDONLY), ENOENT);
    return tap_done();
}
