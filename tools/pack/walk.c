/* tools/pack/walk.c — packing a dynamic program packs what ld.so will load, found the way ld.so finds it
 * (ld.so(8)), from the ELF headers alone (the program is never run, unlike ldd): PT_INTERP, then DT_NEEDED,
 * transitively, each searched in DT_RPATH (the object's, then the program's; neither when the object has
 * DT_RUNPATH), DT_RUNPATH, the host's ld.so.cache, the directories of /etc/ld.so.conf, then the default ones,
 * with $ORIGIN, $LIB and $PLATFORM expanded. musl programs (interpreter ld-musl-*) search
 * /etc/ld-musl-x86_64.path or /lib:/usr/local/lib:/usr/lib, and their libc.so is the interpreter itself.
 * LD_LIBRARY_PATH is not used: the guest's environment does not carry the host's. A library that cannot be
 * found is reported, not fatal: the program may never load it (dlopen, lazy), and ld.so's own message in the
 * guest is clearer if it does. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pack.h"

#define GLIBC_DEFAULT_DIRS "/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/usr/lib64:/lib:/usr/lib"
#define MUSL_DEFAULT_DIRS "/lib:/usr/local/lib:/usr/lib"
#define MUSL_PATH_FILE "/etc/ld-musl-x86_64.path"

enum kind { GLIBC, MUSL };
enum how { NOT_FOUND, BY_PATH, BY_INTERP, BY_RPATH, BY_RUNPATH, BY_CACHE, BY_CONF, BY_DEFAULT };

struct queued {
    enum kind kind;
    char *obj;
    struct queued *next;
};

static struct strmap facts_memo;   /* path -> struct elf_facts * */
static struct strmap scanned;      /* "KIND<TAB>PATH" read already */
static struct strmap missing;      /* library names reported missing */
static struct ldcache *cache;
static bool cache_tried;
static char *conf_dirs, *musl_dirs;
static struct queued *queue, **queue_end = &queue;

/* Per walk: the program's own search path, which applies to every library it loads. */
static char *main_rpath, *main_runpath;

/* The host's loader files; the tests point them elsewhere (test/pack/run.sh). */
static const char *host_file(const char *env, const char *path)
{
    const char *e = getenv(env);
    return e && *e ? e : path;
}

static const struct elf_facts *facts(const char *path)
{
    void **v = strmap_get(&facts_memo, path);
    if (v)
        return *v;
    struct elf_facts *f = xmalloc(sizeof(*f));
    elf_facts_read(path, f);
    strmap_put(&facts_memo, path, f);
    return f;
}

/* A library ld.so would take: a regular file (through symlinks) that is an x86-64 ELF object. */
static bool usable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && facts(path)->elf;
}

static bool is_dst(const char *s, const char *name, size_t *len)
{
    size_t n = strlen(name);
    if (s[0] == '{' && !strncmp(s + 1, name, n) && s[1 + n] == '}') {
        *len = n + 2;
        return true;
    }
    if (!strncmp(s, name, n) && !(s[n] == '_' || (s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
                                  (s[n] >= '0' && s[n] <= '9'))) {
        *len = n;
        return true;
    }
    return false;
}

/* $ORIGIN, $LIB and $PLATFORM (also ${...}) substituted as ld.so does; malloc'd. */
static char *expand_dst(const char *list, const char *origin)
{
    size_t cap = strlen(list) * 4 + strlen(origin) * 8 + 64, n = 0;
    char *out = xmalloc(cap);
    for (const char *s = list; *s;) {
        size_t len;
        const char *with = NULL;
        if (*s == '$' && is_dst(s + 1, "ORIGIN", &len))
            with = origin;
        else if (*s == '$' && is_dst(s + 1, "LIB", &len))
            with = "lib/x86_64-linux-gnu";
        else if (*s == '$' && is_dst(s + 1, "PLATFORM", &len))
            with = "x86_64";
        if (with) {
            size_t wl = strlen(with);
            if (n + wl + 1 >= cap)
                out = realloc(out, cap = (n + wl) * 2 + 64);
            memcpy(out + n, with, wl);
            n += wl;
            s += 1 + len;
        } else {
            if (n + 2 >= cap)
                out = realloc(out, cap *= 2);
            out[n++] = *s++;
        }
    }
    out[n] = 0;
    return out;
}

/* The first usable DIR/NAME for DIR in the colon-separated dirs; malloc'd, or NULL. */
static char *find_in_dirs(const char *name, const char *dirs)
{
    for (const char *d = dirs; d && *d;) {
        const char *e = strchr(d, ':');
        size_t l = e ? (size_t)(e - d) : strlen(d);
        if (l) {
            char *p = xasprintf("%.*s/%s", (int)l, d, name);
            if (usable(p))
                return p;
            free(p);
        }
        d = e ? e + 1 : d + l;
    }
    return NULL;
}

static char *musl_search_dirs(void)
{
    if (musl_dirs)
        return musl_dirs;
    FILE *fp = fopen(host_file("SKIFF_LD_MUSL_PATH", MUSL_PATH_FILE), "re");
    if (!fp)
        return musl_dirs = xstrdup(MUSL_DEFAULT_DIRS);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = 0;
    for (char *c = buf; *c; c++)
        if (*c == '\n')
            *c = ':'; /* the file separates by newlines or colons */
    return musl_dirs = xstrdup(buf);
}

static char *search_cache(const char *name)
{
    if (!cache_tried) {
        cache_tried = true;
        cache = ldcache_open(host_file("SKIFF_LD_SO_CACHE", "/etc/ld.so.cache"));
        conf_dirs = ldconf_dirs(host_file("SKIFF_LD_SO_CONF", "/etc/ld.so.conf"));
    }
    size_t idx = 0;
    for (const char *p; (p = ldcache_lookup(cache, name, &idx));)
        if (usable(p))
            return xstrdup(p);
    return NULL;
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Where ld.so finds name for obj (with facts f); *how says how (NOT_FOUND: nowhere). */
static char *resolve(const char *name, const char *obj, const struct elf_facts *f, enum kind k,
                     const char *musl_interp, enum how *how)
{
    struct stat st;
    char *found = NULL, *origin = xstrdup(obj);
    char *o = dirname(origin);
    *how = NOT_FOUND;
    if (strchr(name, '/')) {
        *how = stat(name, &st) == 0 && S_ISREG(st.st_mode) ? BY_PATH : NOT_FOUND;
        found = *how ? xstrdup(name) : NULL;
    } else if (k == MUSL && (!strcmp(name, "libc.so") || !strcmp(name, "libc.musl-x86_64.so.1") ||
                             (musl_interp && !strcmp(name, base(musl_interp))))) {
        *how = BY_INTERP;
    } else {
        char *x;
        if (!f->runpath && f->rpath && (found = find_in_dirs(name, x = expand_dst(f->rpath, o)), free(x), found))
            *how = BY_RPATH;
        else if (!f->runpath && !main_runpath && main_rpath && (found = find_in_dirs(name, main_rpath)))
            *how = BY_RPATH; /* the loaders' DT_RPATH too, but only for an object without DT_RUNPATH */
        else if (f->runpath && (found = find_in_dirs(name, x = expand_dst(f->runpath, o)), free(x), found))
            *how = BY_RUNPATH;
        else if (k == MUSL)
            *how = (found = find_in_dirs(name, musl_search_dirs())) ? BY_DEFAULT : NOT_FOUND;
        else if ((found = search_cache(name)))
            *how = BY_CACHE;
        else if ((found = find_in_dirs(name, conf_dirs)))
            *how = BY_CONF;
        else if ((found = find_in_dirs(name, GLIBC_DEFAULT_DIRS)))
            *how = BY_DEFAULT;
    }
    free(origin);
    return found;
}

/* ld.so looks in these without its cache: a library found elsewhere through the cache needs the cache. */
static bool in_default_dir(const char *path)
{
    static const char *dirs[] = { "/lib/x86_64-linux-gnu/", "/usr/lib/x86_64-linux-gnu/", "/lib/", "/usr/lib/" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        size_t n = strlen(dirs[i]);
        if (!strncmp(path, dirs[i], n) && !strchr(path + n, '/'))
            return true;
    }
    return false;
}

static void enqueue(enum kind k, const char *obj)
{
    struct queued *q = xmalloc(sizeof(*q));
    *q = (struct queued){ k, xstrdup(obj), NULL };
    *queue_end = q;
    queue_end = &q->next;
}

/* need_lib: stage the library name that obj needs and queue it to be read in turn. */
static int need_lib(struct walk_state *w, const char *name, const char *obj, const struct elf_facts *f, enum kind k)
{
    enum how how;
    char *found = resolve(name, obj, f, k, w->musl_interp, &how), *real = NULL;
    int rc = 0;
    if (how == BY_INTERP)
        return 0;
    if (!found) {
        if (strmap_put(&missing, name, NULL))
            pack_msg("warning: %s (needed by %s) not found on this host", name, obj);
        return 0;
    }
    if (!plan_staged(w->plan, found)) {
        rc = stage_path(w->plan, found, false, &real);
        if (!rc && (how == BY_CACHE || how == BY_CONF) && !in_default_dir(real))
            w->need_ld_cache = true;
        if (!rc)
            enqueue(k, found);
    }
    free(real);
    free(found);
    return rc;
}

static int drain(struct walk_state *w)
{
    while (queue) {
        struct queued *q = queue;
        queue = q->next;
        if (!queue)
            queue_end = &queue;
        char *key = xasprintf("%d\t%s", q->kind, q->obj);
        int rc = 0;
        if (strmap_put(&scanned, key, NULL)) {
            const struct elf_facts *f = facts(q->obj);
            for (int i = 0; !rc && f->elf && i < f->nneeded; i++)
                rc = need_lib(w, f->needed[i], q->obj, f, q->kind);
        }
        free(key);
        free(q->obj);
        free(q);
        if (rc)
            return -1;
    }
    return 0;
}

static bool interp_ok(const char *interp)
{
    struct stat st;
    return interp[0] == '/' && stat(interp, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_musl(const char *interp)
{
    const char *b = base(interp);
    return interp != b && !strncmp(b, "ld-musl-", 8);
}

/* stage_interp: the ELF interpreter, and what its kind needs. */
static int stage_interp(struct walk_state *w, const char *interp)
{
    if (plan_staged(w->plan, interp))
        return 0;
    if (stage_path(w->plan, interp, false, NULL))
        return -1;
    if (is_musl(interp)) {
        free(w->musl_interp);
        w->musl_interp = xstrdup(interp);
    } else {
        w->need_glibc_locale = true;
    }
    return 0;
}

int walk_file(struct walk_state *w, const char *file, bool main_prog)
{
    const struct elf_facts *f = facts(file);
    if (!f->elf || f->bad_needed)
        return 0; /* not a (sound) x86-64 ELF object: data */
    if (main_prog) {
        char real[PATH_MAX];
        char *o = realpath(file, real) ? dirname(real) : ".";
        free(main_rpath);
        main_rpath = f->rpath ? expand_dst(f->rpath, o) : NULL;
        main_runpath = f->runpath;
    }
    if (f->interp) {
        /* A broken ELF file (an interpreter that is not a file here: garbage, or another system's) is data:
         * packed as it is, nothing more; for PROGRAM, execve's ENOENT will say it in the guest. */
        if (!interp_ok(f->interp)) {
            if (main_prog) {
                char *shown = xstrdup(f->interp);
                for (char *c = shown; *c; c++)
                    if ((unsigned char)*c < 0x20 || *c == 0x7f)
                        *c = '?'; /* a garbled file's bytes are not for the terminal */
                pack_msg("warning: %s: its ELF interpreter %s is not on this host", file, shown);
                free(shown);
            }
            return 0;
        }
        if (stage_interp(w, f->interp))
            return -1;
    }
    enqueue(f->interp && is_musl(f->interp) ? MUSL : GLIBC, file);
    return drain(w);
}

void walk_done(void)
{
    ldcache_close(cache);
}
