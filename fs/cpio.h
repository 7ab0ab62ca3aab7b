/* fs/cpio.h — the newc cpio reader (cpio_parse.c: pure, also built on the host by the unit tests, the fuzzer
 * and tools/pack, which reads --initrd archives and sizes images with it) and the initrd unpacker (cpio.c). */
#ifndef SKIFF_CPIO_H
#define SKIFF_CPIO_H
#include "../kernel/kernel.h"

struct cpio_entry {
    const char *name;         /* not NUL-terminated: namelen bytes */
    size_t namelen;
    u32 ino;                  /* hard links: entries of one file share it (the data is with the last) */
    u32 mode, uid, gid, nlink;
    u64 mtime;
    const u8 *data;
    size_t size;
};
/* Calls fn for each entry; returns 0 at the trailer, or -1 with *err set to a reason. */
int cpio_parse(const u8 *buf, size_t len, int (*fn)(const struct cpio_entry *, void *), void *ctx,
               const char **err);
int cpio_parse_progress(const u8 *buf, size_t len, int (*fn)(const struct cpio_entry *, void *), void *ctx,
                        const char **err, void (*done_upto)(size_t off));
/* Unpacks into the ramfs; done_upto (optional) hears how much of the archive is no longer needed. */
int cpio_unpack(const u8 *buf, size_t len, const char **err, void (*done_upto)(size_t off));
/* The same; claim (optional) is asked to give up each whole, page-aligned page of a file's data, which then
 * becomes the file's own page instead of a copy (fs/cpio.c). */
int cpio_unpack_inplace(const u8 *buf, size_t len, const char **err, void (*done_upto)(size_t off),
                        bool (*claim)(const u8 *page));
#endif
