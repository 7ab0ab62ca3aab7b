/* tools/pack/cpio_in.c — reading newc archives with the kernel's own reader (fs/cpio_parse.c, built for the
 * host): an --initrd FILE's entries go into the image as `cpio -idm --no-absolute-filenames` would extract
 * them (leading "/" and "./" dropped, a later entry replacing an earlier one, never a directory replaced by a
 * file), their data left in the mapped archive; and an image's memory need, as tools/skiff sizes the VM. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pack.h"
#include "../../fs/cpio.h"

static const uint8_t *map_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    void *m = MAP_FAILED;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    *len = m == MAP_FAILED ? 0 : (size_t)st.st_size;
    return m == MAP_FAILED ? NULL : m;
}

/* The files of an archive that are hard links (nlink > 1), by inode number: newc gives the data once, with the
 * last name, so the earlier names get it when it comes (and later empty ones get it from the earlier). */
struct linked {
    uint32_t ino;
    struct node *n;
    struct linked *next;
};
struct reading {
    struct image *im;
    struct linked *links;
};

static void share_data(struct reading *r, const struct cpio_entry *e, struct node *k)
{
    for (struct linked *l = r->links; l; l = l->next) {
        if (l->ino != e->ino)
            continue;
        if (e->size && !l->n->size)
            l->n->data = e->data, l->n->size = e->size;
        else if (!e->size && l->n->size)
            k->data = l->n->data, k->size = l->n->size;
    }
    struct linked *l = xmalloc(sizeof(*l));
    *l = (struct linked){ e->ino, k, r->links };
    r->links = l;
}

static int add_entry(const struct cpio_entry *e, void *ctx)
{
    struct reading *r = ctx;
    struct image *im = r->im;
    char *name = strndup(e->name, e->namelen);
    const char *p = name;
    while (*p == '/' || (p[0] == '.' && p[1] == '/'))
        p += p[0] == '/' ? 1 : 2;
    int rc = 0;
    uint32_t type = e->mode & S_IFMT;
    if (*p && strcmp(p, ".") && (type == S_IFDIR || type == S_IFREG || type == S_IFLNK)) {
        char *last;
        struct node *dir = image_parent(im, p, &last), *k = dir ? node_child(dir, last) : NULL;
        if (!dir) {
            rc = -1;
        } else if (k && S_ISDIR(k->mode) && type == S_IFDIR) {
            k->mode = e->mode, k->uid = e->uid, k->gid = e->gid, k->mtime = e->mtime;
        } else if (!(k && S_ISDIR(k->mode))) {
            k = node_new(last, e->mode);
            k->uid = e->uid, k->gid = e->gid, k->mtime = e->mtime;
            if (type == S_IFLNK)
                k->src = strndup((const char *)e->data, e->size);
            else if (type == S_IFREG)
                k->data = e->data, k->size = e->size;
            if (type == S_IFREG && e->nlink > 1)
                share_data(r, e, k);
            node_set(dir, k);
        }
        free(last);
    }
    free(name);
    return rc;
}

int image_add_cpio(struct image *im, const char *path)
{
    size_t len;
    const uint8_t *m = map_file(path, &len);
    const char *err = "empty";
    struct reading r = { im, NULL };
    if (!m || cpio_parse(m, len, add_entry, &r, &err) != 0) {
        pack_msg("--initrd: cannot extract %s (not a cpio archive?)", path);
        return -1;
    }
    return 0; /* stays mapped: the image's nodes point into it */
}

struct mem_count {
    uint64_t entries, pages, maxp;
};

static int count_entry(const struct cpio_entry *e, void *ctx)
{
    struct mem_count *c = ctx;
    c->entries++;
    if ((e->mode & S_IFMT) == S_IFREG) {
        uint64_t p = (e->size + 4095) / 4096;
        c->pages += p;
        if (p > c->maxp)
            c->maxp = p;
    }
    return 0;
}

/* What tools/skiff's root_mem_kib computed from `cpio -itv`: every file's pages, the largest file twice (it
 * sits in the archive while it is copied out), a little per entry. The trailer's entry is not counted. */
int image_mem_kib(const char *path, long base_kib, long entry_kib, long *kib)
{
    size_t len;
    const uint8_t *m = map_file(path, &len);
    const char *err = "empty";
    struct mem_count c = { 0, 0, 0 };
    int rc = m ? cpio_parse(m, len, count_entry, &c, &err) : -1;
    if (m)
        munmap((void *)m, len);
    if (rc) {
        pack_msg("%s: %s", path, err);
        return -1;
    }
    *kib = base_kib + (long)(c.pages + c.maxp) * 4 + (long)c.entries * entry_kib;
    return 0;
}
