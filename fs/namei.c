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
    if (link->refresh)
        link->refresh(link);
    struct walk t;
    int rc = walk_rel(dir, link->target, WALK_FOLLOW, links, &t);
    if (rc)
        return rc;
    if (!t.node)
        return -ENOENT;
    *out = t.node;
    return 0;
}

static struct inode *step(struct inode *dir, const char *c, size_t len)
{
    if (dir->refresh)
        dir->refresh(dir);
    if (len == 1 && c[0] == '.')
        return dir;
    if (len == 2 && c[0] == '.' && c[1] == '.')
        return dir->parent;
    return ramfs_lookup(dir, c, len);
}

static int walk_rel(struct inode *dir, const char *p, unsigned flags, int *links, struct walk *w)
{
    if (!*p)
        return -ENOENT;
    if (*p == '/')
        dir = vfs_root;
    while (*p == '/')
        p++;
    if (!*p) { /* "/" itself */
        *w = (struct walk){ .dir = vfs_root, .node = vfs_root, .name = "/", .trailing_slash = true };
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
                if (child->refresh)
                    child->refresh(child);
                return walk_rel(dir, child->target, flags | WALK_FOLLOW, links, w);
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

/* Builds the path from the root down by walking parents and finding each one's name in its parent. */
int vfs_path_of(struct inode *dir, char *buf, size_t size)
{
    char tmp[PATH_MAX];
    size_t at = sizeof(tmp) - 1;
    tmp[at] = 0;
    for (struct inode *d = dir; d != d->parent; d = d->parent) {
        if (d->nlink == 0)
            return -ENOENT; /* the directory was removed */
        const char *name = NULL;
        for (struct dirent_node *e = d->parent->children; e; e = e->next)
            if (e->inode == d)
                name = e->name;
        if (!name)
            return -ENOENT;
        size_t len = strlen(name);
        if (len + 1 > at)
            return -ENAMETOOLONG;
        at -= len;
        memcpy(tmp + at, name, len);
        tmp[--at] = '/';
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

