/* tools/pack/image.c — tools/skiff's plan carried out on the image tree (tree.c), step by step as its
 * build_root did: R copies a tree with its symlinks, A a file or tree with symlinks dereferenced, F and E one
 * file (E only where nothing is yet), L a symlink and D a directory where nothing is yet, X removes, I takes an
 * archive's entries. At the end /.skiff goes: the run writes its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pack.h"

struct seen {
    dev_t dev;
    ino_t ino;
    const struct seen *up;
};

static int add_dir(struct image *im, struct node *at, const char *dir, bool keep_links, const struct seen *up);

/* A subdirectory p (stat'ed as st) of the tree being copied into at: merged with one there (cp -p then gives
 * it the copied directory's attributes), or new. */
static int add_subdir(struct image *im, struct node *at, const char *name, const char *p, const struct stat *st,
                      bool keep_links, const struct seen *up)
{
    for (const struct seen *s = up; s; s = s->up) {
        if (s->dev == st->st_dev && s->ino == st->st_ino) {
            pack_msg("cannot copy %s: a directory loop", p);
            return -1;
        }
    }
    struct node *k = node_child(at, name), *nd = node_from_stat(im, name, NULL, st);
    if (k && S_ISDIR(k->mode)) {
        k->mode = nd->mode, k->uid = nd->uid, k->gid = nd->gid, k->mtime = nd->mtime;
        free(nd->name); /* never attached */
        free(nd);
    } else {
        node_set(at, k = nd);
    }
    struct seen here = { st->st_dev, st->st_ino, up };
    return add_dir(im, k, p, keep_links, &here);
}

static int add_link(struct image *im, struct node *at, const char *name, const char *p, const struct stat *st)
{
    char t[4096];
    ssize_t n = readlink(p, t, sizeof t - 1);
    if (n < 0) {
        pack_msg("cannot copy %s: %s", p, strerror(errno));
        return -1;
    }
    t[n] = 0;
    node_set(at, node_from_stat(im, name, t, st));
    return 0;
}

/* Copies the host directory dir's entries into the node at (cp -pPR or cp -pRL). */
static int add_dir(struct image *im, struct node *at, const char *dir, bool keep_links, const struct seen *up)
{
    DIR *d = opendir(dir);
    if (!d) {
        pack_msg("cannot copy %s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if ((keep_links ? lstat(p, &st) : stat(p, &st)) != 0) {
            pack_msg("cannot copy %s: %s", p, strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = add_subdir(im, at, e->d_name, p, &st, keep_links, up);
        } else if (S_ISLNK(st.st_mode)) {
            rc = add_link(im, at, e->d_name, p, &st);
        } else if (S_ISREG(st.st_mode)) {
            node_set(at, node_from_stat(im, e->d_name, p, &st));
        } /* devices, fifos, sockets: skiff's initrd reader skips them; so does the packer */
        free(p);
    }
    closedir(d);
    return rc;
}

int image_add_tree(struct image *im, struct node *at, const char *dir, bool keep_links)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        pack_msg("cannot copy %s", dir);
        return -1;
    }
    struct node *nd = node_from_stat(im, ".", NULL, &st);
    at->mode = nd->mode, at->uid = nd->uid, at->gid = nd->gid, at->mtime = nd->mtime;
    struct seen top = { st.st_dev, st.st_ino, NULL };
    return add_dir(im, at, dir, keep_links, &top);
}

/* F, E and A of a file: cp -pL HOST GUEST (into GUEST when that is a directory, as cp does). */
static int put_file(struct image *im, const char *host, const char *guest, bool into_dir)
{
    struct stat st;
    char *last;
    struct node *dir = image_parent(im, guest, &last);
    int rc = -1;
    if (stat(host, &st) != 0 || S_ISDIR(st.st_mode) || !dir) {
        pack_msg("cannot copy %s", host);
    } else {
        struct node *k = node_child(dir, last);
        if (into_dir && k && S_ISDIR(k->mode)) {
            dir = k;
            free(last);
            const char *b = strrchr(host, '/');
            last = xstrdup(b ? b + 1 : host);
            k = node_child(dir, last);
        }
        if (k && S_ISDIR(k->mode)) {
            pack_msg("cannot copy %s", host);
        } else {
            node_set(dir, node_from_stat(im, last, host, &st));
            rc = 0;
        }
    }
    free(last);
    return rc;
}

static int step_add(struct image *im, const char *host, const char *guest)
{
    struct stat st;
    if (stat(host, &st) != 0) {
        pack_msg("cannot copy %s", host);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return put_file(im, host, guest, true);
    char *last;
    struct node *dir = image_parent(im, guest, &last), *k = NULL;
    if (dir) {
        k = !strcmp(last, ".") || !last[0] ? dir : node_child(dir, last);
        if (k && S_ISLNK(k->mode))
            k = image_dir(im, guest, false); /* mkdir -p follows it */
        else if (!k)
            node_set(dir, k = node_new(last, S_IFDIR | (0777 & ~im->umask)));
    }
    free(last);
    if (!k || !S_ISDIR(k->mode)) {
        pack_msg("cannot copy %s", host);
        return -1;
    }
    return image_add_tree(im, k, host, false);
}

/* L and D: only where nothing is yet. */
static int step_make(struct image *im, char op, const char *guest, const char *arg)
{
    if (image_lookup(im, guest))
        return 0;
    char *last;
    struct node *dir = image_parent(im, guest, &last);
    if (!dir) {
        pack_msg(op == 'L' ? "cannot link %s" : "cannot create /%s", guest);
        free(last);
        return -1;
    }
    struct node *k;
    if (op == 'L') {
        k = node_new(last, S_IFLNK | 0777);
        k->src = xstrdup(arg);
    } else {
        k = node_new(last, S_IFDIR | (strtoul(arg, NULL, 8) & 07777));
    }
    node_set(dir, k);
    free(last);
    return 0;
}

static int step(struct image *im, char op, const char *a, const char *b)
{
    struct node *n;
    switch (op) {
    case 'R':
        return image_add_tree(im, im->root, a, true) ? (pack_msg("--rootfs: cannot copy %s", a), -1) : 0;
    case 'I':
        return image_add_cpio(im, a);
    case 'A':
        return step_add(im, a, b);
    case 'F':
        return put_file(im, a, b, false);
    case 'E':
        return image_lookup(im, b) ? 0 : put_file(im, a, b, false);
    case 'L':
    case 'D':
        return step_make(im, op, a, b);
    case 'X':
        n = image_lookup(im, a);
        if (n && n->parent)
            node_remove(n->parent, n->name);
        return 0;
    }
    pack_msg("plan: unknown step %c", op);
    return -1;
}

int image_plan(struct image *im, const char *plan, const char *workdir)
{
    FILE *fp = fopen(plan, "re");
    if (!fp) {
        pack_msg("%s: %s", plan, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    while (!rc && (len = getline(&line, &cap, fp)) > 0) {
        if (line[len - 1] == '\n')
            line[len - 1] = 0;
        char *a = strchr(line, '\t'), *b = a ? strchr(a + 1, '\t') : NULL;
        if (!a || !b || a != line + 1) {
            pack_msg("plan: bad line: %s", line);
            rc = -1;
            break;
        }
        *a++ = 0;
        *b++ = 0;
        char *host = !strncmp(a, "@work/", 6) ? xasprintf("%s/%s", workdir, a + 6) : xstrdup(a);
        rc = step(im, line[0], host, b);
        free(host);
    }
    free(line);
    fclose(fp);
    node_remove(im->root, ".skiff");
    return rc;
}
