/* fs/ramfs.c — the root filesystem: directories as lists of named entries (indexed: ramfs_dir.c), regular files as arrays of 4 KiB
 * pages (so files grow without copying and, later, map into programs page by page), symlinks as strings.
 * Pure data structures: this file also builds on the host for the unit tests. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"

#define PG 4096ull

struct inode *vfs_root;
static u64 next_ino = 1;
static struct super_block *root_sb;

/* nr_inodes= is a space of 1 KiB an inode, as Linux's tmpfs (BOGO_INODE_SIZE): inodes and extra links take
 * 1 KiB each, extended attributes their own size (fs/xattr.c), and statfs's f_ffree is what is left over 1 KiB. */
u64 ramfs_free_ispace(const struct super_block *sb)
{
    u64 used = sb->used_inodes * RAMFS_INODE_SPACE + sb->used_xattr, all = sb->max_inodes * RAMFS_INODE_SPACE;
    return used < all ? all - used : 0;
}

/* An inode's (or an extra link's) place under the filesystem's nr_inodes=: false when it is full. */
static bool charge_inode(struct super_block *sb)
{
    if (sb->max_inodes && ramfs_free_ispace(sb) < RAMFS_INODE_SPACE)
        return false;
    sb->used_inodes++;
    return true;
}

static void uncharge_inode(struct super_block *sb)
{
    if (sb->used_inodes)
        sb->used_inodes--;
}

static void uncharge_page(struct inode *ino)
{
    if (ino->sb && ino->sb->used_pages)
        ino->sb->used_pages--;
}

static struct inode *ramfs_alloc(struct super_block *sb, u32 mode)
{
    if (sb && !charge_inode(sb))
        return NULL; /* callers answer ENOSPC */
    struct inode *ino = kzalloc(sizeof(*ino));
    if (!ino) {
        if (sb)
            uncharge_inode(sb);
        return NULL;
    }
    ino->ino = next_ino++;
    ino->sb = sb;
    ino->iops = &ramfs_iops;
    ino->mode = mode;
    perm_init_owner(ino); /* pipes, sockets, memfds: the creator's; named files: see create_node */
    ino->atime = ino->mtime = ino->ctime = vfs_now();
    if (S_ISDIR(mode))
        ino->fops = &ramfs_dir_ops;
    else if (S_ISREG(mode))
        ino->fops = &ramfs_file_ops;
    else if ((mode & S_IFMT) == S_IFIFO)
        ino->fops = &fifo_ops;
    return ino;
}

/* Unnamed inodes (pipes, sockets, memfd) belong to the root filesystem. */
struct inode *ramfs_new_inode(u32 mode)
{
    return ramfs_alloc(root_sb, mode);
}

struct inode *ramfs_new_root(struct super_block *sb)
{
    struct inode *r = ramfs_alloc(sb, S_IFDIR | 01777);
    if (r) {
        r->nlink = 2;
        r->parent = r;
        r->refs = 1; /* the mount's */
    }
    return r;
}

/* Once the packed files are in: the root may grow into all the memory left but an eighth of it (at least
 * 8 MiB), kept for the processes and the kernel. A program that fills it gets ENOSPC rather than the OOM
 * killer (stress-ng's aiol and copy-file stressors were killed writing into /). Linux's tmpfs root stops at
 * half the memory; here the root is the program's disk, which the test suites' ELF mutants (~40 MB written
 * into /tmp of a VM sized for the packed files) showed half is too little for. */
void ramfs_root_cap(void)
{
    u64 free = pmm_free_pages(), keep = MAX(free / 8, 2048);
    root_sb->max_pages = root_sb->used_pages + (free > keep ? free - keep : 0);
}

void ramfs_init(void)
{
    ramfs_dir_init();
    root_sb = sb_new("tmpfs", "rootfs"); /* as the initramfs root is listed: a tmpfs */
    if (!root_sb)
        panic("no memory for the root filesystem");
    vfs_root = ramfs_alloc(root_sb, S_IFDIR | 0755);
    vfs_root->nlink = 2;
    vfs_root->parent = vfs_root;
    vfs_root->refs = 1;
    root_sb->root = vfs_root;
}

static void inode_free(struct inode *ino)
{
    fsnotify_gone(ino);
    for (u64 i = 0; i < ino->npages; i++)
        if (ino->pages[i]) {
            page_free(ino->pages[i]);
            uncharge_page(ino);
        }
    if (ino->sb)
        uncharge_inode(ino->sb);
    kfree(ino->pages);
    kfree(ino->target);
    xattr_ram_free(ino);
    acl_free(ino);
    kfree(ino);
}

void inode_get(struct inode *ino)
{
    ino->refs++;
}

/* A ramfs inode lives while it has a name (nlink) or a user (refs); other filesystems' inodes belong to
 * their superblock's cache (9pfs.c), so only the count changes. */
void inode_put(struct inode *ino)
{
    if (--ino->refs == 0 && ino->nlink == 0 && ino->iops == &ramfs_iops)
        inode_free(ino);
}

struct inode *ramfs_lookup(struct inode *dir, const char *name, size_t len)
{
    struct dirent_node *d = ramfs_dir_find(dir, name, len);
    return d ? d->inode : NULL;
}

static void attach(struct inode *dir, struct dirent_node *d, struct inode *child)
{
    d->inode = child;
    ramfs_dir_add(dir, d);
    child->nlink++;
    child->parent = dir; /* directories: for ".."; other files: the directory of their latest name (inotify) */
    if (S_ISDIR(child->mode)) {
        child->nlink++; /* its own "." */
        dir->nlink++;   /* its ".." */
    }
    dir->mtime = dir->ctime = vfs_now();
}

static struct dirent_node *dirent_alloc(const char *name)
{
    struct dirent_node *d = kmalloc(sizeof(*d));
    char *copy = kstrdup(name);
    if (!d || !copy) {
        kfree(d);
        kfree(copy);
        return NULL;
    }
    d->name = copy;
    return d;
}

int ramfs_link(struct inode *dir, const char *name, struct inode *child)
{
    /* a new node (devfs, procfs) joins its directory's filesystem and is counted there; a second name for
     * a file counts as one more inode (as Linux's tmpfs, so nr_inodes= also bounds the links) */
    bool moves = !child->nlink && child->sb != dir->sb;
    if ((moves || (child->nlink && !S_ISDIR(child->mode))) && !charge_inode(dir->sb))
        return -ENOSPC;
    struct dirent_node *d = dirent_alloc(name);
    if (!d) {
        if (moves || child->nlink)
            uncharge_inode(dir->sb);
        return -ENOSPC;
    }
    if (moves) { /* its pages (an O_TMPFILE file's data) are counted on the new filesystem from now on */
        u64 held = 0;
        for (u64 i = 0; i < child->npages; i++)
            held += child->pages[i] != NULL;
        if (child->sb) {
            uncharge_inode(child->sb);
            child->sb->used_pages -= MIN(held, child->sb->used_pages);
        }
        xattr_ram_move(child, dir->sb);
        child->sb = dir->sb;
        dir->sb->used_pages += held;
    }
    attach(dir, d, child);
    return 0;
}

/* Removes the entry only; the caller has checked the rules (directory empty, kinds match). */
static void detach(struct inode *dir, struct dirent_node *d)
{
    ramfs_dir_del(dir, d);
    struct inode *child = d->inode;
    if (child->nlink > 1 && !S_ISDIR(child->mode))
        uncharge_inode(dir->sb); /* an extra link's count (ramfs_link) */
    child->nlink--;
    if (!S_ISDIR(child->mode) && child->parent == dir)
        child->parent = NULL; /* a name elsewhere, or none: the directory may go away */
    if (S_ISDIR(child->mode)) {
        child->nlink--;
        dir->nlink--;
    }
    child->ctime = dir->mtime = dir->ctime = vfs_now();
    kfree(d->name);
    kfree(d);
    if (child->nlink == 0 && child->refs == 0)
        inode_free(child);
}

static struct dirent_node *find_entry(struct inode *dir, const char *name)
{
    return ramfs_dir_find(dir, name, strlen(name));
}

int ramfs_unlink(struct inode *dir, const char *name, bool want_dir)
{
    struct dirent_node *d = find_entry(dir, name);
    if (!d)
        return -ENOENT;
    bool is_dir = S_ISDIR(d->inode->mode);
    if (want_dir && !is_dir)
        return -ENOTDIR;
    if (!want_dir && is_dir)
        return -EISDIR;
    if (is_dir && d->inode->nchildren)
        return -ENOTEMPTY;
    detach(dir, d);
    return 0;
}

static bool is_ancestor(struct inode *a, struct inode *b)
{
    for (struct inode *p = b;; p = p->parent) {
        if (p == a)
            return true;
        if (p == p->parent)
            return false;
    }
}

/* RENAME_EXCHANGE: the two names swap their inodes, atomically (nothing here can fail half way). A directory
 * that changes parent moves its ".." link with it. */
static int ramfs_exchange(struct inode *odir, struct dirent_node *od, struct inode *ndir, struct dirent_node *nd)
{
    struct inode *a = od->inode, *b = nd->inode;
    if (a == b)
        return 0;
    if ((S_ISDIR(a->mode) && is_ancestor(a, ndir)) || (S_ISDIR(b->mode) && is_ancestor(b, odir)))
        return -EINVAL; /* one would end up inside itself */
    od->inode = b;
    nd->inode = a;
    if (odir != ndir) {
        int da = S_ISDIR(a->mode), db = S_ISDIR(b->mode);
        odir->nlink = odir->nlink - (u32)da + (u32)db;
        ndir->nlink = ndir->nlink - (u32)db + (u32)da;
    }
    if (S_ISDIR(a->mode) || a->parent == odir)
        a->parent = ndir;
    if (S_ISDIR(b->mode) || b->parent == ndir)
        b->parent = odir;
    a->ctime = b->ctime = odir->mtime = odir->ctime = ndir->mtime = ndir->ctime = vfs_now();
    return 0;
}

int ramfs_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname, unsigned flags)
{
    struct dirent_node *od = find_entry(odir, oname);
    if (!od)
        return -ENOENT;
    struct inode *src = od->inode;
    struct dirent_node *nd = find_entry(ndir, nname);
    if (flags & RENAME_EXCHANGE)
        return nd ? ramfs_exchange(odir, od, ndir, nd) : -ENOENT;
    if (nd && (flags & RENAME_NOREPLACE))
        return -EEXIST; /* even when both names are links to one inode, as Linux */
    if (nd && nd->inode == src)
        return 0;
    if (S_ISDIR(src->mode) && is_ancestor(src, ndir))
        return -EINVAL;
    if (nd) {
        bool ndir_is = S_ISDIR(nd->inode->mode);
        if (S_ISDIR(src->mode) && !ndir_is)
            return -ENOTDIR;
        if (!S_ISDIR(src->mode) && ndir_is)
            return -EISDIR;
        if (ndir_is && nd->inode->nchildren)
            return -ENOTEMPTY;
    }
    /* allocate first: nothing below can fail. RENAME_WHITEOUT leaves a character device 0:0 in the old
     * name's place, a new inode that a full filesystem refuses (ENOSPC) before anything moves */
    struct dirent_node *fresh = dirent_alloc(nname), *wd = NULL;
    struct inode *wh = NULL;
    if (fresh && (flags & RENAME_WHITEOUT) && (!(wd = dirent_alloc(oname)) ||
                                              !(wh = ramfs_alloc(odir->sb, S_IFCHR)))) {
        if (wd)
            kfree(wd->name);
        kfree(wd);
        kfree(fresh->name);
        kfree(fresh);
        return -ENOSPC;
    }
    if (!fresh)
        return -ENOSPC;
    inode_get(src); /* keep it alive while it has no name */
    if (nd)
        detach(ndir, nd);
    od = find_entry(odir, oname);
    detach(odir, od);
    attach(ndir, fresh, src);
    src->refs--;
    if (wh) {
        perm_new_inode(odir, wh);
        attach(odir, wd, wh);
    }
    return 0;
}

static struct inode *create_node(struct inode *dir, const char *name, u32 mode, int *err)
{
    if (ramfs_lookup(dir, name, strlen(name))) {
        *err = -EEXIST;
        return NULL;
    }
    struct inode *ino = ramfs_alloc(dir->sb, mode);
    if (!ino) {
        *err = -ENOSPC;
        return NULL;
    }
    perm_new_inode(dir, ino);
    acl_inherit(dir, ino); /* the directory's default ACL, if any */
    *err = ramfs_link(dir, name, ino);
    if (*err) {
        inode_free(ino);
        return NULL;
    }
    return ino;
}

struct inode *ramfs_create(struct inode *dir, const char *name, u32 mode, int *err)
{
    return create_node(dir, name, S_IFREG | (mode & 07777), err);
}

struct inode *ramfs_mkdir(struct inode *dir, const char *name, u32 mode, int *err)
{
    return create_node(dir, name, S_IFDIR | (mode & 07777), err);
}

struct inode *ramfs_symlink(struct inode *dir, const char *name, const char *target, int *err)
{
    char *t = kstrdup(target);
    if (!t) {
        *err = -ENOSPC;
        return NULL;
    }
    struct inode *ino = create_node(dir, name, S_IFLNK | 0777, err);
    if (!ino) {
        kfree(t);
        return NULL;
    }
    ino->target = t;
    ino->size = strlen(t);
    return ino;
}

ssize_t ramfs_pread(struct inode *ino, void *kbuf, size_t n, u64 off)
{
    if (off >= ino->size)
        return 0;
    n = MIN(n, ino->size - off);
    for (size_t done = 0; done < n;) {
        u64 pos = off + done, idx = pos / PG, in = pos % PG;
        size_t c = MIN(n - done, PG - in);
        if (idx < ino->npages && ino->pages[idx])
            memcpy((u8 *)kbuf + done, ino->pages[idx] + in, c);
        else
            memset((u8 *)kbuf + done, 0, c);
        done += c;
    }
    return n;
}

static int ensure_capacity(struct inode *ino, u64 pages)
{
    if (pages <= ino->npages)
        return 0;
    u64 cap = MAX(pages, ino->npages * 2);
    u8 **p = kzalloc(cap * sizeof(*p));
    if (!p)
        return -ENOSPC;
    if (ino->pages)
        memcpy(p, ino->pages, ino->npages * sizeof(*p));
    kfree(ino->pages);
    ino->pages = p;
    ino->npages = cap;
    return 0;
}

/* Room in the page array for a file of n pages, so that ramfs_set_page cannot fail. */
int ramfs_reserve_pages(struct inode *ino, u64 n)
{
    return ensure_capacity(ino, n);
}

/* Makes page (a kernel page nobody else uses: the initrd's, fs/cpio.c) the file's page idx, a hole until now;
 * the file frees it as one of its own. */
void ramfs_set_page(struct inode *ino, u64 idx, u8 *page)
{
    KASSERT(idx < ino->npages && !ino->pages[idx]);
    ino->pages[idx] = page;
    if (ino->sb)
        ino->sb->used_pages++;
}

/* The page holding file offset pos, allocated (zeroed) if it was a hole. */
u8 *ramfs_page(struct inode *ino, u64 pos)
{
    u64 idx = pos / PG;
    if (ensure_capacity(ino, idx + 1))
        return NULL;
    if (!ino->pages[idx]) {
        struct super_block *sb = ino->sb;
        if (sb && sb->max_pages && sb->used_pages >= sb->max_pages)
            return NULL; /* tmpfs size= */
        ino->pages[idx] = page_alloc();
        if (ino->pages[idx] && sb)
            sb->used_pages++;
    }
    return ino->pages[idx];
}

ssize_t ramfs_pwrite(struct inode *ino, const void *kbuf, size_t n, u64 off)
{
    size_t done = 0;
    while (done < n) {
        u64 pos = off + done, in = pos % PG;
        size_t c = MIN(n - done, PG - in);
        u8 *page = ramfs_page(ino, pos);
        if (!page)
            break; /* out of memory, or the filesystem's size= reached */
        memcpy(page + in, (const u8 *)kbuf + done, c);
        done += c;
    }
    if (off + done > ino->size)
        ino->size = off + done;
    if (done)
        ino->mtime = ino->ctime = vfs_now();
    return done ? (ssize_t)done : (n ? -ENOSPC : 0);
}

int ramfs_truncate(struct inode *ino, u64 size)
{
    u64 keep = (size + PG - 1) / PG;
    for (u64 i = keep; i < ino->npages; i++) {
        if (ino->pages[i]) {
            if (!ino->mapcount)
                page_free(ino->pages[i]); /* mapped pages stay alive (leaked) rather than dangle */
            ino->pages[i] = NULL;
            uncharge_page(ino);
        }
    }
    if (size % PG && keep <= ino->npages && ino->pages[keep - 1])
        memset(ino->pages[keep - 1] + size % PG, 0, PG - size % PG); /* a later extension reads zeros */
    ino->size = size;
    ino->mtime = ino->ctime = vfs_now();
    return 0;
}

/* ---- the inode operations table (vfs.h) ---- */

static int rf_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
    *out = ramfs_lookup(dir, name, len);
    return *out ? 0 : -ENOENT;
}

/* Any type: regular files, directories, FIFOs and socket names. */
static struct inode *rf_create(struct inode *dir, const char *name, u32 mode, int *err)
{
    return create_node(dir, name, mode, err);
}

/* Cookies: 0 ".", 1 "..", 2 + i the i-th entry in creation order. */
static int rf_readdir(struct inode *dir, struct dir_context *ctx)
{
    if (!vfs_emit_dots(dir, ctx))
        return 0;
    struct dirent_node *d = ramfs_dir_seek(dir, ctx->pos);
    for (; d; d = d->next)
        if (!ctx->emit(ctx, d->name, strlen(d->name), d->inode->ino, vfs_dtype(d->inode->mode), d->cookie + 1))
            break;
    ramfs_dir_stopped(dir, d);
    return 0;
}

static int rf_readlink(struct inode *ino)
{
    return ino->target ? 0 : -EINVAL;
}

static int rf_setattr(struct inode *ino, const struct iattr *ia)
{
    if (ia->valid & ATTR_SIZE)
        ramfs_truncate(ino, ia->size);
    if (ia->valid & ATTR_MODE)
        acl_chmod(ino, ia->mode); /* the ACL's owner, mask and other entries follow the mode */
    return 0; /* the generic fields are set by the VFS */
}

static u8 *rf_page(struct inode *ino, u64 pos)
{
    return ramfs_page(ino, pos);
}

const struct inode_ops ramfs_iops = {
    .lookup = rf_lookup, .create = rf_create, .symlink = ramfs_symlink, .link = ramfs_link,
    .unlink = ramfs_unlink, .rename = ramfs_rename, .readdir = rf_readdir, .readlink = rf_readlink,
    .setattr = rf_setattr, .kread = ramfs_pread, .page = rf_page, .getxattr = xattr_ram_get,
    .listxattr = xattr_ram_list, .setxattr = xattr_ram_set, .posix_acl = true,
};
