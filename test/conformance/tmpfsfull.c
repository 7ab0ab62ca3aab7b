/* test/conformance/tmpfsfull.c — ENOSPC from a full filesystem: a tmpfs mounted with size=16k (four pages)
 * and nr_inodes=4 (its root and three files). A write past the size stops short, then fails; every call
 * that needs a new inode fails once four exist (open O_CREAT, mkdir, mknod, symlink, a hard link, which
 * tmpfs counts as an inode, and renameat2 RENAME_WHITEOUT, whose whiteout is one); freeing pages and
 * inodes makes room again. RENAME_WHITEOUT leaves a character device 0:0 in the old name's place. */
/* covers: write pwrite64 open mkdir symlink link renameat2 */
#include "tap.h"
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>

#ifndef RENAME_WHITEOUT
#define RENAME_WHITEOUT 4
#endif

static long rename_wh(const char *from, const char *to)
{
    return SYS(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, RENAME_WHITEOUT);
}

static void full(void)
{
    static char buf[20000];
    memset(buf, 'a', sizeof buf);
    struct statfs sf;
    T_OK("statfs a tmpfs with size=16k,nr_inodes=4", statfs("m", &sf), 0);
    T_TRUE("statfs size=16k: 4 blocks of 4096, all free", sf.f_bsize == 4096 && sf.f_blocks == 4 && sf.f_bfree == 4 &&
           sf.f_bavail == 4);
    T_TRUE("statfs nr_inodes=4: 4 files, 3 free (the root has one)", sf.f_files == 4 && sf.f_ffree == 3);
    int fd = open("m/f", O_CREAT | O_RDWR, 0644);
    T_OK("write past size= stops at the limit", write(fd, buf, sizeof buf), 16384);
    statfs("m", &sf);
    T_TRUE("statfs a full tmpfs: no block free, 2 files free", sf.f_bfree == 0 && sf.f_bavail == 0 && sf.f_ffree == 2);
    T_ERR("write to a full tmpfs", write(fd, buf, 1), ENOSPC);
    T_ERR("pwrite64 past the end of a full tmpfs", pwrite(fd, buf, 1, 16384), ENOSPC);
    T_OK("pwrite64 inside a page the file has", pwrite(fd, "b", 1, 100), 1);
    close(open("m/g", O_CREAT | O_RDWR, 0644));
    close(open("m/h", O_CREAT | O_RDWR, 0644));
    T_ERR("open O_CREAT with nr_inodes used up", open("m/i", O_CREAT | O_RDWR, 0644), ENOSPC);
    T_ERR("mkdir with nr_inodes used up", mkdir("m/d", 0755), ENOSPC);
    T_ERR("symlink with nr_inodes used up", symlink("f", "m/s"), ENOSPC);
    T_ERR("link with nr_inodes used up (a link counts)", link("m/f", "m/l"), ENOSPC);
    T_ERR("renameat2 RENAME_WHITEOUT with nr_inodes used up", rename_wh("m/g", "m/g2"), ENOSPC);
    T_OK("renameat2 the failed whiteout rename left the old name", access("m/g", F_OK), 0);
    T_OK("rename without a whiteout needs no inode", rename("m/g", "m/g2"), 0);
    T_OK("unlink frees an inode", unlink("m/h"), 0);
    T_OK("link once an inode is free", link("m/f", "m/l"), 0);
    T_ERR("open O_CREAT after the link took the free inode", open("m/i", O_CREAT | O_RDWR, 0644), ENOSPC);
    T_OK("unlink of the second name gives its inode back", unlink("m/l"), 0);
    T_OK("renameat2 RENAME_WHITEOUT once an inode is free", rename_wh("m/g2", "m/g"), 0);
    struct stat st;
    T_OK("renameat2 the whiteout is there", lstat("m/g2", &st), 0);
    T_TRUE("renameat2 the whiteout is a character device 0:0", S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
    T_OK("renameat2 the file has its new name", lstat("m/g", &st), 0);
    T_TRUE("renameat2 the moved file is still a regular file", S_ISREG(st.st_mode));
    T_OK("ftruncate to 0 frees the pages", ftruncate(fd, 0), 0);
    T_OK("write once the pages are free", write(fd, buf, 4096), 4096);
    close(fd);
}

/* Without size= and nr_inodes=, Linux's tmpfs takes half the memory and half as many inodes as pages; size=N%
 * is a share of memory. */
static void defaults(void)
{
    struct sysinfo si;
    sysinfo(&si);
    unsigned long pages = si.totalram * si.mem_unit / 4096;
    struct statfs sf;
    mkdir("d", 0755);
    if (mount("skiffdef", "d", "tmpfs", 0, NULL))
        return;
    T_OK("statfs a tmpfs mounted without options", statfs("d", &sf), 0);
    T_TRUE("tmpfs without size=: half the memory", sf.f_blocks >= pages / 2 - pages / 100 &&
           sf.f_blocks <= pages / 2 + pages / 100);
    T_TRUE("tmpfs without nr_inodes=: as many inodes as half the pages", sf.f_files >= pages / 2 - pages / 100 &&
           sf.f_files <= pages / 2 + pages / 100);
    umount2("d", MNT_DETACH);
    mount("skiffdef", "d", "tmpfs", 0, "size=25%");
    statfs("d", &sf);
    T_TRUE("tmpfs size=25%: a quarter of the memory", sf.f_blocks >= pages / 4 - pages / 100 &&
           sf.f_blocks <= pages / 4 + pages / 100);
    umount2("d", MNT_DETACH);
}

int main(void)
{
    tap_scratch("tmpfsfull");
    mkdir("m", 0755);
    if (mount("skifftest", "m", "tmpfs", 0, "size=16k,nr_inodes=4")) {
        printf("Bail out! cannot mount a tmpfs\n");
        return 2;
    }
    full();
    umount2("m", MNT_DETACH);
    defaults();
    tap_finish_dir();
    return tap_done();
}
