/* kernel/pmm.c — physical page allocator: one bit per 4 KiB page (1 = in use). Pages start in use; the memory
 * map frees the usable ranges, then the kernel image and the initrd are reserved again. A rotating hint keeps
 * allocation O(1) on average; contiguous runs (large kmalloc) search from the hint. */
#include "mm.h"

static u64 *bitmap;        /* placed by the boot code in free RAM: max_pfn bits */
static u16 *extra_refs;    /* after the bitmap: owners beyond the first, per page (fork's shared pages) */
static u64 bitmap_pfns;    /* pages the bitmap covers */
static u64 total_pages, free_pages, max_pfn, hint;

static bool bit_used(u64 pfn) { return bitmap[pfn / 64] & (1ull << (pfn % 64)); }
static void bit_set(u64 pfn) { bitmap[pfn / 64] |= 1ull << (pfn % 64); }
static void bit_clear(u64 pfn) { bitmap[pfn / 64] &= ~(1ull << (pfn % 64)); }

u64 pmm_bitmap_bytes(u64 max_phys)
{
    u64 pfns = ALIGN_UP(max_phys / PAGE_SIZE, 64);
    return pfns / 8 + pfns * sizeof(u16);
}

void pmm_init(u64 max_phys, void *mem)
{
    bitmap = mem;
    bitmap_pfns = ALIGN_UP(max_phys / PAGE_SIZE, 64);
    memset(bitmap, 0xff, bitmap_pfns / 8);
    extra_refs = (u16 *)((u8 *)mem + bitmap_pfns / 8);
    memset(extra_refs, 0, bitmap_pfns * sizeof(u16));
}

void pmm_add_range(u64 start, u64 end)
{
    start = ALIGN_UP(start, PAGE_SIZE);
    end = MIN(ALIGN_DOWN(end, PAGE_SIZE), bitmap_pfns * PAGE_SIZE);
    for (u64 pfn = start / PAGE_SIZE; pfn < end / PAGE_SIZE;) {
        if (pfn % 64 == 0 && pfn + 64 <= end / PAGE_SIZE) { /* a whole word at once: the boot's bulk */
            u64 w = bitmap[pfn / 64], n = w == ~0ull ? 64 : 0;
            for (; w && n < 64; w &= w - 1)
                n++; /* the used bits, counted (no popcnt on every CPU) unless all are */
            bitmap[pfn / 64] = 0;
            free_pages += n;
            total_pages += n;
            pfn += 64;
            continue;
        }
        if (bit_used(pfn)) {
            bit_clear(pfn);
            free_pages++;
            total_pages++;
        }
        pfn++;
    }
    if (end / PAGE_SIZE > max_pfn)
        max_pfn = end / PAGE_SIZE;
}

void pmm_reserve_range(u64 start, u64 end)
{
    start = ALIGN_DOWN(start, PAGE_SIZE);
    end = MIN(ALIGN_UP(end, PAGE_SIZE), bitmap_pfns * PAGE_SIZE);
    for (u64 pfn = start / PAGE_SIZE; pfn < end / PAGE_SIZE; pfn++) {
        if (!bit_used(pfn)) {
            bit_set(pfn);
            free_pages--;
        }
    }
}

void pmm_free_range(u64 start, u64 end)
{
    start = ALIGN_UP(start, PAGE_SIZE);
    end = ALIGN_DOWN(end, PAGE_SIZE);
    for (u64 pa = start; pa < end; pa += PAGE_SIZE)
        pmm_free(pa);
}

u64 pmm_alloc_contig(size_t n)
{
    for (int pass = 0; pass < 2; pass++) {
        u64 from = pass ? 0 : hint, to = pass ? hint + n : max_pfn;
        u64 run = 0;
        for (u64 pfn = from; pfn < MIN(to, max_pfn); pfn++) {
            /* Skip whole words of used pages quickly. */
            if (run == 0 && pfn % 64 == 0 && bitmap[pfn / 64] == ~0ull) {
                pfn += 63;
                continue;
            }
            run = bit_used(pfn) ? 0 : run + 1;
            if (run == n) {
                u64 first = pfn + 1 - n;
                for (u64 p = first; p <= pfn; p++)
                    bit_set(p);
                free_pages -= n;
                hint = pfn + 1;
                return first * PAGE_SIZE;
            }
        }
    }
    return 0;
}

u64 pmm_alloc(void)
{
    return pmm_alloc_contig(1);
}

u64 pmm_alloc_zero(void)
{
    u64 pa = pmm_alloc();
    if (pa)
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

void pmm_free(u64 pa)
{
    u64 pfn = pa / PAGE_SIZE;
    KASSERT(pa % PAGE_SIZE == 0 && pfn < max_pfn);
    if (!bit_used(pfn))
        panic("double free of physical page %lx", pa);
    if (extra_refs[pfn]) {
        extra_refs[pfn]--; /* another address space still maps it */
        return;
    }
    bit_clear(pfn);
    free_pages++;
    if (pfn < hint)
        hint = pfn;
}

void pmm_share(u64 pa)
{
    u64 pfn = pa / PAGE_SIZE;
    KASSERT(pfn < max_pfn && bit_used(pfn) && extra_refs[pfn] < 0xffff);
    extra_refs[pfn]++;
}

bool pmm_shared(u64 pa)
{
    return extra_refs[pa / PAGE_SIZE] != 0;
}

void pmm_free_contig(u64 pa, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pmm_free(pa + i * PAGE_SIZE);
}

u64 pmm_total_pages(void) { return total_pages; }
u64 pmm_free_pages(void) { return free_pages; }
u64 pmm_max_phys(void) { return max_pfn * PAGE_SIZE; }
