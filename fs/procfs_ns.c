/* fs/procfs_ns.c — /proc/PID/ns: a link per namespace the process is in, read as "uts:[N]" and followed to that
 * namespace's nsfs inode (fs/nsfs.c), as lsns and container tools compare them. skiff has one mount namespace
 * and UTS namespaces (unshare CLONE_NEWUTS); /proc/config.gz says the other kinds are not built, so, as on
 * such a Linux, they have no link here. unshare(CLONE_NEWNS), which skiff allows a process alone, keeps the one
 * mount table, so ns/mnt keeps its number. Numbers: Linux's fixed one for the first UTS namespace
 * (PROC_UTS_INIT_INO), its first dynamic ones for the mount namespace and new UTS namespaces. */
#include "procfs.h"
#include "../kernel/errno.h"

#define MNT_INUM 4026531841u /* the first mount namespace, as on a booted Linux */

static int ns_pid(const struct inode *link) { return (int)((u64)link->priv >> 32); }

static u32 inum_of(const struct inode *link, const char **kind)
{
    struct proc *p = proc_by_pid(ns_pid(link));
    bool uts = (u32)(u64)link->priv == 1;
    *kind = uts ? "uts" : "mnt";
    if (!p || p->zombie)
        return 0;
    return uts ? uts_inum(p) : MNT_INUM;
}

static void refresh_ns(struct inode *link)
{
    const char *kind;
    u32 inum = inum_of(link, &kind);
    char text[48];
    ksnprintf(text, sizeof(text), "%s:[%u]", kind, inum);
    char *t = inum ? kstrdup(text) : NULL;
    if (!t)
        return; /* the process is gone, or no memory: the old text stays */
    kfree(link->target);
    link->target = t;
    link->size = strlen(t);
}

static struct inode *resolve_ns(struct inode *link)
{
    const char *kind;
    u32 inum = inum_of(link, &kind);
    return inum ? nsfs_inode(kind, inum) : NULL;
}

int procfs_ns_add(struct inode *d, int pid)
{
    int err;
    struct inode *ns = ramfs_mkdir(d, "ns", 0511, &err); /* dr-x--x--x, as Linux's */
    if (!ns)
        return -ENOMEM;
    static const char *const kinds[] = { "mnt", "uts" };
    for (u32 i = 0; i < ARRAY_SIZE(kinds); i++) {
        struct inode *l = procfs_magic_link(ns, kinds[i], "", resolve_ns, refresh_ns);
        if (!l)
            return -ENOMEM;
        l->priv = PID_PRIV(pid, i);
    }
    return 0;
}
