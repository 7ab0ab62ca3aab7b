/* bench/src/tstamp.c — host-side stopwatch for one QEMU run.
 *
 *   tstamp [-m MARKER] [-t SECONDS] -- COMMAND [ARGS...]
 *
 * Starts COMMAND with its stdout on a pipe, copies that output to our stdout, and prints to stderr one line
 *   tstamp first_us=F marker_us=M exit_us=E status=S
 * F: microseconds from just before fork() to the first byte of output; M: to the end of the first MARKER in the
 * output (-1 if never seen); E: to the child's exit (reaped); S: the child's exit status (128+sig if killed,
 * 124 after the -t timeout, which SIGKILLs it). Our own exit status is S. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    const char *marker = NULL;
    double timeout = 0;
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "-m") && i + 1 < argc)
            marker = argv[++i];
        else if (!strcmp(argv[i], "-t") && i + 1 < argc)
            timeout = atof(argv[++i]);
        else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else
            break;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: tstamp [-m MARKER] [-t SECONDS] -- COMMAND [ARGS...]\n");
        return 2;
    }
    int p[2];
    if (pipe(p))
        return perror("pipe"), 2;
    long long t0 = now_us();
    pid_t pid = fork();
    if (pid < 0)
        return perror("fork"), 2;
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execvp(argv[i], argv + i);
        perror(argv[i]);
        _exit(127);
    }
    close(p[1]);
    long long first = -1, mark = -1;
    size_t mlen = marker ? strlen(marker) : 0;
    char tail[256] = "";
    size_t tlen = 0;
    int timed_out = 0;
    char buf[65536];
    for (;;) {
        int wait_ms = -1;
        if (timeout > 0) {
            long long left = t0 + (long long)(timeout * 1e6) - now_us();
            if (left <= 0) {
                kill(pid, SIGKILL);
                timed_out = 1;
                break;
            }
            wait_ms = (int)(left / 1000) + 1;
        }
        struct pollfd pf = { p[0], POLLIN, 0 };
        int r = poll(&pf, 1, wait_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            continue;
        ssize_t n = read(p[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        long long t = now_us();
        if (first < 0)
            first = t - t0;
        if (marker && mark < 0 && mlen < sizeof tail) {
            /* search the carried-over tail plus this chunk */
            for (ssize_t k = 0; k < n && mark < 0; k++) {
                if (tlen == mlen) {
                    memmove(tail, tail + 1, mlen - 1);
                    tlen--;
                }
                tail[tlen++] = buf[k];
                if (tlen == mlen && !memcmp(tail, marker, mlen))
                    mark = t - t0;
            }
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, n - off);
            if (w <= 0)
                break;
            off += w;
        }
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    long long end = now_us() - t0;
    int status = timed_out ? 124 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    fprintf(stderr, "tstamp first_us=%lld marker_us=%lld exit_us=%lld status=%d\n", first, mark, end, status);
    return status;
}
