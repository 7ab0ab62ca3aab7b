/* fs/p9_client.c — a 9P2000.L session on one transport (fs/p9.h). It offers the filesystem one call per
 * operation, returning 0 (or a byte count) or -errno, and hides the protocol's bookkeeping:
 *  - version: Tversion "9P2000.L" with the msize we can buffer; the server may lower it, never raise it;
 *  - one request at a time: the session's two buffers (msize each) hold the request and its answer, so a
 *    task that finds the session busy sleeps until it is free (start/finish below);
 *  - tags: each request gets the next tag (never NOTAG) and its answer must carry the same one;
 *  - fids: numbers we choose; clunked ones are reused first;
 *  - errors: Rlerror's ecode is a Linux errno and is returned as it is; a reply that does not decode, has the
 *    wrong type or tag, or a dead device is -EIO (logged: it is a bug or a broken host, not a file error);
 *  - sizes: reads and writes larger than msize allows are split into several requests. */
#include "p9.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"
#include "../kernel/errno.h"
#include "../arch/x86_64/arch.h"

#define P9_MSIZE (128u * 1024u + P9_IOHDR) /* 128 KiB of data per read or write, plus the header */
#define P9_WAIT_NS (2ull * 1000000ull)

/* Takes the session for the current task: waits while another task's request is in flight. Re-entry by
 * the owner (a page fault inside a request) would wait for itself: it is refused instead. A task with a
 * signal pending cannot sleep (sched_wait returns at once) and must not leave the request half made, so it
 * yields to the other runnable tasks (the owner may be one) and halts only when none is: halting alone never
 * let the owner run again once its answer had come, and the VM hung (test/progs/p9sig.c). */
static int start(struct p9_client *c, struct p9_buf *tb)
{
    void *me = current ? (void *)current : (void *)c;
    if (c->owner == me)
        return -EDEADLK;
    c->waiters++;
    while (c->owner) {
        if (current && !signal_pending())
            sched_wait(P9_WAIT_NS);
        else if (current && sched_others_runnable())
            schedule();
        else
            irq_wait(P9_WAIT_NS);
    }
    c->waiters--;
    c->owner = me;
    c->cur_tag = c->next_tag++;
    if (c->next_tag == P9_NOTAG)
        c->next_tag = 1;
    p9_buf_init(tb, c->tbuf, c->msize);
    return 0;
}

static int call(struct p9_client *c, int tlen, u8 rtype, struct p9_buf *rb);

/* Retired fids go when no other task waits for the session: a task reads a fid and asks for the session
 * without sleeping in between (the kernel is not preempted), so every task that could still use one of
 * these numbers is either the owner (whose reply is decoded by now) or a waiter. */
static void flush_later(struct p9_client *c)
{
    while (c->nlater && !c->waiters) {
        u32 fid = c->later[--c->nlater];
        struct p9_buf tb, rb;
        c->cur_tag = c->next_tag++;
        if (c->next_tag == P9_NOTAG)
            c->next_tag = 1;
        p9_buf_init(&tb, c->tbuf, c->msize);
        call(c, p9_tfid(&tb, P9_TCLUNK, c->cur_tag, fid), P9_RCLUNK, &rb);
        p9_fid_free(c, fid);
    }
}

void p9_clunk_later(struct p9_client *c, u32 fid)
{
    if (c->nlater == c->later_cap) {
        u32 cap = c->later_cap ? c->later_cap * 2 : 16;
        u32 *n = krealloc(c->later, cap * sizeof(u32));
        if (!n)
            return; /* the fid stays made on the server: harmless, never reused */
        c->later = n;
        c->later_cap = cap;
    }
    c->later[c->nlater++] = fid;
}

static int finish(struct p9_client *c, int rc)
{
    flush_later(c);
    c->owner = NULL;
    sched_wake_io_waiters(); /* a task waiting in start looks again */
    return rc;
}

static int bad_reply(struct p9_client *c, const char *why)
{
    kerr("skiff: 9p %s: %s: EIO\n", c->trans->tag, why);
    return -EIO;
}

/* Sends the tlen bytes built in tbuf (a negative tlen: the encoder's error) and checks the answer's header:
 * 0 with rb positioned on an answer of type rtype, or -errno (Rlerror's, or EIO). */
static int call(struct p9_client *c, int tlen, u8 rtype, struct p9_buf *rb)
{
    if (tlen < 0)
        return tlen == -EMSGSIZE ? -ENAMETOOLONG : tlen; /* only names can make a request too long */
    u32 rlen = 0;
    c->requests++;
    int rc = c->trans->rpc(c->trans, c->tbuf, (u32)tlen, c->rbuf, c->msize, &rlen);
    if (rc)
        return rc;
    p9_buf_init(rb, c->rbuf, c->msize);
    rb->len = rlen;
    u8 type;
    u16 tag;
    if (p9_rheader(rb, &type, &tag))
        return bad_reply(c, "a reply whose header does not decode");
    if (tag != c->cur_tag)
        return bad_reply(c, "a reply with another request's tag");
    if (type == P9_RLERROR) {
        u32 ecode;
        if (p9_rlerror(rb, &ecode))
            return bad_reply(c, "an Rlerror that does not decode");
        c->errors++;
        return ecode > 0 && ecode < 4096 ? -(int)ecode : -EIO;
    }
    if (type != rtype)
        return bad_reply(c, "a reply of the wrong type");
    return 0;
}

static int decoded(struct p9_client *c, int rc)
{
    return rc == -EPROTO ? bad_reply(c, "a reply that does not match its layout") : rc;
}

static int negotiate(struct p9_client *c)
{
    struct p9_buf tb, rb;
    start(c, &tb);
    c->cur_tag = P9_NOTAG; /* Tversion's tag */
    int rc = call(c, p9_tversion(&tb, P9_NOTAG, c->msize, "9P2000.L"), P9_RVERSION, &rb);
    u32 msize = 0;
    char version[16];
    if (!rc)
        rc = decoded(c, p9_rversion(&rb, &msize, version, sizeof version));
    if (!rc && (strcmp(version, "9P2000.L") || msize < P9_MIN_MSIZE || msize > c->msize)) {
        kerr("skiff: 9p %s: the server offers %s with msize %u: unusable\n", c->trans->tag, version, msize);
        rc = -EIO;
    }
    if (!rc)
        c->msize = msize;
    return finish(c, rc);
}

struct p9_client *p9_client_get(struct p9_trans *t)
{
    if (t->client)
        return t->client;
    struct p9_client *c = kzalloc(sizeof *c);
    if (!c)
        return NULL;
    c->trans = t;
    c->msize = P9_MSIZE;
    c->buf_pages = (u32)(ALIGN_UP(P9_MSIZE, PAGE_SIZE) / PAGE_SIZE);
    c->tbuf = page_alloc_n(c->buf_pages);
    c->rbuf = page_alloc_n(c->buf_pages);
    c->next_tag = 1;
    c->next_fid = 1;
    if (!c->tbuf || !c->rbuf || negotiate(c)) {
        /* Buffers a dead device may still write are never given back. */
        if (c->tbuf && c->rbuf && !c->requests)
            page_free_n(c->tbuf, c->buf_pages), page_free_n(c->rbuf, c->buf_pages);
        kfree(c);
        return NULL;
    }
    t->client = c;
    return c;
}

u32 p9_fid_alloc(struct p9_client *c)
{
    c->fids_in_use++;
    if (c->nfree)
        return c->free_fids[--c->nfree];
    return c->next_fid++;
}

void p9_fid_free(struct p9_client *c, u32 fid)
{
    c->fids_in_use--;
    if (c->nfree == c->free_cap) {
        u32 cap = c->free_cap ? c->free_cap * 2 : 64;
        u32 *n = krealloc(c->free_fids, cap * sizeof(u32));
        if (!n)
            return; /* the number is lost, not reused: harmless */
        c->free_fids = n;
        c->free_cap = cap;
    }
    c->free_fids[c->nfree++] = fid;
}

static int reply_qid(struct p9_buf *rb, struct p9_qid *qid)
{
    return qid ? p9_rqid(rb, qid) : p9_rempty(rb);
}

/* The calls whose reply is a qid, or nothing: encode, call, decode, done. */
#define QID_CALL(c, encode, rtype, qid)                                     \
    do {                                                                    \
        struct p9_buf tb, rb;                                               \
        int rc_ = start(c, &tb);                                            \
        if (rc_)                                                            \
            return rc_;                                                     \
        rc_ = call(c, encode, rtype, &rb);                                  \
        if (!rc_)                                                           \
            rc_ = decoded(c, reply_qid(&rb, (qid)));                         \
        return finish(c, rc_);                                              \
    } while (0)

int p9_attach(struct p9_client *c, u32 fid, const char *aname, u32 uid, struct p9_qid *qid)
{
    QID_CALL(c, p9_tattach(&tb, c->cur_tag, fid, P9_NOFID, "", aname, uid), P9_RATTACH, qid);
}

int p9_walk(struct p9_client *c, u32 fid, u32 newfid, u16 n, const char *const *names, struct p9_qid *qid)
{
    struct p9_buf tb, rb;
    struct p9_qid qids[P9_MAXWELEM];
    u16 nwqid = 0;
    int rc = start(c, &tb);
    if (rc)
        return rc;
    rc = call(c, p9_twalk(&tb, c->cur_tag, fid, newfid, n, names), P9_RWALK, &rb);
    if (!rc)
        rc = decoded(c, p9_rwalk(&rb, &nwqid, qids, n));
    if (!rc && nwqid < n)
        rc = -ENOENT; /* a partial walk: newfid was not made */
    if (!rc && n && qid)
        *qid = qids[n - 1];
    return finish(c, rc);
}

static int open_call(struct p9_client *c, int tlen, u8 rtype, struct p9_qid *qid, u32 *iounit)
{
    struct p9_buf rb;
    struct p9_qid q;
    u32 io;
    int rc = call(c, tlen, rtype, &rb);
    if (!rc)
        rc = decoded(c, p9_ropen(&rb, qid ? qid : &q, iounit ? iounit : &io));
    return finish(c, rc);
}

int p9_lopen(struct p9_client *c, u32 fid, u32 flags, struct p9_qid *qid, u32 *iounit)
{
    struct p9_buf tb;
    int rc = start(c, &tb);
    return rc ? rc : open_call(c, p9_tlopen(&tb, c->cur_tag, fid, flags), P9_RLOPEN, qid, iounit);
}

int p9_lcreate(struct p9_client *c, u32 fid, const char *name, u32 flags, u32 mode, u32 gid, struct p9_qid *qid)
{
    struct p9_buf tb;
    int rc = start(c, &tb);
    return rc ? rc : open_call(c, p9_tlcreate(&tb, c->cur_tag, fid, name, flags, mode, gid), P9_RLCREATE, qid,
                               NULL);
}

/* One Tread (or Treaddir) of at most what msize allows; the data is copied out before the session is let go. */
static long read_once(struct p9_client *c, u8 type, u32 fid, u64 off, void *buf, u32 count)
{
    struct p9_buf tb, rb;
    int rc = start(c, &tb);
    if (rc)
        return rc;
    count = MIN(count, c->msize - P9_IOHDR);
    int tlen = type == P9_TREAD ? p9_tread(&tb, c->cur_tag, fid, off, count)
                                : p9_treaddir(&tb, c->cur_tag, fid, off, count);
    rc = call(c, tlen, (u8)(type + 1), &rb);
    u32 got = 0;
    const u8 *data = NULL;
    if (!rc)
        rc = decoded(c, p9_rread(&rb, &got, &data));
    if (!rc && got > count)
        rc = bad_reply(c, "more data than asked for");
    if (!rc && got)
        memcpy(buf, data, got);
    return finish(c, rc) ? rc : (long)got;
}

long p9_read(struct p9_client *c, u32 fid, u64 off, void *buf, size_t count)
{
    size_t done = 0;
    while (done < count) {
        u32 want = (u32)MIN(count - done, (size_t)(c->msize - P9_IOHDR));
        long n = read_once(c, P9_TREAD, fid, off + done, (u8 *)buf + done, want);
        if (n < 0)
            return done ? (long)done : n;
        done += (size_t)n;
        if ((u32)n < want)
            break; /* end of file */
    }
    return (long)done;
}

long p9_readdir(struct p9_client *c, u32 fid, u64 off, void *buf, u32 count)
{
    return read_once(c, P9_TREADDIR, fid, off, buf, count);
}

long p9_write(struct p9_client *c, u32 fid, u64 off, const void *buf, size_t count)
{
    size_t done = 0;
    while (done < count) {
        struct p9_buf tb, rb;
        int rc = start(c, &tb);
        if (rc)
            return done ? (long)done : rc;
        u32 want = (u32)MIN(count - done, (size_t)(c->msize - P9_IOHDR));
        rc = call(c, p9_twrite(&tb, c->cur_tag, fid, off + done, (const u8 *)buf + done, want), P9_RWRITE, &rb);
        u32 n = 0;
        if (!rc)
            rc = decoded(c, p9_rwrite(&rb, &n));
        if (!rc && (n > want || !n))
            rc = bad_reply(c, n ? "more written than sent" : "a write of nothing");
        finish(c, rc);
        if (rc)
            return done ? (long)done : rc;
        done += n;
    }
    return (long)done;
}

int p9_getattr(struct p9_client *c, u32 fid, u64 mask, struct p9_attr *a)
{
    struct p9_buf tb, rb;
    int rc = start(c, &tb);
    if (rc)
        return rc;
    rc = call(c, p9_tgetattr(&tb, c->cur_tag, fid, mask), P9_RGETATTR, &rb);
    if (!rc)
        rc = decoded(c, p9_rgetattr(&rb, a));
    return finish(c, rc);
}

int p9_setattr(struct p9_client *c, u32 fid, const struct p9_setattr *a)
{
    QID_CALL(c, p9_tsetattr(&tb, c->cur_tag, fid, a), P9_RSETATTR, (struct p9_qid *)NULL);
}

int p9_mkdir(struct p9_client *c, u32 dfid, const char *name, u32 mode, u32 gid, struct p9_qid *qid)
{
    struct p9_qid q;
    QID_CALL(c, p9_tmkdir(&tb, c->cur_tag, dfid, name, mode, gid), P9_RMKDIR, qid ? qid : &q);
}

int p9_unlinkat(struct p9_client *c, u32 dfid, const char *name, u32 flags)
{
    QID_CALL(c, p9_tunlinkat(&tb, c->cur_tag, dfid, name, flags), P9_RUNLINKAT, (struct p9_qid *)NULL);
}

int p9_renameat(struct p9_client *c, u32 olddfid, const char *oldname, u32 newdfid, const char *newname)
{
    QID_CALL(c, p9_trenameat(&tb, c->cur_tag, olddfid, oldname, newdfid, newname), P9_RRENAMEAT,
             (struct p9_qid *)NULL);
}

int p9_symlink(struct p9_client *c, u32 dfid, const char *name, const char *target, u32 gid, struct p9_qid *qid)
{
    struct p9_qid q;
    QID_CALL(c, p9_tsymlink(&tb, c->cur_tag, dfid, name, target, gid), P9_RSYMLINK, qid ? qid : &q);
}

int p9_link(struct p9_client *c, u32 dfid, u32 fid, const char *name)
{
    QID_CALL(c, p9_tlink(&tb, c->cur_tag, dfid, fid, name), P9_RLINK, (struct p9_qid *)NULL);
}

int p9_mknod(struct p9_client *c, u32 dfid, const char *name, u32 mode, u32 rdev, u32 gid, struct p9_qid *qid)
{
    struct p9_qid q;
    u32 major = (rdev >> 8) & 0xfff, minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
    QID_CALL(c, p9_tmknod(&tb, c->cur_tag, dfid, name, mode, major, minor, gid), P9_RMKNOD, qid ? qid : &q);
}

int p9_readlink(struct p9_client *c, u32 fid, char *buf, u32 cap)
{
    struct p9_buf tb, rb;
    int rc = start(c, &tb);
    if (rc)
        return rc;
    rc = call(c, p9_tfid(&tb, P9_TREADLINK, c->cur_tag, fid), P9_RREADLINK, &rb);
    if (!rc)
        rc = decoded(c, p9_rreadlink(&rb, buf, cap));
    return finish(c, rc);
}

int p9_fsync(struct p9_client *c, u32 fid, bool datasync)
{
    QID_CALL(c, p9_tfsync(&tb, c->cur_tag, fid, datasync), P9_RFSYNC, (struct p9_qid *)NULL);
}

int p9_statfs(struct p9_client *c, u32 fid, struct p9_statfs *s)
{
    struct p9_buf tb, rb;
    int rc = start(c, &tb);
    if (rc)
        return rc;
    rc = call(c, p9_tfid(&tb, P9_TSTATFS, c->cur_tag, fid), P9_RSTATFS, &rb);
    if (!rc)
        rc = decoded(c, p9_rstatfs(&rb, s));
    return finish(c, rc);
}

/* Txattrwalk: newfid reads name's value (name "": the list of names), *size bytes of it */
int p9_xattrwalk(struct p9_client *c, u32 fid, u32 newfid, const char *name, u64 *size)
{
    struct p9_buf tb, rb;
    int rc = start(c, &tb);
    if (rc)
        return rc;
    rc = call(c, p9_txattrwalk(&tb, c->cur_tag, fid, newfid, name), P9_RXATTRWALK, &rb);
    if (!rc)
        rc = decoded(c, p9_rxattrwalk(&rb, size));
    return finish(c, rc);
}

int p9_xattrcreate(struct p9_client *c, u32 fid, const char *name, u64 size, u32 flags)
{
    QID_CALL(c, p9_txattrcreate(&tb, c->cur_tag, fid, name, size, flags), P9_RXATTRCREATE, (struct p9_qid *)NULL);
}

/* Whatever the answer, the server forgets the fid (the protocol says so even for an error): it is free. */
static int clunk_call(struct p9_client *c, u32 fid)
{
    QID_CALL(c, p9_tfid(&tb, P9_TCLUNK, c->cur_tag, fid), P9_RCLUNK, (struct p9_qid *)NULL);
}

int p9_clunk(struct p9_client *c, u32 fid)
{
    int rc = clunk_call(c, fid);
    p9_fid_free(c, fid);
    return rc;
}
