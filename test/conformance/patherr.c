/* test/conformance/patherr.c — the path errors path_resolution(7) gives every call that takes a path, checked
 * on the calls whose man pages list them: ELOOP (a symlink loop), ENAMETOOLONG (a path of 5000 bytes, a
 * component of 300) and ENOTDIR (a file used as a directory), for chmod, access, mknod, statx, statfs,
 * execve and truncate; and umount2's ENAMETOOLONG, ENOENT and EFAULT. */
/* covers: chmod access mknod statx statfs execve umount2 truncate */
#include "tap.h"
#include <sys/mount.h>
#include <sys/statfs.h>

static char longpath[5000], longname[300];

/* Each call on the three bad paths: a symlink loop ("loop/x" or "loop"), a long path, "f/x". */
#define THREE(call, looppath, ...)                                                                  \
    do {                                                                                            \
        const char *p_;                                                                             \
        p_ = looppath;                                                                              \
        T_ERR(#call " through a symlink loop", call(p_, ##__VA_ARGS__), ELOOP);                     \
        p_ = longpath;                                                                              \
        T_ERR(#call " of a 4999-byte path", call(p_, ##__VA_ARGS__), ENAMETOOLONG);                 \
        p_ = longname;                                                                              \
        T_ERR(#call " of a 299-byte name", call(p_, ##__VA_ARGS__), ENAMETOOLONG);                  \
        p_ = "f/x";                                                                                 \
        T_ERR(#call " of a path through a file", call(p_, ##__VA_ARGS__), ENOTDIR);                 \
    } while (0)

static int statx_of(const char *p)
{
    char sx[256]; /* struct statx, which musl's headers lack */
    return (int)syscall(SYS_statx, AT_FDCWD, p, 0, 0x7ffu /* STATX_BASIC_STATS */, sx);
}

static int statfs_of(const char *p)
{
    struct statfs sf;
    return statfs(p, &sf);
}

static int execve_of(const char *p)
{
    char *av[] = { "x", NULL };
    return execve(p, av, av);
}

int main(void)
{
    tap_scratch("patherr");
    memset(longpath, 'a', sizeof longpath - 1);
    memset(longname, 'b', sizeof longname - 1);
    if (symlink("l1", "l2") || symlink("l2", "l1"))
        return 2;
    close(open("f", O_CREAT | O_WRONLY, 0755));
    THREE(chmod, "l1", 0644);
    THREE(access, "l1", F_OK);
    THREE(mknod, "l1/x", S_IFIFO | 0644, 0);
    THREE(statx_of, "l1");
    THREE(statfs_of, "l1");
    THREE(execve_of, "l1");
    THREE(truncate, "l1", 0);
    T_ERR("umount2 of a 4999-byte path", umount2(longpath, 0), ENAMETOOLONG);
    T_ERR("umount2 of a missing path", umount2("missing", 0), ENOENT);
    T_ERR("umount2 of a path at a bad address", umount2(BADUPTR, 0), EFAULT);
    unlink("l1");
    unlink("l2");
    unlink("f");
    return tap_done();
}
