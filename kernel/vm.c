/* kernel/vm.c — user address spaces. An address space is a page table plus its areas (what the program asked
 * to have mapped, with its protection; sorted and indexed by vm_tree.c); pages appear on first touch (vm_fault), so mmap of a
 * large region costs nothing until it is used. The upper half of every address space shares the kernel's
 * tables. */
#include "mm.h"
#include "errno.h"
#include "../arch/x86_64/arch.h"
#include "../arch/x86_64/smp.h"
#include "../fs/vfs.h"
#include "proc.h"

#define PTE_SOFT_NONE (1ull << 9)   /* page kept while its area is PROT_NONE; P is clear */

#define active (percpu_gs.active_vm) /* the space this CPU's CR3 holds */
static void area_free(struct vm_area *a);
static void area_hold(struct vm_area *n);

static u64 prot_pte(u32 flags)
{
    if (!(flags & VM_PROT_MASK))
        return PTE_SOFT_NONE;
    return PTE_P | PTE_U | ((flags & VM_WRITE) ? PTE_W : 0) | ((flags & VM_EXEC) ? 0 : pte_nx);
}

/* An existing page's entry with new permissions: it stays the same page, a file's (SOFT_SHARED) or one fork
 * shares (SOFT_COW: never writable until vm_fault has made it ours alone). */
static u64 pte_reprotect(u64 pte, u32 flags)
{
    u64 n = (pte & (PTE_ADDR | PTE_SOFT_SHARED | PTE_SOFT_COW)) | prot_pte(flags);
    return (n & PTE_SOFT_COW) ? n & ~PTE_W : n;
}

/* A page appears in (d = 1) or leaves (d = -1) the user half of vs: the resident set as Linux counts it, a
 * file's pages (PTE_SOFT_SHARED) among them, and its high-water mark. Called from the page fault path (an
 * interrupt of the user program, never of the kernel's own accounting). */
static void rss_add(struct vm_space *vs, u64 pte, int d)
{
    vs->rss += (u64)(i64)d;
    if (pte & PTE_SOFT_SHARED)
        vs->rss_file += (u64)(i64)d;
    if (vs->rss > vs->hiwater_rss)
        vs->hiwater_rss = vs->rss;
}

static void tlb_flush_page(struct vm_space *vs, u64 va)
{
    if (vs == active)
        invlpg(va);
    tlb_shootdown(vs, false); /* other CPUs running in vs (nothing with one CPU) */
}

/* Does the entry new only add rights to old's page (the same page; P, W, U kept or gained; NX kept or dropped)?
 * Then what another CPU may have cached of old can only make it fault, a page fault drops the faulting CPU's
 * entries for that address (Intel SDM vol. 3, 4.10.4.3), and vm_fault finds the entry right and returns: this
 * CPU's invlpg is all it takes, as Linux's spurious-fault handling. Each COW write after a fork shot down every
 * other CPU in the space before, even when the page was ours alone by then (smpstress fork at --cpus 4). */
static bool pte_only_adds_rights(u64 old, u64 new)
{
    if (!(old & PTE_P))
        return true; /* nothing is cached of a not-present entry */
    const u64 rights = PTE_P | PTE_W | PTE_U;
    return (old & PTE_ADDR) == (new & PTE_ADDR) && !(old & rights & ~new) && !(new & PTE_NX & ~old);
}

/* *pte becomes new: the other CPUs' TLBs are flushed only when they could hold more than new allows. */
static void pte_update(struct vm_space *vs, u64 va, u64 *pte, u64 new)
{
    u64 old = *pte;
    *pte = new;
    if (!pte_only_adds_rights(old, new))
        tlb_flush_page(vs, va);
    else if (vs == active)
        invlpg(va);
}

/* A range's changes, flushed once (one shootdown for a whole munmap or mprotect, not one per page; as Linux's
 * mmu_gather). The pages it drops are freed only after the other CPUs' TLBs have forgotten them: until then a
 * thread there may still write to one through a stale entry, and the kernel may already have handed it out. */
#define TLB_BATCH_PAGES 64
struct tlb_batch {
    struct vm_space *vs;
    bool changed;                 /* an entry changed: the other CPUs must flush */
    int n;
    u64 free[TLB_BATCH_PAGES];    /* physical pages to free after the flush */
};

static void batch_flush(struct tlb_batch *b)
{
    if (b->changed)
        tlb_shootdown(b->vs, false);
    for (int i = 0; i < b->n; i++)
        pmm_free(b->free[i]);
    b->changed = false;
    b->n = 0;
}

/* The entry for va changed (this CPU's TLB entry goes now); pa, if not 0, is freed once the others' go too. */
static void batch_add(struct tlb_batch *b, u64 va, u64 pa)
{
    if (b->vs == active)
        invlpg(va);
    b->changed = true;
    if (pa)
        b->free[b->n++] = pa;
    if (b->n == TLB_BATCH_PAGES)
        batch_flush(b);
}

bool vm_range_ok(u64 addr, u64 len)
{
    return addr + len >= addr && addr + len <= USER_TOP;
}

struct vm_space *vm_space_create(void)
{
    struct vm_space *vs = kzalloc(sizeof(*vs));
    u64 pa = vs ? pmm_alloc_zero() : 0;
    if (!pa) {
        kfree(vs);
        return NULL;
    }
    vs->pml4 = phys_to_virt(pa);
    memcpy(vs->pml4 + 256, paging_kernel_pml4() + 256, 256 * sizeof(u64));
    vs->mmap_top = USER_MMAP_TOP;
    vs->refs = 1;
    return vs;
}

void vm_set_exe(struct vm_space *vs, struct inode *ino)
{
    if (ino) {
        inode_get(ino);
        ino->execs++;
    }
    if (vs->exe) {
        vs->exe->execs--;
        inode_put(vs->exe);
    }
    vs->exe = ino;
}

void vm_space_put(struct vm_space *vs)
{
    if (vs && --vs->refs == 0)
        vm_space_destroy(vs);
}

/* fork: the same areas; file pages shared, private pages shared copy-on-write (see copy_level). */
struct vm_space *vm_space_fork(struct vm_space *parent)
{
    struct vm_space *c = vm_space_create();
    if (!c)
        return NULL;
    c->brk_start = parent->brk_start;
    c->brk = parent->brk;
    c->mmap_top = parent->mmap_top;
    c->vdso_base = parent->vdso_base;
    c->membarrier_regs = parent->membarrier_regs;
    c->rss = c->hiwater_rss = parent->rss; /* every page is in both until a write copies it (as Linux's dup_mm) */
    c->rss_file = parent->rss_file;
    c->undumpable = parent->undumpable;
    c->thp_disable = parent->thp_disable;
    c->pkey0_spent = parent->pkey0_spent;
    c->arg_start = parent->arg_start;
    c->arg_end = parent->arg_end;
    c->env_end = parent->env_end;
    c->layout = parent->layout;
    vm_set_exe(c, parent->exe);
    for (struct vm_area *a = parent->areas; a; a = a->next) {
        struct vm_area *n = kmalloc(sizeof(*n));
        if (!n) {
            vm_space_destroy(c);
            return NULL;
        }
        *n = *a;
        n->flags &= ~(u32)VM_LOCKED; /* memory locks are not inherited (mlock(2)) */
        area_hold(n);
        vm_tree_insert(c, n);
    }
    int rc = pt_copy_user(c->pml4, parent->pml4);
    if (parent == active)
        vm_activate(parent); /* the parent's entries lost W: drop what the TLB cached */
    tlb_shootdown(parent, false);
    if (rc) {
        vm_space_destroy(c);
        return NULL;
    }
    return c;
}

int vm_poke(struct vm_space *vs, u64 addr, const void *src, size_t n)
{
    const u8 *s = src;
    while (n) {
        u64 va = ALIGN_DOWN(addr, PAGE_SIZE);
        size_t c = MIN(n, va + PAGE_SIZE - addr);
        u64 *pte = pt_walk(vs->pml4, va, false);
        const char *why;
        if ((!pte || !(*pte & PTE_W)) && vm_fault(vs, addr, VM_WRITE, &why))
            return -EFAULT; /* not there yet, or shared copy-on-write: the fault makes it ours */
        pte = pt_walk(vs->pml4, va, false);
        if (!pte || !(*pte & PTE_W))
            return -EFAULT;
        memcpy((u8 *)phys_to_virt(*pte & PTE_ADDR) + (addr - va), s, c);
        addr += c;
        s += c;
        n -= c;
    }
    return 0;
}

/* Reads another address space's memory, faulting its pages in as the owner's read would (Linux's
 * access_remote_vm); stops at the first page that cannot be read. */
size_t vm_peek(struct vm_space *vs, u64 addr, void *dst, size_t n)
{
    u8 *d = dst;
    size_t done = 0;
    while (done < n) {
        u64 va = ALIGN_DOWN(addr, PAGE_SIZE);
        size_t c = MIN(n - done, va + PAGE_SIZE - addr);
        u64 *pte = pt_walk(vs->pml4, va, false);
        const char *why;
        if ((!pte || !(*pte & PTE_P)) && vm_fault(vs, addr, VM_READ, &why))
            break;
        pte = pt_walk(vs->pml4, va, false);
        if (!pte || !(*pte & PTE_P))
            break;
        memcpy(d + done, (const u8 *)phys_to_virt(*pte & PTE_ADDR) + (addr - va), c);
        addr += c;
        done += c;
    }
    return done;
}

void vm_activate(struct vm_space *vs)
{
    active = vs;
    write_cr3(virt_to_phys(vs ? vs->pml4 : paging_kernel_pml4()));
}

void vm_space_destroy(struct vm_space *vs)
{
    if (vs == active)
        vm_activate(NULL);
    tlb_shootdown(vs, true); /* no CPU keeps its tables loaded */
    aio_vm_exit(vs);
    vm_set_exe(vs, NULL);
    pt_free_user(vs->pml4);
    pmm_free(virt_to_phys(vs->pml4));
    while (vs->areas) {
        struct vm_area *a = vs->areas;
        vs->areas = a->next;
        area_free(a);
    }
    kfree(vs);
}

/* Bumped whenever an area is freed: a remembered area pointer is only trusted while it has not moved on. */
static u64 area_gen = 1;

/* The area holding addr. Faults come in runs within one area (a stack, a heap): the last one found is tried
 * before the tree. */
struct vm_area *vm_find(struct vm_space *vs, u64 addr)
{
    struct vm_area *h = vs->find_hint;
    if (h && vs->find_gen == area_gen && h->start <= addr && addr < h->end)
        return h;
    struct vm_area *a = vm_tree_above(vs, addr);
    if (!a || a->start > addr)
        return NULL;
    vs->find_hint = a;
    vs->find_gen = area_gen;
    return a;
}

/* Makes addr an area boundary if an area straddles it. */
/* A new area copied from another (fork, a split, a mapping's template) holds what that one holds. */
static void area_hold(struct vm_area *n)
{
    if (n->file) {
        inode_get(n->file);
        n->file->mapcount++;
    }
    if (n->name)
        n->name->refs++;
}

u32 vm_max_map_count = 65530;

int vm_sysctl_max_map_count(char *buf, size_t size) { return ksnprintf(buf, size, "%u\n", vm_max_map_count); }

int vm_sysctl_set_max_map_count(const char *text, size_t n)
{
    u64 v = 0;
    size_t i = 0;
    while (i < n && (text[i] == ' ' || text[i] == '\t'))
        i++;
    size_t d = i;
    for (; i < n && text[i] >= '0' && text[i] <= '9' && v <= 0x7fffffff; i++)
        v = v * 10 + (u64)(text[i] - '0');
    while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n'))
        i++;
    if (i == d || i < n || v > 0x7fffffff)
        return -EINVAL; /* an int, as Linux's proc_dointvec_minmax with 0 as its least */
    vm_max_map_count = (u32)v;
    return 0;
}

static int split_at(struct vm_space *vs, u64 addr)
{
    struct vm_area *a = vm_find(vs, addr);
    if (!a || a->start == addr)
        return 0;
    if (vs->nareas >= vm_max_map_count)
        return -ENOMEM; /* Linux's __split_vma */
    struct vm_area *b = kmalloc(sizeof(*b));
    if (!b)
        return -ENOMEM;
    *b = *a;
    b->start = addr;
    if (b->file)
        b->file_off += addr - a->start;
    area_hold(b);
    a->end = addr;
    vm_tree_insert(vs, b);
    return 0;
}

static void discard_one(u64 *pte, u64 va, void *ctx)
{
    struct tlb_batch *b = ctx;
    rss_add(b->vs, *pte, -1);
    u64 pa = (*pte & PTE_SOFT_SHARED) ? 0 : *pte & PTE_ADDR; /* a file's page stays with the file */
    *pte = 0;
    batch_add(b, va, pa);
}

void vm_discard(struct vm_space *vs, u64 start, u64 end)
{
    struct tlb_batch b = { .vs = vs };
    pt_for_each(vs->pml4, start, end, discard_one, &b);
    batch_flush(&b);
}

int vm_unmap(struct vm_space *vs, u64 start, u64 len)
{
    u64 end = start + len;
    if (split_at(vs, start) || split_at(vs, end))
        return -ENOMEM;
    struct tlb_batch b = { .vs = vs }; /* one shootdown for the whole range, whatever its areas */
    for (struct vm_area *a = vm_tree_above(vs, start), *next; a && a->start < end; a = next) {
        next = a->next;
        KASSERT(a->start >= start && a->end <= end); /* the splits made the range's ends area boundaries */
        pt_for_each(vs->pml4, a->start, a->end, discard_one, &b);
        vm_tree_remove(vs, a);
        area_free(a);
    }
    batch_flush(&b);
    return 0;
}

static void area_free(struct vm_area *a)
{
    area_gen++;
    if (a->file && (a->flags & VM_SHARED) && (a->flags & VM_WRITE))
        vfs_writeback(a->file); /* munmap and exit: a shared mapping's changes reach the file */
    if (a->file) {
        a->file->mapcount--;
        inode_put(a->file);
    }
    vm_name_put(a->name);
    kfree(a);
}

/* Anonymous areas that touch and agree become one, from the area before start to the one after end (the range
 * a change touched: everywhere else they were merged when they last changed). */
static void merge_around(struct vm_space *vs, u64 start, u64 end)
{
    struct vm_area *a = vm_tree_above(vs, start ? start - 1 : 0); /* one ending at start, if any */
    while (a && a->next && a->start <= end) {
        struct vm_area *b = a->next;
        if (a->end == b->start && a->flags == b->flags && !a->file && !b->file && mpol_same(&a->mpol, &b->mpol)) {
            a->end = b->end;
            vm_tree_remove(vs, b); /* the gap below b's successor is now measured from a's new end */
            area_gen++; /* b may be vm_find's remembered area */
            kfree(b);
        } else {
            a = b;
        }
    }
}

/* Installs an area (the template's start, end, flags and file fields), replacing what was there. */
static int map_area(struct vm_space *vs, const struct vm_area *tmpl)
{
    u64 start = tmpl->start, len = tmpl->end - tmpl->start;
    KASSERT(start % PAGE_SIZE == 0 && len % PAGE_SIZE == 0 && len);
    if (!vm_range_ok(start, len))
        return -ENOMEM;
    int rc = vm_unmap(vs, start, len);
    if (rc)
        return rc;
    struct vm_area *n = kmalloc(sizeof(*n));
    if (!n)
        return -ENOMEM;
    *n = *tmpl;
    area_hold(n);
    vm_tree_insert(vs, n);
    merge_around(vs, start, start + len);
    return 0;
}

int vm_map(struct vm_space *vs, u64 start, u64 len, u32 flags)
{
    struct vm_area a = { .start = start, .end = start + len, .flags = flags };
    return map_area(vs, &a);
}

int vm_map_file(struct vm_space *vs, u64 start, u64 len, u32 prot, struct inode *ino, u64 off, u64 file_end,
                bool shared, const char *name)
{
    struct vm_name *nm = name ? vm_name_new(name) : NULL;
    if (name && !nm)
        return -ENOMEM;
    struct vm_area a = { .start = start, .end = start + len, .flags = (prot & VM_PROT_MASK) | (shared ? VM_SHARED : 0),
                         .file = ino, .file_off = off, .file_end = file_end, .name = nm };
    int rc = map_area(vs, &a);
    vm_name_put(nm);
    return rc;
}

struct vm_name *vm_name_new(const char *s)
{
    size_t len = strlen(s);
    struct vm_name *n = kmalloc(sizeof(*n) + len + 1);
    if (n) {
        n->refs = 1;
        memcpy(n->s, s, len + 1);
    }
    return n;
}

void vm_name_put(struct vm_name *n)
{
    if (n && --n->refs == 0)
        kfree(n);
}

/* Linux's mprotect fails with ENOMEM unless the whole range is mapped. */
bool vm_fully_mapped(struct vm_space *vs, u64 start, u64 end)
{
    u64 at = start;
    for (struct vm_area *a = vm_tree_above(vs, start); a && at < end; a = a->next) {
        if (a->start > at)
            return false;
        at = a->end;
    }
    return at >= end;
}

struct reprotect {
    struct tlb_batch b;
    u32 flags;
};

static void reprotect_one(u64 *pte, u64 va, void *ctx)
{
    struct reprotect *r = ctx;
    if ((*pte & PTE_SOFT_SHARED) && !(r->flags & VM_SHARED) && (r->flags & VM_WRITE)) {
        rss_add(r->b.vs, *pte, -1);
        *pte = 0; /* the file's page: the next touch makes the private copy (vm_fault) */
    } else
        *pte = pte_reprotect(*pte, r->flags);
    batch_add(&r->b, va, 0);
}

int vm_set_flag(struct vm_space *vs, u64 start, u64 end, u32 flag, bool on)
{
    if (split_at(vs, start) || split_at(vs, end))
        return -ENOMEM;
    for (struct vm_area *a = vm_tree_above(vs, start); a && a->start < end; a = a->next)
        a->flags = on ? a->flags | flag : a->flags & ~flag; /* the splits made start and end boundaries */
    merge_around(vs, start, end);
    return 0;
}

int vm_set_mpol(struct vm_space *vs, u64 start, u64 end, const struct mpol *p)
{
    if (split_at(vs, start) || split_at(vs, end))
        return -ENOMEM;
    for (struct vm_area *a = vm_tree_above(vs, start); a && a->start < end; a = a->next)
        a->mpol = *p;
    merge_around(vs, start, end);
    return 0;
}

u64 vm_flag_bytes(struct vm_space *vs, u64 start, u64 end, u32 flag)
{
    u64 n = 0;
    for (struct vm_area *a = vm_tree_above(vs, start); a && a->start < end; a = a->next)
        if (a->flags & flag)
            n += MIN(a->end, end) - MAX(a->start, start);
    return n;
}

int vm_protect(struct vm_space *vs, u64 start, u64 len, u32 prot)
{
    u64 end = start + len;
    if (!vm_range_ok(start, len) || !vm_fully_mapped(vs, start, end))
        return -ENOMEM;
    if (split_at(vs, start) || split_at(vs, end))
        return -ENOMEM;
    struct reprotect r = { .b = { .vs = vs } };
    for (struct vm_area *a = vm_tree_above(vs, start); a && a->start < end; a = a->next) {
        a->flags = (a->flags & ~VM_PROT_MASK) | (prot & VM_PROT_MASK);
        r.flags = a->flags;
        pt_for_each(vs->pml4, a->start, a->end, reprotect_one, &r);
    }
    batch_flush(&r.b); /* one shootdown for the whole range */
    merge_around(vs, start, end);
    return 0;
}

static bool range_free(struct vm_space *vs, u64 start, u64 end)
{
    struct vm_area *a = vm_tree_above(vs, start);
    return !a || a->start >= end;
}

u64 vm_find_free(struct vm_space *vs, u64 len, u64 hint)
{
    if (hint >= MMAP_MIN && vm_range_ok(hint, len) && range_free(vs, hint, hint + len))
        return hint;
    return vm_tree_gap_below(vs, len, vs->mmap_top); /* the highest gap below mmap_top, as Linux's top-down */
}

static bool access_allowed(u32 flags, int access)
{
    if (access & VM_WRITE)
        return flags & VM_WRITE;
    if (access & VM_EXEC)
        return flags & VM_EXEC;
    return flags & VM_PROT_MASK; /* x86 cannot map write- or exec-only: both imply read */
}

/* A page wholly past the end of the file: SIGBUS, as Linux (-EIO tells the trap handler). */
static bool beyond_eof(const struct inode *ino, u64 off, const char **why)
{
    if (off < ALIGN_UP(ino->size, PAGE_SIZE))
        return false;
    *why = "past the end of the file";
    return true;
}

/* A private file page: the file's own page when the area is read-only and the page lies wholly within the
 * file (program text, shared libraries: no copy); otherwise a copy of the valid bytes, zeros after them. */
static int fault_private_file(struct vm_space *vs, struct vm_area *a, u64 va, u64 *pte, const char **why)
{
    u64 off = a->file_off + (va - a->start);
    if (beyond_eof(a->file, off, why))
        return -EIO;
    u64 end = MIN(a->file_end, a->file->size);
    u64 valid = end > off ? MIN(end - off, PAGE_SIZE) : 0;
    u64 idx = off / PAGE_SIZE;
    (void)idx;
    u8 *fpage = vfs_cached_page(a->file, off); /* a host file's page is read in here */
    if (!(a->flags & VM_WRITE) && valid == PAGE_SIZE && fpage) {
        *pte = virt_to_phys(fpage) | prot_pte(a->flags) | PTE_SOFT_SHARED;
        rss_add(vs, *pte, 1);
        return 0;
    }
    u64 pa = pmm_alloc_zero();
    if (!pa) {
        *why = "out of memory";
        return -ENOMEM;
    }
    if (valid && fpage)
        memcpy(phys_to_virt(pa), fpage, valid);
    *pte = pa | prot_pte(a->flags);
    rss_add(vs, *pte, 1);
    return 0;
}

/* A write to a page fork shared: copy it unless every other owner has gone (then it is ours to write). */
static int cow_break(struct vm_space *vs, u64 va, u64 *pte, u32 flags, const char **why)
{
    u64 old = *pte & PTE_ADDR, pa = old;
    if (pmm_shared(old)) {
        pa = pmm_alloc();
        if (!pa) {
            *why = "out of memory";
            return -ENOMEM;
        }
        memcpy(phys_to_virt(pa), phys_to_virt(old), PAGE_SIZE);
        pmm_free(old); /* our reference to the shared page */
    }
    pte_update(vs, va, pte, pa | prot_pte(flags)); /* ours alone already (pa == old): W added, no shootdown */
    return 0;
}

#define STACK_GUARD_GAP (256 * PAGE_SIZE) /* Linux's stack_guard_gap: kept free below a stack that grows */

/* A stack (the initial one, or a MAP_GROWSDOWN area) grows down to the page of addr, below it and not inside
 * any area, as Linux's stack expansion allows: the area, grown, within RLIMIT_STACK (read now: a setrlimit
 * after execve counts) and RLIMIT_AS, and a guard gap left above the area below unless that one grows down
 * too or cannot be accessed at all. A file-backed area does not grow here. */
bool vm_grow_down(struct vm_space *vs, u64 addr)
{
    struct vm_area *a = vm_tree_above(vs, addr), *b;
    if (!a || addr >= a->start || !(a->flags & (VM_STACK | VM_GROWSDOWN)) || a->file)
        return false;
    u64 start = ALIGN_DOWN(addr, PAGE_SIZE);
    u64 limit = current ? current->proc->rlimits[RLIMIT_STACK].cur : USER_STACK_SIZE;
    if (start < MMAP_MIN || a->end - start > limit || (current && !mm_may_expand(vs, start, a->start - start, a->flags)))
        return false;
    b = a->prev; /* ends at or below start: addr is in no area */
    if (b && !(b->flags & (VM_STACK | VM_GROWSDOWN)) && (b->flags & (VM_READ | VM_WRITE | VM_EXEC)) &&
        start - b->end < STACK_GUARD_GAP)
        return false;
    a->start = start;
    vm_tree_start_changed(vs, a);
    return true;
}

static int fault_in(struct vm_space *vs, u64 addr, int access, const char **why)
{
    struct vm_area *a = vs ? vm_find(vs, addr) : NULL;
    if (!a && vs && vm_grow_down(vs, addr))
        a = vm_find(vs, addr);
    if (!a) {
        *why = "not mapped";
        return -EFAULT;
    }
    if (!access_allowed(a->flags, access)) {
        *why = "permission denied";
        return -EACCES; /* SEGV_ACCERR, where -EFAULT (nothing mapped) is SEGV_MAPERR */
    }
    u64 va = ALIGN_DOWN(addr, PAGE_SIZE);
    u64 *pte = pt_walk(vs->pml4, va, true);
    if (!pte) {
        *why = "out of memory";
        return -ENOMEM;
    }
    if (*pte && (*pte & PTE_SOFT_COW) && (access & VM_WRITE))
        return cow_break(vs, va, pte, a->flags, why);
    if (*pte) {
        /* Present already (another path mapped it, or a CPU's stale entry faulted) or kept under PROT_NONE:
         * refresh the permissions. */
        pte_update(vs, va, pte, pte_reprotect(*pte, a->flags));
        return 0;
    }
    if (a->file && (a->flags & VM_SHARED)) {
        if (beyond_eof(a->file, a->file_off + (va - a->start), why))
            return -EIO;
        u8 *page = vfs_page(a->file, a->file_off + (va - a->start));
        if (page && (a->flags & VM_WRITE))
            p9fs_mapped_shared(a->file); /* written back at msync, munmap and exit */
        if (!page) {
            *why = "out of memory";
            return -ENOMEM;
        }
        *pte = virt_to_phys(page) | prot_pte(a->flags) | PTE_SOFT_SHARED;
        rss_add(vs, *pte, 1);
        return 0;
    }
    if (a->file)
        return fault_private_file(vs, a, va, pte, why);
    if (a->flags & (VM_VDSO | VM_VVAR)) {
        if (access & VM_WRITE) {
            *why = "the vDSO is read-only";
            return -EACCES;
        }
        *pte = vdso_page(va - vs->vdso_base) | prot_pte(a->flags & ~VM_WRITE) | PTE_SOFT_SHARED;
        rss_add(vs, *pte, 1);
        return 0;
    }
    u64 pa = pmm_alloc_zero();
    if (!pa) {
        *why = "out of memory";
        return -ENOMEM;
    }
    *pte = pa | prot_pte(a->flags);
    rss_add(vs, *pte, 1);
    return 0;
}

/* A page fault served (the hardware's, or the kernel's own on a user buffer, as Linux counts both): a major
 * fault when the page had to be read from the host (a 9P file: p9fs_pages_read moved), a minor one otherwise;
 * counted for the thread that took it (getrusage, /proc/PID/stat). */
int vm_fault(struct vm_space *vs, u64 addr, int access, const char **why)
{
    u64 reads = p9fs_pages_read;
    int rc = fault_in(vs, addr, access, why);
    if (rc == 0 && current) {
        kstat.pgfault++;
        if (p9fs_pages_read != reads) {
            current->maj_flt++;
            kstat.pgmajfault++;
        } else {
            current->min_flt++;
        }
    }
    return rc;
}

int vm_map_page(struct vm_space *vs, u64 va, u64 pa, u32 flags)
{
    u64 *pte = pt_walk(vs->pml4, va, true);
    if (!pte)
        return -ENOMEM;
    if (*pte && !(*pte & PTE_SOFT_SHARED))
        pmm_free(*pte & PTE_ADDR);
    if (*pte)
        rss_add(vs, *pte, -1);
    *pte = pa | prot_pte(flags);
    rss_add(vs, *pte, 1);
    tlb_flush_page(vs, va);
    return 0;
}
