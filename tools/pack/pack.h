/* tools/pack/pack.h — skiff-pack, the packing half of tools/skiff in C (issue 13): the ELF dependency walk
 * (as glibc's and musl's ld.so search), the plan tools/skiff writes and this program carries out, the root
 * image as a cpio newc archive written directly, and the image cache's key. A host program on the host's libc
 * alone; it reads ELF headers with the kernel's own checks (loader/elf.c built for the host) and cpio archives
 * with the kernel's own reader (fs/cpio_parse.c).
 *
 * The plan (one step per line, tab-separated; tools/skiff's comment "the plan" is the reference):
 *   R DIR | I FILE | A HOST GUEST | F HOST GUEST | L GUEST TARGET | D GUEST MODE | E HOST GUEST | X GUEST
 * GUEST paths are relative to the root; HOST "@work/..." is a file tools/skiff generated in its work dir. */
#ifndef SKIFF_PACK_H
#define SKIFF_PACK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PACK_ME "skiff"

/* ---- small helpers (util.c) ---- */
void pack_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* "skiff: ..." on stderr */
char *xstrdup(const char *s);
void *xmalloc(size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A set of strings, each with a value: open addressing, grown at half full. */
struct strmap {
    char **keys;
    void **vals;
    size_t cap, n;
};
void **strmap_get(struct strmap *m, const char *key);                /* NULL when absent */
bool strmap_put(struct strmap *m, const char *key, void *val);       /* false if it was there (unchanged) */
/* ---- the ELF dynamic section (System V gABI "Dynamic Section"); the headers are loader/elf.h's ---- */
typedef struct {
    int64_t tag;
    uint64_t val;
} pack_elf_dyn;
_Static_assert(sizeof(pack_elf_dyn) == 16, "Elf64_Dyn");
#define PT_DYNAMIC 2
#define DT_NULL 0
#define DT_NEEDED 1
#define DT_STRTAB 5
#define DT_STRSZ 10
#define DT_SONAME 14
#define DT_RPATH 15
#define DT_RUNPATH 29

#define ELF_MAX_NEEDED 256

/* What ld.so reads of one object (elfdeps.c). */
struct elf_facts {
    bool elf;               /* an x86_64 ELF64 executable or shared object, headers sound */
    char *interp;           /* PT_INTERP, or NULL */
    char *rpath, *runpath;  /* DT_RPATH, DT_RUNPATH, or NULL */
    int nneeded;
    char *needed[ELF_MAX_NEEDED];
    bool bad_needed;        /* a DT_NEEDED no ld.so could look up (control bytes ...): a broken file */
};
/* Reads path's facts; false when it is not a sound x86_64 ELF (f->elf false, nothing allocated). */
bool elf_facts_read(const char *path, struct elf_facts *f);
void elf_facts_free(struct elf_facts *f);

/* ---- /etc/ld.so.cache, "glibc-ld.so.cache1.1" (ldcache.c) ---- */
/* ld.so.cache's header and entries as ldconfig writes them (glibc's elf/cache.c layout, read from its spec). */
struct ldcache_head {
    char magic[17];         /* "glibc-ld.so.cache" */
    char version[3];        /* "1.1" */
    uint32_t nlibs;
    uint32_t len_strings;
    uint8_t flags;          /* byte order: 2 little-endian */
    uint8_t pad[3];
    uint32_t extension_offset;
    uint32_t reserved[3];
};
_Static_assert(sizeof(struct ldcache_head) == 48, "ld.so.cache header");
struct ldcache_entry {
    int32_t flags;          /* FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 for x86-64 glibc libraries */
    uint32_t key, value;    /* offsets of the soname and the path from the file's start */
    uint32_t osversion;
    uint64_t hwcap;         /* 0: no glibc-hwcaps subdirectory */
};
_Static_assert(sizeof(struct ldcache_entry) == 24, "ld.so.cache entry");
#define LDCACHE_FLAG_X8664 0x0303

struct ldcache;
/* Loads a cache file: NULL when it is absent or not a cache1.1 file (ld.so then searches without it). */
struct ldcache *ldcache_open(const char *path);
/* The paths for soname, in the cache's order, one at a time: idx from 0; NULL past the last. */
const char *ldcache_lookup(const struct ldcache *c, const char *soname, size_t *idx);
/* Entry i as ld.so takes it: its path and *soname, "" for an entry ld.so-x86-64 skips; NULL past the last. */
const char *ldcache_entry_at(const struct ldcache *c, size_t i, const char **soname);
void ldcache_close(struct ldcache *c);
/* The directories an ld.so.conf names, includes followed, colon-separated (malloc'd; "" for none). */
char *ldconf_dirs(const char *path);

/* ---- the plan file and symlink-keeping staging (stage.c) ---- */
struct plan;
struct plan *plan_open(const char *path);   /* reads what is staged already; appends from now on */
void plan_close(struct plan *p);
void plan_add(struct plan *p, char op, const char *a, const char *b);
void plan_sync(struct plan *p);             /* flushes what was added to the file (exits 125 on an error) */
/* Plans host path (absolute) at the same guest path the way the host has it: every symlink on the way
 * becomes the same symlink (L), the file at the end F (a directory: A); links_only plans only the symlinks.
 * *real gets where it led (malloc'd). 0, or -1 after a message. */
int stage_path(struct plan *p, const char *path, bool links_only, char **real);
bool plan_staged(struct plan *p, const char *path);

/* ---- the dependency walk (walk.c) ---- */
struct walk_state {
    struct plan *plan;
    bool need_ld_cache, need_glibc_locale;
    char *musl_interp;
};
/* pack_deps FILE [main]: the interpreter and libraries FILE loads, transitively. 0 or -1. */
int walk_file(struct walk_state *w, const char *file, bool main_prog);
/* pack_tree_deps DIR [PRUNE]: the same for every ELF file under DIR (symlinks followed); broken ones are data. */
int walk_tree(struct walk_state *w, const char *dir, const char *prune);
void walk_done(void);

/* ---- the image: the plan carried out in memory (tree.c, image.c), written as cpio newc (image_write.c) ---- */
struct node {
    char *name;
    uint32_t mode;              /* S_IFDIR, S_IFREG or S_IFLNK and the permission bits */
    uint32_t uid, gid;
    int64_t mtime;
    uint64_t size;              /* a regular file's */
    char *src;                  /* a regular file's host path (NULL: data below), a symlink's target */
    const uint8_t *data;        /* a regular file from an --initrd archive: its bytes in the mapped archive */
    dev_t dev;                  /* the host file's, for hard links */
    ino_t ino;
    bool gone;                  /* replaced or removed: not written */
    struct node *parent;
    struct node **kids;         /* in the order added (replaced ones stay, gone) */
    size_t nkids, cap;
    struct strmap byname;       /* name -> the live child */
};
struct image {
    struct node *root;
    mode_t umask;
    bool as_root;               /* cp -p keeps owners only for root */
    bool no_root_entry;         /* write no "." entry (a tail appended to another root) */
};
struct stat;
struct image *image_new(void);
struct node *node_new(const char *name, uint32_t mode);
struct node *node_from_stat(struct image *im, const char *name, const char *src, const struct stat *st);
struct node *node_child(struct node *dir, const char *name);
void node_set(struct node *dir, struct node *k);
void node_remove(struct node *dir, const char *name);
/* The directory at guest path (symlinks followed inside the image), made when mkdirs; NULL if none. */
struct node *image_dir(struct image *im, const char *path, bool mkdirs);
struct node *image_parent(struct image *im, const char *guest, char **last);
struct node *image_lookup(struct image *im, const char *guest);
/* Carries out one plan file (workdir: what "@work/" means). 0, or -1 after a message. */
int image_plan(struct image *im, const char *plan, const char *workdir);
/* Adds the host tree dir at the directory node (cp -pPR when keep_links, else cp -pRL). 0 or -1. */
int image_add_tree(struct image *im, struct node *at, const char *dir, bool keep_links);
/* Adds the entries of the newc archive path (cpio -idm --no-absolute-filenames; kept mapped). 0 or -1. */
int image_add_cpio(struct image *im, const char *path);
/* Writes the image (no trailer when !trailer) to fd; hardlinks: files sharing a host inode become newc hard
 * links (skiff's own initrd reader does not take them yet: tools/skiff leaves this off). 0 or -1. */
int image_write(struct image *im, int fd, bool trailer, bool hardlinks, uint64_t *bytes);
/* Writes the image to out through a temporary file renamed at the end, after the trailer-less archive prefix
 * if not NULL (out.c). 0, or -1 after a message. pack_out_tmp: the temporary file being written, or "". */
int pack_write_out(const char *out, struct image *im, bool trailer, bool hardlinks, const char *prefix);
const char *pack_out_tmp(void);

struct cpio_out {
    int fd;
    uint64_t off;
    uint64_t base;          /* where in its file the archive began (after a --prefix root): for data alignment */
    uint32_t ino;           /* the next inode number given out */
    char *buf;
    size_t len, cap;
};
void cpio_out_init(struct cpio_out *o, int fd);
int cpio_out_header(struct cpio_out *o, const char *name, uint32_t ino, uint32_t mode, uint32_t uid,
                    uint32_t gid, uint32_t nlink, uint64_t mtime, uint64_t size);
int cpio_out_bytes(struct cpio_out *o, const void *data, size_t n);
int cpio_out_file(struct cpio_out *o, int src, uint64_t size);  /* size bytes of src from its offset 0 */
int cpio_out_pad(struct cpio_out *o);
int cpio_out_trailer(struct cpio_out *o);
int cpio_out_flush(struct cpio_out *o);

/* ---- the cache (key.c, sha256.c) ---- */
struct sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t n;
};
void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, uint8_t out[32]);
/* The key of the image a plan makes: the plan, extra words, and size, mtime, inode, mode and owner of every
 * input (trees walked). Hex, 32 characters, into out[33]. 0 or -1. */
int cache_key(const char *plan, const char *workdir, char *const extra[], int nextra, char out[33]);
/* Removes the least recently used *.cpio images of dir until they take at most max_bytes (keep: never the
 * newest one). */
int cache_trim(const char *dir, uint64_t max_bytes);

/* ---- the initrd's memory need (mem.c): fs/cpio_parse.c over the archive ---- */
int image_mem_kib(const char *path, long base_kib, long entry_kib, long *kib);

#endif
