/* syscalls/aio.h — native AIO's contexts, shared by aio.c (the syscalls, the ring) and aio_poll.c
 * (IOCB_CMD_POLL's waits). */
#ifndef SKIFF_AIO_H
#define SKIFF_AIO_H
#include "syscalls.h"

struct aio_event { u64 data, obj; i64 res, res2; }; /* the ABI's struct io_event */

/* An IOCB_CMD_POLL that did not complete at submit time: on its file's poll channel until it does. */
struct aio_poll {
    struct poll_entry pe;      /* first: the channel's callback finds the request from it */
    struct aio_ctx *ctx;
    struct file *file, *resfd; /* held while the request lives */
    struct aio_event ev;
    u32 events;                /* asked for, POLLERR and POLLHUP added */
    bool done;                 /* completed or cancelled: freed by the next aio_poll_reap */
    bool nochan;               /* the file has no poll channel: looked at by aio_poll_reap */
    struct aio_poll *next;
};

/* A context: one per io_setup, on its address space's list (vm_space.aio). */
struct aio_ctx {
    u64 user;                  /* the ring's user address: the context's id */
    u32 id, nr, tail;          /* ring->id, ring->nr; tail is ours (the ring's copy is for the program) */
    u32 max_reqs;              /* io_setup's nr_events, counted in aio-nr */
    u8 **pages;                /* the ring's pages (kernel addresses) */
    u32 npages;
    struct inode *ring;        /* the RAM file they belong to */
    struct aio_poll *polls;    /* polls waiting or done and not yet freed */
    u32 npending;              /* of them, those waiting */
    int waiters;               /* io_getevents calls inside: the last one frees a destroyed context */
    bool dead;                 /* destroyed: no new calls find it */
    struct aio_ctx *next;
};

#define AIO_KIOCB_KEY 0    /* what io_submit writes into aio_key, and io_cancel wants there */

void aio_complete(struct aio_ctx *c, const struct aio_event *ev, struct file *resfd);
struct aio_ctx *aio_ctx_lookup(u64 user);   /* the caller's context at that ring address, NULL: none */
u32 aio_ring_avail(struct aio_ctx *c);      /* completions in the ring not yet taken */
/* aio_poll.c */
long aio_poll_submit(struct aio_ctx *c, struct file *f, u64 events, bool bad, struct aio_event *ev,
                     struct file **resfd); /* 0: completed into *ev; 1: waiting (takes *resfd); or -errno */
void aio_poll_reap(struct aio_ctx *c);      /* frees finished polls; looks at those without a channel */
bool aio_poll_cancel(struct aio_ctx *c, u64 uiocb);
void aio_poll_end_all(struct aio_ctx *c);   /* the context goes: every poll ends without a completion */
#endif
