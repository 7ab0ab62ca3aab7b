/* tools/pack/key.c — the image cache: ${SKIFF_CACHE_DIR:-...}/KEY.cpio holds the packed root of a plan. The key
 * is a SHA-256 of the plan and, for every input it names (trees walked), the path, type, size, mtime (ns),
 * inode, device, mode and owner: an image is reused whenever no input changed, and any change to an input
 * (even one that keeps the size and mtime: a new inode, as package upgrades and cp make) packs afresh. The
 * small files tools/skiff generates for each run (@work/...: /etc/passwd ...) are new inodes every run, so
 * their content is hashed instead. cache_trim keeps the cache under a size, least recently used out first
 * (a hit touches its image). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pack.h"

static void key_stat(struct sha256 *s, const char *rel, const struct stat *st, const char *link)
{
    char line[8192];
    int n = snprintf(line, sizeof line, "%s\t%o\t%lld\t%lld.%09ld\t%llu\t%llu\t%u\t%u\t%s\n", rel,
                     (unsigned)st->st_mode, (long long)st->st_size, (long long)st->st_mtim.tv_sec,
                     st->st_mtim.tv_nsec, (unsigned long long)st->st_ino, (unsigned long long)st->st_dev,
                     (unsigned)st->st_uid, (unsigned)st->st_gid, link ? link : "");
    sha256_update(s, line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
}

static void key_content(struct sha256 *s, const char *path)
{
    char buf[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;
    while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
        sha256_update(s, buf, n);
    if (fd >= 0)
        close(fd);
}

/* A tree, sorted by name: the key must not depend on readdir's order. links: lstat (R) or stat (A). */
static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void key_tree(struct sha256 *s, const char *dir, const char *rel, bool links, int depth)
{
    DIR *d = depth < 64 ? opendir(dir) : NULL;
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap && !(names = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names))))
            exit(125);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), name_cmp);
    for (size_t i = 0; i < n; i++) {
        char *p = xasprintf("%s/%s", dir, names[i]), *r = xasprintf("%s/%s", rel, names[i]);
        struct stat st;
        char link[4096] = "";
        if ((links ? lstat(p, &st) : stat(p, &st)) == 0) {
            if (S_ISLNK(st.st_mode)) {
                ssize_t l = readlink(p, link, sizeof link - 1);
                link[l > 0 ? l : 0] = 0;
            }
            key_stat(s, r, &st, link);
            if (S_ISDIR(st.st_mode))
                key_tree(s, p, r, links, depth + 1);
        } else {
            sha256_update(s, r, strlen(r)); /* gone: still part of the key */
        }
        free(p);
        free(r);
        free(names[i]);
    }
    free(names);
}

static void key_input(struct sha256 *s, char op, const char *host, bool work)
{
    struct stat st;
    if (work) { /* its name is in the plan line; the work dir's own path is not part of the key */
        key_content(s, host);
        return;
    }
    if (stat(host, &st) != 0) {
        sha256_update(s, "?", 1);
        return;
    }
    key_stat(s, ".", &st, NULL);
    if (S_ISDIR(st.st_mode) && (op == 'R' || op == 'A'))
        key_tree(s, host, ".", op == 'R', 0);
}

int cache_key(const char *plan, const char *workdir, char *const extra[], int nextra, char out[33])
{
    FILE *fp = fopen(plan, "re");
    if (!fp) {
        pack_msg("%s: %s", plan, strerror(errno));
        return -1;
    }
    struct sha256 s;
    sha256_init(&s);
    for (int i = 0; i < nextra; i++) {
        sha256_update(&s, extra[i], strlen(extra[i]) + 1);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, fp)) > 0) {
        sha256_update(&s, line, len);
        if (line[len - 1] == '\n')
            line[len - 1] = 0;
        char *a = strchr(line, '\t'), *b = a ? strchr(a + 1, '\t') : NULL;
        if (!a || !b || !strchr("RAFEI", line[0]))
            continue;
        *b = 0;
        bool work = !strncmp(a + 1, "@work/", 6);
        char *host = work ? xasprintf("%s/%s", workdir, a + 7) : xstrdup(a + 1);
        key_input(&s, line[0], host, work);
        free(host);
    }
    free(line);
    fclose(fp);
    uint8_t h[32];
    sha256_final(&s, h);
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
    return 0;
}

struct cached {
    char *path;
    uint64_t size;
    struct timespec mtime;
};

static int newest_first(const void *a, const void *b)
{
    const struct cached *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
    return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : x->mtime.tv_nsec > y->mtime.tv_nsec ? -1 : 0;
}

int cache_trim(const char *dir, uint64_t max_bytes)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct cached *c = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        struct stat st;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        if (l > 5 && !strcmp(e->d_name + l - 5, ".cpio") && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            if (n == cap && !(c = realloc(c, (cap = cap ? cap * 2 : 16) * sizeof(*c))))
                exit(125);
            c[n++] = (struct cached){ p, (uint64_t)st.st_blocks * 512, st.st_mtim };
        } else {
            free(p);
        }
    }
    closedir(d);
    qsort(c, n, sizeof(*c), newest_first);
    uint64_t total = 0;
    bool full = false;
    for (size_t i = 0; i < n; i++) {
        total += c[i].size;
        full |= i > 0 && total > max_bytes; /* the newest (this run's) always stays; older ones go from here */
        if (full)
            unlink(c[i].path);
        free(c[i].path);
    }
    free(c);
    return 0;
}
