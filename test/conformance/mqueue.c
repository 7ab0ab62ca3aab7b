/* test/conformance/mqueue.c — POSIX message queues (mq_overview(7)): mq_open's creation rules and attributes,
 * messages by priority and in order within one, the sizes (EMSGSIZE), full and empty queues (EAGAIN,
 * ETIMEDOUT, a blocked receive woken by another process's send), descriptors' access modes (EBADF),
 * close-on-exec, poll and read of a queue descriptor, mq_notify's signal (SI_MESGQ) and EBUSY, mq_getsetattr,
 * mq_unlink while open. */
/* covers: mq_open mq_unlink mq_timedsend mq_timedreceive mq_notify mq_getsetattr */
#include "tap.h"
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

static char name[64];
static volatile int got_sig, got_code, got_val, got_pid;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_val = si->si_value.sival_int;
    got_pid = si->si_pid;
}

static mqd_t make(int flags, long maxmsg, long msgsize)
{
    struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
    return mq_open(name, O_CREAT | flags, 0600, &a);
}

static int unprivileged(void) /* 1: 11 messages EINVAL; 2: 8193 bytes EINVAL; 4: the defaults' limits fit */
{
    char n2[80];
    snprintf(n2, sizeof n2, "%s-u", name);
    if (setresuid(54321, 54321, 54321))
        return 128;
    int r = 0;
    struct mq_attr a = { .mq_maxmsg = 11, .mq_msgsize = 64 };
    errno = 0;
    if (mq_open(n2, O_CREAT | O_RDWR, 0600, &a) == -1 && errno == EINVAL)
        r |= 1;
    a = (struct mq_attr){ .mq_maxmsg = 4, .mq_msgsize = 8193 };
    errno = 0;
    if (mq_open(n2, O_CREAT | O_RDWR, 0600, &a) == -1 && errno == EINVAL)
        r |= 2;
    a = (struct mq_attr){ .mq_maxmsg = 10, .mq_msgsize = 8192 };
    mqd_t q = mq_open(n2, O_CREAT | O_RDWR, 0600, &a);
    if (q >= 0 && mq_unlink(n2) == 0)
        r |= 4;
    return r;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    snprintf(name, sizeof name, "/skiff-conf-mq-%d", (int)getpid());
    mq_unlink(name);
    mqd_t q = make(O_RDWR | O_EXCL, 4, 64);
    T_TRUE("mq_open O_CREAT a queue", q >= 0);
    T_TRUE("mq_open the descriptor is close-on-exec", (fcntl(q, F_GETFD) & FD_CLOEXEC) != 0);
    struct mq_attr a;
    T_OK("mq_getsetattr read the attributes", mq_getattr(q, &a), 0);
    T_TRUE("mq_getsetattr they are what was asked", a.mq_maxmsg == 4 && a.mq_msgsize == 64 && a.mq_curmsgs == 0 &&
           a.mq_flags == 0);
    T_ERR("mq_open O_CREAT|O_EXCL of an existing queue", make(O_RDWR | O_EXCL, 4, 64), EEXIST);
    T_ERR("mq_open a missing queue", mq_open("/skiff-conf-mq-missing", O_RDWR), ENOENT);
    T_ERR("mq_open a name with a slash inside", mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL), EACCES);
    T_ERR("mq_open maxmsg 0", mq_open("/skiff-conf-mq-zero", O_RDWR | O_CREAT, 0600,
                                      &(struct mq_attr){ .mq_maxmsg = 0, .mq_msgsize = 8 }), EINVAL);
    T_ERR("mq_open O_RDWR|O_WRONLY of an existing queue", mq_open(name, O_RDWR | O_WRONLY), EINVAL);
    int u = tap_child(unprivileged);
    T_TRUE("mq_open more than msg_max messages without CAP_SYS_RESOURCE -> EINVAL", u >= 0 && u < 128 && (u & 1));
    T_TRUE("mq_open more than msgsize_max bytes without CAP_SYS_RESOURCE -> EINVAL", u >= 0 && u < 128 && (u & 2));
    T_TRUE("mq_open the default limits without CAP_SYS_RESOURCE", u >= 0 && u < 128 && (u & 4));

    T_OK("mq_timedsend a message of priority 1", mq_send(q, "a", 1, 1), 0);
    T_OK("mq_timedsend one of priority 5", mq_send(q, "bb", 2, 5), 0);
    T_OK("mq_timedsend another of priority 5", mq_send(q, "ccc", 3, 5), 0);
    char buf[128] = { 0 };
    int n = (int)read(q, buf, sizeof buf - 1);
    T_TRUE("mq_open read of the descriptor tells the queue's size",
           n > 0 && !strcmp(buf, "QSIZE:6          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n"));
    struct pollfd pf = { q, POLLIN | POLLOUT, 0 };
    T_OK("mq_timedsend poll", poll(&pf, 1, 0), 1);
    T_EQ("mq_timedsend poll says readable and writable", pf.revents, POLLIN | POLLOUT);
    T_ERR("mq_timedsend past mq_msgsize", mq_send(q, buf, 65, 0), EMSGSIZE);
    T_ERR("mq_timedsend priority MQ_PRIO_MAX", mq_send(q, "x", 1, 32768), EINVAL);
    T_ERR("mq_timedreceive into less than mq_msgsize", mq_receive(q, buf, 63, NULL), EMSGSIZE);
    unsigned prio = 0;
    memset(buf, 0, sizeof buf);
    T_OK("mq_timedreceive the highest priority first", mq_receive(q, buf, 64, &prio), 2);
    T_TRUE("mq_timedreceive it is the first sent at that priority", !strcmp(buf, "bb") && prio == 5);
    memset(buf, 0, sizeof buf);
    T_OK("mq_timedreceive the next", mq_receive(q, buf, 64, &prio), 3);
    T_TRUE("mq_timedreceive then the second at that priority", !strcmp(buf, "ccc") && prio == 5);
    memset(buf, 0, sizeof buf);
    T_OK("mq_timedreceive the last", mq_receive(q, buf, 64, &prio), 1);
    T_TRUE("mq_timedreceive then the lower priority", !strcmp(buf, "a") && prio == 1);
    struct timespec past = { 1, 0 }, bad = { time(NULL) + 10, 1000000000 };
    T_ERR("mq_timedreceive an empty queue, a timeout passed", mq_timedreceive(q, buf, 64, NULL, &past), ETIMEDOUT);
    T_ERR("mq_timedreceive an invalid timeout", mq_timedreceive(q, buf, 64, NULL, &bad), EINVAL);
    for (int i = 0; i < 4; i++)
        mq_send(q, "f", 1, 0);
    T_ERR("mq_timedsend a full queue, a timeout passed", mq_timedsend(q, "f", 1, 0, &past), ETIMEDOUT);
    T_ERR("mq_timedsend an invalid timeout", mq_timedsend(q, "f", 1, 0, &bad), EINVAL);
    T_OK("mq_getsetattr set O_NONBLOCK", mq_setattr(q, &(struct mq_attr){ .mq_flags = O_NONBLOCK }, NULL), 0);
    T_TRUE("mq_getsetattr shows it, and four messages", mq_getattr(q, &a) == 0 && a.mq_flags == O_NONBLOCK &&
           a.mq_curmsgs == 4);
    T_ERR("mq_timedsend a full queue, O_NONBLOCK", mq_send(q, "f", 1, 0), EAGAIN);
    for (int i = 0; i < 4; i++)
        mq_receive(q, buf, 64, NULL);
    T_ERR("mq_timedreceive an empty queue, O_NONBLOCK", mq_receive(q, buf, 64, NULL), EAGAIN);
    T_ERR("mq_getsetattr flags other than O_NONBLOCK", mq_setattr(q, &(struct mq_attr){ .mq_flags = O_APPEND }, NULL),
          EINVAL);
    mq_setattr(q, &(struct mq_attr){ .mq_flags = 0 }, NULL);

    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        usleep(100000);
        _exit(mq_send(q, "late", 4, 3) == 0 ? 0 : 1);
    }
    memset(buf, 0, sizeof buf);
    T_OK("mq_timedreceive waits for another process's send", mq_receive(q, buf, 64, &prio), 4);
    T_TRUE("mq_timedreceive got it", !strcmp(buf, "late") && prio == 3);
    waitpid(c, NULL, 0);

    struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
    sigaction(SIGUSR1, &sa, NULL);
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1, .sigev_value.sival_int = 42 };
    T_OK("mq_notify SIGEV_SIGNAL", mq_notify(q, &ev), 0);
    T_ERR("mq_notify a second registration", mq_notify(q, &ev), EBUSY);
    mqd_t q2 = mq_open(name, O_RDONLY);
    memset(buf, 0, sizeof buf);
    n = (int)read(q2, buf, sizeof buf - 1);
    T_TRUE("mq_notify read of a descriptor names the registration", n > 0 && strstr(buf, "NOTIFY:0     SIGNO:10 "));
    mq_close(q2);
    T_OK("mq_notify closing any descriptor of the queue ended it: a new one", mq_notify(q, &ev), 0);
    mq_send(q, "n", 1, 0);
    T_TRUE("mq_notify the signal came with SI_MESGQ, the value and the sender", got_sig == SIGUSR1 &&
           got_code == SI_MESGQ && got_val == 42 && got_pid == getpid());
    T_OK("mq_notify the registration is gone: a new one", mq_notify(q, &ev), 0);
    T_OK("mq_notify NULL removes it", mq_notify(q, NULL), 0);
    T_ERR("mq_notify an unknown sigev_notify", mq_notify(q, &(struct sigevent){ .sigev_notify = 99 }), EINVAL);
    T_ERR("mq_notify a descriptor that is no queue", mq_notify(0, NULL), EBADF);

    mqd_t w = mq_open(name, O_WRONLY), r = mq_open(name, O_RDONLY);
    T_ERR("mq_timedreceive from a write-only descriptor", mq_receive(w, buf, 64, NULL), EBADF);
    T_ERR("mq_timedsend to a read-only descriptor", mq_send(r, "x", 1, 0), EBADF);
    T_ERR("mq_timedsend to a descriptor that is no queue", mq_send(1, "x", 1, 0), EBADF);
    T_OK("mq_unlink", mq_unlink(name), 0);
    T_ERR("mq_unlink it again", mq_unlink(name), ENOENT);
    T_ERR("mq_open it after mq_unlink", mq_open(name, O_RDWR), ENOENT);
    T_OK("mq_timedsend through a descriptor of the unlinked queue", mq_send(w, "z", 1, 0), 0);
    T_TRUE("mq_timedreceive it still works", mq_receive(r, buf, 64, NULL) >= 1);
    mq_close(w);
    mq_close(r);
    mq_close(q);
    return tap_done();
}
