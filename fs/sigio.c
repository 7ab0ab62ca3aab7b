/* fs/sigio.c — signal-driven I/O (O_ASYNC, FIOASYNC): the owner of a file (fcntl F_SETOWN/F_SETOWN_EX) gets
 * SIGIO, or the signal F_SETSIG chose, when the file becomes ready. The file's poll channel (kernel/pollwait.c)
 * says when to look: an entry hung on it while O_ASYNC is set compares what the file's poll op says now with
 * what it said at the last look, and each condition that has just come true sends one signal: POLL_IN for
 * input, POLL_OUT for room to write, POLL_PRI, POLL_ERR, POLL_HUP. With F_SETSIG the siginfo carries the reason
 * (si_code), si_band and the descriptor (si_fd) as Linux's; plain SIGIO is SI_KERNEL. Signals go to a process,
 * one thread (F_OWNER_TID) or a process group (without si_band/si_fd there).
 * Differences from Linux: a condition that stays true (more data on a pipe that was readable already) sends no
 * second signal, where Linux sends one per write; a program that reads until EAGAIN, as signal-driven I/O
 * programs do, sees no difference. A file without a poll channel (the console) sends none (said once on the
 * kernel log).
 * sigio_urgent sends SIGURG for urgent data, which needs no O_ASYNC.
 * Interrupt context: the entry's callback runs from the network's receive path and timers, like epoll's. */
#include "vfs.h"
#include "../kernel/proc.h"
#include "../kernel/errno.h"

#define O_ASYNC 020000
#define F_OWNER_TID 0
#define F_OWNER_PID 1
#define F_OWNER_PGRP 2
#define POLL_IN 1
#define POLL_OUT 2
#define POLL_MSG 3
#define POLL_ERR 4
#define POLL_PRI 5
#define POLL_HUP 6
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLMSG 0x400
#define POLLRDHUP 0x2000
#define SIGIO 29

struct sigio {
    struct poll_entry pe; /* first: the callback gets it back */
    struct file *f;
    int fd;               /* the descriptor O_ASYNC was set through: si_fd */
    unsigned last;        /* the poll mask at the last look */
};

/* Linux's band for each reason */
static unsigned band_of(int reason)
{
    switch (reason) {
    case POLL_IN: return POLLIN | POLLRDNORM;
    case POLL_MSG: return POLLIN | POLLRDNORM | POLLMSG;
    case POLL_OUT: return POLLOUT | POLLWRNORM | POLLWRBAND;
    case POLL_PRI: return POLLPRI | POLLRDBAND;
    case POLL_ERR: return POLLERR;
    default: return POLLHUP | POLLERR; /* POLL_HUP */
    }
}

/* info to f's owner: a process (its first thread), one thread (F_OWNER_TID) or a process group */
static void send_to_owner(struct file *f, const struct k_siginfo *info)
{
    if (f->own_type == F_OWNER_PGRP) {
        signal_send_pgrp(f->own_id, info->signo, info->code);
        return;
    }
    struct task *t = f->own_type == F_OWNER_TID ? task_by_tid(f->own_id) : NULL;
    struct proc *p = f->own_type == F_OWNER_PID ? proc_by_pid(f->own_id) : NULL;
    if (p && !p->zombie)
        t = proc_first_task(p);
    if (t)
        signal_send_info(t, info, f->own_type == F_OWNER_TID);
}

/* One signal to f's owner: SIGIO (SI_KERNEL), or F_SETSIG's with the reason, si_band and si_fd. */
void sigio_notify(struct file *f, int fd, int reason)
{
    int sig = f->own_sig ? f->own_sig : SIGIO;
    struct k_siginfo info = { .signo = sig, .code = f->own_sig ? reason : SI_KERNEL };
    if (f->own_sig) {
        info.poll = true;
        info.addr = band_of(reason); /* si_band */
        info.pid = fd;               /* si_fd */
    }
    send_to_owner(f, &info);
}

/* Urgent data came (TCP's urgent pointer, a unix stream's MSG_OOB): SIGURG to f's owner, with or without
 * O_ASYNC, as Linux's send_sigurg (SI_KERNEL, no si_fd). Called from the network's receive path too. */
void sigio_urgent(struct file *f)
{
    struct k_siginfo info = { .signo = SIGURG, .code = SI_KERNEL };
    if (f->own_id)
        send_to_owner(f, &info);
}

static void send(struct sigio *s, int reason)
{
    sigio_notify(s->f, s->fd, reason);
}

static void sigio_kick(struct poll_entry *pe)
{
    struct sigio *s = (struct sigio *)pe;
    struct file *f = s->f;
    if (!f->own_id)
        return; /* no owner: nobody to tell */
    unsigned now = f->ops->poll(f), fresh = now & ~s->last;
    s->last = now;
    /* Linux tells a reader of the other end's going as input and a writer as output: a pipe's last writer or
     * reader closing (pipe_release) is POLL_IN to readers, POLL_OUT to writers; a socket peer's shutdown for
     * writing (RCV_SHUTDOWN) is POLL_IN; a socket closed outright is POLL_HUP */
    bool fifo = f->inode && (f->inode->mode & S_IFMT) == S_IFIFO;
    if (fifo && (fresh & POLLHUP))
        fresh = (fresh & ~(unsigned)POLLHUP) | POLLIN;
    if (fifo && (fresh & POLLERR))
        fresh = (fresh & ~(unsigned)POLLERR) | POLLOUT;
    if ((fresh & POLLRDHUP) && !(fresh & POLLHUP))
        fresh |= POLLIN;
    if (fresh & POLLIN)
        send(s, POLL_IN);
    if (fresh & POLLOUT)
        send(s, POLL_OUT);
    if (fresh & POLLPRI)
        send(s, POLL_PRI);
    if (fresh & POLLERR)
        send(s, POLL_ERR);
    if (fresh & POLLHUP)
        send(s, POLL_HUP);
}

void sigio_release(struct file *f)
{
    if (!f->sigio)
        return;
    poll_entry_del(&f->sigio->pe);
    kfree(f->sigio);
    f->sigio = NULL;
}

/* After O_ASYNC changed on f (through descriptor fd): hang or take down its entry. */
void sigio_update(struct file *f, int fd)
{
    if (!(f->flags & O_ASYNC)) {
        sigio_release(f);
        return;
    }
    if (f->sigio) {
        f->sigio->fd = fd;
        return;
    }
    const void *chan = f->ops && f->ops->poll_chan && f->ops->poll ? f->ops->poll_chan(f) : NULL;
    if (!chan) {
        static bool said;
        if (!said)
            klog("skiff: O_ASYNC on a file without a poll channel: no SIGIO will come for it\n");
        said = true;
        return;
    }
    struct sigio *s = kzalloc(sizeof(*s));
    if (!s)
        return; /* no memory: no signals, as before */
    s->f = f;
    s->fd = fd;
    s->last = f->ops->poll(f);
    f->sigio = s;
    poll_entry_add(&s->pe, chan, sigio_kick);
}
