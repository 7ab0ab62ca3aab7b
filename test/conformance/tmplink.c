/* test/conformance/tmplink.c — which files without a name linkat(2) may name: an O_TMPFILE file opened
 * without O_EXCL, once (Linux's I_LINKABLE, dropped at the first link); not one opened with O_EXCL, not a file
 * whose last name was removed (ENOENT), not a memfd, which lives on a filesystem of its own (EXDEV). Through
 * AT_EMPTY_PATH and through /proc/self/fd with AT_SYMLINK_FOLLOW. */
/* covers: linkat */
#include "tap.h"
#include <sys/mman.h>

#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

static long link_fd(int fd, const char *name)
{
    return SYS(SYS_linkat, fd, "", AT_FDCWD, name, AT_EMPTY_PATH);
}

static long link_proc(int fd, const char *name)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
    return SYS(SYS_linkat, AT_FDCWD, p, AT_FDCWD, name, AT_SYMLINK_FOLLOW);
}

static void tmpfile_once(void)
{
    int fd = open(".", O_TMPFILE | O_RDWR, 0600);
    T_TRUE("open O_TMPFILE", fd >= 0);
    T_OK("linkat AT_EMPTY_PATH names an O_TMPFILE file", link_fd(fd, "t1"), 0);
    T_ERR("linkat AT_EMPTY_PATH onto an existing name -> EEXIST", link_fd(fd, "t1"), EEXIST);
    T_OK("linkat AT_EMPTY_PATH: a second name while it has one", link_fd(fd, "t2"), 0);
    unlink("t1");
    unlink("t2");
    struct stat st;
    T_TRUE("unlink of both names leaves the O_TMPFILE file with none", fstat(fd, &st) == 0 && st.st_nlink == 0);
    T_ERR("linkat of an O_TMPFILE file named once and unlinked again -> ENOENT", link_fd(fd, "t3"), ENOENT);
    T_ERR("linkat through /proc/self/fd of the same -> ENOENT", link_proc(fd, "t3"), ENOENT);
    close(fd);

    fd = open(".", O_TMPFILE | O_RDWR, 0600);
    T_OK("linkat through /proc/self/fd with AT_SYMLINK_FOLLOW names an O_TMPFILE file", link_proc(fd, "t4"), 0);
    T_TRUE("access finds the name linkat made", access("t4", F_OK) == 0);
    unlink("t4");
    close(fd);
}

static void tmpfile_excl(void)
{
    int fd = open(".", O_TMPFILE | O_EXCL | O_RDWR, 0600);
    T_TRUE("open O_TMPFILE|O_EXCL", fd >= 0);
    T_OK("write to an O_TMPFILE|O_EXCL file", write(fd, "x", 1), 1);
    T_ERR("linkat AT_EMPTY_PATH of an O_TMPFILE|O_EXCL file -> ENOENT", link_fd(fd, "e1"), ENOENT);
    T_ERR("linkat through /proc/self/fd of an O_TMPFILE|O_EXCL file -> ENOENT", link_proc(fd, "e1"), ENOENT);
    T_ERR("access finds no name after the failed linkat", access("e1", F_OK), ENOENT);
    close(fd);
}

static void unlinked_file(void)
{
    int fd = open("u", O_CREAT | O_RDWR, 0600);
    T_OK("linkat AT_EMPTY_PATH names a file that has a name", link_fd(fd, "u2"), 0);
    unlink("u");
    unlink("u2");
    T_ERR("linkat AT_EMPTY_PATH of a file whose names were all removed -> ENOENT", link_fd(fd, "u3"), ENOENT);
    T_ERR("linkat through /proc/self/fd of a removed file -> ENOENT", link_proc(fd, "u3"), ENOENT);
    close(fd);
}

static void memfd(void)
{
    int fd = (int)SYS(SYS_memfd_create, "tmplink", 0);
    T_TRUE("memfd_create", fd >= 0);
    T_ERR("linkat AT_EMPTY_PATH of a memfd -> EXDEV", link_fd(fd, "m1"), EXDEV);
    T_ERR("linkat through /proc/self/fd of a memfd -> EXDEV", link_proc(fd, "m1"), EXDEV);
    close(fd);
}

int main(void)
{
    tap_scratch("tmplink");
    tmpfile_once();
    tmpfile_excl();
    unlinked_file();
    memfd();
    tap_finish_dir();
    return tap_done();
}
