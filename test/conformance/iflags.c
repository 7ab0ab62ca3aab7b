/* test/conformance/iflags.c — inode flags on a tmpfs (chattr's FS_IOC_GETFLAGS/FS_IOC_SETFLAGS) and what they
 * forbid: an immutable file cannot be opened for writing, renamed, removed, linked, truncated or have its
 * attributes changed; an immutable directory takes no new names (mkdir, symlink, open O_CREAT, mknod, link,
 * rename into it: EPERM) and loses none; an append-only file opens for writing only with O_APPEND, keeps
 * O_APPEND (F_SETFL), its length and its name; an append-only directory takes names but gives none up.
 * statx reports STATX_ATTR_IMMUTABLE, STATX_ATTR_APPEND and STATX_ATTR_NODUMP, and names them in its mask.
 * Flags tmpfs does not take are EOPNOTSUPP; a pipe has none (ENOTTY). */
/* covers: ioctl statx open mkdir symlink mknod link unlink rename truncate ftruncate chmod utimensat fcntl */
#include "tap.h"
#include "tap_abi.h"
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mount.h>

#define GETFLAGS 0x80086601ul
#define SETFLAGS 0x40086602ul
#define IMMUTABLE 0x10
#define APPEND 0x20
#define NODUMP 0x40
#define NOATIME 0x80


static long set_flags(const char *path, int fl)
{
    int fd = open(path, O_RDONLY);
    long rc = ioctl(fd, SETFLAGS, &fl);
    close(fd);
    return rc;
}

static uint64_t attrs(const char *path, uint64_t *mask)
{
    struct sx x;
    memset(&x, 0, sizeof x);
    SYS(SYS_statx, AT_FDCWD, path, 0, 0x7ffu, &x);
    if (mask)
        *mask = x.stx_attributes_mask;
    return x.stx_attributes;
}

static void immutable(void)
{
    uint64_t mask;
    T_OK("ioctl FS_IOC_SETFLAGS FS_IMMUTABLE_FL on a file", set_flags("m/f", IMMUTABLE), 0);
    T_EQ("statx STATX_ATTR_IMMUTABLE on an immutable file", attrs("m/f", &mask) & 0x70, IMMUTABLE);
    T_EQ("statx attributes_mask names STATX_ATTR_IMMUTABLE, STATX_ATTR_APPEND, STATX_ATTR_NODUMP", mask & 0x70, 0x70);
    T_ERR("open O_WRONLY of an immutable file", open("m/f", O_WRONLY), EPERM);
    int fd = open("m/f", O_RDONLY);
    T_TRUE("open O_RDONLY of an immutable file", fd >= 0);
    close(fd);
    T_ERR("unlink of an immutable file", unlink("m/f"), EPERM);
    T_ERR("rename of an immutable file", rename("m/f", "m/g"), EPERM);
    T_ERR("link to an immutable file", link("m/f", "m/h"), EPERM);
    T_ERR("chmod of an immutable file", chmod("m/f", 0600), EPERM);
    T_ERR("truncate of an immutable file", truncate("m/f", 0), EPERM);
    T_ERR("utimensat now on an immutable file", utimensat(AT_FDCWD, "m/f", NULL, 0), EPERM);
    T_OK("ioctl FS_IOC_SETFLAGS 0 clears it", set_flags("m/f", 0), 0);
    T_OK("chmod once the file is no longer immutable", chmod("m/f", 0644), 0);

    T_OK("ioctl FS_IOC_SETFLAGS FS_IMMUTABLE_FL on a directory", set_flags("m/d", IMMUTABLE), 0);
    T_ERR("mkdir in an immutable directory", mkdir("m/d/new", 0755), EPERM);
    T_ERR("symlink in an immutable directory", symlink("x", "m/d/l"), EPERM);
    T_ERR("open O_CREAT in an immutable directory", open("m/d/n", O_CREAT | O_RDWR, 0644), EPERM);
    T_ERR("mknod in an immutable directory", mknod("m/d/p", S_IFIFO | 0644, 0), EPERM);
    T_ERR("link into an immutable directory", link("m/f", "m/d/f"), EPERM);
    T_ERR("rename into an immutable directory", rename("m/f", "m/d/f"), EPERM);
    T_ERR("unlink in an immutable directory", unlink("m/d/x"), EPERM);
    fd = open("m/d/x", O_RDWR);
    T_TRUE("open O_RDWR of a file in an immutable directory", fd >= 0);
    close(fd);
    set_flags("m/d", 0);
}

static void append_only(void)
{
    T_OK("ioctl FS_IOC_SETFLAGS FS_APPEND_FL on a file", set_flags("m/a", APPEND), 0);
    T_EQ("statx STATX_ATTR_APPEND on an append-only file", attrs("m/a", NULL) & 0x70, APPEND);
    T_ERR("open O_WRONLY of an append-only file", open("m/a", O_WRONLY), EPERM);
    T_ERR("open O_WRONLY|O_APPEND|O_TRUNC of an append-only file", open("m/a", O_WRONLY | O_APPEND | O_TRUNC), EPERM);
    int fd = open("m/a", O_WRONLY | O_APPEND);
    T_TRUE("open O_WRONLY|O_APPEND of an append-only file", fd >= 0);
    T_OK("write to an append-only file", write(fd, "xy", 2), 2);
    T_ERR("fcntl F_SETFL without O_APPEND on an append-only file", fcntl(fd, F_SETFL, 0), EPERM);
    T_ERR("ftruncate of an append-only file", ftruncate(fd, 0), EPERM);
    close(fd);
    T_ERR("truncate of an append-only file", truncate("m/a", 0), EPERM);
    T_ERR("unlink of an append-only file", unlink("m/a"), EPERM);
    T_ERR("chmod of an append-only file", chmod("m/a", 0600), EPERM);
    T_EQ("ftruncate: the append-only file kept its data", file_size("m/a"), 2);
    set_flags("m/a", 0);

    T_OK("ioctl FS_IOC_SETFLAGS FS_APPEND_FL on a directory", set_flags("m/d", APPEND), 0);
    T_OK("mkdir in an append-only directory", mkdir("m/d/sub", 0755), 0);
    T_ERR("unlink in an append-only directory", unlink("m/d/x"), EPERM);
    T_ERR("rename out of an append-only directory", rename("m/d/x", "m/x"), EPERM);
    set_flags("m/d", 0);
}

static void others(void)
{
    int fl = -1, fd = open("m/f", O_RDONLY);
    T_OK("ioctl FS_IOC_GETFLAGS of a plain file", ioctl(fd, GETFLAGS, &fl), 0);
    T_EQ("ioctl FS_IOC_GETFLAGS: no flags", fl, 0);
    fl = NODUMP;
    T_OK("ioctl FS_IOC_SETFLAGS FS_NODUMP_FL", ioctl(fd, SETFLAGS, &fl), 0);
    T_EQ("statx STATX_ATTR_NODUMP", attrs("m/f", NULL) & 0x70, NODUMP);
    fl = NOATIME;
    T_OK("ioctl FS_IOC_SETFLAGS FS_NOATIME_FL", ioctl(fd, SETFLAGS, &fl), 0);
    ioctl(fd, GETFLAGS, &fl);
    T_EQ("ioctl FS_IOC_GETFLAGS gives FS_NOATIME_FL back", fl, NOATIME);
    fl = 0x4000;
    T_ERR("ioctl FS_IOC_SETFLAGS with a flag tmpfs does not take", ioctl(fd, SETFLAGS, &fl), EOPNOTSUPP);
    T_ERR("ioctl FS_IOC_SETFLAGS from a bad pointer", ioctl(fd, SETFLAGS, BADUPTR), EFAULT);
    fl = 0;
    ioctl(fd, SETFLAGS, &fl);
    close(fd);
    int p[2];
    pipe(p);
    T_ERR("ioctl FS_IOC_GETFLAGS on a pipe", ioctl(p[0], GETFLAGS, &fl), ENOTTY);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    tap_scratch("iflags");
    mkdir("m", 0755);
    if (mount("skifftest", "m", "tmpfs", 0, "")) {
        printf("Bail out! cannot mount a tmpfs\n");
        return 2;
    }
    put_file("m/f", "data", 4);
    put_file("m/a", "", 0);
    mkdir("m/d", 0755);
    put_file("m/d/x", "x", 1);
    immutable();
    append_only();
    others();
    umount2("m", MNT_DETACH);
    tap_finish_dir();
    return tap_done();
}
