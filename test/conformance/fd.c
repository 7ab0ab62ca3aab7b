/* test/conformance/fd.c — dup, dup2, dup3, fcntl, ioctl: fd numbers, shared offsets and flags,
 * close-on-exec, and the error paths. */
/* covers: dup dup2 dup3 fcntl ioctl */
#include "tap.h"
#include <sys/ioctl.h>
#include <termios.h>

int main(void)
{
    tap_scratch("fd");
    put_file("f", "0123456789", 10);
    int fd = open("f", O_RDWR);
    T_EQ("open the first file: fd 3", fd, 3);

    int d = SYS(SYS_dup, fd);
    T_EQ("dup gives the lowest free fd", d, 4);
    lseek(fd, 4, SEEK_SET);
    T_OK("dup shares the offset", SYS(SYS_lseek, d, 0, SEEK_CUR), 4);
    T_OK("dup: the copy is not close-on-exec", SYS(SYS_fcntl, d, F_GETFD), 0);
    close(fd);
    char c = 0;
    T_OK("dup: the copy works after the original is closed", SYS(SYS_read, d, &c, 1), 1);
    T_EQ("dup: read the shared offset's byte", c, '4');
    T_OK("dup fills the freed lowest fd", SYS(SYS_dup, d), 3);
    T_ERR("dup bad fd", SYS(SYS_dup, 999), EBADF);
    T_ERR("dup fd -1", SYS(SYS_dup, -1), EBADF);
    close(3);

    T_OK("dup2 to a chosen fd", SYS(SYS_dup2, d, 10), 10);
    T_OK("dup2: the new fd shares the offset", SYS(SYS_lseek, 10, 0, SEEK_CUR), 5);
    int other = open("f", O_RDONLY);
    T_OK("dup2 over an open fd closes it first", SYS(SYS_dup2, d, other), other);
    T_OK("dup2 over an open fd: now the same file description", SYS(SYS_lseek, other, 0, SEEK_CUR), 5);
    T_OK("dup2 to itself returns the fd", SYS(SYS_dup2, d, d), d);
    T_ERR("dup2 from a bad fd to itself", SYS(SYS_dup2, 999, 999), EBADF);
    T_ERR("dup2 from a bad fd", SYS(SYS_dup2, 999, 11), EBADF);
    T_ERR("dup2 to a negative fd", SYS(SYS_dup2, d, -1), EBADF);
    T_ERR("dup2 to fd 1 << 20", SYS(SYS_dup2, d, 1 << 20), EBADF);
    T_OK("dup2 from a bad fd leaves the target open", (SYS(SYS_dup2, 999, 10), SYS(SYS_fcntl, 10, F_GETFD)), 0);

    T_OK("dup3 O_CLOEXEC", SYS(SYS_dup3, d, 12, O_CLOEXEC), 12);
    T_OK("dup3 O_CLOEXEC: FD_CLOEXEC set", SYS(SYS_fcntl, 12, F_GETFD), FD_CLOEXEC);
    T_OK("dup3 flags 0", SYS(SYS_dup3, d, 13, 0), 13);
    T_OK("dup3 flags 0: FD_CLOEXEC clear", SYS(SYS_fcntl, 13, F_GETFD), 0);
    T_ERR("dup3 to itself", SYS(SYS_dup3, d, d, 0), EINVAL);
    T_ERR("dup3 unknown flag", SYS(SYS_dup3, d, 14, O_NONBLOCK), EINVAL);
    T_ERR("dup3 from a bad fd", SYS(SYS_dup3, 999, 14, 0), EBADF);
    T_ERR("dup3 to a negative fd", SYS(SYS_dup3, d, -1, 0), EBADF);

    /* fcntl */
    T_OK("fcntl F_DUPFD from 20", SYS(SYS_fcntl, d, F_DUPFD, 20), 20);
    T_OK("fcntl F_DUPFD from 20 again gives 21", SYS(SYS_fcntl, d, F_DUPFD, 20), 21);
    T_OK("fcntl F_DUPFD: not close-on-exec", SYS(SYS_fcntl, 21, F_GETFD), 0);
    T_OK("fcntl F_DUPFD_CLOEXEC", SYS(SYS_fcntl, d, F_DUPFD_CLOEXEC, 30), 30);
    T_OK("fcntl F_DUPFD_CLOEXEC: close-on-exec", SYS(SYS_fcntl, 30, F_GETFD), FD_CLOEXEC);
    T_ERR("fcntl F_DUPFD negative minimum", SYS(SYS_fcntl, d, F_DUPFD, (long)-1), EINVAL);
    T_ERR("fcntl F_DUPFD minimum 1 << 20", SYS(SYS_fcntl, d, F_DUPFD, 1 << 20), EINVAL);
    T_OK("fcntl F_SETFD FD_CLOEXEC", SYS(SYS_fcntl, 20, F_SETFD, FD_CLOEXEC), 0);
    T_OK("fcntl F_GETFD after F_SETFD", SYS(SYS_fcntl, 20, F_GETFD), FD_CLOEXEC);
    T_OK("fcntl F_SETFD: other fds unaffected", SYS(SYS_fcntl, 21, F_GETFD), 0);
    T_OK("fcntl F_SETFD 0", SYS(SYS_fcntl, 20, F_SETFD, 0), 0);
    T_OK("fcntl F_GETFD after clearing", SYS(SYS_fcntl, 20, F_GETFD), 0);
    T_OK("fcntl F_GETFL O_RDWR", SYS(SYS_fcntl, d, F_GETFL), O_RDWR | 0100000);
    T_OK("fcntl F_SETFL O_APPEND|O_NONBLOCK", SYS(SYS_fcntl, d, F_SETFL, O_APPEND | O_NONBLOCK), 0);
    T_OK("fcntl F_GETFL after F_SETFL", SYS(SYS_fcntl, d, F_GETFL), O_RDWR | O_APPEND | O_NONBLOCK | 0100000);
    T_OK("fcntl F_GETFL: status flags are shared by dups", SYS(SYS_fcntl, 21, F_GETFL),
         O_RDWR | O_APPEND | O_NONBLOCK | 0100000);
    T_OK("fcntl F_SETFL cannot change the access mode", SYS(SYS_fcntl, d, F_SETFL, O_WRONLY), 0);
    T_OK("fcntl F_GETFL: access mode unchanged", SYS(SYS_fcntl, d, F_GETFL), O_RDWR | 0100000);
    T_ERR("fcntl bad fd", SYS(SYS_fcntl, 999, F_GETFD), EBADF);
    T_ERR("fcntl unknown command", SYS(SYS_fcntl, d, 9999), EINVAL);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    T_OK("fcntl F_SETLK write lock", SYS(SYS_fcntl, d, F_SETLK, &fl), 0);
    fl.l_type = F_UNLCK;
    T_OK("fcntl F_SETLK unlock", SYS(SYS_fcntl, d, F_SETLK, &fl), 0);
    fl.l_type = F_WRLCK;
    T_OK("fcntl F_GETLK without a conflicting lock", SYS(SYS_fcntl, d, F_GETLK, &fl), 0);
    T_EQ("fcntl F_GETLK: l_type F_UNLCK", fl.l_type, F_UNLCK);
    T_ERR("fcntl F_GETLK at a kernel address", SYS(SYS_fcntl, d, F_GETLK, KADDR), EFAULT);
    T_ERR("fcntl F_SETLK at a kernel address", SYS(SYS_fcntl, d, F_SETLK, KADDR), EFAULT);
    fl.l_type = 42;
    T_ERR("fcntl F_SETLK bad l_type", SYS(SYS_fcntl, d, F_SETLK, &fl), EINVAL);
    int ro = open("f", O_RDONLY);
    fl.l_type = F_WRLCK;
    T_ERR("fcntl F_SETLK write lock on an O_RDONLY fd", SYS(SYS_fcntl, ro, F_SETLK, &fl), EBADF);

    /* ioctl */
    T_OK("ioctl FIOCLEX", SYS(SYS_ioctl, ro, FIOCLEX), 0);
    T_OK("ioctl FIOCLEX: FD_CLOEXEC set", SYS(SYS_fcntl, ro, F_GETFD), FD_CLOEXEC);
    T_OK("ioctl FIONCLEX", SYS(SYS_ioctl, ro, FIONCLEX), 0);
    T_OK("ioctl FIONCLEX: FD_CLOEXEC clear", SYS(SYS_fcntl, ro, F_GETFD), 0);
    int on = 1;
    T_OK("ioctl FIONBIO on", SYS(SYS_ioctl, ro, FIONBIO, &on), 0);
    T_OK("ioctl FIONBIO: O_NONBLOCK set", SYS(SYS_fcntl, ro, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    on = 0;
    T_OK("ioctl FIONBIO off", SYS(SYS_ioctl, ro, FIONBIO, &on), 0);
    T_OK("ioctl FIONBIO: O_NONBLOCK clear", SYS(SYS_fcntl, ro, F_GETFL) & O_NONBLOCK, 0);
    T_ERR("ioctl FIONBIO argument at a kernel address", SYS(SYS_ioctl, ro, FIONBIO, KADDR), EFAULT);
    struct termios tio;
    T_ERR("ioctl TCGETS on a regular file", SYS(SYS_ioctl, ro, TCGETS, &tio), ENOTTY);
    T_ERR("ioctl TIOCGWINSZ on a regular file", SYS(SYS_ioctl, ro, TIOCGWINSZ, &tio), ENOTTY);
    T_ERR("ioctl bad fd", SYS(SYS_ioctl, 999, FIOCLEX), EBADF);
    int nul = open("/dev/null", O_RDWR);
    T_ERR("ioctl TCGETS on /dev/null", SYS(SYS_ioctl, nul, TCGETS, &tio), ENOTTY);

    tap_finish_dir();
    return tap_done();
}
