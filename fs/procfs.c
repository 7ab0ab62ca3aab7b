/* fs/procfs.c — a small /proc. Each file's text is generated when it is opened (so a read sees one
 * consistent snapshot) and then read like a regular file. Today: uptime, meminfo, and skiff/boot_us (the
 * kernel's own measure of the time from its first instruction to the program's first instruction). */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/boot.h"

struct gen_text {
    char *buf;
    size_t len;
};

typedef int (*proc_gen)(char *buf, size_t size);

static int gen_uptime(char *buf, size_t size)
{
    u64 ns = clock_monotonic_ns();
    return ksnprintf(buf, size, "%lu.%02lu %lu.%02lu\n", ns / 1000000000, ns / 10000000 % 100,
                     ns / 1000000000, ns / 10000000 % 100);
}

static int gen_meminfo(char *buf, size_t size)
{
    u64 total = pmm_total_pages() * 4, free = pmm_free_pages() * 4;
    return ksnprintf(buf, size, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n",
                     total, free, free);
}

static int gen_boot_us(char *buf, size_t size)
{
    return ksnprintf(buf, size, "%lu\n", clock_tsc_to_ns(boot.user_entry_tsc - boot.boot_tsc) / 1000);
}

static int proc_open(struct file *f)
{
    proc_gen gen = (proc_gen)f->inode->priv;
    struct gen_text *t = kzalloc(sizeof(*t));
    char *buf = kmalloc(PAGE_SIZE);
    if (!t || !buf) {
        kfree(t);
        kfree(buf);
        return -ENOMEM;
    }
    int n = gen(buf, PAGE_SIZE);
    *t = (struct gen_text){ buf, (size_t)MIN(n, (int)PAGE_SIZE - 1) };
    f->priv = t;
    return 0;
}

static ssize_t proc_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    struct gen_text *t = f->priv;
    if (*off >= t->len)
        return 0;
    n = MIN(n, t->len - *off);
    if (copy_to_user(ubuf, t->buf + *off, n))
        return -EFAULT;
    *off += n;
    return n;
}

static void proc_release(struct file *f)
{
    struct gen_text *t = f->priv;
    if (t) {
        kfree(t->buf);
        kfree(t);
    }
}

static const struct file_ops proc_ops = { .open = proc_open, .read = proc_read, .release = proc_release };

static void proc_add(struct inode *dir, const char *name, proc_gen gen)
{
    struct inode *ino = ramfs_new_inode(S_IFREG | 0444);
    if (!ino || ramfs_link(dir, name, ino))
        panic("cannot create /proc/%s", name);
    ino->fops = &proc_ops;
    ino->priv = (void *)gen;
}

static struct inode *proc_mkdir(struct inode *dir, const char *name)
{
    struct inode *d = ramfs_lookup(dir, name, strlen(name));
    int err;
    if (!d)
        d = ramfs_mkdir(dir, name, 0555, &err);
    if (!d || !S_ISDIR(d->mode))
        panic("cannot create /proc/%s", name);
    return d;
}

void procfs_init(void)
{
    struct inode *proc = proc_mkdir(vfs_root, "proc");
    proc_add(proc, "uptime", gen_uptime);
    proc_add(proc, "meminfo", gen_meminfo);
    proc_add(proc_mkdir(proc, "skiff"), "boot_us", gen_boot_us);
}
