/* fs/cpio_parse.c — reading a cpio archive in the "newc" format (070701: a 110-byte ASCII-hex header, the
 * name, padding to 4 bytes, the data, padding to 4 bytes; ends with "TRAILER!!!"). Pure: builds on the host
 * for the unit tests, fuzzing and tools/pack (skiff-pack reads --initrd archives and sizes images with it). */
#include "cpio.h"
#include "../kernel/errno.h"

#define HDR_LEN 110

static bool hex8(const u8 *p, u32 *out)
{
    u32 v = 0;
    for (int i = 0; i < 8; i++) {
        u8 c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return false;
        v = v << 4 | (u32)d;
    }
    *out = v;
    return true;
}

static size_t pad4(size_t x) { return (x + 3) & ~(size_t)3; }

/* "initrd entry NAME: why" for an entry the unpacker refused (the caller prints it on one line). */
static const char *entry_error(const struct cpio_entry *e, int rc)
{
    static char msg[200];
    const char *why = rc == -ENOTDIR ? "a directory in its path is not a directory in the archive"
                    : rc == -ENOMEM || rc == -ENOSPC ? "out of memory (give the VM more: tools/skiff run --mem)"
                    : rc == -ENAMETOOLONG ? "a name in its path is too long"
                    : "cannot be created";
    ksnprintf(msg, sizeof(msg), "entry %.*s: %s", (int)MIN(e->namelen, 120u), e->name, why);
    return msg;
}

int cpio_parse(const u8 *buf, size_t len, int (*fn)(const struct cpio_entry *, void *), void *ctx,
               const char **err)
{
    return cpio_parse_progress(buf, len, fn, ctx, err, NULL);
}

int cpio_parse_progress(const u8 *buf, size_t len, int (*fn)(const struct cpio_entry *, void *), void *ctx,
                        const char **err, void (*done_upto)(size_t off))
{
    size_t off = 0;
    for (;;) {
        if (len - off < HDR_LEN) {
            *err = "truncated header (no TRAILER!!! entry)";
            return -1;
        }
        const u8 *h = buf + off;
        if (memcmp(h, "070701", 6) != 0 && memcmp(h, "070702", 6) != 0) {
            *err = "bad magic: not a cpio newc archive";
            return -1;
        }
        u32 f[13];
        for (int i = 0; i < 13; i++) {
            if (!hex8(h + 6 + 8 * i, &f[i])) {
                *err = "bad hex digit in header";
                return -1;
            }
        }
        struct cpio_entry e = { .ino = f[0], .mode = f[1], .uid = f[2], .gid = f[3], .nlink = f[4], .mtime = f[5],
                                .size = f[6], .namelen = f[11] };
        if (e.namelen == 0 || e.namelen > len - off - HDR_LEN) {
            *err = "name runs past the end of the archive";
            return -1;
        }
        e.name = (const char *)h + HDR_LEN;
        e.namelen--; /* namesize counts the NUL */
        size_t data_off = pad4(off + HDR_LEN + e.namelen + 1);
        while (e.namelen && !e.name[e.namelen - 1])
            e.namelen--; /* NULs that pad the name to align the data (tools/pack/cpio_out.c) */
        if (data_off > len || e.size > len - data_off) {
            *err = "file data runs past the end of the archive";
            return -1;
        }
        e.data = buf + data_off;
        if (e.namelen == 10 && memcmp(e.name, "TRAILER!!!", 10) == 0)
            return 0;
        int rc = fn(&e, ctx);
        if (rc) {
            *err = entry_error(&e, rc);
            return rc;
        }
        off = pad4(data_off + e.size);
        if (off > len) {
            *err = "truncated archive";
            return -1;
        }
        if (done_upto)
            done_upto(off); /* everything before off has been consumed */
    }
}
