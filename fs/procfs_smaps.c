/* fs/procfs_smaps.c — /proc/PID/smaps and smaps_rollup (proc(5)): per mapping (or summed over all of them)
 * the memory it has resident, from the page tables: Rss, Pss, shared and private, clean and dirty, anonymous,
 * locked, and its VmFlags; what pmap -x, smem and psutil's memory_full_info read. A private page fork left
 * shared (copy-on-write) counts as shared, and Pss gives it half. Partial: skiff does not count how many
 * processes map a file's page, so file pages count as private to each process that maps them (Linux calls
 * those shared when several do, and divides their Pss). No huge pages, no swap, no KSM: those lines are 0.
 * Opening needs ptrace(2)'s read access, as on Linux. */
#include "procfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../syscalls/syscalls.h"

#define PTE_DIRTY (1ull << 6)

struct mem_sum {
    u64 size, rss, pss, pss_dirty, pss_anon, pss_file, shared_clean, shared_dirty, private_clean, private_dirty,
        anon, locked;
};

struct walk_ctx {
    struct mem_sum *m;
    bool locked;
};

/* One resident page of an area: its share of the counts (bytes; Pss in bytes as well). */
static void count_page(u64 *pte, u64 va, void *ctx)
{
    (void)va;
    struct walk_ctx *w = ctx;
    struct mem_sum *m = w->m;
    if (!(*pte & PTE_P))
        return;
    bool file = *pte & PTE_SOFT_SHARED, dirty = *pte & PTE_DIRTY;
    bool shared = !file && pmm_shared(*pte & PTE_ADDR);
    u64 pss = shared ? PAGE_SIZE / 2 : PAGE_SIZE;
    m->rss += PAGE_SIZE;
    m->pss += pss;
    if (dirty)
        m->pss_dirty += pss;
    if (file) {
        m->pss_file += pss;
    } else {
        m->pss_anon += pss;
        m->anon += PAGE_SIZE;
    }
    if (shared)
        *(dirty ? &m->shared_dirty : &m->shared_clean) += PAGE_SIZE;
    else
        *(dirty ? &m->private_dirty : &m->private_clean) += PAGE_SIZE;
    if (w->locked)
        m->locked += PAGE_SIZE;
}

static void area_sum(struct vm_space *vs, const struct vm_area *a, struct mem_sum *m)
{
    struct walk_ctx w = { m, (a->flags & VM_LOCKED) != 0 };
    m->size += a->end - a->start;
    if (!(a->flags & VM_VVAR)) /* the vDSO's data page is the kernel's: Linux counts no Rss for [vvar] */
        pt_for_each(vs->pml4, a->start, a->end, count_page, &w);
}

#define ROW(name, v) (n += (size_t)ksnprintf(buf + MIN(n, size), n < size ? size - n : 0, "%-16s%8lu kB\n", name, \
                                             (u64)(v) / 1024))

static size_t put_sums(char *buf, size_t size, const struct mem_sum *m, bool rollup)
{
    size_t n = 0;
    if (!rollup) {
        ROW("Size:", m->size);
        ROW("KernelPageSize:", PAGE_SIZE);
        ROW("MMUPageSize:", PAGE_SIZE);
    }
    ROW("Rss:", m->rss);
    ROW("Pss:", m->pss);
    ROW("Pss_Dirty:", m->pss_dirty);
    if (rollup) {
        ROW("Pss_Anon:", m->pss_anon);
        ROW("Pss_File:", m->pss_file);
        ROW("Pss_Shmem:", 0);
    }
    ROW("Shared_Clean:", m->shared_clean);
    ROW("Shared_Dirty:", m->shared_dirty);
    ROW("Private_Clean:", m->private_clean);
    ROW("Private_Dirty:", m->private_dirty);
    ROW("Referenced:", m->rss);
    ROW("Anonymous:", m->anon);
    static const char *const zero[] = { "KSM:", "LazyFree:", "AnonHugePages:", "ShmemPmdMapped:", "FilePmdMapped:",
                                        "Shared_Hugetlb:", "Private_Hugetlb:", "Swap:", "SwapPss:" };
    for (size_t i = 0; i < ARRAY_SIZE(zero); i++)
        ROW(zero[i], 0);
    ROW("Locked:", m->locked);
    return n;
}

/* VmFlags' two-letter names (proc(5)) for what skiff's areas record. */
static size_t put_vmflags(char *buf, size_t size, const struct vm_area *a)
{
    u32 f = a->flags;
    bool shared = f & VM_SHARED;
    const struct { bool on; const char *name; } flags[] = {
        { f & VM_READ, "rd" },  { f & VM_WRITE, "wr" }, { f & VM_EXEC, "ex" },  { shared, "sh" },
        { true, "mr" },         { !(f & VM_NOMAYWRITE), "mw" },                 { !(f & VM_NOMAYEXEC), "me" },
        { shared, "ms" },       { f & (VM_GROWSDOWN | VM_STACK), "gd" },        { f & VM_LOCKED, "lo" },
        { !shared && (f & VM_WRITE), "ac" }, { f & (VM_VDSO | VM_VVAR), "dd" }, { f & VM_SEALED, "sl" },
    };
    size_t n = (size_t)ksnprintf(buf, size, "VmFlags:");
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
        if (flags[i].on)
            n += (size_t)ksnprintf(buf + MIN(n, size), n < size ? size - n : 0, " %s", flags[i].name);
    n += (size_t)ksnprintf(buf + MIN(n, size), n < size ? size - n : 0, " \n");
    return n;
}

static int smaps_pid(const struct file *f) { return (int)((u64)f->inode->priv >> 32); }

static int smaps_gen(struct file *f, bool rollup)
{
    struct proc *p = proc_by_pid(smaps_pid(f));
    if (!p || !p->threads)
        return -ESRCH;
    if (!task_may_ptrace(p->threads))
        return -EACCES;
    char *buf = kmalloc(GEN_SIZE);
    if (!buf)
        return -ENOMEM;
    size_t n = 0, size = GEN_SIZE;
    struct vm_space *vs = p->zombie ? NULL : p->vm;
    struct mem_sum all = { 0 };
    for (struct vm_area *a = vs ? vs->areas : NULL; a; a = a->next) {
        if (rollup) {
            area_sum(vs, a, &all);
            continue;
        }
        struct mem_sum m = { 0 };
        area_sum(vs, a, &m);
        n += procfs_maps_line(a, buf + MIN(n, size), n < size ? size - n : 0);
        n += put_sums(buf + MIN(n, size), n < size ? size - n : 0, &m, false);
        n += (size_t)ksnprintf(buf + MIN(n, size), n < size ? size - n : 0, "THPeligible:    %8d\n", 0);
        n += put_vmflags(buf + MIN(n, size), n < size ? size - n : 0, a);
    }
    if (rollup && vs && vs->areas) {
        const struct vm_area *last = vs->areas;
        while (last->next)
            last = last->next;
        n += (size_t)ksnprintf(buf, size, "%08lx-%08lx ---p 00000000 00:00 0", vs->areas->start, last->end);
        while (n < 73)
            n += (size_t)ksnprintf(buf + n, size - n, " ");
        n += (size_t)ksnprintf(buf + n, size - n, "[rollup]\n");
        n += put_sums(buf + n, size - n, &all, true);
    }
    return procfs_keep_text((struct file *)f, buf, (int)MIN(n, size));
}

static int smaps_open(struct file *f) { return smaps_gen(f, false); }
static int rollup_open(struct file *f) { return smaps_gen(f, true); }

static const struct file_ops smaps_ops = { .open = smaps_open, .read = procfs_read, .release = procfs_release };
static const struct file_ops rollup_ops = { .open = rollup_open, .read = procfs_read, .release = procfs_release };

int procfs_smaps_add(struct inode *d, int pid)
{
    int rc = procfs_pid_file(d, "smaps", 0444, &smaps_ops, pid);
    return rc ? rc : procfs_pid_file(d, "smaps_rollup", 0444, &rollup_ops, pid);
}
