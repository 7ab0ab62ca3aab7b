/* test/conformance/xattr.c — extended attributes kept and given back (xattr(7), setxattr(2), getxattr(2),
 * listxattr(2), removexattr(2)): user.* values of any size up to 64 KiB (E2BIG past it), empty values,
 * XATTR_CREATE (EEXIST) and XATTR_REPLACE (ENODATA), size 0 asking for the length, ERANGE for a small buffer,
 * names empty or over 255 bytes (ERANGE), a bare prefix (EINVAL), unknown namespaces and system.* without ACLs
 * (EOPNOTSUPP), user.* on a symlink (EPERM to set, ENODATA to get), on a directory, trusted.* for root, the
 * permission a non-owner needs (EACCES), removal, the l* and f* forms, a listing's names (compared sorted:
 * filesystems order them differently), ctime moving on a change, the attributes gone with the file. */
/* covers: getxattr lgetxattr fgetxattr setxattr lsetxattr fsetxattr listxattr llistxattr flistxattr removexattr lremovexattr fremovexattr */
#include "tap.h"
#include <sys/xattr.h>
#include <sys/stat.h>
#include <sys/prctl.h>

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The listing of path as one sorted, comma-joined string. */
static const char *sorted_list(const char *path, char *out, size_t outsz)
{
    static char buf[4096];
    char *names[64];
    long n = listxattr(path, buf, sizeof(buf)), k = 0;
    out[0] = 0;
    for (long at = 0; n > 0 && at < n && k < 64; at += (long)strlen(buf + at) + 1)
        names[k++] = buf + at;
    qsort(names, (size_t)k, sizeof(names[0]), cmp_str);
    for (long i = 0; i < k; i++)
        snprintf(out + strlen(out), outsz - strlen(out), "%s%s", i ? "," : "", names[i]);
    return out;
}

static void values(void)
{
    char buf[70000], list[512];
    close(open("f", O_CREAT | O_RDWR, 0644));
    T_OK("setxattr user.a", setxattr("f", "user.a", "hello", 5, 0), 0);
    T_OK("getxattr user.a: its length", getxattr("f", "user.a", buf, sizeof(buf)), 5);
    T_TRUE("getxattr user.a: its value", !memcmp(buf, "hello", 5));
    T_OK("getxattr size 0: the length wanted", getxattr("f", "user.a", NULL, 0), 5);
    T_ERR("getxattr into a buffer too small -> ERANGE", getxattr("f", "user.a", buf, 4), ERANGE);
    T_ERR("setxattr XATTR_CREATE over an existing name -> EEXIST", setxattr("f", "user.a", "x", 1, XATTR_CREATE), EEXIST);
    T_ERR("setxattr XATTR_REPLACE of a missing name -> ENODATA", setxattr("f", "user.b", "x", 1, XATTR_REPLACE), ENODATA);
    T_OK("setxattr XATTR_REPLACE of an existing name", setxattr("f", "user.a", "bye", 3, XATTR_REPLACE), 0);
    T_OK("getxattr after the replace", getxattr("f", "user.a", buf, sizeof(buf)), 3);
    T_OK("setxattr XATTR_CREATE of a new name", setxattr("f", "user.b", "", 0, XATTR_CREATE), 0);
    T_OK("getxattr an empty value", getxattr("f", "user.b", buf, sizeof(buf)), 0);
    T_ERR("setxattr both flags at once of a missing name -> ENODATA", setxattr("f", "user.c", "x", 1, XATTR_CREATE | XATTR_REPLACE), ENODATA);
    T_ERR("setxattr unknown flags -> EINVAL", setxattr("f", "user.c", "x", 1, 4), EINVAL);
    memset(buf, 'v', sizeof(buf));
    T_OK("setxattr a 4000-byte value", setxattr("f", "user.big", buf, 4000, 0), 0);
    T_OK("getxattr the 4000-byte value", getxattr("f", "user.big", buf, sizeof(buf)), 4000);
    T_ERR("setxattr a value over 64 KiB -> E2BIG", setxattr("f", "user.huge", buf, 65537, 0), E2BIG);
    T_EQ("listxattr: the names", strcmp(sorted_list("f", list, sizeof(list)), "user.a,user.b,user.big"), 0);
    T_OK("listxattr size 0: the length wanted", listxattr("f", NULL, 0), 23);
    T_ERR("listxattr into a buffer too small -> ERANGE", listxattr("f", buf, 5), ERANGE);
    T_OK("removexattr user.big", removexattr("f", "user.big"), 0);
    T_ERR("getxattr after removal -> ENODATA", getxattr("f", "user.big", buf, sizeof(buf)), ENODATA);
    T_ERR("removexattr again -> ENODATA", removexattr("f", "user.big"), ENODATA);
    T_EQ("listxattr after removal", strcmp(sorted_list("f", list, sizeof(list)), "user.a,user.b"), 0);
}

static void names(void)
{
    char buf[64], longname[300];
    memset(longname, 'n', sizeof(longname));
    memcpy(longname, "user.", 5);
    longname[256] = 0;
    T_ERR("setxattr a 256-byte name -> ERANGE", setxattr("f", longname, "x", 1, 0), ERANGE);
    T_ERR("getxattr a 256-byte name -> ERANGE", getxattr("f", longname, buf, sizeof(buf)), ERANGE);
    longname[255] = 0;
    T_OK("setxattr a 255-byte name", setxattr("f", longname, "x", 1, 0), 0);
    T_ERR("setxattr an empty name -> ERANGE", setxattr("f", "", "x", 1, 0), ERANGE);
    T_ERR("getxattr an empty name -> ERANGE", getxattr("f", "", buf, sizeof(buf)), ERANGE);
    T_ERR("setxattr the bare prefix user. -> EINVAL", setxattr("f", "user.", "x", 1, 0), EINVAL);
    T_ERR("setxattr an unknown namespace -> EOPNOTSUPP", setxattr("f", "skiff.a", "x", 1, 0), EOPNOTSUPP);
    T_ERR("getxattr an unknown namespace -> EOPNOTSUPP", getxattr("f", "skiff.a", buf, sizeof(buf)), EOPNOTSUPP);
    T_ERR("setxattr a name at a bad address -> EFAULT", setxattr("f", BADUPTR, "x", 1, 0), EFAULT);
    T_ERR("setxattr a bad name before a missing file -> ERANGE", setxattr("missing", "", "x", 1, 0), ERANGE);
    T_ERR("setxattr a value at a bad address -> EFAULT", setxattr("f", "user.q", BADUPTR, 4, 0), EFAULT);
    T_ERR("getxattr into a bad address -> EFAULT", getxattr("f", "user.a", BADUPTR, 16), EFAULT);
    T_ERR("setxattr trusted. bare prefix -> EINVAL", setxattr("f", "trusted.", "x", 1, 0), EINVAL);
    removexattr("f", longname);
}

static void kinds(void)
{
    char buf[64], list[256];
    symlink("f", "ln");
    T_ERR("lsetxattr user.* on a symlink -> EPERM", lsetxattr("ln", "user.a", "x", 1, 0), EPERM);
    T_ERR("lgetxattr user.* on a symlink -> ENODATA", lgetxattr("ln", "user.a", buf, sizeof(buf)), ENODATA);
    T_OK("getxattr through the symlink reads the file's", getxattr("ln", "user.a", buf, sizeof(buf)), 3);
    T_OK("llistxattr a symlink: none", llistxattr("ln", buf, sizeof(buf)), 0);
    mkdir("d", 0755);
    T_OK("setxattr user.* on a directory", setxattr("d", "user.dir", "1", 1, 0), 0);
    T_OK("getxattr user.* of a directory", getxattr("d", "user.dir", buf, sizeof(buf)), 1);
    T_OK("setxattr trusted.* as root", setxattr("f", "trusted.t", "tt", 2, 0), 0);
    T_OK("getxattr trusted.* as root", getxattr("f", "trusted.t", buf, sizeof(buf)), 2);
    T_EQ("listxattr as root shows trusted.*", strcmp(sorted_list("f", list, sizeof(list)), "trusted.t,user.a,user.b"), 0);
    int fd = open("f", O_RDONLY);
    T_OK("fsetxattr on a read-only descriptor (permission is the file's)", fsetxattr(fd, "user.fd", "1", 1, 0), 0);
    T_OK("fgetxattr", fgetxattr(fd, "user.fd", buf, sizeof(buf)), 1);
    T_OK("flistxattr: the length", flistxattr(fd, NULL, 0), (long)strlen("trusted.t,user.a,user.b,user.fd") + 1);
    T_OK("fremovexattr", fremovexattr(fd, "user.fd"), 0);
    T_ERR("fsetxattr a closed descriptor -> EBADF", fsetxattr(999, "user.x", "1", 1, 0), EBADF);
    int pfd = open("f", O_PATH);
    T_ERR("fgetxattr an O_PATH descriptor -> EBADF", fgetxattr(pfd, "user.a", buf, sizeof(buf)), EBADF);
    close(pfd);
    struct stat a, b;
    stat("f", &a);
    usleep(20000);
    setxattr("f", "user.a", "z", 1, 0);
    stat("f", &b);
    T_TRUE("a set moves ctime", b.st_ctim.tv_sec > a.st_ctim.tv_sec ||
           (b.st_ctim.tv_sec == a.st_ctim.tv_sec && b.st_ctim.tv_nsec > a.st_ctim.tv_nsec));
    close(fd);
    T_ERR("setxattr an unknown system.* name -> EOPNOTSUPP", setxattr("f", "system.nosuch", "x", 1, 0), EOPNOTSUPP);
}

/* As nobody: the file is root's, 0644. */
static int unprivileged(void)
{
    if (setgid(65534) || setuid(65534))
        return 100;
    prctl(PR_SET_DUMPABLE, 1);
    char buf[64];
    int r = 0;
    errno = 0;
    r |= (setxattr("f", "user.n", "1", 1, 0) == -1 && errno == EACCES) << 0;
    r |= (getxattr("f", "user.a", buf, sizeof(buf)) == 1) << 1; /* 0644: readable */
    errno = 0;
    r |= (setxattr("f", "trusted.n", "1", 1, 0) == -1 && errno == EPERM) << 2;
    errno = 0;
    r |= (getxattr("f", "trusted.t", buf, sizeof(buf)) == -1 && errno == ENODATA) << 3;
    char l[256];
    r |= (listxattr("f", l, sizeof(l)) == (long)strlen("user.a,user.b") + 1) << 4; /* trusted.* hidden */
    return r;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    tap_scratch("xattr");
    values();
    names();
    kinds();
    chmod(".", 0755);
    int r = tap_child(unprivileged);
    T_TRUE("user.* set without write permission -> EACCES", r >= 0 && r < 100 && (r & 1));
    T_TRUE("user.* get with read permission", r >= 0 && r < 100 && (r & 2));
    T_TRUE("trusted.* set without CAP_SYS_ADMIN -> EPERM", r >= 0 && r < 100 && (r & 4));
    T_TRUE("trusted.* get without CAP_SYS_ADMIN -> ENODATA", r >= 0 && r < 100 && (r & 8));
    T_TRUE("listxattr without CAP_SYS_ADMIN hides trusted.*", r >= 0 && r < 100 && (r & 16));
    unlink("f");
    close(open("f", O_CREAT | O_RDWR, 0644));
    char buf[16];
    T_ERR("a new file of the same name has none of the old one's", getxattr("f", "user.a", buf, sizeof(buf)), ENODATA);
    tap_finish_dir();
    return tap_done();
}
