/* test/conformance/procmadv.c — process_madvise(2) and process_mrelease(2) on pidfds. process_madvise in
 * Linux's order: flags (EINVAL), the iovec (EINVAL past 1024 entries, EFAULT), the pidfd (EBADF, ESRCH), the
 * target's memory (a zombie has none: ESRCH; EACCES without ptrace access), then for another process only the
 * hints MADV_COLD, MADV_PAGEOUT, MADV_WILLNEED (EINVAL otherwise) and CAP_SYS_NICE (EPERM); the bytes advised
 * come back, a hole stops the walk (ENOMEM when nothing was done). On itself any madvise advice works
 * (MADV_DONTNEED zeroes). process_mrelease: EINVAL for flags and for a process that is not dying, ESRCH once
 * its memory is gone. */
/* covers: process_madvise process_mrelease */
#include "tap.h"
#include <grp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_process_madvise
#define SYS_process_madvise 440
#endif
#ifndef SYS_process_mrelease
#define SYS_process_mrelease 448
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#define NOBODY 65534

static long pmadv(int fd, const struct iovec *iov, size_t n, int advice, unsigned flags)
{
    return syscall(SYS_process_madvise, fd, iov, n, advice, flags);
}

static long mrelease(int fd, unsigned flags) { return syscall(SYS_process_mrelease, fd, flags); }
static int pidfd(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

static char *mem; /* 4 pages, the third unmapped */

/* A child that waits for a byte on its pipe, then exits. */
static pid_t sleeper(int *wfd)
{
    int p[2];
    if (pipe(p))
        exit(2);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char b;
        close(p[1]);
        _exit(read(p[0], &b, 1) < 0);
    }
    close(p[0]);
    *wfd = p[1];
    return c;
}

static void test_args(void)
{
    struct iovec iov = { mem, 4096 }, big[1025];
    int self = pidfd(getpid()), pfd[2];
    for (int i = 0; i < 1025; i++)
        big[i] = iov;
    if (pipe(pfd))
        return;
    T_ERR("process_madvise flags 1", pmadv(self, &iov, 1, MADV_COLD, 1), EINVAL);
    T_ERR("process_madvise flags before a bad fd", pmadv(-1, &iov, 1, MADV_COLD, 1), EINVAL);
    T_ERR("process_madvise 1025 iovecs", pmadv(self, big, 1025, MADV_COLD, 0), EINVAL);
    T_ERR("process_madvise the iovec count before a bad fd", pmadv(-1, big, 1025, MADV_COLD, 0), EINVAL);
    T_ERR("process_madvise an unmapped iovec", pmadv(self, BADUPTR, 1, MADV_COLD, 0), EFAULT);
    T_ERR("process_madvise the iovec before a bad fd", pmadv(-1, BADUPTR, 1, MADV_COLD, 0), EFAULT);
    T_ERR("process_madvise fd -1", pmadv(-1, &iov, 1, MADV_COLD, 0), EBADF);
    T_ERR("process_madvise a pipe, not a pidfd", pmadv(pfd[0], &iov, 1, MADV_COLD, 0), EBADF);
    T_OK("process_madvise no iovecs", pmadv(self, &iov, 0, MADV_COLD, 0), 0);
    T_ERR("process_mrelease flags 1", mrelease(self, 1), EINVAL);
    T_ERR("process_mrelease fd -1", mrelease(-1, 0), EBADF);
    T_ERR("process_mrelease flags before a bad fd", mrelease(-1, 1), EINVAL);
    T_ERR("process_mrelease a pipe, not a pidfd", mrelease(pfd[0], 0), EBADF);
    T_ERR("process_mrelease of itself (not dying)", mrelease(self, 0), EINVAL);
    close(pfd[0]);
    close(pfd[1]);
    close(self);
}

static void test_self(void)
{
    int self = pidfd(getpid());
    struct iovec two[2] = { { mem, 4096 }, { mem + 4096, 4096 } };
    struct iovec hole[2] = { { mem, 8192 }, { mem + 8192, 4096 } };
    T_OK("process_madvise MADV_COLD on itself: the bytes", pmadv(self, two, 1, MADV_COLD, 0), 4096);
    T_OK("process_madvise MADV_PAGEOUT, two iovecs", pmadv(self, two, 2, MADV_PAGEOUT, 0), 8192);
    T_OK("process_madvise MADV_WILLNEED", pmadv(self, two, 2, MADV_WILLNEED, 0), 8192);
    T_OK("process_madvise MADV_NORMAL on itself", pmadv(self, two, 2, MADV_NORMAL, 0), 8192);
    T_OK("process_madvise a hole in the second iovec: the first's bytes", pmadv(self, hole, 2, MADV_COLD, 0), 8192);
    T_ERR("process_madvise a hole in the first iovec", pmadv(self, hole + 1, 1, MADV_COLD, 0), ENOMEM);
    struct iovec odd = { mem + 1, 4096 };
    T_ERR("process_madvise an unaligned start", pmadv(self, &odd, 1, MADV_COLD, 0), EINVAL);
    struct iovec part = { mem, 100 };
    T_OK("process_madvise a length short of a page: its bytes", pmadv(self, &part, 1, MADV_COLD, 0), 100);
    T_ERR("process_madvise an unknown advice", pmadv(self, two, 1, 999, 0), EINVAL);
    mem[0] = 7;
    T_OK("process_madvise MADV_DONTNEED on itself", pmadv(self, two, 1, MADV_DONTNEED, 0), 4096);
    T_EQ("process_madvise MADV_DONTNEED: the page reads zero again", mem[0], 0);
    close(self);
}

static void test_other(void)
{
    int w;
    pid_t c = sleeper(&w);
    int fd = pidfd(c);
    struct iovec iov = { mem, 4096 }; /* the child has the same mapping */
    T_OK("process_madvise MADV_COLD on a child", pmadv(fd, &iov, 1, MADV_COLD, 0), 4096);
    T_OK("process_madvise MADV_PAGEOUT on a child", pmadv(fd, &iov, 1, MADV_PAGEOUT, 0), 4096);
    T_OK("process_madvise MADV_WILLNEED on a child", pmadv(fd, &iov, 1, MADV_WILLNEED, 0), 4096);
    T_ERR("process_madvise MADV_DONTNEED on another process", pmadv(fd, &iov, 1, MADV_DONTNEED, 0), EINVAL);
    T_ERR("process_madvise MADV_NORMAL on another process", pmadv(fd, &iov, 1, MADV_NORMAL, 0), EINVAL);
    T_ERR("process_madvise an unknown advice on another process", pmadv(fd, &iov, 1, 999, 0), EINVAL);
    struct iovec hole = { mem + 8192, 4096 };
    T_ERR("process_madvise a hole in a child's memory", pmadv(fd, &hole, 1, MADV_COLD, 0), ENOMEM);
    T_ERR("process_mrelease of a live child", mrelease(fd, 0), EINVAL);
    close(w);
    waitpid(c, NULL, 0);
    close(fd);
    c = sleeper(&w);
    fd = pidfd(c);
    kill(c, SIGKILL);
    long rc = mrelease(fd, 0);
    T_TRUE("process_mrelease a killed child: reaped (0), or its memory already gone (ESRCH)",
           rc == 0 || (rc == -1 && errno == ESRCH));
    waitpid(c, NULL, 0);
    close(fd);
    close(w);
    c = sleeper(&w);
    fd = pidfd(c);
    close(w);
    siginfo_t si;
    waitid(P_PID, c, &si, WEXITED | WNOWAIT);
    T_ERR("process_madvise a zombie (its memory is gone)", pmadv(fd, &iov, 1, MADV_COLD, 0), ESRCH);
    T_ERR("process_mrelease a zombie", mrelease(fd, 0), ESRCH);
    waitpid(c, NULL, 0);
    T_ERR("process_madvise a reaped child", pmadv(fd, &iov, 1, MADV_COLD, 0), ESRCH);
    T_ERR("process_mrelease a reaped child", mrelease(fd, 0), ESRCH);
    close(fd);
}

static pid_t root_child;
static void as_nobody(void)
{
    if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
        T_TRUE("process_madvise could drop privileges", 0);
        return;
    }
    struct iovec iov = { mem, 4096 };
    int fd = pidfd(root_child), w;
    T_ERR("process_madvise as nobody on root's process", pmadv(fd, &iov, 1, MADV_COLD, 0), EACCES);
    T_ERR("process_madvise as nobody: EACCES before a bad advice", pmadv(fd, &iov, 1, MADV_DONTNEED, 0), EACCES);
    close(fd);
    pid_t c = sleeper(&w); /* the change of ids left it undumpable */
    fd = pidfd(c);
    T_ERR("process_madvise as nobody on its undumpable child", pmadv(fd, &iov, 1, MADV_COLD, 0), EACCES);
    close(w);
    waitpid(c, NULL, 0);
    close(fd);
    prctl(PR_SET_DUMPABLE, 1);
    c = sleeper(&w);
    fd = pidfd(c);
    T_ERR("process_madvise as nobody on its own child: no CAP_SYS_NICE", pmadv(fd, &iov, 1, MADV_COLD, 0), EPERM);
    T_ERR("process_madvise as nobody: a bad advice before the capability", pmadv(fd, &iov, 1, MADV_DONTNEED, 0),
          EINVAL);
    int self = pidfd(getpid());
    T_OK("process_madvise as nobody on itself", pmadv(self, &iov, 1, MADV_COLD, 0), 4096);
    close(self);
    close(w);
    waitpid(c, NULL, 0);
    close(fd);
}

int main(void)
{
    mem = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return 1;
    munmap(mem + 8192, 4096);
    memset(mem, 1, 8192);
    test_args();
    test_self();
    test_other();
    int w;
    root_child = sleeper(&w);
    tap_in_child(as_nobody);
    close(w);
    waitpid(root_child, NULL, 0);
    return tap_done();
}
