/* syscalls/syncrange.c — sync_file_range(2), as Linux does it for a filesystem with a page cache: it starts
 * (SYNC_FILE_RANGE_WRITE) and waits for (WAIT_BEFORE, WAIT_AFTER) the writeback of the range's dirty pages,
 * and promises nothing about metadata or the disk's cache (fsync does). Here the only dirty pages are those of
 * a host file's shared mappings (fs/9pfs_data.c), written back at once, so there is nothing left to wait for;
 * ramfs has no backing store at all. write(2) data is on the host when write returns. PostgreSQL calls it
 * (checkpoint_flush_after, initdb's sync) and warns when it is ENOSYS. */
#include "syscalls.h"

#define SFR_WAIT_BEFORE 1
#define SFR_WRITE 2
#define SFR_WAIT_AFTER 4
#define SFR_FLAGS (SFR_WAIT_BEFORE | SFR_WRITE | SFR_WAIT_AFTER)

/* The checks in Linux's order: the fd (EBADF, O_PATH too), the flags and the range (EINVAL: a negative offset
 * or length, or an end past the largest offset), then what the fd is (ESPIPE unless a regular file, a
 * directory, a symlink or a block device). nbytes 0 means to the end of the file. */
SYSCALL(sync_file_range)
{
    struct file *f = fd_file((int)a0);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    i64 off = (i64)a1, len = (i64)a2, end;
    u32 flags = (u32)a3; /* an unsigned int: the register's upper half is not the caller's */
    if (flags & ~(u32)SFR_FLAGS)
        return -EINVAL;
    if (off < 0 || len < 0 || __builtin_add_overflow(off, len, &end))
        return -EINVAL;
    u32 type = f->inode ? f->inode->mode & S_IFMT : 0;
    if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK && type != S_IFBLK)
        return -ESPIPE;
    if (!(flags & SFR_WRITE))
        return 0; /* waiting only: no writeback is ever in flight */
    return vfs_writeback(f->inode); /* the whole file's mapped pages: a superset of the range */
}
