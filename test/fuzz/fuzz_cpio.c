/* test/fuzz/fuzz_cpio.c — the initrd reader (fs/cpio.c): cpio_parse over any bytes, then cpio_unpack into a
 * host-built ramfs (fs/ramfs.c, fs/namei.c), which is emptied again after each input. Seeds: small newc
 * archives made here (directories, files, a symlink, "." and "..", a later entry replacing an earlier one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "../../fs/vfs.h"

const char fuzz_target_name[] = "cpio";

static int touch(const struct cpio_entry *e, void *ctx)
{
    unsigned *sum = ctx; /* every byte the parser hands out must be inside the archive (ASan checks) */
    for (size_t i = 0; i < e->namelen; i++)
        *sum += (u8)e->name[i];
    for (size_t i = 0; i < e->size; i++)
        *sum += e->data[i];
    return 0;
}

/* Empties a directory of the ramfs, the way unlink and rmdir would. Whatever the unpacker created must be
 * removable by name: an entry that is not (a name no lookup can reach) is a bug, and would also pile up
 * here from input to input. */
static void empty_dir(struct inode *dir)
{
    while (dir->children) {
        struct dirent_node *d = dir->children;
        char name[NAME_MAX + 1];
        snprintf(name, sizeof name, "%s", d->name);
        bool is_dir = S_ISDIR(d->inode->mode);
        if (is_dir)
            empty_dir(d->inode);
        if (ramfs_unlink(dir, name, is_dir))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        ramfs_init();
        ready = true;
    }
    const char *err = NULL;
    unsigned sum = 0;
    cpio_parse(data, size, touch, &sum, &err);
    cpio_unpack(data, size, &err, NULL);
    empty_dir(vfs_root);
    return 0;
}

static size_t entry(uint8_t *out, const char *name, unsigned mode, const char *body)
{
    size_t nl = strlen(name) + 1, bl = body ? strlen(body) : 0;
    int n = sprintf((char *)out, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", 1u, mode, 0u, 0u,
                    1u, 1700000000u, bl, 0u, 0u, 0u, 0u, nl, 0u);
    size_t off = (size_t)n;
    memcpy(out + off, name, nl);
    off = (off + nl + 3) & ~(size_t)3;
    memcpy(out + off, body ? body : "", bl);
    return (off + bl + 3) & ~(size_t)3;
}

void fuzz_make_seeds(void)
{
    static uint8_t a[4096];
    size_t n = 0;
    n += entry(a + n, ".", 040755, NULL);
    n += entry(a + n, "dir", 040755, NULL);
    n += entry(a + n, "dir/file", 0100644, "hello, world\n");
    n += entry(a + n, "dir/sub/deep", 0100600, "x");
    n += entry(a + n, "link", 0120777, "dir/file");
    n += entry(a + n, ".skiff/argv", 0100644, "/bin/prog\0arg\0");
    n += entry(a + n, "TRAILER!!!", 0, NULL);
    fuzz_add_seed(a, n);
    n = 0;
    n += entry(a + n, "./x/../y", 0100644, "ab");
    n += entry(a + n, "y", 040755, NULL);
    n += entry(a + n, "y/z", 0100644, "replaced");
    n += entry(a + n, "y/z", 0100644, "again");
    n += entry(a + n, "dev/null", 020666, NULL);
    n += entry(a + n, "TRAILER!!!", 0, NULL);
    fuzz_add_seed(a, n);
    n = entry(a, "TRAILER!!!", 0, NULL);
    fuzz_add_seed(a, n);
}
