/* syscalls/mremap.c — mremap (shrink, grow in place, or move with MREMAP_MAYMOVE/MREMAP_FIXED; the pages
 * move, their contents are not copied) and msync (memory is the only store: it checks its arguments). */
#include "syscalls.h"

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4
#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

/* Moves the pages of [old, old + old_len) to a new mapping at to; the old range goes, unless keep_old
 * (MREMAP_DONTUNMAP: it stays mapped and empty, so anonymous memory reads zeros there). */
static long do_move(struct vm_space *vs, struct vm_area *a, u64 old, u64 old_len, u64 to, u64 new_len, bool keep_old)
{
    u32 flags = a->flags;
    long rc = vm_map(vs, to, new_len, flags);
    if (rc)
        return rc;
    rc = vm_move_pages(vs, old, to, MIN(old_len, new_len));
    if (rc) {
        vm_unmap(vs, to, new_len);
        return rc;
    }
    if (!keep_old)
        vm_unmap(vs, old, old_len);
    return to;
}

SYSCALL(mremap)
{
    u64 old = a0, old_len = ALIGN_UP(a1, PAGE_SIZE), new_len = ALIGN_UP(a2, PAGE_SIZE), to = a4;
    u32 flags = (u32)a3;
    struct vm_space *vs = current_vm();
    if ((old % PAGE_SIZE) || (flags & ~(u32)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) || !new_len)
        return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
        return -EINVAL;
    bool keep = flags & MREMAP_DONTUNMAP; /* needs MREMAP_MAYMOVE and the same size, as Linux */
    if (keep && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
        return -EINVAL;
    if (!old_len) {
        kerr("skiff: mremap of a shared mapping's alias (old_size 0) is not implemented: EINVAL\n");
        return -EINVAL;
    }
    if (mseal_blocks(vs, old, old + old_len) || ((flags & MREMAP_FIXED) && mseal_blocks(vs, to, to + new_len)))
        return -EPERM; /* a sealed area neither moves nor changes size, nor is mapped over */
    struct vm_area *a = vm_find(vs, old);
    if (!a || old + old_len > a->end)
        return -EFAULT; /* the old range must lie within one mapping */
    if (a->file && !(new_len <= old_len && !(flags & MREMAP_FIXED))) {
        kerr("skiff: mremap growing or moving a file mapping is not implemented: EINVAL\n");
        return -EINVAL; /* shrinking it (below) is fine */
    }
    if (new_len > old_len && (a->flags & VM_LOCKED) && !mm_mlock_room(vs, new_len - old_len))
        return -EAGAIN; /* a locked mapping grows locked: RLIMIT_MEMLOCK must have room */
    u64 grows = keep ? new_len : new_len > old_len ? new_len - old_len : 0;
    if (grows && !mm_may_expand(vs, USER_TOP, grows, a->flags))
        return -ENOMEM; /* RLIMIT_AS or RLIMIT_DATA (USER_TOP: the new bytes replace nothing) */
    if (flags & MREMAP_FIXED) {
        if ((to % PAGE_SIZE) || !vm_range_ok(to, new_len) || (to < old + old_len && old < to + new_len))
            return -EINVAL;
        return do_move(vs, a, old, old_len, to, new_len, keep);
    }
    if (keep) {
        u64 dest = vm_find_free(vs, new_len, 0);
        return dest ? do_move(vs, a, old, old_len, dest, new_len, true) : -ENOMEM;
    }
    if (new_len <= old_len) {
        if (new_len < old_len)
            vm_unmap(vs, old + new_len, old_len - new_len);
        return old;
    }
    if (vm_range_ok(old, new_len) && vm_find_free(vs, new_len - old_len, old + old_len) == old + old_len) {
        long rc = vm_map(vs, old + old_len, new_len - old_len, a->flags);
        return rc ? rc : (long)old;
    }
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    u64 dest = vm_find_free(vs, new_len, 0);
    if (!dest)
        return -ENOMEM;
    return do_move(vs, a, old, old_len, dest, new_len, false);
}

SYSCALL(msync)
{
    if ((a0 % PAGE_SIZE) || (a2 & ~(u64)(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
        ((a2 & MS_ASYNC) && (a2 & MS_SYNC)))
        return -EINVAL;
    u64 len = ALIGN_UP(a1, PAGE_SIZE);
    struct vm_space *vs = current_vm();
    for (u64 at = a0; at < a0 + len;) {
        struct vm_area *a = vm_find(vs, at);
        if (!a)
            return -ENOMEM;
        at = a->end;
    }
    /* A host file's pages go back now (RAM files have nowhere else to go). */
    for (u64 at = a0; at < a0 + len;) {
        struct vm_area *a = vm_find(vs, at);
        if (a->file && (a->flags & VM_SHARED)) {
            int rc = vfs_writeback(a->file);
            if (rc)
                return rc;
        }
        at = a->end;
    }
    return 0;
}
