/* test/progs/pgrp.c — process groups across processes, as a shell with job control uses them: a parent puts
 * its child in a group of its own (setpgid(child, child)), the child sees it, a group of another session is
 * refused. Prints one line per failed check and "N failed"; exits with the number of failures. */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int failed;

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("not ok %s\n", what);
        failed++;
    }
}

int main(void)
{
    int go[2];
    pipe(go);
    pid_t child = fork();
    if (child == 0) {
        char c;
        read(go[0], &c, 1); /* wait until the parent has moved us */
        int ok = getpgid(0) == getpid() && getpgrp() == getpid();
        /* a group leader cannot start a session... */
        int no_setsid = setsid() == -1 && errno == EPERM;
        _exit(ok && no_setsid ? 0 : 1);
    }
    check(setpgid(child, child) == 0, "setpgid(child, child): the parent moves its child into a new group");
    check(getpgid(child) == child, "getpgid(child) reads the child's new group");
    check(setpgid(child, 0x3fffffff) == -1 && errno == EPERM, "setpgid into a group that does not exist: EPERM");
    check(setpgid(0x3fffffff, 0) == -1 && errno == ESRCH, "setpgid of a process that is not our child: ESRCH");
    write(go[1], "g", 1);
    int st = 0;
    waitpid(child, &st, 0);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child sees its own group and cannot start a session");
    pid_t c2 = fork();
    if (c2 == 0)
        _exit(setsid() == getpid() && getsid(0) == getpid() ? 0 : 1); /* not a leader: a new session */
    waitpid(c2, &st, 0);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child that leads no group starts its own session");
    printf("%d failed\n", failed);
    return failed;
}
