/* test/conformance/rlimitcpu.c — RLIMIT_CPU as getrlimit(2) describes it: SIGXCPU when the process's CPU time
 * reaches the soft limit and every second after it (Linux moves the soft limit up a second each time), SIGKILL
 * at the hard limit, and SIGXCPU's default action ends the process; a fork child's own time counts from zero.
 * And prlimit64 on another process: allowed to a caller whose ids match the target's, EPERM to another user
 * without CAP_SYS_RESOURCE, ESRCH for a pid that is gone. */
/* covers: prlimit64 setrlimit */
#include "tap.h"
#include <signal.h>
#include <sys/resource.h>

static int out_fd;

static void on_xcpu(int sig)
{
    (void)sig;
    struct rlimit rl;
    getrlimit(RLIMIT_CPU, &rl);
    char c = (char)rl.rlim_cur;
    (void)!write(out_fd, &c, 1);
}

static void spin(void)
{
    for (volatile unsigned long i = 0;; i++)
        ;
}

/* A child that spins under RLIMIT_CPU {soft, hard}; its end (1000 + signal) and, in seen, what its SIGXCPU
 * handler wrote (the soft limit at each signal; handler: 0 leaves SIGXCPU's default action). */
static int spin_child(rlim_t soft, rlim_t hard, int handler, char *seen, int *nseen)
{
    int p[2];
    if (pipe(p))
        return -1;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        out_fd = p[1];
        if (handler)
            signal(SIGXCPU, on_xcpu);
        struct rlimit rl = { soft, hard };
        if (setrlimit(RLIMIT_CPU, &rl))
            _exit(1);
        spin();
    }
    close(p[1]);
    int st = 0;
    *nseen = 0;
    for (char ch; read(p[0], &ch, 1) == 1 && *nseen < 8;)
        seen[(*nseen)++] = ch;
    close(p[0]);
    waitpid(c, &st, 0);
    return WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : WEXITSTATUS(st);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    char seen[8];
    int n;
    int end = spin_child(1, 2, 1, seen, &n);
    T_COVERS("RLIMIT_CPU");
    T_EQ("setrlimit RLIMIT_CPU soft 1 s, hard 2 s: SIGKILL at the hard limit", end, 1000 + SIGKILL);
    T_EQ("setrlimit RLIMIT_CPU: one SIGXCPU before it", n, 1);
    T_EQ("setrlimit RLIMIT_CPU: the soft limit moved up a second at the SIGXCPU", n ? seen[0] : -1, 2);
    end = spin_child(1, RLIM_INFINITY, 0, seen, &n);
    T_COVERS("RLIMIT_CPU");
    T_EQ("setrlimit RLIMIT_CPU soft 1 s: SIGXCPU's default action ends the process", end, 1000 + SIGXCPU);

    /* prlimit64 on another process */
    int go[2];
    if (pipe(go))
        return 1;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char ch;
        close(go[1]);
        _exit(read(go[0], &ch, 1) == 0 ? 0 : 1);
    }
    close(go[0]);
    struct rlimit nl = { 100, 200 }, ol;
    T_OK("prlimit64 sets another process's RLIMIT_NOFILE", prlimit(c, RLIMIT_NOFILE, &nl, NULL), 0);
    T_OK("prlimit64 reads it back", prlimit(c, RLIMIT_NOFILE, NULL, &ol), 0);
    T_TRUE("prlimit64 another process's limit is what was set", ol.rlim_cur == 100 && ol.rlim_max == 200);
    T_TRUE("prlimit64 ours did not change", getrlimit(RLIMIT_NOFILE, &ol) == 0 && ol.rlim_cur != 100);
    fflush(stdout);
    pid_t other = fork();
    if (other == 0) { /* another user, no capabilities */
        if (setresgid(54322, 54322, 54322) || setresuid(54322, 54322, 54322))
            _exit(2);
        errno = 0;
        int rc = prlimit(c, RLIMIT_NOFILE, NULL, &ol);
        _exit(rc == -1 && errno == EPERM ? 0 : 1);
    }
    int st = 0;
    waitpid(other, &st, 0);
    T_TRUE("prlimit64 another user's process without CAP_SYS_RESOURCE -> EPERM", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(go[1]);
    waitpid(c, NULL, 0);
    T_ERR("prlimit64 a process that is gone", prlimit(c, RLIMIT_NOFILE, NULL, &ol), ESRCH);
    return tap_done();
}
