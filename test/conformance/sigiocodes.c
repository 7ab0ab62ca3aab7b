/* test/conformance/sigiocodes.c — the si_code, si_band and si_fd of signal-driven I/O with F_SETSIG (POLL_IN,
 * POLL_OUT, POLL_HUP, POLL_MSG from dnotify, POLL_ERR from TCP on the loopback; TCP's urgent data, SIGURG and
 * POLL_PRI, is tcpurg.c's), and the codes of two library notifications: SI_MESGQ (mq_notify) and
 * SI_ASYNCIO (aio_read). Each handler records what came. */
/* covers: rt_sigaction */
#include "tap.h"
#include <aio.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

static volatile int got, code, sfd;
static volatile long band;

static void on_sig(int s, siginfo_t *si, void *uc)
{
    (void)uc;
    got = s;
    code = si->si_code;
    band = si->si_band;
    sfd = si->si_fd;
}

static void reset(void) { got = code = sfd = 0, band = 0; }

static void async_fd(int fd)
{
    fcntl(fd, F_SETOWN, getpid());
    fcntl(fd, F_SETSIG, SIGRTMIN);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC | O_NONBLOCK);
}

/* The signal may come at once (on the write) or a moment later (a reader on another CPU): up to 2 s. */
static void wait_sig(void)
{
    for (int i = 0; i < 200 && !got; i++) {
        struct timespec ts = { 0, 10000000 };
        nanosleep(&ts, NULL);
    }
}

static void pipes(void)
{
    int p[2];
    pipe(p);
    async_fd(p[0]);
    reset();
    write(p[1], "x", 1);
    wait_sig();
    T_EQ("rt_sigaction F_SETSIG, a pipe written: si_code POLL_IN", code, POLL_IN);
    T_EQ("rt_sigaction F_SETSIG POLL_IN: si_band POLLIN|POLLRDNORM", band, POLLIN | POLLRDNORM);
    T_EQ("rt_sigaction F_SETSIG POLL_IN: si_fd", sfd, p[0]);
    reset();
    close(p[1]);
    wait_sig();
    T_EQ("rt_sigaction F_SETSIG, the pipe's writer closed: si_code POLL_IN", code, POLL_IN);
    close(p[0]);

    pipe(p);
    async_fd(p[1]);
    reset();
    close(p[0]);
    wait_sig();
    T_EQ("rt_sigaction F_SETSIG, the pipe's reader closed: the writer gets POLL_OUT", code, POLL_OUT);
    close(p[1]);

    pipe(p);
    async_fd(p[1]);
    static char big[1 << 16], sink[1 << 16];
    while (write(p[1], big, sizeof big) > 0)
        ;
    reset();
    read(p[0], sink, sizeof sink);
    wait_sig();
    T_EQ("rt_sigaction F_SETSIG, a full pipe drained: si_code POLL_OUT", code, POLL_OUT);
    T_EQ("rt_sigaction F_SETSIG POLL_OUT: si_band POLLOUT|POLLWRNORM|POLLWRBAND", band,
         POLLOUT | POLLWRNORM | POLLWRBAND);
    close(p[0]), close(p[1]);
}

static void unix_sockets(void)
{
    int s[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, s);
    async_fd(s[0]);
    write(s[1], "x", 1);
    wait_sig();
    reset();
    shutdown(s[1], SHUT_WR);
    wait_sig();
    T_EQ("rt_sigaction F_SETSIG, the peer shut down for writing: si_code POLL_IN", code, POLL_IN);
    reset();
    close(s[1]);
    wait_sig();
    T_EQ("rt_sigaction F_SETSIG, the peer closed: si_code POLL_HUP", code, POLL_HUP);
    T_EQ("rt_sigaction F_SETSIG POLL_HUP: si_band POLLHUP|POLLERR", band, POLLHUP | POLLERR);
    close(s[0]);
}

static void dnotify(void)
{
    tap_scratch("sigiocodes");
    int d = open(".", O_RDONLY | O_DIRECTORY);
    fcntl(d, F_SETSIG, SIGRTMIN);
    reset();
    fcntl(d, F_NOTIFY, DN_CREATE);
    close(open("new", O_CREAT | O_WRONLY, 0600));
    wait_sig();
    T_EQ("rt_sigaction F_SETSIG with F_NOTIFY, a file created: si_code POLL_MSG", code, POLL_MSG);
    T_EQ("rt_sigaction F_SETSIG POLL_MSG: si_band POLLIN|POLLRDNORM|POLLMSG", band, POLLIN | POLLRDNORM | POLLMSG);
    close(d);
    chdir("/");
    tap_cleanup_dir(tap_dir);
}

/* TCP on 127.0.0.1: a refused connect is POLL_ERR. */
static void tcp(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int l = socket(AF_INET, SOCK_STREAM, 0);
    socklen_t al = sizeof a;
    bind(l, (struct sockaddr *)&a, sizeof a);
    getsockname(l, (struct sockaddr *)&a, &al); /* a port nobody listens on once l is closed */
    close(l);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    async_fd(c);
    reset();
    connect(c, (struct sockaddr *)&a, sizeof a);
    wait_sig();
    T_EQ("rt_sigaction F_SETSIG, a refused TCP connect: si_code POLL_ERR", code, POLL_ERR);
    T_EQ("rt_sigaction F_SETSIG POLL_ERR: si_band POLLERR", band, POLLERR);
    close(c);
}

static void library_codes(void)
{
    const char *name = "/skiff-conf-sigiocodes";
    struct mq_attr at = { .mq_maxmsg = 4, .mq_msgsize = 8 };
    mq_unlink(name);
    mqd_t m = mq_open(name, O_CREAT | O_RDWR, 0600, &at);
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
    mq_notify(m, &ev);
    reset();
    mq_send(m, "a", 1, 0);
    wait_sig();
    T_EQ("rt_sigaction mq_notify's signal: si_code SI_MESGQ", code, SI_MESGQ);
    mq_close(m);
    mq_unlink(name);

    int fd = open("/proc/self/stat", O_RDONLY);
    char buf[8];
    struct aiocb cb = { .aio_fildes = fd, .aio_buf = buf, .aio_nbytes = 1 };
    cb.aio_sigevent.sigev_notify = SIGEV_SIGNAL;
    cb.aio_sigevent.sigev_signo = SIGUSR1;
    reset();
    aio_read(&cb);
    wait_sig();
    T_EQ("rt_sigaction aio_read's signal: si_code SI_ASYNCIO", code, SI_ASYNCIO);
    close(fd);
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_sig, .sa_flags = SA_SIGINFO | SA_RESTART };
    sigaction(SIGRTMIN, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    pipes();
    unix_sockets();
    dnotify();
    tcp();
    library_codes();
    return tap_done();
}
