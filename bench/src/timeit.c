/* bench/src/timeit.c — the SMP rows' stopwatch inside the guest (bench/smp.sh), the same static binary in skiff
 * and in the Linux guest:
 *   timeit [-o FILE] PROGRAM [ARGS...]
 * runs PROGRAM (fork + execv; the environment passed on) with its stdout on FILE when -o is given, waits for it
 * and prints "timeit: run_us=R status=S" on its own stdout: R is the wall time (CLOCK_MONOTONIC) from before
 * the fork to after the wait, so the guest's boot is not in it; then the child's rusage (user and system
 * time, minor faults, voluntary and involuntary switches) to tell where a difference between guests lies.
 * Exits with PROGRAM's status. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "-o")) {
        out = argv[i + 1];
        i += 2;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: timeit [-o FILE] PROGRAM [ARGS...]\n");
        return 2;
    }
    fflush(stdout);
    long long t0 = now_us();
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        if (out) {
            int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0 || dup2(fd, 1) < 0)
                _exit(126);
            close(fd);
        }
        execv(argv[i], argv + i);
        perror(argv[i]);
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) < 0)
        return 1;
    long long t1 = now_us();
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    printf("timeit: run_us=%lld status=%d utime_us=%lld stime_us=%lld minflt=%ld nvcsw=%ld nivcsw=%ld\n", t1 - t0,
           code, ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec,
           ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec, ru.ru_minflt, ru.ru_nvcsw, ru.ru_nivcsw);
    return code;
}
