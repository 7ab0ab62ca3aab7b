/* kernel/vmap.c — kernel memory that is contiguous in virtual addresses only: single physical pages mapped
 * side by side in the vmap area (as Linux's vmalloc), so large kmalloc blocks and kernel stacks never need a
 * physically contiguous run that fragmentation may have made rare. Each block is preceded by an unmapped
 * guard page: a stack overflow or an overrun of the block before it faults instead of corrupting memory.
 * Device memory (DMA) must not come from here: virt_to_phys is meaningless for these addresses. */
#include "mm.h"

#define VMAP_PAGES (1ull << 18)   /* 1 GiB of address space */

static u64 used[VMAP_PAGES / 64]; /* one bit per page of the area; touched only from process context */
static u64 hint;

static bool va_used(u64 i) { return used[i / 64] & (1ull << (i % 64)); }
static void va_mark(u64 first, u64 n, bool on)
{
    for (u64 i = first; i < first + n; i++)
        used[i / 64] = on ? used[i / 64] | (1ull << (i % 64)) : used[i / 64] & ~(1ull << (i % 64));
}

/* n free pages of the area (next fit from the hint): their index, or ~0 */
static u64 va_alloc(u64 n)
{
    for (int pass = 0; pass < 2; pass++) {
        u64 run = 0, from = pass ? 0 : hint, to = pass ? MIN(hint + n, VMAP_PAGES) : VMAP_PAGES;
        for (u64 i = from; i < to; i++) {
            run = va_used(i) ? 0 : run + 1;
            if (run == n) {
                va_mark(i + 1 - n, n, true);
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
        u64 pa = paging_unmap_kernel(va + i * PAGE_SIZE);
        if (pa)
            pmm_free(pa);
    }
    va_mark((va - VMAP_BASE) / PAGE_SIZE - 1, pages + 1, false); /* with its guard page */
}

/* pages pages, mapped read-write (not zeroed), or NULL when the memory or the area has run out */
void *vmap_alloc(size_t pages)
{
    u64 idx = va_alloc(pages + 1);
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
