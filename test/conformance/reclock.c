/* test/conformance/reclock.c — fcntl record locks between processes: F_GETLK/F_SETLK/F_SETLKW over byte ranges
 * (l_whence, negative l_len, 0 = to EOF), splitting and merging an owner's ranges, POSIX semantics (owned by the
 * process, all dropped when it closes ANY fd for the file and at exit, not inherited by fork), F_SETLKW waiting
 * until the holder exits, EINTR, EDEADLK for a two-process cycle, OFD locks (F_OFD_*: owned by the open file
 * description, conflicting with POSIX locks even in one process), and the error paths. Orderings come from pipes
 * and /proc/PID/stat (a child asleep in the call), never from timing. */
/* covers: fcntl */
#include "tap.h"
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

#define F "recfile"

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

/* A child keeps none of its parent's descriptions open (an OFD lock lives as long as one of them). */
static void close_inherited(int keep)
{
    for (int fd = 3; fd < 64; fd++)
        if (fd != keep)
            close(fd);
}

static int lk(int fd, int cmd, short type, short whence, off_t start, off_t len)
{
    struct flock l = { .l_type = type, .l_whence = whence, .l_start = start, .l_len = len };
    return fcntl(fd, cmd, &l);
}

/* F_GETLK (or F_OFD_GETLK) from a fresh open in a child: what it reports comes back through a pipe. */
static struct flock other_getlk(int cmd, short type, off_t start, off_t len)
{
    int p[2];
    struct flock l = { .l_type = -1 };
    if (pipe(p))
        return l;
    pid_t c = fork();
    if (c == 0) {
        close_inherited(p[1]);
        int fd = open(F, O_RDWR);
        struct flock q = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
        if (fcntl(fd, cmd, &q))
            q.l_type = -2;
        write(p[1], &q, sizeof q);
        _exit(0);
    }
    read(p[0], &l, sizeof l);
    status_of(c, 0);
    close(p[0]);
    close(p[1]);
    return l;
}

/* A child that opens F afresh and tries the lock: exits 0 on success, else with the errno. */
static pid_t other_child(int cmd, short type, off_t start, off_t len)
{
    pid_t c = fork();
    if (c == 0) {
        close_inherited(-1);
        int fd = open(F, O_RDWR);
        _exit(lk(fd, cmd, type, SEEK_SET, start, len) ? errno : 0);
    }
    return c;
}

static int other_try(int cmd, short type, off_t start, off_t len)
{
    return status_of(other_child(cmd, type, start, len), 0);
}

static int is_lock(struct flock l, short type, off_t start, off_t len)
{
    return l.l_type == type && l.l_whence == SEEK_SET && l.l_start == start && l.l_len == len;
}

static void unlock_all(int fd)
{
    lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
}

static void test_conflicts(int fd)
{
    T_OK("fcntl F_SETLK F_WRLCK [0,10)", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10), 0);
    struct flock l = other_getlk(F_GETLK, F_WRLCK, 0, 0);
    T_TRUE("fcntl F_GETLK in another process reports the lock", is_lock(l, F_WRLCK, 0, 10));
    T_EQ("fcntl F_GETLK reports the holder's pid", l.l_pid, getpid());
    T_EQ("fcntl F_SETLK F_WRLCK overlapping in another process -> EAGAIN", other_try(F_SETLK, F_WRLCK, 5, 1), EAGAIN);
    T_EQ("fcntl F_SETLK F_RDLCK overlapping in another process -> EAGAIN", other_try(F_SETLK, F_RDLCK, 9, 5), EAGAIN);
    T_EQ("fcntl F_SETLK on the next byte in another process", other_try(F_SETLK, F_WRLCK, 10, 5), 0);
    struct flock own = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    T_OK("fcntl F_GETLK in the holder: its own locks never conflict", fcntl(fd, F_GETLK, &own), 0);
    T_EQ("fcntl F_GETLK in the holder says F_UNLCK", own.l_type, F_UNLCK);
    T_OK("fcntl F_SETLK converting its own F_WRLCK to F_RDLCK", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10), 0);
    T_EQ("fcntl F_SETLK F_RDLCK in another process shares it", other_try(F_SETLK, F_RDLCK, 0, 10), 0);
    T_EQ("fcntl F_SETLK F_WRLCK in another process still -> EAGAIN", other_try(F_SETLK, F_WRLCK, 0, 1), EAGAIN);
    T_OK("fcntl F_SETLK F_UNLCK", lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 10), 0);
    T_EQ("fcntl F_GETLK after the unlock says F_UNLCK", other_getlk(F_GETLK, F_WRLCK, 0, 0).l_type, F_UNLCK);
    T_OK("fcntl F_SETLK F_UNLCK where nothing is locked", lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 100, 10), 0);
}

static void test_ranges(int fd)
{
    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100);
    T_OK("fcntl F_SETLK F_UNLCK [40,60) splits [0,100)", lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20), 0);
    T_EQ("fcntl split: the hole is free", other_getlk(F_GETLK, F_WRLCK, 50, 1).l_type, F_UNLCK);
    T_TRUE("fcntl split: the head is [0,40)", is_lock(other_getlk(F_GETLK, F_WRLCK, 30, 1), F_WRLCK, 0, 40));
    T_TRUE("fcntl split: the tail is [60,100)", is_lock(other_getlk(F_GETLK, F_WRLCK, 70, 1), F_WRLCK, 60, 40));
    unlock_all(fd);

    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
    T_OK("fcntl F_SETLK an adjacent range of the same type", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 10), 0);
    T_TRUE("fcntl adjacent ranges merge into [0,20)", is_lock(other_getlk(F_GETLK, F_WRLCK, 0, 1), F_WRLCK, 0, 20));
    unlock_all(fd);

    lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 100);
    T_OK("fcntl F_SETLK F_WRLCK [40,60) inside F_RDLCK [0,100)", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 40, 20), 0);
    T_TRUE("fcntl a reader sees only the write lock", is_lock(other_getlk(F_GETLK, F_RDLCK, 0, 0), F_WRLCK, 40, 20));
    T_TRUE("fcntl the read lock's head is [0,40)", is_lock(other_getlk(F_GETLK, F_WRLCK, 0, 1), F_RDLCK, 0, 40));
    T_TRUE("fcntl the read lock's tail is [60,100)", is_lock(other_getlk(F_GETLK, F_WRLCK, 99, 1), F_RDLCK, 60, 40));
    unlock_all(fd);

    T_OK("fcntl F_SETLK l_len 0 locks to EOF and past it", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 200, 0), 0);
    T_TRUE("fcntl F_GETLK reports l_len 0", is_lock(other_getlk(F_GETLK, F_WRLCK, 100000, 1), F_WRLCK, 200, 0));
    unlock_all(fd);
    T_OK("fcntl F_SETLK negative l_len: [start+len, start)", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 50, -10), 0);
    T_TRUE("fcntl negative l_len locked [40,50)", is_lock(other_getlk(F_GETLK, F_WRLCK, 0, 0), F_WRLCK, 40, 10));
    unlock_all(fd);
    lseek(fd, 20, SEEK_SET);
    T_OK("fcntl F_SETLK SEEK_CUR", lk(fd, F_SETLK, F_WRLCK, SEEK_CUR, 5, 5), 0);
    T_TRUE("fcntl SEEK_CUR: from the file position", is_lock(other_getlk(F_GETLK, F_WRLCK, 0, 0), F_WRLCK, 25, 5));
    unlock_all(fd);
    T_OK("fcntl F_SETLK SEEK_END -10", lk(fd, F_SETLK, F_WRLCK, SEEK_END, -10, 5), 0);
    T_TRUE("fcntl SEEK_END: from the size", is_lock(other_getlk(F_GETLK, F_WRLCK, 0, 0), F_WRLCK, 90, 5));
    unlock_all(fd);
}

static void test_posix_owner(int fd)
{
    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
    int fd2 = open(F, O_RDONLY);
    close(fd2);
    T_EQ("fcntl closing ANOTHER fd of the file drops the process's locks",
         other_getlk(F_GETLK, F_WRLCK, 0, 0).l_type, F_UNLCK);
    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
    int d = dup(fd);
    close(d);
    T_EQ("fcntl closing a dup drops them too", other_getlk(F_GETLK, F_WRLCK, 0, 0).l_type, F_UNLCK);

    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
    pid_t c = fork();
    if (c == 0) {
        struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
        if (fcntl(fd, F_GETLK, &l) || l.l_type != F_WRLCK || l.l_pid != getppid())
            _exit(100);
        _exit(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) ? errno : 0);
    }
    T_EQ("fcntl locks are not inherited: the child conflicts with its parent on the same fd", status_of(c, 0),
         EAGAIN);
    T_TRUE("fcntl the child's exit left the parent's lock",
           is_lock(other_getlk(F_GETLK, F_WRLCK, 0, 0), F_WRLCK, 0, 10));
    unlock_all(fd);

    int up[2], down[2];
    char ch;
    if (pipe(up) || pipe(down))
        return;
    pid_t h = fork();
    if (h == 0) {
        int f = open(F, O_RDWR);
        lk(f, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
        write(up[1], "x", 1);
        read(down[0], &ch, 1);
        _exit(0); /* the lock goes with the process */
    }
    read(up[0], &ch, 1);
    struct flock l = other_getlk(F_GETLK, F_WRLCK, 0, 0);
    T_TRUE("fcntl F_GETLK names the holding child", is_lock(l, F_WRLCK, 0, 10) && l.l_pid == h);
    T_ERR("fcntl F_SETLK while a child holds it", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10), EAGAIN);
    pid_t w = other_child(F_SETLKW, F_WRLCK, 0, 10);
    wait_asleep(w);
    T_EQ("fcntl F_SETLKW waits while another process holds the lock", status_of(w, WNOHANG), -1);
    write(down[1], "x", 1);
    status_of(h, 0);
    T_EQ("fcntl F_SETLKW gets the lock once the holder exits", status_of(w, 0), 0);
    T_OK("fcntl the holder's exit released it", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10), 0);
    unlock_all(fd);
    close(up[0]), close(up[1]), close(down[0]), close(down[1]);
}

static void on_usr1(int sig) { (void)sig; }

static void test_wait(int fd)
{
    /* a cycle: the parent holds byte 0, the child byte 1 and waits for byte 0; the parent asking for byte 1
     * would wait for ever */
    int up[2];
    char ch;
    if (pipe(up))
        return;
    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
    pid_t c = fork();
    if (c == 0) {
        int f = open(F, O_RDWR);
        lk(f, F_SETLK, F_WRLCK, SEEK_SET, 1, 1);
        write(up[1], "x", 1);
        _exit(lk(f, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1) ? errno : 0);
    }
    read(up[0], &ch, 1);
    wait_asleep(c);
    T_ERR("fcntl F_SETLKW closing a cycle between two processes", lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1),
          EDEADLK);
    T_ERR("fcntl F_SETLK in the same place just conflicts", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1), EAGAIN);
    unlock_all(fd);
    T_EQ("fcntl the other side of the cycle gets its lock", status_of(c, 0), 0);
    close(up[0]), close(up[1]);

    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
    c = fork();
    if (c == 0) {
        struct sigaction sa = { .sa_handler = on_usr1 };
        sigaction(SIGUSR1, &sa, NULL);
        int f = open(F, O_RDWR);
        _exit(lk(f, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1) ? errno : 0);
    }
    wait_asleep(c);
    kill(c, SIGUSR1);
    T_EQ("fcntl F_SETLKW interrupted by a handler -> EINTR", status_of(c, 0), EINTR);
    unlock_all(fd);
}

static int go[2];
static void *thread_ends_process(void *arg)
{
    char ch;
    (void)arg;
    read(go[0], &ch, 1);
    _exit(0); /* exit_group: the main thread, asleep in F_SETLKW, ends with it */
}

/* A thread asleep in F_SETLKW when its process exits is no waiter any more: the next deadlock check, which
 * walks the waiters, once read the gone thread's stack. */
static void test_exit_group(int fd)
{
    int up[2];
    char ch;
    if (pipe(go) || pipe(up))
        return;
    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
    pid_t c = fork();
    if (c == 0) {
        close_inherited(go[0]);
        pthread_t t;
        pthread_create(&t, NULL, thread_ends_process, NULL);
        int f = open(F, O_RDWR);
        lk(f, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
        _exit(1);
    }
    wait_asleep(c);
    write(go[1], "x", 1);
    T_EQ("fcntl a process whose thread waits in F_SETLKW exits", status_of(c, 0), 0);
    pid_t h = fork();
    if (h == 0) {
        close_inherited(up[1]);
        int f = open(F, O_RDWR);
        lk(f, F_SETLK, F_WRLCK, SEEK_SET, 5, 1);
        write(up[1], "x", 1);
        wait_asleep(getppid()); /* the parent waits for byte 5 */
        _exit(0);
    }
    read(up[0], &ch, 1);
    T_OK("fcntl F_SETLKW after it: the deadlock check walks the waiters", lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 5, 1),
         0);
    status_of(h, 0);
    unlock_all(fd);
    close(go[0]), close(go[1]), close(up[0]), close(up[1]);
}

static void test_ofd(int fd)
{
    int a = open(F, O_RDWR), b = open(F, O_RDWR);
    T_OK("fcntl F_OFD_SETLK F_WRLCK [0,10)", lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10), 0);
    T_ERR("fcntl F_OFD_SETLK from another description in the same process",
          lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 1), EAGAIN);
    T_ERR("fcntl F_SETLK (POSIX) conflicts with an OFD lock of the same process",
          lk(b, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EAGAIN);
    struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    T_OK("fcntl F_OFD_GETLK from another description", fcntl(b, F_OFD_GETLK, &l), 0);
    T_TRUE("fcntl F_OFD_GETLK reports the lock with l_pid -1", is_lock(l, F_WRLCK, 0, 10) && l.l_pid == -1);
    l = other_getlk(F_GETLK, F_WRLCK, 0, 0);
    T_TRUE("fcntl F_GETLK in another process reports the OFD lock with l_pid -1", is_lock(l, F_WRLCK, 0, 10) &&
           l.l_pid == -1);
    close(b);
    T_TRUE("fcntl closing another fd of the file leaves the OFD lock",
           is_lock(other_getlk(F_OFD_GETLK, F_WRLCK, 0, 0), F_WRLCK, 0, 10));
    pid_t c = fork();
    if (c == 0)
        _exit(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 20) ? errno : 0);
    T_EQ("fcntl F_OFD_SETLK through a forked fd: the same owner", status_of(c, 0), 0);
    T_TRUE("fcntl the child's exit left the OFD lock (now [0,20))",
           is_lock(other_getlk(F_OFD_GETLK, F_WRLCK, 0, 0), F_WRLCK, 0, 20));
    T_EQ("fcntl F_OFD_SETLKW in another process", status_of(c = other_child(F_OFD_SETLK, F_RDLCK, 0, 1), 0), EAGAIN);
    c = other_child(F_OFD_SETLKW, F_WRLCK, 0, 1);
    wait_asleep(c);
    T_EQ("fcntl F_OFD_SETLKW waits", status_of(c, WNOHANG), -1);
    close(a);
    T_EQ("fcntl F_OFD_SETLKW gets it once the description's last fd closes", status_of(c, 0), 0);
    (void)fd;
}

static void test_errors(int fd)
{
    struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    T_ERR("fcntl F_SETLK on a closed fd", fcntl(-1, F_SETLK, &l), EBADF);
    T_ERR("fcntl F_SETLK a bad pointer", fcntl(fd, F_SETLK, BADUPTR), EFAULT);
    T_ERR("fcntl F_GETLK a bad pointer", fcntl(fd, F_GETLK, BADUPTR), EFAULT);
    T_ERR("fcntl F_SETLK l_whence 3", lk(fd, F_SETLK, F_WRLCK, 3, 0, 1), EINVAL);
    T_ERR("fcntl F_SETLK l_type 7", lk(fd, F_SETLK, 7, SEEK_SET, 0, 1), EINVAL);
    T_ERR("fcntl F_GETLK l_type F_UNLCK", lk(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 1), EINVAL);
    T_ERR("fcntl F_SETLK a negative start", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1), EINVAL);
    T_ERR("fcntl F_SETLK a negative l_len before 0", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, -6), EINVAL);
    T_ERR("fcntl F_SETLK past the largest offset", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, INT64_MAX, 2), EOVERFLOW);
    T_ERR("fcntl F_SETLK SEEK_END past the largest offset", lk(fd, F_SETLK, F_WRLCK, SEEK_END, INT64_MAX, 1),
          EOVERFLOW);
    int r = open(F, O_RDONLY), w = open(F, O_WRONLY);
    T_ERR("fcntl F_SETLK F_WRLCK on a read-only fd", lk(r, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
    T_ERR("fcntl F_SETLK F_RDLCK on a write-only fd", lk(w, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF);
    T_OK("fcntl F_SETLK F_RDLCK on a read-only fd", lk(r, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), 0);
    l = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_pid = 1 };
    T_ERR("fcntl F_OFD_SETLK with l_pid set", fcntl(fd, F_OFD_SETLK, &l), EINVAL);
    T_ERR("fcntl F_OFD_GETLK with l_pid set", fcntl(fd, F_OFD_GETLK, &l), EINVAL);
    close(r);
    close(w);
}

int main(void)
{
    tap_scratch("reclock");
    int fd = open(F, O_RDWR | O_CREAT, 0644);
    char buf[100] = { 0 };
    write(fd, buf, sizeof buf);
    test_conflicts(fd);
    test_ranges(fd);
    test_posix_owner(fd);
    test_wait(fd);
    test_exit_group(fd);
    test_ofd(fd);
    test_errors(fd);
    close(fd);
    tap_finish_dir();
    return tap_done();
}
