/* tools/pack/main.c — skiff-pack's commands, each one step of tools/skiff's packing path (the script calls
 * them; a user need not). Exit status 0, 125 on a failure (after a message: "skiff: ..."), 2 on bad usage.
 *
 *   deps PLAN [--main FILE | --file FILE | --tree DIR [--prune GLOB]]...
 *        plans (appends to PLAN) the interpreter and libraries each ELF FILE or every ELF file under DIR loads;
 *        prints what the run needs besides: "need_ld_cache", "need_glibc_locale", "musl_interp PATH"
 *   pack PLAN WORKDIR OUT [--trailer] [--hardlinks]
 *        writes the root the plan describes to OUT as newc cpio (without its trailer unless --trailer)
 *   initrd ROOT TAILDIR OUT   OUT = the trailer-less archive ROOT, TAILDIR's entries, the trailer
 *   key PLAN WORKDIR [WORD...]   the cache key of the plan's image (WORDs: the CLI's version and such)
 *   trim DIR MAXBYTES         least recently used images of the cache DIR out, down to MAXBYTES
 *   mem ARCHIVE BASE_KIB ENTRY_KIB   the memory (KiB) the archive's root takes in the guest
 * For the tests (test/pack/run.sh): "ldcache FILE" lists the x86-64 entries of an ld.so.cache as ld.so takes
 * them ("SONAME<TAB>PATH"), "sha256 FILE" prints the digest the cache key uses; SKIFF_LD_SO_CACHE,
 * SKIFF_LD_SO_CONF and SKIFF_LD_MUSL_PATH name other files than /etc's for the dependency walk. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pack.h"

#define EX_FAIL 125
#define EX_USAGE 2

static int usage(void)
{
    fprintf(stderr, "usage: skiff-pack deps|pack|initrd|key|trim|mem ... (see tools/pack/main.c)\n");
    return EX_USAGE;
}

static int cmd_deps(int argc, char **argv)
{
    if (argc < 1)
        return usage();
    struct walk_state w = { .plan = plan_open(argv[0]) };
    int rc = 0;
    for (int i = 1; !rc && i < argc; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc)
            return usage();
        const char *arg = argv[++i];
        if (!strcmp(opt, "--main") || !strcmp(opt, "--file")) {
            rc = walk_file(&w, arg, !strcmp(opt, "--main"));
        } else if (!strcmp(opt, "--tree")) {
            const char *prune = NULL;
            if (i + 2 < argc && !strcmp(argv[i + 1], "--prune")) {
                prune = argv[i + 2];
                i += 2;
            }
            rc = walk_tree(&w, arg, prune);
        } else {
            return usage();
        }
    }
    plan_close(w.plan);
    walk_done();
    if (w.need_ld_cache)
        printf("need_ld_cache\n");
    if (w.need_glibc_locale)
        printf("need_glibc_locale\n");
    if (w.musl_interp)
        printf("musl_interp %s\n", w.musl_interp);
    return rc ? EX_FAIL : 0;
}

static int write_out(const char *out, struct image *im, bool trailer, bool hardlinks, const char *prefix)
{
    return pack_write_out(out, im, trailer, hardlinks, prefix) ? EX_FAIL : 0;
}

static int cmd_pack(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    bool trailer = false, hardlinks = false;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--trailer"))
            trailer = true;
        else if (!strcmp(argv[i], "--hardlinks"))
            hardlinks = true;
        else
            return usage();
    }
    struct image *im = image_new();
    if (image_plan(im, argv[0], argv[1]))
        return EX_FAIL;
    return write_out(argv[2], im, trailer, hardlinks, NULL);
}

static int cmd_initrd(int argc, char **argv)
{
    if (argc != 3)
        return usage();
    struct image *im = image_new();
    im->no_root_entry = true; /* the tail adds to the root; "." is the root's own entry */
    if (image_add_tree(im, im->root, argv[1], true))
        return EX_FAIL;
    return write_out(argv[2], im, true, false, argv[0]);
}

static int cmd_key(int argc, char **argv)
{
    char key[33];
    if (argc < 2)
        return usage();
    if (cache_key(argv[0], argv[1], argv + 2, argc - 2, key))
        return EX_FAIL;
    printf("%s\n", key);
    return 0;
}

static int cmd_mem(int argc, char **argv)
{
    long kib;
    if (argc != 3)
        return usage();
    if (image_mem_kib(argv[0], atol(argv[1]), atol(argv[2]), &kib))
        return EX_FAIL;
    printf("%ld\n", kib);
    return 0;
}

static int cmd_ldcache(int argc, char **argv)
{
    struct ldcache *c = argc == 1 ? ldcache_open(argv[0]) : NULL;
    if (!c) {
        pack_msg("%s: not an ld.so.cache (glibc-ld.so.cache1.1)", argc == 1 ? argv[0] : "?");
        return EX_FAIL;
    }
    const char *soname, *path;
    for (size_t i = 0; (path = ldcache_entry_at(c, i, &soname)); i++)
        if (*path)
            printf("%s\t%s\n", soname, path);
    ldcache_close(c);
    return 0;
}

static int cmd_sha256(int argc, char **argv)
{
    FILE *fp = argc == 1 ? fopen(argv[0], "rb") : NULL;
    if (!fp)
        return usage();
    struct sha256 s;
    char buf[65536];
    size_t n;
    uint8_t h[32];
    sha256_init(&s);
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        sha256_update(&s, buf, n);
    fclose(fp);
    sha256_final(&s, h);
    for (int i = 0; i < 32; i++)
        printf("%02x", h[i]);
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    argc -= 2;
    argv += 2;
    if (!strcmp(cmd, "deps"))
        return cmd_deps(argc, argv);
    if (!strcmp(cmd, "pack"))
        return cmd_pack(argc, argv);
    if (!strcmp(cmd, "initrd"))
        return cmd_initrd(argc, argv);
    if (!strcmp(cmd, "key"))
        return cmd_key(argc, argv);
    if (!strcmp(cmd, "trim") && argc == 2)
        return cache_trim(argv[0], strtoull(argv[1], NULL, 10)) ? EX_FAIL : 0;
    if (!strcmp(cmd, "mem"))
        return cmd_mem(argc, argv);
    if (!strcmp(cmd, "ldcache"))
        return cmd_ldcache(argc, argv);
    if (!strcmp(cmd, "sha256"))
        return cmd_sha256(argc, argv);
    return usage();
}
