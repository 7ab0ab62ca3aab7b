/* fs/procfs_pagemap.c — /proc/PID/pagemap (the kernel's admin-guide/mm/pagemap): eight bytes per virtual page
 * of the process, read at offset page_number * 8. Bit 63: present; bits 0-54: its page frame number, for
 * CAP_SYS_ADMIN only (zero otherwise, as Linux since 4.2); bit 61: a file page or shared anonymous page; bit
 * 56: mapped by this process alone (known for private anonymous pages; left clear for file pages, whose
 * owners skiff does not count per mapping: partial). No soft-dirty bit (55): skiff is built as a Linux without
 * CONFIG_MEM_SOFT_DIRTY (and has no clear_refs). Pages not present and addresses outside any area read 0;
 * nothing is ever swapped (bit 62). Offsets and counts must be multiples of 8 (EINVAL); past
 * the end of user space a read returns 0. Opening needs ptrace(2)'s read access (EACCES otherwise). */
#include "procfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/cred.h"
#include "../syscalls/syscalls.h"

#define PM_PRESENT (1ull << 63)
#define PM_FILE (1ull << 61)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_PFN_MASK ((1ull << 55) - 1)
#define PM_END_VPN ((USER_TOP - PAGE_SIZE) / PAGE_SIZE) /* Linux's TASK_SIZE_MAX, in pages */

static int pm_pid(const struct file *f)
{
    return (int)((u64)f->inode->priv >> 32);
}

static int pagemap_open(struct file *f)
{
    struct proc *p = proc_by_pid(pm_pid(f));
    if (!p || !p->threads)
        return -ESRCH;
    return task_may_ptrace(p->threads) ? 0 : -EACCES;
}

static u64 pagemap_entry(struct vm_space *vs, u64 va, bool admin)
{
    struct vm_area *a = vm_find(vs, va);
    if (!a)
        return 0;
    u64 *pte = pt_walk(vs->pml4, va, false), e = 0;
    if (!pte || !(*pte & PTE_P))
        return 0;
    u64 pa = *pte & PTE_ADDR;
    e |= PM_PRESENT | (admin ? (pa / PAGE_SIZE) & PM_PFN_MASK : 0);
    if (*pte & PTE_SOFT_SHARED)
        e |= PM_FILE;
    else if (!pmm_shared(pa))
        e |= PM_EXCLUSIVE;
    return e;
}

static ssize_t pagemap_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    if (*off % 8 || n % 8)
        return -EINVAL;
    struct proc *p = proc_by_pid(pm_pid(f));
    if (!p || !p->vm || p->zombie)
        return 0; /* its memory is gone */
    bool admin = capable(CAP_SYS_ADMIN);
    u64 vpn = *off / 8, buf[64];
    size_t done = 0;
    while (done < n && vpn < PM_END_VPN) {
        size_t k = 0;
        for (; k < ARRAY_SIZE(buf) && done + k * 8 < n && vpn + k < PM_END_VPN; k++)
            buf[k] = pagemap_entry(p->vm, (vpn + k) * PAGE_SIZE, admin);
        if (copy_to_user((u8 *)ubuf + done, buf, k * 8)) {
            if (!done)
                return -EFAULT;
            break;
        }
        done += k * 8;
        vpn += k;
    }
    *off += done;
    return (ssize_t)done;
}

static const struct file_ops pagemap_ops = { .open = pagemap_open, .read = pagemap_read };

/* /proc/PID/pagemap in d, readable by its owner (-r--------), as Linux: 0 or -ENOMEM */
int procfs_pagemap_add(struct inode *d, int pid)
{
    struct inode *ino = ramfs_new_inode(S_IFREG | 0400);
    if (!ino || ramfs_link(d, "pagemap", ino))
        return -ENOMEM;
    ino->fops = &pagemap_ops;
    ino->priv = PID_PRIV(pid, 0);
    return 0;
}
