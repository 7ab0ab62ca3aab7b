/* fs/nsfs.c — what /proc/PID/ns/<name> lead to, as Linux's nsfs: one inode per namespace, its inode number the
 * namespace's (readlink shows "uts:[4026531838]", and stat of the followed link gives that st_ino), on a
 * superblock of its own that is never mounted. Made on first use; a namespace that goes away forgets its
 * inode (nsfs_forget). Opened, such a file reads nothing (EINVAL), as Linux's, and answers the NS_GET_* ioctls
 * (ioctl_ns(2)): its type, its owning user namespace (the first: skiff has no others) and that one's owner.
 * Syscall context only. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"

#define NS_GET_USERNS 0xb701
#define NS_GET_PARENT 0xb702
#define NS_GET_NSTYPE 0xb703
#define NS_GET_OWNER_UID 0xb704
#define USER_INUM 0xeffffffdu /* Linux's PROC_USER_INIT_INO */

static struct inode *ns_root;

/* What kind of namespace an inode stands for: its CLONE_NEW* flag, in priv. */
static u64 ns_type(const char *kind)
{
    return !strcmp(kind, "uts") ? CLONE_NEWUTS : !strcmp(kind, "user") ? CLONE_NEWUSER : CLONE_NEWNS;
}

static ssize_t ns_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)f, (void)ubuf, (void)n, (void)off;
    return -EINVAL;
}

static long ns_ioctl(struct file *f, unsigned cmd, u64 arg)
{
    u64 type = (u64)f->inode->priv;
    switch (cmd) {
    case NS_GET_NSTYPE:
        return (long)type;
    case NS_GET_USERNS: {
        struct inode *u = nsfs_inode("user", USER_INUM);
        struct file *uf = u ? file_open_inode(u, O_RDONLY) : NULL;
        if (!uf)
            return -ENOMEM;
        int fd = fd_install(current_proc()->fdt, uf, 0, true);
        if (fd < 0)
            file_put(uf);
        return fd;
    }
    case NS_GET_PARENT: /* the first user namespace has none the caller may see; the others are not nested */
        return type == CLONE_NEWUSER ? -EPERM : -EINVAL;
    case NS_GET_OWNER_UID: {
        if (type != CLONE_NEWUSER)
            return -EINVAL;
        u32 uid = 0;
        return copy_to_user((void *)arg, &uid, sizeof(uid)) ? -EFAULT : 0;
    }
    default:
        return -ENOTTY;
    }
}

static const struct file_ops ns_ops = { .read = ns_read, .ioctl = ns_ioctl };

static void ns_name(char *buf, size_t size, const char *kind, u32 inum)
{
    ksnprintf(buf, size, "%s:[%u]", kind, inum);
}

struct inode *nsfs_inode(const char *kind, u32 inum)
{
    if (!ns_root) {
        struct super_block *sb = sb_new("nsfs", "nsfs");
        ns_root = sb ? ramfs_new_root(sb) : NULL;
        if (!ns_root)
            return NULL;
        sb->root = ns_root;
    }
    char name[48];
    ns_name(name, sizeof(name), kind, inum);
    struct inode *ino = ramfs_lookup(ns_root, name, strlen(name));
    if (ino)
        return ino;
    ino = ramfs_new_inode(S_IFREG | 0444);
    if (!ino)
        return NULL;
    if (ramfs_link(ns_root, name, ino)) {
        inode_get(ino);
        inode_put(ino); /* never linked: this frees it */
        return NULL;
    }
    ino->ino = inum;
    ino->fops = &ns_ops;
    ino->priv = (void *)ns_type(kind);
    return ino;
}

void nsfs_forget(const char *kind, u32 inum)
{
    char name[48];
    ns_name(name, sizeof(name), kind, inum);
    if (ns_root && ramfs_lookup(ns_root, name, strlen(name)))
        ramfs_unlink(ns_root, name, false);
}
