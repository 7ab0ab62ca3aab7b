/* test/conformance/pty.c — pseudo-terminals (pty(7), pts(4), ioctl_tty(2)): /dev/ptmx and devpts, the Unix 98
 * calls (posix_openpt, grantpt, unlockpt, ptsname, openpty), TIOCGPTN, TIOCSPTLCK/TIOCGPTLCK (a locked slave
 * opens with EIO), TIOCGPTPEER, the slave's line discipline as the master sees it (canonical lines, echo through
 * ONLCR, erase, ICRNL, ^C as SIGINT to the foreground group, ^D, raw mode), FIONREAD and TIOCOUTQ, window size
 * with SIGWINCH, the controlling terminal (taken at open by a session leader, TIOCSCTTY, TIOCGSID, TIOCGPGRP,
 * TIOCSPGRP, /proc/self/stat's tty_nr), poll on both sides, full buffers (EAGAIN), and the ends: the slaves'
 * last close (the master reads EIO), the master's (the slave reads 0, writes EIO, its session leader gets
 * SIGHUP, /dev/pts/N goes), a session leader's exit (SIGHUP to its foreground group). Everything runs in a
 * child that made its own session, so it starts without a controlling terminal natively and under skiff. */
/* covers: ioctl */
#include "tap.h"
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <termios.h>

struct termio_k { /* struct termio (musl has no <termio.h>) */
    unsigned short c_iflag, c_oflag, c_cflag, c_lflag;
    unsigned char c_line, c_cc[8];
};
#ifndef TCGETA
#define TCGETA 0x5405
#define TCSETA 0x5406
#endif
#ifndef TIOCGEXCL
#define TIOCGEXCL _IOR('T', 0x40, int)
#endif
#ifndef TIOCGPKT
#define TIOCGPKT _IOR('T', 0x38, int)
#endif
#ifndef TIOCPKT_FLUSHREAD
#define TIOCPKT_FLUSHREAD 1
#define TIOCPKT_FLUSHWRITE 2
#define TIOCPKT_STOP 4
#define TIOCPKT_START 8
#define TIOCPKT_NOSTOP 16
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static volatile int got_winch, got_int, got_hup;
static void on_winch(int s) { (void)s; got_winch++; }
static void on_int(int s) { (void)s; got_int++; }
static void on_hup(int s) { (void)s; got_hup++; }

static int rd(int fd, char *buf, size_t n)
{
    int r = (int)read(fd, buf, n - 1);
    buf[r > 0 ? r : 0] = 0;
    return r;
}

/* What the master has to read, as text: Linux hands bytes between the sides a little later (a work queue), so
 * this waits until nothing more comes for a while. */
static const char *drain(int m, char *buf, size_t n)
{
    int fl = fcntl(m, F_GETFL);
    fcntl(m, F_SETFL, fl | O_NONBLOCK);
    size_t got = 0;
    struct pollfd p = { m, POLLIN, 0 };
    for (int r; got + 1 < n && poll(&p, 1, got ? 100 : 1000) == 1 && (r = (int)read(m, buf + got, n - 1 - got)) > 0;)
        got += (size_t)r;
    buf[got] = 0;
    fcntl(m, F_SETFL, fl);
    return buf;
}

static short revents(int fd, short ev)
{
    struct pollfd p = { fd, ev, 0 };
    return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static int stat_field(int field, long *out) /* /proc/self/stat's field (1-based), after the comm */
{
    char buf[1024];
    int fd = open("/proc/self/stat", O_RDONLY);
    int r = fd < 0 ? -1 : (int)read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    if (r <= 0)
        return -1;
    buf[r] = 0;
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p += 2;
    for (int f = 3; f < field; f++) {
        p = strchr(p, ' ');
        if (!p)
            return -1;
        p++;
    }
    *out = strtol(p, NULL, 10);
    return 0;
}

static void unix98(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    T_TRUE("open /dev/ptmx (posix_openpt) gives a master", m >= 0);
    unsigned n = ~0u;
    T_OK("ioctl TIOCGPTN", ioctl(m, TIOCGPTN, &n), 0);
    char want[32], *name = ptsname(m);
    snprintf(want, sizeof want, "/dev/pts/%u", n);
    T_TRUE("ioctl ptsname is /dev/pts/N (TIOCGPTN)", name && !strcmp(name, want));
    struct stat st;
    T_OK("stat /dev/pts/N", stat(want, &st), 0);
    T_TRUE("stat /dev/pts/N is a character device, major 136", S_ISCHR(st.st_mode) && major(st.st_rdev) == 136 + n / 256
           && minor(st.st_rdev) == n % 256);
    T_EQ("stat /dev/pts/N belongs to the caller", st.st_uid, getuid());
    int lk = -1;
    T_OK("ioctl TIOCGPTLCK of a new pty", ioctl(m, TIOCGPTLCK, &lk), 0);
    T_EQ("ioctl TIOCGPTLCK: locked", lk, 1);
    T_ERR("open of a locked slave", open(want, O_RDWR | O_NOCTTY), EIO);
    T_ERR("ioctl TIOCGPTPEER of a locked slave", ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY), EIO);
    T_OK("ioctl grantpt", grantpt(m), 0);
    T_OK("ioctl unlockpt (TIOCSPTLCK 0)", unlockpt(m), 0);
    T_OK("ioctl TIOCGPTLCK after unlockpt", ioctl(m, TIOCGPTLCK, &lk), 0);
    T_EQ("ioctl TIOCGPTLCK: unlocked", lk, 0);
    int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    T_TRUE("ioctl TIOCGPTPEER opens the slave", s >= 0);
    struct stat a, b;
    T_TRUE("ioctl TIOCGPTPEER: the same node as /dev/pts/N", !fstat(s, &a) && !stat(want, &b) && a.st_rdev == b.st_rdev);
    unsigned n2;
    T_ERR("ioctl TIOCGPTN on the slave", ioctl(s, TIOCGPTN, &n2), ENOTTY);
    T_ERR("ioctl TIOCGPTN into a bad pointer", ioctl(m, TIOCGPTN, BADUPTR), EFAULT);
    T_ERR("ioctl TIOCSPTLCK from a bad pointer", ioctl(m, TIOCSPTLCK, BADUPTR), EFAULT);
    T_ERR("ioctl TIOCGPTN on /dev/null", ioctl(open("/dev/null", O_RDONLY), TIOCGPTN, &n2), ENOTTY);
    T_TRUE("ioctl isatty of master and slave", isatty(m) && isatty(s));
    close(s);
    close(m);
    T_ERR("stat /dev/pts/N after the master's close", stat(want, &st), ENOENT);
    int ma, sl;
    char nm[64];
    T_OK("ioctl openpty", openpty(&ma, &sl, nm, NULL, NULL), 0);
    T_TRUE("ioctl openpty names the slave", !strncmp(nm, "/dev/pts/", 9) && ttyname(sl) && !strcmp(ttyname(sl), nm));
    close(ma);
    close(sl);
}

static void termios_checks(int m, int s)
{
    struct termios t;
    T_OK("ioctl TCGETS on the slave", tcgetattr(s, &t), 0);
    T_EQ("ioctl TCGETS: c_iflag ICRNL|IXON", t.c_iflag, ICRNL | IXON);
    T_EQ("ioctl TCGETS: c_oflag OPOST|ONLCR", t.c_oflag, OPOST | ONLCR);
    T_EQ("ioctl TCGETS: c_cflag B38400|CS8|CREAD", t.c_cflag, B38400 | CS8 | CREAD);
    T_EQ("ioctl TCGETS: c_lflag", t.c_lflag, ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN);
    T_EQ("ioctl TCGETS: VINTR ^C, VEOF ^D", t.c_cc[VINTR] * 256 + t.c_cc[VEOF], 3 * 256 + 4);
    struct termios mt;
    T_OK("ioctl TCGETS on the master", tcgetattr(m, &mt), 0);
    T_EQ("ioctl TCGETS on the master gives the slave's", mt.c_lflag, t.c_lflag);
    T_ERR("ioctl TCGETS into a bad pointer", ioctl(s, TCGETS, BADUPTR), EFAULT);
    T_ERR("ioctl TCSETS from a bad pointer", ioctl(s, TCSETS, BADUPTR), EFAULT);
    T_ERR("ioctl TCGETS on /dev/null", ioctl(open("/dev/null", O_RDONLY), TCGETS, &t), ENOTTY);
    T_ERR("ioctl TCFLSH with a bad queue", ioctl(s, TCFLSH, 7), EINVAL);
    T_OK("ioctl TCFLSH TCIOFLUSH", tcflush(s, TCIOFLUSH), 0);
    T_OK("ioctl tcdrain (TCSBRK 1)", tcdrain(s), 0);
}

static void discipline(int m, int s)
{
    char buf[256];
    T_OK("write to the master: a line", write(m, "ab\n", 3), 3);
    int q = -1;
    struct pollfd pf = { s, POLLIN, 0 };
    poll(&pf, 1, 1000);
    T_OK("ioctl FIONREAD on the slave", ioctl(s, FIONREAD, &q), 0);
    T_EQ("ioctl FIONREAD: the line's 3 bytes", q, 3);
    T_OK("read the line from the slave", rd(s, buf, sizeof buf), 3);
    T_TRUE("read the slave gets ab\\n", !strcmp(buf, "ab\n"));
    T_TRUE("read the master: the echo, \\n as \\r\\n (ONLCR)", !strcmp(drain(m, buf, sizeof buf), "ab\r\n"));
    T_OK("write to the master: an erased character", write(m, "abc\177d\n", 6), 6);
    T_OK("read the slave: ICANON erase", rd(s, buf, sizeof buf), 4);
    T_TRUE("read the slave gets abd\\n", !strcmp(buf, "abd\n"));
    T_TRUE("read the master: erase echoed as \\b \\b (ECHOE)", !strcmp(drain(m, buf, sizeof buf), "abc\b \bd\r\n"));
    T_OK("write to the master: \\r", write(m, "hi\r", 3), 3);
    T_OK("read the slave: ICRNL made it \\n", rd(s, buf, sizeof buf), 3);
    T_TRUE("read the slave gets hi\\n", !strcmp(buf, "hi\n"));
    drain(m, buf, sizeof buf);
    T_OK("write to the slave", write(s, "x\ny", 3), 3);
    T_EQ("poll the master after the slave wrote: readable", revents(m, POLLIN), POLLIN);
    T_OK("ioctl TIOCOUTQ on the slave", ioctl(s, TIOCOUTQ, &q), 0);
    T_EQ("ioctl TIOCOUTQ: 0", q, 0);
    T_TRUE("read the master: x\\r\\ny", !strcmp(drain(m, buf, sizeof buf), "x\r\ny"));
    T_OK("write ^D to the master on an empty line", write(m, "\004", 1), 1);
    T_OK("read the slave: end of file (0)", read(s, buf, sizeof buf), 0);
    int fl = fcntl(s, F_GETFL);
    fcntl(s, F_SETFL, fl | O_NONBLOCK);
    T_ERR("read an empty slave, O_NONBLOCK", read(s, buf, sizeof buf), EAGAIN);
    T_OK("write a half line to the master", write(m, "par", 3), 3);
    T_ERR("read the slave: no whole line yet", read(s, buf, sizeof buf), EAGAIN);
    fcntl(s, F_SETFL, fl);
    drain(m, buf, sizeof buf);
    fl = fcntl(m, F_GETFL);
    fcntl(m, F_SETFL, fl | O_NONBLOCK);
    T_ERR("read an empty master, O_NONBLOCK", read(m, buf, sizeof buf), EAGAIN);
    fcntl(m, F_SETFL, fl);
    T_EQ("poll the master: writable, nothing to read", revents(m, POLLIN | POLLOUT), POLLOUT);
    T_EQ("poll the slave: writable, no line", revents(s, POLLIN | POLLOUT), POLLOUT);
    write(m, "t\n", 2);
    T_EQ("poll the slave after a line: readable", revents(s, POLLIN | POLLOUT), POLLIN | POLLOUT);
    T_EQ("poll the master: the echo is readable", revents(m, POLLIN), POLLIN);
    tcflush(s, TCIOFLUSH);
    T_EQ("poll the slave after TCFLSH: nothing to read", revents(s, POLLIN), 0);
    T_EQ("poll the master after the slave's TCOFLUSH: the echo is still there", revents(m, POLLIN), POLLIN);
    T_OK("ioctl TCFLSH TCIFLUSH on the master", tcflush(m, TCIFLUSH), 0);
    T_EQ("poll the master after its TCIFLUSH: nothing to read", revents(m, POLLIN), 0);
    /* raw mode */
    struct termios t, saved;
    tcgetattr(s, &saved);
    t = saved;
    cfmakeraw(&t);
    T_OK("ioctl TCSETS raw (cfmakeraw)", tcsetattr(s, TCSANOW, &t), 0);
    T_OK("write to the master in raw mode", write(m, "a\rb\003", 4), 4);
    T_OK("read the slave in raw mode: bytes as they came", rd(s, buf, sizeof buf), 4);
    T_TRUE("read the slave in raw mode: no ICRNL, ^C is data", !memcmp(buf, "a\rb\003", 4));
    T_TRUE("read the master in raw mode: no echo", !strcmp(drain(m, buf, sizeof buf), ""));
    T_OK("write to the slave in raw mode", write(s, "1\n2", 3), 3);
    T_TRUE("read the master in raw mode: no ONLCR", !strcmp(drain(m, buf, sizeof buf), "1\n2"));
    T_OK("ioctl TCSETSF back to canonical", tcsetattr(s, TCSAFLUSH, &saved), 0);
}

/* TIOCPKT: the master's reads carry a leading byte, 0 before data, else the events since the last read. */
static void packet_mode(int m, int s)
{
    char buf[64];
    int on = 1, got = -1;
    T_OK("ioctl TIOCPKT on", ioctl(m, TIOCPKT, &on), 0);
    T_OK("ioctl TIOCGPKT", ioctl(m, TIOCGPKT, &got), 0);
    T_EQ("ioctl TIOCGPKT: on", got, 1);
    T_ERR("ioctl TIOCPKT from a bad pointer", ioctl(m, TIOCPKT, BADUPTR), EFAULT);
    T_ERR("ioctl TIOCPKT on the slave", ioctl(s, TIOCPKT, &on), ENOTTY);
    write(s, "ab", 2);
    struct pollfd pf = { m, POLLIN, 0 };
    poll(&pf, 1, 1000);
    T_OK("read the master in packet mode: TIOCPKT_DATA, then the data", read(m, buf, sizeof buf), 3);
    T_TRUE("read the master in packet mode: \\0ab", !memcmp(buf, "\0ab", 3));
    T_OK("ioctl TCFLSH TCIFLUSH on the slave", tcflush(s, TCIFLUSH), 0);
    T_EQ("poll the master: the event is urgent (POLLPRI)", revents(m, POLLIN | POLLPRI), POLLIN | POLLPRI);
    T_OK("read the master: one byte of events", read(m, buf, sizeof buf), 1);
    T_EQ("read the master: TIOCPKT_FLUSHREAD", buf[0], TIOCPKT_FLUSHREAD);
    tcflush(s, TCOFLUSH);
    T_OK("read the master after the slave's TCOFLUSH", read(m, buf, sizeof buf), 1);
    T_EQ("read the master: TIOCPKT_FLUSHWRITE", buf[0], TIOCPKT_FLUSHWRITE);
    T_OK("ioctl TCXONC TCOOFF (tcflow) on the slave", tcflow(s, TCOOFF), 0);
    T_OK("read the master after tcflow TCOOFF", read(m, buf, sizeof buf), 1);
    T_EQ("read the master: TIOCPKT_STOP", buf[0], TIOCPKT_STOP);
    int fl = fcntl(s, F_GETFL);
    fcntl(s, F_SETFL, fl | O_NONBLOCK);
    T_ERR("write to a stopped slave, O_NONBLOCK", write(s, "x", 1), EAGAIN);
    fcntl(s, F_SETFL, fl);
    tcflow(s, TCOON);
    T_OK("read the master after tcflow TCOON", read(m, buf, sizeof buf), 1);
    T_EQ("read the master: TIOCPKT_START", buf[0], TIOCPKT_START);
    T_ERR("ioctl TCXONC with a bad action", ioctl(s, TCXONC, 9), EINVAL);
    struct termios t;
    tcgetattr(s, &t);
    t.c_iflag &= ~IXON;
    tcsetattr(s, TCSANOW, &t);
    T_OK("read the master after IXON went off", read(m, buf, sizeof buf), 1);
    T_EQ("read the master: TIOCPKT_NOSTOP", buf[0], TIOCPKT_NOSTOP);
    t.c_iflag |= IXON;
    tcsetattr(s, TCSANOW, &t);
    read(m, buf, sizeof buf);
    on = 0;
    T_OK("ioctl TIOCPKT off", ioctl(m, TIOCPKT, &on), 0);
    write(s, "cd", 2);
    T_TRUE("read the master out of packet mode: the data alone", !strcmp(drain(m, buf, sizeof buf), "cd"));
    /* struct termio, locked termios */
    struct termio_k io;
    T_OK("ioctl TCGETA", ioctl(s, TCGETA, &io), 0);
    T_EQ("ioctl TCGETA: the low bits of c_lflag", io.c_lflag, (unsigned short)t.c_lflag);
    io.c_lflag &= ~ECHO;
    T_OK("ioctl TCSETA without ECHO", ioctl(s, TCSETA, &io), 0);
    tcgetattr(s, &t);
    T_EQ("ioctl TCSETA: ECHO off in the termios", !!(t.c_lflag & ECHO), 0);
    struct termios lk;
    memset(&lk, 0, sizeof lk);
    T_OK("ioctl TIOCGLCKTRMIOS", ioctl(s, TIOCGLCKTRMIOS, &lk), 0);
    T_EQ("ioctl TIOCGLCKTRMIOS: nothing locked", lk.c_lflag | lk.c_iflag, 0);
    lk.c_lflag = ECHO;
    T_OK("ioctl TIOCSLCKTRMIOS locks ECHO", ioctl(s, TIOCSLCKTRMIOS, &lk), 0);
    t.c_lflag |= ECHO;
    tcsetattr(s, TCSANOW, &t);
    tcgetattr(s, &t);
    T_EQ("ioctl TCSETS cannot change a locked bit", !!(t.c_lflag & ECHO), 0);
    lk.c_lflag = 0;
    ioctl(s, TIOCSLCKTRMIOS, &lk);
    t.c_lflag |= ECHO;
    tcsetattr(s, TCSANOW, &t);
    tcgetattr(s, &t);
    T_EQ("ioctl TCSETS after unlocking", !!(t.c_lflag & ECHO), 1);
    int ld = -1;
    T_OK("ioctl TIOCGETD", ioctl(s, TIOCGETD, &ld), 0);
    T_EQ("ioctl TIOCGETD: N_TTY", ld, 0);
}

/* TIOCEXCL: another open of the slave is EBUSY, except for CAP_SYS_ADMIN (the caller, root, keeps it). */
static void exclusive(int m, int s)
{
    int x = -1;
    T_OK("ioctl TIOCEXCL on the slave", ioctl(s, TIOCEXCL), 0);
    T_OK("ioctl TIOCGEXCL", ioctl(s, TIOCGEXCL, &x), 0);
    T_EQ("ioctl TIOCGEXCL: exclusive", x, 1);
    const char *name = ptsname(m);
    int s2 = open(name, O_RDWR | O_NOCTTY);
    T_TRUE("open of an exclusive slave with CAP_SYS_ADMIN", s2 >= 0);
    close(s2);
    if (getuid() == 0) {
        chmod(name, 0666);
        pid_t c = fork();
        if (c == 0) {
            if (setgid(65534) || setuid(65534))
                _exit(100);
            int r = open(name, O_RDWR | O_NOCTTY);
            _exit(r >= 0 ? 0 : errno);
        }
        int st = 0;
        waitpid(c, &st, 0);
        T_EQ("open of an exclusive slave by another user -> EBUSY", WEXITSTATUS(st), EBUSY);
        chmod(name, 0620);
    } else {
        T_SKIP("open of an exclusive slave by another user -> EBUSY", "not root");
    }
    T_OK("ioctl TIOCNXCL", ioctl(s, TIOCNXCL), 0);
    T_OK("ioctl TIOCGEXCL after TIOCNXCL", ioctl(s, TIOCGEXCL, &x), 0);
    T_EQ("ioctl TIOCGEXCL: not exclusive", x, 0);
}

/* The caller is a session leader with s as its terminal and its own group in the foreground. */
static void job_control(int m, int s, unsigned n)
{
    char buf[64];
    pid_t sid = -1, pg = -1;
    T_OK("ioctl TIOCGSID on the controlling terminal", ioctl(s, TIOCGSID, &sid), 0);
    T_EQ("ioctl TIOCGSID: the caller's session", sid, getsid(0));
    T_OK("ioctl TIOCGSID on the master", ioctl(m, TIOCGSID, &sid), 0);
    T_OK("ioctl TIOCGPGRP (tcgetpgrp)", ioctl(s, TIOCGPGRP, &pg), 0);
    T_EQ("ioctl TIOCGPGRP: the caller's group", pg, getpgrp());
    T_OK("ioctl TIOCSPGRP (tcsetpgrp) to its own group", tcsetpgrp(s, getpgrp()), 0);
    int bad = -1;
    T_ERR("ioctl TIOCSPGRP of -1", ioctl(s, TIOCSPGRP, &bad), EINVAL);
    T_ERR("ioctl TIOCSPGRP from a bad pointer", ioctl(s, TIOCSPGRP, BADUPTR), EFAULT);
    bad = 0x7ffffff0;
    T_ERR("ioctl TIOCSPGRP of a group that does not exist", ioctl(s, TIOCSPGRP, &bad), ESRCH);
    T_OK("ioctl TIOCSCTTY of its own terminal again", ioctl(s, TIOCSCTTY, 0), 0);
    long nr = 0, tpgid = 0;
    T_OK("read /proc/self/stat", stat_field(7, &nr) | stat_field(8, &tpgid), 0);
    T_EQ("read /proc/self/stat tty_nr: the pts's device", nr, (long)((136 + n / 256) << 8 | (n % 256)));
    T_EQ("read /proc/self/stat tpgid: the foreground group", tpgid, getpgrp());
    char want[32];
    snprintf(want, sizeof want, "/dev/pts/%u", n);
    T_TRUE("readlink ttyname of the slave", ttyname(s) && !strcmp(ttyname(s), want));
    int t = open("/dev/tty", O_RDWR);
    T_TRUE("open /dev/tty: the controlling terminal", t >= 0);
    T_OK("write to /dev/tty", write(t, "via tty\n", 8), 8);
    T_TRUE("read the master: what /dev/tty wrote", !strcmp(drain(m, buf, sizeof buf), "via tty\r\n"));
    close(t);
    /* window size */
    struct winsize ws = { 0, 0, 0, 0 };
    T_OK("ioctl TIOCGWINSZ of a new pty", ioctl(s, TIOCGWINSZ, &ws), 0);
    T_EQ("ioctl TIOCGWINSZ: 0x0", ws.ws_row * 1000 + ws.ws_col, 0);
    signal(SIGWINCH, on_winch);
    ws.ws_row = 40, ws.ws_col = 100;
    T_OK("ioctl TIOCSWINSZ on the master", ioctl(m, TIOCSWINSZ, &ws), 0);
    T_EQ("ioctl TIOCSWINSZ: SIGWINCH to the foreground group", got_winch, 1);
    T_OK("ioctl TIOCSWINSZ to the same size", ioctl(m, TIOCSWINSZ, &ws), 0);
    T_EQ("ioctl TIOCSWINSZ to the same size: no SIGWINCH", got_winch, 1);
    struct winsize w2;
    T_OK("ioctl TIOCGWINSZ on the slave", ioctl(s, TIOCGWINSZ, &w2), 0);
    T_EQ("ioctl TIOCGWINSZ: 40x100", w2.ws_row * 1000 + w2.ws_col, 40100);
    T_ERR("ioctl TIOCSWINSZ from a bad pointer", ioctl(m, TIOCSWINSZ, BADUPTR), EFAULT);
    /* ISIG */
    signal(SIGINT, on_int);
    write(m, "xy", 2);
    T_TRUE("read the master: the echo of a half line", !strcmp(drain(m, buf, sizeof buf), "xy"));
    T_OK("write ^C to the master", write(m, "\003", 1), 1);
    for (int i = 0; i < 200 && !got_int; i++)
        usleep(10000); /* Linux hands the master's bytes to the line discipline a little later */
    T_EQ("write ^C: SIGINT to the foreground group", got_int, 1);
    T_TRUE("read the master: ^C echoed (ECHOCTL)", !strcmp(drain(m, buf, sizeof buf), "^C"));
    int fl = fcntl(s, F_GETFL);
    write(m, "z\n", 2);
    fcntl(s, F_SETFL, fl | O_NONBLOCK);
    T_OK("read the slave after ^C: the line before it was dropped", rd(s, buf, sizeof buf), 2);
    fcntl(s, F_SETFL, fl);
    drain(m, buf, sizeof buf);
    /* TIOCSCTTY from another session: taken */
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        setsid();
        int r = ioctl(s, TIOCSCTTY, 0);
        int e = r ? errno : 0;
        int g = ioctl(s, TIOCGPGRP, &pg) ? errno : 0;
        char out[2] = { (char)e, (char)g };
        write(p[1], out, 2);
        _exit(0);
    }
    char res[2] = { 0, 0 };
    read(p[0], res, 2);
    waitpid(c, NULL, 0);
    T_EQ("ioctl TIOCSCTTY of another session's terminal -> EPERM", res[0], EPERM);
    T_EQ("ioctl TIOCGPGRP of a terminal not the caller's -> ENOTTY", res[1], ENOTTY);
    close(p[0]);
    close(p[1]);
}

static void full_buffers(int m, int s)
{
    struct termios t, saved;
    tcgetattr(s, &saved);
    t = saved;
    cfmakeraw(&t);
    tcsetattr(s, TCSANOW, &t);
    fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
    static char blk[1024];
    long total = 0, r = 0;
    while (total < (8l << 20) && (r = write(s, blk, sizeof blk)) > 0)
        total += r;
    T_TRUE("write to a slave whose master does not read: EAGAIN at last", r < 0 && errno == EAGAIN && total > 0);
    T_EQ("poll the slave when full: not writable", revents(s, POLLOUT), 0);
    tcflush(m, TCIFLUSH);
    T_EQ("poll the slave after the master's TCIFLUSH: writable", revents(s, POLLOUT), POLLOUT);
    total = 0;
    while (total < (8l << 20) && (r = write(m, blk, sizeof blk)) > 0)
        total += r;
    T_TRUE("write to a master whose slave does not read: EAGAIN at last", r < 0 && errno == EAGAIN && total > 0);
    tcflush(s, TCIOFLUSH);
    fcntl(m, F_SETFL, fcntl(m, F_GETFL) & ~O_NONBLOCK);
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK);
    tcsetattr(s, TCSANOW, &saved);
}

/* A child session leader with the slave as its terminal, and its child in its foreground group: the master's
 * close sends the leader SIGHUP; a leader's exit sends its foreground group SIGHUP. Each reports on a pipe. */
static void hangups(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    unlockpt(m);
    char name[64], buf[64];
    snprintf(name, sizeof name, "%s", ptsname(m));
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(m);
        signal(SIGHUP, on_hup);
        setsid();
        int s = open(name, O_RDWR); /* a session leader without a terminal: this one becomes it */
        char ok = s >= 0 && tcgetpgrp(s) == getpid();
        write(p[1], &ok, 1);
        tap_wait_flag(&got_hup, SIGHUP);
        char r[4];
        r[0] = (char)read(s, buf, sizeof buf);
        errno = 0;
        r[1] = (char)(write(s, "x", 1) < 0 ? errno : 0);
        r[2] = (char)revents(s, POLLIN | POLLOUT);
        r[3] = (char)(ioctl(s, TIOCGPGRP, &c) < 0 ? errno : 0);
        write(p[1], r, 4);
        _exit(0);
    }
    char ok = 0;
    read(p[0], &ok, 1);
    T_EQ("open of the slave by a session leader makes it its terminal", ok, 1);
    int s = open(name, O_RDWR | O_NOCTTY);
    close(s);
    T_OK("write to the master, every slave of the child's still open", write(m, "q\n", 2), 2);
    close(m);
    char r[4] = { 9, 9, 9, 9 };
    T_OK("close of the master: the session leader gets SIGHUP", read(p[0], r, 4), 4);
    T_EQ("read a hung-up slave: 0", r[0], 0);
    T_EQ("write a hung-up slave -> EIO", r[1], EIO);
    T_EQ("poll a hung-up slave: POLLIN|POLLOUT|POLLERR|POLLHUP", (unsigned char)r[2], POLLIN | POLLOUT | POLLERR | POLLHUP);
    T_EQ("ioctl TIOCGPGRP on a hung-up slave -> EIO", r[3], EIO);
    waitpid(c, NULL, 0);

    /* the slaves' last close */
    m = posix_openpt(O_RDWR | O_NOCTTY);
    unlockpt(m);
    s = open(ptsname(m), O_RDWR | O_NOCTTY);
    close(s);
    T_ERR("read the master once every slave is closed", read(m, buf, sizeof buf), EIO);
    T_EQ("poll the master once every slave is closed: POLLOUT|POLLHUP", revents(m, POLLIN | POLLOUT),
         POLLOUT | POLLHUP);
    close(m);

    /* a session leader's exit: its foreground group (its child here) gets SIGHUP */
    m = posix_openpt(O_RDWR | O_NOCTTY);
    unlockpt(m);
    snprintf(name, sizeof name, "%s", ptsname(m));
    c = fork();
    if (c == 0) {
        setsid();
        int sl = open(name, O_RDWR);
        pid_t g = fork();
        if (g == 0) {
            signal(SIGHUP, on_hup);
            char go = 1;
            write(p[1], &go, 1);
            tap_wait_flag(&got_hup, SIGHUP);
            char h = sl >= 0 && tcgetpgrp(sl) < 0 ? (char)errno : 0; /* its session lost the terminal */
            write(p[1], &h, 1);
            _exit(0);
        }
        char go;
        read(p[0], &go, 1);
        _exit(0);
    }
    waitpid(c, NULL, 0);
    char h = 0;
    T_OK("exit of a session leader: its foreground group gets SIGHUP", read(p[0], &h, 1), 1);
    T_EQ("ioctl TIOCGPGRP after the leader's exit -> ENOTTY", h, ENOTTY);
    close(m);
    close(p[0]);
    close(p[1]);
}

static int run(void)
{
    unix98();
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    unlockpt(m);
    unsigned n = 0;
    ioctl(m, TIOCGPTN, &n);
    int s = open(ptsname(m), O_RDWR | O_NOCTTY);
    T_TRUE("open the slave with O_NOCTTY", s >= 0);
    pid_t sid;
    T_ERR("ioctl TIOCGSID with O_NOCTTY: not the terminal", ioctl(s, TIOCGSID, &sid), ENOTTY);
    T_ERR("ioctl TIOCGPGRP with O_NOCTTY: not the terminal", ioctl(s, TIOCGPGRP, &sid), ENOTTY);
    T_ERR("ioctl TIOCGSID on the master of a pty no session has", ioctl(m, TIOCGSID, &sid), ENOTTY);
    termios_checks(m, s);
    discipline(m, s);
    full_buffers(m, s);
    packet_mode(m, s);
    exclusive(m, s);
    int s2 = open(ptsname(m), O_RDWR);
    T_TRUE("open the slave again without O_NOCTTY", s2 >= 0);
    close(s2);
    job_control(m, s, n);
    T_OK("ioctl TIOCNOTTY by the session leader", ioctl(s, TIOCNOTTY), 0);
    T_ERR("ioctl TIOCGPGRP after TIOCNOTTY", ioctl(s, TIOCGPGRP, &sid), ENOTTY);
    T_ERR("ioctl TIOCNOTTY again", ioctl(s, TIOCNOTTY), ENOTTY);
    close(s);
    close(m);
    hangups();
    return tap_done();
}

int main(void)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        setsid(); /* no controlling terminal, whatever ran us */
        signal(SIGHUP, SIG_IGN);
        exit(run());
    }
    int st = 0;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}
