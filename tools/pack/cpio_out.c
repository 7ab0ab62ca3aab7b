/* tools/pack/cpio_out.c — writing a cpio archive in the "newc" format (070701; cpio(5)): a 110-byte header of
 * 13 eight-digit hex fields (ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
 * rdevminor, namesize counting the NUL, check 0), the name, padding to 4 bytes, the data, padding to 4 bytes;
 * the last entry is "TRAILER!!!". Headers and small data go through a buffer; a file's data goes from its
 * file to the archive in the kernel (copy_file_range, else sendfile, else read/write of 1 MiB), never through
 * this process: packing runs at the disk's speed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pack.h"

#define OUT_BUF (1u << 20)

void cpio_out_init(struct cpio_out *o, int fd)
{
    memset(o, 0, sizeof(*o));
    o->fd = fd;
    off_t at = lseek(fd, 0, SEEK_CUR); /* a pipe: -1, and 0 is right */
    o->base = at > 0 ? (uint64_t)at : 0;
    o->ino = 1;
    o->cap = OUT_BUF;
    o->buf = xmalloc(o->cap);
}

int cpio_out_flush(struct cpio_out *o)
{
    for (size_t done = 0; done < o->len;) {
        ssize_t n = write(o->fd, o->buf + done, o->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += n;
    }
    o->len = 0;
    return 0;
}

int cpio_out_bytes(struct cpio_out *o, const void *data, size_t n)
{
    const char *p = data;
    while (n) {
        if (o->len == o->cap && cpio_out_flush(o))
            return -1;
        size_t k = n < o->cap - o->len ? n : o->cap - o->len;
        memcpy(o->buf + o->len, p, k);
        o->len += k;
        o->off += k;
        p += k;
        n -= k;
    }
    return 0;
}

int cpio_out_pad(struct cpio_out *o)
{
    static const char zeros[4];
    return cpio_out_bytes(o, zeros, (4 - (o->off & 3)) & 3);
}

/* A regular file's data starts on a 4 KiB boundary of the archive when it holds a whole page: the name is
 * padded with NULs up to there (newc allows it: namesize counts them, readers stop at the first NUL; dracut's
 * cpio --data-align does the same). The kernel then adopts those pages of the initrd as the file's own
 * instead of copying them (fs/cpio.c). Not past PATH_MAX, which Linux's initramfs reader refuses. */
#define DATA_ALIGN 4096u
#define NAME_MAX_PADDED 4096u

static size_t padded_namesize(const struct cpio_out *o, uint32_t mode, uint64_t size, size_t nl)
{
    if ((mode & S_IFMT) != S_IFREG || size < DATA_ALIGN)
        return nl;
    size_t pad = (DATA_ALIGN - (size_t)((o->base + o->off + 110 + nl) % DATA_ALIGN)) % DATA_ALIGN;
    return nl + pad <= NAME_MAX_PADDED ? nl + pad : nl;
}

int cpio_out_header(struct cpio_out *o, const char *name, uint32_t ino, uint32_t mode, uint32_t uid,
                    uint32_t gid, uint32_t nlink, uint64_t mtime, uint64_t size)
{
    if (size > 0xffffffffu) /* newc's filesize field is 32 bits */
        return errno = EFBIG, -1;
    char h[111];
    size_t nl = strlen(name) + 1, nsize = padded_namesize(o, mode, size, nl);
    snprintf(h, sizeof h, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode, uid, gid,
             nlink, (uint32_t)mtime, (uint32_t)size, 0u, 0u, 0u, 0u, (uint32_t)nsize, 0u);
    static const char zeros[NAME_MAX_PADDED];
    if (cpio_out_bytes(o, h, 110) || cpio_out_bytes(o, name, nl) || cpio_out_bytes(o, zeros, nsize - nl))
        return -1;
    return cpio_out_pad(o);
}

/* size bytes of src from its offset 0, in the kernel where it can. */
int cpio_out_file(struct cpio_out *o, int src, uint64_t size)
{
    if (cpio_out_flush(o))
        return -1;
    uint64_t done = 0;
    loff_t in = 0;
    bool cfr = true, sf = true;
    while (done < size) {
        size_t want = size - done > (1u << 30) ? (1u << 30) : size - done;
        ssize_t n = -1;
        if (cfr) {
            n = copy_file_range(src, &in, o->fd, NULL, want, 0);
            if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP ||
                          errno == EBADF))
                cfr = false;
        }
        if (!cfr && sf) {
            off_t soff = in;
            n = sendfile(o->fd, src, &soff, want);
            if (n >= 0)
                in = soff;
            else if (errno == EINVAL || errno == ENOSYS)
                sf = false;
        }
        if (!cfr && !sf) {
            size_t k = want < o->cap ? want : o->cap;
            n = pread(src, o->buf, k, in);
            if (n > 0) {
                o->len = n;
                if (cpio_out_flush(o))
                    return -1;
                in += n;
            }
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (cfr || sf))
            return -1;
        if (n <= 0) /* the file shrank under us */
            return errno = EIO, -1;
        done += n;
    }
    o->off += size;
    return cpio_out_pad(o);
}

int cpio_out_trailer(struct cpio_out *o)
{
    return cpio_out_header(o, "TRAILER!!!", 0, 0, 0, 0, 1, 0, 0);
}
