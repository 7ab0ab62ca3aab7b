/* kernel/mm.h — memory: physical pages (pmm.c), the kernel's page tables and the direct map (paging.c),
 * user address spaces (vm.c). */
#ifndef SKIFF_MM_H
#define SKIFF_MM_H

#include "kernel.h"

#define PAGE_SIZE 4096ull
#define KERNEL_VMA 0xffffffff80000000ull
#define DIRECT_MAP 0xffff800000000000ull   /* all physical memory is mapped here */
#define USER_TOP 0x0000800000000000ull     /* user space is [PAGE_SIZE, USER_TOP) */
#define USER_STACK_TOP 0x00007ffffffff000ull
#define USER_STACK_SIZE (8ull << 20)       /* RLIMIT_STACK's usual soft limit */
#define USER_MMAP_TOP 0x00007ffff7fff000ull /* mmap hands out addresses downwards from here */
#define USER_PIE_BASE 0x0000555555554000ull /* where ET_DYN programs go, as on Linux */

static inline void *phys_to_virt(u64 pa) { return (void *)(pa + DIRECT_MAP); }
static inline u64 virt_to_phys(const void *va)
{
    u64 v = (u64)va;
    return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP;
}

/* Physical pages. */
u64 pmm_bitmap_bytes(u64 max_phys);
void pmm_init(u64 max_phys, void *bitmap_mem);
void pmm_add_range(u64 start, u64 end);      /* usable RAM from the memory map */
void pmm_reserve_range(u64 start, u64 end);  /* in use: kernel image, initrd, ... */
void pmm_free_range(u64 start, u64 end);     /* give a reserved range back (the initrd after unpacking) */
u64 pmm_alloc(void);                         /* one page (physical address), 0 when out of memory */
u64 pmm_alloc_zero(void);
u64 pmm_alloc_contig(size_t pages);
void pmm_free(u64 pa);                       /* drops one reference; the last one frees the page */
void pmm_share(u64 pa);                      /* one more owner (fork's copy-on-write sharing) */
bool pmm_shared(u64 pa);                     /* more than one owner */
void pmm_free_contig(u64 pa, size_t pages);
u64 pmm_total_pages(void);
u64 pmm_free_pages(void);
u64 pmm_max_phys(void);

/* Page tables. PTE bits as the hardware defines them. */
#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
extern u64 pte_nx;   /* PTE_NX when the CPU has NX, else 0 */

void paging_init(void);                      /* the kernel's final tables: direct map + image */
u64 *paging_kernel_pml4(void);
int paging_map_mmio(u64 pa, u64 len);         /* make device memory reachable through the direct map */
u64 *pt_walk(u64 *pml4, u64 va, bool create); /* the 4 KiB PTE for va, NULL if absent (or out of memory) */
/* fn for every non-zero 4 KiB entry of user range [start, end): at the cost of the tables present, whatever the
 * range's size (a 64 TiB PROT_NONE reservation has none). */
typedef void (*pt_fn)(u64 *pte, u64 va, void *ctx);
void pt_for_each(u64 *pml4, u64 start, u64 end, pt_fn fn, void *ctx);
void pt_free_user(u64 *pml4);                /* free the user half's tables and the pages they map */
u64 pt_count_user(const u64 *pml4);
int paging_map_kernel(u64 va, u64 pa);      /* one page of the vmap area: 0, or -1 when out of memory */
u64 paging_unmap_kernel(u64 va);            /* its physical page (0 if none), this CPU's TLB entry dropped */

/* The vmap area (vmap.c): kernel blocks contiguous in virtual addresses only. */
#define VMAP_BASE 0xffffc00000000000ull
void *vmap_alloc(size_t pages);
void vmap_free(void *p, size_t pages);
bool vmap_contains(const void *p);          /* pages mapped in the user half, tables included (OOM) */

/* User address spaces. */
#define VM_READ 1
#define VM_WRITE 2
#define VM_EXEC 4
#define VM_PROT_MASK 7
#define VM_STACK 0x100    /* the initial stack */
#define VM_HEAP 0x200     /* brk */
#define VM_SHARED 0x400   /* a shared file mapping (area->file) */
#define VM_VDSO 0x800     /* the vDSO's image (arch/x86_64/vdso.c): shared read-only kernel pages */
#define VM_VVAR 0x1000    /* the vDSO's data page */
#define VM_GROWSDOWN 0x2000 /* MAP_GROWSDOWN (mprotect PROT_GROWSDOWN accepts it) */
#define VM_NOMAYWRITE 0x4000 /* a shared mapping of a file opened read-only: mprotect cannot add PROT_WRITE */
#define VM_NOMAYEXEC 0x8000  /* a mapping of a file on a MS_NOEXEC mount: mprotect cannot add PROT_EXEC */
#define VM_LOCKED 0x10000    /* mlock, MAP_LOCKED: counted against RLIMIT_MEMLOCK (fork does not pass it on) */
#define VM_SEALED 0x20000    /* mseal: no munmap, mremap, mprotect, MAP_FIXED over it, nor discarding read-only anonymous pages */
#define PTE_SOFT_SHARED (1ull << 10) /* the page belongs to a file: unmapping must not free it */
#define PTE_SOFT_COW (1ull << 11)    /* a private page fork may have shared: W stays clear until a write copies it */

struct inode;
struct aio_ctx;
/* A NUMA memory policy (syscalls/mempolicy.c), a thread's or an area's; all zero is MPOL_DEFAULT. nodes: the
 * nodemask get_mempolicy reports (the user's own with MPOL_F_STATIC_NODES/RELATIVE_NODES, nodes 0..63). */
struct mpol {
    u16 mode, flags;
    u64 nodes;
};
static inline bool mpol_same(const struct mpol *a, const struct mpol *b)
{
    return a->mode == b->mode && a->flags == b->flags && a->nodes == b->nodes;
}
/* A file mapping's path as /proc/PID/maps shows it, shared (counted) by the areas split or copied from one
 * mapping (kernel/vm.c). */
struct vm_name {
    int refs;
    char s[];
};
struct vm_name *vm_name_new(const char *s); /* NULL: no memory */
void vm_name_put(struct vm_name *n);

struct vm_area {
    u64 start, end;       /* page aligned, end exclusive */
    u32 flags;            /* VM_READ|VM_WRITE|VM_EXEC|VM_STACK|VM_HEAP|VM_SHARED */
    struct inode *file;   /* a file mapping: its pages appear on first touch */
    u64 file_off;         /* file offset of start */
    u64 file_end;         /* private mappings: file bytes at or past this offset read as zeros */
    struct vm_name *name; /* the mapped file's path (NULL: none known) */
    struct vm_area *next, *prev; /* sorted by start */
    struct vm_area *t_left, *t_right, *t_parent; /* vm_tree.c's AVL tree over the same areas */
    int t_height;
    u64 t_gap;            /* the largest free gap just below any area of this subtree */
    struct mpol mpol;     /* mbind's policy for it (split and fork copy it; areas with different ones stay apart) */
};

/* Where the program's parts are, as execve laid them out (or prctl PR_SET_MM moved them): /proc/PID/stat's
 * startcode..env_end fields, /proc/PID/auxv. Linux's mm_struct fields of the same names. */
#define VM_AUXV_WORDS 50 /* Linux's AT_VECTOR_SIZE on x86_64: room for the pairs and AT_NULL */
struct vm_layout {
    u64 start_code, end_code, start_data, end_data, start_stack, env_start;
    u64 saved_auxv[VM_AUXV_WORDS];
};

struct vm_space {
    int refs;             /* processes using it (a CLONE_VM child shares its parent's) */
    u64 *pml4;            /* kernel virtual address of the top table */
    struct vm_area *areas;  /* the first (lowest) area; ->next walks up */
    struct vm_area *tree;   /* the root of vm_tree.c's index over them */
    u64 brk_start, brk;   /* the heap: [brk_start, brk) */
    u64 mmap_top;
    u64 vdso_base;        /* where the vDSO is mapped (0: none) */
    u32 membarrier_regs;  /* membarrier's REGISTER_* commands made (syscalls/membarrier.c): fork copies them */
    u64 arg_start, arg_end, env_end; /* argv's strings, then envp's, on the initial stack: /proc/PID/cmdline and
                                        environ read them there, as Linux, so setproctitle shows */
    struct vm_layout layout;
    bool undumpable;      /* prctl PR_SET_DUMPABLE 0, or ids changed (syscalls/prctl.c): kept across fork */
    bool thp_disable;     /* prctl PR_SET_THP_DISABLE: kept across fork and execve, as Linux's mm flag */
    struct vm_area *find_hint; /* the area vm_find found last (valid while find_gen is vm.c's area_gen) */
    u64 find_gen;
    u64 rss, rss_file;    /* resident pages: user entries that hold a page (a file's: rss_file), as Linux's RSS */
    u64 hiwater_rss;      /* the most rss ever was (VmHWM, getrusage's ru_maxrss) */
    struct inode *exe;    /* the program it runs (held; its execs count makes writes to it ETXTBSY) */
    struct aio_ctx *aio;  /* io_setup's contexts (syscalls/aio.c): fork does not pass them on */
    bool pkey0_spent;     /* pkey_alloc's first call took key 0 (syscalls/pkey.c): kept across fork */
};

struct vm_space *vm_space_create(void);
void aio_vm_exit(struct vm_space *vs);         /* syscalls/aio.c: its AIO contexts end (exit, execve) */
int aio_sysctl_nr(char *buf, size_t size);     /* /proc/sys/fs/aio-nr and aio-max-nr */
int aio_sysctl_max_nr(char *buf, size_t size);
void vm_space_destroy(struct vm_space *vs);
void vm_space_put(struct vm_space *vs);        /* drop a reference; the last one destroys */
void vm_set_exe(struct vm_space *vs, struct inode *ino); /* the program vs runs (NULL: none) */
/* flag on (or off) the areas of [start, end), splitting them at the ends: mlock's VM_LOCKED */
int vm_set_flag(struct vm_space *vs, u64 start, u64 end, u32 flag, bool on);
u64 vm_flag_bytes(struct vm_space *vs, u64 start, u64 end, u32 flag); /* bytes of [start, end) with flag */
struct vm_space *vm_space_fork(struct vm_space *parent); /* a copy: private pages copied, file pages shared */
int vm_poke(struct vm_space *vs, u64 addr, const void *src, size_t n); /* write into another address space */
size_t vm_peek(struct vm_space *vs, u64 addr, void *dst, size_t n);    /* read from one: the bytes read */
int pt_copy_user(u64 *dst_pml4, u64 *src_pml4);  /* paging.c: the user half, page by page */
void vm_activate(struct vm_space *vs);
int vm_map(struct vm_space *vs, u64 start, u64 len, u32 flags);    /* replaces what was there */
/* A file mapping. Shared: the file's own pages, writes reach the file. Private: read-only pages that lie
 * wholly inside [off, file_end) are the file's own (no copy); anything else is a copy made on first touch.
 * name: the file's path for /proc/PID/maps (NULL: none). */
int vm_map_file(struct vm_space *vs, u64 start, u64 len, u32 prot, struct inode *ino, u64 off, u64 file_end,
                bool shared, const char *name);
int vm_unmap(struct vm_space *vs, u64 start, u64 len);
int vm_protect(struct vm_space *vs, u64 start, u64 len, u32 prot);
u64 vm_find_free(struct vm_space *vs, u64 len, u64 hint);          /* 0 when none */
struct vm_area *vm_find(struct vm_space *vs, u64 addr);
int vm_fault(struct vm_space *vs, u64 addr, int access, const char **why);
bool vm_grow_down(struct vm_space *vs, u64 addr); /* a stack grows to hold addr (RLIMIT_STACK, guard gap) */
bool mm_may_expand(struct vm_space *vs, u64 start, u64 len, u32 vmflags); /* syscalls/mmlimit.c: RLIMIT_AS, DATA */
int vm_map_page(struct vm_space *vs, u64 va, u64 pa, u32 flags);   /* install a given page */
void vm_discard(struct vm_space *vs, u64 start, u64 end);           /* drop pages, keep the areas */
bool vm_range_ok(u64 addr, u64 len);                                /* within user space, no wrap */
/* Linux's access_ok on x86_64 (6.x): [addr, addr + len) does not wrap and ends below the sign bit. Looser than
 * vm_range_ok on purpose: a read or write of a huge count from a user buffer is capped and then copies up to
 * the first fault, as on Linux; only a range no user buffer can have fails at once (EFAULT). */
static inline bool access_ok(u64 addr, u64 len)
{
    u64 end = addr + len;
    return end >= addr && (i64)end >= 0;
}
/* vm_tree.c: the areas' list and index, kept together (only vm.c changes areas) */
#define MMAP_MIN 0x10000ull /* the lowest address mmap picks (Linux's vm.mmap_min_addr) */
void vm_tree_insert(struct vm_space *vs, struct vm_area *n);  /* at its place by start */
void vm_tree_remove(struct vm_space *vs, struct vm_area *a);
void vm_tree_end_changed(struct vm_space *vs, struct vm_area *a);
void vm_tree_start_changed(struct vm_space *vs, struct vm_area *a);
struct vm_area *vm_tree_above(struct vm_space *vs, u64 addr); /* the first area ending past addr */
u64 vm_tree_gap_below(struct vm_space *vs, u64 len, u64 top); /* the highest free range's start (0: none) */
int vm_move_pages(struct vm_space *vs, u64 from, u64 to, u64 len);  /* vm_remap.c: PTEs move, pages stay */
bool vm_fully_mapped(struct vm_space *vs, u64 start, u64 end);      /* [start, end) covered by areas */
int vm_set_mpol(struct vm_space *vs, u64 start, u64 end, const struct mpol *p); /* mbind: the areas of a range */

/* User memory access (uaccess.c): the only way handlers touch user pointers. */
long copy_from_user(void *dst, const void *usrc, size_t n);
long copy_to_user(void *udst, const void *src, size_t n);
/* Bytes copied before the first fault (n when all were, 0 for a range outside user space). */
size_t copy_from_user_partial(void *dst, const void *usrc, size_t n);
size_t copy_to_user_partial(void *udst, const void *src, size_t n);
long strncpy_from_user(char *dst, const char *usrc, size_t max); /* -ENAMETOOLONG if no NUL within max */
long copy_struct_from_user(void *dst, size_t ksize, const void *usrc, size_t usize); /* E2BIG: a non-zero tail */
long clear_user(void *udst, size_t n);

#endif
