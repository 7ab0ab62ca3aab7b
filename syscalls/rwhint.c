/* syscalls/rwhint.c — write-life hints (fcntl(2) F_GET_RW_HINT/F_SET_RW_HINT): a 64-bit RWH_WRITE_LIFE_* value
 * the program gives through a pointer, kept in the inode so that every open file of it reads it back, as Linux
 * (which passes it to the block layer; skiff's filesystems live in memory or on the host, where it changes
 * nothing). Values past RWH_WRITE_LIFE_EXTREME are EINVAL; a bad pointer EFAULT. The per-file variants
 * F_GET_FILE_RW_HINT/F_SET_FILE_RW_HINT were removed from Linux (5.17): EINVAL, like any unknown command. */
#include "syscalls.h"

#define F_GET_RW_HINT 1035
#define F_SET_RW_HINT 1036
#define RWH_WRITE_LIFE_EXTREME 5

long rwhint_fcntl(struct file *f, int cmd, u64 arg)
{
    struct inode *ino = f->inode;
    u64 hint;
    if (cmd == F_GET_RW_HINT) {
        hint = ino ? ino->write_hint : 0;
        return copy_to_user((void *)arg, &hint, sizeof(hint));
    }
    if (copy_from_user(&hint, (const void *)arg, sizeof(hint)))
        return -EFAULT;
    if (hint > RWH_WRITE_LIFE_EXTREME || !ino)
        return -EINVAL;
    ino->write_hint = (u8)hint;
    return 0;
}
