/* test/conformance/pipe.c — pipes and readiness: pipe, pipe2, poll, ppoll, select, pselect6. Every wait has a
 * zero (or already satisfied) timeout: the program never blocks. SIGPIPE is ignored so that EPIPE is seen. */
/* covers: pipe pipe2 poll ppoll select pselect6 mknod mknodat */
#include "tap.h"
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <stdint.h>

struct kts { long sec, nsec; };
struct ktv { long sec, usec; };

/* Named FIFOs and the other nodes mknod makes, in a scratch directory. */
static void fifos(void)
{
    tap_scratch("pipe");
    umask(022);
    struct stat st;
    T_OK("mknod S_IFIFO", SYS(SYS_mknod, "f", S_IFIFO | 0666, 0), 0);
    stat("f", &st);
    T_TRUE("mknod S_IFIFO: a FIFO, mode 0666 & ~umask", S_ISFIFO(st.st_mode) && (st.st_mode & 07777) == 0644);
    T_ERR("open a FIFO for writing, non-blocking, with no reader", open("f", O_WRONLY | O_NONBLOCK), ENXIO);
    int r = open("f", O_RDONLY | O_NONBLOCK);
    T_TRUE("open a FIFO for reading, non-blocking, with no writer", r >= 0);
    char buf[16];
    T_OK("read from a FIFO that never had a writer: end of file", read(r, buf, sizeof buf), 0);
    int w = open("f", O_WRONLY | O_NONBLOCK);
    T_TRUE("open it for writing once a reader has it", w >= 0);
    T_OK("write into the FIFO", write(w, "fifo", 4), 4);
    T_OK("read what was written", read(r, buf, sizeof buf), 4);
    int rw = open("f", O_RDWR);
    T_TRUE("open a FIFO read-write never waits", rw >= 0);
    T_OK("a FIFO opened read-write is the same pipe", write(rw, "xy", 2) + read(r, buf, sizeof buf), 4);
    close(r), close(w), close(rw);
    r = open("f", O_RDONLY | O_NONBLOCK);
    T_OK("a FIFO starts empty again once every end was closed", read(r, buf, sizeof buf), 0);
    close(r);
    T_ERR("mknod over an existing name", SYS(SYS_mknod, "f", S_IFIFO | 0600, 0), EEXIST);
    T_OK("mknod with type 0: a regular file", SYS(SYS_mknod, "reg", 0640, 0), 0);
    stat("reg", &st);
    T_TRUE("mknod type 0: regular, empty, mode 0640", S_ISREG(st.st_mode) && st.st_size == 0 &&
           (st.st_mode & 07777) == 0640);
    T_OK("mknod S_IFREG", SYS(SYS_mknod, "reg2", S_IFREG | 0600, 0), 0);
    T_ERR("mknod S_IFDIR", SYS(SYS_mknod, "dir", S_IFDIR | 0700, 0), EPERM);
    T_ERR("mknod an invalid type", SYS(SYS_mknod, "bad", 0170000 | 0600, 0), EINVAL);
    T_ERR("mknod in a missing directory", SYS(SYS_mknod, "nodir/f", S_IFIFO | 0600, 0), ENOENT);
    T_ERR("mknod path at a kernel address", SYS(SYS_mknod, KADDR, S_IFIFO | 0600, 0), EFAULT);
    mkdir("d", 0755);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    T_OK("mknodat relative to a directory fd", SYS(SYS_mknodat, dfd, "g", S_IFIFO | 0600, 0), 0);
    T_TRUE("mknodat: the FIFO is in that directory", stat("d/g", &st) == 0 && S_ISFIFO(st.st_mode));
    T_ERR("mknodat with a closed dirfd", SYS(SYS_mknodat, 999, "g", S_IFIFO | 0600, 0), EBADF);
    T_OK("unlink a FIFO", unlink("f"), 0);
    close(dfd);
    tap_finish_dir();
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    int p[2] = { -1, -1 }, q[2] = { -1, -1 };
    char buf[64];

    /* pipe */
    T_OK("pipe", SYS(SYS_pipe, p), 0);
    T_TRUE("pipe gives two distinct new fds", p[0] >= 3 && p[1] >= 3 && p[0] != p[1]);
    struct stat st;
    fstat(p[0], &st);
    T_TRUE("pipe read end is a FIFO", S_ISFIFO(st.st_mode));
    struct stat st2;
    fstat(p[1], &st2);
    T_TRUE("pipe: both ends are one inode, with one link", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev &&
           st.st_nlink == 1);
    char fdpath[64];
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", p[0]);
    int again = open(fdpath, O_RDONLY);
    T_TRUE("open /proc/self/fd/N of a pipe's read end", again >= 0);
    write(p[1], "via", 3);
    T_OK("the reopened read end reads what the write end wrote", read(again, buf, sizeof buf), 3);
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", p[1]);
    int wagain = open(fdpath, O_WRONLY);
    T_OK("a reopened write end writes into the same pipe", write(wagain, "abc", 3) + read(p[0], buf, sizeof buf), 6);
    close(again);
    close(wagain);
    T_OK("pipe write 5 bytes", write(p[1], "hello", 5), 5);
    T_OK("pipe read them back", read(p[0], buf, sizeof buf), 5);
    T_TRUE("pipe bytes arrive in order", !memcmp(buf, "hello", 5));
    T_OK("pipe flags: the read end is O_RDONLY", fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
    T_OK("pipe flags: the write end is O_WRONLY", fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
    T_OK("pipe fds are not close-on-exec", fcntl(p[0], F_GETFD), 0);
    T_ERR("pipe write to the read end", write(p[0], "x", 1), EBADF);
    T_ERR("pipe read from the write end", read(p[1], buf, 1), EBADF);
    T_ERR("pipe lseek", lseek(p[0], 0, SEEK_SET), ESPIPE);
    T_ERR("pipe into a kernel address", SYS(SYS_pipe, KADDR), EFAULT);
    T_ERR("pipe into an unmapped address", SYS(SYS_pipe, BADUPTR), EFAULT);

    /* pipe2 */
    T_OK("pipe2 O_CLOEXEC|O_NONBLOCK", SYS(SYS_pipe2, q, O_CLOEXEC | O_NONBLOCK), 0);
    T_OK("pipe2 O_CLOEXEC sets FD_CLOEXEC on the read end", fcntl(q[0], F_GETFD), FD_CLOEXEC);
    T_OK("pipe2 O_CLOEXEC sets FD_CLOEXEC on the write end", fcntl(q[1], F_GETFD), FD_CLOEXEC);
    T_TRUE("pipe2 O_NONBLOCK is in the status flags", fcntl(q[0], F_GETFL) & O_NONBLOCK);
    T_ERR("pipe2 O_NONBLOCK: reading an empty pipe", read(q[0], buf, 1), EAGAIN);
    T_ERR("pipe2 unknown flag", SYS(SYS_pipe2, q, O_WRONLY), EINVAL);
    /* O_NOTIFICATION_PIPE is O_EXCL's bit; without CONFIG_WATCH_QUEUE (this host's Linux, and skiff's
     * /proc/config.gz) it is refused as a missing feature */
    int nq[2] = { -1, -1 };
    T_ERR("pipe2 O_NOTIFICATION_PIPE (no CONFIG_WATCH_QUEUE)", SYS(SYS_pipe2, nq, O_EXCL), ENOPKG);
    T_TRUE("pipe2 O_NOTIFICATION_PIPE: no descriptor was made", nq[0] == -1 && nq[1] == -1);
    T_ERR("pipe2 into a kernel address", SYS(SYS_pipe2, KADDR, 0), EFAULT);
    close(q[0]);
    close(q[1]);

    /* poll */
    struct pollfd pf[3] = { { p[0], POLLIN, 0x55 }, { p[1], POLLOUT, 0x55 }, { -1, POLLIN, 0x55 } };
    T_OK("poll an empty pipe and its write end", SYS(SYS_poll, pf, 3, 0), 1);
    T_EQ("poll: the empty read end is not ready", pf[0].revents, 0);
    T_EQ("poll: the write end is writable", pf[1].revents, POLLOUT);
    T_EQ("poll: a negative fd is ignored and revents cleared", pf[2].revents, 0);
    write(p[1], "ab", 2);
    T_OK("poll after a write: the read end is readable", SYS(SYS_poll, pf, 1, 0), 1);
    T_EQ("poll: revents POLLIN", pf[0].revents, POLLIN);
    T_OK("poll with a timeout, already ready", SYS(SYS_poll, pf, 1, 1000), 1);
    T_OK("poll no fds, timeout 0", SYS(SYS_poll, NULL, 0, 0), 0);
    T_OK("poll no fds, timeout 10 ms", SYS(SYS_poll, NULL, 0, 10), 0);
    int cl = dup(0);
    close(cl);
    struct pollfd bad = { cl, POLLIN, 0 };
    T_OK("poll a closed fd counts as ready", SYS(SYS_poll, &bad, 1, 0), 1);
    T_EQ("poll a closed fd: POLLNVAL", bad.revents, POLLNVAL);
    T_ERR("poll fds at a kernel address", SYS(SYS_poll, KADDR, 1, 0), EFAULT);
    T_ERR("poll fds at an unmapped address", SYS(SYS_poll, BADUPTR, 1, 0), EFAULT);
    T_ERR("poll more fds than RLIMIT_NOFILE", SYS(SYS_poll, pf, 0x7fffffff, 0), EINVAL);

    /* ppoll */
    struct kts zero = { 0, 0 }, badts = { 0, 1000000000 }, negts = { -1, 0 };
    T_OK("ppoll ready fd, zero timeout", SYS(SYS_ppoll, pf, 1, &zero, NULL, 8), 1);
    T_EQ("ppoll: revents POLLIN", pf[0].revents, POLLIN);
    read(p[0], buf, sizeof buf);
    T_OK("ppoll drained pipe, zero timeout", SYS(SYS_ppoll, pf, 1, &zero, NULL, 8), 0);
    uint64_t mask = 0;
    T_OK("ppoll with an empty signal mask", SYS(SYS_ppoll, pf, 1, &zero, &mask, 8), 0);
    T_ERR("ppoll tv_nsec 1e9", SYS(SYS_ppoll, pf, 1, &badts, NULL, 8), EINVAL);
    T_ERR("ppoll negative timeout", SYS(SYS_ppoll, pf, 1, &negts, NULL, 8), EINVAL);
    T_ERR("ppoll timeout at a kernel address", SYS(SYS_ppoll, pf, 1, KADDR, NULL, 8), EFAULT);
    T_ERR("ppoll sigsetsize 4", SYS(SYS_ppoll, pf, 1, &zero, &mask, 4), EINVAL);
    T_ERR("ppoll fds at a kernel address", SYS(SYS_ppoll, KADDR, 1, &zero, NULL, 8), EFAULT);

    /* select */
    fd_set r, w;
    struct ktv tv0 = { 0, 0 }, negtv = { 0, -1 };
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    int nfds = (p[0] > p[1] ? p[0] : p[1]) + 1;
    T_OK("select empty pipe: only the write end", SYS(SYS_select, nfds, &r, &w, NULL, &tv0), 1);
    T_TRUE("select: read set cleared, write set kept", !FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
    write(p[1], "c", 1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    T_OK("select readable pipe", SYS(SYS_select, nfds, &r, NULL, NULL, &tv0), 1);
    T_TRUE("select: the read end is in the read set", FD_ISSET(p[0], &r));
    T_OK("select nfds 0, zero timeout", SYS(SYS_select, 0, NULL, NULL, NULL, &tv0), 0);
    T_ERR("select negative nfds", SYS(SYS_select, -1, NULL, NULL, NULL, &tv0), EINVAL);
    T_ERR("select negative tv_usec", SYS(SYS_select, 0, NULL, NULL, NULL, &negtv), EINVAL);
    T_ERR("select timeout at a kernel address", SYS(SYS_select, 0, NULL, NULL, NULL, KADDR), EFAULT);
    FD_ZERO(&r);
    FD_SET(cl, &r);
    T_ERR("select a closed fd", SYS(SYS_select, cl + 1, &r, NULL, NULL, &tv0), EBADF);
    T_ERR("select read set at a kernel address", SYS(SYS_select, nfds, KADDR, NULL, NULL, &tv0), EFAULT);

    /* pselect6 */
    struct kts ts0 = { 0, 0 };
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    T_OK("pselect6 readable pipe", SYS(SYS_pselect6, nfds, &r, NULL, NULL, &ts0, NULL), 1);
    T_TRUE("pselect6: the read end is in the read set", FD_ISSET(p[0], &r));
    read(p[0], buf, sizeof buf);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    T_OK("pselect6 drained pipe", SYS(SYS_pselect6, nfds, &r, NULL, NULL, &ts0, NULL), 0);
    T_ERR("pselect6 tv_nsec 1e9", SYS(SYS_pselect6, 0, NULL, NULL, NULL, &badts, NULL), EINVAL);
    T_ERR("pselect6 negative nfds", SYS(SYS_pselect6, -1, NULL, NULL, NULL, &ts0, NULL), EINVAL);
    T_ERR("pselect6 timeout at a kernel address", SYS(SYS_pselect6, 0, NULL, NULL, NULL, KADDR, NULL), EFAULT);

    /* end of file and broken pipes */
    close(p[1]);
    pf[0].events = POLLIN;
    T_OK("poll the read end of a pipe without writers", SYS(SYS_poll, pf, 1, 0), 1);
    T_EQ("poll: POLLHUP once the writers are gone", pf[0].revents, POLLHUP);
    T_OK("pipe read after the writers are gone: end of file", read(p[0], buf, 1), 0);
    close(p[0]);
    T_OK("pipe again", SYS(SYS_pipe, p), 0);
    close(p[0]);
    T_ERR("pipe write without readers (SIGPIPE ignored)", write(p[1], "x", 1), EPIPE);
    close(p[1]);
    fifos();
    return tap_done();
}
