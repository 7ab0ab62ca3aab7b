/* drivers/tty_ioctl.c — what every terminal answers (the console and a pty's slave and master): termios,
 * window size, foreground group and session (tty_ioctl(2), termios(3)), and the controlling-terminal rules
 * of credentials(7): a session leader without a terminal takes the first it opens (unless O_NOCTTY) or one
 * named by TIOCSCTTY; setsid and TIOCNOTTY let go of it; the leader's end sends the foreground group SIGHUP;
 * the device's end (a pty master's last close) hangs it up: SIGHUP and SIGCONT to the session leader. A
 * process holds its terminal in proc->ctty, which fork copies; a terminal knows its session (t->sid). */
#include "tty.h"
#include "../fs/vfs.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"
#include "../kernel/cred.h"

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCGETA 0x5405
#define TCSETA 0x5406
#define TCSETAW 0x5407
#define TCSETAF 0x5408
#define TCSBRK 0x5409
#define TCXONC 0x540a
#define TIOCGLCKTRMIOS 0x5456
#define TIOCSLCKTRMIOS 0x5457
#define TIOCGETD 0x5424
#define TIOCSETD 0x5423
#define VSTART 8
#define VSTOP 9
#define TCFLSH 0x540b
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429
#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2
#define CAP_SYS_ADMIN 21

/* Every process that has t as its terminal (all of one session) lets go of it; t has no session. */
static void release_session(struct tty *t)
{
    for (struct proc *p = proc_list; p; p = p->next_proc)
        if (p->ctty == t)
            p->ctty = NULL;
    t->sid = t->pgrp = 0;
}

static void set_ctty(struct tty *t, struct proc *p)
{
    t->sid = p->sid;
    t->pgrp = p->pgid;
    p->ctty = t;
}

void tty_open_ctty(struct tty *t, struct file *f)
{
    struct proc *p = current_proc();
    if ((f->flags & O_NOCTTY) || p->pid != p->sid || p->ctty || t->sid || t->hungup)
        return;
    if ((f->flags & O_ACCMODE) == O_WRONLY)
        return; /* write access alone gives no terminal (Linux: a setgid-tty write(1) must not) */
    set_ctty(t, p);
}

/* The terminal's device is gone (a pty's master closed): its session leader gets SIGHUP and SIGCONT and the
 * session loses it, as Linux's tty_signal_session_leader. */
void tty_hangup(struct tty *t)
{
    t->hungup = true;
    int sid = t->sid;
    if (sid) {
        struct proc *leader = proc_by_pid(sid);
        struct task *lt = leader && !leader->zombie && leader->sid == sid ? proc_first_task(leader) : NULL;
        if (lt) {
            signal_send_to(lt, SIGHUP, SI_KERNEL, false);
            signal_send_to(lt, SIGCONT, SI_KERNEL, false);
        }
    }
    release_session(t);
    tty_kick(t);
}

/* The leader lets go (on_exit: it ends; else TIOCNOTTY): the foreground group gets SIGHUP (and SIGCONT when
 * the leader lives on), and no process of the session has a terminal any more (Linux's disassociate_ctty). */
static void leader_disassociate(struct tty *t, bool on_exit)
{
    if (t->pgrp > 0) {
        signal_send_pgrp(t->pgrp, SIGHUP, SI_KERNEL);
        if (!on_exit)
            signal_send_pgrp(t->pgrp, SIGCONT, SI_KERNEL);
    }
    release_session(t);
}

void tty_proc_exit(struct proc *p)
{
    struct tty *t = p->ctty;
    if (t && p->pid == p->sid && t->sid == p->sid)
        leader_disassociate(t, true);
    p->ctty = NULL;
}

void tty_proc_setsid(struct proc *p)
{
    p->ctty = NULL;
}

u64 tty_nr_of(const struct proc *p)
{
    return p->ctty ? p->ctty->tty_nr : 0;
}

/* The console shows no terminal (tty_nr 0, tpgid -1), as before there were others: ps would mark every
 * process of group 1 as in the foreground ('+') of a terminal it cannot name. */
int tty_tpgid_of(const struct proc *p)
{
    return p->ctty && p->ctty->tty_nr ? p->ctty->pgrp : -1;
}

/* tcsetpgrp: a group of the caller's session becomes the foreground (a shell's fg, or its own group back). */
static long set_pgrp(struct tty *t, const int *upgrp)
{
    int pgrp;
    struct proc *me = current_proc();
    long bg = tty_check_bg(t, SIGTTOU);
    if (bg)
        return bg == -EIO ? -ENOTTY : bg;
    if (copy_from_user(&pgrp, upgrp, sizeof(pgrp)))
        return -EFAULT;
    if (pgrp < 0)
        return -EINVAL;
    if (me->ctty != t || t->sid != me->sid)
        return -ENOTTY;
    bool found = false;
    for (struct proc *p = proc_list; p; p = p->next_proc) {
        if (p->pgid == pgrp && !p->zombie) {
            if (p->sid != me->sid)
                return -EPERM;
            found = true;
        }
    }
    if (!found)
        return -ESRCH;
    t->pgrp = pgrp;
    return 0;
}

/* TIOCSCTTY: the caller, a session leader without a terminal, takes t; one another session holds only with
 * arg 1 and CAP_SYS_ADMIN (stolen from it). */
static long set_ctty_ioctl(struct tty *t, struct file *f, u64 arg)
{
    struct proc *p = current_proc();
    if (p->pid == p->sid && p->ctty == t)
        return 0;
    if (p->pid != p->sid || p->ctty)
        return -EPERM;
    if (t->sid) {
        if (arg != 1 || !capable(CAP_SYS_ADMIN))
            return -EPERM;
        release_session(t);
    }
    if ((f->flags & O_ACCMODE) == O_WRONLY && !capable(CAP_SYS_ADMIN))
        return -EPERM;
    set_ctty(t, p);
    return 0;
}

static long no_ctty(struct tty *t)
{
    struct proc *p = current_proc();
    if (p->ctty != t)
        return -ENOTTY;
    if (p->pid == p->sid)
        leader_disassociate(t, false);
    p->ctty = NULL;
    return 0;
}

static long set_winsize(struct tty *t, u64 arg)
{
    struct winsize_k ws;
    if (copy_from_user(&ws, (void *)arg, sizeof(ws)))
        return -EFAULT;
    if (!memcmp(&ws, &t->winsize, sizeof(ws)))
        return 0;
    t->winsize = ws;
    if (t->pgrp > 0)
        signal_send_pgrp(t->pgrp, SIGWINCH, SI_KERNEL); /* full-screen programs redraw */
    return 0;
}

/* struct termio (TCGETA/TCSETA*): the low 16 bits of each flag word, the line and the first 8 characters. */
struct termio_k {
    u16 iflag, oflag, cflag, lflag;
    u8 line;
    u8 cc[8];
};

static long get_termio(struct tty *t, u64 arg)
{
    struct termio_k tio = { (u16)t->termios.iflag, (u16)t->termios.oflag, (u16)t->termios.cflag,
                            (u16)t->termios.lflag, t->termios.line, { 0 } };
    memcpy(tio.cc, t->termios.cc, sizeof(tio.cc));
    return copy_to_user((void *)arg, &tio, 17) ? -EFAULT : 0;
}

/* TIOCSLCKTRMIOS's locked bits and characters keep their old values (Linux's unset_locked_termios). */
static void apply_locks(const struct tty *t, struct termios_k *n)
{
    const struct termios_k *o = &t->termios, *l = &t->locked;
    n->iflag = (n->iflag & ~l->iflag) | (o->iflag & l->iflag);
    n->oflag = (n->oflag & ~l->oflag) | (o->oflag & l->oflag);
    n->cflag = (n->cflag & ~l->cflag) | (o->cflag & l->cflag);
    n->lflag = (n->lflag & ~l->lflag) | (o->lflag & l->lflag);
    n->line = l->line ? o->line : n->line;
    for (size_t i = 0; i < sizeof(n->cc); i++)
        if (l->cc[i])
            n->cc[i] = o->cc[i];
}

/* Packet mode: the master learns whether ^S/^Q flow control is on (telnet and rlogin servers pass it on). */
static bool flow_chars(const struct termios_k *tio)
{
    return (tio->iflag & 02000 /* IXON */) && tio->cc[VSTOP] == 023 && tio->cc[VSTART] == 021;
}

static void pkt_flow_change(struct tty *t, const struct termios_k *n)
{
    bool was = flow_chars(&t->termios), now = flow_chars(n);
    bool extproc = (t->termios.lflag | n->lflag) & 0200000; /* EXTPROC */
    if (was != now) {
        t->pktstatus &= (u8)~(TIOCPKT_DOSTOP | TIOCPKT_NOSTOP);
        tty_pkt_event(t, now ? TIOCPKT_DOSTOP : TIOCPKT_NOSTOP);
    }
    if (extproc)
        tty_pkt_event(t, TIOCPKT_IOCTL);
}

static long set_termios(struct tty *t, unsigned cmd, u64 arg)
{
    struct termios_k tio = t->termios;
    long bg = tty_check_bg(t, SIGTTOU);
    if (bg)
        return bg;
    if (cmd == TCSETA || cmd == TCSETAW || cmd == TCSETAF) {
        struct termio_k o;
        if (copy_from_user(&o, (void *)arg, 17))
            return -EFAULT;
        tio.iflag = (tio.iflag & 0xffff0000u) | o.iflag;
        tio.oflag = (tio.oflag & 0xffff0000u) | o.oflag;
        tio.cflag = (tio.cflag & 0xffff0000u) | o.cflag;
        tio.lflag = (tio.lflag & 0xffff0000u) | o.lflag;
        tio.line = o.line;
        memcpy(tio.cc, o.cc, sizeof(o.cc));
    } else if (copy_from_user(&tio, (void *)arg, sizeof(tio))) {
        return -EFAULT;
    }
    if (cmd == TCSETSF || cmd == TCSETAF)
        tty_flush_input(t);
    apply_locks(t, &tio);
    pkt_flow_change(t, &tio);
    t->termios = tio;
    tty_kick(t); /* a reader waiting under the old mode looks again */
    return 0;
}

/* tcflow: TCOOFF/TCOON suspend and resume output (t->stopped; a pty's slave writes wait), TCIOFF/TCION send
 * the STOP or START character to the device. */
static long flow(struct tty *t, u64 arg)
{
    u8 c;
    long bg = tty_check_bg(t, SIGTTOU);
    if (bg)
        return bg;
    switch (arg) {
    case 0:
        t->stopped = true;
        t->pktstatus &= (u8)~TIOCPKT_START;
        tty_pkt_event(t, TIOCPKT_STOP);
        return 0;
    case 1:
        t->stopped = false;
        t->pktstatus &= (u8)~TIOCPKT_STOP;
        tty_pkt_event(t, TIOCPKT_START);
        tty_kick(t);
        return 0;
    case 2: case 3:
        c = t->termios.cc[arg == 2 ? VSTOP : VSTART];
        if (c && t->ops && t->ops->echo)
            t->ops->echo(t, (const char *)&c, 1);
        return 0;
    default:
        return -EINVAL;
    }
}

static long put_int(u64 arg, int v)
{
    return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

long tty_ioctl(struct tty *t, struct file *f, unsigned cmd, u64 arg, bool master)
{
    struct proc *me = current_proc();
    switch (cmd) {
    case TCGETS:
        return copy_to_user((void *)arg, &t->termios, sizeof(t->termios)) ? -EFAULT : 0;
    case TCSETS: case TCSETSW: case TCSETSF: case TCSETA: case TCSETAW: case TCSETAF:
        return set_termios(t, cmd, arg);
    case TCGETA:
        return get_termio(t, arg);
    case TCXONC:
        return flow(t, arg);
    case TIOCGLCKTRMIOS:
        return copy_to_user((void *)arg, &t->locked, sizeof(t->locked)) ? -EFAULT : 0;
    case TIOCSLCKTRMIOS:
        if (!capable(CAP_SYS_ADMIN))
            return -EPERM;
        return copy_from_user(&t->locked, (void *)arg, sizeof(t->locked)) ? -EFAULT : 0;
    case TIOCGETD: /* the line discipline: N_TTY, the only one */
        return put_int(arg, 0);
    case TIOCSETD: {
        int ld;
        if (copy_from_user(&ld, (void *)arg, sizeof(ld)))
            return -EFAULT;
        return ld == 0 ? 0 : -EINVAL; /* Linux: EINVAL for a discipline number out of range, else its module */
    }
    case TCSBRK: /* tcdrain (arg != 0) and tcsendbreak: output is never held back, no line to break */
        return 0;
    case TIOCGWINSZ:
        return copy_to_user((void *)arg, &t->winsize, sizeof(t->winsize)) ? -EFAULT : 0;
    case TIOCSWINSZ:
        return set_winsize(t, arg);
    case TIOCGPGRP:
        if (!master && me->ctty != t)
            return -ENOTTY; /* not the caller's controlling terminal */
        return put_int(arg, t->pgrp);
    case TIOCSPGRP:
        return set_pgrp(t, (const int *)arg);
    case TIOCGSID:
        if ((!master && me->ctty != t) || !t->sid)
            return -ENOTTY;
        return put_int(arg, t->sid);
    case TIOCSCTTY:
        return set_ctty_ioctl(t, f, arg);
    case TIOCNOTTY:
        return no_ctty(t);
    case TIOCOUTQ: /* output never waits in the terminal: it is at the device (or the pty's master) at once */
        return put_int(arg, 0);
    case FIONREAD:
        if (t->ops && t->ops->source_poll)
            t->ops->source_poll(t);
        return put_int(arg, (int)tty_inq(t));
    case TCFLSH:
        if (arg > TCIOFLUSH)
            return -EINVAL;
        if (arg != TCOFLUSH)
            tty_flush_input(t);
        if (arg != TCIFLUSH)
            tty_pkt_event(t, TIOCPKT_FLUSHWRITE);
        return 0;
    default:
        return -ENOTTY;
    }
}
