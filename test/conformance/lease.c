/* test/conformance/lease.c — file leases, fcntl F_SETLEASE and F_GETLEASE: read leases need a read-only
 * descriptor and nobody writing, write leases the only open file (EAGAIN otherwise); F_UNLCK without a lease
 * is EAGAIN; directories and pipes take none (EINVAL), another user's file neither (EACCES). A conflicting
 * open with O_NONBLOCK fails with EAGAIN and signals the holder (F_SETSIG's signal, POLL_MSG, si_fd), whose
 * F_GETLEASE then says how far down it must go; downgrading lets readers in, releasing lets writers in. A
 * blocking open in another process waits until the holder lets go; a truncate waits too, and a signal
 * without SA_RESTART ends its wait (EINTR). */
/* covers: fcntl open truncate */
#include "tap.h"
#include <grp.h>
#include <signal.h>
#include <sys/time.h>

#ifndef F_SETLEASE
#define F_SETLEASE 1024
#define F_GETLEASE 1025
#endif
#define NOBODY 65534

static volatile int got, got_sig, got_code, got_fd;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got++;
    got_sig = sig;
    got_code = si->si_code;
    got_fd = si->si_fd;
}

static void rules(void)
{
    int r = open("f", O_RDONLY), w = open("f", O_RDWR);
    T_EQ("fcntl F_GETLEASE without a lease: F_UNLCK", fcntl(r, F_GETLEASE), F_UNLCK);
    T_ERR("fcntl F_SETLEASE F_UNLCK without a lease", fcntl(r, F_SETLEASE, F_UNLCK), EAGAIN);
    T_ERR("fcntl F_SETLEASE with an unknown type", fcntl(r, F_SETLEASE, 5), EINVAL);
    T_ERR("fcntl F_SETLEASE F_RDLCK through a descriptor open for writing", fcntl(w, F_SETLEASE, F_RDLCK), EAGAIN);
    T_ERR("fcntl F_SETLEASE F_RDLCK while the file is open for writing", fcntl(r, F_SETLEASE, F_RDLCK), EAGAIN);
    close(w);
    T_OK("fcntl F_SETLEASE F_RDLCK", fcntl(r, F_SETLEASE, F_RDLCK), 0);
    T_EQ("fcntl F_GETLEASE: F_RDLCK", fcntl(r, F_GETLEASE), F_RDLCK);
    int r2 = open("f", O_RDONLY);
    T_ERR("fcntl F_SETLEASE F_WRLCK while another descriptor is open", fcntl(r2, F_SETLEASE, F_WRLCK), EAGAIN);
    T_OK("open O_RDONLY does not break a read lease", close(open("f", O_RDONLY | O_NONBLOCK)), 0);
    close(r2);
    T_OK("fcntl F_SETLEASE F_UNLCK", fcntl(r, F_SETLEASE, F_UNLCK), 0);
    T_EQ("fcntl F_GETLEASE after F_UNLCK", fcntl(r, F_GETLEASE), F_UNLCK);
    close(r);
    int d = open(".", O_RDONLY | O_DIRECTORY), p[2];
    T_ERR("fcntl F_SETLEASE on a directory", fcntl(d, F_SETLEASE, F_RDLCK), EINVAL);
    close(d);
    pipe(p);
    T_ERR("fcntl F_SETLEASE on a pipe", fcntl(p[0], F_SETLEASE, F_RDLCK), EINVAL);
    T_EQ("fcntl F_GETLEASE on a pipe: F_UNLCK", fcntl(p[0], F_GETLEASE), F_UNLCK);
    close(p[0]);
    close(p[1]);
}

static void breaks(void)
{
    int fd = open("f", O_RDONLY);
    fcntl(fd, F_SETSIG, SIGRTMIN + 1);
    T_OK("fcntl F_SETLEASE F_WRLCK on the only open file", fcntl(fd, F_SETLEASE, F_WRLCK), 0);
    T_EQ("fcntl F_GETLEASE: F_WRLCK", fcntl(fd, F_GETLEASE), F_WRLCK);
    got = 0;
    T_ERR("open O_RDONLY|O_NONBLOCK of a file with a write lease", open("f", O_RDONLY | O_NONBLOCK), EAGAIN);
    getpid();
    T_EQ("fcntl F_SETLEASE: the breaking open signals the holder", got, 1);
    T_EQ("fcntl F_SETLEASE: with F_SETSIG's signal", got_sig, SIGRTMIN + 1);
    T_EQ("fcntl F_SETLEASE: si_code POLL_MSG", got_code, POLL_MSG);
    T_EQ("fcntl F_SETLEASE: si_fd is the lease's descriptor", got_fd, fd);
    T_EQ("fcntl F_GETLEASE while a reader breaks it: F_RDLCK", fcntl(fd, F_GETLEASE), F_RDLCK);
    T_OK("fcntl F_SETLEASE F_RDLCK downgrades", fcntl(fd, F_SETLEASE, F_RDLCK), 0);
    int r = open("f", O_RDONLY | O_NONBLOCK);
    T_TRUE("open O_RDONLY once the lease is a read lease", r >= 0);
    close(r);
    got = 0;
    T_ERR("open O_WRONLY|O_NONBLOCK of a file with a read lease", open("f", O_WRONLY | O_NONBLOCK), EAGAIN);
    getpid();
    T_EQ("fcntl F_SETLEASE: the writer's open signals the holder", got, 1);
    T_EQ("fcntl F_GETLEASE while a writer breaks it: F_UNLCK", fcntl(fd, F_GETLEASE), F_UNLCK);
    T_OK("fcntl F_SETLEASE F_UNLCK ends the break", fcntl(fd, F_SETLEASE, F_UNLCK), 0);
    int w = open("f", O_WRONLY | O_NONBLOCK);
    T_TRUE("open O_WRONLY once the lease is gone", w >= 0);
    close(w);
    close(fd);
}

static int blocked_writer(void)
{
    int w = open("f", O_WRONLY);
    return w >= 0 ? 0 : 1;
}

/* A writer in another process waits in open until the holder, told by the signal, lets go. */
static void blocking(void)
{
    int fd = open("f", O_RDONLY);
    fcntl(fd, F_SETSIG, SIGRTMIN + 1);
    fcntl(fd, F_SETLEASE, F_RDLCK);
    got = 0;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(blocked_writer());
    for (int i = 0; i < 500 && !got; i++)
        usleep(10000);
    T_EQ("fcntl F_SETLEASE: a blocked writer in another process signals the holder", got, 1);
    int st = -1;
    T_EQ("open: the writer is still waiting", waitpid(c, &st, WNOHANG), 0);
    T_OK("fcntl F_SETLEASE F_UNLCK lets the writer in", fcntl(fd, F_SETLEASE, F_UNLCK), 0);
    waitpid(c, &st, 0);
    T_TRUE("open: the blocked writer's open succeeds", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(fd);
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* truncate waits for the holder as an open for writing would; SIGALRM (no SA_RESTART) ends the wait. */
static void interrupted(void)
{
    int fd = open("f", O_RDONLY);
    signal(SIGIO, SIG_IGN); /* the holder is this process: its break signal is dropped */
    fcntl(fd, F_SETLEASE, F_RDLCK);
    struct sigaction sa = { .sa_handler = on_alarm };
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = { { 0, 0 }, { 0, 50000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    T_ERR("truncate of a file with a read lease, interrupted", truncate("f", 0), EINTR);
    T_EQ("fcntl F_GETLEASE after the interrupted truncate: being broken to F_UNLCK", fcntl(fd, F_GETLEASE), F_UNLCK);
    T_EQ("truncate: the interrupted truncate left the size", file_size("f"), 4);
    fcntl(fd, F_SETLEASE, F_UNLCK);
    T_OK("truncate once the lease is gone", truncate("f", 0), 0);
    close(fd);
}

static void as_nobody(void)
{
    int fd = open("f", O_RDONLY);
    if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY)) {
        printf("Bail out! cannot drop to nobody\n");
        exit(2);
    }
    T_ERR("fcntl F_SETLEASE on another user's file", fcntl(fd, F_SETLEASE, F_RDLCK), EACCES);
    T_EQ("fcntl F_GETLEASE on another user's file", fcntl(fd, F_GETLEASE), F_UNLCK);
    close(fd);
}

int main(void)
{
    tap_scratch("lease");
    put_file("f", "data", 4);
    struct sigaction sa = { .sa_sigaction = on_sig, .sa_flags = SA_SIGINFO | SA_RESTART };
    sigaction(SIGIO, &sa, NULL);
    sigaction(SIGRTMIN + 1, &sa, NULL);
    rules();
    breaks();
    blocking();
    interrupted();
    tap_in_child(as_nobody);
    tap_finish_dir();
    return tap_done();
}
