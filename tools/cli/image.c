/* tools/cli/image.c — the root image and the initrd. ${SKIFF_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/skiff}/
 * KEY.cpio holds a packed root without its cpio trailer, so that the run's own /.skiff files can simply follow
 * it; KEY covers the plan and the size, mtime, inode, mode and owner of every input (tools/pack/key.c) and this
 * program's own identity. --no-cache or SKIFF_NO_CACHE=1 bypass it; the most recently used images are kept up to
 * SKIFF_CACHE_MAX MiB (default 2048). Then the initrd: the root, /.skiff/{argv,env,cwd,mounts}, the trailer; and
 * the guest's memory, sized from what the root takes unpacked (tools/pack's reading of it with fs/cpio_parse.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

#define CACHE_MAX_MIB 2048
#define MEM_BASE_KIB 6144       /* the kernel, its page tables, allocator bitmap, stacks, a first process */
#define MEM_ENTRY_KIB 1         /* an inode, a directory entry and a page list, rounded up */
#define MEM_DEFAULT_KIB 131072  /* 128M: the least a run gets when --mem is not given */
#define MEM_HEADROOM_KIB 65536  /* over the root, for the program itself, when --mem is not given */

static char *cache_dir(void)
{
    const char *d = getenv("SKIFF_CACHE_DIR"), *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    if (d && *d)
        return xstrdup(d);
    if (x && *x)
        return xasprintf("%s/skiff", x);
    if (h && *h)
        return xasprintf("%s/.cache/skiff", h);
    return NULL;
}

static int mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = 0;
            if (mkdir(p, 0777) != 0 && errno != EEXIST)
                return free(p), -1;
            *s = '/';
        }
    }
    int rc = mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

/* This program's identity in the key: a new build of skiff (a new packer) packs afresh. */
static char *self_word(void)
{
    struct stat st;
    if (stat("/proc/self/exe", &st) != 0)
        return xstrdup("skiff-cli");
    return xasprintf("skiff-cli %lld %lld.%09ld %llu", (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                     st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
}

static void pack_into(struct run *r, const char *out)
{
    struct image *im = image_new();
    if (image_plan(im, r->plan_path, r->work) || pack_write_out(out, im, false, false, NULL))
        cli_exit(EX_FAIL);
}

void image_root(struct run *r)
{
    char key[33] = "", *cdir = NULL;
    const char *nc = getenv("SKIFF_NO_CACHE");
    if (!r->no_cache && !(nc && *nc) && (cdir = cache_dir())) {
        char *extra[] = { "skiff " SKIFF_VERSION, self_word() };
        if (cache_key(r->plan_path, r->work, extra, 2, key))
            key[0] = 0;
    }
    if (key[0]) {
        char *c = xasprintf("%s/%s.cpio", cdir, key);
        struct stat st;
        if (stat(c, &st) == 0 && S_ISREG(st.st_mode)) {
            if (r->verbose)
                cli_msg("initrd from the cache: %s", c);
            utimensat(AT_FDCWD, c, NULL, 0); /* the most recently used: trimmed last */
            r->root_cpio = c;
            return;
        }
        free(c);
    }
    r->root_cpio = xasprintf("%s/root.cpio", r->work);
    bool cached = false;
    if (key[0] && mkdir_p(cdir) == 0 && access(cdir, W_OK) == 0) {
        r->root_cpio = xasprintf("%s/%s.cpio", cdir, key);
        cached = true;
    }
    pack_into(r, r->root_cpio);
    if (cached) {
        if (r->verbose)
            cli_msg("initrd cached as %s", r->root_cpio);
        const char *m = getenv("SKIFF_CACHE_MAX");
        unsigned long long mib = m && *m ? strtoull(m, NULL, 10) : CACHE_MAX_MIB;
        cache_trim(cdir, mib * 1048576);
    }
}

static void put_file(const char *path, const char *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, data, n) != (ssize_t)n || close(fd) != 0)
        cli_fail(EX_FAIL, "cannot write /.skiff files");
}

/* NUL-terminated words, as the host interface says (docs/host-interface.md). */
static void put_words(const char *path, struct strv *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++)
        n += strlen(w->v[i]) + 1;
    char *buf = xmalloc(n), *p = buf;
    for (size_t i = 0; i < w->n; i++)
        p = (char *)memcpy(p, w->v[i], strlen(w->v[i]) + 1) + strlen(w->v[i]) + 1;
    put_file(path, buf, n);
    free(buf);
}

static int by_target(const void *a, const void *b)
{
    const struct volume *x = a, *y = b;
    int c = strcmp(x->guest, y->guest);
    return c ? c : strcmp(x->tag, y->tag);
}

/* /.skiff/mounts: per mount fstype (9p), source (the tag), target, options, each NUL-terminated; parents before
 * what is mounted inside them (sorted by target). No file when there is nothing to mount. */
static void put_mounts(struct run *r, const char *path)
{
    if (!r->nvols)
        return;
    struct volume v[sizeof r->vols / sizeof *r->vols];
    memcpy(v, r->vols, r->nvols * sizeof(*v));
    qsort(v, r->nvols, sizeof(*v), by_target);
    struct strv w = { 0 };
    for (int i = 0; i < r->nvols; i++) {
        strv_add(&w, "9p");
        strv_add(&w, v[i].tag);
        strv_add(&w, v[i].guest);
        strv_add(&w, v[i].mode);
    }
    put_words(path, &w);
}

void image_initrd(struct run *r)
{
    char *tail = xasprintf("%s/tail", r->work), *sk = xasprintf("%s/.skiff", tail);
    if ((mkdir(tail, 0755) != 0 && errno != EEXIST) || (mkdir(sk, 0755) != 0 && errno != EEXIST))
        cli_fail(EX_FAIL, "cannot write /.skiff files");
    struct strv argv = { 0 }, env = { 0 };
    strv_add(&argv, r->argv0);
    for (int i = 1; i < r->argc; i++)
        strv_add(&argv, r->argv[i]);
    char *p = xasprintf("%s/argv", sk);
    put_words(p, &argv);
    if (!env_user_has(r, "PATH"))
        strv_add(&env, "PATH=" DEFAULT_ENV_PATH);
    if (!env_user_has(r, "HOME"))
        strv_add(&env, "HOME=/root");
    if (!env_user_has(r, "TERM"))
        strv_addf(&env, "TERM=%s", term_name());
    if (!env_user_has(r, "LANG"))
        strv_add(&env, "LANG=C.UTF-8");
    for (size_t i = 0; i < r->env_user.n; i++)
        strv_add(&env, r->env_user.v[i]);
    p = xasprintf("%s/env", sk);
    put_words(p, &env);
    if (r->workdir) {
        p = xasprintf("%s/cwd", sk);
        put_file(p, r->workdir, strlen(r->workdir));
    }
    p = xasprintf("%s/mounts", sk);
    put_mounts(r, p);
    /* stdin is not packed: it streams through the skiff.stdin port (vm.c) */
    r->initrd = xasprintf("%s/initrd.cpio", r->work);
    struct image *im = image_new();
    im->no_root_entry = true; /* the tail adds to the root; "." is the root's own entry */
    if (image_add_tree(im, im->root, tail, true) || pack_write_out(r->initrd, im, true, false, r->root_cpio))
        cli_exit(EX_FAIL);
    struct stat st;
    r->initrd_size = stat(r->initrd, &st) == 0 ? st.st_size : 0;
}

/* Without --mem, enough for the root plus headroom (at least 128M, in steps of 16M); with --mem, a size the
 * root cannot fit in is refused before booting (instead of a kernel panic). */
void image_size_memory(struct run *r)
{
    long need;
    if (image_mem_kib(r->initrd, MEM_BASE_KIB, MEM_ENTRY_KIB, &need)) {
        if (!r->mem) /* as tools/skiff.sh: QEMU's own default then */
            r->mem = "";
        return;
    }
    long long packed = r->initrd_size / 1048576, need_m = (need + 1023) / 1024;
    if (r->mem) {
        if (r->mem_kib < need)
            cli_fail(EX_FAIL, "--mem %s is too small: this root (%lld MiB packed) does not fit in this VM's memory; "
                     "it needs --mem %lldM or more", r->mem, packed, need_m);
        return;
    }
    long kib = (need + MEM_HEADROOM_KIB + 16383) / 16384 * 16384;
    if (kib < MEM_DEFAULT_KIB)
        kib = MEM_DEFAULT_KIB;
    r->mem = xasprintf("%ldM", kib / 1024);
    if (r->verbose)
        cli_msg("memory: --mem %s (the root, %lld MiB packed, needs about %lldM; --mem chooses)", r->mem, packed,
                need_m);
}
