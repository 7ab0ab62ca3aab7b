/* test/conformance/proctitle.c — /proc/PID/cmdline and /proc/PID/environ as Linux gives them: read from the
 * process's own memory (argv's and envp's strings on its initial stack), so that a program that rewrites its
 * arguments in place shows the new text, and one that writes over the final NUL (setproctitle, as nginx,
 * PostgreSQL and sshd retitle their processes) shows its title running on into the environment area. Expected values come from the test's own argv and environ, never from the host. */
/* covers: read */
#include "tap.h"
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

extern char **environ;
#define MIN(a, b) ((a) < (b) ? (a) : (b))

static long slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long n = 0, r;
    while ((size_t)n < size && (r = read(fd, buf + n, size - n)) > 0)
        n += r;
    close(fd);
    return n;
}

int main(int argc, char **argv)
{
    static char got[65536], want[65536];
    (void)argc;
    /* the argument area: argv's strings, one run */
    char *start = argv[0], *end = argv[0];
    for (int i = 0; argv[i]; i++)
        end = argv[i] + strlen(argv[i]) + 1;
    long alen = end - start;
    long n = slurp("/proc/self/cmdline", got, sizeof got);
    T_EQ("read /proc/self/cmdline: the length of argv's strings", n, alen);
    T_TRUE("read /proc/self/cmdline: argv's strings, NUL-separated", n == alen && !memcmp(got, start, alen));

    /* environ: envp's strings, from where argv's end */
    long elen = 0;
    int contiguous = 1;
    for (int i = 0; environ[i]; i++) {
        if (environ[i] != end + elen)
            contiguous = 0;
        memcpy(want + elen, environ[i], strlen(environ[i]) + 1);
        elen += strlen(environ[i]) + 1;
    }
    T_TRUE("read: envp's strings follow argv's on the initial stack", contiguous);
    n = slurp("/proc/self/environ", got, sizeof got);
    T_EQ("read /proc/self/environ: the length of envp's strings", n, elen);
    T_TRUE("read /proc/self/environ: envp's strings", n == elen && !memcmp(got, want, elen));
    struct stat st;
    T_OK("stat /proc/self/environ", stat("/proc/self/environ", &st), 0);
    T_EQ("stat /proc/self/environ: its owner's alone (0400)", st.st_mode & 07777, 0400);

    /* a child sees the same; its own rewrite shows in its cmdline only */
    int ready[2], go[2];
    if (pipe(ready) || pipe(go))
        return 2;
    pid_t c = fork();
    if (c == 0) {
        start[0] = 'Z'; /* in place, the NUL kept */
        char ch;
        close(go[1]);
        if (write(ready[1], "r", 1) != 1 || read(go[0], &ch, 1) < 0) /* until the parent closes go */
            _exit(1);
        _exit(0);
    }
    close(go[0]);
    char ch;
    if (read(ready[0], &ch, 1) != 1)
        return 2;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)c);
    n = slurp(path, got, sizeof got);
    T_TRUE("read /proc/PID/cmdline: a child's rewrite of argv[0] in place shows", n == alen && got[0] == 'Z' &&
           !memcmp(got + 1, start + 1, alen - 1));
    T_TRUE("read /proc/self/cmdline: the parent's own argv is unchanged", slurp("/proc/self/cmdline", got,
           sizeof got) == alen && got[0] == start[0]);
    close(go[1]);
    waitpid(c, NULL, 0);

    /* setproctitle: the whole area overwritten, its final NUL too */
    const char *title = "proctitle: worker process";
    memset(start, ' ', alen);
    memcpy(start, title, MIN((long)strlen(title), alen));
    long expect = environ[0] ? alen + (long)strlen(environ[0]) + 1 : alen;
    if (expect > 4096)
        expect = 4096; /* Linux reads a retitled cmdline a page at a time */
    n = slurp("/proc/self/cmdline", got, sizeof got);
    T_EQ("read /proc/self/cmdline after setproctitle: up to the first NUL, into the environment", n, expect);
    T_TRUE("read /proc/self/cmdline after setproctitle: the new title first",
           n > 0 && !memcmp(got, title, MIN((long)strlen(title), alen)));
    return tap_done();
}
