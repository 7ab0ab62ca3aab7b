/* fs/procfs_oom.c — /proc/PID/oom_score_adj and oom_score (proc(5)): the OOM killer's weighting of a process
 * (kernel/oom.c), which servers and supervisors write to protect themselves or to offer their workers first.
 * A write takes an integer from -1000 to 1000 (else EINVAL); below the process's oom_score_adj_min only with
 * CAP_SYS_RESOURCE (EACCES), and a privileged write moves that minimum, as Linux's __set_oom_adj. oom_score is
 * the badness scaled to 0..2000 as Linux exports it, 0 for a process at -1000. */
#include "procfs.h"
#include "../kernel/errno.h"
#include "../kernel/cred.h"
#include "../kernel/mm.h"

static struct proc *oom_proc(const struct inode *ino)
{
    struct proc *p = proc_by_pid((int)((u64)ino->priv >> 32));
    return p && !p->zombie ? p : NULL;
}

static int adj_open(struct file *f)
{
    struct proc *p = oom_proc(f->inode);
    char *buf = p ? kmalloc(GEN_SIZE) : NULL;
    if (!buf)
        return p ? -ENOMEM : -ESRCH;
    return procfs_keep_text(f, buf, ksnprintf(buf, GEN_SIZE, "%d\n", p->oom_score_adj));
}

/* An integer as kstrtoint reads it after the surrounding blanks are cut: a sign, then decimal, 0x hex or 0 octal. */
static int parse_int(const char *s, long *out)
{
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2])
        base = 16, s += 2;
    else if (s[0] == '0' && s[1])
        base = 8;
    long v = 0;
    const char *d = s;
    for (;; s++) {
        unsigned c = *s >= '0' && *s <= '9' ? (unsigned)(*s - '0') : *s >= 'a' && *s <= 'f' ? (unsigned)(*s - 'a' + 10)
                   : *s >= 'A' && *s <= 'F' ? (unsigned)(*s - 'A' + 10) : 99;
        if (c >= base)
            break;
        v = v * (long)base + (long)c;
        if (v > 0x7fffffffl)
            return -EINVAL;
    }
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    if (s == d || *s)
        return -EINVAL;
    *out = neg ? -v : v;
    return 0;
}

static ssize_t adj_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    (void)off;
    char text[24];
    size_t c = MIN(n, sizeof(text) - 1);
    if (copy_from_user(text, ubuf, c))
        return -EFAULT;
    text[c] = 0;
    long v;
    if (parse_int(text, &v) || v < OOM_SCORE_ADJ_MIN || v > OOM_SCORE_ADJ_MAX)
        return -EINVAL;
    struct proc *p = oom_proc(f->inode);
    if (!p)
        return -ESRCH;
    bool priv = capable(CAP_SYS_RESOURCE);
    if (v < p->oom_score_adj_min && !priv)
        return -EACCES;
    p->oom_score_adj = (i16)v;
    if (priv)
        p->oom_score_adj_min = (i16)v;
    return (ssize_t)n;
}

static int score_open(struct file *f)
{
    struct proc *p = oom_proc(f->inode);
    char *buf = p ? kmalloc(GEN_SIZE) : NULL;
    if (!buf)
        return p ? -ENOMEM : -ESRCH;
    long b = oom_badness(p), total = (long)pmm_total_pages();
    long points = b < 0 ? 0 : (1000 + b * 1000 / total) * 2 / 3;
    return procfs_keep_text(f, buf, ksnprintf(buf, GEN_SIZE, "%ld\n", points));
}

static const struct file_ops adj_ops = { .open = adj_open, .read = procfs_read, .write = adj_write,
                                         .release = procfs_release };
static const struct file_ops score_ops = { .open = score_open, .read = procfs_read, .release = procfs_release };

static int add(struct inode *d, const char *name, u32 mode, const struct file_ops *ops, int pid)
{
    struct inode *ino = ramfs_new_inode(S_IFREG | mode);
    if (!ino || ramfs_link(d, name, ino)) {
        if (ino) {
            inode_get(ino);
            inode_put(ino); /* never linked: this frees it */
        }
        return -ENOMEM;
    }
    ino->fops = ops;
    ino->priv = PID_PRIV(pid, 0);
    return 0;
}

int procfs_oom_add(struct inode *d, int pid)
{
    int rc = add(d, "oom_score_adj", 0644, &adj_ops, pid);
    return rc ? rc : add(d, "oom_score", 0444, &score_ops, pid);
}
