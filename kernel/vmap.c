/* kernel/vmap.c — kernel memory that is contiguous in virtual addresses only: single physical pages mapped
 * side by side in the vmap area (as Linux's vmalloc), so large kmalloc blocks and kernel stacks never need a
 * physically contiguous run that fragmentation may have made rare. Each block is preceded by an unmapped
 * guard page: a stack overflow or an overrun of the block before it faults instead of corrupting memory.
 * Device memory (DMA) must not come from here: virt_to_phys is meaningless for these addresses.
 *
 * With several CPUs a freed block's addresses are not reused at once: another CPU may still hold their old
 * translations (the entries are global), and a TLB shootdown that waits for every CPU on each free (four per
 * kernel stack, so per ended thread) cost most of a fork+exec+wait at 2 vCPUs. Its pages go back at once (no
 * code on any CPU uses the freed addresses any more, so a stale entry is never followed), the addresses wait
 * in `stale` until one shootdown for all of them (vmap_purge: when VMAP_LAZY_MAX pages wait, or when an
 * allocation finds no room), as Linux's lazy vunmap does. */
#include "mm.h"
#include "../arch/x86_64/arch.h"
#include "../arch/x86_64/smp.h"

#define VMAP_PAGES (1ull << 18)   /* 1 GiB of address space */

#define VMAP_LAZY_MAX 4096       /* freed pages (guards included) whose addresses wait for one shootdown */

static u64 used[VMAP_PAGES / 64]; /* one bit per page of the area; touched only from process context */
static u64 stale[VMAP_PAGES / 64]; /* freed, still used: other CPUs may hold their translations */
static u64 nstale, hint;

static bool va_used(u64 i) { return used[i / 64] & (1ull << (i % 64)); }
static void va_mark(u64 *map, u64 first, u64 n, bool on)
{
    for (u64 i = first; i < first + n; i++)
        map[i / 64] = on ? map[i / 64] | (1ull << (i % 64)) : map[i / 64] & ~(1ull << (i % 64));
}

/* Every CPU's TLB forgets the stale addresses, which may then be handed out again. */
static void vmap_purge(void)
{
    if (!nstale)
        return;
    tlb_shootdown(NULL, false); /* every CPU: the kernel half is shared */
    for (u64 i = 0; i < VMAP_PAGES / 64; i++) {
        used[i] &= ~stale[i];
        stale[i] = 0;
    }
    nstale = 0;
}

/* n free pages of the area (next fit from the hint): their index, or ~0 */
static u64 va_alloc(u64 n)
{
    for (int pass = 0; pass < 2; pass++) {
        u64 run = 0, from = pass ? 0 : hint, to = pass ? MIN(hint + n, VMAP_PAGES) : VMAP_PAGES;
        for (u64 i = from; i < to; i++) {
            run = va_used(i) ? 0 : run + 1;
            if (run == n) {
                va_mark(used, i + 1 - n, n, true);
                hint = i + 1;
                return i + 1 - n;
            }
        }
    }
    return ~0ull;
}

bool vmap_contains(const void *p)
{
    return (u64)p >= VMAP_BASE && (u64)p < VMAP_BASE + VMAP_PAGES * PAGE_SIZE;
}

void vmap_free(void *p, size_t pages)
{
    u64 va = (u64)p;
    KASSERT(vmap_contains(p) && va % PAGE_SIZE == 0);
    for (size_t i = 0; i < pages; i++) {
        u64 pa = paging_unmap_kernel(va + i * PAGE_SIZE); /* this CPU's TLB entry dropped */
        if (pa)
            pmm_free(pa);
    }
    u64 first = (va - VMAP_BASE) / PAGE_SIZE - 1; /* with its guard page */
    if (!smp_active) {
        va_mark(used, first, pages + 1, false);
        return;
    }
    va_mark(stale, first, pages + 1, true);
    nstale += pages + 1;
    if (nstale >= VMAP_LAZY_MAX)
        vmap_purge();
}

/* pages pages, mapped read-write (not zeroed), or NULL when the memory or the area has run out */
void *vmap_alloc(size_t pages)
{
    u64 idx = va_alloc(pages + 1);
    if (idx == ~0ull && nstale) {
        vmap_purge();
        idx = va_alloc(pages + 1);
    }
    if (idx == ~0ull)
        return NULL;
    u64 va = VMAP_BASE + (idx + 1) * PAGE_SIZE;
    for (size_t i = 0; i < pages; i++) {
        u64 pa = pmm_alloc();
        if (!pa || paging_map_kernel(va + i * PAGE_SIZE, pa)) {
            if (pa)
                pmm_free(pa);
            vmap_free((void *)va, pages); /* unmaps what was mapped */
            return NULL;
        }
    }
    return (void *)va;
}
