/* test/conformance/symnofollow.c — AT_SYMLINK_NOFOLLOW where it acts on the link itself: faccessat2 (a dangling
 * link exists; the file it names does not), fchmodat (Linux cannot change a link's mode: EOPNOTSUPP; on a file
 * the flag changes nothing) and utimensat (the link's own times change, the target's do not). */
/* covers: faccessat2 fchmodat utimensat */
#include "tap.h"

int main(void)
{
    tap_scratch("symnofollow"); /* the files below are made in it */
    const char *file = "file", *dangling = "dangling", *link = "link";
    close(open(file, O_CREAT | O_WRONLY, 0644));
    symlink("nowhere", dangling);
    symlink("file", link);

    T_OK("access: faccessat2 AT_SYMLINK_NOFOLLOW of a dangling link: the link exists",
         SYS(SYS_faccessat2, AT_FDCWD, dangling, F_OK, AT_SYMLINK_NOFOLLOW), 0);
    T_ERR("access: faccessat2 of a dangling link, followed", SYS(SYS_faccessat2, AT_FDCWD, dangling, F_OK, 0), ENOENT);
    T_ERR("access: faccessat2 with an unknown flag", SYS(SYS_faccessat2, AT_FDCWD, file, F_OK, 0x1), EINVAL);

    T_ERR("chmod: fchmodat AT_SYMLINK_NOFOLLOW on a link", fchmodat(AT_FDCWD, link, 0600, AT_SYMLINK_NOFOLLOW),
          EOPNOTSUPP);
    T_OK("chmod: fchmodat AT_SYMLINK_NOFOLLOW on a file", fchmodat(AT_FDCWD, file, 0600, AT_SYMLINK_NOFOLLOW), 0);
    struct stat st;
    stat(file, &st);
    T_EQ("chmod: fchmodat AT_SYMLINK_NOFOLLOW on a file: its mode is 0600", st.st_mode & 07777, 0600);

    struct timespec ts[2] = { { 1000000000, 0 }, { 1000000001, 0 } };
    T_OK("utimensat AT_SYMLINK_NOFOLLOW on a link", utimensat(AT_FDCWD, link, ts, AT_SYMLINK_NOFOLLOW), 0);
    struct stat ls, fs;
    lstat(link, &ls);
    stat(file, &fs);
    T_EQ("utimensat AT_SYMLINK_NOFOLLOW: the link's mtime is set", ls.st_mtim.tv_sec, 1000000001);
    T_TRUE("utimensat AT_SYMLINK_NOFOLLOW: the target's mtime is not", fs.st_mtim.tv_sec != 1000000001);
    T_OK("utimensat on a link, followed", utimensat(AT_FDCWD, link, ts, 0), 0);
    stat(file, &fs);
    T_EQ("utimensat on a link, followed: the target's mtime is set", fs.st_mtim.tv_sec, 1000000001);

    chdir("/");
    tap_cleanup_dir(tap_dir);
    return tap_done();
}
