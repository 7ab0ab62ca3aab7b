/* fs/overlay.h — the overlay filesystem's own state, shared by fs/overlay.c (inodes, lookup, copy-up,
 * listing, data) and fs/overlay_ns.c (the namespace operations). The contract is at the top of overlay.c. */
#ifndef SKIFF_OVERLAY_H
#define SKIFF_OVERLAY_H
#include "vfs.h"

#define OVL_HASH 512
#define LOWER_BASE (1ull << 62)    /* readdir cookies at or above it are the lower layer's, offset */

struct ovl {                       /* inode->fs */
    struct inode *upper, *lower;
    bool opaque;                   /* directories: lower is not merged */
    struct inode *hnext;
};

struct ovl_sb {                    /* super_block->priv */
    struct super_block *upper_sb;
    struct inode *hash[OVL_HASH];  /* the inode cache: by upper inode once there is one, else by lower */
};

static inline struct ovl *ovl_of(struct inode *i) { return i->fs; }
static inline struct ovl_sb *ovl_sb_of(struct inode *i) { return i->sb->priv; }
static inline struct inode *ovl_layer(struct inode *i) { return ovl_of(i)->upper ? ovl_of(i)->upper : ovl_of(i)->lower; }
static inline bool ovl_is_whiteout(struct inode *u) { return u && S_ISCHR(u->mode) && u->rdev == 0; }

/* overlay.c */
void ovl_hash_del(struct ovl_sb *s, struct inode *ino);
void ovl_hash_add(struct ovl_sb *s, struct inode *ino);
void ovl_sync_attrs(struct inode *ino);
struct inode *ovl_get(struct super_block *sb, struct inode *upper, struct inode *lower, struct inode *parent,
                      const char *name, size_t len);
int ovl_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
int ovl_copy_up(struct inode *ino);
int ovl_copy_up_dir(struct inode *dir);
int ovl_readdir(struct inode *dir, struct dir_context *ctx);
/* overlay_ns.c */
struct inode *ovl_create(struct inode *dir, const char *name, u32 mode, int *err);
struct inode *ovl_symlink(struct inode *dir, const char *name, const char *target, int *err);
int ovl_link(struct inode *dir, const char *name, struct inode *target);
int ovl_unlink(struct inode *dir, const char *name, bool want_dir);
int ovl_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname, unsigned flags);

#endif
