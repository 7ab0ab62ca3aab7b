/* tools/pack/image_write.c — the image tree written as one newc archive: "." first, then every entry with its
 * parents before it, names sorted (the same plan gives the same bytes, apart from the times of directories
 * skiff makes), directories with nlink 2 + subdirectories. With hard links on, files that are one host inode
 * are written as newc hard links: the same ino and nlink on every name, the data once, with the last name. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pack.h"

struct writer {
    struct cpio_out out;
    bool hardlinks;
    struct strmap links;    /* "dev:ino" -> struct link */
};

struct link {
    uint32_t ino, nlink, written;
};

static int by_name(const void *a, const void *b)
{
    return strcmp((*(struct node *const *)a)->name, (*(struct node *const *)b)->name);
}

static char *link_key(const struct node *n)
{
    return xasprintf("%lx:%lx", (unsigned long)n->dev, (unsigned long)n->ino);
}

/* First pass: how many names each host inode has in the image. */
static void count_links(struct writer *w, struct node *dir)
{
    for (size_t i = 0; i < dir->nkids; i++) {
        struct node *k = dir->kids[i];
        if (k->gone)
            continue;
        if (S_ISDIR(k->mode))
            count_links(w, k);
        else if (S_ISREG(k->mode) && k->src) {
            char *key = link_key(k);
            void **v = strmap_get(&w->links, key);
            if (v) {
                ((struct link *)*v)->nlink++;
            } else {
                struct link *l = xmalloc(sizeof(*l));
                *l = (struct link){ w->out.ino++, 1, 0 };
                strmap_put(&w->links, key, l);
            }
            free(key);
        }
    }
}

static int write_file(struct writer *w, const struct node *n, const char *path)
{
    uint32_t ino = w->out.ino, nlink = 1;
    bool data = true;
    if (w->hardlinks && n->src) {
        char *key = link_key(n);
        struct link *l = *strmap_get(&w->links, key);
        free(key);
        ino = l->ino, nlink = l->nlink;
        data = ++l->written == l->nlink; /* newc: the data goes with the last name */
    } else {
        w->out.ino++;
    }
    if (!n->src) /* from an --initrd archive: in memory */
        return cpio_out_header(&w->out, path, ino, n->mode, n->uid, n->gid, nlink, n->mtime, n->size) ||
               cpio_out_bytes(&w->out, n->data, n->size) || cpio_out_pad(&w->out);
    int fd = open(n->src, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        pack_msg("cannot copy %s: %s", n->src, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    uint64_t size = data ? (uint64_t)st.st_size : 0; /* the size now, not at planning */
    int rc = cpio_out_header(&w->out, path, ino, n->mode, n->uid, n->gid, nlink, n->mtime, size);
    if (!rc && size)
        rc = cpio_out_file(&w->out, fd, size);
    if (rc)
        pack_msg("cannot copy %s: %s", n->src, strerror(errno));
    close(fd);
    return rc ? -1 : 0;
}

static int write_node(struct writer *w, struct node *n, const char *path)
{
    if (S_ISREG(n->mode))
        return write_file(w, n, path);
    if (S_ISLNK(n->mode)) {
        size_t l = strlen(n->src);
        return cpio_out_header(&w->out, path, w->out.ino++, n->mode, n->uid, n->gid, 1, n->mtime, l) ||
               cpio_out_bytes(&w->out, n->src, l) || cpio_out_pad(&w->out);
    }
    uint32_t nlink = 2;
    for (size_t i = 0; i < n->nkids; i++)
        nlink += !n->kids[i]->gone && S_ISDIR(n->kids[i]->mode);
    return cpio_out_header(&w->out, path, w->out.ino++, n->mode, n->uid, n->gid, nlink, n->mtime, 0);
}

static int write_tree(struct writer *w, struct node *dir, const char *prefix)
{
    struct node **kids = xmalloc((dir->nkids + 1) * sizeof(*kids));
    size_t n = 0;
    for (size_t i = 0; i < dir->nkids; i++)
        if (!dir->kids[i]->gone)
            kids[n++] = dir->kids[i];
    qsort(kids, n, sizeof(*kids), by_name);
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        char *path = prefix ? xasprintf("%s/%s", prefix, kids[i]->name) : xstrdup(kids[i]->name);
        rc = write_node(w, kids[i], path);
        if (!rc && S_ISDIR(kids[i]->mode))
            rc = write_tree(w, kids[i], path);
        free(path);
    }
    free(kids);
    return rc;
}

int image_write(struct image *im, int fd, bool trailer, bool hardlinks, uint64_t *bytes)
{
    struct writer w;
    memset(&w, 0, sizeof(w));
    cpio_out_init(&w.out, fd);
    w.hardlinks = hardlinks;
    if (hardlinks)
        count_links(&w, im->root);
    int rc = (!im->no_root_entry && write_node(&w, im->root, ".")) || write_tree(&w, im->root, NULL);
    if (!rc && trailer)
        rc = cpio_out_trailer(&w.out);
    if (!rc)
        rc = cpio_out_flush(&w.out);
    if (rc && errno)
        pack_msg("cannot write the image: %s", strerror(errno));
    if (bytes)
        *bytes = w.out.off;
    free(w.out.buf);
    return rc ? -1 : 0;
}
