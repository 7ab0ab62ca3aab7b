/* test/pack/ramfs_list.c — the other half of the packer's round trip: an archive skiff-pack wrote, unpacked by
 * the kernel's own initrd code (fs/cpio.c into the host-built ramfs, as the unit tests build them), then listed
 * one line per entry, sorted by the caller: "PATH TYPE PERM SIZE MTIME TARGET SHA256" (tab-separated; TYPE d f
 * l as find's %y; "-" where a field does not apply). test/pack/run.sh lists the source tree the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../fs/vfs.h"
#include "../../tools/pack/pack.h"

static void list(struct inode *dir, const char *prefix)
{
    for (struct dirent_node *d = dir->children; d; d = d->next) {
        struct inode *ino = d->inode;
        char path[4096];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "/" : "", d->name);
        char type = S_ISDIR(ino->mode) ? 'd' : S_ISLNK(ino->mode) ? 'l' : S_ISREG(ino->mode) ? 'f' : '?';
        char sum[65] = "-";
        if (type == 'f') {
            struct sha256 s;
            unsigned char buf[4096], h[32];
            sha256_init(&s);
            for (u64 off = 0; off < ino->size;) {
                ssize_t n = ramfs_pread(ino, buf, sizeof buf, off);
                if (n <= 0)
                    break;
                sha256_update(&s, buf, n);
                off += n;
            }
            sha256_final(&s, h);
            for (int i = 0; i < 32; i++)
                snprintf(sum + 2 * i, 3, "%02x", h[i]);
        }
        printf("%s\t%c\t%o\t%llu\t%lld\t%s\t%s\n", path, type, ino->mode & 07777,
               type == 'f' ? (unsigned long long)ino->size : 0ull, (long long)ino->mtime.sec,
               type == 'l' ? ino->target : "-", sum);
        if (type == 'd')
            list(ino, path);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: ramfs_list ARCHIVE\n");
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    if (!fp)
        return 2;
    size_t cap = 1 << 20, len = 0, n;
    unsigned char *buf = malloc(cap);
    while ((n = fread(buf + len, 1, cap - len, fp)) > 0)
        if ((len += n) == cap)
            buf = realloc(buf, cap *= 2);
    fclose(fp);
    ramfs_init();
    const char *err = "";
    int rc = cpio_unpack(buf, len, &err, NULL);
    free(buf); /* the ramfs holds copies */
    if (rc != 0) {
        fprintf(stderr, "ramfs_list: %s\n", err);
        return 1;
    }
    list(vfs_root, "");
    return 0;
}
