/* drivers/pty.c — pseudo-terminals, as Linux's Unix 98 ptys (pty(7), pts(4)). Opening /dev/ptmx (or
 * /dev/pts/ptmx) makes a pair: the file is the master, and /dev/pts/N appears in the devpts filesystem for
 * the slave, locked until TIOCSPTLCK(0) (unlockpt). The slave is an ordinary terminal (struct tty, the line
 * discipline of drivers/tty.c): what the master writes is the slave's input (ICANON, ECHO, ISIG, ICRNL...),
 * what the slave writes goes through its OPOST/ONLCR to the master's read, and so do its echoes. The master's
 * last close hangs the slave up (reads 0, writes and ioctls EIO, SIGHUP and SIGCONT to the session leader)
 * and removes /dev/pts/N; with every slave file closed the master's read fails with EIO. Both sides wake on
 * one poll channel, the pty. The slave's file ops are drivers/pty_slave.c. Big kernel lock, process context only. */
#include "pty_int.h"
#include "console.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"
#include "../kernel/cred.h"

#define PTY_MAX 4096                /* Linux's kernel.pty.max default */
#define PTS_GID 5                   /* the tty group, as devpts is mounted with gid=5,mode=620 */
#define TIOCGPTN 0x80045430
#define TIOCSPTLCK 0x40045431
#define TIOCGPTLCK 0x80045439
#define TIOCGPTPEER 0x5441
#define TIOCPKT 0x5420
#define TIOCEXCL 0x540c
#define TIOCNXCL 0x540d
#define TIOCGEXCL 0x80045440
#define TIOCGPKT 0x80045438
#define TCFLSH 0x540b
#define FIONREAD 0x541b
#define MKDEV(ma, mi) (((u64)(ma) << 8) | (mi))

static struct pty *ptys[PTY_MAX];
static struct inode *pts_root;
static const struct file_ops ptm_ops;

/* ---------------------------------------------------------------- the slave's output, the master's input */

void pty_out_push(struct pty *p, const char *s, size_t n)
{
    for (size_t i = 0; i < n && p->o_len < PTY_OSIZE; i++)
        p->out[(p->o_head + p->o_len++) % PTY_OSIZE] = (u8)s[i];
}

/* Echoes take the slave's output path (OPOST), as Linux's; dropped when the master does not read. */
static void pty_echo(struct tty *t, const char *s, size_t n)
{
    struct pty *p = t->dev;
    char buf[128];
    while (n) {
        size_t used, o = tty_output_map(t, s, n, buf, sizeof(buf), &used);
        pty_out_push(p, buf, o);
        s += used;
        n -= used;
    }
    sched_kick_chan(p);
}

static const struct tty_ops pty_tty_ops = { .echo = pty_echo };

/* ---------------------------------------------------------------- life */

void pty_free(struct pty *p)
{
    ptys[p->index] = NULL;
    p->node->priv = NULL; /* an O_PATH descriptor may still reopen it: EIO */
    inode_put(p->node);
    kfree(p);
}

static void pts_name(int index, char *buf, size_t size)
{
    ksnprintf(buf, size, "%d", index);
}

/* /dev/pts/N: crw--w---- owned by the caller, group tty, as devpts with gid=5,mode=620. */
static struct inode *pts_node(struct pty *p)
{
    char name[16];
    pts_name(p->index, name, sizeof(name));
    struct inode *ino = ramfs_new_inode(S_IFCHR | 0620);
    if (!ino)
        return NULL;
    perm_init_owner(ino);
    ino->gid = PTS_GID;
    ino->rdev = MKDEV(136 + p->index / 256, p->index % 256);
    ino->fops = &pty_slave_ops;
    ino->priv = p;
    ino->refs = 1; /* the pty's */
    if (ramfs_link(pts_root, name, ino)) {
        inode_put(ino);
        return NULL;
    }
    return ino;
}

/* A pair costs ~27 KiB; past this, ptmx says ENOMEM and leaves the rest of memory to everything else (a program
 * that opens all it can, as stress-ng's pty stressor, otherwise took the last pages its own stack needed). */
static bool pty_memory_left(void)
{
    u64 keep = MAX(pmm_total_pages() / 8, (u64)2048);
    return pmm_free_pages() > keep + (sizeof(struct pty) + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* open of /dev/ptmx: a new pair; this file becomes its master. */
static int ptmx_open(struct file *f)
{
    if (!pty_memory_left())
        return -ENOMEM;
    int index = console_pts_node() ? 1 : 0; /* 0 is the console's when it is a terminal (pty_init) */
    while (index < PTY_MAX && ptys[index])
        index++;
    if (index == PTY_MAX)
        return -ENOSPC;
    struct pty *p = kzalloc(sizeof(*p));
    if (!p)
        return -ENOMEM;
    tty_init(&p->tty, &pty_tty_ops, p);
    p->tty.chan = p;
    p->tty.tty_nr = MKDEV(136 + index / 256, index % 256);
    p->index = index;
    p->locked = p->master_open = true;
    if (!(p->node = pts_node(p))) {
        kfree(p);
        return -ENOMEM;
    }
    ptys[index] = p;
    f->ops = &ptm_ops;
    f->priv = p;
    return 0;
}

static void ptm_release(struct file *f)
{
    struct pty *p = f->priv;
    char name[16];
    p->master_open = false;
    tty_hangup(&p->tty);
    pts_name(p->index, name, sizeof(name));
    ramfs_unlink(pts_root, name, false);
    sched_kick_chan(p);
    if (!p->slaves)
        pty_free(p);
}

/* ---------------------------------------------------------------- the master */

/* Packet mode: a pending event is one byte alone; data comes after a 0 byte (TIOCPKT_DATA). */
static ssize_t ptm_read_status(struct pty *p, void *ubuf)
{
    u8 st = p->tty.pktstatus;
    if (copy_to_user(ubuf, &st, 1))
        return -EFAULT;
    p->tty.pktstatus = 0;
    return 1;
}

static ssize_t ptm_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)off;
    struct pty *p = f->priv;
    if (!n)
        return 0;
    for (;;) {
        if (p->tty.packet && p->tty.pktstatus)
            return ptm_read_status(p, ubuf);
        if (p->o_len)
            break;
        if (p->other_closed)
            return -EIO;
        long rc = sched_wait_io_on(f->flags & O_NONBLOCK, "read from a pty master", p);
        if (rc)
            return rc;
    }
    size_t done = 0;
    if (p->tty.packet) {
        u8 zero = 0;
        if (copy_to_user(ubuf, &zero, 1))
            return -EFAULT;
        done = 1;
    }
    u8 tmp[256];
    size_t want = MIN(n, p->o_len + done);
    while (done < want) {
        size_t c = MIN(want - done, sizeof(tmp));
        for (size_t i = 0; i < c; i++)
            tmp[i] = p->out[(p->o_head + i) % PTY_OSIZE];
        if (copy_to_user((u8 *)ubuf + done, tmp, c))
            break;
        p->o_head = (p->o_head + c) % PTY_OSIZE;
        p->o_len -= c;
        done += c;
    }
    sched_kick_chan(p); /* a slave writer waiting for room */
    return done ? (ssize_t)done : -EFAULT;
}

/* The slave's input, byte by byte through its line discipline; waits while its queue is full. */
static ssize_t ptm_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    (void)off;
    struct pty *p = f->priv;
    u8 chunk[256];
    size_t done = 0;
    while (done < n) {
        size_t c = MIN(n - done, sizeof(chunk)), i = 0;
        if (copy_from_user(chunk, (const u8 *)ubuf + done, c))
            return done ? (ssize_t)done : -EFAULT;
        while (i < c) {
            if (!tty_room(&p->tty)) {
                if (done + i && (f->flags & O_NONBLOCK))
                    return (ssize_t)(done + i);
                long rc = sched_wait_io_on(f->flags & O_NONBLOCK, "write to a pty master (input full)", p);
                if (rc)
                    return done + i ? (ssize_t)(done + i) : rc;
                continue;
            }
            tty_input(&p->tty, chunk[i++]);
        }
        done += c;
    }
    return (ssize_t)done;
}

static unsigned ptm_poll(struct file *f)
{
    struct pty *p = f->priv;
    unsigned m = tty_room(&p->tty) ? POLLOUT : 0;
    if (p->o_len)
        m |= POLLIN;
    if (p->other_closed)
        m |= POLLHUP; /* a read says EIO, but poll shows POLLIN only for data, as Linux */
    if (p->tty.packet && p->tty.pktstatus)
        m |= POLLIN | POLLPRI;
    return m;
}

long pty_put_int(u64 arg, int v)
{
    return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

/* TIOCGPTPEER: the slave, opened with flags, as a new descriptor (openpty without a path). */
static long open_peer(struct pty *p, u64 flags)
{
    int err;
    struct file *f = file_open(p->node, (u32)flags & ~O_CLOEXEC, &err);
    if (!f)
        return err;
    f->flags &= ~O_NOCTTY;
    char path[24];
    ksnprintf(path, sizeof(path), "/dev/pts/%d", p->index);
    f->path = kstrdup(path);
    int fd = fd_install(current_proc()->fdt, f, 0, flags & O_CLOEXEC);
    if (fd < 0)
        file_put(f);
    return fd;
}

void pty_flush_out(struct pty *p)
{
    p->o_head = p->o_len = 0;
    sched_kick_chan(p);
}

static long ptm_ioctl(struct file *f, unsigned cmd, u64 arg)
{
    struct pty *p = f->priv;
    int v;
    switch (cmd) {
    case TIOCGPTN:
        return pty_put_int(arg, p->index);
    case TIOCSPTLCK:
        if (copy_from_user(&v, (const void *)arg, sizeof(v)))
            return -EFAULT;
        p->locked = v != 0;
        return 0;
    case TIOCGPTLCK:
        return pty_put_int(arg, p->locked);
    case TIOCGPTPEER:
        return open_peer(p, arg);
    case TIOCPKT:
        if (copy_from_user(&v, (const void *)arg, sizeof(v)))
            return -EFAULT;
        if (v && !p->tty.packet)
            p->tty.pktstatus = 0;
        p->tty.packet = v != 0;
        return 0;
    case TIOCGPKT:
        return pty_put_int(arg, p->tty.packet);
    case TIOCEXCL: case TIOCNXCL: /* the master cannot be opened again: kept only for TIOCGEXCL */
        p->master_excl = cmd == TIOCEXCL;
        return 0;
    case TIOCGEXCL:
        return pty_put_int(arg, p->master_excl);
    case FIONREAD:
        return pty_put_int(arg, (int)p->o_len);
    case TCFLSH: /* the master's input is what the slave wrote; its output, once written, is the slave's input
                  * and stays (Linux's pty_flush_buffer discards nothing) */
        if (arg > 2)
            return -EINVAL;
        if (arg != 1)
            pty_flush_out(p);
        return 0;
    default:
        return tty_ioctl(&p->tty, f, cmd, arg, true);
    }
}

const void *pty_chan(struct file *f)
{
    return f->priv;
}

static const struct file_ops ptm_ops = { .read = ptm_read, .write = ptm_write, .ioctl = ptm_ioctl,
                                         .poll = ptm_poll, .release = ptm_release, .poll_chan = pty_chan };

/* ---------------------------------------------------------------- devpts */

static const struct file_ops ptmx_ops = { .open = ptmx_open };

void pty_init(void)
{
    struct super_block *sb = sb_new("devpts", "devpts");
    pts_root = sb ? ramfs_new_root(sb) : NULL;
    if (!pts_root)
        panic("cannot create /dev/pts");
    sb->root = pts_root;
    pts_root->mode = S_IFDIR | 0755;
    sb->flags |= SB_NOSUID | SB_NOEXEC; /* rw,nosuid,noexec,relatime as docker mounts it */
    kfree(sb->opts);
    sb->opts = kstrdup(",gid=5,mode=620,ptmxmode=666");
    if (vfs_mount_path("/dev/pts", sb))
        panic("cannot mount /dev/pts");
    struct inode *ptmx = ramfs_new_inode(S_IFCHR | 0666);
    if (!ptmx || ramfs_link(pts_root, "ptmx", ptmx))
        panic("cannot create /dev/pts/ptmx");
    ptmx->rdev = MKDEV(5, 2);
    ptmx->fops = &ptmx_ops;
    devfs_add("ptmx", 0666, MKDEV(5, 2), &ptmx_ops, NULL);
    struct inode *con = console_pts_node(); /* the console in a terminal: /dev/pts/0 (drivers/console.c) */
    if (con && ramfs_link(pts_root, "0", con))
        panic("cannot create /dev/pts/0 for the console");
}
