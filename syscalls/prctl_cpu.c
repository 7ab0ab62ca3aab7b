/* syscalls/prctl_cpu.c — prctl(2)'s options about the CPU and the machine: the time-stamp counter (PR_GET/SET_TSC:
 * rdtsc in ring 3 raises SIGSEGV while CR4.TSD is set for the task), speculation controls (skiff changes none:
 * PR_GET_SPECULATION_CTRL reports them as a Linux without a controllable mitigation does, and PR_SET_ fails as it
 * fails there), machine-check kill policy (kept, per thread; skiff sees no machine checks), the I/O flusher flag
 * (kept), perf events (none exist: enable/disable do nothing, as on Linux with none), Yama's PR_SET_PTRACER (no
 * Yama: EINVAL as Linux without it), and the options of other architectures, which Linux on x86_64 refuses with
 * EINVAL too (unaligned access, FP emulation and exceptions, endianness, MIPS FP modes, SVE/SME, pointer
 * authentication, tagged addresses, MPX, RISC-V vectors). */
#include "syscalls.h"
#include "../kernel/cred.h"
#include "../arch/x86_64/arch.h"

#define PR_GET_UNALIGN 5
#define PR_SET_UNALIGN 6
#define PR_GET_FPEMU 9
#define PR_SET_FPEMU 10
#define PR_GET_FPEXC 11
#define PR_SET_FPEXC 12
#define PR_GET_ENDIAN 19
#define PR_SET_ENDIAN 20
#define PR_GET_TSC 25
#define PR_SET_TSC 26
#define PR_TASK_PERF_EVENTS_DISABLE 31
#define PR_TASK_PERF_EVENTS_ENABLE 32
#define PR_MCE_KILL 33
#define PR_MCE_KILL_GET 34
#define PR_MPX_ENABLE_MANAGEMENT 43
#define PR_MPX_DISABLE_MANAGEMENT 44
#define PR_SET_FP_MODE 45
#define PR_GET_FP_MODE 46
#define PR_SVE_SET_VL 50
#define PR_SVE_GET_VL 51
#define PR_GET_SPECULATION_CTRL 52
#define PR_SET_SPECULATION_CTRL 53
#define PR_PAC_RESET_KEYS 54
#define PR_SET_TAGGED_ADDR_CTRL 55
#define PR_GET_TAGGED_ADDR_CTRL 56
#define PR_SET_IO_FLUSHER 57
#define PR_GET_IO_FLUSHER 58
#define PR_PAC_SET_ENABLED_KEYS 60
#define PR_PAC_GET_ENABLED_KEYS 61
#define PR_SME_SET_VL 63
#define PR_SME_GET_VL 64
#define PR_RISCV_V_SET_CONTROL 69
#define PR_RISCV_V_GET_CONTROL 70
#define PR_SET_PTRACER 0x59616d61

#define PR_TSC_ENABLE 1
#define PR_TSC_SIGSEGV 2

#define PR_MCE_KILL_CLEAR 0
#define PR_MCE_KILL_SET 1
#define PR_MCE_KILL_LATE 0
#define PR_MCE_KILL_EARLY 1
#define PR_MCE_KILL_DEFAULT 2
#define MCE_PROCESS 1 /* the thread has its own policy */
#define MCE_EARLY 2

#define PR_SPEC_STORE_BYPASS 0
#define PR_SPEC_INDIRECT_BRANCH 1
#define PR_SPEC_L1D_FLUSH 2
#define PR_SPEC_ENABLE (1ul << 1)
#define PR_SPEC_DISABLE (1ul << 2)
#define PR_SPEC_FORCE_DISABLE (1ul << 3)

static bool other_arch(int opt)
{
    switch (opt) {
    case PR_GET_UNALIGN: case PR_SET_UNALIGN: case PR_GET_FPEMU: case PR_SET_FPEMU: case PR_GET_FPEXC:
    case PR_SET_FPEXC: case PR_GET_ENDIAN: case PR_SET_ENDIAN: case PR_MPX_ENABLE_MANAGEMENT:
    case PR_MPX_DISABLE_MANAGEMENT: case PR_SET_FP_MODE: case PR_GET_FP_MODE: case PR_SVE_SET_VL: case PR_SVE_GET_VL:
    case PR_PAC_RESET_KEYS: case PR_SET_TAGGED_ADDR_CTRL: case PR_GET_TAGGED_ADDR_CTRL: case PR_PAC_SET_ENABLED_KEYS:
    case PR_PAC_GET_ENABLED_KEYS: case PR_SME_SET_VL: case PR_SME_GET_VL: case PR_RISCV_V_SET_CONTROL:
    case PR_RISCV_V_GET_CONTROL:
        return true;
    }
    return false;
}

static long set_tsc(u64 mode)
{
    if (mode != PR_TSC_ENABLE && mode != PR_TSC_SIGSEGV)
        return -EINVAL;
    current->tsc_sigsegv = mode == PR_TSC_SIGSEGV;
    arch_set_tsd(current->tsc_sigsegv); /* from now on; each switch sets it for the task it runs */
    return 0;
}

static long mce_kill(u64 how, u64 policy)
{
    if (how == PR_MCE_KILL_CLEAR) {
        if (policy)
            return -EINVAL;
        current->mce_kill &= (u8)~MCE_PROCESS;
        return 0;
    }
    if (how != PR_MCE_KILL_SET)
        return -EINVAL;
    current->mce_kill |= MCE_PROCESS; /* before the policy is checked, as Linux does: a bad one leaves it set */
    if (policy == PR_MCE_KILL_EARLY)
        current->mce_kill |= MCE_EARLY;
    else if (policy == PR_MCE_KILL_LATE)
        current->mce_kill &= (u8)~MCE_EARLY;
    else if (policy == PR_MCE_KILL_DEFAULT)
        current->mce_kill = 0;
    else
        return -EINVAL;
    return 0;
}

static long mce_kill_get(void)
{
    if (!(current->mce_kill & MCE_PROCESS))
        return PR_MCE_KILL_DEFAULT;
    return (current->mce_kill & MCE_EARLY) ? PR_MCE_KILL_EARLY : PR_MCE_KILL_LATE;
}

/* As Linux reports a CPU whose mitigations are not under a program's control: store bypass and indirect branch
 * speculation on ("vulnerable", "always enabled"), the L1D flush on context switch unavailable. */
static long spec_get(u64 which)
{
    switch (which) {
    case PR_SPEC_STORE_BYPASS:
    case PR_SPEC_INDIRECT_BRANCH:
        return PR_SPEC_ENABLE;
    case PR_SPEC_L1D_FLUSH:
        return PR_SPEC_FORCE_DISABLE;
    }
    return -ENODEV;
}

static long spec_set(u64 which, u64 ctrl)
{
    switch (which) {
    case PR_SPEC_STORE_BYPASS:
        return -ENXIO; /* the mitigation is not in prctl mode */
    case PR_SPEC_INDIRECT_BRANCH:
        if (ctrl == PR_SPEC_ENABLE)
            return 0; /* it is enabled */
        return ctrl == PR_SPEC_DISABLE || ctrl == PR_SPEC_FORCE_DISABLE ? -EPERM : -ERANGE;
    case PR_SPEC_L1D_FLUSH:
        return -EPERM;
    }
    return -ENODEV;
}

static long io_flusher(bool set, u64 a1, u64 a2, u64 a3, u64 a4)
{
    if (!capable(CAP_SYS_RESOURCE))
        return -EPERM;
    if (!set)
        return a1 || a2 || a3 || a4 ? -EINVAL : current->io_flusher;
    if (a2 || a3 || a4 || a1 > 1)
        return -EINVAL;
    current->io_flusher = a1 == 1;
    return 0;
}

long prctl_cpu(int opt, u64 a1, u64 a2, u64 a3, u64 a4, bool *handled)
{
    *handled = true;
    if (other_arch(opt))
        return -EINVAL;
    switch (opt) {
    case PR_GET_TSC: {
        int v = current->tsc_sigsegv ? PR_TSC_SIGSEGV : PR_TSC_ENABLE;
        return copy_to_user((void *)a1, &v, sizeof(v)) ? -EFAULT : 0;
    }
    case PR_SET_TSC:
        return set_tsc(a1);
    case PR_TASK_PERF_EVENTS_DISABLE:
    case PR_TASK_PERF_EVENTS_ENABLE:
        return 0;
    case PR_MCE_KILL:
        return a3 | a4 ? -EINVAL : mce_kill(a1, a2);
    case PR_MCE_KILL_GET:
        return a1 | a2 | a3 | a4 ? -EINVAL : mce_kill_get();
    case PR_GET_SPECULATION_CTRL:
        return a2 || a3 || a4 ? -EINVAL : spec_get(a1);
    case PR_SET_SPECULATION_CTRL:
        return a3 || a4 ? -EINVAL : spec_set(a1, a2);
    case PR_SET_IO_FLUSHER:
    case PR_GET_IO_FLUSHER:
        return io_flusher(opt == PR_SET_IO_FLUSHER, a1, a2, a3, a4);
    case PR_SET_PTRACER:
        return -EINVAL; /* a Yama LSM option: not built in, as on Linux without Yama */
    }
    *handled = false;
    return 0;
}

/* fork and clone: what the new task inherits of these (Linux copies the task flags and TIF_NOTSC). */
void prctl_cpu_fork(struct task *child, const struct task *parent)
{
    child->mce_kill = parent->mce_kill;
    child->tsc_sigsegv = parent->tsc_sigsegv;
    child->io_flusher = parent->io_flusher;
}
