/* fs/namei.c — path lookup: components, ".", "..", symlinks (at most SYMLOOP_MAX, as Linux's 40), and the
 * errors Linux gives (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG). Builds on the host for the unit tests. */
#include "vfs.h"
#include "../kernel/errno.h"

static int walk_rel(struct inode *dir, const char *p, unsigned flags, int *links, struct walk *w);

/* Resolves a symlink found in dir to the inode it names (ENOENT when dangling). */
static int follow(struct inode *dir, struct inode *link, int *links, struct inode **out)
{
    if (++*links > SYMLOOP_MAX)
        return -ELOOP;
    if (link->resolve) {
        *out = link->resolve(link);
        return *out ? 0 : -ENOENT;
    }
    const char *target = vfs_readlink(link);
    if (!target)
        return -EIO;
    struct walk t;
    int rc = walk_rel(dir, target, WALK_FOLLOW, links, &t);
    if (rc)
        return rc;
    if (!t.node)
        return -ENOENT;
    *out = t.node;
    return 0;
}

/* What a directory shows: the root of whatever is mounted on it (mounts may stack). */
/* Set by umount2 around its own lookup (syscalls only, one at a time: a lock when SMP comes). */
bool vfs_walk_keeps_marks;

struct inode *vfs_covering(struct inode *dir)
{
    while (dir->mounted) {
        dir = dir->mounted;
        if (dir->sb && !vfs_walk_keeps_marks)
            dir->sb->expiry_mark = false; /* used: a MNT_EXPIRE mark starts over (Linux's mntput) */
    }
    return dir;
}

/* Where "/" leads: the caller's root after a chroot, else the root filesystem (the top of its mounts). */
static struct inode *walk_root(void)
{
    struct inode *r = vfs_task_root();
    return r ? r : vfs_covering(vfs_root);
}

/* One component. ".." of a filesystem's root climbs to the directory it covers first, so it leaves the
 * mount as Linux does; a child that is a mount point leads into the mounted filesystem. ".." of the caller's
 * root is the root itself (a chroot cannot be walked out of by name). */
static struct inode *step(struct inode *dir, const char *c, size_t len)
{
    if (len == 1 && c[0] == '.')
        return dir;
    if (len == 2 && c[0] == '.' && c[1] == '.') {
        if (dir == vfs_task_root())
            return dir;
        while (dir->sb && dir->sb->covered && dir == dir->sb->root)
            dir = dir->sb->covered;
        return vfs_covering(dir->parent ? dir->parent : dir);
    }
    struct inode *child;
    return vfs_child(dir, c, len, &child) ? NULL : vfs_covering(child);
}

static int walk_rel(struct inode *dir, const char *p, unsigned flags, int *links, struct walk *w)
{
    if (!*p)
        return -ENOENT;
    if (*p == '/')
        dir = walk_root();
    while (*p == '/')
        p++;
    if (!*p) { /* "/" itself */
        struct inode *r = walk_root();
        *w = (struct walk){ .dir = r, .node = r, .name = "/", .trailing_slash = true };
        return 0;
    }
    for (;;) {
        const char *c = p;
        while (*p && *p != '/')
            p++;
        size_t len = p - c;
        if (len > NAME_MAX)
            return -ENAMETOOLONG;
        bool slash = *p == '/';
        while (*p == '/')
            p++;
        if (!S_ISDIR(dir->mode))
            return -ENOTDIR;
        int denied = perm_inode(dir, MAY_EXEC); /* search permission on every directory walked */
        if (denied)
            return denied;
        struct inode *child = step(dir, c, len);
        if (!*p) {
            w->dir = dir;
            w->node = child;
            memcpy(w->name, c, len);
            w->name[len] = 0;
            w->trailing_slash = slash;
            if (child && S_ISLNK(child->mode) && ((flags & WALK_FOLLOW) || slash)) {
                if (child->resolve) {
                    int rc = follow(dir, child, links, &w->node);
                    return rc ? rc : (slash && !S_ISDIR(w->node->mode)) ? -ENOTDIR : 0;
                }
                if (++*links > SYMLOOP_MAX)
                    return -ELOOP;
                const char *target = vfs_readlink(child);
                if (!target)
                    return -EIO;
                return walk_rel(dir, target, flags | WALK_FOLLOW, links, w);
            }
            if (slash && child && !S_ISDIR(child->mode))
                return -ENOTDIR;
            return 0;
        }
        if (!child)
            return -ENOENT;
        if (S_ISLNK(child->mode)) {
            int rc = follow(dir, child, links, &child);
            if (rc)
                return rc;
        }
        dir = child;
    }
}

int vfs_walk(struct inode *cwd, const char *path, unsigned flags, struct walk *w)
{
    if (strnlen(path, PATH_MAX) >= PATH_MAX)
        return -ENAMETOOLONG;
    int links = 0;
    return walk_rel(cwd, path, flags, &links, w);
}

int vfs_lookup(struct inode *cwd, const char *path, unsigned flags, struct inode **out)
{
    struct walk w;
    int rc = vfs_walk(cwd, path, flags, &w);
    if (rc)
        return rc;
    if (!w.node)
        return -ENOENT;
    *out = w.node;
    return 0;
}

/* The name dir has in its parent: ramfs keeps children lists; other filesystems remember the name an inode
 * was found by (vfs.h: inode->name). NULL when it has none (removed). */
static const char *name_in_parent(struct inode *d)
{
    if (d->parent->iops != &ramfs_iops)
        return d->name;
    if (d->nlink == 0)
        return NULL; /* the directory was removed */
    for (struct dirent_node *e = d->parent->children; e; e = e->next)
        if (e->inode == d)
            return e->name;
    return NULL;
}

/* Builds the path from the root down by walking parents (and out of mounts) and naming each step. */
int vfs_path_of(struct inode *dir, char *buf, size_t size)
{
    char tmp[PATH_MAX];
    size_t at = sizeof(tmp) - 1;
    tmp[at] = 0;
    struct inode *root = vfs_task_root();
    for (struct inode *d = dir; d != root;) {
        if (d->sb && d->sb->covered && d == d->sb->root) {
            d = d->sb->covered;
            continue;
        }
        if (!d->parent || d == d->parent)
            break;
        const char *name = name_in_parent(d);
        if (!name)
            return -ENOENT;
        size_t len = strlen(name);
        if (len + 1 > at)
            return -ENAMETOOLONG;
        at -= len;
        memcpy(tmp + at, name, len);
        tmp[--at] = '/';
        d = d->parent;
    }
    if (at == sizeof(tmp) - 1)
        tmp[--at] = '/';
    size_t n = sizeof(tmp) - 1 - at;
    if (n + 1 > size)
        return -ERANGE;
    memcpy(buf, tmp + at, n + 1);
    return (int)(n + 1);
}

/* The absolute path of what a walk found, for /proc/self/fd (NULL when it cannot be told). */
char *vfs_walk_path(const struct walk *w)
{
    if (S_ISDIR(w->node->mode) && w->node == w->dir)
        return NULL;
    char *buf = kmalloc(PATH_MAX);
    int n = buf ? vfs_path_of(w->dir, buf, PATH_MAX) : -1;
    if (n < 0 || (size_t)n + strlen(w->name) + 1 >= PATH_MAX) {
        kfree(buf);
        return NULL;
    }
    if (n > 2)
        strcat_k(buf, "/");
    strcat_k(buf, w->name);
    return buf;
}

