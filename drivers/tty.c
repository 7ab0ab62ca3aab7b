/* drivers/tty.c — the line discipline. Input bytes are processed as they arrive (so ^C acts at once, even
 * while the program computes): signals, CR/NL mapping, canonical editing with echo. Finished input waits in
 * a queue that read() drains; in canonical mode one read returns at most one line. */
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
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSUSP 10
#define VWERASE 14
#define QSIZE 8192

struct termios_k tty_termios = {
    .iflag = ICRNL | 02000 /* IXON */,
    .oflag = OPOST | ONLCR,
    .cflag = 0xbf,    /* B38400 | CS8 | CREAD | HUPCL */
    .lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | 04000 /* ECHOKE */ | 0100000 /* IEXTEN */,
    .cc = { 3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0 },
};

static u8 queue[QSIZE];           /* finished input, ready for read() */
static size_t q_head, q_len;
#define MAX_LINES 256
static size_t line_left[MAX_LINES]; /* canonical mode: bytes left of each finished line in the queue */
static int l_head, l_count;
static u8 line[QSIZE];            /* the line being edited, canonical mode */
static size_t line_len;
static bool host_eof;
static int eof_marks;             /* ^D on an empty line: one read returns 0 */
static void (*echo_sink)(const char *s, size_t n);
static void (*source_poll)(void);

void tty_set_source_poll(void (*poll)(void))
{
    source_poll = poll;
}

/* Bytes that can still arrive without being dropped: the device holds the rest back until read() drains. */
size_t tty_room(void)
{
    return QSIZE - q_len - line_len;
}

void tty_set_echo_sink(void (*sink)(const char *s, size_t n))
{
    echo_sink = sink;
}

static void echo(const char *s, size_t n)
{
    if ((tty_termios.lflag & ECHO) && echo_sink)
        echo_sink(s, n);
}

static void push(u8 c)
{
    if (q_len < QSIZE)
        queue[(q_head + q_len++) % QSIZE] = c;
}

static void echo_char(u8 c)
{
    if (c < 32 && c != '\n' && c != '\t' && (tty_termios.lflag & ECHOCTL)) {
        char ctl[2] = { '^', (char)(c + '@') };
        echo(ctl, 2);
    } else {
        echo((const char *)&c, 1);
    }
}

static void finish_line(void)
{
    if (l_count == MAX_LINES || q_len + line_len > QSIZE)
        return; /* the program is not reading: drop the line, as a full tty queue does */
    for (size_t i = 0; i < line_len; i++)
        push(line[i]);
    line_left[(l_head + l_count++) % MAX_LINES] = line_len;
    line_len = 0;
}

static void erase_one(void)
{
    if (!line_len)
        return;
    line_len--;
    if (tty_termios.lflag & ECHOE)
        echo("\b \b", 3);
}

static void canonical_input(u8 c)
{
    const u8 *cc = tty_termios.cc;
    if (c == cc[VERASE] || c == '\b') {
        erase_one();
    } else if (c == cc[VKILL]) {
        while (line_len)
            erase_one();
    } else if (c == cc[VWERASE]) {
        while (line_len && line[line_len - 1] == ' ')
            erase_one();
        while (line_len && line[line_len - 1] != ' ')
            erase_one();
    } else if (c == cc[VEOF]) {
        if (line_len == 0)
            eof_marks++;
        else
            finish_line();
    } else {
        if (line_len < QSIZE - 1)
            line[line_len++] = c;
        echo_char(c);
        if (c == '\n')
            finish_line();
    }
}

/* Job control: the terminal belongs to the first process's session; tty_pgrp is its foreground group
 * (TIOCSPGRP), which ^C, ^\ and ^Z signal. Interrupt context writes nothing here but reads tty_pgrp. */
int tty_pgrp = 1, tty_sid = 1;

/* A process of the terminal's session outside the foreground group reads (SIGTTIN) or changes the terminal
 * (SIGTTOU): its group gets the signal and the call is restarted once it is continued; when it blocks or
 * ignores the signal, a read fails with EIO and a change goes ahead, as on Linux. */
long tty_check_bg(int sig)
{
    struct proc *p = current_proc();
    if (p->sid != tty_sid || p->pgid == tty_pgrp || !tty_pgrp)
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

void tty_input(u8 c)
{
    const u8 *cc = tty_termios.cc;
    if (tty_termios.lflag & ISIG) {
        int sig = c == cc[VINTR] ? SIGINT : c == cc[VQUIT] ? SIGQUIT : c == cc[VSUSP] ? SIGTSTP : 0;
        if (sig && c) {
            echo_char(c);
            echo("\n", 1);
            line_len = 0;
            if (current)
                signal_send_pgrp(tty_pgrp, sig, SI_KERNEL);
            return;
        }
    }
    if (c == '\r' && (tty_termios.iflag & IGNCR))
        return;
    if (c == '\r' && (tty_termios.iflag & ICRNL))
        c = '\n';
    else if (c == '\n' && (tty_termios.iflag & INLCR))
        c = '\r';
    if (tty_termios.lflag & ICANON) {
        canonical_input(c);
    } else {
        push(c);
        echo_char(c);
    }
    sched_kick_io(); /* input is an I/O event (edge-triggered epoll counts them) */
}

void tty_host_eof(void)
{
    host_eof = true;
    sched_kick_io();
}

/* How many bytes a read may take now: canonical mode, what is left of the first finished line. */
static size_t available(void)
{
    if (!(tty_termios.lflag & ICANON))
        return q_len;
    return l_count ? line_left[l_head] : 0;
}

bool tty_readable(void)
{
    if (source_poll)
        source_poll();
    return available() || eof_marks || host_eof;
}

static ssize_t take(void *ubuf, size_t n)
{
    u8 tmp[256];
    size_t want = MIN(n, available()), done = 0;
    while (done < want) {
        size_t c = MIN(want - done, sizeof(tmp));
        for (size_t i = 0; i < c; i++)
            tmp[i] = queue[(q_head + i) % QSIZE];
        if (copy_to_user((u8 *)ubuf + done, tmp, c))
            break;
        q_head = (q_head + c) % QSIZE;
        q_len -= c;
        done += c;
    }
    if ((tty_termios.lflag & ICANON) && l_count && done) {
        line_left[l_head] -= done;
        if (!line_left[l_head]) {
            l_head = (l_head + 1) % MAX_LINES;
            l_count--;
        }
    }
    return done ? (ssize_t)done : -EFAULT;
}

ssize_t tty_read(void *ubuf, size_t n, bool nonblock)
{
    long bg = tty_check_bg(SIGTTIN);
    if (bg)
        return bg;
    if (!n)
        return 0;
    bool canon = tty_termios.lflag & ICANON;
    u8 vmin = tty_termios.cc[VMIN], vtime = tty_termios.cc[VTIME];
    u64 deadline = (!canon && vtime) ? clock_monotonic_ns() + (u64)vtime * 100000000 : ~0ull;
    for (;;) {
        if (source_poll)
            source_poll(); /* input the device held back while the queue was full */
        size_t avail = available();
        if (avail && (canon || avail >= MIN((size_t)MAX(vmin, 1), n) || (vtime && !vmin)))
            return take(ubuf, n);
        if (canon && eof_marks && !l_count) {
            eof_marks--;
            return 0;
        }
        if (host_eof)
            return avail ? take(ubuf, n) : 0;
        if (!canon && !vmin && !vtime)
            return avail ? take(ubuf, n) : 0;
        if (!canon && avail && vtime && clock_monotonic_ns() >= deadline)
            return take(ubuf, n);
        if (!canon && !vmin && clock_monotonic_ns() >= deadline)
            return 0;
        if (nonblock)
            return -EAGAIN;
        if (signal_pending())
            return -EINTR;
        sched_wait(deadline == ~0ull ? ~0ull : deadline - MIN(deadline, clock_monotonic_ns()));
    }
}

size_t tty_output_map(const char *in, size_t n, char *out, size_t cap, size_t *consumed)
{
    bool map = (tty_termios.oflag & OPOST) && (tty_termios.oflag & ONLCR);
    size_t o = 0, i = 0;
    for (; i < n && o + 2 <= cap; i++) {
        if (map && in[i] == '\n')
            out[o++] = '\r';
        out[o++] = in[i];
    }
    *consumed = i;
    return o;
}
