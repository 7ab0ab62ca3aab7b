/* test/progs/killall.c — kill(-1): every process but the first and the caller, run as skiff's first process
 * (natively it would signal the whole machine: this program is for the guest only). Two children (one in a
 * group of its own) and a grandchild that sends kill(-1, SIGTERM): the other two die of it, the sender and the
 * first process do not. Prints one line per failed check and "N failed"; exits with the number of failures. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int failed, terms;

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("not ok %s\n", what);
        failed++;
    }
}

static void on_term(int sig) { (void)sig; terms++; }

static pid_t pausing(int own_group)
{
    pid_t c = fork();
    if (c == 0) {
        if (own_group)
            setpgid(0, 0);
        for (;;)
            pause();
    }
    return c;
}

int main(void)
{
    /* the children keep SIGTERM's default action from the start: the SIGTERM may come before they run */
    pid_t a = pausing(0), b = pausing(1);
    signal(SIGTERM, on_term);
    pid_t sender = fork();
    if (sender == 0) {
        signal(SIGTERM, SIG_DFL); /* were it signalled itself, it would die and not exit 0 */
        _exit(kill(-1, SIGTERM) == 0 ? 0 : 1);
    }
    int sa = 0, sb = 0, ss = 0;
    waitpid(sender, &ss, 0);
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    check(WIFEXITED(ss) && WEXITSTATUS(ss) == 0, "kill(-1): the sender is not signalled and kill returns 0");
    check(WIFSIGNALED(sa) && WTERMSIG(sa) == SIGTERM, "kill(-1): a child in our group dies of SIGTERM");
    check(WIFSIGNALED(sb) && WTERMSIG(sb) == SIGTERM, "kill(-1): a child in another group dies of SIGTERM");
    check(terms == 0, "kill(-1): the first process is not signalled");
    pid_t c = pausing(0);
    check(kill(c, SIGKILL) == 0, "kill(child, SIGKILL) returns 0");
    int sc = 0;
    check(waitpid(c, &sc, 0) == c && WIFSIGNALED(sc) && WTERMSIG(sc) == SIGKILL,
          "kill(child, SIGKILL): the child dies of signal 9, the caller lives");
    printf("%d failed\n", failed);
    return failed;
}
