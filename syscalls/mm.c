/* syscalls/mm.c — the program's memory: brk, mmap, munmap, mprotect, madvise. Pages appear on first touch:
 * anonymous ones zeroed; a shared file mapping's are the file's own (writes through it are the file's
 * contents); a private one's are the file's own while read-only, else copies (kernel/vm.c). */
#include "syscalls.h"

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000
#define PROT_SEM 0x08 /* x86 accepts it in mprotect and ignores it (atomic ops work on all memory) */
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_HUGETLB 0x40000
#define MAP_HUGE_SHIFT 26
#define MAP_HUGE_MASK 0x3f
#define MADV_DONTNEED 4
/* What MAP_SHARED_VALIDATE accepts without checking (Linux's LEGACY_MAP_MASK). */
#define MAP_LEGACY_FLAGS (0x0f | MAP_FIXED | MAP_ANONYMOUS | 0x40 /* 32BIT */ | 0x100 /* GROWSDOWN */ | \
                          0x800 /* DENYWRITE */ | 0x1000 /* EXECUTABLE */ | 0x2000 /* LOCKED */ | \
                          0x4000 /* NORESERVE */ | 0x8000 /* POPULATE */ | 0x10000 /* NONBLOCK */ | \
                          0x20000 /* STACK */ | 0x40000 /* HUGETLB */ | MAP_FIXED_NOREPLACE | 0xfc000000u)

SYSCALL(brk)
{
    struct vm_space *vs = current_vm();
    u64 want = a0;
    if (want < vs->brk_start)
        return vs->brk;
    u64 old_end = ALIGN_UP(vs->brk, PAGE_SIZE), new_end = ALIGN_UP(want, PAGE_SIZE);
    if (new_end > old_end) {
        if (!mm_brk_fits(vs, want) || !mm_may_expand(vs, old_end, new_end - old_end, VM_READ | VM_WRITE | VM_HEAP))
            return vs->brk; /* RLIMIT_DATA or RLIMIT_AS */
        if (!vm_range_ok(old_end, new_end - old_end) || vm_find_free(vs, new_end - old_end, old_end) != old_end)
            return vs->brk; /* something is mapped in the way: brk fails by returning the old break */
        if (vm_map(vs, old_end, new_end - old_end, VM_READ | VM_WRITE | VM_HEAP))
            return vs->brk;
    } else if (new_end < old_end) {
        vm_unmap(vs, new_end, old_end - new_end);
    }
    vs->brk = want;
    return want;
}

static long check_file_map(struct file *f, u32 type, u32 prot)
{
    if (!f)
        return -EBADF;
    /* Linux's order: the access mode first (a shared writable mapping needs a writable fd, every mapping a
     * readable one), then whether the file can be mapped at all */
    u32 acc = f->flags & O_ACCMODE;
    if (type != MAP_PRIVATE && (prot & PROT_WRITE) && acc == O_RDONLY)
        return -EACCES;
    if (acc == O_WRONLY)
        return -EACCES;
    if (!f->inode || !S_ISREG(f->inode->mode))
        return -ENODEV;
    if ((prot & PROT_EXEC) && vfs_noexec(f->inode))
        return -EPERM; /* a MS_NOEXEC mount's files never run */
    return seals_check_map(f->inode, type != MAP_PRIVATE, prot & PROT_WRITE);
}

/* MAP_SHARED|MAP_ANONYMOUS: the pages must outlive fork's copy of the page tables and stay the same pages in
 * every process that inherits the mapping, so they belong to an unnamed RAM file (Linux backs them with
 * shmem the same way); each area holds a reference, the last munmap or exit frees it. */
static long map_shared_anon(struct vm_space *vs, u64 addr, u64 len, u32 vmflags)
{
    if (file_room())
        return -ENFILE; /* Linux's shmem file counts against fs.file-max (skiff makes no struct file for it) */
    struct inode *ino = ramfs_new_inode(S_IFREG | 0600);
    if (!ino)
        return -ENOMEM;
    ino->size = len;
    inode_get(ino); /* ours until the mapping holds its own */
    long rc = vm_map_file(vs, addr, len, vmflags, ino, 0, ~0ull, true, "/dev/zero"); /* as Linux names it */
    inode_put(ino);
    return rc;
}

/* MAP_HUGETLB|MAP_ANONYMOUS: skiff keeps no huge page pool (vm.nr_hugepages is 0), so as on a Linux whose pool
 * is empty the 2 MiB size (the default, or MAP_HUGE_2MB) cannot be reserved: ENOMEM; a size with no pool at all
 * (MAP_HUGE_1GB, or any other log2) is EINVAL, as Linux's hstate_sizelog finds none. */
static long huge_anon(u32 flags)
{
    u32 log = (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
    return (log == 0 || log == 21) ? -ENOMEM : -EINVAL;
}

/* Linux's heuristic overcommit (vm.overcommit_memory 0): memory it would have to back — private writable or
 * shared anonymous, without MAP_NORESERVE — larger than all of RAM and swap can never be had: ENOMEM at once.
 * Anything smaller is granted, and pages come on first touch (oom.c when they run out). */
static bool never_backed(u64 len, u32 prot, u32 flags)
{
    bool accounted = (flags & MAP_ANONYMOUS) ? ((prot & PROT_WRITE) || (flags & MAP_TYPE) != MAP_PRIVATE)
                                             : ((prot & PROT_WRITE) && (flags & MAP_TYPE) == MAP_PRIVATE);
    return accounted && !(flags & MAP_NORESERVE) && len / PAGE_SIZE > pmm_total_pages(); /* no swap */
}


/* Linux's can_do_mlock: CAP_IPC_LOCK, or an RLIMIT_MEMLOCK that is not 0 (EPERM otherwise). */
static bool can_mlock(void)
{
    return capable(CAP_IPC_LOCK) || current_proc()->rlimits[RLIMIT_MEMLOCK].cur != 0;
}

/* Whether vs may lock more bytes besides those it has locked, in whole pages as Linux counts them. */
bool mm_mlock_room(struct vm_space *vs, u64 more)
{
    u64 lim = current_proc()->rlimits[RLIMIT_MEMLOCK].cur / PAGE_SIZE;
    return capable(CAP_IPC_LOCK) || (vm_flag_bytes(vs, 0, USER_TOP, VM_LOCKED) + more) / PAGE_SIZE <= lim;
}

SYSCALL(mmap)
{
    u64 addr = a0, len = a1, off = a5;
    u32 prot = (u32)a2, flags = (u32)a3, type = flags & MAP_TYPE;
    struct vm_space *vs = current_vm();
    if (!len || (off % PAGE_SIZE) || (prot & ~(u32)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)))
        return -EINVAL;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (type == MAP_SHARED_VALIDATE && (flags & ~(u32)MAP_LEGACY_FLAGS))
        return -EOPNOTSUPP; /* flags it would have to honour (MAP_SYNC...), which skiff does not */
    if (len > USER_TOP)
        return -ENOMEM;
    len = ALIGN_UP(len, PAGE_SIZE);
    struct file *f = NULL;
    if ((flags & MAP_ANONYMOUS) && (flags & MAP_HUGETLB))
        return huge_anon(flags);
    if (!(flags & MAP_ANONYMOUS)) {
        f = fd_file_io((int)a4);
        if (f && (flags & MAP_HUGETLB) && !seals_hugetlb(f->inode))
            return -EINVAL; /* only a MFD_HUGETLB memfd is a hugetlbfs file */
        long rc = check_file_map(f, type == MAP_SHARED_VALIDATE ? MAP_SHARED : type, prot);
        if (rc)
            return rc;
        /* Linux's file_mmap_ok: the range must lie below the largest file offset (an off_t) */
        if (off > (u64)INT64_MAX || len > (u64)INT64_MAX - off)
            return -EOVERFLOW;
    }
    if ((flags & 0x2000 /* MAP_LOCKED */) && !can_mlock())
        return -EPERM;
    if ((flags & 0x2000) && !mm_mlock_room(vs, len))
        return -EAGAIN;
    if ((prot & PROT_READ) && (current_proc()->persona & READ_IMPLIES_EXEC) && !(f && vfs_noexec(f->inode)))
        prot |= PROT_EXEC; /* personality READ_IMPLIES_EXEC */
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed && (addr % PAGE_SIZE))
        return -EINVAL;
    if (fixed && !vm_range_ok(addr, len))
        return -ENOMEM;
    if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) && vm_find_free(vs, len, addr) != addr)
        return -EEXIST;
    if ((flags & MAP_FIXED) && mseal_blocks(vs, addr, addr + len))
        return -EPERM; /* it would unmap a sealed area */
    if (!fixed) {
        addr = (flags & 0x40 /* MAP_32BIT */) ? mm_find_32bit(vs, len) : vm_find_free(vs, len, ALIGN_DOWN(addr, PAGE_SIZE));
        if (!addr)
            return -ENOMEM;
    }
    if (never_backed(len, prot, flags))
        return -ENOMEM;
    u32 vmflags = prot & VM_PROT_MASK;
    if (flags & 0x100) /* MAP_GROWSDOWN */
        vmflags |= VM_GROWSDOWN;
    if (!mm_may_expand(vs, addr, len, vmflags | (type != MAP_PRIVATE ? VM_SHARED : 0)))
        return -ENOMEM; /* RLIMIT_AS or RLIMIT_DATA */
    long rc;
    if (f)
        rc = vm_map_file(vs, addr, len, vmflags, f->inode, off, ~0ull, type != MAP_PRIVATE, f->path);
    else if (type != MAP_PRIVATE)
        rc = map_shared_anon(vs, addr, len, vmflags);
    else
        rc = vm_map(vs, addr, len, vmflags);
    if (rc) {
        vm_unmap(vs, addr, len);
        return rc;
    }
    if (f && type != MAP_PRIVATE && (f->flags & O_ACCMODE) == O_RDONLY)
        mm_mark(vs, addr, len, VM_NOMAYWRITE);
    if (f && vfs_noexec(f->inode))
        mm_mark(vs, addr, len, VM_NOMAYEXEC);
    if (flags & 0x2000)
        vm_set_flag(vs, addr, addr + len, VM_LOCKED, true);
    if ((flags & (0x8000 /* MAP_POPULATE */ | 0x2000 /* MAP_LOCKED */)) && !(flags & 0x10000 /* MAP_NONBLOCK */))
        mm_populate(vs, addr, addr + len, false);
    return addr;
}

SYSCALL(munmap)
{
    if ((a0 % PAGE_SIZE) || !a1 || !vm_range_ok(a0, ALIGN_UP(a1, PAGE_SIZE)))
        return -EINVAL;
    if (mseal_blocks(current_vm(), a0, a0 + ALIGN_UP(a1, PAGE_SIZE)))
        return -EPERM;
    return vm_unmap(current_vm(), a0, ALIGN_UP(a1, PAGE_SIZE));
}

SYSCALL(mprotect)
{
    u32 prot = (u32)a2;
    if ((a0 % PAGE_SIZE) || (prot & ~(u32)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP)))
        return -EINVAL;
    prot &= ~(u32)PROT_SEM;
    u64 len = ALIGN_UP(a1, PAGE_SIZE);
    if (len < a1)
        return -ENOMEM;
    if (!len)
        return 0;
    if (mseal_blocks(current_vm(), a0, a0 + len))
        return -EPERM;
    long rc = mm_mprotect_check(current_vm(), a0, len, prot);
    if (rc)
        return rc;
    /* personality READ_IMPLIES_EXEC: where the range may be executable (not a noexec mount's file) */
    if ((prot & PROT_READ) && (current_proc()->persona & READ_IMPLIES_EXEC) &&
        !mm_mprotect_check(current_vm(), a0, len, prot | PROT_EXEC))
        prot |= PROT_EXEC;
    return vm_protect(current_vm(), a0, len, prot & VM_PROT_MASK);
}

/* madvise(2) on vs (the caller's, or another process's for process_madvise's hints). */
long mm_advise(struct vm_space *vs, u64 start, u64 len_in, int advice)
{
    if (start % PAGE_SIZE)
        return -EINVAL;
    u64 len = ALIGN_UP(len_in, PAGE_SIZE);
    if (len < len_in || !vm_range_ok(start, len))
        return -EINVAL;
    switch (advice) {
    case 0: case 1: case 2: case 3: case 8: case 9: case 10: case 11: case 12: case 13: case 14: case 15:
    case 16: case 17: case 18: case 19: case 20: case 21: case 22: case 23: /* 22, 23: MADV_POPULATE_* */
    case MADV_DONTNEED:
        break;
    default:
        return -EINVAL;
    }
    if (!len)
        return 0;
    if (mseal_blocks_advice(vs, start, start + len, advice))
        return -EPERM;
    if ((advice == MADV_DONTNEED || advice == 8 /* MADV_FREE */ || advice == 9 /* MADV_REMOVE */) &&
        vm_flag_bytes(vs, start, start + len, VM_LOCKED))
        return -EINVAL; /* locked memory stays */
    bool handled;
    long rc = mm_madvise(vs, start, len, advice, &handled);
    if (handled)
        return rc;
    if (advice == MADV_DONTNEED)
        vm_discard(vs, start, start + len); /* anonymous pages read back as zeros, as on Linux */
    /* advice only otherwise: nothing to do for an in-memory kernel without swap or huge pages. As Linux, the
     * mapped parts get the advice and a hole anywhere in the range makes the call fail with ENOMEM. */
    return vm_fully_mapped(vs, start, start + len) ? 0 : -ENOMEM;
}

SYSCALL(madvise)
{
    return mm_advise(current_vm(), a0, a1, (int)a2);
}

/* mincore: a byte per page, 1 when the page is in memory. A touched page is; an untouched anonymous one is
 * not (it would read as zeros); a file's page is, within the file (the RAM file system holds it all). */
SYSCALL(mincore) /* (addr, len, vec) */
{
    if (a0 % PAGE_SIZE)
        return -EINVAL;
    u64 len = ALIGN_UP(a1, PAGE_SIZE);
    if (len < a1 || !vm_range_ok(a0, len))
        return -ENOMEM;
    struct vm_space *vs = current_vm();
    u64 pages = len / PAGE_SIZE;
    if (!vm_range_ok(a2, pages))
        return -EFAULT;
    for (u64 i = 0; i < pages; i++) {
        u64 va = a0 + i * PAGE_SIZE;
        struct vm_area *a = vm_find(vs, va);
        if (!a)
            return -ENOMEM;
        u64 *pte = pt_walk(vs->pml4, va, false);
        u8 in = (pte && (*pte & PTE_P)) ||
                (a->file && a->file_off + (va - a->start) < a->file->size);
        if (copy_to_user((u8 *)a2 + i, &in, 1))
            return -EFAULT;
    }
    return 0;
}

/* mlock and friends: nothing is ever swapped out, so locking marks the areas VM_LOCKED (counted against
 * RLIMIT_MEMLOCK, and MADV_DONTNEED refuses them) and brings the pages in (as Linux populates a locked range);
 * a hole in the range is ENOMEM, as for mprotect. */
static long lock_range(u64 addr, u64 len, bool lock, bool populate)
{
    if (lock && !can_mlock())
        return -EPERM;
    u64 start = ALIGN_DOWN(addr, PAGE_SIZE), end = ALIGN_UP(addr + len, PAGE_SIZE);
    if (addr + len < addr || !vm_range_ok(start, end - start))
        return -ENOMEM;
    struct vm_space *vs = current_vm();
    if (start == end)
        return 0;
    if (!vm_fully_mapped(vs, start, end))
        return -ENOMEM;
    if (lock && !mm_mlock_room(vs, (end - start) - vm_flag_bytes(vs, start, end, VM_LOCKED)))
        return -ENOMEM; /* the part locked already counts once */
    long rc = vm_set_flag(vs, start, end, VM_LOCKED, lock);
    if (rc)
        return rc;
    if (lock && populate)
        mm_populate(vs, start, end, false);
    return 0;
}

#define MLOCK_ONFAULT 1
#define MCL_CURRENT 1
#define MCL_FUTURE 2
#define MCL_ONFAULT 4

SYSCALL(mlock) { return lock_range(a0, a1, true, true); }
SYSCALL(munlock) { return lock_range(a0, a1, false, false); }

SYSCALL(mlock2) /* (addr, len, flags) */
{
    if (a2 & ~(u64)MLOCK_ONFAULT)
        return -EINVAL;
    return lock_range(a0, a1, true, !(a2 & MLOCK_ONFAULT));
}

/* mlockall: MCL_CURRENT locks every area there is (ENOMEM when all of the address space would not fit in
 * RLIMIT_MEMLOCK, as Linux compares its total_vm); current pages stay lazy (Linux would bring them in now:
 * only the memory use differs). MCL_FUTURE is accepted, and later mappings are not locked. */
SYSCALL(mlockall) /* (flags) */
{
    u32 f = (u32)a0;
    if (!f || (f & ~(u32)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || f == MCL_ONFAULT)
        return -EINVAL;
    if (!can_mlock())
        return -EPERM;
    if (!(f & MCL_CURRENT))
        return 0;
    struct vm_space *vs = current_vm();
    u64 total = 0;
    for (struct vm_area *a = vs->areas; a; a = a->next)
        total += a->end - a->start;
    if (!capable(CAP_IPC_LOCK) && total / PAGE_SIZE > current_proc()->rlimits[RLIMIT_MEMLOCK].cur / PAGE_SIZE)
        return -ENOMEM;
    return vm_set_flag(vs, 0, USER_TOP, VM_LOCKED, true);
}

SYSCALL(munlockall) { return vm_set_flag(current_vm(), 0, USER_TOP, VM_LOCKED, false); }
