/* kernel/vm_remap.c — moving pages between addresses without copying them (mremap): the page table entries
 * move, the physical pages stay. */
#include "mm.h"
#include "errno.h"
#include "../arch/x86_64/arch.h"

/* Moves the pages present in [from, from + len) to [to, to + len); the target range must already be an
 * area of the right protection. The source entries are cleared, so unmapping the source frees nothing. */
int vm_move_pages(struct vm_space *vs, u64 from, u64 to, u64 len)
{
    for (u64 off = 0; off < len; off += PAGE_SIZE) {
        u64 *src = pt_walk(vs->pml4, from + off, false);
        if (!src || !*src)
            continue;
        u64 *dst = pt_walk(vs->pml4, to + off, true);
        if (!dst)
            return -ENOMEM;
        *dst = *src;
        *src = 0;
        invlpg(from + off);
        invlpg(to + off);
    }
    return 0;
}
