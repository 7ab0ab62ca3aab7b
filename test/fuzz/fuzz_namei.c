/* test/fuzz/fuzz_namei.c — path walking (fs/namei.c) over a ramfs tree with a tmpfs mounted in it: the input is
 * a path, then (after a NUL) the target of the symlink /a/s, then (after another NUL) the target of /l; the
 * first byte picks the start (/ or /a/b) and whether the last component is followed. Each input replaces the
 * two links, then looks the path up, walks to it (as creat would), and asks for the path of what it found:
 * slashes, dots, "..", long names and paths, link chains and loops across the mount, under ASan and UBSan.
 * Seeds: paths the unit test walks. */
#include <string.h>
#include "fuzz.h"
#include "../../fs/vfs.h"
#include "../../kernel/kernel.h"

const char fuzz_target_name[] = "namei";

static struct inode *a, *ab;

static void once(void)
{
    if (a)
        return;
    int err;
    ramfs_init();
    a = ramfs_mkdir(vfs_root, "a", 0755, &err);
    ab = ramfs_mkdir(a, "b", 0755, &err);
    ramfs_create(ab, "f", 0644, &err);
    struct inode *usr = ramfs_mkdir(vfs_root, "usr", 0755, &err);
    struct inode *bin = ramfs_mkdir(usr, "bin", 0755, &err);
    ramfs_create(bin, "prog", 0755, &err);
    ramfs_symlink(vfs_root, "bin", "usr/bin", &err);
    ramfs_symlink(vfs_root, "loop", "loop", &err);
    ramfs_symlink(bin, "up", "../..", &err);
    struct inode *mnt = ramfs_mkdir(vfs_root, "mnt", 0755, &err);
    struct super_block *sb;
    if (tmpfs_type.mount("tmpfs", "mode=755", 0, &sb) == 0 && vfs_mount_at(mnt, sb) == 0) {
        struct inode *d = vfs_create(sb->root, "d", S_IFDIR | 0755, &err);
        if (d)
            ramfs_symlink(d, "back", "../../a", &err);
    }
}

/* The next NUL-ended piece of data, copied into buf (at most size-1 bytes). */
static const uint8_t *piece(const uint8_t *p, const uint8_t *end, char *buf, size_t size)
{
    size_t n = 0;
    while (p < end && *p && n + 1 < size)
        buf[n++] = (char)*p++;
    buf[n] = 0;
    while (p < end && *p)
        p++;
    return p < end ? p + 1 : p;
}

static void relink(struct inode *dir, const char *name, const char *target)
{
    int err;
    ramfs_unlink(dir, name, false);
    if (*target)
        ramfs_symlink(dir, name, target, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    once();
    if (size < 1)
        return 0;
    static char path[5000], t1[512], t2[512], out[4096];
    const uint8_t *p = data + 1, *end = data + size;
    p = piece(p, end, path, sizeof path);
    p = piece(p, end, t1, sizeof t1);
    piece(p, end, t2, sizeof t2);
    relink(a, "s", t1);
    relink(vfs_root, "l", t2);
    struct inode *start = data[0] & 1 ? ab : vfs_root, *node = NULL;
    unsigned flags = data[0] & 2 ? WALK_FOLLOW : 0;
    if (vfs_lookup(start, path, flags, &node) == 0 && node && S_ISDIR(node->mode))
        vfs_path_of(node, out, sizeof out);
    struct walk w;
    if (vfs_walk(start, path, flags, &w) == 0 && w.node) { /* as open and exec call it: for what exists */
        char *full = vfs_walk_path(&w);
        kfree(full);
    }
    return 0;
}

static void seed(unsigned char how, const char *path, const char *t1, const char *t2)
{
    char s[1200];
    size_t n = 0;
    s[n++] = (char)how;
    for (const char *parts[3] = { path, t1, t2 }, **q = parts; q < parts + 3; q++) {
        size_t l = strlen(*q);
        memcpy(s + n, *q, l);
        n += l;
        s[n++] = 0;
    }
    fuzz_add_seed(s, n);
}

void fuzz_make_seeds(void)
{
    seed(0, "/usr/bin/prog", "", "");
    seed(2, "/bin/prog", "b/f", "/a/s");
    seed(1, "../s/../../usr/./bin/../bin/prog", "/mnt/d/back/b", "loop");
    seed(2, "/l", "../a/s", "/a/s");
    seed(0, "//usr///bin//", "", "");
    seed(2, "/usr/bin/up/mnt/d/back/s", "/", "");
    seed(3, "f/", "", "");
    seed(0, "/mnt/d/../../a/b/new", "", "");
}
