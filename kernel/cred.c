/* kernel/cred.c — how credentials move: the set*id rules of setuid(2), setreuid(2), setresuid(2) and
 * setfsuid(2) (and their group twins), the capability changes capabilities(7) ties to them ("Effect of user ID
 * changes on capabilities"), and what execve(2) gives a program (set-user-ID bits, root's capabilities). */
#include "cred.h"
#include "proc.h"
#include "errno.h"

static struct cred root_cred; /* what kernel code outside any task runs as (boot) */

void cred_init_root(struct cred *c)
{
    *c = (struct cred){ .cap_prm = CAP_FULL, .cap_eff = CAP_FULL, .cap_bnd = CAP_FULL };
}

/* c is the first task's: its count (RLIMIT_NPROC) moves to the new user. */
int cred_set_user(struct cred *c, u32 uid, u32 gid, const u32 *groups, u32 ngroups)
{
    struct group_info *g = ngroups ? groups_new(ngroups) : NULL;
    if ((ngroups && !g) || !ucount_move(c->uid, uid)) {
        groups_put(g);
        return -ENOMEM;
    }
    if (g) {
        memcpy(g->gid, groups, ngroups * sizeof(u32));
        groups_sort(g);
    }
    groups_put(c->groups);
    c->groups = g;
    c->uid = c->euid = c->suid = c->fsuid = uid;
    c->gid = c->egid = c->sgid = c->fsgid = gid;
    if (uid != 0) /* as docker run -u: a user other than root starts without capabilities */
        c->cap_prm = c->cap_eff = c->cap_inh = c->cap_amb = 0;
    return 0;
}

void cred_copy(struct cred *dst, const struct cred *src)
{
    *dst = *src;
    if (dst->groups)
        dst->groups->refs++;
}

void cred_release(struct cred *c)
{
    groups_put(c->groups);
    c->groups = NULL;
}

const struct cred *cred_current(void)
{
    if (!root_cred.cap_bnd)
        cred_init_root(&root_cred);
    return current ? &current->cred : &root_cred;
}

struct cred *cred_current_mut(void)
{
    return (struct cred *)cred_current();
}

bool capable(int cap)
{
    return (cred_current()->cap_eff >> cap) & 1;
}

struct group_info *groups_new(u32 n)
{
    struct group_info *g = kmalloc(sizeof(*g) + (size_t)n * sizeof(u32));
    if (g)
        g->refs = 1, g->n = n;
    return g;
}

void groups_put(struct group_info *g)
{
    if (g && --g->refs == 0)
        kfree(g);
}

void groups_sort(struct group_info *g) /* insertion sort: lists are short, and sorted ones stay O(n) */
{
    for (u32 i = 1; i < g->n; i++) {
        u32 v = g->gid[i], j = i;
        for (; j > 0 && g->gid[j - 1] > v; j--)
            g->gid[j] = g->gid[j - 1];
        g->gid[j] = v;
    }
}

static bool in_groups(const struct group_info *g, u32 gid)
{
    u32 lo = 0, hi = g ? g->n : 0;
    while (lo < hi) {
        u32 mid = (lo + hi) / 2;
        if (g->gid[mid] == gid)
            return true;
        if (g->gid[mid] < gid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

bool cred_in_group(const struct cred *c, u32 gid) { return c->fsgid == gid || in_groups(c->groups, gid); }
bool cred_in_egroup(const struct cred *c, u32 gid) { return c->egid == gid || in_groups(c->groups, gid); }

/* capabilities(7): all of root's uids leaving 0 drops permitted and effective (unless PR_SET_KEEPCAPS) and
 * ambient; the effective uid leaving 0 empties effective, coming back to 0 restores it from permitted. */
static void fix_caps_after_setuid(struct cred *c, const struct cred *old)
{
    bool was_root = old->uid == 0 || old->euid == 0 || old->suid == 0;
    bool is_root = c->uid == 0 || c->euid == 0 || c->suid == 0;
    if (was_root && !is_root) {
        if (!c->keepcaps)
            c->cap_prm = c->cap_eff = 0;
        c->cap_amb = 0;
    }
    if (old->euid == 0 && c->euid != 0)
        c->cap_eff = 0;
    if (old->euid != 0 && c->euid == 0)
        c->cap_eff = c->cap_prm;
}

static void fix_caps_after_setfsuid(struct cred *c, u32 old_fsuid)
{
    if (old_fsuid == 0 && c->fsuid != 0)
        c->cap_eff &= ~CAP_FS_MASK;
    if (old_fsuid != 0 && c->fsuid == 0)
        c->cap_eff |= c->cap_prm & CAP_FS_MASK;
}

static bool one_of(u32 id, u32 a, u32 b, u32 c) { return id == a || id == b || id == c; }

/* After a set*id call: a new real uid takes the task's count along (RLIMIT_NPROC). As on Linux, the call does
 * not fail when the new user is over its limit (programs that drop root rarely check), but the task is flagged
 * and its next execve fails with EAGAIN if the user is still over it then; a real uid of 0 is never flagged. */
static long uid_settled(struct cred *c, const struct cred *old)
{
    if (!current || c->uid == old->uid)
        return 0;
    if (!ucount_move(old->uid, c->uid)) {
        *c = *old;
        return -EAGAIN;
    }
    u64 others = ucount_tasks(c->uid) - 1; /* Linux looks before this task counts for its new user */
    current->nproc_exceeded = c->uid != 0 && others > current->proc->rlimits[RLIMIT_NPROC].cur;
    fix_caps_after_setuid(c, old);
    return 0;
}

long cred_setuid(u32 uid)
{
    struct cred *c = cred_current_mut(), old = *c;
    if (uid == ID_NONE)
        return -EINVAL;
    if (capable(CAP_SETUID))
        c->uid = c->suid = uid;
    else if (uid != c->uid && uid != c->suid)
        return -EPERM;
    c->euid = c->fsuid = uid;
    if (c->uid != old.uid)
        return uid_settled(c, &old);
    fix_caps_after_setuid(c, &old);
    return 0;
}

long cred_setgid(u32 gid)
{
    struct cred *c = cred_current_mut();
    if (gid == ID_NONE)
        return -EINVAL;
    if (capable(CAP_SETGID))
        c->gid = c->sgid = gid;
    else if (gid != c->gid && gid != c->sgid)
        return -EPERM;
    c->egid = c->fsgid = gid;
    return 0;
}

/* setreuid/setregid: -1 leaves an id alone; an unprivileged caller may swap real and effective; the saved id
 * follows the new effective one when the real one is set or the effective one moves off the old real one. */
static long set_re(u32 *r, u32 *e, u32 *s, u32 *fs, u32 nr, u32 ne, bool priv)
{
    if (nr != ID_NONE && !priv && nr != *r && nr != *e)
        return -EPERM;
    if (ne != ID_NONE && !priv && !one_of(ne, *r, *e, *s))
        return -EPERM;
    u32 old_r = *r;
    if (nr != ID_NONE)
        *r = nr;
    if (ne != ID_NONE)
        *e = ne;
    if (nr != ID_NONE || (ne != ID_NONE && ne != old_r))
        *s = *e;
    *fs = *e;
    return 0;
}

long cred_setreuid(u32 ruid, u32 euid)
{
    struct cred *c = cred_current_mut(), old = *c;
    long rc = set_re(&c->uid, &c->euid, &c->suid, &c->fsuid, ruid, euid, capable(CAP_SETUID));
    if (!rc && c->uid != old.uid)
        return uid_settled(c, &old);
    if (!rc)
        fix_caps_after_setuid(c, &old);
    return rc;
}

long cred_setregid(u32 rgid, u32 egid)
{
    struct cred *c = cred_current_mut();
    return set_re(&c->gid, &c->egid, &c->sgid, &c->fsgid, rgid, egid, capable(CAP_SETGID));
}

/* setresuid/setresgid: unprivileged, each new id must be one of the current real, effective or saved. */
static long set_res(u32 *r, u32 *e, u32 *s, u32 *fs, u32 nr, u32 ne, u32 ns, bool priv)
{
    u32 want[3] = { nr, ne, ns };
    for (int i = 0; i < 3 && !priv; i++)
        if (want[i] != ID_NONE && !one_of(want[i], *r, *e, *s))
            return -EPERM;
    if (nr != ID_NONE)
        *r = nr;
    if (ne != ID_NONE)
        *e = ne;
    if (ns != ID_NONE)
        *s = ns;
    *fs = *e;
    return 0;
}

long cred_setresuid(u32 ruid, u32 euid, u32 suid)
{
    struct cred *c = cred_current_mut(), old = *c;
    long rc = set_res(&c->uid, &c->euid, &c->suid, &c->fsuid, ruid, euid, suid, capable(CAP_SETUID));
    if (!rc && c->uid != old.uid)
        return uid_settled(c, &old);
    if (!rc)
        fix_caps_after_setuid(c, &old);
    return rc;
}

long cred_setresgid(u32 rgid, u32 egid, u32 sgid)
{
    struct cred *c = cred_current_mut();
    return set_res(&c->gid, &c->egid, &c->sgid, &c->fsgid, rgid, egid, sgid, capable(CAP_SETGID));
}

/* setfsuid never fails: it returns the old value, and changes it only to one of the caller's ids (or to any
 * with CAP_SETUID). */
u32 cred_setfsuid(u32 fsuid)
{
    struct cred *c = cred_current_mut();
    u32 old = c->fsuid;
    if (fsuid != ID_NONE && (one_of(fsuid, c->uid, c->euid, c->suid) || fsuid == c->fsuid || capable(CAP_SETUID))) {
        c->fsuid = fsuid;
        fix_caps_after_setfsuid(c, old);
    }
    return old;
}

u32 cred_setfsgid(u32 fsgid)
{
    struct cred *c = cred_current_mut();
    u32 old = c->fsgid;
    if (fsgid != ID_NONE && (one_of(fsgid, c->gid, c->egid, c->sgid) || fsgid == c->fsgid || capable(CAP_SETGID)))
        c->fsgid = fsgid;
    return old;
}

/* kill(2): another process's signals need a real or effective uid of the sender to match the target's real
 * or saved uid, or CAP_KILL; SIGCONT also goes to any process of the sender's session. */
bool cred_may_signal(const struct task *t, int sig)
{
    if (!current || t->proc == current->proc)
        return true;
    const struct cred *c = cred_current(), *tc = &t->cred;
    if (c->euid == tc->suid || c->euid == tc->uid || c->uid == tc->suid || c->uid == tc->uid)
        return true;
    if (capable(CAP_KILL))
        return true;
    return sig == SIGCONT && t->proc->sid == current->proc->sid;
}
