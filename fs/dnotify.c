/* fs/dnotify.c — directory notification (fcntl F_NOTIFY, "dnotify"): through a descriptor of a directory, a
 * process asks to be told by a signal when an entry of that directory is read (DN_ACCESS), written or
 * truncated (DN_MODIFY), created or moved in (DN_CREATE), removed or moved out (DN_DELETE), renamed inside it
 * (DN_RENAME), or has its attributes changed (DN_ATTRIB; the directory's own too). Events in subdirectories
 * are not reported. The signal is the file's SIGIO, or F_SETSIG's with si_code POLL_MSG, si_band and si_fd
 * (fs/sigio.c); F_NOTIFY makes the caller's process the file's owner, as Linux. Without DN_MULTISHOT an entry
 * ends after its first signal. Requests add up; 0 (or DN_MULTISHOT alone) removes the descriptor's entry.
 * Entries hang on the directory's inode (inode->dnotify) and count as watches (fsnotify_active), so the VFS
 * reports to fsnotify() (fs/inotify.c), which hands each event here.
 * Difference from Linux: an entry ends at its open file's last close; Linux ends it at any close of a
 * descriptor for that file by the process that made it. */
#include "vfs.h"
#include "../kernel/proc.h"
#include "../kernel/errno.h"

#define DN_ACCESS 0x1
#define DN_MODIFY 0x2
#define DN_CREATE 0x4
#define DN_DELETE 0x8
#define DN_RENAME 0x10
#define DN_ATTRIB 0x20
#define DN_MULTISHOT 0x80000000u
#define F_OWNER_PID 1
#define POLL_MSG 3

struct dn_entry {
    struct dn_entry *next;
    struct file *f;   /* the directory's open file: the signal's owner and F_SETSIG */
    int fd;           /* the descriptor F_NOTIFY came through: si_fd */
    u32 mask;         /* DN_* bits */
};

static void entry_free(struct dn_entry **pp)
{
    struct dn_entry *e = *pp;
    *pp = e->next;
    kfree(e);
    watches_total--;
}

static struct dn_entry **find(struct inode *dir, struct file *f)
{
    struct dn_entry **pp = (struct dn_entry **)&dir->dnotify;
    while (*pp && (*pp)->f != f)
        pp = &(*pp)->next;
    return pp;
}

long dnotify_fcntl(struct file *f, int fd, u64 arg)
{
    struct inode *dir = f->inode;
    if (!dir || !S_ISDIR(dir->mode))
        return -ENOTDIR;
    u32 mask = (u32)arg;
    struct dn_entry **pp = find(dir, f);
    if (!(mask & ~DN_MULTISHOT)) {
        if (*pp)
            entry_free(pp);
        return 0;
    }
    if (!*pp) {
        struct dn_entry *e = kzalloc(sizeof(*e));
        if (!e)
            return -ENOMEM;
        e->f = f;
        *pp = e;
        watches_total++;
    }
    (*pp)->mask |= mask;
    (*pp)->fd = fd;
    f->own_type = F_OWNER_PID;
    f->own_id = current_proc()->pid;
    return 0;
}

/* The DN_ bits an fsnotify event (FSN_*) stands for; same_dir: a rename inside one directory. */
static u32 dn_bits(u32 fsn)
{
    u32 dn = 0;
    if (fsn & FSN_ACCESS)
        dn |= DN_ACCESS;
    if (fsn & FSN_MODIFY)
        dn |= DN_MODIFY;
    if (fsn & FSN_ATTRIB)
        dn |= DN_ATTRIB;
    if (fsn & (FSN_CREATE | FSN_MOVED_TO))
        dn |= DN_CREATE;
    if (fsn & (FSN_DELETE | FSN_MOVED_FROM))
        dn |= DN_DELETE;
    if (fsn & FSN_DN_RENAME)
        dn |= DN_RENAME;
    return dn;
}

void dnotify_event(struct inode *dir, u32 fsn)
{
    u32 dn = dn_bits(fsn);
    for (struct dn_entry **pp = (struct dn_entry **)&dir->dnotify; *pp;) {
        struct dn_entry *e = *pp;
        if (!(e->mask & dn)) {
            pp = &e->next;
            continue;
        }
        sigio_notify(e->f, e->fd, POLL_MSG);
        if (e->mask & DN_MULTISHOT)
            pp = &e->next;
        else
            entry_free(pp);
    }
}

/* The directory's open file is gone: its entry ends. */
void dnotify_release(struct file *f)
{
    if (f->inode && f->inode->dnotify) {
        struct dn_entry **pp = find(f->inode, f);
        if (*pp)
            entry_free(pp);
    }
}

/* The directory is gone: every entry on it ends. */
void dnotify_gone(struct inode *dir)
{
    while (dir->dnotify)
        entry_free((struct dn_entry **)&dir->dnotify);
}
