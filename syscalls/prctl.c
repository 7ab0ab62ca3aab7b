/* syscalls/prctl.c — prctl(2)'s process attributes that are plain state: dumpable (PR_SET/GET_DUMPABLE: 0 after
 * a set-ID execve or a change of the effective or filesystem ids, as Linux with suid_dumpable 0), timer slack
 * (PR_SET/GET_TIMERSLACK: kept and reported; skiff's timers fire on time whatever it says), the clear_child_tid
 * address (PR_GET_TID_ADDRESS), "THP disable" (PR_SET/GET_THP_DISABLE: kept; skiff has no huge pages), the
 * and process timing (PR_GET/SET_TIMING: statistical only, as Linux). The rest of prctl is in syscalls/sys.c,
 * syscalls/capability.c and syscalls/seccomp.c. */
#include "syscalls.h"

#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_GET_TIMING 13
#define PR_SET_TIMING 14
#define PR_GET_TIMERSLACK 30
#define PR_SET_TIMERSLACK 29
#define PR_SET_THP_DISABLE 41
#define PR_GET_THP_DISABLE 42
#define PR_GET_TID_ADDRESS 40

static u64 slack(const struct task *t)
{
    return t->timer_slack_ns ? t->timer_slack_ns : TIMER_SLACK_DEFAULT;
}

static long timer_slack(u64 ns)
{
    current->timer_slack_ns = (i64)ns > 0 ? ns : (current->timer_slack_default ? current->timer_slack_default
                                                                                 : TIMER_SLACK_DEFAULT);
    return 0;
}

/* Handles opt when it is one of the above (*handled), with Linux's argument checks. */
long prctl_misc(int opt, u64 a1, u64 a2, u64 a3, u64 a4, bool *handled)
{
    struct vm_space *vs = current_proc()->vm;
    *handled = true;
    switch (opt) {
    case PR_GET_DUMPABLE:
        return !vs->undumpable;
    case PR_SET_DUMPABLE:
        if (a1 > 1)
            return -EINVAL;
        vs->undumpable = a1 == 0;
        return 0;
    case PR_GET_TIMING:
        return 0; /* PR_TIMING_STATISTICAL */
    case PR_SET_TIMING:
        return a1 == 0 ? 0 : -EINVAL; /* PR_TIMING_TIMESTAMP was never implemented, on Linux either */
    case PR_GET_TIMERSLACK:
        return (long)slack(current);
    case PR_SET_TIMERSLACK:
        return timer_slack(a1);
    case PR_GET_TID_ADDRESS:
        return copy_to_user((void *)a1, &current->clear_child_tid, sizeof(u64)) ? -EFAULT : 0;
    case PR_SET_THP_DISABLE:
        if (a2 || a3 || a4)
            return -EINVAL;
        vs->thp_disable = a1 != 0;
        return 0;
    case PR_GET_THP_DISABLE:
        if (a1 || a2 || a3 || a4)
            return -EINVAL;
        return vs->thp_disable;
    default:
        *handled = false;
        return 0;
    }
}

/* commit_creds' rule: a change of the effective or filesystem user or group id makes the process undumpable. */
void prctl_creds_changed(u32 euid, u32 egid, u32 fsuid, u32 fsgid)
{
    const struct cred *c = cred_current();
    struct vm_space *vs = current_proc()->vm;
    if (vs && (c->euid != euid || c->egid != egid || c->fsuid != fsuid || c->fsgid != fsgid))
        vs->undumpable = true;
}
