/* syscalls/mmlimit.c — RLIMIT_AS and RLIMIT_DATA, as Linux's may_expand_vm holds mmap, brk and mremap to them:
 * the address space as a whole (every mapping) may not grow past RLIMIT_AS, the data (private writable mappings
 * that are not the stack, and the heap) past RLIMIT_DATA; a mapping that replaces others (MAP_FIXED) is charged
 * only what it adds. The areas are walked only when a limit is set (the default is none: no cost). A stack's
 * growth (kernel/vm.c) is charged to RLIMIT_AS, never to RLIMIT_DATA; mprotect making a range writable is not
 * charged. */
#include "syscalls.h"

#define RLIM_INFINITY (~0ull)

static bool is_data(u32 vmflags)
{
    return (vmflags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE;
}

/* bytes of vs's mappings in [start, end) (all of them, or its data mappings alone) */
static u64 mapped(struct vm_space *vs, u64 start, u64 end, bool data_only)
{
    u64 n = 0;
    for (struct vm_area *a = vs->areas; a && a->start < end; a = a->next)
        if (a->end > start && (!data_only || is_data(a->flags)))
            n += MIN(a->end, end) - MAX(a->start, start);
    return n;
}

/* May vs get len more bytes of mappings with vmflags at start (those there now are replaced)? */
bool mm_may_expand(struct vm_space *vs, u64 start, u64 len, u32 vmflags)
{
    const struct rlimit64 *r = current_proc()->rlimits;
    u64 as = r[RLIMIT_AS].cur, data = r[RLIMIT_DATA].cur;
    if (as == RLIM_INFINITY && (data == RLIM_INFINITY || !is_data(vmflags)))
        return true;
    u64 there = mapped(vs, start, start + len, false), more = len > there ? len - there : 0;
    if (as != RLIM_INFINITY && mapped(vs, 0, USER_TOP, false) + more > as)
        return false;
    if (data == RLIM_INFINITY || !is_data(vmflags))
        return true;
    u64 now = mapped(vs, 0, USER_TOP, true);
    if (now + more <= data)
        return true;
    /* Linux lets a data limit of 0 pass up to the hard limit (Valgrind sets it so) */
    return data == 0 && now + more <= r[RLIMIT_DATA].max;
}

/* brk's own rule (Linux's check_data_rlimit): the heap plus the program's data segment within RLIMIT_DATA */
bool mm_brk_fits(struct vm_space *vs, u64 new_brk)
{
    u64 data = current_proc()->rlimits[RLIMIT_DATA].cur;
    if (data == RLIM_INFINITY)
        return true;
    return (new_brk - vs->brk_start) + (vs->layout.end_data - vs->layout.start_data) <= data;
}
