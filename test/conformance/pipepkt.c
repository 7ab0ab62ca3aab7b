/* test/conformance/pipepkt.c — pipe "packet mode" (pipe2(2) O_DIRECT, and O_DIRECT set with fcntl F_SETFL):
 * each write is a packet (a write longer than PIPE_BUF is several), each read takes at most one packet and
 * drops what the buffer could not hold, a zero-length write makes none; the write end alone shows O_DIRECT;
 * a pipe holds at most one packet per page of its capacity (F_SETPIPE_SZ: EAGAIN when full, EBUSY below
 * the packets held); data written without O_DIRECT is read as a stream up to the next packet, and a write
 * that fits in the last page of such data joins it (Linux's page buffers merge). */
/* covers: pipe2 fcntl read write */
#include "tap.h"
#include <limits.h>
#include <poll.h>

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#endif

static char buf[3 * PIPE_BUF];

static void test_packets(void)
{
    int p[2];
    T_OK("pipe2 O_DIRECT|O_NONBLOCK", SYS(SYS_pipe2, p, O_DIRECT | O_NONBLOCK), 0);
    T_TRUE("pipe2 O_DIRECT: the write end has O_DIRECT", fcntl(p[1], F_GETFL) & O_DIRECT);
    T_TRUE("pipe2 O_DIRECT: the read end has not", !(fcntl(p[0], F_GETFL) & O_DIRECT));
    T_OK("write a 3-byte packet", write(p[1], "abc", 3), 3);
    T_OK("write a 5-byte packet", write(p[1], "defgh", 5), 5);
    T_OK("read takes one packet", read(p[0], buf, sizeof buf), 3);
    T_TRUE("read the first packet's bytes", !memcmp(buf, "abc", 3));
    T_OK("read takes the next packet", read(p[0], buf, sizeof buf), 5);
    T_ERR("read an empty packet pipe", read(p[0], buf, sizeof buf), EAGAIN);
    T_OK("write a 10-byte packet", write(p[1], "0123456789", 10), 10);
    T_OK("read 4 bytes of it", read(p[0], buf, 4), 4);
    T_ERR("read the rest of the packet was dropped", read(p[0], buf, sizeof buf), EAGAIN);
    T_OK("write of zero bytes", write(p[1], buf, 0), 0);
    T_ERR("read a zero-length write made no packet", read(p[0], buf, sizeof buf), EAGAIN);
    memset(buf, 'x', sizeof buf);
    T_OK("write 2 * PIPE_BUF + 100 bytes", write(p[1], buf, 2 * PIPE_BUF + 100), 2 * PIPE_BUF + 100);
    T_OK("read the first PIPE_BUF packet", read(p[0], buf, sizeof buf), PIPE_BUF);
    T_OK("read the second PIPE_BUF packet", read(p[0], buf, sizeof buf), PIPE_BUF);
    T_OK("read the last 100 bytes", read(p[0], buf, sizeof buf), 100);

    T_OK("fcntl F_SETPIPE_SZ two pages of a packet pipe", fcntl(p[1], F_SETPIPE_SZ, 2 * PAGE), 2 * PAGE);
    T_OK("write packet 1 of 2", write(p[1], "a", 1), 1);
    T_OK("write packet 2 of 2", write(p[1], "b", 1), 1);
    T_ERR("write a third packet into two pages", write(p[1], "c", 1), EAGAIN);
    struct pollfd pf = { p[1], POLLOUT, 0 };
    T_OK("poll a packet pipe full of packets: not writable", poll(&pf, 1, 0), 0);
    T_ERR("fcntl F_SETPIPE_SZ one page with two packets held", fcntl(p[1], F_SETPIPE_SZ, PAGE), EBUSY);
    T_OK("read packet 1", read(p[0], buf, sizeof buf), 1);
    T_OK("write once a packet is read", write(p[1], "c", 1), 1);
    T_OK("read packet 2", read(p[0], buf, sizeof buf), 1);
    T_OK("read packet 3", read(p[0], buf, sizeof buf), 1);
    T_EQ("read packet 3's byte", buf[0], 'c');
    close(p[0]);
    close(p[1]);
}

static void test_setfl(void)
{
    int p[2];
    T_OK("pipe2 O_NONBLOCK", SYS(SYS_pipe2, p, O_NONBLOCK), 0);
    T_OK("write 2 bytes as a stream", write(p[1], "xy", 2), 2);
    T_OK("fcntl F_SETFL O_DIRECT on the write end", fcntl(p[1], F_SETFL, O_DIRECT | O_NONBLOCK), 0);
    T_TRUE("fcntl F_GETFL shows O_DIRECT", fcntl(p[1], F_GETFL) & O_DIRECT);
    T_OK("write a packet after F_SETFL O_DIRECT", write(p[1], "123", 3), 3);
    T_OK("write another packet", write(p[1], "45", 2), 2);
    /* as Linux's page buffers: a write that fits in the stream's last page joins it, packet or not */
    T_OK("read the stream with the packets that joined its page", read(p[0], buf, sizeof buf), 7);
    T_TRUE("read: the stream, then the packets' bytes", !memcmp(buf, "xy12345", 7));
    T_OK("write a packet into the empty pipe", write(p[1], "67", 2), 2);
    T_OK("write a stream after it: a buffer of its own", fcntl(p[1], F_SETFL, O_NONBLOCK) + write(p[1], "ab", 2), 2);
    T_OK("write a packet that joins the stream's page", fcntl(p[1], F_SETFL, O_DIRECT | O_NONBLOCK) +
         write(p[1], "cd", 2), 2);
    T_OK("read the packet alone", read(p[0], buf, sizeof buf), 2);
    T_OK("read the stream and what joined it", read(p[0], buf, sizeof buf), 4);
    T_OK("fcntl F_SETFL without O_DIRECT", fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
    T_OK("write a stream again", write(p[1], "ab", 2), 2);
    T_OK("write more of it", write(p[1], "cd", 2), 2);
    T_OK("read: stream writes run together again", read(p[0], buf, sizeof buf), 4);
    T_OK("fcntl F_SETFL O_DIRECT on the read end", fcntl(p[0], F_SETFL, O_DIRECT | O_NONBLOCK), 0);
    T_OK("write on the write end: still a stream", write(p[1], "ef", 2) + write(p[1], "gh", 2), 4);
    T_OK("read: the reader's O_DIRECT changes nothing", read(p[0], buf, sizeof buf), 4);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_packets();
    test_setfl();
    return tap_done();
}
