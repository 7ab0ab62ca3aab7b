/* test/unit/test_cpio.c — cpio_parse on an archive made by the real cpio tool, and on damaged copies of it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../fs/vfs.h"
#include "../../kernel/errno.h"

struct seen {
    int n;
    char names[16][64];
    unsigned modes[16];
    size_t sizes[16];
    char data[16][64];
};

static int collect(const struct cpio_entry *e, void *ctx)
{
    struct seen *s = ctx;
    if (s->n < 16) {
        snprintf(s->names[s->n], 64, "%.*s", (int)e->namelen, e->name);
        s->modes[s->n] = e->mode;
        s->sizes[s->n] = e->size;
        snprintf(s->data[s->n], 64, "%.*s", (int)(e->size < 63 ? e->size : 63), (const char *)e->data);
    }
    s->n++;
    return 0;
}

static int find(struct seen *s, const char *name)
{
    for (int i = 0; i < s->n && i < 16; i++)
        if (!strcmp(s->names[i], name))
            return i;
    return -1;
}

static unsigned char *make_archive(size_t *len)
{
    const char *cmd = "set -e; d=$(mktemp -d); cd $d; mkdir -p dir/sub; printf hello > dir/a.txt; "
                      "printf '' > empty; ln -s dir/a.txt link; chmod 0751 dir/sub; "
                      "find . | LC_ALL=C sort | cpio -o -H newc --quiet; cd /; rm -rf $d";
    FILE *p = popen(cmd, "r");
    unsigned char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, p);
    pclose(p);
    return buf;
}

/* One newc entry at off, its name padded with NULs to namesize (tools/pack aligns file data that way). */
static size_t put_entry(unsigned char *buf, size_t off, const char *name, size_t namesize, unsigned mode,
                        const unsigned char *data, size_t size)
{
    char h[111];
    snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u, mode, 0u, 0u, 1u, 0u,
             (unsigned)size, 0u, 0u, 0u, 0u, (unsigned)namesize, 0u);
    memcpy(buf + off, h, 110);
    memset(buf + off + 110, 0, namesize);
    memcpy(buf + off + 110, name, strlen(name));
    off = (off + 110 + namesize + 3) & ~(size_t)3;
    if (size)
        memcpy(buf + off, data, size);
    return (off + size + 3) & ~(size_t)3;
}

static unsigned char *claimed[8];
static int nclaimed;
static bool claim_all(const u8 *page)
{
    if (nclaimed < 8)
        claimed[nclaimed] = (unsigned char *)page;
    nclaimed++;
    return true;
}
static bool claim_none(const u8 *page) { (void)page; return false; }

static int names_len(const struct cpio_entry *e, void *ctx)
{
    if (!strncmp(e->name, "big", 3))
        *(size_t *)ctx = e->namelen;
    return 0;
}

/* A file whose data starts on a page boundary of the archive: its whole pages become the file's own pages
 * when the unpacker may claim them (fs/cpio.c), are copied when not; its last partial page is always a copy,
 * zero past the end of the file (not the next entry's bytes). */
static void test_inplace(void)
{
    static unsigned char data[2 * 4096 + 100], next[200];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)(i * 7 + 3);
    memset(next, 'N', sizeof(next));
    unsigned char *ar = aligned_alloc(4096, 5 * 4096);
    memset(ar, 0, 5 * 4096);
    size_t len = put_entry(ar, 0, "big", 4096 - 110, 0100644, data, sizeof(data));
    len = put_entry(ar, len, "next", 5, 0100644, next, sizeof(next));
    len = put_entry(ar, len, "TRAILER!!!", 11, 0, NULL, 0);
    size_t nl = 0;
    const char *err = "";
    CHECK(cpio_parse(ar, len, names_len, &nl, &err) == 0 && nl == 3, "a name padded with NULs reads as the name alone (%zu)",
          nl);

    CHECK(cpio_unpack_inplace(ar, len, &err, NULL, claim_none) == 0, "unpacks with nothing claimed (%s)", err);
    struct inode *big = ramfs_lookup(vfs_root, "big", 3);
    CHECK(big && big->size == sizeof(data) && big->pages[0] != ar + 4096, "nothing claimed: the pages are copies");

    nclaimed = 0;
    CHECK(cpio_unpack_inplace(ar, len, &err, NULL, claim_all) == 0, "unpacks claiming pages (%s)", err);
    big = ramfs_lookup(vfs_root, "big", 3);
    struct inode *nx = ramfs_lookup(vfs_root, "next", 4);
    CHECK(big && big->size == sizeof(data), "the file has its size");
    CHECK(nclaimed == 2 && claimed[0] == ar + 4096 && claimed[1] == ar + 2 * 4096, "its two whole pages claimed");
    CHECK(big && big->pages[0] == ar + 4096 && big->pages[1] == ar + 2 * 4096, "and used in place");
    CHECK(big && big->pages[2] && big->pages[2] != ar + 3 * 4096, "the last partial page is a copy");
    static unsigned char back[sizeof(data) + 50];
    CHECK(big && ramfs_pread(big, back, sizeof(back), 0) == (ssize_t)sizeof(data) && !memcmp(back, data, sizeof(data)),
          "the file reads back whole");
    int zero = big && big->pages[2];
    for (size_t i = 100; zero && i < 4096; i++)
        zero &= big->pages[2][i] == 0;
    CHECK(zero, "past its end the last page holds zeros, not the next entry");
    CHECK(nx && nx->size == sizeof(next) && ramfs_pread(nx, back, sizeof(next), 0) == (ssize_t)sizeof(next) &&
          back[0] == 'N' && back[sizeof(next) - 1] == 'N', "the next entry is intact");
    /* the ramfs owns ar's pages now: ar is never freed */
}

/* A path component longer than NAME_MAX is refused with its own message (it was created, under a name no
 * lookup could reach or remove); NAME_MAX itself is fine. */
static void test_long_name(void)
{
    static char name[2 * NAME_MAX];
    static unsigned char ar[4096];
    memset(name, 'n', NAME_MAX);
    strcpy(name + NAME_MAX, "/f");
    size_t len = put_entry(ar, 0, name, strlen(name) + 1, 0100644, (const unsigned char *)"x", 1);
    len = put_entry(ar, len, "TRAILER!!!", 11, 0, NULL, 0);
    const char *err = "";
    CHECK(cpio_unpack(ar, len, &err, NULL) == 0 && ramfs_lookup(vfs_root, name, NAME_MAX),
          "a %d-byte directory name unpacks (%s)", NAME_MAX, err);
    name[NAME_MAX] = 'n';
    strcpy(name + NAME_MAX + 1, "/f");
    len = put_entry(ar, 0, name, strlen(name) + 1, 0100644, (const unsigned char *)"x", 1);
    len = put_entry(ar, len, "TRAILER!!!", 11, 0, NULL, 0);
    int rc = cpio_unpack(ar, len, &err, NULL);
    CHECK(rc == -ENAMETOOLONG && strstr(err, "too long") && !ramfs_lookup(vfs_root, name, NAME_MAX + 1),
          "a %d-byte one is refused: %s", NAME_MAX + 1, err);
    name[NAME_MAX + 1] = 0;
    len = put_entry(ar, 0, name, strlen(name) + 1, 0100644, (const unsigned char *)"x", 1);
    len = put_entry(ar, len, "TRAILER!!!", 11, 0, NULL, 0);
    rc = cpio_unpack(ar, len, &err, NULL);
    CHECK(rc == -ENAMETOOLONG && !ramfs_lookup(vfs_root, name, NAME_MAX + 1), "so is a file's own: %s", err);
}

int main(void)
{
    ramfs_init();
    test_inplace();
    test_long_name();
    size_t len;
    unsigned char *ar = make_archive(&len);
    struct seen s = { 0 };
    const char *err = "";
    int rc = cpio_parse(ar, len, collect, &s, &err);
    CHECK(len > 0 && rc == 0, "parses an archive from cpio -H newc (%s)", rc ? err : "ok");
    /* GNU cpio stores "./dir/a.txt" as "dir/a.txt". */
    int a = find(&s, "dir/a.txt"), l = find(&s, "link"), d = find(&s, "dir/sub"), e = find(&s, "empty");
    CHECK(a >= 0 && s.sizes[a] == 5 && !strcmp(s.data[a], "hello"), "regular file name, size and data");
    CHECK(a >= 0 && S_ISREG(s.modes[a]), "regular file mode");
    CHECK(l >= 0 && S_ISLNK(s.modes[l]) && !strcmp(s.data[l], "dir/a.txt"), "symlink target is its data");
    CHECK(d >= 0 && S_ISDIR(s.modes[d]) && (s.modes[d] & 07777) == 0751, "directory with its permissions");
    CHECK(e >= 0 && s.sizes[e] == 0, "empty file");
    CHECK(find(&s, "TRAILER!!!") < 0, "the trailer is not reported as an entry");

    struct seen t = { 0 };
    rc = cpio_parse(ar, len - 200, collect, &t, &err);
    CHECK(rc == -1, "refuses a truncated archive: %s", err);
    unsigned char *bad = malloc(len);
    memcpy(bad, ar, len);
    memcpy(bad, "070707", 6);
    rc = cpio_parse(bad, len, collect, &t, &err);
    CHECK(rc == -1 && strstr(err, "magic"), "refuses old-format magic: %s", err);
    memcpy(bad, ar, len);
    bad[6 + 8 * 6] = 'z'; /* a non-hex digit in the filesize field */
    rc = cpio_parse(bad, len, collect, &t, &err);
    CHECK(rc == -1, "refuses a non-hex header field: %s", err);
    memcpy(bad, ar, len);
    memcpy(bad + 6 + 8 * 6, "7fffffff", 8); /* filesize far past the end */
    rc = cpio_parse(bad, len, collect, &t, &err);
    CHECK(rc == -1, "refuses data running past the end: %s", err);
    memcpy(bad, ar, len);
    memcpy(bad + 6 + 8 * 11, "00100000", 8); /* namesize far past the end */
    rc = cpio_parse(bad, len, collect, &t, &err);
    CHECK(rc == -1, "refuses a name running past the end: %s", err);
    rc = cpio_parse(ar, 50, collect, &t, &err);
    CHECK(rc == -1, "refuses a header cut short: %s", err);
    free(bad);
    free(ar);
    return unit_done();
}
