/* test/unit/test_p9.c — the 9P2000.L encoder and decoder (fs/p9_proto.c, fs/p9_decode.c) on the host: exact
 * bytes of T-messages against layouts written out by hand from the protocol text, good replies, and every
 * kind of damaged reply (truncated at each length, a size[4] that lies, counts and strings past the end,
 * trailing bytes, random bytes). Each reply sits in a heap block of exactly its length, so AddressSanitizer
 * fails the test if a decoder reads one byte past it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../fs/p9.h"
#include "../../kernel/errno.h"

/* A reply under construction: the test writes fields, then reply_done fills in size[4]. */
struct msg { unsigned char b[512]; unsigned n; };

static void le(struct msg *m, unsigned long long v, int n)
{
    for (int i = 0; i < n; i++)
        m->b[m->n++] = (unsigned char)(v >> (8 * i));
}

static void str(struct msg *m, const char *s)
{
    le(m, strlen(s), 2);
    memcpy(m->b + m->n, s, strlen(s));
    m->n += (unsigned)strlen(s);
}

static void qid(struct msg *m, int type, unsigned ver, unsigned long long path)
{
    le(m, (unsigned)type, 1);
    le(m, ver, 4);
    le(m, path, 8);
}

static void head(struct msg *m, int type, int tag)
{
    m->n = 0;
    le(m, 0, 4);
    le(m, (unsigned)type, 1);
    le(m, (unsigned)tag, 2);
}

static void done(struct msg *m)
{
    for (int i = 0; i < 4; i++)
        m->b[i] = (unsigned char)(m->n >> (8 * i));
}

/* Decodes the first len bytes of m (copied into a block of exactly len bytes) with dec; returns its result,
 * or the header's error. */
typedef int (*decoder)(struct p9_buf *b, void *out);

static int decode(const unsigned char *bytes, unsigned len, decoder dec, void *out)
{
    unsigned char *copy = malloc(len ? len : 1);
    memcpy(copy, bytes, len);
    struct p9_buf b;
    p9_buf_init(&b, copy, len);
    b.len = len;
    u8 type;
    u16 tag;
    int rc = p9_rheader(&b, &type, &tag);
    if (!rc)
        rc = dec(&b, out);
    free(copy);
    return rc;
}

static int dec_getattr(struct p9_buf *b, void *out) { return p9_rgetattr(b, out); }
static int dec_statfs(struct p9_buf *b, void *out) { return p9_rstatfs(b, out); }
static int dec_lerror(struct p9_buf *b, void *out) { return p9_rlerror(b, out); }
static int dec_open(struct p9_buf *b, void *out) { u32 io; return p9_ropen(b, out, &io); }
static int dec_walk(struct p9_buf *b, void *out) { u16 n; return p9_rwalk(b, &n, out, P9_MAXWELEM); }
static int dec_read(struct p9_buf *b, void *out) { u32 n; return p9_rread(b, &n, out); }
static int dec_link(struct p9_buf *b, void *out) { return p9_rreadlink(b, out, 64); }
static int dec_version(struct p9_buf *b, void *out) { u32 ms; return p9_rversion(b, &ms, out, 32); }

/* Every strict prefix of a good reply, with size[4] either kept or made to match the prefix, is refused. */
static void check_truncations(const char *what, struct msg *m, decoder dec)
{
    char out[512];
    int accepted = 0;
    for (unsigned len = 0; len < m->n; len++) {
        accepted += decode(m->b, len, dec, out) == 0;
        struct msg t = *m;
        t.n = len;
        if (len >= 4)
            done(&t);
        accepted += decode(t.b, len, dec, out) == 0;
    }
    CHECK(accepted == 0, "%s: all %u truncations refused (accepted %d)", what, m->n, accepted);
    struct msg longer = *m;
    longer.b[longer.n++] = 0;
    done(&longer);
    CHECK(decode(longer.b, longer.n, dec, out) == -EPROTO, "%s: a trailing byte is refused", what);
    CHECK(decode(m->b, m->n, dec, out) == 0, "%s: the whole reply decodes", what);
}

static void test_encode(void)
{
    unsigned char buf[256];
    struct p9_buf b;
    p9_buf_init(&b, buf, sizeof buf);
    int n = p9_tversion(&b, P9_NOTAG, 8192, "9P2000.L");
    static const unsigned char tversion[] = { 21, 0, 0, 0, 100, 0xff, 0xff, 0x00, 0x20, 0, 0, 8, 0,
                                              '9', 'P', '2', '0', '0', '0', '.', 'L' };
    CHECK(n == 21 && !memcmp(buf, tversion, 21), "Tversion: size, type 100, NOTAG, msize, string");

    const char *names[] = { "usr", "bin" };
    n = p9_twalk(&b, 7, 1, 2, 2, names);
    static const unsigned char twalk[] = { 27, 0, 0, 0, 110, 7, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0,
                                           3, 0, 'u', 's', 'r', 3, 0, 'b', 'i', 'n' };
    CHECK(n == 27 && !memcmp(buf, twalk, 27), "Twalk: fid, newfid, nwname, names");

    n = p9_tgetattr(&b, 3, 9, P9_GETATTR_BASIC);
    static const unsigned char tgetattr[] = { 19, 0, 0, 0, 24, 3, 0, 9, 0, 0, 0, 0xff, 0x07, 0, 0, 0, 0, 0, 0 };
    CHECK(n == 19 && !memcmp(buf, tgetattr, 19), "Tgetattr: fid, request_mask[8]");

    n = p9_twrite(&b, 1, 4, 0x100000000ull, "abc", 3);
    static const unsigned char twrite[] = { 26, 0, 0, 0, 118, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
                                            3, 0, 0, 0, 'a', 'b', 'c' };
    CHECK(n == 26 && !memcmp(buf, twrite, 26), "Twrite: 64-bit offset, count, data");

    n = p9_trenameat(&b, 2, 5, "a", 6, "bc");
    static const unsigned char trenameat[] = { 22, 0, 0, 0, 74, 2, 0, 5, 0, 0, 0, 1, 0, 'a', 6, 0, 0, 0,
                                               2, 0, 'b', 'c' };
    CHECK(n == 22 && !memcmp(buf, trenameat, 22), "Trenameat: olddirfid, oldname, newdirfid, newname");

    struct p9_setattr sa = { .valid = P9_SETATTR_SIZE, .size = 5 };
    n = p9_tsetattr(&b, 1, 1, &sa);
    CHECK(n == 7 + 4 + 4 * 4 + 5 * 8 && buf[11] == 8 && buf[27] == 5, "Tsetattr: 67 bytes, valid and size placed");

    n = p9_tfsync(&b, 1, 3, 1);
    CHECK(n == 15 && buf[4] == 50 && buf[11] == 1, "Tfsync: fid and datasync");
    n = p9_tunlinkat(&b, 1, 3, "d", P9_AT_REMOVEDIR);
    CHECK(n == 18 && buf[4] == 76 && buf[14] == 0 && buf[15] == 2, "Tunlinkat: AT_REMOVEDIR flag");
    n = p9_tfid(&b, P9_TCLUNK, 1, 0x01020304);
    CHECK(n == 11 && buf[4] == 120 && buf[7] == 4 && buf[10] == 1, "Tclunk");
}

static void test_encode_limits(void)
{
    unsigned char small[30];
    struct p9_buf b;
    p9_buf_init(&b, small, sizeof small);
    CHECK(p9_twrite(&b, 1, 1, 0, "0123456789", 10) == -EMSGSIZE, "Twrite larger than the buffer: -EMSGSIZE");
    CHECK(p9_tread(&b, 1, 1, 0, 10) == 23, "the same buffer still serves a Tread afterwards");
    const char *names[17];
    for (int i = 0; i < 17; i++)
        names[i] = "x";
    unsigned char big[512];
    p9_buf_init(&b, big, sizeof big);
    CHECK(p9_twalk(&b, 1, 1, 2, 17, names) == -EMSGSIZE, "Twalk of 17 names: refused (16 at most)");
    CHECK(p9_twalk(&b, 1, 1, 2, 16, names) == 17 + 16 * 3, "Twalk of 16 names");
    char longname[70000];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    static unsigned char huge[80000];
    p9_buf_init(&b, huge, sizeof huge);
    CHECK(p9_tmkdir(&b, 1, 1, longname, 0755, 0) == -EMSGSIZE, "a name longer than a string[2] can say: refused");
}

static void build_getattr(struct msg *m)
{
    head(m, P9_RGETATTR, 5);
    le(m, 0x7ff, 8);
    qid(m, 0, 7, 0x1122334455667788ull);
    le(m, 0100644, 4);
    le(m, 1000, 4);
    le(m, 1001, 4);
    le(m, 2, 8);
    le(m, 0, 8);
    le(m, 12345, 8);
    le(m, 4096, 8);
    le(m, 24, 8);
    for (int i = 0; i < 10; i++)
        le(m, 1700000000ull + (unsigned)i, 8);
    done(m);
}

static void test_getattr(void)
{
    struct msg m;
    build_getattr(&m);
    struct p9_attr a;
    int rc = decode(m.b, m.n, dec_getattr, &a);
    CHECK(rc == 0 && a.mode == 0100644 && a.uid == 1000 && a.gid == 1001 && a.size == 12345 && a.nlink == 2,
          "Rgetattr: mode, uid, gid, size, nlink");
    CHECK(a.qid.path == 0x1122334455667788ull && a.qid.version == 7 && a.mtime_sec == 1700000002ull &&
          a.ctime_nsec == 1700000005ull && a.data_version == 1700000009ull,
          "Rgetattr: qid.path, times, data_version in their places");
    CHECK(m.n == 7 + 8 + 13 + 12 + 5 * 8 + 10 * 8, "Rgetattr is 160 bytes");
    check_truncations("Rgetattr", &m, dec_getattr);
    struct msg lie = m;
    lie.b[0] += 8; /* size[4] claims 8 bytes the device never wrote */
    CHECK(decode(lie.b, lie.n, dec_getattr, &a) == -EPROTO, "Rgetattr whose size[4] exceeds what was written");
}

static void test_small_replies(void)
{
    struct msg m;
    head(&m, P9_RLERROR, 1);
    le(&m, 2, 4);
    done(&m);
    u32 ecode = 0;
    CHECK(decode(m.b, m.n, dec_lerror, &ecode) == 0 && ecode == ENOENT, "Rlerror carries ENOENT");
    check_truncations("Rlerror", &m, dec_lerror);

    head(&m, P9_RLOPEN, 1);
    qid(&m, P9_QTDIR, 0, 42);
    le(&m, 0, 4);
    done(&m);
    struct p9_qid q;
    CHECK(decode(m.b, m.n, dec_open, &q) == 0 && q.type == P9_QTDIR && q.path == 42, "Rlopen: qid");
    check_truncations("Rlopen", &m, dec_open);

    head(&m, P9_RSTATFS, 1);
    le(&m, 0x01021997, 4);
    le(&m, 4096, 4);
    for (int i = 0; i < 6; i++)
        le(&m, 100u + (unsigned)i, 8);
    le(&m, 255, 4);
    done(&m);
    struct p9_statfs st;
    CHECK(decode(m.b, m.n, dec_statfs, &st) == 0 && st.bsize == 4096 && st.bavail == 102 && st.namelen == 255,
          "Rstatfs: bsize, bavail, namelen");
    check_truncations("Rstatfs", &m, dec_statfs);

    head(&m, P9_RVERSION, P9_NOTAG);
    le(&m, 65536, 4);
    str(&m, "9P2000.L");
    done(&m);
    char ver[32];
    CHECK(decode(m.b, m.n, dec_version, ver) == 0 && !strcmp(ver, "9P2000.L"), "Rversion: the version string");
    check_truncations("Rversion", &m, dec_version);
}

static void test_walk_read(void)
{
    struct msg m;
    head(&m, P9_RWALK, 1);
    le(&m, 2, 2);
    qid(&m, P9_QTDIR, 0, 10);
    qid(&m, 0, 0, 11);
    done(&m);
    struct p9_qid qs[P9_MAXWELEM];
    CHECK(decode(m.b, m.n, dec_walk, qs) == 0 && qs[0].path == 10 && qs[1].path == 11, "Rwalk: two qids");
    check_truncations("Rwalk", &m, dec_walk);
    head(&m, P9_RWALK, 1);
    le(&m, 17, 2);
    for (int i = 0; i < 17; i++)
        qid(&m, 0, 0, (unsigned)i);
    done(&m);
    CHECK(decode(m.b, m.n, dec_walk, qs) == -EPROTO, "Rwalk with 17 qids (more than asked for): refused");

    head(&m, P9_RREAD, 1);
    le(&m, 5, 4);
    memcpy(m.b + m.n, "hello", 5);
    m.n += 5;
    done(&m);
    const u8 *data = NULL;
    CHECK(decode(m.b, m.n, dec_read, &data) == 0, "Rread: five bytes");
    check_truncations("Rread", &m, dec_read);
    m.b[7] = 200; /* count says 200 bytes, 5 follow */
    CHECK(decode(m.b, m.n, dec_read, &data) == -EPROTO, "Rread whose count runs past the reply: refused");
    m.b[7] = 0xff, m.b[8] = 0xff, m.b[9] = 0xff, m.b[10] = 0xff;
    CHECK(decode(m.b, m.n, dec_read, &data) == -EPROTO, "Rread with count 2^32-1: refused, no wrap");

    head(&m, P9_RREADLINK, 1);
    str(&m, "../target");
    done(&m);
    char target[64];
    CHECK(decode(m.b, m.n, dec_link, target) == 0 && !strcmp(target, "../target"), "Rreadlink: the target");
    check_truncations("Rreadlink", &m, dec_link);
    m.b[7] = 100; /* the string's length runs past the end */
    CHECK(decode(m.b, m.n, dec_link, target) == -EPROTO, "Rreadlink whose string runs past the reply");
}

static void dirent(struct msg *m, unsigned long long path, unsigned long long off, int type, const char *name)
{
    qid(m, type == 4 ? P9_QTDIR : 0, 0, path);
    le(m, off, 8);
    le(m, (unsigned)type, 1);
    str(m, name);
}

static void test_dirents(void)
{
    struct msg m = { .n = 0 };
    dirent(&m, 1, 10, 4, ".");
    dirent(&m, 2, 20, 8, "file.txt");
    dirent(&m, 3, 30, 10, "link");
    struct p9_dirent e;
    u32 pos = 0;
    int n = 0, rc;
    char names[3][16];
    while ((rc = p9_dirent_next(m.b, m.n, &pos, &e)) == 1) {
        snprintf(names[n], 16, "%.*s", e.namelen, e.name);
        n++;
    }
    CHECK(rc == 0 && n == 3 && !strcmp(names[1], "file.txt") && e.offset == 30 && e.type == 10,
          "Rreaddir data: three entries, names, last offset and type");
    int bad = 0;
    for (unsigned len = 1; len < m.n; len++) {
        unsigned char *copy = malloc(len);
        memcpy(copy, m.b, len);
        pos = 0;
        while ((rc = p9_dirent_next(copy, len, &pos, &e)) == 1)
            ;
        bad += rc == -EPROTO;
        free(copy);
    }
    /* A cut exactly between entries is a shorter, valid listing: 2 of the m.n - 1 cuts. */
    CHECK(bad == (int)m.n - 1 - 2, "Rreaddir data cut anywhere inside an entry: -EPROTO (%d)", bad);
    struct msg slash = { .n = 0 };
    dirent(&slash, 5, 1, 8, "../x");
    pos = 0;
    CHECK(p9_dirent_next(slash.b, slash.n, &pos, &e) == -EPROTO, "a directory entry named with a '/': refused");
    struct msg empty = { .n = 0 };
    dirent(&empty, 5, 1, 8, "");
    pos = 0;
    CHECK(p9_dirent_next(empty.b, empty.n, &pos, &e) == -EPROTO, "an empty entry name: refused");
}

/* Random bytes, with a correct size[4] half the time, into every decoder: none may crash or read outside. */
static void test_fuzz(void)
{
    decoder decs[] = { dec_getattr, dec_statfs, dec_lerror, dec_open, dec_walk, dec_read, dec_link, dec_version };
    unsigned seed = 12345;
    int ok = 0;
    char out[512];
    for (int round = 0; round < 20000; round++) {
        struct msg m;
        m.n = (seed = seed * 1103515245 + 12345) % 200;
        for (unsigned i = 0; i < m.n; i++)
            m.b[i] = (unsigned char)((seed = seed * 1103515245 + 12345) >> 16);
        if (round & 1 && m.n >= 4)
            done(&m);
        ok += decode(m.b, m.n, decs[round % 8], out) == 0;
        u32 pos = 0;
        struct p9_dirent e;
        while (p9_dirent_next(m.b, m.n, &pos, &e) == 1)
            ;
    }
    CHECK(1, "20000 random replies decoded without a crash or an out-of-bounds read (%d accepted)", ok);
}

int main(void)
{
    test_encode();
    test_encode_limits();
    test_getattr();
    test_small_replies();
    test_walk_read();
    test_dirents();
    test_fuzz();
    return unit_done();
}
