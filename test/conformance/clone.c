/* test/conformance/clone.c — clone and clone3, error paths only: the suite is one thread of one process, so
 * every call here must fail before a task is made (bad sizes and pointers of struct clone_args, flag
 * combinations Linux rejects). A successful clone makes a thread or a process: that is the threads family's
 * to test. */
/* covers: clone clone3 */
#include "tap.h"
#include <sched.h>
#include <signal.h>
#include <stdint.h>

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)

int main(void)
{
    uint64_t ca[11] = { 0 }; /* struct clone_args, CLONE_ARGS_SIZE_VER2 = 88 bytes */
    static char big[2 * 4096];
    T_ERR("clone3 size 0", SYS(SYS_clone3, ca, 0), EINVAL);
    T_ERR("clone3 size 63 (below CLONE_ARGS_SIZE_VER0)", SYS(SYS_clone3, ca, 63), EINVAL);
    T_ERR("clone3 args at NULL", SYS(SYS_clone3, NULL, 88), EFAULT);
    T_ERR("clone3 args at a kernel address", SYS(SYS_clone3, KADDR, 88), EFAULT);
    T_ERR("clone3 size above a page", SYS(SYS_clone3, big, 4096 + 8), E2BIG);
    big[200] = 1;
    T_ERR("clone3 non-zero bytes past the known struct", SYS(SYS_clone3, big, 256), E2BIG);
    ca[0] = THREAD_FLAGS, ca[4] = SIGCHLD;
    T_ERR("clone3 a thread with an exit signal", SYS(SYS_clone3, ca, 88), EINVAL);
    ca[4] = 0, ca[5] = 0, ca[6] = 4096;
    T_ERR("clone3 a stack size without a stack", SYS(SYS_clone3, ca, 88), EINVAL);
    T_ERR("clone CLONE_THREAD without CLONE_SIGHAND", SYS(SYS_clone, CLONE_VM | CLONE_THREAD, 0, 0, 0, 0), EINVAL);
    T_ERR("clone CLONE_SIGHAND without CLONE_VM", SYS(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0), EINVAL);
    T_ERR("clone CLONE_NEWNS with CLONE_FS", SYS(SYS_clone, CLONE_NEWNS | CLONE_FS, 0, 0, 0, 0), EINVAL);
    return tap_done();
}
