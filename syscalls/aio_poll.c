/* syscalls/aio_poll.c — IOCB_CMD_POLL: a one-shot poll of one file whose answer is an AIO completion.
 * Ready at submit time: it completes at once with the ready events that were asked for. Otherwise the request
 * hangs on the file's poll channel and completes at the first kick that finds an asked-for event (POLLERR and
 * POLLHUP are always asked for); io_cancel completes it with res 0, as Linux. The kick runs the file's poll op
 * from the kicker's context (an interrupt for a network receive): poll ops only read state, and the ring's
 * pages are present and reached through the kernel's map, so completing there neither sleeps nor allocates. */
#include "aio.h"

static void poll_done(struct aio_poll *p, unsigned mask)
{
    p->done = true;
    p->ctx->npending--;
    p->ev.res = mask;
    aio_complete(p->ctx, &p->ev, p->resfd);
}

static void poll_kick(struct poll_entry *e)
{
    struct aio_poll *p = (struct aio_poll *)e;
    if (p->done)
        return;
    unsigned mask = file_poll(p->file) & p->events;
    if (mask)
        poll_done(p, mask);
}

long aio_poll_submit(struct aio_ctx *c, struct file *f, u64 events, bool bad, struct aio_event *ev,
                     struct file **resfd)
{
    if ((u16)events != events || bad)
        return -EINVAL; /* events are 16 bits; offset, nbytes and aio_rw_flags must be 0 */
    u32 want = (u32)events | POLLERR | POLLHUP;
    unsigned mask = file_poll(f) & want;
    if (mask) {
        ev->res = mask;
        return 0;
    }
    struct aio_poll *p = kzalloc(sizeof(*p));
    if (!p)
        return -ENOMEM;
    *p = (struct aio_poll){ .ctx = c, .file = f, .resfd = *resfd, .ev = *ev, .events = want, .next = c->polls };
    *resfd = NULL; /* the request holds it now */
    file_get(f);
    c->polls = p;
    c->npending++;
    const void *chan = file_poll_chan(f);
    if (chan)
        poll_entry_add(&p->pe, chan, poll_kick);
    else
        p->nochan = true;
    return 1;
}

static void poll_free(struct aio_poll *p)
{
    poll_entry_del(&p->pe);
    file_put(p->file);
    if (p->resfd)
        file_put(p->resfd);
    kfree(p);
}

/* In a syscall's context: finished requests leave their channels (a kick callback may not unlink itself), and
 * files without a channel are looked at now. */
void aio_poll_reap(struct aio_ctx *c)
{
    for (struct aio_poll **pp = &c->polls, *p; (p = *pp);) {
        if (!p->done && p->nochan)
            poll_kick(&p->pe);
        if (p->done) {
            *pp = p->next;
            poll_free(p);
        } else {
            pp = &p->next;
        }
    }
}

bool aio_poll_cancel(struct aio_ctx *c, u64 uiocb)
{
    for (struct aio_poll *p = c->polls; p; p = p->next)
        if (!p->done && p->ev.obj == uiocb) {
            poll_done(p, 0);
            return true;
        }
    return false;
}

void aio_poll_end_all(struct aio_ctx *c)
{
    while (c->polls) {
        struct aio_poll *p = c->polls;
        c->polls = p->next;
        if (!p->done)
            c->npending--;
        poll_free(p);
    }
}
