/* test/conformance/ttybg.c — job control on a terminal (read(2), write(2), termios(3) TOSTOP, credentials(7)):
 * a process of a background group of the terminal's session that reads its controlling terminal gets SIGTTIN
 * and stops; with TOSTOP a write gets SIGTTOU; without TOSTOP it goes ahead. A background group that ignores
 * or blocks SIGTTIN reads EIO (ignoring SIGTTOU lets a TOSTOP write through); an orphaned background group
 * (its last member with a parent in another group of the session gone) reads EIO and, with TOSTOP, writes EIO,
 * since no job control is left to continue it. The terminal is a pty whose slave is the controlling terminal
 * of a child session leader L; the background processes are L's descendants in groups of their own. */
/* covers: read write */
#include "tap.h"
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>

enum { R_TTIN_STOP, R_TTOU_STOP, R_BGWRITE, R_IGN_READ, R_BLK_READ, R_IGN_TTOU_WRITE, R_ORPH_READ, R_ORPH_WRITE,
       R_ORPH_TTOU_IGN, R_N };

/* In L: a child in a background group of its own runs fn; its stop signal (0 if it exited) and exit code. */
static int bg_child(int sl, int (*fn)(int), int *code)
{
    pid_t c = fork();
    if (c == 0) {
        setpgid(0, 0);
        _exit(fn(sl));
    }
    setpgid(c, c); /* either side may run first: both set it */
    int st = 0;
    *code = -1;
    if (waitpid(c, &st, WUNTRACED) != c)
        return -1;
    if (WIFSTOPPED(st)) {
        int sig = WSTOPSIG(st);
        kill(c, SIGKILL);
        waitpid(c, &st, 0);
        return sig;
    }
    *code = WIFEXITED(st) ? WEXITSTATUS(st) : 200;
    return 0;
}

static int err_of(long r) { return r < 0 ? errno : 0; }
static int do_read(int sl) { char b[8]; return err_of(read(sl, b, sizeof b)); }
static int do_write(int sl) { return err_of(write(sl, "w", 1)); }
static int ign_read(int sl) { signal(SIGTTIN, SIG_IGN); return do_read(sl); }
static int blk_read(int sl)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGTTIN);
    sigprocmask(SIG_BLOCK, &s, NULL);
    return do_read(sl);
}
static int ign_ttou_write(int sl) { signal(SIGTTOU, SIG_IGN); return do_write(sl); }

static void set_tostop(int sl, int on)
{
    struct termios t;
    tcgetattr(sl, &t);
    t.c_lflag = on ? (t.c_lflag | TOSTOP) : (t.c_lflag & ~TOSTOP);
    tcsetattr(sl, TCSANOW, &t);
}

/* In L: a child M in a group of its own whose child G stays in M's group; M exits, so G's parent is outside
 * the session and the group is orphaned; G then reads and writes (TOSTOP) the terminal. */
static void orphaned(int sl, char *r)
{
    int p[2];
    if (pipe(p))
        return;
    pid_t m = fork();
    if (m == 0) {
        setpgid(0, 0);
        pid_t mid = getpid();
        if (fork() == 0) {
            for (int i = 0; i < 5000 && getppid() == mid; i++)
                usleep(1000); /* until M is gone */
            char o[3];
            o[0] = (char)do_read(sl);
            o[1] = (char)do_write(sl); /* TOSTOP is on */
            o[2] = (char)ign_ttou_write(sl);
            write(p[1], o, 3);
            _exit(0);
        }
        _exit(0);
    }
    setpgid(m, m);
    waitpid(m, NULL, 0);
    close(p[1]);
    char o[3] = { 99, 99, 99 };
    if (read(p[0], o, 3) == 3) {
        r[R_ORPH_READ] = o[0];
        r[R_ORPH_WRITE] = o[1];
        r[R_ORPH_TTOU_IGN] = o[2];
    }
    close(p[0]);
}

/* L: a session leader with the slave as its terminal and its own group in the foreground. */
static void leader(const char *name, int out)
{
    char r[R_N];
    memset(r, 99, sizeof r);
    setsid();
    int sl = open(name, O_RDWR);
    if (sl < 0 || tcgetpgrp(sl) != getpid()) {
        write(out, r, sizeof r);
        _exit(1);
    }
    int code;
    r[R_TTIN_STOP] = (char)bg_child(sl, do_read, &code);
    set_tostop(sl, 1);
    r[R_TTOU_STOP] = (char)bg_child(sl, do_write, &code);
    r[R_IGN_TTOU_WRITE] = (char)(bg_child(sl, ign_ttou_write, &code) ? 98 : code);
    set_tostop(sl, 0);
    r[R_BGWRITE] = (char)(bg_child(sl, do_write, &code) ? 98 : code);
    r[R_IGN_READ] = (char)(bg_child(sl, ign_read, &code) ? 98 : code);
    r[R_BLK_READ] = (char)(bg_child(sl, blk_read, &code) ? 98 : code);
    set_tostop(sl, 1);
    orphaned(sl, r);
    write(out, r, sizeof r);
    _exit(0);
}

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    T_TRUE("open /dev/ptmx", m >= 0 && !grantpt(m) && !unlockpt(m));
    char name[64];
    snprintf(name, sizeof name, "%s", ptsname(m));
    fcntl(m, F_SETFL, O_NONBLOCK);
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t l = fork();
    if (l == 0) {
        close(p[0]);
        signal(SIGHUP, SIG_IGN);
        leader(name, p[1]);
    }
    close(p[1]);
    char r[R_N];
    memset(r, 99, sizeof r);
    T_EQ("read the leader's report", read(p[0], r, sizeof r), R_N);
    waitpid(l, NULL, 0);
    T_EQ("read the terminal from a background group: stopped by SIGTTIN", r[R_TTIN_STOP], SIGTTIN);
    T_COVERS("TOSTOP");
    T_EQ("write the terminal from a background group with TOSTOP: stopped by SIGTTOU", r[R_TTOU_STOP], SIGTTOU);
    T_EQ("write the terminal from a background group ignoring SIGTTOU with TOSTOP: written", r[R_IGN_TTOU_WRITE], 0);
    T_EQ("write the terminal from a background group without TOSTOP: written", r[R_BGWRITE], 0);
    T_EQ("read the terminal from a background group ignoring SIGTTIN -> EIO", r[R_IGN_READ], EIO);
    T_EQ("read the terminal from a background group blocking SIGTTIN -> EIO", r[R_BLK_READ], EIO);
    T_EQ("read the terminal from an orphaned background group -> EIO", r[R_ORPH_READ], EIO);
    T_COVERS("TOSTOP");
    T_EQ("write the terminal from an orphaned background group with TOSTOP -> EIO", r[R_ORPH_WRITE], EIO);
    T_EQ("write the terminal from an orphaned background group ignoring SIGTTOU: written", r[R_ORPH_TTOU_IGN], 0);
    close(p[0]);
    close(m);
    while (waitpid(-1, NULL, WNOHANG) > 0) /* under skiff the orphan is ours (pid 1) */
        ;
    return tap_done();
}
