/* test/progs/p9sig.c DIR [N]: 3 processes stat files in DIR (a 9P volume: one session, one request at a time)
 * N times each while a 1 ms interval timer sends each of them SIGALRM, so that a task often asks for the
 * session with a signal pending while another task's request is in flight. The kernel once spun, halted with
 * interrupts on but never scheduling, waiting for an owner that could not run: the VM hung (nginx and
 * PostgreSQL on a live root stopped answering). Prints "p9sig: N stats x 3, SIGALRM handled" and exits 0. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

static int child(const char *dir, int k, int n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/f%d", dir, k);
    struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    struct stat st;
    for (int i = 0; i < n; i++) {
        if (stat(path, &st) && errno != ENOENT && errno != EINTR) {
            perror("stat");
            return 1;
        }
    }
    return alarms > 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    int n = argc > 2 ? atoi(argv[2]) : 1000;
    for (int k = 0; k < 3; k++) {
        pid_t p = fork();
        if (p < 0) {
            perror("fork");
            return 1;
        }
        if (p == 0)
            _exit(child(argv[1], k, n));
    }
    int bad = 0, st;
    while (wait(&st) > 0)
        bad |= !WIFEXITED(st) || WEXITSTATUS(st);
    if (bad)
        return 1;
    printf("p9sig: %d stats x 3, SIGALRM handled\n", n);
    return 0;
}
