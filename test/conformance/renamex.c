/* test/conformance/renamex.c — renameat2(2) RENAME_EXCHANGE: two names swap what they name, atomically (a
 * file and a file, a file and a directory, directories in different parents, whose ".." and link counts
 * follow), and its errors: both names must exist (ENOENT), no directory may end up inside itself (EINVAL),
 * RENAME_NOREPLACE or RENAME_WHITEOUT with it (EINVAL), a trailing slash on a non-directory (ENOTDIR), another
 * filesystem (EXDEV); a name exchanged with itself or another link to the same file changes nothing. */
/* covers: renameat2 */
#include "tap.h"
#include <sys/mount.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4
#endif

static long xchg(const char *a, const char *b) { return SYS(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE); }

static long ino_of(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -1 : (long)st.st_ino;
}

static long links_of(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -1 : (long)st.st_nlink;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    tap_scratch("renamex");
    put_file("f1", "one", 3);
    put_file("f2", "second", 6);
    long i1 = ino_of("f1"), i2 = ino_of("f2");
    T_OK("renameat2 RENAME_EXCHANGE of two files", xchg("f1", "f2"), 0);
    T_TRUE("renameat2 RENAME_EXCHANGE: the names swapped their files", ino_of("f1") == i2 && ino_of("f2") == i1 &&
           file_size("f1") == 6 && file_size("f2") == 3);
    mkdir("a", 0755);
    mkdir("b", 0755);
    mkdir("a/x", 0755);
    mkdir("a/x/deep", 0755);
    put_file("b/y", "y", 1);
    long ix = ino_of("a/x"), iy = ino_of("b/y");
    T_OK("renameat2 RENAME_EXCHANGE a directory and a file in other directories", xchg("a/x", "b/y"), 0);
    T_TRUE("renameat2 RENAME_EXCHANGE: a/x is the file, b/y the directory", ino_of("a/x") == iy &&
           ino_of("b/y") == ix);
    T_EQ("renameat2 RENAME_EXCHANGE: the moved directory's .. is its new parent", ino_of("b/y/.."), ino_of("b"));
    T_EQ("renameat2 RENAME_EXCHANGE: the directory it left lost a link", links_of("a"), 2);
    T_EQ("renameat2 RENAME_EXCHANGE: the directory it joined gained one", links_of("b"), 3);
    T_OK("renameat2 RENAME_EXCHANGE back", xchg("b/y", "a/x"), 0);
    T_EQ("renameat2 RENAME_EXCHANGE back: the links are as before", links_of("a") * 10 + links_of("b"), 32);
    T_ERR("renameat2 RENAME_EXCHANGE with a missing target", xchg("f1", "nope"), ENOENT);
    T_ERR("renameat2 RENAME_EXCHANGE with a missing source", xchg("nope", "f1"), ENOENT);
    T_ERR("renameat2 RENAME_EXCHANGE a directory with its own subdirectory", xchg("a/x", "a/x/deep"), EINVAL);
    T_ERR("renameat2 RENAME_EXCHANGE a subdirectory with its ancestor", xchg("a/x/deep", "a"), EINVAL);
    T_ERR("renameat2 RENAME_EXCHANGE|RENAME_NOREPLACE",
          SYS(SYS_renameat2, AT_FDCWD, "f1", AT_FDCWD, "f2", RENAME_EXCHANGE | RENAME_NOREPLACE), EINVAL);
    T_ERR("renameat2 RENAME_EXCHANGE|RENAME_WHITEOUT",
          SYS(SYS_renameat2, AT_FDCWD, "f1", AT_FDCWD, "f2", RENAME_EXCHANGE | RENAME_WHITEOUT), EINVAL);
    T_ERR("renameat2 RENAME_EXCHANGE a trailing slash on a file", xchg("a/x", "f1/"), ENOTDIR);
    T_OK("renameat2 RENAME_EXCHANGE a trailing slash on two directories", xchg("a/x/", "b/"), 0);
    T_TRUE("renameat2 RENAME_EXCHANGE: the two trees swapped", access("a/x/y", F_OK) == 0 &&
           access("b/deep", F_OK) == 0);
    T_OK("renameat2 RENAME_EXCHANGE them back", xchg("a/x", "b"), 0);
    T_OK("renameat2 RENAME_EXCHANGE a name with itself", xchg("f1", "f1"), 0);
    link("f1", "f1link");
    T_OK("renameat2 RENAME_EXCHANGE two links to one file", xchg("f1", "f1link"), 0);
    T_TRUE("renameat2 RENAME_EXCHANGE of links: both names stay", ino_of("f1") == ino_of("f1link") &&
           links_of("f1") == 2);
    mkdir("m", 0755);
    if (mount("skifftest", "m", "tmpfs", 0, NULL) == 0) {
        put_file("m/g", "g", 1);
        T_ERR("renameat2 RENAME_EXCHANGE across filesystems", xchg("f1", "m/g"), EXDEV);
        char mnt[600];
        snprintf(mnt, sizeof mnt, "%s/m", tap_dir);
        umount2(mnt, MNT_DETACH);
    } else {
        T_SKIP("renameat2 RENAME_EXCHANGE across filesystems", "no tmpfs mount");
    }
    tap_finish_dir();
    return tap_done();
}
