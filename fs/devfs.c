/* fs/devfs.c — /dev: character devices as ramfs nodes whose open() gives the driver's file ops. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/boot.h"

/* /dev is its own superblock ("devtmpfs"), mounted over the root's /dev at the first device. Nodes packed
 * in the initrd's /dev are hidden by it, as on Linux. */
static struct inode *dev_dir(void)
{
    static struct inode *root;
    if (root)
        return root;
    struct super_block *sb = sb_new("devtmpfs", "devtmpfs");
    root = sb ? ramfs_new_root(sb) : NULL;
    if (!root)
        panic("cannot create /dev");
    sb->root = root;
    root->mode = S_IFDIR | 0755;
    kfree(sb->opts);
    sb->flags |= SB_NOSUID; /* rw,nosuid,relatime */
    sb->opts = kstrdup("");
    if (vfs_mount_path("/dev", sb))
        panic("cannot mount /dev");
    return root;
}

/* Every device added, by number: what a node made by mknod (or packed in an image) opens. */
#define MAX_DEVICES 32
static struct { u64 rdev; const struct file_ops *ops; void *priv; } devices[MAX_DEVICES];
static int ndevices;

/* Whether a character device of this major number was added (/proc/devices lists those). */
bool devfs_has_major(u32 major)
{
    for (int i = 0; i < ndevices; i++)
        if ((devices[i].rdev >> 8 & 0xfff) == major)
            return true;
    return false;
}

/* The driver of character device rdev, or NULL (open: ENXIO, as Linux for a number without a driver). */
const struct file_ops *devfs_driver(u64 rdev, void **priv)
{
    for (int i = 0; i < ndevices; i++)
        if (devices[i].rdev == rdev) {
            *priv = devices[i].priv;
            return devices[i].ops;
        }
    return NULL;
}

struct inode *devfs_add(const char *name, u32 mode, u64 rdev, const struct file_ops *ops, void *priv)
{
    if (ndevices < MAX_DEVICES)
        devices[ndevices++] = (typeof(devices[0])){ rdev, ops, priv };
    struct inode *dir = dev_dir();
    ramfs_unlink(dir, name, false); /* a node packed in the initrd gives way to the real device */
    struct inode *ino = ramfs_new_inode(S_IFCHR | (mode & 07777));
    if (!ino || ramfs_link(dir, name, ino))
        panic("cannot create /dev/%s", name);
    ino->rdev = rdev;
    ino->fops = ops;
    ino->priv = priv;
    return ino;
}

static ssize_t null_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)f, (void)ubuf, (void)n, (void)off;
    return 0;
}

static ssize_t sink_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    (void)f, (void)ubuf, (void)off;
    return n;
}

static ssize_t full_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    (void)f, (void)ubuf, (void)n, (void)off;
    return -ENOSPC;
}

static ssize_t zero_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)f, (void)off;
    return clear_user(ubuf, n) ? -EFAULT : (ssize_t)n;
}

static ssize_t random_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)f, (void)off;
    u8 chunk[256];
    size_t done = 0;
    while (done < n) {
        size_t c = MIN(n - done, sizeof(chunk));
        random_fill(chunk, c);
        if (copy_to_user((u8 *)ubuf + done, chunk, c))
            return done ? (ssize_t)done : -EFAULT;
        done += c;
    }
    return done;
}

static const struct file_ops null_ops = { .read = null_read, .write = sink_write };
static const struct file_ops zero_ops = { .read = zero_read, .write = sink_write };
static const struct file_ops full_ops = { .read = zero_read, .write = full_write };
static const struct file_ops random_ops = { .read = random_read, .write = sink_write };

#define MKDEV(ma, mi) (((u64)(ma) << 8) | (mi))

/* /dev/shm: a tmpfs, mode 1777, as every Linux system has for POSIX shared memory and named semaphores
 * (shm_open, sem_open: glibc looks for a tmpfs there; PostgreSQL's default dynamic_shared_memory_type=posix).
 * It costs nothing until a program writes there. */
static void devfs_mount_shm(void)
{
    struct super_block *sb;
    if (tmpfs_type.mount("tmpfs", "mode=1777", 0, &sb))
        panic("cannot create /dev/shm");
    sb->flags |= SB_NOSUID | SB_NODEV | SB_STRICTATIME; /* rw,nosuid,nodev as systemd mounts it */
    kfree(sb->opts);
    sb->opts = kstrdup("");
    ramfs_unlink(dev_dir(), "shm", false); /* a node packed in the initrd gives way */
    if (vfs_mount_path("/dev/shm", sb))
        panic("cannot mount /dev/shm");
}

void devfs_init(void)
{
    devfs_add("null", 0666, MKDEV(1, 3), &null_ops, NULL);
    devfs_add("zero", 0666, MKDEV(1, 5), &zero_ops, NULL);
    devfs_add("full", 0666, MKDEV(1, 7), &full_ops, NULL);
    devfs_add("random", 0666, MKDEV(1, 8), &random_ops, NULL);
    devfs_add("urandom", 0666, MKDEV(1, 9), &random_ops, NULL);
    devfs_add("kmsg", 0644, MKDEV(1, 11), &kmsg_ops, NULL); /* fs/devkmsg.c: the kernel log, a record a read */
    /* /dev/console and /dev/tty come from the console driver (console_init). */
    struct inode *dev = dev_dir();
    const char *links[][2] = { { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
                               { "stderr", "/proc/self/fd/2" }, { "fd", "/proc/self/fd" } };
    for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
        int err;
        ramfs_unlink(dev, links[i][0], false);
        if (!ramfs_symlink(dev, links[i][0], links[i][1], &err))
            panic("cannot create /dev/%s", links[i][0]);
    }
    devfs_mount_shm();
}
