/* fs/p9_selftest.c: `selftest=9p` on the command line. Until a filesystem uses the 9P client, this proves
 * the transport and the session against a real server (QEMU's virtio-9p, test/guest/run.sh t_p9): on the
 * first volume (skiffv0) it reads hello.txt, creates out.txt with known bytes, and lists the directory,
 * printing each step to the kernel log. The host side checks the file it finds and the listing. */
#include "p9.h"
#include "../kernel/kernel.h"
#include "../kernel/errno.h"

#define P9ST_O_RDONLY 0
#define P9ST_O_WRONLY 1
#define P9ST_O_CREAT 0100 /* Linux open flags: 9P2000.L carries them as they are */

static u8 p9st_buf[4096];

static void p9st_list(struct p9_client *c, u32 root)
{
    struct p9_qid q;
    u32 iou;
    u32 dfid = p9_fid_alloc(c);
    int r = p9_walk(c, root, dfid, 0, NULL, NULL);
    if (r || (r = p9_lopen(c, dfid, P9ST_O_RDONLY, &q, &iou))) {
        klog("p9test: opendir: %d\n", r);
        return;
    }
    u64 off = 0;
    for (;;) {
        long n = p9_readdir(c, dfid, off, p9st_buf, sizeof(p9st_buf));
        if (n <= 0) {
            if (n < 0)
                klog("p9test: readdir: %ld\n", n);
            break;
        }
        u32 pos = 0;
        struct p9_dirent e;
        while (pos < (u32)n && !p9_dirent_next(p9st_buf, (u32)n, &pos, &e)) {
            klog("p9test: entry %.*s\n", (int)e.namelen, e.name);
            off = e.offset;
        }
    }
    p9_clunk(c, dfid);
}

void p9_selftest(void)
{
    static const char msg[] = "written-by-skiff-9p\n";
    struct p9_trans *t = p9_trans_find("skiffv0");
    struct p9_client *c = t ? p9_client_get(t) : NULL;
    if (!c) {
        klog("p9test: no session on skiffv0\n");
        return;
    }
    struct p9_qid q;
    u32 iou;
    klog("p9test: msize %u\n", c->msize);
    u32 root = p9_fid_alloc(c);
    int r = p9_attach(c, root, "", 0, &q);
    klog("p9test: attach %d\n", r);
    if (r)
        return;
    const char *name[] = { "hello.txt" };
    u32 f = p9_fid_alloc(c);
    r = p9_walk(c, root, f, 1, name, &q);
    if (!r)
        r = p9_lopen(c, f, P9ST_O_RDONLY, &q, &iou);
    long n = r ? r : p9_read(c, f, 0, p9st_buf, sizeof(p9st_buf) - 1);
    if (n >= 0)
        klog("p9test: read %ld: %.*s\n", n, (int)n, (const char *)p9st_buf);
    else
        klog("p9test: read hello.txt: %ld\n", n);
    if (!r)
        p9_clunk(c, f);
    else
        p9_fid_free(c, f);
    /* lcreate turns the fid of the directory into the new open file: walk a copy of the root first */
    f = p9_fid_alloc(c);
    r = p9_walk(c, root, f, 0, NULL, NULL);
    if (!r)
        r = p9_lcreate(c, f, "out.txt", P9ST_O_WRONLY | P9ST_O_CREAT, 0644, 0, &q);
    n = r ? r : p9_write(c, f, 0, msg, sizeof(msg) - 1);
    klog("p9test: write %ld\n", n);
    if (n >= 0)
        klog("p9test: fsync %d\n", p9_fsync(c, f, false));
    p9_clunk(c, f);
    p9st_list(c, root);
    p9_clunk(c, root);
    klog("p9test: done\n");
}
