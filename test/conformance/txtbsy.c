/* test/conformance/txtbsy.c — ETXTBSY, "text file busy": a program that some process runs cannot be opened
 * for writing (open(2), O_TRUNC too) or truncated (truncate(2)), and a file that is open for writing cannot
 * be run (execve(2)); reading, renaming and unlinking the running program are allowed, and everything works
 * again once the process ended or the writer closed. The program copies itself and runs the copy, which
 * waits on a pipe; orderings come from pipes, never from timing. */
/* covers: open openat creat truncate execve */
#include "tap.h"
#include <sys/wait.h>

static char self[4096];

static int copy_to(const char *path)
{
    int in = open(self, O_RDONLY), out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    char buf[65536];
    long n;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, n) != n)
            break;
    close(in);
    return out;
}

/* Runs path with "wait" and a pipe fd: it waits until the pipe's write end closes. */
static pid_t run_waiting(const char *path, int *go)
{
    int p[2], q[2];
    if (pipe(p) || pipe(q))
        exit(2);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char arg[16];
        snprintf(arg, sizeof arg, "%d", p[0]);
        close(p[1]);
        close(q[0]);
        dup2(q[1], 100); /* close-on-exec: its end closing tells the parent the exec happened */
        close(q[1]);
        fcntl(100, F_SETFD, FD_CLOEXEC);
        execl(path, path, "wait", arg, (char *)NULL);
        char e = (char)errno;
        if (write(100, &e, 1) != 1)
            _exit(3);
        _exit(1);
    }
    close(p[0]);
    close(q[1]);
    char e;
    if (read(q[0], &e, 1) != 0) { /* EOF: the exec closed it */
        printf("Bail out! the copy did not run (errno %d)\n", e);
        exit(2);
    }
    close(q[0]);
    *go = p[1];
    return c;
}

static int status_of(pid_t c)
{
    int st = 0;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_running(void)
{
    close(copy_to("prog"));
    int go;
    pid_t c = run_waiting("./prog", &go);
    T_ERR("open O_WRONLY of a running program", open("prog", O_WRONLY), ETXTBSY);
    T_ERR("open O_RDWR of a running program", open("prog", O_RDWR), ETXTBSY);
    T_ERR("open O_RDONLY|O_TRUNC of a running program", open("prog", O_RDONLY | O_TRUNC), ETXTBSY);
    T_ERR("openat O_WRONLY|O_APPEND of a running program", openat(AT_FDCWD, "prog", O_WRONLY | O_APPEND), ETXTBSY);
    T_ERR("creat of a running program", creat("prog", 0755), ETXTBSY);
    T_ERR("truncate a running program", truncate("prog", 0), ETXTBSY);
    int fd = open("prog", O_RDONLY);
    T_TRUE("open O_RDONLY of a running program", fd >= 0);
    close(fd);
    T_OK("open O_PATH of a running program", close(open("prog", O_PATH)), 0);
    T_OK("rename a running program", rename("prog", "prog2"), 0);
    T_ERR("open O_WRONLY of it under its new name", open("prog2", O_WRONLY), ETXTBSY);
    T_OK("link a running program", link("prog2", "prog3"), 0);
    T_ERR("open O_WRONLY through another link", open("prog3", O_WRONLY), ETXTBSY);
    T_OK("unlink a running program", unlink("prog2"), 0);
    close(go);
    T_EQ("the running copy ends", status_of(c), 0);
    fd = open("prog3", O_WRONLY);
    T_TRUE("open O_WRONLY once it ended", fd >= 0);
    close(fd);
    T_OK("truncate once it ended", truncate("prog3", 10), 0);
}

static void test_writer(void)
{
    int w = copy_to("wprog");
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        execl("./wprog", "wprog", "exit", (char *)NULL);
        _exit(errno);
    }
    T_EQ("execve of a file open for writing -> ETXTBSY", status_of(c), ETXTBSY);
    int r = open("wprog", O_RDONLY);
    close(w);
    c = fork();
    if (c == 0) {
        execl("./wprog", "wprog", "exit", (char *)NULL);
        _exit(errno);
    }
    T_EQ("execve once the writer closed (a reader stays)", status_of(c), 0);
    close(r);
    int w2 = open("wprog", O_WRONLY);
    int d = dup(w2);
    close(w2);
    c = fork();
    if (c == 0) {
        execl("./wprog", "wprog", "exit", (char *)NULL);
        _exit(errno);
    }
    T_EQ("execve while a dup of the writer stays open -> ETXTBSY", status_of(c), ETXTBSY);
    close(d);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        int fd = open("wprog", O_WRONLY); /* a child's writer, closed by its exec */
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        execl("./wprog", "wprog", "exit", (char *)NULL);
        _exit(errno);
    }
    T_EQ("execve with our own writer open -> ETXTBSY (close-on-exec is too late)", status_of(c), ETXTBSY);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "wait")) { /* the copy: wait for EOF on the pipe */
        char b;
        while (read(atoi(argv[2]), &b, 1) > 0)
            ;
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "exit"))
        return 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    long k = readlink("/proc/self/exe", self, sizeof self - 1);
    if (k <= 0) {
        printf("Bail out! no /proc/self/exe\n");
        return 2;
    }
    self[k] = 0;
    tap_scratch("txtbsy");
    test_running();
    test_writer();
    tap_finish_dir();
    return tap_done();
}
