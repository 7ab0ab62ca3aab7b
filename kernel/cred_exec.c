/* kernel/cred_exec.c — the credentials execve(2) gives a program: the file's set-user-ID and set-group-ID bits
 * (ignored on a nosuid mount and under PR_SET_NO_NEW_PRIVS), then capabilities(7)'s "Transformation of
 * capabilities during execve()":
 *   P'(permitted) = (P(inheritable) & F(inheritable)) | (F(permitted) & P(bounding)) | P'(ambient)
 *   P'(effective) = F(effective) ? P'(permitted) : P'(ambient)
 * with the file's sets from its security.capability attribute, through the inode's getxattr (the RAM
 * filesystems, the overlay root; 9p volumes would pass the host's on, but QEMU's server under skiff's
 * security_model=none keeps no security.*: EOPNOTSUPP, so files there have none). A file with capabilities
 * clears the ambient set. As Linux in the initial user namespace: a v3 value whose rootid is not 0 counts as
 * no value; a malformed one fails the exec with EINVAL (another read error with that error); a nosuid mount
 * ignores the attribute; with the effective bit, a file permitted capability not gained fails the exec with
 * EPERM ("capability-dumb" programs). Root's special case (skiff's only securebit is KEEP_CAPS, so
 * SECBIT_NOROOT is always unset): when the real or effective uid becomes 0 the file's sets count as full, and
 * an effective uid 0 sets the effective bit (a real uid 0 alone keeps the file's), except for a
 * set-user-ID-root file with capabilities run by a non-root, which gets the file's capabilities.
 * PR_SET_NO_NEW_PRIVS still reads the attribute (it clears ambient) but keeps what is gained to the old
 * permitted set. Not done: Linux's ptrace downgrade (a traced exec that would gain privileges). */
#include "cred.h"
#include "../fs/vfs.h"
#include "errno.h"

#define XATTR_CAPS "security.capability"
#define VFS_CAP_EFFECTIVE 1u

struct fcaps {
    u64 prm, inh;
    bool eff;
};

static u64 le32_at(const u8 *p)
{
    return (u64)p[0] | (u64)p[1] << 8 | (u64)p[2] << 16 | (u64)p[3] << 24;
}

/* The file's capability sets: 1 when it has some, 0 when none (no value, or a v3 value for a root other than
 * uid 0), -EINVAL for a value Linux cannot read (bad version or size), or the filesystem's error. */
static int fcaps_read(const struct inode *ino, struct fcaps *fc)
{
    u8 v[24];
    struct inode *i = (struct inode *)ino; /* getxattr changes nothing, but its type takes a mutable inode */
    if (!i->iops || !i->iops->getxattr)
        return 0;
    long n = i->iops->getxattr(i, XATTR_CAPS, v, sizeof(v));
    if (n == -ENODATA || n == -EOPNOTSUPP)
        return 0; /* none, or a filesystem without security.* (a 9p volume under QEMU's security_model=none) */
    if (n < 0)
        return (int)n; /* as Linux: the exec fails (ERANGE for a value longer than any version, EIO) */
    if (n < 4)
        return -EINVAL;
    u32 magic = (u32)le32_at(v), ver = magic >> 24;
    if (!(ver == 1 && n == 12) && !(ver == 2 && n == 20) && !(ver == 3 && n == 24))
        return -EINVAL;
    if (ver == 3 && le32_at(v + 20) != 0)
        return 0; /* not this namespace's root: skiff has only the initial user namespace */
    fc->eff = magic & VFS_CAP_EFFECTIVE;
    fc->prm = le32_at(v + 4);
    fc->inh = le32_at(v + 8);
    if (ver > 1) {
        fc->prm |= le32_at(v + 12) << 32;
        fc->inh |= le32_at(v + 16) << 32;
    }
    fc->prm &= CAP_FULL;
    fc->inh &= CAP_FULL;
    return 1;
}

/* The new permitted set before ambient, and the effective bit: the file's sets, or root's full ones */
static int caps_from_file(const struct cred *old, const struct cred *n, const struct fcaps *fc, bool has_fcap,
                          u64 *prm, bool *fe)
{
    *fe = has_fcap && fc->eff;
    *prm = has_fcap ? (old->cap_bnd & fc->prm) | (old->cap_inh & fc->inh) : 0;
    /* capability-dumb programs: run with the effective bit only if every file permitted capability came */
    int rc = *fe && (fc->prm & ~*prm) ? -EPERM : 0;
    if (rc)
        *prm = 0;
    bool suid_root = n->euid == 0 && n->uid != 0;
    if (has_fcap && suid_root)
        return rc; /* a set-user-ID-root file with capabilities: those, not root's */
    if (n->euid == 0 || n->uid == 0)
        *prm = old->cap_bnd | old->cap_inh;
    if (n->euid == 0)
        *fe = true;
    return rc;
}

int cred_exec(const struct cred *old, const struct inode *ino, bool nosuid, struct cred *n, bool *secure)
{
    cred_copy(n, old);
    if (!nosuid && !old->no_new_privs) {
        if (ino->mode & S_ISUID)
            n->euid = ino->uid;
        if ((ino->mode & (S_ISGID | 0010)) == (S_ISGID | 0010)) /* S_ISGID without group x: mandatory locking */
            n->egid = ino->gid;
    }
    struct fcaps fc = { 0, 0, false };
    int has_fcap = nosuid ? 0 : fcaps_read(ino, &fc);
    if (has_fcap < 0)
        return has_fcap;
    u64 prm;
    bool fe;
    int rc = caps_from_file(old, n, &fc, has_fcap, &prm, &fe);
    if (rc)
        return rc;
    bool setid = n->euid != old->euid || n->egid != old->egid; /* the file's set-ID bits changed them */
    bool gained = prm & ~old->cap_prm;
    if ((setid || gained) && old->no_new_privs) {
        n->euid = n->uid;                              /* no new privileges: nothing is gained */
        n->egid = n->gid;
        prm &= old->cap_prm;
    }
    n->suid = n->fsuid = n->euid;
    n->sgid = n->fsgid = n->egid;
    if (setid || has_fcap)
        n->cap_amb = 0;                                /* a set-ID or privileged program starts without ambient */
    prm |= n->cap_amb;
    n->cap_prm = prm;
    n->cap_eff = fe ? prm : n->cap_amb;
    n->keepcaps = false;
    /* AT_SECURE: running with ids other than the caller's real ones, or (a non-root) the file's effective bit or
     * capabilities beyond the ambient ones */
    *secure = n->euid != old->uid || n->egid != old->gid || (n->uid != 0 && (fe || (prm & ~n->cap_amb)));
    return 0;
}
