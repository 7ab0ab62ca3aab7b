/* fs/namei.c — path lookup: components, ".", "..", symlinks (at most SYMLOOP_MAX, as Linux's 40), and the
 * errors Linux gives (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG); openat2's RESOLVE_* restrictions (EXDEV, ELOOP).
 * Builds on the host for the unit tests. */
#include "vfs.h"
#include "../kernel/errno.h"

/* One walk's state, carried through the symlinks it follows. */
struct walk_state {
    int links;                /* symlinks followed so far */
    unsigned resolve;         /* RESOLVE_* (openat2), 0 for every other walk */
    struct inode *scope;      /* RESOLVE_BENEATH, RESOLVE_IN_ROOT: the directory the walk may not leave */
    struct super_block *sb;   /* RESOLVE_NO_XDEV: the mount the walk is held to */
};

static int walk_rel(struct inode *dir, const char *p, unsigned flags, struct walk_state *st, struct walk *w);

/* Where "/" leads: the caller's root after a chroot, else the root filesystem (the top of its mounts). */
static struct inode *walk_root(void)
{
    struct inode *r = vfs_task_root();
    return r ? r : vfs_covering(vfs_root);
}

/* A jump to "/" (an absolute path, or an absolute symlink's target): EXDEV for RESOLVE_BENEATH, the dirfd for
 * RESOLVE_IN_ROOT, EXDEV under RESOLVE_NO_XDEV when the root is another mount. */
static int jump_root(struct walk_state *st, struct inode **dir)
{
    if (st->resolve & RESOLVE_BENEATH)
        return -EXDEV;
    struct inode *r = (st->resolve & RESOLVE_IN_ROOT) ? st->scope : walk_root();
    if ((st->resolve & RESOLVE_NO_XDEV) && r->sb != st->sb)
        return -EXDEV;
    *dir = r;
    return 0;
}

/* openat2's rules for a symlink about to be followed (link, in dir): none at all under RESOLVE_NO_SYMLINKS; a
 * magic one (procfs's, which leads straight to an inode) is ELOOP under RESOLVE_NO_MAGICLINKS, EXDEV when it
 * leads to another mount under RESOLVE_NO_XDEV, and EXDEV in a scoped walk, which it could leave. */
static int may_follow(struct walk_state *st, struct inode *link, struct inode *target)
{
    if (st->resolve & RESOLVE_NO_SYMLINKS)
        return -ELOOP;
    if (!link->resolve)
        return 0;
    if (st->resolve & RESOLVE_NO_MAGICLINKS)
        return -ELOOP;
    if ((st->resolve & RESOLVE_NO_XDEV) && target && target->sb != st->sb)
        return -EXDEV;
    return (st->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) ? -EXDEV : 0;
}

/* Resolves a symlink found in dir to the inode it names (ENOENT when dangling). */
static int follow(struct inode *dir, struct inode *link, struct walk_state *st, struct inode **out)
{
    if (++st->links > SYMLOOP_MAX)
        return -ELOOP;
    if (link->resolve) {
        if (st->resolve & (RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS))
            return -ELOOP; /* before the link is read */
        *out = link->resolve(link);
        return *out ? may_follow(st, link, *out) : -ENOENT;
    }
    int rc = may_follow(st, link, NULL);
    if (rc)
        return rc;
    const char *target = vfs_readlink(link);
    if (!target)
        return -EIO;
    struct walk t;
    rc = walk_rel(dir, target, WALK_FOLLOW, st, &t);
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
        if (dir->sb && dir == dir->sb->root && !vfs_walk_keeps_marks) /* not a file bind's inode */
            dir->sb->expiry_mark = false; /* used: a MNT_EXPIRE mark starts over (Linux's mntput) */
    }
    return dir;
}

/* Into what is mounted on ino, if anything: EXDEV under RESOLVE_NO_XDEV. */
static int cover(struct walk_state *st, struct inode *ino, struct inode **out)
{
    if (ino->mounted && (st->resolve & RESOLVE_NO_XDEV))
        return -EXDEV;
    *out = vfs_covering(ino);
    return 0;
}

/* One component into *out (NULL when it does not exist). ".." of a filesystem's root climbs to the directory it
 * covers first, so it leaves the mount as Linux does; a child that is a mount point leads into the mounted
 * filesystem. ".." of the caller's root is the root itself (a chroot cannot be walked out of by name); in a
 * scoped walk the dirfd is that root, and RESOLVE_BENEATH makes climbing above it EXDEV. */
static int step(struct walk_state *st, struct inode *dir, const char *c, size_t len, struct inode **out)
{
    *out = NULL;
    if (len == 1 && c[0] == '.') {
        *out = dir;
        return 0;
    }
    if (len == 2 && c[0] == '.' && c[1] == '.') {
        if (st->scope ? dir == st->scope : dir == vfs_task_root()) {
            *out = dir;
            return (st->resolve & RESOLVE_BENEATH) ? -EXDEV : 0;
        }
        while (dir->sb && dir->sb->covered && dir == dir->sb->root) {
            if (st->resolve & RESOLVE_NO_XDEV)
                return -EXDEV;
            dir = dir->sb->covered;
        }
        return cover(st, dir->parent ? dir->parent : dir, out);
    }
    struct inode *child;
    return vfs_child(dir, c, len, &child) ? 0 : cover(st, child, out);
}

static int walk_rel(struct inode *dir, const char *p, unsigned flags, struct walk_state *st, struct walk *w)
{
    if (!*p)
        return -ENOENT;
    if (*p == '/') {
        int rc = jump_root(st, &dir);
        if (rc)
            return rc;
    }
    while (*p == '/')
        p++;
    if (!*p) { /* "/" itself */
        *w = (struct walk){ .dir = dir, .node = dir, .name = "/", .trailing_slash = true };
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
        int rc = perm_inode(dir, MAY_EXEC); /* search permission on every directory walked */
        struct inode *child;
        if (rc || (rc = step(st, dir, c, len, &child)))
            return rc;
        if (!*p) {
            w->dir = dir;
            w->node = child;
            memcpy(w->name, c, len);
            w->name[len] = 0;
            w->trailing_slash = slash;
            if (child && S_ISLNK(child->mode) && ((flags & WALK_FOLLOW) || slash)) {
                if (child->resolve) {
                    rc = follow(dir, child, st, &w->node);
                    return rc ? rc : (slash && !S_ISDIR(w->node->mode)) ? -ENOTDIR : 0;
                }
                if (++st->links > SYMLOOP_MAX)
                    return -ELOOP;
                if ((rc = may_follow(st, child, NULL)))
                    return rc;
                const char *target = vfs_readlink(child);
                if (!target)
                    return -EIO;
                return walk_rel(dir, target, flags | WALK_FOLLOW, st, w);
            }
            if (slash && child && !S_ISDIR(child->mode))
                return -ENOTDIR;
            return 0;
        }
        if (!child)
            return -ENOENT;
        if (S_ISLNK(child->mode) && (rc = follow(dir, child, st, &child)))
            return rc;
        dir = child;
    }
}

/* resolve: openat2's RESOLVE_* (0 for any other walk); a scoped walk (BENEATH, IN_ROOT) is held below cwd, the
 * directory it starts from, and RESOLVE_NO_XDEV to the mount it starts on (the root's, for an absolute path). */
int vfs_walk_resolve(struct inode *cwd, const char *path, unsigned flags, unsigned resolve, struct walk *w)
{
    if (strnlen(path, PATH_MAX) >= PATH_MAX)
        return -ENAMETOOLONG;
    struct walk_state st = { .resolve = resolve };
    if (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT))
        st.scope = cwd;
    st.sb = (path[0] == '/' && !(resolve & RESOLVE_IN_ROOT)) ? walk_root()->sb : cwd ? cwd->sb : NULL;
    return walk_rel(cwd, path, flags, &st, w);
}

int vfs_walk(struct inode *cwd, const char *path, unsigned flags, struct walk *w)
{
    return vfs_walk_resolve(cwd, path, flags, 0, w);
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

