/* fs/mount.c — superblocks and the mount table. A mount covers a directory: the covered inode's `mounted`
 * names the new filesystem's root, and the superblock remembers what it covers, so namei.c crosses both
 * ways ("..") without a separate table lookup. The table keeps mount order for /proc/mounts and for
 * unmounting. mount(2) makes tmpfs and 9p instances (syscalls/mount.c). Touched only from task context. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"

#define MOUNTS_MAX 64
static struct super_block *mounts[MOUNTS_MAX];
static int nmounts;
static u64 next_dev = 0x15; /* anonymous device numbers, as tmpfs gets on Linux (0:21, 0:22, ...) */

struct super_block *sb_new(const char *type_name, const char *source)
{
    static struct fs_type rootfs = { "rootfs", NULL }, others[8];
    static int nothers;
    struct super_block *sb = kzalloc(sizeof(*sb));
    if (!sb)
        return NULL;
    const struct fs_type *t = NULL;
    if (!strcmp(type_name, "tmpfs"))
        t = &tmpfs_type;
    else if (!strcmp(type_name, "rootfs"))
        t = &rootfs;
    for (int i = 0; !t && i < nothers; i++)
        if (!strcmp(others[i].name, type_name))
            t = &others[i];
    if (!t && nothers < (int)ARRAY_SIZE(others)) {  /* proc, devtmpfs: named types of ramfs trees */
        others[nothers].name = type_name;
        t = &others[nothers++];
    }
    sb->type = t;
    sb->dev = next_dev++;
    sb->source = kstrdup(source);
    sb->opts = kstrdup("");
    if (!sb->source || !sb->opts) {
        kfree(sb->source);
        kfree(sb->opts);
        kfree(sb);
        return NULL;
    }
    return sb;
}

static void table_add(struct super_block *sb)
{
    if (nmounts < MOUNTS_MAX)
        mounts[nmounts++] = sb;
}

int vfs_mount_at(struct inode *dir, struct super_block *sb)
{
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (nmounts >= MOUNTS_MAX)
        return -ENOMEM;
    while (dir->mounted) /* mounting on a mount point stacks on top, as Linux */
        dir = dir->mounted;
    if (nmounts == 0 && vfs_root && vfs_root->sb)
        table_add(vfs_root->sb); /* the root is listed first */
    sb->covered = dir;
    inode_get(dir);
    dir->mounted = sb->root;
    table_add(sb);
    return 0;
}

/* mkdir -p path in the namespace as it is now (the boot-time mounts of /.skiff/mounts), then mount. */
int vfs_mount_path(const char *path, struct super_block *sb)
{
    struct inode *dir = vfs_root;
    while (dir->mounted)
        dir = dir->mounted;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *c = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - c);
        if (!len)
            break;
        if (len > NAME_MAX)
            return -ENAMETOOLONG;
        char name[NAME_MAX + 1];
        memcpy(name, c, len);
        name[len] = 0;
        struct inode *next;
        int err = vfs_child(dir, name, len, &next);
        if (err == -ENOENT && (next = vfs_create(dir, name, S_IFDIR | 0755, &err)))
            err = 0;
        if (err)
            return err;
        if (!S_ISDIR(next->mode))
            return -ENOTDIR;
        while (next->mounted)
            next = next->mounted;
        dir = next;
    }
    return vfs_mount_at(dir, sb);
}

/* root: the mounted filesystem's root directory. Busy when a mount sits on top of it or inside it, or when
 * something other than the mount holds its root (a cwd); MNT_DETACH (2) skips the second check. */
int vfs_umount(struct inode *root, int flags)
{
    struct super_block *sb = root->sb;
    if (!sb || sb->root != root || !sb->covered)
        return -EINVAL;
    int at = -1;
    for (int i = 0; i < nmounts; i++) {
        if (mounts[i] == sb)
            at = i;
        else if (mounts[i]->covered && mounts[i]->covered->sb == sb)
            return -EBUSY;
    }
    if (at < 0)
        return -EINVAL;
    if (!(flags & 2) && root->refs > 1)
        return -EBUSY;
    if (flags & VFS_UMOUNT_CHECK)
        return 0;
    if (sb->sync)
        sb->sync(sb);
    sb->covered->mounted = NULL;
    inode_put(sb->covered);
    sb->covered = NULL;
    for (int i = at; i + 1 < nmounts; i++)
        mounts[i] = mounts[i + 1];
    nmounts--;
    /* The superblock and its inodes stay allocated: open files may still point into it (a lazy unmount),
     * and skiff does not yet count them per superblock. */
    return 0;
}

/* Bind mounts of a non-directory onto a non-directory (mount --bind FILE FILE): the covered file's `mounted`
 * names the bound inode, so a walk that reaches the target's name goes on to the source's inode (namei.c's
 * cover) and the covered name cannot be unlinked or renamed over (vfs.c's busy: EBUSY, as Linux for a mount
 * point). They are not superblocks: /proc/self/mounts does not list them. */
#define BINDS_MAX 32
static struct { struct inode *covered, *bound; } binds[BINDS_MAX];
static int nbinds;

int vfs_bind_file(struct inode *target, struct inode *source)
{
    if (S_ISDIR(target->mode) || S_ISDIR(source->mode))
        return -ENOTDIR; /* as Linux when the kinds differ (directories: EINVAL before this, mount.c) */
    if (nbinds >= BINDS_MAX)
        return -ENOMEM;
    while (target->mounted) /* on top of an earlier bind of the same name */
        target = target->mounted;
    inode_get(target);
    inode_get(source);
    target->mounted = source;
    binds[nbinds].covered = target;
    binds[nbinds].bound = source;
    nbinds++;
    return 0;
}

/* Whether ino is what a file bind mount shows; the last such bind is undone (umount2). */
bool vfs_is_bound(const struct inode *ino)
{
    for (int i = 0; i < nbinds; i++)
        if (binds[i].bound == ino && binds[i].covered->mounted == ino)
            return true;
    return false;
}

/* named: the inode the unmounted name holds in its directory (its own, under the binds), or NULL: then the
 * last bind showing ino goes, wherever it is. */
int vfs_unbind(struct inode *ino, struct inode *named)
{
    for (int i = nbinds - 1; i >= 0; i--) {
        if (binds[i].bound != ino || binds[i].covered->mounted != ino)
            continue;
        bool here = !named;
        for (struct inode *x = named; x && !here; x = x->mounted)
            here = x == binds[i].covered;
        if (!here)
            continue;
        binds[i].covered->mounted = NULL;
        inode_put(binds[i].covered);
        inode_put(binds[i].bound);
        for (int j = i; j + 1 < nbinds; j++)
            binds[j] = binds[j + 1];
        nbinds--;
        return 0;
    }
    return -EINVAL;
}

void vfs_sync_all(void)
{
    for (int i = 0; i < nmounts; i++)
        if (mounts[i]->sync)
            mounts[i]->sync(mounts[i]);
}

/* The mount flags as /proc/mounts words, in Linux's order (show_sb_opts, then show_mnt_opts): relatime unless
 * noatime or strictatime. What follows them (sb->opts) is the filesystem's own options. */
static const char *flag_words(unsigned f, char *out, size_t size)
{
    ksnprintf(out, size, "%s%s%s%s%s%s%s%s", (f & SB_RDONLY) ? "ro" : "rw", (f & SB_SYNCHRONOUS) ? ",sync" : "",
              (f & SB_NOSUID) ? ",nosuid" : "", (f & SB_NODEV) ? ",nodev" : "", (f & SB_NOEXEC) ? ",noexec" : "",
              (f & SB_NOATIME) ? ",noatime" : "", (f & SB_NODIRATIME) ? ",nodiratime" : "",
              (f & (SB_NOATIME | SB_STRICTATIME)) ? "" : ",relatime");
    return out;
}

/* /proc/mounts: "source target type options 0 0", in mount order; spaces in paths as \040, as Linux. */
static size_t put_escaped(char *buf, size_t at, size_t size, const char *s)
{
    for (; *s && at + 5 < size; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
            at += (size_t)ksnprintf(buf + at, size - at, "\\%03o", (unsigned char)*s);
        else
            buf[at++] = *s;
    }
    buf[at < size ? at : size - 1] = 0;
    return at;
}

/* The ids /proc/PID/mountinfo gives a mount and its parent: the superblock's anonymous device number, unique
 * and kept while mounted (Linux's mount ids are another counter; programs only match them to each other). */
static u64 mount_id(const struct super_block *sb)
{
    return sb ? sb->dev : 1;
}

/* One line of /proc/PID/mountinfo (proc(5)): ids, st_dev as major:minor, the mount's root in its filesystem
 * (always "/": no bind mounts of subtrees), the mount point, the per-mount options, no optional fields (every
 * mount is private), then type, source and the superblock's options. */
static size_t mountinfo_line(char *buf, size_t at, size_t size, struct super_block *sb, const char *path)
{
    unsigned f = sb->flags;
    u64 parent = sb->covered ? mount_id(sb->covered->sb) : 1;
    u32 major = (u32)(((sb->dev >> 8) & 0xfff) | ((sb->dev >> 32) & ~0xfffull));
    u32 minor = (u32)((sb->dev & 0xff) | ((sb->dev >> 12) & ~0xffull));
    at += (size_t)ksnprintf(buf + at, size - at, "%lu %lu %u:%u / ", mount_id(sb), parent, major, minor);
    at = put_escaped(buf, MIN(at, size - 1), size, path);
    at += (size_t)ksnprintf(buf + MIN(at, size - 1), size - MIN(at, size - 1), " %s%s%s%s%s%s%s - %s ",
                            (f & SB_RDONLY) ? "ro" : "rw", (f & SB_NOSUID) ? ",nosuid" : "",
                            (f & SB_NODEV) ? ",nodev" : "", (f & SB_NOEXEC) ? ",noexec" : "",
                            (f & SB_NOATIME) ? ",noatime" : "", (f & SB_NODIRATIME) ? ",nodiratime" : "",
                            (f & (SB_NOATIME | SB_STRICTATIME)) ? "" : ",relatime", sb->type->name);
    at = put_escaped(buf, MIN(at, size - 1), size, sb->source);
    at += (size_t)ksnprintf(buf + MIN(at, size - 1), size - MIN(at, size - 1), " %s%s%s\n",
                            (f & SB_RDONLY) ? "ro" : "rw", (f & SB_SYNCHRONOUS) ? ",sync" : "", sb->opts);
    return MIN(at, size - 1);
}

/* /proc/mounts ("source target type options 0 0") or, with info, /proc/PID/mountinfo, in mount order. */
static int mount_table_text(char *buf, size_t size, bool info)
{
    size_t at = 0;
    buf[0] = 0;
    struct super_block *list[MOUNTS_MAX + 1];
    int n = 0;
    if (nmounts == 0 && vfs_root && vfs_root->sb)
        list[n++] = vfs_root->sb;
    for (int i = 0; i < nmounts; i++)
        list[n++] = mounts[i];
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return -ENOMEM;
    for (int i = 0; i < n && at + 1 < size; i++) {
        struct super_block *sb = list[i];
        char words[80];
        if (!sb->covered)
            strcpy_k(path, "/");
        else if (vfs_path_of(sb->root, path, PATH_MAX) < 0)
            continue;
        if (info) {
            at = mountinfo_line(buf, at, size, sb, path);
            continue;
        }
        at = put_escaped(buf, at, size, sb->source);
        at += (size_t)ksnprintf(buf + at, size - at, " ");
        at = put_escaped(buf, MIN(at, size - 1), size, path);
        at += (size_t)ksnprintf(buf + MIN(at, size - 1), size - MIN(at, size - 1), " %s %s%s 0 0\n",
                                sb->type->name, flag_words(sb->flags, words, sizeof(words)), sb->opts);
        at = MIN(at, size - 1);
    }
    kfree(path);
    return (int)at;
}

int mounts_text(char *buf, size_t size)
{
    return mount_table_text(buf, size, false);
}

int mountinfo_text(char *buf, size_t size)
{
    return mount_table_text(buf, size, true);
}

static const char *find_opt(const char *data, const char *key)
{
    size_t k = strlen(key);
    for (const char *p = data; *p; p++)
        if ((p == data || p[-1] == ',') && !strncmp(p, key, k))
            return p + k;
    return NULL;
}

/* A tmpfs size option's number: digits and an optional k, m or g, or a % of memory (of pages: *pct set). */
static u64 opt_number(const char *v, bool *pct)
{
    u64 n = 0;
    for (; *v >= '0' && *v <= '9'; v++)
        n = n * 10 + (u64)(*v - '0');
    switch (*v) {
    case 'k': case 'K': return n << 10;
    case 'm': case 'M': return n << 20;
    case 'g': case 'G': return n << 30;
    case '%': *pct = true; return n;
    default: return n;
    }
}

/* size= (bytes rounded up to pages, or N% of memory) and nr_inodes=: what the instance may hold; 0 is no limit.
 * Absent, each is half the VM's pages, as Linux's tmpfs: a program that fills it gets ENOSPC, not the OOM
 * killer (stress-ng's copy-file was killed filling memory). */
static void tmpfs_limits(struct super_block *sb, const char *data)
{
    u64 half = pmm_total_pages() / 2;
    bool pct = false;
    const char *v = data ? find_opt(data, "size=") : NULL;
    u64 n = v ? opt_number(v, &pct) : 0;
    sb->max_pages = !v ? half : pct ? pmm_total_pages() * MIN(n, 100) / 100 : (n + 4095) / 4096;
    v = data ? find_opt(data, "nr_inodes=") : NULL;
    pct = false;
    n = v ? opt_number(v, &pct) : 0;
    sb->max_inodes = !v ? half : n;
}

/* tmpfs: a fresh ramfs tree. Options: mode= sets the root's; size= and nr_inodes= bound it (ENOSPC past
 * them); uid= and gid= are accepted. */
static int tmpfs_mount(const char *source, const char *data, unsigned flags, struct super_block **out)
{
    struct super_block *sb = sb_new("tmpfs", source && *source ? source : "tmpfs");
    if (!sb)
        return -ENOMEM;
    tmpfs_limits(sb, data);
    sb->root = ramfs_new_root(sb);
    if (!sb->root)
        return -ENOMEM;
    const char *m = data ? find_opt(data, "mode=") : NULL;
    if (m) {
        u32 mode = 0;
        for (; *m >= '0' && *m <= '7'; m++)
            mode = mode * 8 + (u32)(*m - '0');
        sb->root->mode = S_IFDIR | (mode & 07777);
    }
    kfree(sb->opts);
    sb->opts = kstrdup(""); /* relatime comes from the flags */
    if (flags & 1)
        sb->flags |= SB_RDONLY;
    *out = sb;
    return sb->opts ? 0 : -ENOMEM;
}

const struct fs_type tmpfs_type = { "tmpfs", tmpfs_mount };

/* Moves a mounted filesystem to path (a live root takes /dev and /proc along: fs/mount_boot.c). */
/* Mounts on top of sb's own directories (/dev/shm on /dev) follow it to the end of the table, so that
 * /proc/mounts lists every mount after the one it sits on, as Linux does. */
static void table_follow(struct super_block *sb)
{
    int n = nmounts;
    for (int i = 0; i < n;) {
        struct super_block *m = mounts[i];
        if (m != sb && m->covered && m->covered->sb == sb) {
            for (int j = i; j + 1 < nmounts; j++)
                mounts[j] = mounts[j + 1];
            mounts[nmounts - 1] = m;
            n--;
            table_follow(m);
        } else {
            i++;
        }
    }
}

int vfs_move_mount(struct super_block *sb, const char *path)
{
    if (sb->covered) {
        sb->covered->mounted = NULL;
        inode_put(sb->covered);
        sb->covered = NULL;
        for (int i = 0; i < nmounts; i++)
            if (mounts[i] == sb) {
                for (int j = i; j + 1 < nmounts; j++)
                    mounts[j] = mounts[j + 1];
                nmounts--;
                break;
            }
    }
    int rc = vfs_mount_path(path, sb);
    if (!rc)
        table_follow(sb);
    return rc;
}

/* The first mounted filesystem of a type ("proc", "devtmpfs"), or NULL. */
struct super_block *vfs_mounted_type(const char *name)
{
    for (int i = 0; i < nmounts; i++)
        if (!strcmp(mounts[i]->type->name, name))
            return mounts[i];
    return NULL;
}
