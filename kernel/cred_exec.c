/* kernel/cred_exec.c — the credentials execve(2) gives a program: the file's set-user-ID and set-group-ID bits
 * (ignored on a nosuid mount and under PR_SET_NO_NEW_PRIVS), then capabilities(7)'s "Transformation of
 * capabilities during execve()" with root's special case (skiff stores no file capabilities: a file's sets are
 * empty, except that for root they are full). */
#include "cred.h"
#include "../fs/vfs.h"

void cred_exec(const struct cred *old, const struct inode *ino, bool nosuid, struct cred *n, bool *secure)
{
    cred_copy(n, old);
    if (!nosuid && !old->no_new_privs) {
        if (ino->mode & S_ISUID)
            n->euid = ino->uid;
        if ((ino->mode & (S_ISGID | 0010)) == (S_ISGID | 0010)) /* S_ISGID without group x: mandatory locking */
            n->egid = ino->gid;
    }
    bool setid = n->euid != old->euid || n->egid != old->egid; /* the file's set-ID bits changed them */
    bool fe = n->euid == 0;                            /* root's file effective bit */
    u64 prm = 0;
    if (n->euid == 0 || n->uid == 0)                   /* root's file permitted and inheritable sets: full */
        prm = old->cap_bnd | old->cap_inh;
    bool gained = prm & ~old->cap_prm;
    if ((setid || gained) && old->no_new_privs) {
        n->euid = n->uid;                              /* no new privileges: nothing is gained */
        n->egid = n->gid;
        prm &= old->cap_prm;
    }
    n->suid = n->fsuid = n->euid;
    n->sgid = n->fsgid = n->egid;
    if (setid)
        n->cap_amb = 0;                                /* a set-ID program starts without ambient capabilities */
    prm |= n->cap_amb;
    n->cap_prm = prm;
    n->cap_eff = fe ? prm : n->cap_amb;
    n->keepcaps = false;
    /* AT_SECURE: running with ids other than the caller's real ones, or capabilities a non-root gained */
    *secure = n->euid != old->uid || n->egid != old->gid || (n->uid != 0 && (fe || (prm & ~old->cap_prm)));
}
