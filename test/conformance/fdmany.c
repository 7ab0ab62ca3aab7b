/* test/conformance/fdmany.c — many file descriptors (getrlimit(2), dup(2), poll(2), select(2), close_range(2)):
 * root raises RLIMIT_NOFILE to 12,000 and gets that many fds (skiff's table once stopped at 1,024 whatever the
 * limit said: a server holding 10,000 sockets could not); the lowest free number is reused; dup2 and F_DUPFD at and
 * past the limit give EBADF and EINVAL; EMFILE when full; poll takes more entries than 1,024 but not more than the
 * limit; select's nfds past the table is cut down, not refused; a child inherits the high fds; close_range
 * empties the table. The hard limit may not pass fs.nr_open (EPERM). */
/* covers: prlimit64 dup dup2 fcntl poll select close_range */
#include "tap.h"
#include <poll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/wait.h>

#define LIMIT 12000

int main(void)
{
    struct rlimit rl = { LIMIT, LIMIT };
    T_OK("setrlimit NOFILE 12000 (root may raise the hard limit)", setrlimit(RLIMIT_NOFILE, &rl), 0);
    struct rlimit big = { 1048577, 1048577 };
    T_ERR("a hard limit past fs.nr_open (1048576): EPERM", setrlimit(RLIMIT_NOFILE, &big), EPERM);
    syscall(SYS_close_range, 3, ~0u, 0); /* whatever the caller left open: the numbers below start at 3 */
    int p[2];
    T_OK("pipe", pipe(p), 0);
    T_EQ("its read end is fd 3", p[0], 3);
    T_OK("F_DUPFD from 500 in a small table: 500", fcntl(p[0], F_DUPFD, 500), 500);
    T_OK("F_DUPFD from 200: 200", fcntl(p[0], F_DUPFD, 200), 200);
    T_OK("dup2 to 3000", dup2(p[0], 3000), 3000);
    T_OK("close 200", close(200), 0);
    T_OK("close 500", close(500), 0);
    T_OK("close 3000", close(3000), 0);
    T_OK("a few bytes in it", write(p[1], "x", 1), 1);
    int last = -1, fails = 0;
    for (int i = p[1] + 1; i < LIMIT; i++) {
        int fd = dup(p[0]);
        if (fd != i)
            fails++;
        last = fd;
    }
    T_EQ("dup up to the limit: every fd the next number", fails, 0);
    T_EQ("the last one is 11999", last, LIMIT - 1);
    T_ERR("one more dup: EMFILE", dup(p[0]), EMFILE);
    T_OK("close 5000", close(5000), 0);
    T_OK("close 7000", close(7000), 0);
    T_OK("dup takes the lowest free number, 5000", dup(p[0]), 5000);
    T_OK("and then 7000", dup(p[0]), 7000);
    T_ERR("dup2 to 12000 (the limit): EBADF", dup2(p[0], LIMIT), EBADF);
    T_ERR("F_DUPFD from 12000: EINVAL", fcntl(p[0], F_DUPFD, LIMIT), EINVAL);
    T_OK("close 11990", close(11990), 0);
    T_OK("F_DUPFD from 11900 finds 11990", fcntl(p[0], F_DUPFD, 11900), 11990);
    T_OK("FD_CLOEXEC on fd 11999", fcntl(LIMIT - 1, F_SETFD, FD_CLOEXEC), 0);
    T_OK("F_GETFD on fd 11999", fcntl(LIMIT - 1, F_GETFD), FD_CLOEXEC);

    static struct pollfd pf[LIMIT + 1];
    for (int i = 0; i < 3000; i++)
        pf[i] = (struct pollfd){ .fd = 9000 + i % 3000, .events = POLLIN };
    T_OK("poll of 3000 entries (fds 9000-11999): all readable", poll(pf, 3000, 0), 3000);
    T_ERR("poll of 12001 entries (past the limit): EINVAL", poll(pf, LIMIT + 1, 0), EINVAL);
    static unsigned long bits[4096 / 64]; /* a set bigger than fd_set's 1,024 bits */
    bits[3000 / 64] |= 1ul << (3000 % 64);
    struct timeval tv = { 0, 0 };
    T_OK("select with nfds 3001 sees fd 3000 readable", select(3001, (fd_set *)bits, NULL, NULL, &tv), 1);
    struct timeval tv0 = { 0, 0 };
    T_OK("select with nfds 1000000 and no sets: cut down, 0", select(1000000, NULL, NULL, NULL, &tv0), 0);

    pid_t c = fork();
    if (c == 0) {
        char b;
        _exit(read(11998, &b, 0) == 0 && fcntl(LIMIT - 1, F_GETFD) == FD_CLOEXEC ? 0 : 1);
    }
    int st = -1;
    waitpid(c, &st, 0);
    T_TRUE("a child inherits fds 11998 and 11999 (close-on-exec kept)", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    T_OK("close_range(3, ~0)", syscall(SYS_close_range, 3, ~0u, 0), 0);
    T_ERR("fd 11999 is closed", fcntl(LIMIT - 1, F_GETFD), EBADF);
    T_OK("the next pipe is fds 3 and 4", pipe(p), 0);
    T_EQ("read end 3", p[0], 3);
    return tap_done();
}
