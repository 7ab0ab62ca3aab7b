/* syscalls/mseal.c — mseal(2) (Linux 6.10): a range of mappings sealed for the life of the address space. A
 * sealed area cannot be unmapped, moved or resized (mremap), have its protection changed (mprotect), be mapped
 * over (MAP_FIXED), nor have its pages thrown away by madvise where that would change what the program reads
 * (private anonymous memory it may not write); each of those fails with EPERM and changes nothing. exec starts
 * a new address space, unsealed; fork's copy keeps the seals. */
#include "syscalls.h"

#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_WIPEONFORK 18
#define MADV_DONTNEED_LOCKED 24

SYSCALL(mseal) /* (addr, len, flags) */
{
    u64 start = a0, len = ALIGN_UP(a1, PAGE_SIZE);
    if (a2 || (start % PAGE_SIZE) || len < a1 || start + len < start)
        return -EINVAL; /* no flag is defined yet */
    if (!len)
        return 0;
    struct vm_space *vs = current_vm();
    if (!vm_range_ok(start, len) || !vm_fully_mapped(vs, start, start + len))
        return -ENOMEM; /* a hole anywhere: nothing is sealed */
    return vm_set_flag(vs, start, start + len, VM_SEALED, true);
}

/* munmap, mremap, mprotect, mmap MAP_FIXED: does [start, end) touch a sealed area? */
bool mseal_blocks(struct vm_space *vs, u64 start, u64 end)
{
    return vm_flag_bytes(vs, start, end, VM_SEALED) != 0;
}

/* madvise: the advice values that discard pages (or their contents in a child) are refused on a sealed area of
 * private anonymous memory without PROT_WRITE, whose contents the program could not otherwise change. */
bool mseal_blocks_advice(struct vm_space *vs, u64 start, u64 end, int advice)
{
    if (advice != MADV_DONTNEED && advice != MADV_FREE && advice != MADV_REMOVE && advice != MADV_DONTFORK &&
        advice != MADV_WIPEONFORK && advice != MADV_DONTNEED_LOCKED)
        return false;
    for (struct vm_area *a = vs->areas; a && a->start < end; a = a->next)
        if (a->end > start && (a->flags & VM_SEALED) && !a->file && !(a->flags & VM_WRITE))
            return true;
    return false;
}
