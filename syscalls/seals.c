/* syscalls/seals.c — file seals (memfd_create(2), fcntl(2) F_ADD_SEALS/F_GET_SEALS): a memfd made with
 * MFD_ALLOW_SEALING takes seals that forbid, for good, shrinking (F_SEAL_SHRINK), growing (F_SEAL_GROW),
 * writing (F_SEAL_WRITE; F_SEAL_FUTURE_WRITE: no new writes, mappings made before may still write) and adding
 * more seals (F_SEAL_SEAL). The seals live in the inode (inode->seals, SEALS_SEALABLE marks a memfd: every
 * other file says EINVAL, as Linux's filesystems without seal support do). */
#include "syscalls.h"

#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x01
#define F_SEAL_SHRINK 0x02
#define F_SEAL_GROW 0x04
#define F_SEAL_WRITE 0x08
#define F_SEAL_FUTURE_WRITE 0x10
#define F_SEAL_EXEC 0x20
#define SEALS_ALL (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC)
/* inode->seals: a memfd made with MFD_HUGETLB, a hugetlbfs file on Linux. skiff keeps no huge page pool (as a
 * Linux whose vm.nr_hugepages is 0): such a file has a size in whole 2 MiB pages, reads as zeros, cannot be
 * written with write(2) (hugetlbfs has no write: EINVAL) and cannot be mapped (no page to reserve: ENOMEM). */
#define SEALS_HUGETLB 0x40000000u
#define HUGE_PAGE (2ul << 20)

/* memfd_create: a memfd without MFD_ALLOW_SEALING is sealed against seals; MFD_NOEXEC_SEAL adds F_SEAL_EXEC. */
void seals_init_memfd(struct inode *ino, bool allow, bool noexec, bool hugetlb)
{
    ino->seals = SEALS_SEALABLE | (allow || noexec ? 0 : F_SEAL_SEAL) | (noexec ? F_SEAL_EXEC : 0) |
                 (hugetlb ? SEALS_HUGETLB : 0);
}

/* F_ADD_SEALS and F_GET_SEALS; 1 when cmd is neither (the caller goes on). */
long seals_fcntl(struct file *f, int cmd, u64 arg, bool *handled)
{
    *handled = cmd == F_ADD_SEALS || cmd == F_GET_SEALS;
    if (!*handled)
        return 0;
    struct inode *ino = f->inode;
    if (cmd == F_ADD_SEALS && (f->flags & O_ACCMODE) == O_RDONLY)
        return -EPERM; /* Linux checks the fd's write access first */
    if (!ino || !(ino->seals & SEALS_SEALABLE))
        return -EINVAL;
    u32 have = ino->seals & ~(SEALS_SEALABLE | SEALS_HUGETLB);
    if (cmd == F_GET_SEALS)
        return have;
    if (arg & ~(u64)SEALS_ALL)
        return -EINVAL;
    if (have & F_SEAL_SEAL)
        return -EPERM;
    /* shared mappings may write to the pages behind any write(2) check: F_SEAL_WRITE waits until there are
     * none (skiff counts every shared mapping, writable or not) */
    if ((arg & F_SEAL_WRITE) && !(have & F_SEAL_WRITE) && ino->mapcount > 0)
        return -EBUSY;
    ino->seals |= (u32)arg;
    return 0;
}

/* A write of count bytes at pos (write, pwrite, writev): EPERM when a seal forbids it. */
long seals_check_write(struct inode *ino, u64 pos, u64 count)
{
    u32 s = ino ? ino->seals : 0;
    if (s & SEALS_HUGETLB)
        return -EINVAL; /* even of 0 bytes: a file that cannot be written at all */
    if (!(s & SEALS_SEALABLE) || !count)
        return 0;
    if (s & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
        return -EPERM;
    if ((s & F_SEAL_GROW) && pos + count > ino->size)
        return -EPERM;
    return 0;
}

/* ftruncate/truncate/fallocate to size: EPERM when it shrinks under F_SEAL_SHRINK or grows under F_SEAL_GROW. */
long seals_check_size(struct inode *ino, u64 size)
{
    u32 s = ino ? ino->seals : 0;
    if (!(s & SEALS_SEALABLE))
        return 0;
    if ((s & SEALS_HUGETLB) && (size % HUGE_PAGE))
        return -EINVAL; /* hugetlbfs sizes are whole huge pages, checked before the seals */
    if (((s & F_SEAL_SHRINK) && size < ino->size) || ((s & F_SEAL_GROW) && size > ino->size))
        return -EPERM;
    return 0;
}

/* mmap: a shared writable mapping of a file sealed against writes is refused (EPERM); a hugetlb memfd has no
 * page to map (ENOMEM). */
long seals_check_map(struct inode *ino, bool shared, bool writable)
{
    u32 s = ino ? ino->seals : 0;
    if (s & SEALS_HUGETLB)
        return -ENOMEM;
    if ((s & SEALS_SEALABLE) && shared && writable && (s & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
        return -EPERM;
    return 0;
}

/* A memfd made with MFD_HUGETLB (mmap's MAP_HUGETLB accepts its files only). */
bool seals_hugetlb(const struct inode *ino)
{
    return ino && (ino->seals & SEALS_HUGETLB);
}
