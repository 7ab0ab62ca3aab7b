/* test/progs/oomfill.c — fills memory page by page in a child while opening /proc files, until the kernel runs
 * out (run it only in a small guest: `--mem 64M`). Linux's answer, which skiff must give: opens that cannot
 * get memory fail with ENOMEM (never a kernel panic), and when touched memory runs out the OOM killer sends
 * SIGKILL to the process with the most memory — the child, not this small parent — and logs one line.
 * Prints what happened; exits 0 when the child died of SIGKILL and /proc can be read again afterwards.
 * `oomfill adj`: the filler sets its oom_score_adj to -500 and a small sleeping child to 1000: the sleeper must
 * die first (oom_score_adj weighs in, as Linux's badness), then the filler. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static int read_proc(const char *path)
{
    static char buf[8192];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    return n > 0 ? 0 : -EIO;
}

static void fill(void)
{
    long chunks = 0, enomem = 0;
    for (;;) {
        char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            printf("child: mmap failed after %ld chunks: %s\n", chunks, strerror(errno));
            _exit(3);
        }
        for (long i = 0; i < CHUNK; i += 4096) {
            p[i] = 1;
            /* /proc files' text is made at open: their buffers compete for the last free pages */
            int rc = read_proc((i / 4096) % 2 ? "/proc/meminfo" : "/proc/self/status");
            if (rc == -ENOMEM && enomem++ == 0) {
                printf("child: an open of /proc failed with ENOMEM after %ld chunks\n", chunks);
                fflush(stdout);
            } else if (rc && rc != -ENOMEM) {
                printf("child: reading /proc failed: %s\n", strerror(-rc));
                _exit(4);
            }
        }
        chunks++;
    }
}

static void set_adj(const char *v)
{
    int fd = open("/proc/self/oom_score_adj", O_WRONLY);
    if (fd < 0 || write(fd, v, strlen(v)) != (ssize_t)strlen(v))
        _exit(5);
    close(fd);
}

static int adj_order(void)
{
    int ready[2];
    if (pipe(ready))
        return 2;
    pid_t b = fork();
    if (b == 0) {
        set_adj("1000");
        if (write(ready[1], "x", 1) != 1)
            _exit(6);
        for (;;)
            pause();
    }
    char c;
    if (read(ready[0], &c, 1) != 1)
        return 2;
    pid_t a = fork();
    if (a == 0) {
        set_adj("-500");
        fill();
    }
    int sb = 0, sa = 0; /* which went first the kernel log says (test/guest t_oom_adj) */
    waitpid(b, &sb, 0);
    waitpid(a, &sa, 0);
    printf("parent: the oom_score_adj 1000 child %s by signal %d\n", WIFSIGNALED(sb) ? "was killed" : "ended",
           WIFSIGNALED(sb) ? WTERMSIG(sb) : 0);
    printf("parent: the filler %s by signal %d\n", WIFSIGNALED(sa) ? "was killed" : "ended",
           WIFSIGNALED(sa) ? WTERMSIG(sa) : 0);
    return WIFSIGNALED(sb) && WTERMSIG(sb) == SIGKILL && WIFSIGNALED(sa) ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "adj"))
        return adj_order();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        fill();
    int st = 0;
    if (waitpid(pid, &st, 0) != pid) {
        perror("waitpid");
        return 2;
    }
    if (WIFSIGNALED(st))
        printf("parent: the child was killed by signal %d\n", WTERMSIG(st));
    else
        printf("parent: the child exited with %d\n", WEXITSTATUS(st));
    int rc = read_proc("/proc/meminfo");
    printf("parent: /proc/meminfo afterwards: %s\n", rc ? strerror(-rc) : "readable");
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && rc == 0 ? 0 : 1;
}
