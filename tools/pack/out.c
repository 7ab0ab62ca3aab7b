/* tools/pack/out.c — an image written to its file, shared by skiff-pack's pack and initrd commands and by the
 * skiff CLI (tools/cli): through a temporary name in OUT's directory, renamed at the end, so that a reader of
 * OUT (the cache) never sees half an image. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pack.h"

/* The temporary file being written, for a CLI that must remove it when a signal ends it (pack_out_tmp). */
static char out_tmp[4096];

const char *pack_out_tmp(void)
{
    return out_tmp;
}

int pack_write_out(const char *out, struct image *im, bool trailer, bool hardlinks, const char *prefix)
{
    char *tmp = xasprintf("%s.%d.tmp", out, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        pack_msg("cannot create the initrd: %s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    if (strlen(tmp) < sizeof out_tmp)
        strcpy(out_tmp, tmp);
    int rc = 0;
    if (prefix) { /* the trailer-less root first, copied in the kernel */
        int in = open(prefix, O_RDONLY | O_CLOEXEC);
        struct stat st;
        struct cpio_out o;
        cpio_out_init(&o, fd);
        rc = in < 0 || fstat(in, &st) != 0 || cpio_out_file(&o, in, st.st_size);
        if (rc)
            pack_msg("cannot create the initrd: %s: %s", prefix, strerror(errno));
        free(o.buf);
        if (in >= 0)
            close(in);
    }
    if (!rc)
        rc = image_write(im, fd, trailer, hardlinks, NULL);
    if (close(fd) != 0 && !rc) {
        pack_msg("cannot create the initrd: %s", strerror(errno));
        rc = -1;
    }
    if (!rc && rename(tmp, out) != 0) {
        pack_msg("cannot create the initrd: %s: %s", out, strerror(errno));
        rc = -1;
    }
    if (rc)
        unlink(tmp);
    out_tmp[0] = 0;
    free(tmp);
    return rc ? -1 : 0;
}
