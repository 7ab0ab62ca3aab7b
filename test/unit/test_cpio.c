/* test/unit/test_cpio.c — cpio_parse on an archive made by the real cpio tool, and on damaged copies of it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../fs/vfs.h"

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

int main(void)
{
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
