/* test/fuzz/fuzz_p9.c — the 9P2000.L reply decoder (fs/p9_decode.c): the first byte picks the decoder, the
 * rest is the reply, read through p9_rheader then that decoder, and also walked as Rreaddir data. Seeds:
 * well-formed replies of each kind, made with the encoder's layout. */
#include <string.h>
#include "fuzz.h"
#include "../../fs/p9.h"

const char fuzz_target_name[] = "p9";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    u8 which = data[0];
    u8 *msg = (u8 *)data + 1; /* the decoders take a mutable buffer; they only read it */
    u32 len = (u32)(size - 1);
    struct p9_buf b;
    p9_buf_init(&b, msg, len);
    b.len = len;
    u8 type;
    u16 tag;
    union {
        struct p9_attr a;
        struct p9_statfs s;
        struct p9_qid q[P9_MAXWELEM];
        char text[256];
    } out;
    u32 u32v;
    u16 u16v;
    const u8 *ptr;
    if (p9_rheader(&b, &type, &tag) == 0) {
        switch (which % 11) {
        case 0: p9_rlerror(&b, &u32v); break;
        case 1: p9_rversion(&b, &u32v, out.text, sizeof out.text); break;
        case 2: p9_rqid(&b, out.q); break;
        case 3: p9_ropen(&b, out.q, &u32v); break;
        case 4: p9_rwalk(&b, &u16v, out.q, P9_MAXWELEM); break;
        case 5:
            if (p9_rread(&b, &u32v, &ptr) == 0) {
                volatile u8 s = 0;
                for (u32 i = 0; i < u32v; i++)
                    s += ptr[i]; /* the data it points at must be inside the message */
                (void)s;
            }
            break;
        case 6: p9_rwrite(&b, &u32v); break;
        case 7: p9_rgetattr(&b, &out.a); break;
        case 8: p9_rstatfs(&b, &out.s); break;
        case 9: p9_rreadlink(&b, out.text, sizeof out.text); break;
        default: p9_rempty(&b); break;
        }
    }
    u32 pos = 0;
    struct p9_dirent e;
    while (p9_dirent_next(msg, len, &pos, &e) == 1) {
        volatile u8 s = 0;
        for (u16 i = 0; i < e.namelen; i++)
            s += (u8)e.name[i];
        (void)s;
    }
    return 0;
}

struct msg { uint8_t b[512]; size_t n; };
static void le(struct msg *m, uint64_t v, int w) { for (int i = 0; i < w; i++) m->b[m->n++] = (uint8_t)(v >> (8 * i)); }
static void str(struct msg *m, const char *s) { size_t n = strlen(s); le(m, n, 2); memcpy(m->b + m->n, s, n); m->n += n; }
static void qid(struct msg *m, int type, uint64_t path) { le(m, (unsigned)type, 1); le(m, 0, 4); le(m, path, 8); }
static void start(struct msg *m, int which, int type) { m->n = 0; le(m, (unsigned)which, 1); le(m, 0, 4); le(m, (unsigned)type, 1); le(m, 1, 2); }
static void done(struct msg *m)
{
    uint32_t size = (uint32_t)(m->n - 1);
    memcpy(m->b + 1, &size, 4);
    fuzz_add_seed(m->b, m->n);
}

void fuzz_make_seeds(void)
{
    struct msg m;
    start(&m, 0, P9_RLERROR); le(&m, 2, 4); done(&m);
    start(&m, 1, P9_RVERSION); le(&m, 65536, 4); str(&m, "9P2000.L"); done(&m);
    start(&m, 2, P9_RATTACH); qid(&m, P9_QTDIR, 1); done(&m);
    start(&m, 3, P9_RLOPEN); qid(&m, 0, 2); le(&m, 0, 4); done(&m);
    start(&m, 4, P9_RWALK); le(&m, 2, 2); qid(&m, P9_QTDIR, 3); qid(&m, 0, 4); done(&m);
    start(&m, 5, P9_RREAD); le(&m, 5, 4); memcpy(m.b + m.n, "hello", 5); m.n += 5; done(&m);
    start(&m, 6, P9_RWRITE); le(&m, 5, 4); done(&m);
    start(&m, 7, P9_RGETATTR); le(&m, P9_GETATTR_BASIC, 8); qid(&m, 0, 5); le(&m, 0100644, 4); le(&m, 0, 4);
    le(&m, 0, 4); for (int i = 0; i < 15; i++) le(&m, (unsigned)i, 8); done(&m);
    start(&m, 8, P9_RSTATFS); le(&m, 0x01021997, 4); le(&m, 4096, 4); for (int i = 0; i < 6; i++) le(&m, 100, 8);
    le(&m, 255, 4); done(&m);
    start(&m, 9, P9_RREADLINK); str(&m, "../target"); done(&m);
    start(&m, 10, P9_RCLUNK); done(&m);
    /* Rreaddir: count[4] then entries qid[13] offset[8] type[1] name[s] */
    start(&m, 5, P9_RREADDIR); le(&m, 0, 4);
    size_t at = m.n;
    qid(&m, P9_QTDIR, 1); le(&m, 1, 8); le(&m, 4, 1); str(&m, ".");
    qid(&m, 0, 2); le(&m, 2, 8); le(&m, 8, 1); str(&m, "file.txt");
    uint32_t count = (uint32_t)(m.n - at);
    memcpy(m.b + at - 4, &count, 4);
    done(&m);
}
