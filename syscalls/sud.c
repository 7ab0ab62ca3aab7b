/* syscalls/sud.c — syscall user dispatch (prctl PR_SET_SYSCALL_USER_DISPATCH): a thread asks that its system calls
 * made from outside one region of code become a SIGSYS instead (si_code SYS_USER_DISPATCH) whenever a selector
 * byte in its memory says BLOCK, so that a user-space emulator (Wine) can run another OS's binaries' syscalls
 * itself. The region is where the call returns to (rip after the SYSCALL instruction), as on Linux; a selector
 * of NULL blocks always; a selector byte that is neither ALLOW nor BLOCK kills with SIGSYS, and one that cannot
 * be read with SIGSEGV. fork's child does not inherit it (Linux clears it in copy_process). */
#include "syscalls.h"
#include "seccomp.h"
#include "../arch/x86_64/arch.h"

#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#define PR_SYS_DISPATCH_ON 1
#define SYSCALL_DISPATCH_FILTER_ALLOW 0
#define SYSCALL_DISPATCH_FILTER_BLOCK 1
#define SYS_USER_DISPATCH 2

long sud_prctl(int opt, u64 mode, u64 offset, u64 len, u64 selector, bool *handled)
{
    *handled = opt == PR_SET_SYSCALL_USER_DISPATCH;
    if (!*handled)
        return 0;
    struct task *t = current;
    switch (mode) {
    case PR_SYS_DISPATCH_OFF:
        if (offset || len || selector)
            return -EINVAL;
        t->sud_on = false;
        t->sud_offset = t->sud_len = t->sud_selector = 0;
        return 0;
    case PR_SYS_DISPATCH_ON:
        if (offset && offset + len <= offset)
            return -EINVAL; /* the region wraps around the address space */
        if (selector && selector >= USER_TOP)
            return -EFAULT;
        t->sud_on = true;
        t->sud_offset = offset, t->sud_len = len, t->sud_selector = selector;
        return 0;
    }
    return -EINVAL;
}

bool sud_syscall(struct regs *r, u64 nr, long *ret)
{
    struct task *t = current;
    if (r->rip - t->sud_offset < t->sud_len)
        return false; /* made from inside the region: always runs */
    if (t->sud_selector) {
        u8 state;
        if (copy_from_user(&state, (const void *)t->sud_selector, 1))
            seccomp_kill(SIGSEGV, nr, "syscall user dispatch (selector unreadable)");
        if (state == SYSCALL_DISPATCH_FILTER_ALLOW)
            return false;
        if (state != SYSCALL_DISPATCH_FILTER_BLOCK)
            seccomp_kill(SIGSYS, nr, "syscall user dispatch (selector neither ALLOW nor BLOCK)");
    }
    seccomp_sigsys(nr, r->rip, SYS_USER_DISPATCH, 0, "syscall user dispatch");
    *ret = (long)nr; /* rolled back: rax holds the call's number for the handler */
    return true;
}
