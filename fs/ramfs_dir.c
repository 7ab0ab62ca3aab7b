/* fs/ramfs_dir.c — ramfs directories' entries: a list per directory in the order the names were made, an index
 * over all of them by (directory, name), and readdir offsets that stay put.
 *
 * Offsets: each entry takes the next number of its directory (its cookie, from 2 up: 0 and 1 are the dots)
 * when it is named, and a listing resumed at offset p goes on at the first entry whose cookie is p or more. So a
 * program that unlinks what it reads (`for e in scandir(d): unlink(e)`, fts, `find -delete`) neither skips
 * nor repeats an entry, as on Linux; with offsets as positions, every removal moved the rest back under the
 * reader's feet. A directory emptied starts again at 2: procfs rebuilds its fd directories before every
 * listing, and a listing must then find the same names at the same offsets. Each directory remembers where the
 * last listing stopped, so going through a large directory costs O(1) per entry, not O(offset).
 *
 * The index: one hash table for every ramfs directory, chained, doubled when it holds more entries than
 * buckets (the bucket array lives in pages, kmalloc's large path, so it needs no contiguous memory): a lookup
 * in a directory of 100,000 names costs what one in a directory of ten does. Called from syscalls only (no
 * interrupt handler names files); with SMP this is the file system's lock's. */
#include "vfs.h"

static struct dirent_node **buckets;
static u64 nbuckets, nentries;

static u64 name_hash(const struct inode *dir, const char *name, size_t len)
{
    u64 h = 0xcbf29ce484222325ull ^ (u64)dir; /* FNV-1a over the name, seeded with the directory */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (u8)name[i]) * 0x100000001b3ull;
    return h ^ (h >> 32);
}

/* Twice the buckets (from 128: 1 KiB, one small block at boot), every entry moved over; on no memory the old
 * table stays (slower, right). */
static void grow(void)
{
    u64 n = nbuckets ? nbuckets * 2 : 128;
    struct dirent_node **b = kzalloc(n * sizeof(*b));
    if (!b)
        return;
    for (u64 i = 0; i < nbuckets; i++)
        for (struct dirent_node *d = buckets[i], *next; d; d = next) {
            next = d->hnext;
            d->hnext = b[d->hash & (n - 1)];
            b[d->hash & (n - 1)] = d;
        }
    kfree(buckets);
    buckets = b;
    nbuckets = n;
}

void ramfs_dir_init(void)
{
    grow();
    if (!nbuckets)
        panic("no memory for the directory index");
}

struct dirent_node *ramfs_dir_find(const struct inode *dir, const char *name, size_t len)
{
    u64 h = name_hash(dir, name, len);
    for (struct dirent_node *d = buckets[h & (nbuckets - 1)]; d; d = d->hnext)
        if (d->hash == h && d->dir == dir && strlen(d->name) == len && memcmp(d->name, name, len) == 0)
            return d;
    return NULL;
}

/* d (its name set) becomes dir's newest entry. */
void ramfs_dir_add(struct inode *dir, struct dirent_node *d)
{
    if (nentries >= nbuckets)
        grow(); /* no memory: the chains get longer */
    d->dir = dir;
    d->hash = name_hash(dir, d->name, strlen(d->name));
    if (dir->next_cookie < 2)
        dir->next_cookie = 2;
    d->cookie = dir->next_cookie++;
    d->next = NULL;
    d->prev = dir->last_child;
    if (dir->last_child)
        dir->last_child->next = d;
    else
        dir->children = d;
    dir->last_child = d;
    dir->nchildren++;
    d->hnext = buckets[d->hash & (nbuckets - 1)];
    buckets[d->hash & (nbuckets - 1)] = d;
    nentries++;
}

void ramfs_dir_del(struct inode *dir, struct dirent_node *d)
{
    if (d->prev)
        d->prev->next = d->next;
    else
        dir->children = d->next;
    if (d->next)
        d->next->prev = d->prev;
    else
        dir->last_child = d->prev;
    if (dir->rd_hint == d)
        dir->rd_hint = d->next; /* a reader that stopped at d goes on at the entry after it */
    if (--dir->nchildren == 0) {
        dir->next_cookie = 2;
        dir->rd_hint = NULL;
    }
    for (struct dirent_node **pp = &buckets[d->hash & (nbuckets - 1)]; *pp; pp = &(*pp)->hnext)
        if (*pp == d) {
            *pp = d->hnext;
            nentries--;
            return;
        }
}

/* The first entry of dir at offset pos or past it (NULL: the listing is over). */
struct dirent_node *ramfs_dir_seek(struct inode *dir, u64 pos)
{
    if (!dir->last_child || dir->last_child->cookie < pos)
        return NULL;
    struct dirent_node *d = dir->rd_hint;
    if (!d || (d->prev && d->prev->cookie >= pos))
        d = dir->children; /* not where the last listing stopped: from the start */
    while (d && d->cookie < pos)
        d = d->next;
    return d;
}

/* A listing stopped before d (NULL: at the end): the next one likely starts there. */
void ramfs_dir_stopped(struct inode *dir, struct dirent_node *d)
{
    dir->rd_hint = d;
}
