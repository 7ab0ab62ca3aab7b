/* tools/pack/ldcache.c — the host's /etc/ld.so.cache and /etc/ld.so.conf as glibc's ld.so reads them (ld.so(8),
 * ldconfig(8)). The cache is ldconfig's "glibc-ld.so.cache1.1" file: a 48-byte header, nlibs entries of 24
 * bytes, then the strings; an entry's key (soname) and value (path) are offsets from the file's start. ld.so
 * takes the entries whose flags say x86-64 libc6; entries for a glibc-hwcaps subdirectory (hwcap != 0) are
 * left out: the guest's CPU may not have the features they were built for, and ld.so falls back to the
 * baseline entry when they cannot be used. (The pre-2.32 "ld.so-1.7.0" format is not read: Debian's ldconfig
 * has written only the new one since bookworm; ld.so then searches the directories, as without a cache.) */
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pack.h"

struct ldcache {
    const uint8_t *map;
    size_t len;
    const struct ldcache_head *h;
    const struct ldcache_entry *e;
};

struct ldcache *ldcache_open(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    void *m = MAP_FAILED;
    if (fstat(fd, &st) == 0 && (size_t)st.st_size >= sizeof(struct ldcache_head))
        m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return NULL;
    const struct ldcache_head *h = m;
    size_t len = st.st_size;
    if (memcmp(h->magic, "glibc-ld.so.cache", 17) != 0 || memcmp(h->version, "1.1", 3) != 0 || h->flags != 2 ||
        h->nlibs > (len - sizeof(*h)) / sizeof(struct ldcache_entry)) {
        munmap(m, len);
        return NULL;
    }
    struct ldcache *c = xmalloc(sizeof(*c));
    *c = (struct ldcache){ m, len, h, (const struct ldcache_entry *)(h + 1) };
    return c;
}

/* The NUL-terminated string at off, or NULL when it runs out of the file. */
static const char *cache_str(const struct ldcache *c, uint32_t off)
{
    if (off >= c->len || !memchr(c->map + off, 0, c->len - off))
        return NULL;
    return (const char *)c->map + off;
}

const char *ldcache_entry_at(const struct ldcache *c, size_t i, const char **soname)
{
    if (i >= c->h->nlibs)
        return NULL;
    const struct ldcache_entry *e = &c->e[i];
    const char *k = cache_str(c, e->key), *v = cache_str(c, e->value);
    bool ok = (e->flags & 0xffff) == LDCACHE_FLAG_X8664 && e->hwcap == 0 && k && v;
    *soname = ok ? k : "";
    return ok ? v : "";
}

const char *ldcache_lookup(const struct ldcache *c, const char *soname, size_t *idx)
{
    for (; c && *idx < c->h->nlibs; (*idx)++) {
        const struct ldcache_entry *e = &c->e[*idx];
        if ((e->flags & 0xffff) != LDCACHE_FLAG_X8664 || e->hwcap != 0)
            continue;
        const char *k = cache_str(c, e->key), *v = cache_str(c, e->value);
        if (k && v && strcmp(k, soname) == 0) {
            (*idx)++;
            return v;
        }
    }
    return NULL;
}

void ldcache_close(struct ldcache *c)
{
    if (!c)
        return;
    munmap((void *)c->map, c->len);
    free(c);
}

/* ---- ld.so.conf: one directory per word (ldconfig also takes "dir=type": the "=..." is dropped), lines
 * "include GLOB..." relative to the including file's directory, '#' comments. Depth-limited against loops. */
static void conf_add(char **out, size_t *len, const char *dir)
{
    size_t n = strlen(dir);
    char *o = *out;
    /* each directory once, in the order first met */
    for (char *p = o; p && *p;) {
        char *e = strchr(p, ':');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && !memcmp(p, dir, n))
            return;
        p = e ? e + 1 : p + l;
    }
    o = realloc(o, *len + n + 2);
    if (!o)
        return;
    if (*len)
        o[(*len)++] = ':';
    memcpy(o + *len, dir, n + 1);
    *len += n;
    *out = o;
}

static void conf_read(const char *path, char **out, size_t *len, int depth)
{
    FILE *fp = depth < 8 ? fopen(path, "re") : NULL;
    if (!fp)
        return;
    char line[4096];
    while (fgets(line, sizeof line, fp)) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *save, *w = strtok_r(line, " \t\r\n", &save);
        if (!w)
            continue;
        if (strcmp(w, "include") == 0) {
            while ((w = strtok_r(NULL, " \t\r\n", &save))) {
                char pat[4096];
                const char *slash = strrchr(path, '/');
                if (w[0] == '/' || !slash)
                    snprintf(pat, sizeof pat, "%s", w);
                else
                    snprintf(pat, sizeof pat, "%.*s/%s", (int)(slash - path), path, w);
                glob_t g;
                if (glob(pat, 0, NULL, &g) == 0)
                    for (size_t i = 0; i < g.gl_pathc; i++)
                        conf_read(g.gl_pathv[i], out, len, depth + 1);
                globfree(&g);
            }
            continue;
        }
        for (; w; w = strtok_r(NULL, " \t\r\n", &save)) {
            char *eq = strchr(w, '=');
            if (eq)
                *eq = 0;
            if (w[0] == '/')
                conf_add(out, len, w);
        }
    }
    fclose(fp);
}

char *ldconf_dirs(const char *path)
{
    char *out = NULL;
    size_t len = 0;
    conf_read(path, &out, &len, 0);
    return out ? out : xstrdup("");
}
