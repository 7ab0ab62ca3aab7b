/* kernel/vm_remap.c — moving pages between addresses without copying them (mremap): the page table entries
 * move, the physical pages stay. */
#include "mm.h"
#include "errno.h"
#include "../arch/x86_64/arch.h"
#include "../arch/x86_64/smp.h"

/* Moves the pages present in [from, from + len) to [to, to + len); the target range must already be an
 * area of the right protection. The source entries are cleared, so unmapping the source frees nothing. */
struct move {
    struct vm_space *vs;
    u64 delta; /* to - from */
    int rc;
};

static void move_one(u64 *src, u64 va, void *ctx)
{
    struct move *m = ctx;
    u64 *dst = m->rc ? NULL : pt_walk(m->vs->pml4, va + m->delta, true);
    if (!dst) {
        m->rc = -ENOMEM;
        return;
    }
    *dst = *src;
    *src = 0;
    invlpg(va);
    invlpg(va + m->delta);
}

int vm_move_pages(struct vm_space *vs, u64 from, u64 to, u64 len)
{
    struct move m = { vs, to - from, 0 };
    pt_for_each(vs->pml4, from, from + len, move_one, &m);
    tlb_shootdown(vs, false); /* other CPUs running in vs */
    return m.rc;
}
