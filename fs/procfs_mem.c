/* fs/procfs_mem.c — /proc/PID/mem (proc(5)): the process's memory, read and written at offset = address, a page
 * at a time, faulting pages in as its own access would (kernel/vm.c: vm_peek, vm_poke). A transfer stops at the
 * first page that cannot be moved and returns what moved; EIO when nothing did (an unmapped address, as Linux's
 * mem_rw). Opening needs ptrace(2)'s attach access (EACCES otherwise); once the process is gone, reads and writes
 * return 0. Not done: a write into a read-only page fails (EIO) where Linux forces it (FOLL_FORCE), and offsets
 * past 2^63 (Linux's unsigned offsets for this file) are refused as for any file. */
#include "procfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../syscalls/syscalls.h"

static int mem_pid(const struct file *f)
{
    return (int)((u64)f->inode->priv >> 32);
}

static int mem_open(struct file *f)
{
    struct proc *p = proc_by_pid(mem_pid(f));
    if (!p || !p->threads)
        return -ESRCH;
    return task_may_ptrace(p->threads) ? 0 : -EACCES;
}

/* The memory of f's process, or NULL once it is gone. */
static struct vm_space *mem_space(struct file *f)
{
    struct proc *p = proc_by_pid(mem_pid(f));
    return p && p->vm && !p->zombie ? p->vm : NULL;
}

/* One page's piece at addr: read into or written from the bounce page; the bytes moved. */
static size_t mem_piece(struct vm_space *vs, u64 addr, u8 *page, size_t c, bool write)
{
    if (addr >= USER_TOP)
        return 0;
    if (write)
        return vm_poke(vs, addr, page, c) ? 0 : c;
    return vm_peek(vs, addr, page, c);
}

/* read and write: page by page through a bounce page, stopping at the first page that is not there; EIO when
 * nothing moved, 0 once the process is gone. */
static ssize_t mem_xfer(struct file *f, u8 *ubuf, size_t n, u64 *off, bool write)
{
    struct vm_space *vs = mem_space(f);
    if (!vs)
        return 0;
    u8 *page = kmalloc(PAGE_SIZE);
    if (!page)
        return -ENOMEM;
    size_t done = 0;
    while (done < n) {
        u64 addr = *off + done;
        size_t c = MIN(n - done, PAGE_SIZE - addr % PAGE_SIZE), got;
        if (write && copy_from_user(page, ubuf + done, c)) {
            kfree(page);
            return done ? (ssize_t)done : -EFAULT;
        }
        got = mem_piece(vs, addr, page, c, write);
        if (!write && got && copy_to_user(ubuf + done, page, got)) {
            kfree(page);
            return done ? (ssize_t)done : -EFAULT;
        }
        done += got;
        if (got < c)
            break;
    }
    kfree(page);
    if (!done)
        return -EIO;
    *off += done;
    return (ssize_t)done;
}

static ssize_t mem_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    return mem_xfer(f, ubuf, n, off, false);
}

static ssize_t mem_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    return mem_xfer(f, (u8 *)ubuf, n, off, true);
}

static const struct file_ops mem_ops = { .open = mem_open, .read = mem_read, .write = mem_write };

/* /proc/PID/mem in d, its owner's alone (-rw-------), as Linux: 0 or -ENOMEM */
int procfs_mem_add(struct inode *d, int pid)
{
    struct inode *ino = ramfs_new_inode(S_IFREG | 0600);
    if (!ino || ramfs_link(d, "mem", ino))
        return -ENOMEM;
    ino->fops = &mem_ops;
    ino->priv = PID_PRIV(pid, 0);
    return 0;
}
