/* drivers/tty.c — the line discipline, one instance per terminal (struct tty). Input bytes are processed as
 * they arrive (so ^C acts at once, even while the program computes): signals, CR/NL mapping, canonical
 * editing with echo. Finished input waits in a queue that read() drains; in canonical mode one read returns
 * at most one line. */
#include "tty.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"
#include "../kernel/boot.h"
#include "../arch/x86_64/arch.h"

#define IGNCR 0000200
#define ICRNL 0000400
#define INLCR 0000100
#define OPOST 0000001
#define ONLCR 0000004
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define ECHOCTL 0001000
#define NOFLSH 0000200
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSUSP 10
#define VWERASE 14

/* Linux's tty_std_termios (a pty slave's, which has no HUPCL: B38400 | CS8 | CREAD) */
const struct termios_k tty_std_termios = {
    .iflag = ICRNL | 02000 /* IXON */,
    .oflag = OPOST | ONLCR,
    .cflag = 0xbf,    /* B38400 | CS8 | CREAD */
    .lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | 04000 /* ECHOKE */ | 0100000 /* IEXTEN */,
    .cc = { 3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0 },
};

/* The console: the first process's session and group own it from the start (kernel/proc.c). */
struct tty tty_console = {
    .termios = tty_std_termios,
    .winsize = { 24, 80, 0, 0 },
    .pgrp = 1,
    .sid = 1,
};

void tty_init(struct tty *t, const struct tty_ops *ops, void *dev)
{
    memset(t, 0, sizeof(*t));
    t->ops = ops;
    t->dev = dev;
    t->termios = tty_std_termios;
}

void tty_kick(struct tty *t)
{
    if (t->chan)
        sched_kick_chan(t->chan);
    else
        sched_kick_io(); /* input is an I/O event (edge-triggered epoll counts them) */
}

void tty_pkt_event(struct tty *t, u8 bits)
{
    if (!t->packet)
        return;
    t->pktstatus |= bits;
    tty_kick(t);
}

/* Bytes that can still arrive without being dropped: the device holds the rest back until read() drains. */
size_t tty_room(const struct tty *t)
{
    return TTY_QSIZE - t->q_len - t->line_len;
}

static void echo(struct tty *t, const char *s, size_t n)
{
    if ((t->termios.lflag & ECHO) && t->ops && t->ops->echo)
        t->ops->echo(t, s, n);
}

static void push(struct tty *t, u8 c)
{
    if (t->q_len < TTY_QSIZE)
        t->queue[(t->q_head + t->q_len++) % TTY_QSIZE] = c;
}

static void echo_char(struct tty *t, u8 c)
{
    if (c < 32 && c != '\n' && c != '\t' && (t->termios.lflag & ECHOCTL)) {
        char ctl[2] = { '^', (char)(c + '@') };
        echo(t, ctl, 2);
    } else {
        echo(t, (const char *)&c, 1);
    }
}

static void finish_line(struct tty *t)
{
    if (t->l_count == TTY_MAX_LINES || t->q_len + t->line_len > TTY_QSIZE)
        return; /* the program is not reading: drop the line, as a full tty queue does */
    for (size_t i = 0; i < t->line_len; i++)
        push(t, t->line[i]);
    t->line_left[(t->l_head + t->l_count++) % TTY_MAX_LINES] = t->line_len;
    t->line_len = 0;
}

static void erase_one(struct tty *t)
{
    if (!t->line_len)
        return;
    t->line_len--;
    if (t->termios.lflag & ECHOE)
        echo(t, "\b \b", 3);
}

static void canonical_input(struct tty *t, u8 c)
{
    const u8 *cc = t->termios.cc;
    if (c == cc[VERASE] || c == '\b') {
        erase_one(t);
    } else if (c == cc[VKILL]) {
        while (t->line_len)
            erase_one(t);
    } else if (c == cc[VWERASE]) {
        while (t->line_len && t->line[t->line_len - 1] == ' ')
            erase_one(t);
        while (t->line_len && t->line[t->line_len - 1] != ' ')
            erase_one(t);
    } else if (c == cc[VEOF]) {
        if (t->line_len == 0)
            t->eof_marks++;
        else
            finish_line(t);
    } else {
        if (t->line_len < TTY_QSIZE - 1)
            t->line[t->line_len++] = c;
        echo_char(t, c);
        if (c == '\n')
            finish_line(t);
    }
}

/* A process of the terminal's session outside the foreground group reads (SIGTTIN) or changes the terminal
 * (SIGTTOU): its group gets the signal and the call is restarted once it is continued; when it blocks or
 * ignores the signal, a read fails with EIO and a change goes ahead, as on Linux. Only for processes whose
 * controlling terminal this is. */
long tty_check_bg(struct tty *t, int sig)
{
    struct proc *p = current_proc();
    if (p->ctty != t || p->pgid == t->pgrp || !t->pgrp)
        return 0;
    bool refused = (current->sig_blocked & SIGBIT(sig)) || p->sigactions[sig].handler == SIG_IGN;
    if (refused)
        return sig == SIGTTIN ? -EIO : 0;
    if (proc_pgrp_orphaned(p->pgid))
        return -EIO;
    if (p->pid == 1 && p->sigactions[sig].handler == SIG_DFL)
        return -EIO; /* the first process does not stop (kernel/sigdeliver.c): it would ask forever */
    signal_send_pgrp(p->pgid, sig, SI_KERNEL);
    return -ERESTARTSYS;
}

/* Interrupt context for the console (it reads t->pgrp, writes only the queues). */
void tty_input(struct tty *t, u8 c)
{
    const u8 *cc = t->termios.cc;
    if (t->termios.lflag & ISIG) {
        int sig = c == cc[VINTR] ? SIGINT : c == cc[VQUIT] ? SIGQUIT : c == cc[VSUSP] ? SIGTSTP : 0;
        if (sig && c) {
            if (!(t->termios.lflag & NOFLSH)) { /* what was typed before it goes */
                t->q_head = t->q_len = t->line_len = 0;
                t->l_head = t->l_count = 0;
                tty_pkt_event(t, TIOCPKT_FLUSHREAD | TIOCPKT_FLUSHWRITE);
            }
            echo_char(t, c);
            if (t == &tty_console)
                echo(t, "\n", 1); /* the console's own habit (Linux echoes "^C" alone) */
            if (current && t->pgrp > 0)
                signal_send_pgrp(t->pgrp, sig, SI_KERNEL);
            tty_kick(t);
            return;
        }
    }
    if (c == '\r' && (t->termios.iflag & IGNCR))
        return;
    if (c == '\r' && (t->termios.iflag & ICRNL))
        c = '\n';
    else if (c == '\n' && (t->termios.iflag & INLCR))
        c = '\r';
    if (t->termios.lflag & ICANON) {
        canonical_input(t, c);
    } else {
        push(t, c);
        echo_char(t, c);
    }
    tty_kick(t);
}

void tty_host_eof(struct tty *t)
{
    t->host_eof = true;
    tty_kick(t);
}

/* How many bytes a read may take now: canonical mode, what is left of the first finished line. */
static size_t available(const struct tty *t)
{
    if (!(t->termios.lflag & ICANON))
        return t->q_len;
    return t->l_count ? t->line_left[t->l_head] : 0;
}

/* FIONREAD: in canonical mode the finished lines (the queue holds nothing else), else everything queued. */
size_t tty_inq(const struct tty *t)
{
    return t->q_len;
}

void tty_flush_input(struct tty *t)
{
    t->q_head = t->q_len = t->line_len = 0;
    t->l_head = t->l_count = 0;
    t->eof_marks = 0;
    tty_pkt_event(t, TIOCPKT_FLUSHREAD);
    tty_kick(t);
}

bool tty_readable(struct tty *t)
{
    if (t->ops && t->ops->source_poll)
        t->ops->source_poll(t);
    return available(t) || t->eof_marks || t->host_eof || t->hungup;
}

static ssize_t take(struct tty *t, void *ubuf, size_t n)
{
    u8 tmp[256];
    size_t want = MIN(n, available(t)), done = 0;
    while (done < want) {
        size_t c = MIN(want - done, sizeof(tmp));
        for (size_t i = 0; i < c; i++)
            tmp[i] = t->queue[(t->q_head + i) % TTY_QSIZE];
        if (copy_to_user((u8 *)ubuf + done, tmp, c))
            break;
        t->q_head = (t->q_head + c) % TTY_QSIZE;
        t->q_len -= c;
        done += c;
    }
    if ((t->termios.lflag & ICANON) && t->l_count && done) {
        t->line_left[t->l_head] -= done;
        if (!t->line_left[t->l_head]) {
            t->l_head = (t->l_head + 1) % TTY_MAX_LINES;
            t->l_count--;
        }
    }
    if (done && t->chan)
        sched_kick_chan(t->chan); /* a pty master waiting for room */
    return done ? (ssize_t)done : -EFAULT;
}

static void tty_sleep(struct tty *t, u64 deadline)
{
    u64 ns = deadline == ~0ull ? ~0ull : deadline - MIN(deadline, clock_monotonic_ns());
    if (t->chan)
        sched_wait_on(ns, t->chan);
    else
        sched_wait(ns);
}

ssize_t tty_read(struct tty *t, void *ubuf, size_t n, bool nonblock)
{
    long bg = tty_check_bg(t, SIGTTIN);
    if (bg)
        return bg;
    if (!n)
        return 0;
    for (;;) {
        bool canon = t->termios.lflag & ICANON; /* again each time: TCSETS may come while it waits */
        u8 vmin = t->termios.cc[VMIN], vtime = t->termios.cc[VTIME];
        static const u64 tenth = 100000000;
        u64 deadline = (!canon && vtime) ? clock_monotonic_ns() + (u64)vtime * tenth : ~0ull;
        for (;;) {
            if (t->hungup)
                return 0;
            if (t->ops && t->ops->source_poll)
                t->ops->source_poll(t); /* input the device held back while the queue was full */
            size_t avail = available(t);
            if (avail && (canon || avail >= MIN((size_t)MAX(vmin, 1), n) || (vtime && !vmin)))
                return take(t, ubuf, n);
            if (canon && t->eof_marks && !t->l_count) {
                t->eof_marks--;
                return 0;
            }
            if (t->host_eof)
                return avail ? take(t, ubuf, n) : 0;
            if (!canon && !vmin && !vtime)
                return avail ? take(t, ubuf, n) : 0;
            if (!canon && avail && vtime && clock_monotonic_ns() >= deadline)
                return take(t, ubuf, n);
            if (!canon && !vmin && clock_monotonic_ns() >= deadline)
                return 0;
            if (nonblock)
                return -EAGAIN;
            if (signal_pending())
                return -EINTR;
            bool was_canon = canon;
            tty_sleep(t, deadline);
            if ((bool)(t->termios.lflag & ICANON) != was_canon)
                break; /* the mode changed while it slept: start over with the new one */
        }
    }
}

size_t tty_output_map(const struct tty *t, const char *in, size_t n, char *out, size_t cap, size_t *consumed)
{
    bool map = (t->termios.oflag & OPOST) && (t->termios.oflag & ONLCR);
    size_t o = 0, i = 0;
    for (; i < n && o + 2 <= cap; i++) {
        if (map && in[i] == '\n')
            out[o++] = '\r';
        out[o++] = in[i];
    }
    *consumed = i;
    return o;
}
