/* test/progs/bomb.c — a thread bomb and a fork bomb, each in a child, against kernel.threads-max (Linux's
 * limit on tasks, which holds for root too): both must end in EAGAIN (not ENOMEM, not a crash), near that
 * limit, and afterwards this first process must still fork, run and reap as usual. Prints what it saw; exits 0
 * when all went as on Linux. Run it in a small guest (`--mem 48M`: a limit of about 380 tasks). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static long limit(void)
{
    FILE *f = fopen("/proc/sys/kernel/threads-max", "r");
    long n = -1;
    if (!f || fscanf(f, "%ld", &n) != 1)
        n = -1;
    if (f)
        fclose(f);
    return n;
}

static void *sleeper(void *arg)
{
    for (;;)
        pause();
    return arg;
}

/* Creates threads until it cannot; exit status 0 when the refusal was EAGAIN. Prints the count. */
static int thread_bomb(void)
{
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 64 * 1024);
    long n = 0;
    int rc;
    pthread_t t;
    while ((rc = pthread_create(&t, &a, sleeper, NULL)) == 0)
        n++;
    printf("thread bomb: %ld threads, then %s\n", n, strerror(rc));
    fflush(stdout);
    return rc == EAGAIN ? 0 : 1;
}

/* Forks sleeping children until it cannot; then kills them all (its own process group). */
static int fork_bomb(void)
{
    setpgid(0, 0);
    long n = 0;
    pid_t p;
    while ((p = fork()) > 0)
        n++;
    if (p == 0)
        for (;;)
            pause();
    int e = errno;
    printf("fork bomb: %ld children, then %s\n", n, strerror(e));
    fflush(stdout);
    signal(SIGTERM, SIG_IGN);
    kill(0, SIGTERM);
    while (wait(NULL) > 0)
        ;
    return e == EAGAIN ? 0 : 1;
}

static int in_child(int (*fn)(void))
{
    pid_t p = fork();
    if (p == 0)
        _exit(fn());
    int st = -1;
    waitpid(p, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(void)
{
    long max = limit();
    printf("threads-max %ld\n", max);
    fflush(stdout);
    int ok = max > 0;
    ok &= in_child(thread_bomb);
    ok &= in_child(fork_bomb);
    pid_t p = fork();
    if (p == 0)
        _exit(42);
    int st = 0;
    int again = p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 42;
    printf("afterwards: fork, exit and wait %s\n", again ? "work" : "FAILED");
    return ok && again ? 0 : 1;
}
