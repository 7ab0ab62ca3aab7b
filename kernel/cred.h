/* kernel/cred.h — credentials(7) and capabilities(7): each task's real, effective, saved and filesystem user
 * and group ids, its supplementary groups, its five capability sets and the flags that change how they move
 * (PR_SET_KEEPCAPS, PR_SET_NO_NEW_PRIVS). They belong to the task, as on Linux: glibc makes set*id apply to
 * every thread itself (it signals each one). The rules that move them live in kernel/cred.c; the permission
 * checks that read them in fs/perm.c. */
#ifndef SKIFF_CRED_H
#define SKIFF_CRED_H

#include "kernel.h"

#define CAP_CHOWN 0
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER 3
#define CAP_FSETID 4
#define CAP_KILL 5
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SETPCAP 8
#define CAP_LINUX_IMMUTABLE 9
#define CAP_NET_BIND_SERVICE 10
#define CAP_NET_RAW 13
#define CAP_IPC_LOCK 14
#define CAP_IPC_OWNER 15
#define CAP_SYS_CHROOT 18
#define CAP_SYS_PTRACE 19
#define CAP_SYS_ADMIN 21
#define CAP_SYS_NICE 23
#define CAP_SYS_RESOURCE 24
#define CAP_SYS_TIME 25
#define CAP_MKNOD 27
#define CAP_MAC_OVERRIDE 32
#define CAP_SYSLOG 34
#define CAP_CHECKPOINT_RESTORE 40
#define CAP_LAST_CAP 40                          /* CAP_CHECKPOINT_RESTORE, as /proc/sys/kernel/cap_last_cap */
#define CAP_FULL ((1ull << (CAP_LAST_CAP + 1)) - 1)
#define CAP_BIT(c) (1ull << (c))
/* What a filesystem uid change to or from 0 takes away or gives back (capabilities(7), "fsuid") */
#define CAP_FS_MASK (CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_DAC_OVERRIDE) | CAP_BIT(CAP_DAC_READ_SEARCH) | \
                     CAP_BIT(CAP_FOWNER) | CAP_BIT(CAP_FSETID) | CAP_BIT(CAP_LINUX_IMMUTABLE) | \
                     CAP_BIT(CAP_MKNOD) | CAP_BIT(CAP_MAC_OVERRIDE))
#define NGROUPS_MAX 65536
#define ID_NONE 0xffffffffu                      /* (uid_t)-1: "unchanged" for set*id, never a valid id */

/* Supplementary groups, sorted (getgroups returns them in that order, as Linux); shared between tasks until
 * one of them calls setgroups. */
struct group_info {
    int refs;
    u32 n;
    u32 gid[];
};

struct cred {
    u32 uid, euid, suid, fsuid;
    u32 gid, egid, sgid, fsgid;
    struct group_info *groups;                   /* NULL: none */
    u64 cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
    bool keepcaps;                               /* SECBIT_KEEP_CAPS: cleared by execve */
    bool no_new_privs;                           /* inherited, never cleared */
};

struct inode;

void cred_init_root(struct cred *c);             /* the first task: root with every capability */
/* The first task as `user=UID:GID[:G1,G2...]` asked (tools/skiff run --user): those ids, no capabilities. */
int cred_set_user(struct cred *c, u32 uid, u32 gid, const u32 *groups, u32 ngroups);
void user_apply(struct cred *c, const char *spec);        /* kernel/user.c: `user=USER[:GROUP]` */
void cred_copy(struct cred *dst, const struct cred *src);  /* fork, clone: groups shared */
void cred_release(struct cred *c);                         /* the task ends */
const struct cred *cred_current(void);                     /* the caller's (a kernel thread: root's) */
struct cred *cred_current_mut(void);
bool capable(int cap);                           /* the caller's effective set holds cap */
bool cred_in_group(const struct cred *c, u32 gid);         /* fsgid or a supplementary group */
bool cred_in_egroup(const struct cred *c, u32 gid);        /* egid or a supplementary group */
struct task;
bool cred_may_signal(const struct task *t, int sig);       /* kill(2)'s permission check */
/* What execve gives the program in ino: ids from its set-user/group-ID bits (unless nosuid or
 * no_new_privs), capabilities by capabilities(7)'s rules with its file capabilities; *secure: AT_SECURE. new
 * starts as a copy. 0, or the exec's error: EINVAL (a malformed security.capability), EPERM (file capabilities
 * it cannot have with the effective bit). */
int cred_exec(const struct cred *old, const struct inode *ino, bool nosuid, struct cred *new, bool *secure);
struct group_info *groups_new(u32 n);            /* refs 1, n entries to fill; NULL when out of memory */
void groups_put(struct group_info *g);
void groups_sort(struct group_info *g);

/* The set*id family's rules (kernel/cred.c): 0 or -EPERM/-EINVAL, on the caller's credentials. */
long cred_setuid(u32 uid);
long cred_setgid(u32 gid);
long cred_setreuid(u32 ruid, u32 euid);
long cred_setregid(u32 rgid, u32 egid);
long cred_setresuid(u32 ruid, u32 euid, u32 suid);
long cred_setresgid(u32 rgid, u32 egid, u32 sgid);
u32 cred_setfsuid(u32 fsuid);                    /* the old fsuid, changed or not */
u32 cred_setfsgid(u32 fsgid);

#endif
