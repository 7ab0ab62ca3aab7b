/* fs/p9_decode.c — decoding of 9P2000.L replies, the half of fs/p9_proto.c that reads what the device wrote.
 * Pure code, built on the host for test/unit/test_p9.c. Every get checks the bounds against len (the bytes
 * the device says it wrote); past them it reads zeros and marks the buffer bad, and the decoder's final
 * p9_end turns bad, or bytes left over, into -EPROTO. So a reply is either exactly what its layout says or
 * refused, and nothing past the buffer is ever read. */
#include "p9.h"
#include "../kernel/errno.h"

static const u8 *take(struct p9_buf *b, u32 n)
{
    if (b->bad || n > b->len - b->pos) {
        b->bad = true;
        return NULL;
    }
    const u8 *p = b->data + b->pos;
    b->pos += n;
    return p;
}

static u64 get_le(struct p9_buf *b, u32 n)
{
    const u8 *p = take(b, n);
    u64 v = 0;
    for (u32 i = 0; p && i < n; i++)
        v |= (u64)p[i] << (8 * i);
    return v;
}

static u8 get8(struct p9_buf *b) { return (u8)get_le(b, 1); }
static u16 get16(struct p9_buf *b) { return (u16)get_le(b, 2); }
static u32 get32(struct p9_buf *b) { return (u32)get_le(b, 4); }
static u64 get64(struct p9_buf *b) { return get_le(b, 8); }

static void get_qid(struct p9_buf *b, struct p9_qid *q)
{
    q->type = get8(b);
    q->version = get32(b);
    q->path = get64(b);
}

/* A string: its bytes stay in the message (*s, *n). */
static void get_str(struct p9_buf *b, const char **s, u16 *n)
{
    *n = get16(b);
    *s = (const char *)take(b, *n);
    if (!*s)
        *n = 0;
}

/* The whole reply was used, and nothing was missing. */
static int end(struct p9_buf *b)
{
    return !b->bad && b->pos == b->len ? 0 : -EPROTO;
}

int p9_rheader(struct p9_buf *b, u8 *type, u16 *tag)
{
    b->pos = 0;
    b->bad = false;
    if (b->len > b->cap)
        return -EPROTO;
    u32 size = get32(b);
    *type = get8(b);
    *tag = get16(b);
    if (b->bad || size != b->len)
        return -EPROTO;
    return 0;
}

int p9_rlerror(struct p9_buf *b, u32 *ecode)
{
    *ecode = get32(b);
    return end(b);
}

int p9_rversion(struct p9_buf *b, u32 *msize, char *version, u32 cap)
{
    const char *s;
    u16 n;
    *msize = get32(b);
    get_str(b, &s, &n);
    if (b->bad || n >= cap)
        return -EPROTO;
    memcpy(version, s, n);
    version[n] = 0;
    return end(b);
}

int p9_rqid(struct p9_buf *b, struct p9_qid *qid)
{
    get_qid(b, qid);
    return end(b);
}

int p9_ropen(struct p9_buf *b, struct p9_qid *qid, u32 *iounit)
{
    get_qid(b, qid);
    *iounit = get32(b);
    return end(b);
}

int p9_rwalk(struct p9_buf *b, u16 *nwqid, struct p9_qid *qids, u16 max)
{
    *nwqid = get16(b);
    if (*nwqid > max)
        return -EPROTO;
    for (u16 i = 0; i < *nwqid; i++)
        get_qid(b, &qids[i]);
    return end(b);
}

int p9_rread(struct p9_buf *b, u32 *count, const u8 **data)
{
    *count = get32(b);
    *data = take(b, *count);
    return end(b);
}

int p9_rwrite(struct p9_buf *b, u32 *count)
{
    *count = get32(b);
    return end(b);
}

int p9_rgetattr(struct p9_buf *b, struct p9_attr *a)
{
    a->valid = get64(b);
    get_qid(b, &a->qid);
    a->mode = get32(b);
    a->uid = get32(b);
    a->gid = get32(b);
    a->nlink = get64(b);
    a->rdev = get64(b);
    a->size = get64(b);
    a->blksize = get64(b);
    a->blocks = get64(b);
    a->atime_sec = get64(b);
    a->atime_nsec = get64(b);
    a->mtime_sec = get64(b);
    a->mtime_nsec = get64(b);
    a->ctime_sec = get64(b);
    a->ctime_nsec = get64(b);
    a->btime_sec = get64(b);
    a->btime_nsec = get64(b);
    a->gen = get64(b);
    a->data_version = get64(b);
    return end(b);
}

int p9_rxattrwalk(struct p9_buf *b, u64 *size)
{
    *size = get64(b);
    return end(b);
}

int p9_rstatfs(struct p9_buf *b, struct p9_statfs *s)
{
    s->type = get32(b);
    s->bsize = get32(b);
    s->blocks = get64(b);
    s->bfree = get64(b);
    s->bavail = get64(b);
    s->files = get64(b);
    s->ffree = get64(b);
    s->fsid = get64(b);
    s->namelen = get32(b);
    return end(b);
}

int p9_rreadlink(struct p9_buf *b, char *target, u32 cap)
{
    const char *s;
    u16 n;
    get_str(b, &s, &n);
    int rc = end(b);
    if (rc)
        return rc;
    if (n >= cap)
        return -ENAMETOOLONG;
    if (n)
        memcpy(target, s, n);
    target[n] = 0;
    return 0;
}

int p9_rempty(struct p9_buf *b)
{
    return end(b);
}

/* Entries are qid[13] offset[8] type[1] name[s], back to back. A name that is empty, holds a '/' or a NUL,
 * or runs past the data is damage, not a name. */
int p9_dirent_next(const u8 *data, u32 len, u32 *pos, struct p9_dirent *e)
{
    if (*pos >= len)
        return 0;
    struct p9_buf b = { .data = (u8 *)data, .cap = len, .len = len, .pos = *pos };
    get_qid(&b, &e->qid);
    e->offset = get64(&b);
    e->type = get8(&b);
    get_str(&b, &e->name, &e->namelen);
    if (b.bad || !e->namelen)
        return -EPROTO;
    for (u16 i = 0; i < e->namelen; i++)
        if (e->name[i] == '/' || e->name[i] == 0)
            return -EPROTO;
    *pos = b.pos;
    return 1;
}
