/* fs/p9_proto.c — 9P2000.L messages, encoded and decoded; nothing else. Pure code (no allocation, no device):
 * it builds on the host too, where test/unit/test_p9.c feeds it good, truncated, oversized and lying
 * messages. A decoder never reads past the len bytes the device wrote: every get checks the bounds, and a
 * message that claims more than it holds (a size[4] other than len, a string or a count past the end) is
 * -EPROTO. Layouts follow the 9P2000.L protocol description (Linux's Documentation/filesystems/9p.rst and
 * the 9P2000.L page it points to). */
#include "p9.h"
#include "../kernel/errno.h"

_Static_assert(P9_IOHDR >= P9_HDR + 4 + 8 + 4, "Twrite's fid[4] offset[8] count[4] fit in P9_IOHDR");
_Static_assert(P9_QID_SIZE == 1 + 4 + 8, "qid: type[1] version[4] path[8]");

void p9_buf_init(struct p9_buf *b, void *data, u32 cap)
{
    *b = (struct p9_buf){ .data = data, .cap = cap };
}

/* --- building --- */

static void put(struct p9_buf *b, const void *src, u32 n)
{
    if (b->bad || n > b->cap - b->len) {
        b->bad = true;
        return;
    }
    memcpy(b->data + b->len, src, n);
    b->len += n;
}

static void put_le(struct p9_buf *b, u64 v, u32 n)
{
    u8 bytes[8];
    for (u32 i = 0; i < n; i++)
        bytes[i] = (u8)(v >> (8 * i));
    put(b, bytes, n);
}

static void put8(struct p9_buf *b, u8 v) { put_le(b, v, 1); }
static void put16(struct p9_buf *b, u16 v) { put_le(b, v, 2); }
static void put32(struct p9_buf *b, u32 v) { put_le(b, v, 4); }
static void put64(struct p9_buf *b, u64 v) { put_le(b, v, 8); }

static void put_str(struct p9_buf *b, const char *s)
{
    size_t n = strlen(s);
    if (n > 0xffff) {
        b->bad = true;
        return;
    }
    put16(b, (u16)n);
    put(b, s, (u32)n);
}

/* Starts a message: size[4] is filled in by finish. */
static void begin(struct p9_buf *b, u8 type, u16 tag)
{
    b->len = 0;
    b->bad = false;
    put32(b, 0);
    put8(b, type);
    put16(b, tag);
}

static int finish(struct p9_buf *b)
{
    if (b->bad)
        return -EMSGSIZE;
    for (int i = 0; i < 4; i++)
        b->data[i] = (u8)(b->len >> (8 * i));
    return (int)b->len;
}

int p9_tversion(struct p9_buf *b, u16 tag, u32 msize, const char *version)
{
    begin(b, P9_TVERSION, tag);
    put32(b, msize);
    put_str(b, version);
    return finish(b);
}

int p9_tattach(struct p9_buf *b, u16 tag, u32 fid, u32 afid, const char *uname, const char *aname, u32 n_uname)
{
    begin(b, P9_TATTACH, tag);
    put32(b, fid);
    put32(b, afid);
    put_str(b, uname);
    put_str(b, aname);
    put32(b, n_uname);
    return finish(b);
}

int p9_twalk(struct p9_buf *b, u16 tag, u32 fid, u32 newfid, u16 nwname, const char *const *names)
{
    begin(b, P9_TWALK, tag);
    if (nwname > P9_MAXWELEM)
        b->bad = true;
    put32(b, fid);
    put32(b, newfid);
    put16(b, nwname);
    for (u16 i = 0; i < nwname && !b->bad; i++)
        put_str(b, names[i]);
    return finish(b);
}

int p9_tlopen(struct p9_buf *b, u16 tag, u32 fid, u32 flags)
{
    begin(b, P9_TLOPEN, tag);
    put32(b, fid);
    put32(b, flags);
    return finish(b);
}

int p9_tlcreate(struct p9_buf *b, u16 tag, u32 fid, const char *name, u32 flags, u32 mode, u32 gid)
{
    begin(b, P9_TLCREATE, tag);
    put32(b, fid);
    put_str(b, name);
    put32(b, flags);
    put32(b, mode);
    put32(b, gid);
    return finish(b);
}

/* Tread and Treaddir have one layout: fid[4] offset[8] count[4]. */
static int fid_off_count(struct p9_buf *b, u8 type, u16 tag, u32 fid, u64 offset, u32 count)
{
    begin(b, type, tag);
    put32(b, fid);
    put64(b, offset);
    put32(b, count);
    return finish(b);
}

int p9_tread(struct p9_buf *b, u16 tag, u32 fid, u64 offset, u32 count)
{
    return fid_off_count(b, P9_TREAD, tag, fid, offset, count);
}

int p9_treaddir(struct p9_buf *b, u16 tag, u32 fid, u64 offset, u32 count)
{
    return fid_off_count(b, P9_TREADDIR, tag, fid, offset, count);
}

int p9_twrite(struct p9_buf *b, u16 tag, u32 fid, u64 offset, const void *data, u32 count)
{
    begin(b, P9_TWRITE, tag);
    put32(b, fid);
    put64(b, offset);
    put32(b, count);
    put(b, data, count);
    return finish(b);
}

int p9_tgetattr(struct p9_buf *b, u16 tag, u32 fid, u64 mask)
{
    begin(b, P9_TGETATTR, tag);
    put32(b, fid);
    put64(b, mask);
    return finish(b);
}

int p9_tsetattr(struct p9_buf *b, u16 tag, u32 fid, const struct p9_setattr *a)
{
    begin(b, P9_TSETATTR, tag);
    put32(b, fid);
    put32(b, a->valid);
    put32(b, a->mode);
    put32(b, a->uid);
    put32(b, a->gid);
    put64(b, a->size);
    put64(b, a->atime_sec);
    put64(b, a->atime_nsec);
    put64(b, a->mtime_sec);
    put64(b, a->mtime_nsec);
    return finish(b);
}

int p9_tmkdir(struct p9_buf *b, u16 tag, u32 dfid, const char *name, u32 mode, u32 gid)
{
    begin(b, P9_TMKDIR, tag);
    put32(b, dfid);
    put_str(b, name);
    put32(b, mode);
    put32(b, gid);
    return finish(b);
}

int p9_tunlinkat(struct p9_buf *b, u16 tag, u32 dfid, const char *name, u32 flags)
{
    begin(b, P9_TUNLINKAT, tag);
    put32(b, dfid);
    put_str(b, name);
    put32(b, flags);
    return finish(b);
}

int p9_trenameat(struct p9_buf *b, u16 tag, u32 olddfid, const char *oldname, u32 newdfid, const char *newname)
{
    begin(b, P9_TRENAMEAT, tag);
    put32(b, olddfid);
    put_str(b, oldname);
    put32(b, newdfid);
    put_str(b, newname);
    return finish(b);
}

int p9_tsymlink(struct p9_buf *b, u16 tag, u32 dfid, const char *name, const char *target, u32 gid)
{
    begin(b, P9_TSYMLINK, tag);
    put32(b, dfid);
    put_str(b, name);
    put_str(b, target);
    put32(b, gid);
    return finish(b);
}

int p9_tlink(struct p9_buf *b, u16 tag, u32 dfid, u32 fid, const char *name)
{
    begin(b, P9_TLINK, tag);
    put32(b, dfid);
    put32(b, fid);
    put_str(b, name);
    return finish(b);
}

int p9_tmknod(struct p9_buf *b, u16 tag, u32 dfid, const char *name, u32 mode, u32 major, u32 minor, u32 gid)
{
    begin(b, P9_TMKNOD, tag);
    put32(b, dfid);
    put_str(b, name);
    put32(b, mode);
    put32(b, major);
    put32(b, minor);
    put32(b, gid);
    return finish(b);
}

/* Linux and QEMU carry datasync[4] after the fid (the original 9P2000.L text has the fid alone). */
int p9_tfsync(struct p9_buf *b, u16 tag, u32 fid, u32 datasync)
{
    begin(b, P9_TFSYNC, tag);
    put32(b, fid);
    put32(b, datasync);
    return finish(b);
}

int p9_txattrwalk(struct p9_buf *b, u16 tag, u32 fid, u32 newfid, const char *name)
{
    begin(b, P9_TXATTRWALK, tag);
    put32(b, fid);
    put32(b, newfid);
    put_str(b, name);
    return finish(b);
}

int p9_txattrcreate(struct p9_buf *b, u16 tag, u32 fid, const char *name, u64 size, u32 flags)
{
    begin(b, P9_TXATTRCREATE, tag);
    put32(b, fid);
    put_str(b, name);
    put64(b, size);
    put32(b, flags);
    return finish(b);
}

int p9_tflush(struct p9_buf *b, u16 tag, u16 oldtag)
{
    begin(b, P9_TFLUSH, tag);
    put16(b, oldtag);
    return finish(b);
}

int p9_tfid(struct p9_buf *b, u8 type, u16 tag, u32 fid)
{
    begin(b, type, tag);
    put32(b, fid);
    return finish(b);
}
