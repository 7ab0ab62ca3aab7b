/* test/conformance/pipeioctl.c — ioctl(2) on pipes (pipe(7)): FIONREAD gives the bytes a pipe holds, on the
 * read end and on the write end alike, as it fills and drains and after the writer is gone; EFAULT for a bad
 * pointer; any other request (a terminal's TCGETS) is ENOTTY. Java's InputStream.available() on a child
 * process's output asks FIONREAD and treats a failure as an I/O error. */
/* covers: ioctl */
#include "tap.h"
#include <sys/ioctl.h>
#include <termios.h>

static int queued(int fd)
{
    int n = -1;
    return ioctl(fd, FIONREAD, &n) ? -1 : n;
}

int main(void)
{
    int p[2];
    T_OK("pipe", pipe(p), 0);
    T_EQ("FIONREAD on an empty pipe's read end", queued(p[0]), 0);
    T_EQ("FIONREAD on an empty pipe's write end", queued(p[1]), 0);
    T_OK("write 5 bytes", write(p[1], "hello", 5), 5);
    T_EQ("FIONREAD on the read end: 5", queued(p[0]), 5);
    T_EQ("FIONREAD on the write end: 5", queued(p[1]), 5);
    char buf[8];
    T_OK("read 2 of them", read(p[0], buf, 2), 2);
    T_EQ("FIONREAD after the read: 3", queued(p[0]), 3);
    static char big[20000];
    T_OK("write 20000 more", write(p[1], big, sizeof big), 20000);
    T_EQ("FIONREAD: 20003", queued(p[0]), 20003);
    T_OK("close the write end", close(p[1]), 0);
    T_EQ("FIONREAD with no writer left: 20003", queued(p[0]), 20003);
    T_ERR("FIONREAD into a bad pointer", ioctl(p[0], FIONREAD, (int *)8), EFAULT);
    struct termios t;
    T_ERR("TCGETS on a pipe", ioctl(p[0], TCGETS, &t), ENOTTY);
    T_ERR("FIONREAD on a closed fd", ioctl(p[1], FIONREAD, &p[1]), EBADF);
    close(p[0]);
    return tap_done();
}
