/* test/conformance/opathfd.c — what an O_PATH descriptor is good for (open(2): it "identifies a location in the
 * filesystem tree" and nothing more): calls that use the file itself fail with EBADF — ioctl (FIOCLEX too),
 * mmap, lseek, the f*xattr calls, syncfs, fadvise, epoll_ctl, accept and the other socket calls, poll's
 * POLLNVAL — while fstat, fchdir, dup, F_GETFL and the *at() calls take it. And fchmodat2 (Linux 6.6): fchmodat
 * with its flags, AT_EMPTY_PATH on an O_PATH descriptor, EOPNOTSUPP for a symlink's own mode. */
/* covers: ioctl mmap lseek fgetxattr fsetxattr syncfs fadvise64 epoll_ctl accept getsockopt poll fchmodat2 */
#include "tap.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/xattr.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    char dir[] = "/tmp/opathfd.XXXXXX", file[64], link[64], b[16];
    if (!mkdtemp(dir))
        return 1;
    snprintf(file, sizeof file, "%s/f", dir);
    snprintf(link, sizeof link, "%s/l", dir);
    int w = open(file, O_CREAT | O_WRONLY, 0644);
    if (w < 0 || write(w, "hello", 5) != 5 || symlink("f", link))
        return 1;
    close(w);
    int fd = open(file, O_PATH), d = open(dir, O_PATH | O_DIRECTORY);
    T_ERR("ioctl FIONREAD on an O_PATH descriptor", ioctl(fd, FIONREAD, &w), EBADF);
    T_COVERS("FIOCLEX");
    T_ERR("ioctl FIOCLEX on an O_PATH descriptor", ioctl(fd, FIOCLEX), EBADF);
    T_ERR("mmap an O_PATH descriptor", (long)mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0), EBADF);
    T_ERR("lseek an O_PATH descriptor", lseek(fd, 0, SEEK_SET), EBADF);
    T_ERR("fgetxattr an O_PATH descriptor", fgetxattr(fd, "user.x", b, sizeof b), EBADF);
    T_ERR("fsetxattr an O_PATH descriptor", fsetxattr(fd, "user.x", "1", 1, 0), EBADF);
    T_ERR("syncfs an O_PATH descriptor", syncfs(fd), EBADF);
    T_OK("fadvise64 an O_PATH descriptor: EBADF", posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL), EBADF);
    int ep = epoll_create1(0);
    T_ERR("epoll_ctl an O_PATH descriptor", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &(struct epoll_event){ .events = EPOLLIN }),
          EBADF);
    T_ERR("accept an O_PATH descriptor", accept(d, NULL, NULL), EBADF);
    int v;
    T_ERR("getsockopt an O_PATH descriptor", getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &(socklen_t){ sizeof v }), EBADF);
    struct pollfd pf = { fd, POLLIN, 0 };
    T_OK("poll an O_PATH descriptor", poll(&pf, 1, 0), 1);
    T_COVERS("POLLNVAL");
    T_EQ("poll an O_PATH descriptor is POLLNVAL", pf.revents, POLLNVAL);
    struct stat st;
    T_OK("fstat an O_PATH descriptor", fstat(fd, &st), 0);
    T_EQ("fstat an O_PATH descriptor sees the file", st.st_size, 5);
    T_TRUE("fcntl F_GETFL of an O_PATH descriptor shows O_PATH", (fcntl(fd, F_GETFL) & O_PATH) != 0);

    T_OK("fchmodat2 a file", syscall(SYS_fchmodat2, AT_FDCWD, file, 0600, 0), 0);
    T_TRUE("fchmodat2 changed the mode", stat(file, &st) == 0 && (st.st_mode & 07777) == 0600);
    T_COVERS("AT_EMPTY_PATH");
    T_OK("fchmodat2 an O_PATH descriptor with AT_EMPTY_PATH", syscall(SYS_fchmodat2, fd, "", 0640, AT_EMPTY_PATH), 0);
    T_TRUE("fchmodat2 AT_EMPTY_PATH changed the mode", stat(file, &st) == 0 && (st.st_mode & 07777) == 0640);
    T_COVERS("AT_SYMLINK_NOFOLLOW");
    T_OK("fchmodat2 through a symlink", syscall(SYS_fchmodat2, AT_FDCWD, link, 0644, 0), 0);
    T_TRUE("fchmodat2 through a symlink changed its target", stat(file, &st) == 0 && (st.st_mode & 07777) == 0644);
    T_COVERS("AT_SYMLINK_NOFOLLOW");
    T_ERR("fchmodat2 a symlink's own mode", syscall(SYS_fchmodat2, AT_FDCWD, link, 0600, AT_SYMLINK_NOFOLLOW), EOPNOTSUPP);
    T_ERR("fchmodat2 unknown flags", syscall(SYS_fchmodat2, AT_FDCWD, file, 0600, 0x4), EINVAL);
    T_ERR("fchmodat2 an empty path without AT_EMPTY_PATH", syscall(SYS_fchmodat2, fd, "", 0600, 0), ENOENT);
    T_ERR("fchmodat2 a missing file", syscall(SYS_fchmodat2, AT_FDCWD, "/nonexistent/x", 0600, 0), ENOENT);
    unlink(link);
    unlink(file);
    rmdir(dir);
    return tap_done();
}
