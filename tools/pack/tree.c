/* tools/pack/tree.c — the root image in memory: tools/skiff's plan carried out as its build_root did on a
 * staging directory (cp -pPR, cp -pRL, cp -pL, ln -s, mkdir, chmod, rm -rf), but on a tree of nodes that name
 * their host files, so nothing is copied twice: the cpio writer reads each file once, straight into the image.
 * Modes, mtimes and owners are the host file's (cp -p as root; a user's own ids otherwise, as cp -p leaves
 * them); directories skiff makes get 0777 & ~umask and the time of packing. A symlink in the middle of a
 * guest path is followed inside the image (an absolute target from the image's root), never out to the host. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "pack.h"

struct node *node_new(const char *name, uint32_t mode)
{
    struct node *n = xmalloc(sizeof(*n));
    memset(n, 0, sizeof(*n));
    n->name = xstrdup(name);
    n->mode = mode;
    n->uid = getuid();
    n->gid = getgid();
    n->mtime = time(NULL);
    return n;
}

struct node *node_child(struct node *dir, const char *name)
{
    void **v = strmap_get(&dir->byname, name);
    struct node *k = v ? *v : NULL;
    return k && !k->gone ? k : NULL;
}

/* Replaces (or adds) dir's child of that name. */
void node_set(struct node *dir, struct node *k)
{
    void **v = strmap_get(&dir->byname, k->name);
    if (v) {
        struct node *old = *v;
        old->gone = true; /* still in kids[]: skipped by the writer, freed with the image */
        *v = k;
    } else {
        strmap_put(&dir->byname, k->name, k);
    }
    if (dir->nkids == dir->cap) {
        dir->cap = dir->cap ? dir->cap * 2 : 8;
        dir->kids = realloc(dir->kids, dir->cap * sizeof(*dir->kids));
        if (!dir->kids) {
            pack_msg("out of memory");
            exit(125);
        }
    }
    dir->kids[dir->nkids++] = k;
    k->parent = dir;
}

void node_remove(struct node *dir, const char *name)
{
    struct node *k = node_child(dir, name);
    if (k)
        k->gone = true;
}

/* Follows symlinks among the image's nodes. hops counts against ELOOP. NULL when the target is absent. */
static struct node *walk_path(struct image *im, struct node *from, const char *path, bool mkdirs, int *hops,
                              int depth);

static struct node *follow(struct image *im, struct node *dir, struct node *link, bool mkdirs, int *hops,
                           int depth)
{
    if (++*hops > 40 || depth > 40)
        return NULL;
    return walk_path(im, link->src[0] == '/' ? im->root : dir, link->src, mkdirs, hops, depth + 1);
}

static struct node *walk_path(struct image *im, struct node *from, const char *path, bool mkdirs, int *hops,
                              int depth)
{
    struct node *cur = path[0] == '/' ? im->root : from;
    char *copy = xstrdup(path), *save = NULL;
    for (char *c = strtok_r(copy, "/", &save); cur && c; c = strtok_r(NULL, "/", &save)) {
        if (!strcmp(c, "."))
            continue;
        if (!strcmp(c, "..")) {
            cur = cur->parent ? cur->parent : cur;
            continue;
        }
        struct node *k = node_child(cur, c);
        if (k && S_ISLNK(k->mode))
            k = follow(im, cur, k, mkdirs, hops, depth);
        else if (!k && mkdirs) {
            k = node_new(c, S_IFDIR | (0777 & ~im->umask));
            node_set(cur, k);
        }
        cur = k && S_ISDIR(k->mode) ? k : NULL;
    }
    free(copy);
    return cur;
}

struct node *image_dir(struct image *im, const char *path, bool mkdirs)
{
    int hops = 0;
    return walk_path(im, im->root, path, mkdirs, &hops, 0);
}

/* The directory that holds guest path (made if need be) and the last name in *last (malloc'd). */
struct node *image_parent(struct image *im, const char *guest, char **last)
{
    char *p = xstrdup(guest);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = 0;
    char *slash = strrchr(p, '/');
    struct node *dir;
    if (slash) {
        *slash = 0;
        dir = image_dir(im, p, true);
        *last = xstrdup(slash + 1);
    } else {
        dir = im->root;
        *last = xstrdup(p);
    }
    free(p);
    return dir;
}

/* The node at guest path, not following a symlink at its end. */
struct node *image_lookup(struct image *im, const char *guest)
{
    char *last;
    struct node *dir = image_parent(im, guest, &last), *k = NULL;
    if (dir && !strcmp(last, "."))
        k = dir;
    else if (dir)
        k = node_child(dir, last);
    free(last);
    return k;
}

/* A node for the host file st (already stat'ed), with cp -p's attributes. */
struct node *node_from_stat(struct image *im, const char *name, const char *src, const struct stat *st)
{
    struct node *n = node_new(name, st->st_mode);
    n->mtime = st->st_mtim.tv_sec;
    if (im->as_root) {
        n->uid = st->st_uid;
        n->gid = st->st_gid;
    }
    n->size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
    n->dev = st->st_dev;
    n->ino = st->st_ino;
    n->src = src ? xstrdup(src) : NULL;
    return n;
}

struct image *image_new(void)
{
    struct image *im = xmalloc(sizeof(*im));
    memset(im, 0, sizeof(*im));
    im->umask = umask(022);
    umask(im->umask);
    im->as_root = geteuid() == 0;
    im->root = node_new(".", S_IFDIR | (0777 & ~im->umask));
    return im;
}
