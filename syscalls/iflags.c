/* syscalls/iflags.c — inode flags (chattr/lsattr: ioctl FS_IOC_GETFLAGS, FS_IOC_SETFLAGS) on the RAM
 * filesystems, which take what Linux's tmpfs takes: FS_APPEND_FL, FS_IMMUTABLE_FL, FS_NODUMP_FL and
 * FS_NOATIME_FL (others: EOPNOTSUPP). Only the owner (or CAP_FOWNER) sets them, and changing append-only or
 * immutable takes CAP_LINUX_IMMUTABLE (EPERM). What they forbid is checked where the VFS checks permissions
 * (fs/perm.c, vfs_truncate, fcntl F_SETFL); statx reports them as STATX_ATTR_* (syscalls/stat.c). */
#include "syscalls.h"

#define FS_IOC_GETFLAGS 0x80086601
#define FS_IOC_SETFLAGS 0x40086602
#define IFLAGS_TAKEN (FS_APPEND_FL | FS_IMMUTABLE_FL | FS_NODUMP_FL | FS_NOATIME_FL)

/* Files of a RAM filesystem other than /proc's (Linux's procfs has no flags): regular files, directories. */
bool iflags_supported(const struct inode *ino)
{
    return ino && ino->iops == &ramfs_iops && (S_ISREG(ino->mode) || S_ISDIR(ino->mode)) &&
           !(ino->sb && !strcmp(ino->sb->type->name, "proc"));
}

long iflags_ioctl(struct file *f, unsigned cmd, u64 arg)
{
    struct inode *ino = f->inode;
    if (!iflags_supported(ino))
        return f->ops && f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
    int fl;
    if (cmd == FS_IOC_GETFLAGS) {
        fl = (int)ino->iflags;
        return copy_to_user((void *)arg, &fl, sizeof(fl)) ? -EFAULT : 0;
    }
    if (vfs_readonly(ino))
        return -EROFS;
    if (copy_from_user(&fl, (void *)arg, sizeof(fl)))
        return -EFAULT;
    if (!perm_owner(ino))
        return -EPERM;
    if ((((u32)fl ^ ino->iflags) & (FS_APPEND_FL | FS_IMMUTABLE_FL)) && !capable(CAP_LINUX_IMMUTABLE))
        return -EPERM;
    if ((u32)fl & ~(u32)IFLAGS_TAKEN)
        return -EOPNOTSUPP;
    ino->iflags = (u32)fl;
    ino->ctime = vfs_now();
    return 0;
}

/* statx's stx_attributes and stx_attributes_mask for ino: the flags it can have and has. */
void iflags_statx(const struct inode *ino, u64 *attrs, u64 *mask)
{
    if (!iflags_supported(ino))
        return;
    *mask |= FS_IMMUTABLE_FL | FS_APPEND_FL | FS_NODUMP_FL; /* STATX_ATTR_*: the same bits */
    *attrs |= ino->iflags & (FS_IMMUTABLE_FL | FS_APPEND_FL | FS_NODUMP_FL);
}
