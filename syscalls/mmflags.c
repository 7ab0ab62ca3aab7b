/* syscalls/mmflags.c — the parts of mmap, madvise and mprotect that their flags and advice values add
 * (issue 16): MAP_32BIT placement, MAP_POPULATE/MAP_LOCKED and MADV_POPULATE_* prefaulting, MADV_REMOVE,
 * MADV_WIPEONFORK's restriction to private anonymous memory, and mprotect's PROT_GROWSDOWN/PROT_GROWSUP and
 * its EACCES for a shared mapping whose file was not opened for writing. */
#include "syscalls.h"

#define MADV_REMOVE 9
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#define PROT_WRITE 2
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000
#define LOW_2G (1ul << 31)

/* MAP_32BIT: a free range in the low 2 GiB (Linux looks from 1 GiB up): 0 when there is none. */
u64 mm_find_32bit(struct vm_space *vs, u64 len)
{
    for (u64 at = 1ul << 30; at + len <= LOW_2G; at += 16 * PAGE_SIZE)
        if (vm_find_free(vs, len, at) == at)
            return at;
    return 0;
}

/* Touch every page of [start, end) as its area allows (a write fault for private writable memory, which
 * then owns its page): what MAP_POPULATE, MAP_LOCKED and MADV_POPULATE_* ask for. */
void mm_populate(struct vm_space *vs, u64 start, u64 end, bool write)
{
    for (u64 va = start; va < end; va += PAGE_SIZE) {
        struct vm_area *a = vm_find(vs, va);
        const char *why;
        if (a && (a->flags & VM_PROT_MASK))
            vm_fault(vs, va, (write || ((a->flags & VM_WRITE) && !(a->flags & VM_SHARED))) ? VM_WRITE : VM_READ,
                     &why);
    }
}

/* Every area of [start, end): is each of them ok(area)? A hole gives ENOMEM (madvise's rule). */
static long each_area(struct vm_space *vs, u64 start, u64 end, u32 need_all, u32 need_none, long err)
{
    if (!vm_fully_mapped(vs, start, end))
        return -ENOMEM;
    for (u64 va = start; va < end;) {
        struct vm_area *a = vm_find(vs, va);
        if ((a->flags & need_all) != need_all || (a->flags & need_none) || ((need_none & VM_SHARED) && a->file))
            return err;
        va = a->end;
    }
    return 0;
}

/* Does [start, end) reach a file mapping's pages past the end of its file (whose access is SIGBUS)? */
static bool past_eof(struct vm_space *vs, u64 start, u64 end)
{
    for (u64 va = start; va < end;) {
        struct vm_area *a = vm_find(vs, va);
        u64 to = MIN(end, a->end);
        if (a->file && a->file_off + (to - a->start) > ALIGN_UP(a->file->size, PAGE_SIZE))
            return true;
        va = to;
    }
    return false;
}

/* MADV_REMOVE, as Linux's madvise_remove: a hole punched in the file behind a shared mapping that may be
 * written (the pages read as zeros afterwards, in every mapping); memory with no file behind it is EINVAL, a
 * private or read-only-opened file mapping EACCES, a file system that cannot punch holes (9p) EOPNOTSUPP. */
static long madv_remove(struct vm_space *vs, u64 start, u64 end)
{
    if (!vm_fully_mapped(vs, start, end))
        return -ENOMEM;
    for (u64 va = start; va < end;) {
        struct vm_area *a = vm_find(vs, va);
        if (!a->file)
            return -EINVAL;
        if (!(a->flags & VM_SHARED) || (a->flags & VM_NOMAYWRITE))
            return -EACCES;
        if (a->file->iops != &ramfs_iops)
            return -EOPNOTSUPP;
        va = a->end;
    }
    for (u64 va = start; va < end;) {
        struct vm_area *a = vm_find(vs, va);
        u64 to = MIN(end, a->end), off = a->file_off + (va - a->start);
        long rc = zero_range(a->file, off, off + (to - va));
        if (rc)
            return rc;
        va = to;
    }
    return 0;
}

/* The advice values that do more than advise; *handled says whether advice was one of them. */
long mm_madvise(struct vm_space *vs, u64 start, u64 len, int advice, bool *handled)
{
    u64 end = start + len;
    long rc;
    *handled = true;
    switch (advice) {
    case MADV_POPULATE_READ:
    case MADV_POPULATE_WRITE:
        /* an access the protection refuses (PROT_NONE, or reading write-only memory) is EINVAL; one that would
         * be SIGBUS (a file's pages past its end) EFAULT, as Linux's madvise_populate maps them */
        rc = each_area(vs, start, end, advice == MADV_POPULATE_WRITE ? VM_WRITE : VM_READ, 0, -EINVAL);
        if (!rc && past_eof(vs, start, end))
            rc = -EFAULT;
        if (!rc)
            mm_populate(vs, start, end, advice == MADV_POPULATE_WRITE);
        return rc;
    case MADV_REMOVE:
        return madv_remove(vs, start, end);
    case MADV_WIPEONFORK:
    case MADV_KEEPONFORK: /* private anonymous memory only (a shared or file mapping: EINVAL) */
        return each_area(vs, start, end, 0, VM_SHARED, -EINVAL);
    default:
        *handled = false;
        return 0;
    }
}

/* What mprotect refuses before changing anything: PROT_GROWSUP (no area grows up on x86_64), PROT_GROWSDOWN
 * on an area that does not grow down, PROT_WRITE on a shared mapping of a file opened read-only (EACCES). */
long mm_mprotect_check(struct vm_space *vs, u64 start, u64 len, u32 prot)
{
    if (prot & PROT_GROWSUP)
        return -EINVAL;
    for (u64 va = start; va < start + len;) {
        struct vm_area *a = vm_find(vs, va);
        if (!a)
            return 0; /* the hole is vm_protect's ENOMEM */
        if ((prot & PROT_GROWSDOWN) && !(a->flags & (VM_GROWSDOWN | VM_STACK)))
            return -EINVAL;
        if ((prot & PROT_WRITE) && (a->flags & VM_SHARED) && (a->flags & VM_NOMAYWRITE))
            return -EACCES;
        if ((prot & VM_EXEC) && (a->flags & VM_NOMAYEXEC))
            return -EACCES;
        va = a->end;
    }
    return 0;
}

/* Adds flags to the areas of [start, start + len) (a mapping just made: they are its own). */
void mm_mark(struct vm_space *vs, u64 start, u64 len, u32 flags)
{
    for (struct vm_area *a = vm_find(vs, start); a && a->start < start + len; a = a->next)
        a->flags |= flags;
}
