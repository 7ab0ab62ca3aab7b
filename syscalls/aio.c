/* syscalls/aio.c — Linux native AIO: io_setup, io_destroy, io_submit, io_cancel, io_getevents, io_pgetevents.
 *
 * A context is a ring the process sees: a RAM file mapped shared into its address space at the address that is
 * the context's id (struct aio_ring: id, nr, head, tail, magic, features, header_length; then the io_events).
 * The ring is kept exactly as Linux keeps it, magic AIO_RING_MAGIC included, rather than marked foreign: libaio
 * and fio read completions straight from it when the magic is right (and skip the syscall when head == tail),
 * and the kernel can write it from any context through the file's own pages, whatever address space is loaded.
 * The kernel owns tail; the program and io_getevents advance head, which is read back from the ring each time.
 *
 * io_submit is in aio_submit.c (reads, writes and syncs done at submit time), IOCB_CMD_POLL in aio_poll.c.
 * Contexts belong to an address space (vm_space.aio): threads share them, fork does not pass them on, exit and
 * execve destroy them (aio_vm_exit). */
#include "syscalls.h"
#include "aio.h"
#include "../kernel/boot.h"
#include "../arch/x86_64/smp.h"

#define AIO_RING_MAGIC 0xa10a10a1u
#define AIO_RING_HDR 32u      /* sizeof(struct aio_ring) */
#define AIO_EVENT 32u         /* sizeof(struct io_event) */
#define AIO_MAX_NR 65536u     /* /proc/sys/fs/aio-max-nr's default */

static u64 aio_nr; /* the events all live contexts asked for (/proc/sys/fs/aio-nr) */

int aio_sysctl_nr(char *buf, size_t size) { return ksnprintf(buf, size, "%lu\n", aio_nr); }
int aio_sysctl_max_nr(char *buf, size_t size) { return ksnprintf(buf, size, "%u\n", AIO_MAX_NR); }

/* ---- the ring ---- */

static u32 *ring_word(struct aio_ctx *c, u32 byte) { return (u32 *)(c->pages[byte / PAGE_SIZE] + byte % PAGE_SIZE); }
static u32 ring_head(struct aio_ctx *c) { return *ring_word(c, 8) % c->nr; }

/* Completions waiting in the ring, as its head (the program's) and tail (ours) say. */
u32 aio_ring_avail(struct aio_ctx *c) { return (c->tail + c->nr - ring_head(c)) % c->nr; }

/* One completion into the ring; the eventfd of IOCB_FLAG_RESFD counts it; io_getevents waiters look. */
void aio_complete(struct aio_ctx *c, const struct aio_event *ev, struct file *resfd)
{
    u32 at = AIO_RING_HDR + c->tail * AIO_EVENT;
    memcpy(c->pages[at / PAGE_SIZE] + at % PAGE_SIZE, ev, sizeof(*ev));
    c->tail = (c->tail + 1) % c->nr;
    *ring_word(c, 12) = c->tail; /* after the event: a reaper that sees the tail sees the event */
    if (resfd)
        eventfd_signal(resfd);
    sched_kick_chan(c);
}

/* The ring's size for nr_events, as Linux sizes it: room for twice the larger of nr_events and 4 per CPU,
 * plus 2, rounded up to whole pages, all of which hold events. 0: too many (EINVAL). */
static u32 ring_pages(u32 nr_events)
{
    u64 n = MAX((u64)nr_events, (u64)ncpus_online * 4) * 2;
    if (n > 0x10000000u / AIO_EVENT)
        return 0;
    return (u32)ALIGN_UP(AIO_RING_HDR + (n + 2) * AIO_EVENT, PAGE_SIZE) / PAGE_SIZE;
}

/* The ring's RAM file, its pages present (completions are written from wakeups, which must not allocate),
 * mapped shared at a free address. */
static long ring_map(struct vm_space *vs, struct aio_ctx *c, u32 npages)
{
    u64 len = (u64)npages * PAGE_SIZE;
    c->ring = ramfs_new_inode(S_IFREG | 0600);
    if (!c->ring)
        return -ENOMEM;
    inode_get(c->ring); /* ours, besides the mapping's (ctx_free drops it) */
    c->pages = kzalloc(npages * sizeof(u8 *));
    if (!c->pages)
        return -ENOMEM;
    c->ring->size = len;
    for (u32 i = 0; i < npages; i++)
        if (!(c->pages[i] = vfs_page(c->ring, (u64)i * PAGE_SIZE)))
            return -ENOMEM;
    c->npages = npages;
    c->user = vm_find_free(vs, len, 0);
    if (!c->user)
        return -ENOMEM;
    long rc = vm_map_file(vs, c->user, len, VM_READ | VM_WRITE, c->ring, 0, ~0ull, true, "/[aio]");
    if (rc) {
        vm_unmap(vs, c->user, len);
        c->user = 0;
    }
    return rc;
}

static void ctx_free(struct aio_ctx *c)
{
    if (c->ring)
        inode_put(c->ring);
    kfree(c->pages);
    kfree(c);
}

/* The lowest id no other context of vs has (Linux's index in the process's context table). */
static u32 free_id(struct vm_space *vs)
{
    for (u32 id = 0;; id++) {
        struct aio_ctx *c = vs->aio;
        while (c && c->id != id)
            c = c->next;
        if (!c)
            return id;
    }
}

SYSCALL(io_setup) /* (unsigned nr_events, aio_context_t *ctxp) */
{
    u32 nr_events = (u32)a0;
    u64 old;
    if (copy_from_user(&old, (void *)a1, sizeof(old)))
        return -EFAULT;
    if (old || !nr_events)
        return -EINVAL;
    u32 npages = ring_pages(nr_events);
    if (!npages)
        return -EINVAL;
    if (nr_events > AIO_MAX_NR || aio_nr + nr_events > AIO_MAX_NR)
        return -EAGAIN;
    struct vm_space *vs = current_vm();
    struct aio_ctx *c = kzalloc(sizeof(*c));
    if (!c)
        return -ENOMEM;
    long rc = ring_map(vs, c, npages);
    if (rc) {
        ctx_free(c);
        return rc;
    }
    c->nr = (npages * PAGE_SIZE - AIO_RING_HDR) / AIO_EVENT;
    c->max_reqs = nr_events;
    c->id = free_id(vs);
    u32 hdr[8] = { c->id, c->nr, 0, 0, AIO_RING_MAGIC, 1 /* compat: AIO_RING_COMPAT_FEATURES */, 0, AIO_RING_HDR };
    memcpy(c->pages[0], hdr, sizeof(hdr));
    if (copy_to_user((void *)a1, &c->user, sizeof(c->user))) {
        vm_unmap(vs, c->user, (u64)c->npages * PAGE_SIZE);
        ctx_free(c);
        return -EFAULT;
    }
    c->next = vs->aio;
    vs->aio = c;
    aio_nr += nr_events;
    return 0;
}

struct aio_ctx *aio_ctx_lookup(u64 user)
{
    struct vm_space *vs = current_vm();
    for (struct aio_ctx *c = vs ? vs->aio : NULL; c; c = c->next)
        if (c->user == user && !c->dead)
            return c;
    return NULL;
}

/* Off vs's list, its polls ended, its count given back; the ring's mapping is left to the caller. */
static void ctx_kill(struct vm_space *vs, struct aio_ctx *c)
{
    struct aio_ctx **pp = &vs->aio;
    while (*pp != c)
        pp = &(*pp)->next;
    *pp = c->next;
    c->dead = true;
    aio_poll_end_all(c);
    aio_nr -= c->max_reqs;
    sched_kick_chan(c); /* a thread waiting in io_getevents sees it gone */
}

SYSCALL(io_destroy) /* (aio_context_t ctx) */
{
    struct aio_ctx *c = aio_ctx_lookup(a0);
    if (!c)
        return -EINVAL;
    struct vm_space *vs = current_vm();
    ctx_kill(vs, c);
    vm_unmap(vs, c->user, (u64)c->npages * PAGE_SIZE); /* as Linux: whatever is mapped there now */
    if (!c->waiters)
        ctx_free(c);
    return 0;
}

/* exit and execve: the address space goes, and its contexts with it (the mappings go with the areas). */
void aio_vm_exit(struct vm_space *vs)
{
    while (vs->aio) {
        struct aio_ctx *c = vs->aio;
        ctx_kill(vs, c);
        if (!c->waiters)
            ctx_free(c);
    }
}

/* ---- io_getevents ---- */

/* Up to nr completions from the ring to the user's array: how many, or -EFAULT (the ring left as it was). */
static long ring_take(struct aio_ctx *c, u64 uev, long nr)
{
    long got = 0;
    while (got < nr && aio_ring_avail(c)) {
        u32 head = ring_head(c), at = AIO_RING_HDR + head * AIO_EVENT;
        if (copy_to_user((void *)(uev + got * AIO_EVENT), c->pages[at / PAGE_SIZE] + at % PAGE_SIZE, AIO_EVENT))
            return got ? got : -EFAULT;
        *ring_word(c, 8) = (head + 1) % c->nr;
        got++;
    }
    return got;
}

/* Waits until min_nr completions are there (up to nr taken), the timeout (NULL: none; not checked for range,
 * as Linux) or a signal (EINTR unless some were taken). */
static long get_events(u64 ctx, i64 min_nr, i64 nr, u64 uev, const void *uts)
{
    struct { i64 sec, nsec; } ts;
    u64 ns = ~0ull;
    if (uts) {
        if (copy_from_user(&ts, uts, sizeof(ts)))
            return -EFAULT;
        ns = ts.sec < 0 || ts.nsec < 0 ? ~0ull : (u64)ts.sec * 1000000000 + (u64)ts.nsec; /* Linux never ends those */
    }
    struct aio_ctx *c = aio_ctx_lookup(ctx);
    if (!c || min_nr < 0 || min_nr > nr)
        return -EINVAL;
    u64 deadline = ns == ~0ull ? ~0ull : clock_monotonic_ns() + ns;
    long got = 0;
    c->waiters++;
    for (;;) {
        aio_poll_reap(c);
        long n = ring_take(c, uev + got * AIO_EVENT, nr - got);
        if (n < 0) {
            got = got ? got : n;
            break;
        }
        got += n;
        u64 now = clock_monotonic_ns();
        if (got >= min_nr || c->dead || !ns || now >= deadline)
            break;
        if (signal_pending()) {
            got = got ? got : -EINTR;
            break;
        }
        sched_wait_on(deadline == ~0ull ? ~0ull : deadline - now, c);
        if (signal_pending() && !aio_ring_avail(c)) {
            got = got ? got : -EINTR;
            break;
        }
    }
    if (!--c->waiters && c->dead)
        ctx_free(c);
    return got;
}

SYSCALL(io_getevents) /* (ctx, long min_nr, long nr, struct io_event *events, struct timespec *timeout) */
{
    return get_events(a0, (i64)a1, (i64)a2, a3, (const void *)a4);
}

SYSCALL(io_pgetevents) /* (ctx, min_nr, nr, events, timeout, const struct __aio_sigset *usig) */
{
    struct { u64 mask, size; } us = { 0, 0 };
    if (a5 && copy_from_user(&us, (const void *)a5, sizeof(us)))
        return -EFAULT;
    long rc = signal_mask_push(us.mask, us.size);
    if (rc)
        return rc;
    rc = get_events(a0, (i64)a1, (i64)a2, a3, (const void *)a4);
    signal_mask_pop(rc);
    return rc;
}

SYSCALL(io_cancel) /* (ctx, struct iocb *iocb, struct io_event *result) */
{
    struct aio_ctx *c = aio_ctx_lookup(a0);
    if (!c)
        return -EINVAL;
    u32 key;
    if (copy_from_user(&key, (const void *)(a1 + 8), sizeof(key)))
        return -EFAULT;
    if (key != AIO_KIOCB_KEY)
        return -EINVAL;
    /* only a waiting poll can be cancelled: its completion (res 0) goes to the ring, as Linux's */
    return aio_poll_cancel(c, a1) ? -EINPROGRESS : -EINVAL;
}
