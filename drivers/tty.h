/* drivers/tty.h — terminals. A `struct tty` is one line discipline between a device and the programs that use
 * it: canonical lines with erase/kill, echo, CR/NL mapping, ^C/^\/^Z as signals to the foreground group, ^D as
 * end of file, VMIN/VTIME in raw mode, its termios, window size, foreground group and session. The device
 * side is a small ops table: where echoes go, and how to pull input it held back. Instances: the console
 * (drivers/console.c, `tty_console`) and each pseudo-terminal's slave (drivers/pty.c).
 *   tty.c        the line discipline (input processing, read, output mapping)
 *   tty_ioctl.c  the terminal ioctls both kinds answer, controlling terminals, sessions and hangups
 * Everything runs under the big kernel lock; the console's input comes from interrupt context. */
#ifndef SKIFF_TTY_H
#define SKIFF_TTY_H
#include "../kernel/kernel.h"

struct file;
struct proc;

struct termios_k {               /* the kernel's struct termios (TCGETS), not glibc's */
    u32 iflag, oflag, cflag, lflag;
    u8 line;
    u8 cc[19];
};
_Static_assert(sizeof(struct termios_k) == 36, "TCGETS struct termios");

struct winsize_k { u16 rows, cols, xpixel, ypixel; };

#define TTY_QSIZE 8192
#define TTY_MAX_LINES 256

struct tty;
struct tty_ops {
    /* Echoed input, as the line discipline made it (OPOST mapping is the device's, tty_output_map). */
    void (*echo)(struct tty *t, const char *s, size_t n);
    void (*source_poll)(struct tty *t); /* optional: pull input the device held back while the queue was full */
};

struct tty {
    const struct tty_ops *ops;
    void *dev;                      /* the device's own state (a pty) */
    const void *chan;               /* poll channel kicked at each change (NULL: the any-event queue) */
    struct termios_k termios;
    struct termios_k locked;        /* TIOCSLCKTRMIOS: bits and characters TCSETS may not change */
    struct winsize_k winsize;
    int pgrp, sid;                  /* foreground process group, the session it controls (0: none) */
    u64 tty_nr;                     /* /proc/PID/stat's tty_nr for processes it controls (0: the console) */
    bool hungup;                    /* the other side went away (a pty's master): reads 0, writes EIO */
    bool host_eof;                  /* the console's host closed the input stream */
    bool stopped;                   /* tcflow TCOOFF: output waits for TCOON (a pty's slave writes) */
    bool packet;                    /* a pty's master is in packet mode (TIOCPKT) */
    u8 pktstatus;                   /* TIOCPKT_* events its master's next read reports */
    int eof_marks;                  /* ^D on an empty line: one read returns 0 each */
    size_t q_head, q_len;           /* finished input, ready for read() */
    size_t line_len;                /* the line being edited, canonical mode */
    int l_head, l_count;            /* canonical mode: the finished lines in the queue */
    size_t line_left[TTY_MAX_LINES];
    u8 queue[TTY_QSIZE];
    u8 line[TTY_QSIZE];
};

extern struct tty tty_console;
extern const struct termios_k tty_std_termios;

void tty_init(struct tty *t, const struct tty_ops *ops, void *dev); /* standard termios, window 0x0 (a pty's) */
long tty_check_bg(struct tty *t, int sig); /* SIGTTIN/SIGTTOU for a background process: 0, -EIO or -ERESTARTSYS */
void tty_input(struct tty *t, u8 c);      /* a byte from the device (the console's: interrupt context) */
void tty_host_eof(struct tty *t);         /* the host closed the input stream */
ssize_t tty_read(struct tty *t, void *ubuf, size_t n, bool nonblock);
bool tty_readable(struct tty *t);
size_t tty_room(const struct tty *t);     /* bytes that can still arrive without being dropped */
size_t tty_inq(const struct tty *t);      /* FIONREAD: bytes a read could take */
void tty_flush_input(struct tty *t);      /* TCIFLUSH, TCSETSF */
size_t tty_output_map(const struct tty *t, const char *in, size_t n, char *out, size_t cap,
                      size_t *consumed); /* OPOST/ONLCR */
void tty_kick(struct tty *t);             /* its readers, writers and pollers look again */
#define TIOCPKT_FLUSHREAD 1
#define TIOCPKT_FLUSHWRITE 2
#define TIOCPKT_STOP 4
#define TIOCPKT_START 8
#define TIOCPKT_NOSTOP 16
#define TIOCPKT_DOSTOP 32
#define TIOCPKT_IOCTL 64
void tty_pkt_event(struct tty *t, u8 bits); /* packet mode: an event for the master's next read */

/* tty_ioctl.c: the ioctls every terminal answers (master: the call came through a pty's master, which acts
 * on its slave's settings). -ENOTTY for a command that is not a terminal's. */
long tty_ioctl(struct tty *t, struct file *f, unsigned cmd, u64 arg, bool master);
void tty_open_ctty(struct tty *t, struct file *f); /* open: a session leader without one takes it */
void tty_hangup(struct tty *t);           /* the device is gone: its session leader gets SIGHUP and SIGCONT */
void tty_proc_exit(struct proc *p);       /* a process ends: a session leader's terminal is let go */
void tty_proc_setsid(struct proc *p);     /* setsid: a new session has no controlling terminal */
u64 tty_nr_of(const struct proc *p);      /* /proc/PID/stat: tty_nr and tpgid */
int tty_tpgid_of(const struct proc *p);

#endif
