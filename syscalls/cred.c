/* syscalls/cred.c — the caller's credentials (credentials(7)): the get/set*id family, setfsuid/setfsgid,
 * getgroups/setgroups, capget/capset, and prctl's capability commands (keepcaps, the bounding set, ambient
 * capabilities, no_new_privs, securebits). The rules themselves are kernel/cred.c's. */
#include "syscalls.h"

SYSCALL(getuid) { return cred_current()->uid; }
SYSCALL(geteuid) { return cred_current()->euid; }
SYSCALL(getgid) { return cred_current()->gid; }
SYSCALL(getegid) { return cred_current()->egid; }
/* A set*id call; a change of the effective or filesystem ids makes the process undumpable (syscalls/prctl.c). */
#define CRED_CALL(expr)                                                                                      \
    ({                                                                                                       \
        const struct cred *c_ = cred_current();                                                              \
        u32 e_ = c_->euid, g_ = c_->egid, fu_ = c_->fsuid, fg_ = c_->fsgid;                                  \
        long r_ = (long)(expr);                                                                              \
        prctl_creds_changed(e_, g_, fu_, fg_);                                                               \
        r_;                                                                                                  \
    })

SYSCALL(setuid) { return CRED_CALL(cred_setuid((u32)a0)); }
SYSCALL(setgid) { return CRED_CALL(cred_setgid((u32)a0)); }
SYSCALL(setreuid) { return CRED_CALL(cred_setreuid((u32)a0, (u32)a1)); }
SYSCALL(setregid) { return CRED_CALL(cred_setregid((u32)a0, (u32)a1)); }
SYSCALL(setresuid) { return CRED_CALL(cred_setresuid((u32)a0, (u32)a1, (u32)a2)); }
SYSCALL(setresgid) { return CRED_CALL(cred_setresgid((u32)a0, (u32)a1, (u32)a2)); }
SYSCALL(setfsuid) { return (u32)CRED_CALL(cred_setfsuid((u32)a0)); }
SYSCALL(setfsgid) { return (u32)CRED_CALL(cred_setfsgid((u32)a0)); }

/* Linux writes the three ids in order and stops at the first that faults. */
static long put_ids(u64 a, u64 b, u64 c, const u32 id[3])
{
    if (copy_to_user((void *)a, &id[0], 4) || copy_to_user((void *)b, &id[1], 4) ||
        copy_to_user((void *)c, &id[2], 4))
        return -EFAULT;
    return 0;
}

SYSCALL(getresuid)
{
    const struct cred *c = cred_current();
    u32 id[3] = { c->uid, c->euid, c->suid };
    return put_ids(a0, a1, a2, id);
}

SYSCALL(getresgid)
{
    const struct cred *c = cred_current();
    u32 id[3] = { c->gid, c->egid, c->sgid };
    return put_ids(a0, a1, a2, id);
}

/* getgroups(size, list): size 0 asks for the count; a list too small for them all is EINVAL. */
SYSCALL(getgroups)
{
    const struct group_info *g = cred_current()->groups;
    u32 n = g ? g->n : 0;
    if ((int)a0 < 0)
        return -EINVAL;
    if ((int)a0 == 0)
        return n;
    if ((u32)a0 < n)
        return -EINVAL;
    if (n && copy_to_user((void *)a1, g->gid, n * sizeof(u32)))
        return -EFAULT;
    return n;
}

/* setgroups: CAP_SETGID first (EPERM), then the size (EINVAL), then the list (EFAULT; -1: EINVAL). */
SYSCALL(setgroups)
{
    if (!capable(CAP_SETGID))
        return -EPERM;
    if ((u32)a0 > NGROUPS_MAX)
        return -EINVAL;
    u32 n = (u32)a0;
    struct group_info *g = n ? groups_new(n) : NULL;
    if (n && !g)
        return -ENOMEM;
    if (n && copy_from_user(g->gid, (const void *)a1, n * sizeof(u32)))
        return groups_put(g), -EFAULT;
    for (u32 i = 0; i < n; i++)
        if (g->gid[i] == ID_NONE)
            return groups_put(g), -EINVAL;
    if (g)
        groups_sort(g);
    struct cred *c = cred_current_mut();
    groups_put(c->groups);
    c->groups = g;
    return 0;
}
