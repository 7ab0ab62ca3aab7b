/* tools/pack/stage.c — the plan file, appended to, and tools/skiff's stage_path in C: a host path is planned
 * at the same guest path the way the host has it, each symlink met on the way (merged /usr: /lib -> usr/lib;
 * /lib64/ld-linux-x86-64.so.2 -> ...) kept as the same symlink, so the guest's ld.so opens what the host's
 * would. What the plan holds already (from tools/skiff or an earlier run of this program) counts as staged. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pack.h"

struct plan {
    FILE *fp;
    struct strmap staged; /* host paths planned: symlinks (L), files (F), trees (A) */
};

struct plan *plan_open(const char *path)
{
    struct plan *p = xmalloc(sizeof(*p));
    memset(p, 0, sizeof(*p));
    FILE *in = fopen(path, "re");
    if (in) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, in)) > 0) {
            if (line[n - 1] == '\n')
                line[n - 1] = 0;
            char *a = strchr(line, '\t'), *b = a ? strchr(a + 1, '\t') : NULL;
            if (!a || !b)
                continue;
            *b = 0;
            if (line[0] == 'L') {
                char *host = xasprintf("/%s", a + 1);
                strmap_put(&p->staged, host, NULL);
                free(host);
            } else if (line[0] == 'F' || line[0] == 'A') {
                strmap_put(&p->staged, a + 1, NULL);
            }
        }
        free(line);
        fclose(in);
    }
    p->fp = fopen(path, "ae");
    if (!p->fp) {
        pack_msg("%s: %s", path, strerror(errno));
        exit(125);
    }
    return p;
}

void plan_close(struct plan *p)
{
    if (fclose(p->fp) != 0) {
        pack_msg("cannot write the plan: %s", strerror(errno));
        exit(125);
    }
}

void plan_sync(struct plan *p)
{
    if (fflush(p->fp) != 0) {
        pack_msg("cannot write the plan: %s", strerror(errno));
        exit(125);
    }
}

void plan_add(struct plan *p, char op, const char *a, const char *b)
{
    fprintf(p->fp, "%c\t%s\t%s\n", op, a, b ? b : "");
}

bool plan_staged(struct plan *p, const char *path)
{
    return strmap_get(&p->staged, path) != NULL;
}

/* check_plan_path: a tab or newline would break the plan's fields. */
static int plan_path_ok(const char *s)
{
    if (strpbrk(s, "\t\n")) {
        pack_msg("paths with tabs are not supported: %s", s);
        return -1;
    }
    return 0;
}

/* One symlink met at next (absolute host path): planned as itself, then followed. rest is rewritten. */
static int follow_link(struct plan *p, const char *next, char **cur, char **rest)
{
    char target[PATH_MAX];
    ssize_t n = readlink(next, target, sizeof target - 1);
    if (n < 0) {
        pack_msg("%s: %s", next, strerror(errno));
        return -1;
    }
    target[n] = 0;
    if (plan_path_ok(target))
        return -1;
    if (strmap_put(&p->staged, next, NULL))
        plan_add(p, 'L', next + 1, target);
    char *r = **rest ? xasprintf("%s/%s", target[0] == '/' ? target + 1 : target, *rest)
                     : xstrdup(target[0] == '/' ? target + 1 : target);
    free(*rest);
    *rest = r;
    if (target[0] == '/')
        (*cur)[0] = 0;
    return 0;
}

/* The last component, not a symlink: planned as a file (F) or a tree (A). */
static int stage_end(struct plan *p, const char *orig, const char *next, bool links_only, char **real)
{
    struct stat st;
    if (stat(next, &st) != 0) {
        pack_msg("%s: No such file or directory", orig);
        return -1;
    }
    if (real)
        *real = xstrdup(next);
    if (links_only)
        return 0;
    if (strmap_put(&p->staged, next, NULL))
        plan_add(p, S_ISDIR(st.st_mode) ? 'A' : 'F', next, next + 1);
    return 0;
}

/* Moves the first component of rest (a relative path) into comp. */
static void take_comp(char *rest, char comp[NAME_MAX + 2])
{
    char *s = rest;
    while (*s == '/')
        s++;
    char *slash = strchr(s, '/');
    size_t cl = slash ? (size_t)(slash - s) : strlen(s);
    snprintf(comp, NAME_MAX + 2, "%.*s", (int)(cl < NAME_MAX + 1 ? cl : NAME_MAX + 1), s);
    const char *after = slash ? slash + 1 : s + cl;
    memmove(rest, after, strlen(after) + 1);
}

int stage_path(struct plan *p, const char *path, bool links_only, char **real)
{
    if (plan_path_ok(path))
        return -1;
    char *rest = xstrdup(path), *cur = xmalloc(PATH_MAX + 1), *next = xmalloc(2 * PATH_MAX + 2);
    int hops = 0, rc = -1;
    cur[0] = 0;
    while (rest[0]) {
        char comp[NAME_MAX + 2];
        take_comp(rest, comp);
        if (!comp[0] || !strcmp(comp, "."))
            continue;
        if (!strcmp(comp, "..")) {
            char *ls = strrchr(cur, '/');
            if (ls)
                *ls = 0;
            continue;
        }
        snprintf(next, 2 * PATH_MAX + 2, "%s/%s", cur, comp);
        struct stat st;
        if (lstat(next, &st) == 0 && S_ISLNK(st.st_mode)) {
            if (++hops > 40) {
                pack_msg("%s: too many levels of symbolic links", path);
                goto out;
            }
            if (follow_link(p, next, &cur, &rest))
                goto out;
        } else if (!rest[0]) {
            rc = stage_end(p, path, next, links_only, real);
            goto out;
        } else {
            snprintf(cur, PATH_MAX + 1, "%s", next);
        }
    }
    pack_msg("%s: cannot stage", path);
out:
    free(rest);
    free(cur);
    free(next);
    return rc;
}
