/* arch/x86_64/paging.c — the kernel's own page tables, replacing the boot stub's: a direct map of all
 * physical memory (and the low 4 GiB of MMIO) at DIRECT_MAP with 2 MiB pages, no-execute; the kernel image at
 * KERNEL_VMA with 4 KiB pages and the permissions of each section (text RX, rodata R, data RW), supervisor
 * only. The identity map is gone afterwards: the lower half belongs to the program. */
#include "arch.h"
#include "smp.h"
#include "../../kernel/mm.h"

u64 pte_nx;
static u64 *kernel_pml4;

extern char __text_start[], __text_end[], __rodata_end[], __kernel_end[];

static u64 *table_alloc(void)
{
    u64 pa = pmm_alloc_zero();
    if (!pa)
        panic("out of memory for page tables");
    return phys_to_virt(pa);
}

static u64 *next_level(u64 *table, int idx, bool create, u64 flags)
{
    if (!(table[idx] & PTE_P)) {
        if (!create)
            return NULL;
        u64 pa = pmm_alloc_zero();
        if (!pa)
            return NULL;
        table[idx] = pa | flags;
    }
    return phys_to_virt(table[idx] & PTE_ADDR);
}

u64 *pt_walk(u64 *pml4, u64 va, bool create)
{
    u64 flags = PTE_P | PTE_W | (va < USER_TOP ? PTE_U : 0);
    u64 *t = pml4;
    for (int shift = 39; shift > 12; shift -= 9) {
        t = next_level(t, (va >> shift) & 511, create, flags);
        if (!t)
            return NULL;
    }
    return &t[(va >> 12) & 511];
}

/* One level of pt_for_each: the entries of table (covering from base, 1 << shift bytes each) that meet
 * [start, end); an absent table below is skipped whole, so the cost follows what is mapped, not the range. */
static void walk_range(u64 *table, int shift, u64 base, u64 start, u64 end, pt_fn fn, void *ctx)
{
    u64 span = 1ull << shift;
    for (u64 i = start > base ? (start - base) >> shift : 0; i < 512; i++) {
        u64 lo = base + i * span;
        if (lo >= end)
            break;
        if (shift == 12) {
            if (table[i])
                fn(&table[i], lo, ctx);
        } else if (table[i] & PTE_P) {
            walk_range(phys_to_virt(table[i] & PTE_ADDR), shift - 9, lo, start, end, fn, ctx);
        }
    }
}

void pt_for_each(u64 *pml4, u64 start, u64 end, pt_fn fn, void *ctx)
{
    if (start < end)
        walk_range(pml4, 39, 0, start, end, fn, ctx);
}

/* A page directory (1 GiB) at a time: the tables are looked up once per 512 entries, not per entry. */
static void map_direct(u64 end)
{
    for (u64 pa = 0; pa < end;) {
        u64 va = DIRECT_MAP + pa;
        u64 *pdpt = next_level(kernel_pml4, (va >> 39) & 511, true, PTE_P | PTE_W);
        u64 *pd = next_level(pdpt, (va >> 30) & 511, true, PTE_P | PTE_W);
        KASSERT(pd);
        for (u64 i = (va >> 21) & 511; i < 512 && pa < end; i++, pa += 2ull << 20)
            pd[i] = pa | PTE_P | PTE_W | PTE_PS | PTE_G | pte_nx;
    }
}

static void map_image(void)
{
    u64 *pt = NULL;
    for (u64 va = (u64)__text_start; va < (u64)__kernel_end; va += PAGE_SIZE) {
        u64 flags = PTE_P | PTE_G;
        if (va >= (u64)__text_end)
            flags |= pte_nx;       /* only .text executes */
        if (va >= (u64)__rodata_end)
            flags |= PTE_W;        /* .data and .bss */
        if (!pt || !(va & ((2ull << 20) - 1))) { /* a page table per 2 MiB, walked to once */
            pt = pt_walk(kernel_pml4, va, true);
            KASSERT(pt);
            pt -= (va >> 12) & 511;
        }
        pt[(va >> 12) & 511] = (va - KERNEL_VMA) | flags;
    }
}

void paging_init(void)
{
    pte_nx = cpu.nx ? PTE_NX : 0;
    kernel_pml4 = table_alloc();
    map_direct(MAX(4ull << 30, ALIGN_UP(pmm_max_phys(), 2ull << 20)));
    map_image();
    if (!next_level(kernel_pml4, (VMAP_BASE >> 39) & 511, true, PTE_P | PTE_W)) /* shared by all spaces */
        panic("out of memory for page tables");
    write_cr3(virt_to_phys(kernel_pml4));
}

u64 *paging_kernel_pml4(void)
{
    return kernel_pml4;
}

static void free_level(u64 *table, int level)
{
    for (int i = 0; i < 512; i++) {
        if (!(table[i] & PTE_P))
            continue;
        u64 pa = table[i] & PTE_ADDR;
        if (level > 1)
            free_level(phys_to_virt(pa), level - 1);
        else if (!(table[i] & PTE_SOFT_SHARED))
            pmm_free(pa); /* a shared file page stays with its file */
        table[i] = 0;
    }
    pmm_free(virt_to_phys(table));
}

void pt_free_user(u64 *pml4)
{
    for (int i = 0; i < 256; i++) {
        if (pml4[i] & PTE_P)
            free_level(phys_to_virt(pml4[i] & PTE_ADDR), 3);
        pml4[i] = 0;
    }
}

/* Device memory (a PCI BAR) reached through the direct map: RAM and the low 4 GiB are mapped at boot; a BAR
 * above them gets 2 MiB uncached pages of its own here. */
int paging_map_mmio(u64 pa, u64 len)
{
    for (u64 p = ALIGN_DOWN(pa, 2ull << 20); p < pa + len; p += 2ull << 20) {
        u64 va = DIRECT_MAP + p;
        u64 *pdpt = next_level(kernel_pml4, (va >> 39) & 511, true, PTE_P | PTE_W);
        u64 *pd = pdpt ? next_level(pdpt, (va >> 30) & 511, true, PTE_P | PTE_W) : NULL;
        if (!pd)
            return -1;
        if (!(pd[(va >> 21) & 511] & PTE_P)) {
            pd[(va >> 21) & 511] = p | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_PCD | PTE_PWT | pte_nx;
            invlpg(va);
        }
    }
    return 0;
}

/* Copies the user half of one address space's tables into another's for fork: a page that belongs to a file
 * (PTE_SOFT_SHARED) is shared as it is; a private page is shared copy-on-write: both entries lose W and get
 * PTE_SOFT_COW, and the first write on either side copies it (vm_fault). The caller flushes the source's TLB. */
static int copy_level(u64 *dst, u64 *src, int level)
{
    for (int i = 0; i < 512; i++) {
        if (!src[i])
            continue;
        if (level > 1) {
            u64 pa = pmm_alloc_zero();
            if (!pa)
                return -1;
            dst[i] = pa | (src[i] & ~PTE_ADDR);
            if (copy_level(phys_to_virt(pa), phys_to_virt(src[i] & PTE_ADDR), level - 1))
                return -1;
        } else if (src[i] & PTE_SOFT_SHARED) {
            dst[i] = src[i];
        } else {
            src[i] = (src[i] & ~PTE_W) | PTE_SOFT_COW;
            pmm_share(src[i] & PTE_ADDR);
            dst[i] = src[i];
        }
    }
    return 0;
}

int pt_copy_user(u64 *dst_pml4, u64 *src_pml4)
{
    for (int i = 0; i < 256; i++) {
        if (!(src_pml4[i] & PTE_P))
            continue;
        u64 pa = pmm_alloc_zero();
        if (!pa)
            return -1;
        dst_pml4[i] = pa | (src_pml4[i] & ~PTE_ADDR);
        if (copy_level(phys_to_virt(pa), phys_to_virt(src_pml4[i] & PTE_ADDR), 3))
            return -1;
    }
    return 0;
}

static u64 count_level(const u64 *table, int level)
{
    u64 n = 1; /* the table itself: Linux counts page tables in a process's OOM badness too */
    for (int i = 0; i < 512; i++) {
        if (!(table[i] & PTE_P))
            continue;
        n += level > 1 ? count_level(phys_to_virt(table[i] & PTE_ADDR), level - 1) : 1;
    }
    return n;
}

u64 pt_count_user(const u64 *pml4)
{
    u64 n = 0;
    for (int i = 0; i < 256; i++)
        if (pml4[i] & PTE_P)
            n += count_level(phys_to_virt(pml4[i] & PTE_ADDR), 3);
    return n;
}

/* The vmap area (kernel/vmap.c). Its top-level entry is made at boot, so every address space (which copies the
 * kernel half of the top table when it is created) shares the tables below it. An unmap drops this CPU's
 * TLB entry; the others' (the entries are global) go in vmap.c's batched shootdown. */
int paging_map_kernel(u64 va, u64 pa)
{
    u64 *pte = pt_walk(kernel_pml4, va, true);
    if (!pte)
        return -1;
    *pte = pa | PTE_P | PTE_W | PTE_G | pte_nx;
    return 0;
}

u64 paging_unmap_kernel(u64 va)
{
    u64 *pte = pt_walk(kernel_pml4, va, false);
    if (!pte || !(*pte & PTE_P))
        return 0;
    u64 pa = *pte & PTE_ADDR;
    *pte = 0;
    invlpg(va); /* the other CPUs: kernel/vmap.c flushes before the address is used again */
    return pa;
}
