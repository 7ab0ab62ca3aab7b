/* test/conformance/seekkind.c — which descriptors take an offset (pread, pwrite, lseek), as Linux decides per
 * kind of file rather than per call: the memory devices (/dev/null, zero, full, urandom) read and write at any
 * offset; eventfd, timerfd, signalfd, epoll and inotify descriptors succeed at lseek without moving (Linux's
 * noop_llseek) but refuse pread with ESPIPE; a pidfd refuses lseek (ESPIPE) and gets as far as the read check
 * with pread (EINVAL); pipes refuse both. pread/pwrite check the offset first, then the descriptor, then ESPIPE,
 * then the access mode (a pipe's write end gives ESPIPE to pread, not EBADF). */
/* covers: pread64 pwrite64 lseek */
#include "tap.h"
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/signalfd.h>
#include <sys/epoll.h>
#include <sys/inotify.h>

static void devices(void)
{
    static const char *const devs[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/urandom" };
    char buf[8], name[64];
    for (int i = 0; i < 4; i++) {
        int fd = open(devs[i], O_RDWR);
        long r = pread(fd, buf, 4, 100);
        snprintf(name, sizeof(name), "pread at an offset of %s", devs[i]);
        T_OK(name, r, i == 0 ? 0 : 4);
        snprintf(name, sizeof(name), "pwrite at an offset of %s", devs[i]);
        if (i == 2)
            T_ERR(name, pwrite(fd, buf, 4, 100), ENOSPC);
        else
            T_OK(name, pwrite(fd, buf, 4, 100), 4);
        snprintf(name, sizeof(name), "lseek on %s", devs[i]);
        T_OK(name, lseek(fd, 10, SEEK_SET), 0);
        close(fd);
    }
}

static void anon_files(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    int fds[] = { eventfd(0, EFD_NONBLOCK), timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), signalfd(-1, &set, 0),
                  epoll_create1(0), inotify_init1(IN_NONBLOCK) };
    static const char *const names[] = { "eventfd", "timerfd", "signalfd", "epoll", "inotify" };
    char buf[16], name[80];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), "lseek on an %s descriptor succeeds and stays at 0", names[i]);
        T_OK(name, lseek(fds[i], 5, SEEK_SET), 0);
        snprintf(name, sizeof(name), "lseek SEEK_CUR on an %s descriptor", names[i]);
        T_OK(name, lseek(fds[i], 5, SEEK_CUR), 0);
        snprintf(name, sizeof(name), "pread on an %s descriptor -> ESPIPE", names[i]);
        T_ERR(name, pread(fds[i], buf, sizeof(buf), 0), ESPIPE);
        close(fds[i]);
    }
    int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    T_ERR("pread on a pidfd -> EINVAL (it has no read)", pread(pfd, buf, 8, 0), EINVAL);
    T_ERR("lseek on a pidfd -> ESPIPE", lseek(pfd, 0, SEEK_SET), ESPIPE);
    close(pfd);
}

static void order(void)
{
    char buf[8];
    int p[2];
    pipe(p);
    T_ERR("pread on a pipe's write end -> ESPIPE before the access mode", pread(p[1], buf, 1, 0), ESPIPE);
    T_ERR("pwrite on a pipe's read end -> ESPIPE", pwrite(p[0], buf, 1, 0), ESPIPE);
    T_ERR("pread at a negative offset on a pipe -> EINVAL first", pread(p[0], buf, 1, -1), EINVAL);
    T_ERR("pread at a negative offset on a closed fd -> EINVAL first", pread(999, buf, 1, -1), EINVAL);
    T_ERR("pread on a closed fd -> EBADF", pread(999, buf, 1, 0), EBADF);
    int fd = open("/dev/null", O_WRONLY);
    T_ERR("pread on a write-only /dev/null -> EBADF", pread(fd, buf, 1, 0), EBADF);
    T_ERR("pread from /dev/zero into a kernel address -> EFAULT", pread(open("/dev/zero", O_RDONLY), KADDR, 1, 0),
          EFAULT);
    close(fd);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    devices();
    anon_files();
    order();
    return tap_done();
}
