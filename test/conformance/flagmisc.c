/* test/conformance/flagmisc.c — flags whose effect one call shows: EPOLL_CLOEXEC, CLOSE_RANGE_CLOEXEC, the
 * select fd_set macros, mq_open's O_RDONLY, O_NONBLOCK and O_CLOEXEC, mq_notify's SIGEV_NONE (a registration
 * with no notification), the splice hints (SPLICE_F_MOVE, SPLICE_F_MORE, SPLICE_F_GIFT: the data moves as
 * without them), sched_setattr SCHED_RR, shmget SHM_NORESERVE and shmat SHM_EXEC. */
/* covers: epoll_create1 close_range select mq_open mq_notify splice tee vmsplice sched_setattr shmget shmat */
#include "tap.h"
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/shm.h>
#include <sys/uio.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC 4
#endif

static int cloexec(int fd)
{
    int f = fcntl(fd, F_GETFD);
    return f < 0 ? -1 : (f & FD_CLOEXEC) != 0;
}

static void fd_flags(void)
{
    int e = epoll_create1(EPOLL_CLOEXEC), e2 = epoll_create1(0);
    T_EQ("epoll_create1 EPOLL_CLOEXEC: close-on-exec is set", cloexec(e), 1);
    T_EQ("epoll_create1 without EPOLL_CLOEXEC: it is not", cloexec(e2), 0);
    int a = dup(0), b = dup(0);
    T_OK("close_range CLOSE_RANGE_CLOEXEC", SYS(SYS_close_range, a, b, CLOSE_RANGE_CLOEXEC), 0);
    T_TRUE("close_range CLOSE_RANGE_CLOEXEC: both stay open with close-on-exec set", cloexec(a) == 1 &&
           cloexec(b) == 1);
    T_EQ("close_range CLOSE_RANGE_CLOEXEC: descriptors outside the range are untouched", cloexec(e2), 0);
    close(a), close(b), close(e), close(e2);

    int p[2];
    pipe(p);
    write(p[1], "x", 1);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    FD_SET(p[1], &r);
    struct timeval tv = { 0, 0 };
    T_OK("select FD_ZERO FD_SET: one of two is readable", select(p[1] + 1, &r, NULL, NULL, &tv), 1);
    T_TRUE("select FD_ISSET: the pipe's read end is set, its write end is not", FD_ISSET(p[0], &r) &&
           !FD_ISSET(p[1], &r));
    FD_CLR(p[0], &r);
    T_TRUE("select FD_CLR: the bit is cleared", !FD_ISSET(p[0], &r));
    close(p[0]), close(p[1]);
}

static void mqueue_flags(void)
{
    const char *name = "/skiff-conf-flagmisc";
    struct mq_attr at = { .mq_maxmsg = 4, .mq_msgsize = 16 };
    mq_unlink(name);
    mqd_t w = mq_open(name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600, &at);
    T_EQ("mq_open O_CLOEXEC: close-on-exec is set", cloexec((int)w), 1);
    mqd_t r = mq_open(name, O_RDONLY | O_NONBLOCK);
    char buf[16];
    T_ERR("mq_open O_NONBLOCK: mq_receive of an empty queue", mq_receive(r, buf, sizeof buf, NULL), EAGAIN);
    T_ERR("mq_open O_RDONLY: mq_send on it", mq_send(r, "m", 1, 0), EBADF);
    int raw = (int)SYS(SYS_mq_open, name + 1, O_RDONLY, 0, NULL); /* libc's mq_open adds O_CLOEXEC itself */
    T_EQ("mq_open O_RDONLY without O_CLOEXEC (the raw call): close-on-exec is set all the same", cloexec(raw), 1);
    close(raw);
    struct sigevent ev = { .sigev_notify = SIGEV_NONE };
    T_OK("mq_notify SIGEV_NONE: the process registers", mq_notify(r, &ev), 0);
    T_ERR("mq_notify SIGEV_NONE: a second registration", mq_notify(w, &ev), EBUSY);
    T_OK("mq_notify SIGEV_NONE: unregister (NULL)", mq_notify(r, NULL), 0);
    mq_close(r), mq_close(w);
    mq_unlink(name);
}

static void splice_flags(void)
{
    int a[2], b[2];
    pipe(a), pipe(b);
    write(a[1], "abcdef", 6);
    T_OK("splice SPLICE_F_MOVE SPLICE_F_MORE: the bytes move as without them",
         splice(a[0], NULL, b[1], NULL, 3, SPLICE_F_MOVE | SPLICE_F_MORE), 3);
    T_OK("tee SPLICE_F_MOVE: the bytes are copied as without it", tee(a[0], b[1], 3, SPLICE_F_MOVE), 3);
    char page[8] = "ghij";
    struct iovec v = { page, 4 };
    T_OK("vmsplice SPLICE_F_GIFT: the pages go into the pipe", vmsplice(b[1], &v, 1, SPLICE_F_GIFT), 4);
    char got[16] = { 0 };
    T_OK("splice flags: what reached the pipe", read(b[0], got, sizeof got), 10);
    T_TRUE("splice flags: in order", !memcmp(got, "abcdefghij", 10));
    close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

struct sched_attr_k {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
};

static void sched_rr(void)
{
    pid_t c = fork();
    if (c == 0) { /* the change stays in a child */
        struct sched_attr_k at = { .size = sizeof at, .policy = SCHED_RR, .priority = 5 };
        long r = SYS(SYS_sched_setattr, 0, &at, 0);
        struct sched_attr_k got = { 0 };
        SYS(SYS_sched_getattr, 0, &got, sizeof got, 0);
        _exit(r == 0 && got.policy == SCHED_RR && got.priority == 5 ? 0 : 1);
    }
    int st = 0;
    waitpid(c, &st, 0);
    T_TRUE("sched_setattr SCHED_RR priority 5: sched_getattr reports it", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void shm_flags(void)
{
    int id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | SHM_NORESERVE | 0600);
    T_TRUE("shmget SHM_NORESERVE: a segment", id >= 0);
    void *p = shmat(id, NULL, SHM_EXEC);
    T_TRUE("shmat SHM_EXEC: attached", p != (void *)-1);
    char line[512];
    int exec = 0, fd = open("/proc/self/maps", O_RDONLY);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    while (f && fgets(line, sizeof line, f))
        if (strtoul(line, NULL, 16) == (unsigned long)p)
            exec = line[strcspn(line, " ") + 3] == 'x';
    if (f)
        fclose(f);
    T_TRUE("shmat SHM_EXEC: the mapping is executable (/proc/self/maps)", exec);
    shmdt(p);
    shmctl(id, IPC_RMID, NULL);
}

int main(void)
{
    fd_flags();
    mqueue_flags();
    splice_flags();
    sched_rr();
    shm_flags();
    return tap_done();
}
