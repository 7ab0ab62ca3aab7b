/* fs/procfs_fdinfo.c — /proc/PID/fdinfo/N (proc(5)): an open file's position, flags (octal, with O_CLOEXEC
 * when the descriptor has it, and O_LARGEFILE for what open() opened, as a 64-bit Linux sets it), mount id (as
 * /proc/PID/mountinfo numbers the mounts) and inode number. The directory is rebuilt from the process's fd
 * table before every lookup or listing, as fd/ is. Type-specific lines (eventfd-count, epoll's tfd, inotify's
 * wd ...) are not written. */
#include "procfs.h"
#include "../kernel/errno.h"

#define O_LARGEFILE_K 0100000

static struct proc *fdinfo_proc(const struct inode *ino)
{
    struct proc *p = proc_by_pid((int)((u64)ino->priv >> 32));
    return p && !p->zombie ? p : NULL;
}

static int fdinfo_open(struct file *f)
{
    struct proc *p = fdinfo_proc(f->inode);
    int fd = (int)(u32)(u64)f->inode->priv;
    struct file *of = p ? fd_get(p->fdt, fd) : NULL;
    if (!of)
        return -ENOENT; /* closed since the listing */
    char *buf = kmalloc(GEN_SIZE);
    if (!buf)
        return -ENOMEM;
    u32 flags = of->flags | (fd_cloexec(p->fdt, fd) ? O_CLOEXEC : 0) | (of->dir ? O_LARGEFILE_K : 0);
    u64 mnt = of->inode && of->inode->sb ? of->inode->sb->dev : 1;
    int n = ksnprintf(buf, GEN_SIZE, "pos:\t%lu\nflags:\t0%o\nmnt_id:\t%lu\nino:\t%lu\n", of->off, flags, mnt,
                      of->inode ? of->inode->ino : 0ul);
    return procfs_keep_text(f, buf, n);
}

static const struct file_ops fdinfo_ops = { .open = fdinfo_open, .read = procfs_read, .release = procfs_release };

static void refresh_fdinfo_dir(struct inode *dir)
{
    while (dir->children)
        ramfs_unlink(dir, dir->children->name, false);
    struct proc *p = fdinfo_proc(dir);
    struct fdtable *t = p ? p->fdt : NULL;
    for (int fd = t ? fd_next_open(t, 0) : -1; fd >= 0; fd = fd_next_open(t, fd + 1)) {
        char name[16];
        ksnprintf(name, sizeof(name), "%d", fd);
        struct inode *ino = ramfs_new_inode(S_IFREG | 0444);
        if (!ino || ramfs_link(dir, name, ino)) {
            if (ino) {
                inode_get(ino);
                inode_put(ino); /* never linked: this frees it */
            }
            break; /* out of memory: the listing is cut short, as a failed readdir would be */
        }
        ino->fops = &fdinfo_ops;
        ino->priv = PID_PRIV(p->pid, fd);
        ino->uid = dir->uid, ino->gid = dir->gid;
    }
}

int procfs_fdinfo_add(struct inode *d, int pid)
{
    int err;
    struct inode *fi = ramfs_mkdir(d, "fdinfo", 0500, &err);
    if (!fi)
        return -ENOMEM;
    fi->priv = PID_PRIV(pid, 0);
    fi->refresh = refresh_fdinfo_dir;
    return 0;
}
