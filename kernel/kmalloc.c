/* kernel/kmalloc.c — the kernel heap. Each block carries a 16-byte header naming its size class, so kfree
 * needs no size and catches corruption. Classes are powers of two from 32 to 2048 bytes, carved from whole
 * pages; larger requests take pages of their own, contiguous in the vmap area only (vmap.c). */
#include "mm.h"

#define HDR_MAGIC 0x6b6d616cu /* "kmal" */
#define MIN_SHIFT 5
#define MAX_SHIFT 11
#define LARGE 0xffu

struct hdr {
    u32 magic;
    u32 cls;      /* shift of the size class, or LARGE */
    u64 pages;    /* LARGE: page count */
};
_Static_assert(sizeof(struct hdr) == 16, "keeps blocks 16-byte aligned");

struct free_block { struct free_block *next; };
static struct free_block *free_lists[MAX_SHIFT + 1];

static int size_class(size_t total)
{
    int s = MIN_SHIFT;
    while ((1ul << s) < total)
        s++;
    return s;
}

static bool refill(int s)
{
    u64 pa = pmm_alloc();
    if (!pa)
        return false;
    u8 *page = phys_to_virt(pa);
    size_t sz = 1ul << s;
    for (size_t off = 0; off + sz <= PAGE_SIZE; off += sz) {
        struct free_block *b = (struct free_block *)(page + off);
        b->next = free_lists[s];
        free_lists[s] = b;
    }
    return true;
}

void *kmalloc(size_t n)
{
    size_t total = n + sizeof(struct hdr);
    struct hdr *h;
    if (total <= (1ul << MAX_SHIFT)) {
        int s = size_class(total);
        if (!free_lists[s] && !refill(s))
            return NULL;
        h = (struct hdr *)free_lists[s];
        free_lists[s] = free_lists[s]->next;
        *h = (struct hdr){ HDR_MAGIC, (u32)s, 0 };
    } else {
        size_t pages = ALIGN_UP(total, PAGE_SIZE) / PAGE_SIZE;
        h = vmap_alloc(pages); /* single pages: a PATH_MAX buffer must not need two adjacent free pages */
        if (!h)
            return NULL;
        *h = (struct hdr){ HDR_MAGIC, LARGE, pages };
    }
    return h + 1;
}

void *kzalloc(size_t n)
{
    void *p = kmalloc(n);
    if (p)
        memset(p, 0, n);
    return p;
}

static size_t usable_size(struct hdr *h)
{
    return h->cls == LARGE ? h->pages * PAGE_SIZE - sizeof(*h) : (1ul << h->cls) - sizeof(*h);
}

void kfree(void *p)
{
    if (!p)
        return;
    struct hdr *h = (struct hdr *)p - 1;
    if (h->magic != HDR_MAGIC)
        panic("kfree of a bad pointer %p (header %x)", p, h->magic);
    h->magic = 0;
    if (h->cls == LARGE) {
        vmap_free(h, h->pages);
        return;
    }
    u32 cls = h->cls; /* read before the free-list link overwrites the header */
    struct free_block *b = (struct free_block *)h;
    b->next = free_lists[cls];
    free_lists[cls] = b;
}

void *krealloc(void *p, size_t n)
{
    if (!p)
        return kmalloc(n);
    struct hdr *h = (struct hdr *)p - 1;
    KASSERT(h->magic == HDR_MAGIC);
    size_t have = usable_size(h);
    if (n <= have)
        return p;
    void *q = kmalloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, have);
    kfree(p);
    return q;
}

void *page_alloc(void)
{
    u64 pa = pmm_alloc_zero();
    return pa ? phys_to_virt(pa) : NULL;
}

void page_free(void *page)
{
    pmm_free(virt_to_phys(page));
}

void *page_alloc_n(size_t n)
{
    u64 pa = pmm_alloc_contig(n);
    if (!pa)
        return NULL;
    memset(phys_to_virt(pa), 0, n * PAGE_SIZE);
    return phys_to_virt(pa);
}

void page_free_n(void *pages, size_t n)
{
    pmm_free_contig(virt_to_phys(pages), n);
}
