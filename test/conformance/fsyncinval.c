/* test/conformance/fsyncinval.c — fsync(2) and fdatasync(2) on what has nothing to synchronise: Linux answers
 * EINVAL for a pipe, a socket, an eventfd, /dev/null and a /proc file or directory, and 0 for a regular file, a
 * directory and a memfd; EBADF for a closed fd and an O_PATH one. */
/* covers: fsync fdatasync */
#include "tap.h"
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>

static void both(const char *what, int fd, int err)
{
    char name[120];
    snprintf(name, sizeof name, "fsync %s", what);
    if (err)
        T_ERR(name, fsync(fd), err);
    else
        T_OK(name, fsync(fd), 0);
    snprintf(name, sizeof name, "fdatasync %s", what);
    if (err)
        T_ERR(name, fdatasync(fd), err);
    else
        T_OK(name, fdatasync(fd), 0);
}

int main(void)
{
    tap_scratch("fsyncinval");
    int p[2], sv[2];
    if (pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
        return 2;
    both("a pipe", p[1], EINVAL);
    both("a socket", sv[0], EINVAL);
    both("an eventfd", eventfd(0, 0), EINVAL);
    both("/dev/null", open("/dev/null", O_RDWR), EINVAL);
    both("a /proc file", open("/proc/self/status", O_RDONLY), EINVAL);
    both("the /proc directory", open("/proc", O_RDONLY | O_DIRECTORY), EINVAL);
    both("a regular file", open("f", O_RDWR | O_CREAT, 0644), 0);
    both("a directory", open(".", O_RDONLY | O_DIRECTORY), 0);
    both("a memfd", (int)syscall(SYS_memfd_create, "x", 0), 0);
    both("an O_PATH fd", open("f", O_PATH), EBADF);
    both("a closed fd", 999, EBADF);
    unlink("f");
    return tap_done();
}
