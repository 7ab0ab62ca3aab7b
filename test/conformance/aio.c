/* test/conformance/aio.c — Linux native AIO: io_setup(2), io_destroy(2), io_submit(2), io_cancel(2),
 * io_getevents(2), io_pgetevents. The context is the user address of a ring (struct aio_ring, then io_events)
 * that the kernel keeps: its header, head and tail as the program can read them, completions readable from it
 * directly; IOCB_CMD_PREAD/PWRITE/PREADV/PWRITEV/FSYNC/FDSYNC/POLL; IOCB_FLAG_RESFD with an eventfd;
 * aio_rw_flags; /proc/sys/fs/aio-nr; the errnos (EINVAL, EFAULT, EBADF, EAGAIN, EOPNOTSUPP, EINTR, EINPROGRESS).
 * The ring's size follows the CPU count, so only its lower bound is checked. */
/* covers: io_setup io_destroy io_submit io_cancel io_getevents io_pgetevents */
#include "tap.h"
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>

#ifndef SYS_io_pgetevents
#define SYS_io_pgetevents 333
#endif

typedef unsigned long aio_ctx;
struct iocb_k { /* the ABI's struct iocb (little-endian) */
    uint64_t data;
    uint32_t key, rw_flags;
    uint16_t opcode;
    int16_t reqprio;
    uint32_t fildes;
    uint64_t buf, nbytes;
    int64_t offset;
    uint64_t reserved2;
    uint32_t flags, resfd;
};
struct io_event_k { uint64_t data, obj; int64_t res, res2; };
struct aio_ring_k { unsigned id, nr, head, tail, magic, compat, incompat, header_length; };
struct aio_sigset_k { const sigset_t *mask; size_t size; };

#define CMD_PREAD 0
#define CMD_PWRITE 1
#define CMD_FSYNC 2
#define CMD_FDSYNC 3
#define CMD_POLL 5
#define CMD_PREADV 7
#define CMD_PWRITEV 8
#define FLAG_RESFD 1
#define FLAG_IOPRIO 2
#define RING_MAGIC 0xa10a10a1u

static long setup(unsigned nr, aio_ctx *ctx) { return SYS(SYS_io_setup, nr, ctx); }
static long destroy(aio_ctx ctx) { return SYS(SYS_io_destroy, ctx); }
static long submit(aio_ctx ctx, long nr, struct iocb_k **v) { return SYS(SYS_io_submit, ctx, nr, v); }
static long getev(aio_ctx ctx, long min, long nr, struct io_event_k *ev, struct timespec *ts)
{
    return SYS(SYS_io_getevents, ctx, min, nr, ev, ts);
}
static long submit1(aio_ctx ctx, struct iocb_k *cb) { return submit(ctx, 1, &cb); }
static struct timespec zero_ts;

static struct iocb_k cb_rw(int cmd, int fd, void *buf, size_t n, long off, uint64_t data)
{
    return (struct iocb_k){ .data = data, .opcode = cmd, .fildes = fd, .buf = (uintptr_t)buf, .nbytes = n,
                            .offset = off };
}

static long aio_nr(void)
{
    char b[64];
    return tap_read_file("/proc/sys/fs/aio-nr", b, sizeof b) > 0 ? atol(b) : -1;
}

static void test_setup(void)
{
    aio_ctx ctx = 0;
    long nr0 = aio_nr();
    T_OK("io_setup 4 events", setup(4, &ctx), 0);
    struct aio_ring_k *r = (struct aio_ring_k *)ctx;
    T_TRUE("io_setup gives a context", ctx != 0);
    T_EQ("io_setup /proc/sys/fs/aio-nr grows by nr_events", aio_nr() - nr0, 4);
    T_EQ("io_setup the ring's magic", r->magic, RING_MAGIC);
    T_EQ("io_setup the ring's header_length", r->header_length, sizeof(struct aio_ring_k));
    T_EQ("io_setup the ring's compat_features", r->compat, 1);
    T_EQ("io_setup the ring's incompat_features", r->incompat, 0);
    T_TRUE("io_setup the ring holds at least nr_events", r->nr >= 4);
    T_TRUE("io_setup the ring is empty", r->head == 0 && r->tail == 0);
    char maps[16384], line[40];
    snprintf(line, sizeof line, "\n%lx-", ctx);
    int mfd = open("/proc/self/maps", O_RDONLY);
    long got = 1, k; /* maps[0] is a newline: the ring may be the first line */
    maps[0] = '\n';
    while (mfd >= 0 && got < (long)sizeof maps - 1 && (k = read(mfd, maps + got, sizeof maps - 1 - got)) > 0)
        got += k; /* Linux gives a page a read */
    maps[got] = 0;
    close(mfd);
    char *m = strstr(maps, line);
    T_TRUE("io_setup the ring is mapped read-write in /proc/self/maps", m && strstr(m, " rw-"));
    aio_ctx c2 = ctx;
    T_ERR("io_setup a context not zeroed", setup(4, &c2), EINVAL);
    aio_ctx c3 = 0;
    T_ERR("io_setup 0 events", setup(0, &c3), EINVAL);
    T_ERR("io_setup more than aio-max-nr", setup(65537, &c3), EAGAIN);
    T_ERR("io_setup 0x7fffffff events", setup(0x7fffffff, &c3), EINVAL);
    T_ERR("io_setup a bad pointer", setup(4, BADUPTR), EFAULT);
    T_ERR("io_setup a kernel pointer", setup(4, KADDR), EFAULT);
    long room = 65536 - aio_nr();
    T_ERR("io_setup more than aio-max-nr less what live contexts hold", setup(room + 1, &c3), EAGAIN);
    T_OK("io_setup all that is left of aio-max-nr", setup(room, &c3), 0);
    T_ERR("io_setup one more with none left", setup(1, &(aio_ctx){ 0 }), EAGAIN);
    T_OK("io_destroy the big one", destroy(c3), 0);
    c3 = 0;
    T_OK("io_setup a second context", setup(1, &c3), 0);
    T_TRUE("io_setup the second ring has its own id", ((struct aio_ring_k *)c3)->id != r->id);
    T_OK("io_destroy the second", destroy(c3), 0);
    T_OK("io_destroy", destroy(ctx), 0);
    T_EQ("io_destroy /proc/sys/fs/aio-nr back", aio_nr(), nr0);
    T_ERR("io_destroy unmapped the ring", msync((void *)ctx, 4096, MS_ASYNC), ENOMEM);
    T_ERR("io_destroy again", destroy(ctx), EINVAL);
    T_ERR("io_destroy 0", destroy(0), EINVAL);
    T_ERR("io_destroy a bad address", destroy((aio_ctx)BADUPTR), EINVAL);
    T_ERR("io_getevents a destroyed context", getev(ctx, 0, 1, NULL, &zero_ts), EINVAL);
}

static void test_rw(aio_ctx ctx)
{
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct aio_ring_k *r = (struct aio_ring_k *)ctx;
    char wbuf[64] = "hello, aio", rbuf[64] = { 0 };
    struct iocb_k w = cb_rw(CMD_PWRITE, fd, wbuf, 10, 0, 11);
    T_OK("io_submit IOCB_CMD_PWRITE", submit1(ctx, &w), 1);
    T_EQ("io_submit the ring's tail moved", r->tail - r->head, 1);
    struct io_event_k ev[4];
    memset(ev, 0, sizeof ev);
    T_OK("io_getevents the write's completion", getev(ctx, 1, 4, ev, NULL), 1);
    T_TRUE("io_getevents event data, obj, res, res2",
           ev[0].data == 11 && ev[0].obj == (uintptr_t)&w && ev[0].res == 10 && ev[0].res2 == 0);
    T_EQ("io_getevents the ring's head caught up", r->head, r->tail);
    struct iocb_k rd = cb_rw(CMD_PREAD, fd, rbuf, 64, 7, 12);
    T_OK("io_submit IOCB_CMD_PREAD at offset 7", submit1(ctx, &rd), 1);
    T_OK("io_getevents the read", getev(ctx, 1, 1, ev, NULL), 1);
    T_TRUE("io_getevents the read's bytes", ev[0].res == 3 && !memcmp(rbuf, "aio", 3) && ev[0].data == 12);
    char a[4] = "AB", b[4] = "CD";
    struct iovec iov[2] = { { a, 2 }, { b, 2 } };
    struct iocb_k wv = cb_rw(CMD_PWRITEV, fd, iov, 2, 10, 13);
    struct iocb_k fs = { .opcode = CMD_FSYNC, .fildes = fd, .data = 14 };
    struct iocb_k fds = { .opcode = CMD_FDSYNC, .fildes = fd, .data = 15 };
    struct iocb_k *v[3] = { &wv, &fs, &fds };
    T_OK("io_submit IOCB_CMD_PWRITEV, FSYNC, FDSYNC at once", submit(ctx, 3, v), 3);
    memset(ev, 0, sizeof ev);
    T_OK("io_getevents three", getev(ctx, 3, 4, ev, NULL), 3);
    long seen = 0; /* a sync may complete from a worker: the order is not fixed */
    for (int i = 0; i < 3; i++)
        seen += (ev[i].data == 13 && ev[i].res == 4) || (ev[i].data == 14 && ev[i].res == 0) ||
                (ev[i].data == 15 && ev[i].res == 0) ? (long)1 << (ev[i].data - 13) : 0;
    T_EQ("io_getevents the three results", seen, 7);
    char c[8] = { 0 }, d[8] = { 0 };
    struct iovec riov[2] = { { c, 3 }, { d, 8 } };
    struct iocb_k rv = cb_rw(CMD_PREADV, fd, riov, 2, 8, 16);
    T_OK("io_submit IOCB_CMD_PREADV", submit1(ctx, &rv), 1);
    T_OK("io_getevents the vector read", getev(ctx, 1, 1, ev, NULL), 1);
    T_TRUE("io_getevents the vector read's bytes", ev[0].res == 6 && !memcmp(c, "ioA", 3) && !memcmp(d, "BCD", 3));
    struct iocb_k ap = cb_rw(CMD_PWRITE, fd, "XY", 2, 0, 17);
    ap.rw_flags = 0x10; /* RWF_APPEND */
    T_COVERS("RWF_APPEND");
    T_OK("io_submit a write with aio_rw_flags RWF_APPEND", submit1(ctx, &ap), 1);
    T_OK("io_getevents the append", getev(ctx, 1, 1, ev, NULL), 1);
    struct stat st;
    fstat(fd, &st);
    T_EQ("io_submit RWF_APPEND wrote at the end", st.st_size, 16);
    struct iocb_k bad = cb_rw(CMD_PREAD, fd, BADUPTR, 8, 0, 18);
    T_OK("io_submit a read into unmapped memory", submit1(ctx, &bad), 1);
    T_OK("io_getevents its completion", getev(ctx, 1, 1, ev, NULL), 1);
    T_EQ("io_getevents the completion's res is -EFAULT", ev[0].res, -EFAULT);
    struct iocb_k eof = cb_rw(CMD_PREAD, fd, rbuf, 8, 100, 19);
    T_OK("io_submit a read past the end", submit1(ctx, &eof), 1);
    T_OK("io_getevents it", getev(ctx, 1, 1, ev, NULL), 1);
    T_EQ("io_getevents a read past the end gives 0", ev[0].res, 0);
    close(fd);
}

/* Completions reaped straight from the ring, as libaio's and fio's user-space reapers do. */
static void test_ring(aio_ctx ctx)
{
    int fd = open("g", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct aio_ring_k *r = (struct aio_ring_k *)ctx;
    struct iocb_k w1 = cb_rw(CMD_PWRITE, fd, "abc", 3, 0, 21), w2 = cb_rw(CMD_PWRITE, fd, "de", 2, 3, 22);
    struct iocb_k *v[2] = { &w1, &w2 };
    T_OK("io_submit two writes", submit(ctx, 2, v), 2);
    T_EQ("io_submit two events in the ring", (r->tail + r->nr - r->head) % r->nr, 2);
    struct io_event_k *evs = (struct io_event_k *)(r + 1);
    struct io_event_k e = evs[r->head];
    T_TRUE("io_submit the ring's event at head is the first", e.data == 21 && e.res == 3 &&
           e.obj == (uintptr_t)&w1);
    r->head = (r->head + 1) % r->nr;
    struct io_event_k ev[2];
    T_OK("io_getevents after the program took one from the ring", getev(ctx, 0, 2, ev, &zero_ts), 1);
    T_EQ("io_getevents the one left", ev[0].data, 22);
    T_OK("io_getevents an empty ring with a zero timeout", getev(ctx, 0, 2, ev, &zero_ts), 0);
    struct timespec ts = { 0, 20000000 };
    T_OK("io_getevents min_nr 1 times out", getev(ctx, 1, 2, ev, &ts), 0);
    T_OK("io_submit one write", submit1(ctx, &w1), 1);
    T_OK("io_getevents min_nr 2 with one there: the one, at the timeout", getev(ctx, 2, 2, ev, &ts), 1);
    close(fd);
}

static void test_errors(aio_ctx ctx)
{
    int fd = open("f", O_RDWR), ro = open("f", O_RDONLY), wo = open("f", O_WRONLY);
    char buf[16];
    struct io_event_k ev[2];
    struct iocb_k cb = cb_rw(CMD_PREAD, fd, buf, 4, 0, 1);
    T_ERR("io_submit a bad context", submit(12345, 1, (struct iocb_k *[]){ &cb }), EINVAL);
    T_ERR("io_submit nr -1", submit(ctx, -1, (struct iocb_k *[]){ &cb }), EINVAL);
    T_OK("io_submit nr 0", submit(ctx, 0, (struct iocb_k *[]){ &cb }), 0);
    T_ERR("io_submit a bad array", submit(ctx, 1, BADUPTR), EFAULT);
    T_ERR("io_submit a bad iocb", submit(ctx, 1, (struct iocb_k *[]){ BADUPTR }), EFAULT);
    struct iocb_k c = cb;
    c.fildes = 999;
    T_ERR("io_submit a closed fd", submit1(ctx, &c), EBADF);
    c = cb, c.fildes = wo;
    T_ERR("io_submit IOCB_CMD_PREAD on a write-only fd", submit1(ctx, &c), EBADF);
    c = cb_rw(CMD_PWRITE, ro, buf, 4, 0, 1);
    T_ERR("io_submit IOCB_CMD_PWRITE on a read-only fd", submit1(ctx, &c), EBADF);
    c = cb, c.opcode = 4;
    T_ERR("io_submit opcode 4 (IOCB_CMD_NOOP)", submit1(ctx, &c), EINVAL);
    c = cb, c.opcode = 99;
    T_ERR("io_submit opcode 99", submit1(ctx, &c), EINVAL);
    c = cb, c.reserved2 = 1;
    T_ERR("io_submit aio_reserved2 set", submit1(ctx, &c), EINVAL);
    c = cb, c.nbytes = (uint64_t)-1;
    T_ERR("io_submit a negative nbytes", submit1(ctx, &c), EINVAL);
    c = cb, c.offset = -1;
    T_ERR("io_submit a negative offset", submit1(ctx, &c), EINVAL);
    c = cb, c.rw_flags = 0x80000000u;
    T_ERR("io_submit an unknown aio_rw_flags bit", submit1(ctx, &c), EOPNOTSUPP);
    c = cb, c.buf = (uintptr_t)KADDR;
    T_ERR("io_submit a kernel buffer", submit1(ctx, &c), EFAULT);
    c = cb_rw(CMD_PREADV, fd, BADUPTR, 1, 0, 1);
    T_ERR("io_submit IOCB_CMD_PREADV a bad iovec array", submit1(ctx, &c), EFAULT);
    c = cb_rw(CMD_PREADV, fd, buf, 1025, 0, 1);
    T_ERR("io_submit IOCB_CMD_PREADV more than IOV_MAX", submit1(ctx, &c), EINVAL);
    c = (struct iocb_k){ .opcode = CMD_FSYNC, .fildes = fd, .nbytes = 1 };
    T_ERR("io_submit IOCB_CMD_FSYNC with nbytes", submit1(ctx, &c), EINVAL);
    c = (struct iocb_k){ .opcode = CMD_FSYNC, .fildes = fd, .rw_flags = 2 };
    T_ERR("io_submit IOCB_CMD_FSYNC with aio_rw_flags", submit1(ctx, &c), EINVAL);
    int p[2];
    pipe(p);
    c = (struct iocb_k){ .opcode = CMD_FSYNC, .fildes = p[0] };
    T_ERR("io_submit IOCB_CMD_FSYNC on a pipe", submit1(ctx, &c), EINVAL);
    c = cb, c.flags = FLAG_RESFD, c.resfd = 999;
    T_ERR("io_submit IOCB_FLAG_RESFD with a closed fd", submit1(ctx, &c), EBADF);
    c = cb, c.flags = FLAG_RESFD, c.resfd = fd;
    T_ERR("io_submit IOCB_FLAG_RESFD with a regular file", submit1(ctx, &c), EINVAL);
    c = cb, c.flags = FLAG_IOPRIO, c.reqprio = 7 << 13;
    T_ERR("io_submit IOCB_FLAG_IOPRIO with class 7 (none such)", submit1(ctx, &c), EINVAL);
    c.reqprio = 0 << 13 | 3;
    T_ERR("io_submit IOCB_FLAG_IOPRIO with IOPRIO_CLASS_NONE and a level", submit1(ctx, &c), EINVAL);
    c.reqprio = 2 << 13 | 4;
    T_OK("io_submit IOCB_FLAG_IOPRIO with IOPRIO_CLASS_BE level 4", submit1(ctx, &c), 1);
    T_OK("io_getevents the IOCB_FLAG_IOPRIO request", getev(ctx, 1, 1, ev, NULL), 1);
    c = cb;
    struct iocb_k bad = cb, *two[2] = { &c, &bad };
    bad.fildes = 999;
    T_OK("io_submit stops at the first bad iocb", submit(ctx, 2, two), 1);
    T_OK("io_getevents the one submitted", getev(ctx, 1, 2, ev, NULL), 1);
    T_ERR("io_getevents a bad context", getev(12345, 0, 1, ev, &zero_ts), EINVAL);
    T_ERR("io_getevents min_nr > nr", getev(ctx, 2, 1, ev, &zero_ts), EINVAL);
    T_ERR("io_getevents min_nr -1", getev(ctx, -1, 1, ev, &zero_ts), EINVAL);
    T_ERR("io_getevents nr -1", getev(ctx, 0, -1, ev, &zero_ts), EINVAL);
    T_ERR("io_getevents a bad timeout", getev(ctx, 0, 1, ev, BADUPTR), EFAULT);
    T_OK("io_submit one more", submit1(ctx, &cb), 1);
    T_ERR("io_getevents into a bad buffer", getev(ctx, 1, 1, BADUPTR, NULL), EFAULT);
    T_OK("io_getevents the event was kept", getev(ctx, 1, 1, ev, NULL), 1);
    T_ERR("io_cancel a completed iocb", SYS(SYS_io_cancel, ctx, &cb, ev), EINVAL);
    T_ERR("io_cancel a bad context", SYS(SYS_io_cancel, 12345, &cb, ev), EINVAL);
    T_ERR("io_cancel a bad iocb", SYS(SYS_io_cancel, ctx, BADUPTR, ev), EFAULT);
    close(p[0]), close(p[1]), close(fd), close(ro), close(wo);
}

static void test_resfd(aio_ctx ctx)
{
    int fd = open("f", O_RDWR), efd = eventfd(0, EFD_NONBLOCK);
    char buf[4];
    struct iocb_k a = cb_rw(CMD_PREAD, fd, buf, 4, 0, 1), b = a;
    a.flags = b.flags = FLAG_RESFD;
    a.resfd = b.resfd = efd;
    struct iocb_k *v[2] = { &a, &b };
    T_COVERS("IOCB_FLAG_RESFD");
    T_OK("io_submit two reads with an eventfd", submit(ctx, 2, v), 2);
    uint64_t n = 0;
    T_OK("io_submit the eventfd counts the completions", read(efd, &n, 8), 8);
    T_EQ("io_submit eventfd count 2", n, 2);
    struct io_event_k ev[2];
    T_OK("io_getevents both", getev(ctx, 2, 2, ev, NULL), 2);
    close(fd), close(efd);
}

static void test_poll(aio_ctx ctx)
{
    int p[2], efd = eventfd(0, EFD_NONBLOCK);
    pipe(p);
    struct io_event_k ev[2];
    struct iocb_k pc = { .opcode = CMD_POLL, .fildes = p[0], .buf = POLLIN, .data = 31, .flags = FLAG_RESFD,
                         .resfd = efd };
    T_OK("io_submit IOCB_CMD_POLL on an empty pipe", submit1(ctx, &pc), 1);
    T_OK("io_getevents nothing yet", getev(ctx, 0, 2, ev, &zero_ts), 0);
    uint64_t n = 0;
    T_ERR("io_submit IOCB_CMD_POLL: no eventfd count yet", read(efd, &n, 8), EAGAIN);
    T_OK("io_submit a write makes the pipe readable", write(p[1], "x", 1), 1);
    T_OK("io_getevents the poll completed", getev(ctx, 1, 2, ev, NULL), 1);
    T_EQ("io_getevents the poll's data", ev[0].data, 31);
    /* a wakeup's own mask: Linux's pipe adds POLLRDNORM, which was not asked for */
    T_EQ("io_getevents the poll's res is POLLIN", ev[0].res & ~POLLRDNORM, POLLIN);
    T_OK("io_submit IOCB_CMD_POLL's eventfd count", read(efd, &n, 8), 8);
    struct iocb_k ready = pc;
    ready.data = 32;
    T_OK("io_submit IOCB_CMD_POLL on a ready pipe", submit1(ctx, &ready), 1);
    T_OK("io_getevents it completed at once", getev(ctx, 0, 2, ev, &zero_ts), 1);
    T_EQ("io_getevents POLLIN", ev[0].res, POLLIN);
    struct iocb_k out = { .opcode = CMD_POLL, .fildes = p[1], .buf = POLLOUT | POLLIN, .data = 33 };
    T_OK("io_submit IOCB_CMD_POLL for POLLOUT", submit1(ctx, &out), 1);
    T_OK("io_getevents POLLOUT", getev(ctx, 1, 2, ev, NULL), 1);
    T_EQ("io_getevents only the events asked for", ev[0].res, POLLOUT);
    char c;
    read(p[0], &c, 1);
    struct iocb_k pend = { .opcode = CMD_POLL, .fildes = p[0], .buf = POLLIN, .data = 34 };
    T_OK("io_submit IOCB_CMD_POLL to cancel", submit1(ctx, &pend), 1);
    T_ERR("io_cancel a pending poll", SYS(SYS_io_cancel, ctx, &pend, ev), EINPROGRESS);
    T_OK("io_cancel the poll's completion is in the ring", getev(ctx, 1, 2, ev, NULL), 1);
    T_TRUE("io_cancel the cancelled poll's completion: res 0", ev[0].data == 34 && ev[0].res == 0);
    T_ERR("io_cancel it again", SYS(SYS_io_cancel, ctx, &pend, ev), EINVAL);
    struct iocb_k hup = pend;
    hup.data = 35;
    T_OK("io_submit IOCB_CMD_POLL waiting for input", submit1(ctx, &hup), 1);
    close(p[1]);
    T_OK("io_getevents a closed write end", getev(ctx, 1, 2, ev, NULL), 1);
    T_EQ("io_getevents POLLHUP comes though not asked for", ev[0].res, POLLHUP);
    struct iocb_k c1 = pend;
    c1.offset = 1;
    T_ERR("io_submit IOCB_CMD_POLL with an offset", submit1(ctx, &c1), EINVAL);
    c1 = pend, c1.buf = 0x10000;
    T_ERR("io_submit IOCB_CMD_POLL events past 16 bits", submit1(ctx, &c1), EINVAL);
    close(p[0]), close(efd);
}

/* A completion that another process causes: the poll's wakeup runs in the writer's context and must reach
 * this process's ring, its io_getevents and an epoll on its eventfd. */
static void test_remote(aio_ctx ctx)
{
    int p[2], efd = eventfd(0, EFD_NONBLOCK), ep = epoll_create1(0);
    pipe(p);
    struct epoll_event ee = { .events = EPOLLIN };
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ee);
    struct iocb_k pc = { .opcode = CMD_POLL, .fildes = p[0], .buf = POLLIN, .data = 41, .flags = FLAG_RESFD,
                         .resfd = efd };
    T_OK("io_submit IOCB_CMD_POLL another process will end", submit1(ctx, &pc), 1);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        usleep(50000);
        _exit(write(p[1], "z", 1) == 1 ? 0 : 1);
    }
    T_OK("io_submit epoll on the eventfd sees the completion", epoll_wait(ep, &ee, 1, 5000), 1);
    struct io_event_k ev[2];
    T_OK("io_getevents the completion another process caused", getev(ctx, 1, 2, ev, NULL), 1);
    T_EQ("io_getevents its data", ev[0].data, 41);
    waitpid(c, NULL, 0);
    pc.data = 42;
    pc.flags = 0;
    char ch;
    read(p[0], &ch, 1);
    T_OK("io_submit IOCB_CMD_POLL again", submit1(ctx, &pc), 1);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        usleep(50000);
        _exit(write(p[1], "z", 1) == 1 ? 0 : 1);
    }
    T_OK("io_getevents waits for another process's write", getev(ctx, 1, 2, ev, NULL), 1);
    T_EQ("io_getevents that poll's data", ev[0].data, 42);
    waitpid(c, NULL, 0);
    struct iocb_k rd = cb_rw(CMD_PREAD, p[0], &ch, 1, 12345, 43);
    T_OK("io_submit IOCB_CMD_PREAD from a pipe (no offset)", submit1(ctx, &rd), 1);
    T_OK("io_getevents the pipe read", getev(ctx, 1, 2, ev, NULL), 1);
    T_TRUE("io_getevents a byte from the pipe", ev[0].res == 1 && ch == 'z');
    close(p[0]), close(p[1]), close(efd), close(ep);
}

static void on_sig(int s) { (void)s; }

static void test_signals(aio_ctx ctx)
{
    struct sigaction sa = { .sa_handler = on_sig };
    sigaction(SIGALRM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    struct io_event_k ev[2];
    struct itimerval it = { .it_value = { 0, 30000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    T_ERR("io_getevents a signal ends the wait", getev(ctx, 1, 2, ev, NULL), EINTR);
    sigset_t blk, none;
    sigemptyset(&blk), sigemptyset(&none);
    sigaddset(&blk, SIGUSR1);
    sigprocmask(SIG_BLOCK, &blk, NULL);
    raise(SIGUSR1);
    struct aio_sigset_k us = { &none, 8 };
    struct timespec ts = { 0, 20000000 };
    T_ERR("io_pgetevents its mask lets a pending signal in", SYS(SYS_io_pgetevents, ctx, 1, 2, ev, &ts, &us), EINTR);
    T_OK("io_pgetevents no signal through the old mask", SYS(SYS_io_pgetevents, ctx, 1, 2, ev, &ts, NULL), 0);
    us.size = 7;
    T_ERR("io_pgetevents sigsetsize 7", SYS(SYS_io_pgetevents, ctx, 1, 2, ev, &ts, &us), EINVAL);
    T_ERR("io_pgetevents a bad sigset pointer", SYS(SYS_io_pgetevents, ctx, 1, 2, ev, &ts, BADUPTR), EFAULT);
    T_ERR("io_pgetevents min_nr > nr", SYS(SYS_io_pgetevents, ctx, 3, 2, ev, &ts, NULL), EINVAL);
    sigprocmask(SIG_UNBLOCK, &blk, NULL);
}

/* The context is the process's: a child of fork does not have it; the last exit destroys it. */
static int child_submit(void)
{
    return 0;
}

static void test_process(void)
{
    aio_ctx ctx = 0;
    long nr0 = aio_nr();
    setup(8, &ctx);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        struct io_event_k ev;
        _exit(getev(ctx, 0, 1, &ev, &zero_ts) == -1 && errno == EINVAL ? 0 : 1);
    }
    int st = -1;
    waitpid(c, &st, 0);
    T_EQ("io_getevents a fork child has no contexts -> EINVAL", st, 0);
    destroy(ctx);
    (void)child_submit;
    c = fork();
    if (c == 0) {
        aio_ctx cc = 0;
        setup(100, &cc);
        _exit(aio_nr() == nr0 + 100 ? 0 : 1);
    }
    waitpid(c, &st, 0);
    T_EQ("io_setup in a child that then exits", st, 0);
    T_EQ("io_destroy at exit: aio-nr back", aio_nr(), nr0);
    c = fork();
    if (c == 0) {
        aio_ctx cc = 0;
        char arg[32];
        snprintf(arg, sizeof arg, "%ld", nr0);
        setup(200, &cc);
        execl("/proc/self/exe", "aio", "exec", arg, (char *)NULL);
        _exit(3);
    }
    waitpid(c, &st, 0);
    T_EQ("io_destroy at execve: the new image sees aio-nr back", st, 0);
    /* full: io_submit refuses once every slot holds a pending request */
    ctx = 0;
    setup(1, &ctx);
    int p[2];
    pipe(p);
    static struct iocb_k pc[4096];
    long i, rc = 0;
    int err = 0;
    for (i = 0; i < 4096; i++) {
        pc[i] = (struct iocb_k){ .opcode = CMD_POLL, .fildes = p[0], .buf = POLLIN };
        if ((rc = submit1(ctx, &pc[i])) != 1)
            break;
    }
    err = errno;
    T_TRUE("io_submit takes at least nr_events requests", i >= 1);
    T_ERR("io_submit with every slot taken", (errno = err, rc), EAGAIN);
    T_OK("io_destroy with pending polls", destroy(ctx), 0);
    close(p[0]), close(p[1]);
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "exec")) /* after execve: the contexts went with the old image */
        return aio_nr() == atol(argv[2]) ? 0 : 1;
    tap_scratch("aio");
    test_setup();
    aio_ctx ctx = 0;
    if (setup(16, &ctx)) {
        printf("Bail out! io_setup failed\n");
        return 1;
    }
    test_rw(ctx);
    test_ring(ctx);
    test_errors(ctx);
    test_resfd(ctx);
    test_poll(ctx);
    test_remote(ctx);
    test_signals(ctx);
    destroy(ctx);
    test_process();
    tap_finish_dir();
    return tap_done();
}
