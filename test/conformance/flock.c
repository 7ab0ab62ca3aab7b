/* test/conformance/flock.c — flock(2): shared and exclusive locks between open file descriptions, LOCK_NB,
 * conversion (not atomic: a failed one loses the old lock, as on Linux), locks shared through dup and fork,
 * released when the last fd of the description closes, a blocked LOCK_EX that gets the lock once the holder
 * exits, EINTR and SA_RESTART, and the error paths. Orderings come from pipes and /proc/PID/stat (a child
 * asleep in the call), never from timing. */
/* covers: flock */
#include "tap.h"
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>

#define F "lockfile"

static void wait_asleep(pid_t c)
{
    while (state_of(c) != 'S')
        usleep(1000);
}

static int status_of(pid_t c, int flags)
{
    int st = 0;
    pid_t r = waitpid(c, &st, flags);
    if (r == 0)
        return -1; /* still running */
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A child that opens F afresh and tries flock(op): exits 0 on success, else with the errno. */
static pid_t try_child(int op)
{
    pid_t c = fork();
    if (c == 0) {
        int fd = open(F, O_RDWR);
        _exit(flock(fd, op) == 0 ? 0 : errno);
    }
    return c;
}

static int try_other(int op)
{
    return status_of(try_child(op), 0);
}

static int handled[2]; /* the handler writes a byte here: the parent knows the signal was taken */
static void on_usr1(int sig) { (void)sig; write(handled[1], "h", 1); }

/* A child that blocks in flock(LOCK_EX) with a SIGUSR1 handler (SA_RESTART or not). */
static pid_t blocked_child(int restart)
{
    pid_t c = fork();
    if (c == 0) {
        struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = restart ? SA_RESTART : 0 };
        sigaction(SIGUSR1, &sa, NULL);
        int fd = open(F, O_RDWR);
        _exit(flock(fd, LOCK_EX) == 0 ? 0 : errno);
    }
    return c;
}

static void test_basic(void)
{
    int a = open(F, O_RDWR | O_CREAT, 0644), b = open(F, O_RDWR);
    T_OK("flock LOCK_SH", flock(a, LOCK_SH), 0);
    T_OK("flock LOCK_SH|LOCK_NB from another description: shared", flock(b, LOCK_SH | LOCK_NB), 0);
    T_EQ("flock LOCK_EX|LOCK_NB in another process while shared -> EWOULDBLOCK", try_other(LOCK_EX | LOCK_NB),
         EWOULDBLOCK);
    T_ERR("flock converting to LOCK_EX|LOCK_NB while the other holds LOCK_SH", flock(b, LOCK_EX | LOCK_NB),
          EWOULDBLOCK);
    T_OK("flock the failed conversion dropped the old lock: LOCK_EX|LOCK_NB on the first", flock(a, LOCK_EX | LOCK_NB),
         0);
    T_OK("flock LOCK_EX again on the same description is a no-op", flock(a, LOCK_EX | LOCK_NB), 0);
    T_EQ("flock LOCK_SH|LOCK_NB in another process while exclusive -> EWOULDBLOCK", try_other(LOCK_SH | LOCK_NB),
         EWOULDBLOCK);
    T_OK("flock converting LOCK_EX down to LOCK_SH", flock(a, LOCK_SH), 0);
    T_EQ("flock LOCK_SH in another process after the downgrade", try_other(LOCK_SH | LOCK_NB), 0);
    T_OK("flock LOCK_UN", flock(a, LOCK_UN), 0);
    T_OK("flock LOCK_UN without a lock", flock(a, LOCK_UN), 0);
    T_EQ("flock LOCK_EX in another process after LOCK_UN", try_other(LOCK_EX | LOCK_NB), 0);
    close(a);
    close(b);
}

static void test_sharing(void)
{
    int a = open(F, O_RDWR);
    flock(a, LOCK_EX);
    int d = dup(a);
    close(a);
    T_EQ("flock a dup keeps the lock after the original fd closes", try_other(LOCK_EX | LOCK_NB), EWOULDBLOCK);
    T_OK("flock LOCK_UN through the dup", flock(d, LOCK_UN), 0);
    T_EQ("flock the lock is gone for everyone", try_other(LOCK_EX | LOCK_NB), 0);
    T_OK("flock LOCK_EX again", flock(d, LOCK_EX), 0);
    int d2 = dup(d);
    close(d);
    T_EQ("flock held while one fd of the description is open", try_other(LOCK_EX | LOCK_NB), EWOULDBLOCK);
    close(d2);
    T_EQ("flock released when the last fd of the description closes", try_other(LOCK_EX | LOCK_NB), 0);

    a = open(F, O_RDWR);
    flock(a, LOCK_EX);
    pid_t c = fork();
    if (c == 0)
        _exit(flock(a, LOCK_EX | LOCK_NB) ? errno : flock(a, LOCK_UN) ? 100 : 0);
    T_EQ("flock a forked child holds the same lock (one description) and can unlock it", status_of(c, 0), 0);
    T_EQ("flock the child's LOCK_UN released the parent's lock too", try_other(LOCK_EX | LOCK_NB), 0);
    close(a);
}

static void test_blocking(void)
{
    int up[2], down[2]; /* child to parent, parent to child */
    char ch = 0;
    if (pipe(up) || pipe(down))
        return;
    pid_t holder = fork();
    if (holder == 0) {
        int fd = open(F, O_RDWR);
        flock(fd, LOCK_EX);
        write(up[1], "x", 1);
        read(down[0], &ch, 1); /* until the parent says so */
        _exit(0);
    }
    read(up[0], &ch, 1);
    pid_t w = try_child(LOCK_EX);
    wait_asleep(w);
    T_EQ("flock LOCK_EX waits while another process holds the lock", status_of(w, WNOHANG), -1);
    write(down[1], "x", 1);
    T_EQ("flock holder exits", status_of(holder, 0), 0);
    T_EQ("flock LOCK_EX got the lock once the holder exited", status_of(w, 0), 0);
    close(up[0]);
    close(up[1]);
    close(down[0]);
    close(down[1]);

    if (pipe(handled))
        return;
    int a = open(F, O_RDWR);
    flock(a, LOCK_EX);
    pid_t c = blocked_child(0);
    wait_asleep(c);
    kill(c, SIGUSR1);
    T_EQ("flock blocked, a handler without SA_RESTART -> EINTR", status_of(c, 0), EINTR);
    read(handled[0], &ch, 1); /* its handler's byte */
    c = blocked_child(1);
    wait_asleep(c);
    kill(c, SIGUSR1);
    read(handled[0], &ch, 1);
    wait_asleep(c);
    T_EQ("flock with SA_RESTART goes on waiting after the handler", status_of(c, WNOHANG), -1);
    flock(a, LOCK_UN);
    T_EQ("flock with SA_RESTART then gets the lock", status_of(c, 0), 0);
    close(a);
}

static void test_errors(void)
{
    int a = open(F, O_RDWR);
    T_ERR("flock a closed fd", flock(-1, LOCK_SH), EBADF);
    T_ERR("flock operation 0", flock(a, 0), EINVAL);
    T_ERR("flock LOCK_SH|LOCK_EX", flock(a, LOCK_SH | LOCK_EX), EINVAL);
    T_ERR("flock LOCK_NB alone", flock(a, LOCK_NB), EINVAL);
    T_ERR("flock a bad operation is checked before the fd", flock(-1, 64), EINVAL);
    T_OK("flock LOCK_MAND is ignored (success, no lock)", flock(a, 32 | LOCK_EX), 0);
    T_EQ("flock nothing was locked by LOCK_MAND", try_other(LOCK_EX | LOCK_NB), 0);
    int o = open(F, O_PATH);
    T_ERR("flock an O_PATH fd", flock(o, LOCK_SH), EBADF);
    int r = open(F, O_RDONLY);
    T_OK("flock LOCK_EX on a read-only fd (flock needs no write access)", flock(r, LOCK_EX | LOCK_NB), 0);
    close(r);
    close(o);
    close(a);
}

int main(void)
{
    tap_scratch("flock");
    test_basic();
    test_sharing();
    test_blocking();
    test_errors();
    tap_finish_dir();
    return tap_done();
}
