/* syscalls/capability.c — capget(2)/capset(2) with the three header versions (v1: 32 bits; v2, v3: 64), and
 * prctl(2)'s capability and privilege commands. The sets themselves are in each task's struct cred. */
#include "syscalls.h"

#define CAP_V1 0x19980330u
#define CAP_V2 0x20071026u
#define CAP_V3 0x20080522u

struct cap_header { u32 version; i32 pid; };
struct cap_data { u32 effective, permitted, inheritable; };
_Static_assert(sizeof(struct cap_header) == 8 && sizeof(struct cap_data) == 12, "linux/capability.h");

/* The header's version: how many data structs follow (1 or 2). An unknown one gets v3 written back (so a
 * library learns the version to use) and EINVAL. */
static long cap_version(u64 uhdr, int *words)
{
    u32 v;
    if (copy_from_user(&v, (const void *)uhdr, 4))
        return -EFAULT;
    if (v == CAP_V1) {
        *words = 1;
        return 0;
    }
    if (v == CAP_V2 || v == CAP_V3) {
        *words = 2;
        return 0;
    }
    v = CAP_V3;
    return copy_to_user((void *)uhdr, &v, 4) ? -EFAULT : -EINVAL;
}

/* The task pid names: 0 is the caller; a thread id names that thread. */
static struct task *cap_target(int pid)
{
    return pid == 0 ? current : task_by_tid(pid);
}

SYSCALL(capget)
{
    int words;
    long rc = cap_version(a0, &words);
    if (!a1 || rc)
        return !a1 && rc == -EINVAL ? 0 : rc; /* a probe with no data pointer learns the version */
    i32 pid;
    if (copy_from_user(&pid, (const void *)(a0 + 4), 4))
        return -EFAULT;
    if (pid < 0)
        return -EINVAL;
    struct task *t = cap_target(pid);
    if (!t || t->state == TASK_DEAD)
        return -ESRCH;
    const struct cred *c = &t->cred;
    struct cap_data d[2];
    for (int i = 0; i < 2; i++)
        d[i] = (struct cap_data){ (u32)(c->cap_eff >> (32 * i)), (u32)(c->cap_prm >> (32 * i)),
                                  (u32)(c->cap_inh >> (32 * i)) };
    return copy_to_user((void *)a1, d, words * sizeof(d[0])) ? -EFAULT : 0;
}

static bool subset(u64 a, u64 b) { return !(a & ~b); }

/* capset: only the caller's own sets. Inheritable may grow within permitted (or within the bounding set with
 * CAP_SETPCAP), permitted may only shrink, effective must stay within the new permitted. */
SYSCALL(capset)
{
    int words;
    long rc = cap_version(a0, &words);
    if (rc)
        return rc;
    i32 pid;
    if (copy_from_user(&pid, (const void *)(a0 + 4), 4))
        return -EFAULT;
    if (pid != 0 && pid != current->tid)
        return -EPERM;
    struct cap_data d[2] = { 0 };
    if (copy_from_user(d, (const void *)a1, words * sizeof(d[0])))
        return -EFAULT;
    u64 eff = (d[0].effective | (u64)d[1].effective << 32) & CAP_FULL;
    u64 prm = (d[0].permitted | (u64)d[1].permitted << 32) & CAP_FULL;
    u64 inh = (d[0].inheritable | (u64)d[1].inheritable << 32) & CAP_FULL;
    struct cred *c = cred_current_mut();
    if (!capable(CAP_SETPCAP) && !subset(inh, c->cap_inh | c->cap_prm))
        return -EPERM;
    if (!subset(inh, c->cap_inh | c->cap_bnd) || !subset(prm, c->cap_prm) || !subset(eff, prm))
        return -EPERM;
    c->cap_eff = eff, c->cap_prm = prm, c->cap_inh = inh;
    c->cap_amb &= prm & inh; /* ambient stays within permitted and inheritable */
    return 0;
}

#define PR_GET_KEEPCAPS 7
#define PR_SET_KEEPCAPS 8
#define PR_CAPBSET_READ 23
#define PR_CAPBSET_DROP 24
#define PR_GET_SECUREBITS 27
#define PR_SET_SECUREBITS 28
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_CAP_AMBIENT 47
#define SECBIT_KEEP_CAPS 0x10

static bool cap_valid(u64 cap) { return cap <= CAP_LAST_CAP; }

static long prctl_ambient(struct cred *c, u64 op, u64 cap, u64 a4, u64 a5)
{
    if (op == 4) { /* PR_CAP_AMBIENT_CLEAR_ALL */
        if (cap | a4 | a5)
            return -EINVAL;
        c->cap_amb = 0;
        return 0;
    }
    if (!cap_valid(cap) || a4 || a5)
        return -EINVAL;
    switch (op) {
    case 1: /* IS_SET */
        return (c->cap_amb >> cap) & 1;
    case 2: /* RAISE: only what is both permitted and inheritable */
        if (!((c->cap_prm & c->cap_inh) >> cap & 1))
            return -EPERM;
        c->cap_amb |= CAP_BIT(cap);
        return 0;
    case 3: /* LOWER */
        c->cap_amb &= ~CAP_BIT(cap);
        return 0;
    default:
        return -EINVAL;
    }
}

/* prctl's credential commands: *handled is false for every other option. */
long cred_prctl(int option, u64 a2, u64 a3, u64 a4, u64 a5, bool *handled)
{
    struct cred *c = cred_current_mut();
    *handled = true;
    switch (option) {
    case PR_GET_KEEPCAPS:
        return c->keepcaps;
    case PR_SET_KEEPCAPS:
        if (a2 > 1)
            return -EINVAL;
        c->keepcaps = a2;
        return 0;
    case PR_GET_SECUREBITS:
        return c->keepcaps ? SECBIT_KEEP_CAPS : 0;
    case PR_SET_SECUREBITS: /* only keep-caps is kept; the others (noroot, no-setuid-fixup, locks) are not */
        if (!capable(CAP_SETPCAP) || a2 > 0xff) /* 0xff: the four bits and their locks */
            return -EPERM;
        if (a2 & ~(u64)SECBIT_KEEP_CAPS) {
            kerr("skiff: prctl(PR_SET_SECUREBITS, %#lx): only SECBIT_KEEP_CAPS is implemented: EINVAL\n", a2);
            return -EINVAL;
        }
        c->keepcaps = a2 != 0;
        return 0;
    case PR_CAPBSET_READ:
        return cap_valid(a2) ? (long)((c->cap_bnd >> a2) & 1) : -EINVAL;
    case PR_CAPBSET_DROP:
        if (!capable(CAP_SETPCAP))
            return -EPERM;
        if (!cap_valid(a2))
            return -EINVAL;
        c->cap_bnd &= ~CAP_BIT(a2);
        return 0;
    case PR_SET_NO_NEW_PRIVS:
        if (a2 != 1 || a3 || a4 || a5)
            return -EINVAL;
        c->no_new_privs = true;
        return 0;
    case PR_GET_NO_NEW_PRIVS:
        return a2 || a3 || a4 || a5 ? -EINVAL : c->no_new_privs;
    case PR_CAP_AMBIENT:
        return prctl_ambient(c, a2, a3, a4, a5);
    default:
        *handled = false;
        return -EINVAL;
    }
}
