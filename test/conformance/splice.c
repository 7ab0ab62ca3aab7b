/* test/conformance/splice.c — splice(2), tee(2) and vmsplice(2): file to pipe and pipe to file (with and
 * without offsets, the file position moving only without), pipe to pipe, sockets on the other side, tee leaving
 * the source as it was, vmsplice both ways; and the errors in Linux's order (a zero length before anything,
 * EINVAL for flags and for neither side a pipe or the same pipe twice, EBADF, ESPIPE for a pipe's offset,
 * EAGAIN with SPLICE_F_NONBLOCK, 0 at a pipe's end). */
/* covers: splice tee vmsplice */
#include "tap.h"
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

static int in_pipe(int fd)
{
    int n = -1;
    return ioctl(fd, FIONREAD, &n) == 0 ? n : -1;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    char path[] = "/tmp/splice.XXXXXX", buf[64];
    int fd = mkstemp(path), p[2], q[2], s[2];
    if (fd < 0 || write(fd, "hello world", 11) != 11 || pipe(p) || pipe(q) || socketpair(AF_UNIX, SOCK_STREAM, 0, s))
        return 1;
    lseek(fd, 0, SEEK_SET);
    T_OK("splice a file into a pipe", splice(fd, NULL, p[1], NULL, 5, 0), 5);
    T_EQ("splice the file position moved", lseek(fd, 0, SEEK_CUR), 5);
    loff_t off = 6;
    T_OK("splice a file at an offset into a pipe", splice(fd, &off, p[1], NULL, 100, 0), 5);
    T_TRUE("splice the offset moved, the position did not", off == 11 && lseek(fd, 0, SEEK_CUR) == 5);
    memset(buf, 0, sizeof buf);
    T_OK("splice the pipe holds both", read(p[0], buf, sizeof buf), 10);
    T_TRUE("splice in order", !strcmp(buf, "helloworld"));
    T_OK("splice at the end of the file", splice(fd, &off, p[1], NULL, 100, 0), 0);

    (void)!write(p[1], "abc", 3);
    off = 2;
    T_OK("splice a pipe into a file at an offset", splice(p[0], NULL, fd, &off, 100, 0), 3);
    memset(buf, 0, sizeof buf);
    T_TRUE("splice the file has it there", pread(fd, buf, 11, 0) == 11 && !strcmp(buf, "heabc world") && off == 5);
    (void)!write(p[1], "xyz", 3);
    T_OK("splice a pipe into a pipe, less than it holds", splice(p[0], NULL, q[1], NULL, 2, 0), 2);
    T_TRUE("splice what is left stays", in_pipe(p[0]) == 1 && in_pipe(q[0]) == 2);
    T_OK("tee a pipe into another", tee(p[0], q[1], 10, 0), 1);
    T_TRUE("tee the source keeps its bytes", in_pipe(p[0]) == 1 && in_pipe(q[0]) == 3);
    memset(buf, 0, sizeof buf);
    T_TRUE("tee the copy follows", read(q[0], buf, sizeof buf) == 3 && !strcmp(buf, "xyz"));
    (void)!read(p[0], buf, 1);

    (void)!send(s[0], "sock", 4, 0);
    T_OK("splice a socket into a pipe", splice(s[1], NULL, p[1], NULL, 100, 0), 4);
    T_OK("splice a pipe into a socket", splice(p[0], NULL, s[1], NULL, 100, 0), 4);
    memset(buf, 0, sizeof buf);
    T_TRUE("splice the bytes came round", recv(s[0], buf, sizeof buf, 0) == 4 && !strcmp(buf, "sock"));

    struct iovec iov[2] = { { "vm", 2 }, { "splice", 6 } };
    T_OK("vmsplice memory into a pipe", vmsplice(p[1], iov, 2, 0), 8);
    char out1[3] = { 0 }, out2[7] = { 0 };
    struct iovec rv[2] = { { out1, 2 }, { out2, 6 } };
    T_OK("vmsplice a pipe into memory", vmsplice(p[0], rv, 2, 0), 8);
    T_TRUE("vmsplice the bytes came through", !strcmp(out1, "vm") && !strcmp(out2, "splice"));
    T_ERR("vmsplice an empty pipe, SPLICE_F_NONBLOCK", vmsplice(p[0], rv, 1, SPLICE_F_NONBLOCK), EAGAIN);
    T_ERR("vmsplice a file", vmsplice(fd, iov, 1, 0), EBADF);
    T_ERR("vmsplice unknown flags", vmsplice(p[1], iov, 1, 0x100), EINVAL);

    T_OK("splice a length of 0, whatever the descriptors", splice(-1, NULL, -1, NULL, 0, 0), 0);
    T_ERR("splice unknown flags", splice(fd, NULL, p[1], NULL, 1, 0x100), EINVAL);
    T_ERR("splice a bad descriptor", splice(-1, NULL, p[1], NULL, 1, 0), EBADF);
    T_ERR("splice from a write end", splice(p[1], NULL, q[1], NULL, 1, 0), EBADF);
    T_ERR("splice neither side a pipe", splice(fd, NULL, fd, NULL, 1, 0), EINVAL);
    T_ERR("splice a pipe into itself", splice(p[0], NULL, p[1], NULL, 1, 0), EINVAL);
    off = 0;
    T_ERR("splice an offset for a pipe", splice(p[0], &off, fd, NULL, 1, 0), ESPIPE);
    T_ERR("splice an empty pipe, SPLICE_F_NONBLOCK", splice(p[0], NULL, fd, NULL, 1, SPLICE_F_NONBLOCK), EAGAIN);
    off = -1;
    T_ERR("splice a negative offset", splice(fd, &off, p[1], NULL, 1, 0), EINVAL);
    int ap = open(path, O_WRONLY | O_APPEND);
    (void)!write(p[1], "z", 1);
    T_ERR("splice into an O_APPEND file", splice(p[0], NULL, ap, NULL, 1, 0), EINVAL);
    (void)!read(p[0], buf, 1);
    close(ap);
    T_ERR("tee a pipe into itself", tee(p[0], p[1], 1, 0), EINVAL);
    T_ERR("tee from a file", tee(fd, p[1], 1, 0), EINVAL);
    T_ERR("tee an empty pipe, SPLICE_F_NONBLOCK", tee(p[0], q[1], 1, SPLICE_F_NONBLOCK), EAGAIN);
    close(p[1]);
    T_OK("splice an empty pipe with no writer: the end", splice(p[0], NULL, fd, NULL, 1, 0), 0);
    unlink(path);
    return tap_done();
}
