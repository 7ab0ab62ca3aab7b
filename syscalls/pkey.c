/* syscalls/pkey.c — memory protection keys: pkey_alloc(2), pkey_free(2), pkey_mprotect(2).
 * Keys need the CPU's PKU and the kernel's CR4.PKE, which CPUID shows a program as OSPKE (leaf 7, ECX bit 4).
 * skiff does not turn CR4.PKE on (it would have to keep PKRU per thread), so every program sees OSPKE clear,
 * whatever PKU the CPU has, and gets what Linux gives on such a CPU:
 *   - pkey_alloc: EINVAL for flags or init_val bits other than PKEY_DISABLE_ACCESS|PKEY_DISABLE_WRITE; then the
 *     first call in an address space fails with EINVAL (Linux takes key 0 for it, then cannot set its rights)
 *     and every later one with ENOSPC: the key stays taken, fork passes that on, execve starts afresh;
 *   - pkey_free: no key is ever allocated: EINVAL;
 *   - pkey_mprotect: key -1 is mprotect; any other key is EINVAL, after mprotect's first checks (an empty
 *     range succeeds, one that wraps is ENOMEM). */
#include "syscalls.h"

#define PKEY_ACCESS_MASK 3 /* PKEY_DISABLE_ACCESS | PKEY_DISABLE_WRITE */

SYSCALL(mprotect);

SYSCALL(pkey_alloc) /* (unsigned flags, unsigned init_val) */
{
    if ((u32)a0 || ((u32)a1 & ~PKEY_ACCESS_MASK))
        return -EINVAL;
    struct vm_space *vs = current_vm();
    if (vs->pkey0_spent)
        return -ENOSPC;
    vs->pkey0_spent = true;
    return -EINVAL;
}

SYSCALL(pkey_free) /* (int pkey) */
{
    return -EINVAL;
}

SYSCALL(pkey_mprotect) /* (addr, len, prot, int pkey) */
{
    if ((int)a3 == -1)
        return sys_mprotect(a0, a1, a2, 0, 0, 0);
    if (a0 % PAGE_SIZE)
        return -EINVAL;
    if (!a1)
        return 0;
    u64 len = ALIGN_UP(a1, PAGE_SIZE);
    if (!len || a0 + len < a0)
        return -ENOMEM;
    return -EINVAL;
}
