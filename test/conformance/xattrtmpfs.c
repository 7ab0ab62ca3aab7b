/* test/conformance/xattrtmpfs.c — extended attributes on a tmpfs mounted for the test (natively in a private
 * mount namespace, so the host is untouched), as Linux 6.18's tmpfs keeps them (xattr(7), setxattr(2),
 * getxattr(2), listxattr(2), removexattr(2), capabilities(7)): user.* refused on symlinks, fifos, sockets and
 * devices while trusted.* and security.* work there; the list's order; security.* changes need CAP_SYS_ADMIN,
 * security.capability a valid value and CAP_SETFCAP, and it goes with a write, truncate or chown; the checks'
 * order (permission before the name's EINVAL/EOPNOTSUPP); lists past 64 KiB (E2BIG); values kept across link
 * and rename and on an unlinked open file; the nr_inodes= space the attributes take (ENOSPC, statfs); the
 * *xattrat calls of Linux 6.13 (struct xattr_args, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW); O_PATH descriptors. */
/* covers: setxattr lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr llistxattr flistxattr removexattr lremovexattr fremovexattr setxattrat getxattrat listxattrat removexattrat */
#include "tmpfs_scratch.h"
#include <stdint.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/xattr.h>
#include <sys/statfs.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/sysmacros.h>

#define SETXATTRAT 463
#define GETXATTRAT 464
#define LISTXATTRAT 465
#define REMOVEXATTRAT 466
#define CAP_SYS_ADMIN_BIT (1u << 21)
#define CAP_SETFCAP_BIT (1u << 31)
struct cap_header { uint32_t version; int pid; };     /* capget(2)'s, _LINUX_CAPABILITY_VERSION_3 */
struct cap_data { uint32_t effective, permitted, inheritable; };

struct xattr_args {
    uint64_t value;
    uint32_t size, flags;
    uint64_t more; /* a later version's field: must be 0 for this kernel */
};

static char buf[100000];

/* The list of path (no symlink following) as a comma-joined string, in the kernel's order */
static const char *list_of(const char *path)
{
    static char out[512];
    long n = llistxattr(path, buf, sizeof(buf));
    out[0] = 0;
    for (long at = 0; n > 0 && at < n; at += (long)strlen(buf + at) + 1)
        snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", at ? "," : "", buf + at);
    return out;
}

static void kinds(void)
{
    static const char *const kind[] = { "ln", "fifo", "chr", "sock" };
    char name[120];
    symlink("f", "ln");
    mkfifo("fifo", 0644);
    mknod("chr", S_IFCHR | 0644, makedev(1, 3));
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = "sock" };
    bind(s, (struct sockaddr *)&a, sizeof(a));
    for (int i = 0; i < 4; i++) {
        const char *k = kind[i];
        snprintf(name, sizeof name, "lsetxattr user.* on a %s -> EPERM", k);
        T_ERR(name, lsetxattr(k, "user.a", "x", 1, 0), EPERM);
        snprintf(name, sizeof name, "lgetxattr user.* on a %s -> ENODATA", k);
        T_ERR(name, lgetxattr(k, "user.a", buf, 64), ENODATA);
        snprintf(name, sizeof name, "lremovexattr user.* on a %s -> EPERM", k);
        T_ERR(name, lremovexattr(k, "user.a"), EPERM);
        snprintf(name, sizeof name, "lsetxattr trusted.* on a %s (tmpfs keeps it)", k);
        T_OK(name, lsetxattr(k, "trusted.a", "tt", 2, 0), 0);
        snprintf(name, sizeof name, "lsetxattr security.* on a %s", k);
        T_OK(name, lsetxattr(k, "security.a", "s", 1, 0), 0);
        snprintf(name, sizeof name, "lgetxattr trusted.* of a %s", k);
        T_OK(name, lgetxattr(k, "trusted.a", buf, 64), 2);
        snprintf(name, sizeof name, "llistxattr of a %s: trusted.a,security.a", k);
        T_EQ(name, strcmp(list_of(k), "trusted.a,security.a"), 0);
        snprintf(name, sizeof name, "lremovexattr security.* of a %s", k);
        T_OK(name, lremovexattr(k, "security.a"), 0);
    }
    close(s);
}

static void order(void)
{
    static const char *const names[] = { "user.b", "user.a", "trusted.x", "user.c", "security.a", "user.aa" };
    close(open("o", O_CREAT | O_RDWR, 0644));
    for (int i = 0; i < 6; i++)
        setxattr("o", names[i], "1", 1, 0);
    T_EQ("listxattr gives tmpfs's order (names descending)",
         strcmp(list_of("o"), "user.c,user.b,user.aa,user.a,trusted.x,security.a"), 0);
    removexattr("o", "user.b");
    setxattr("o", "user.b", "2", 1, 0);
    T_EQ("listxattr: a name set again takes its place in that order",
         strcmp(list_of("o"), "user.c,user.b,user.aa,user.a,trusted.x,security.a"), 0);
    T_OK("setxattr a value of exactly 64 KiB", setxattr("o", "user.max", buf, 65536, 0), 0);
    T_OK("getxattr the 64 KiB value", getxattr("o", "user.max", buf, sizeof(buf)), 65536);
    T_OK("getxattr into a buffer past 64 KiB", getxattr("o", "user.max", buf, sizeof(buf)), 65536);
}

/* 300 names of 245 bytes: a list of 73,800 bytes, more than one call may return */
static void long_list(void)
{
    char name[300];
    close(open("big", O_CREAT | O_RDWR, 0644));
    int made = 0;
    for (int i = 0; i < 300; i++) {
        memset(name, 'n', 245);
        memcpy(name, "user.", 5);
        snprintf(name + 240, 10, "%05d", i);
        made += setxattr("big", name, "", 0, 0) == 0;
    }
    T_EQ("setxattr 300 names of 245 bytes", made, 300);
    T_OK("listxattr size 0 of a 73,800-byte list: its length", listxattr("big", NULL, 0), 73800);
    T_ERR("listxattr of a list past 64 KiB into a 64 KiB buffer -> E2BIG", listxattr("big", buf, 65536), E2BIG);
    T_ERR("listxattr of a list past 64 KiB into a larger buffer -> E2BIG", listxattr("big", buf, sizeof(buf)), E2BIG);
    T_ERR("listxattr of a list past 64 KiB into a small buffer -> ERANGE", listxattr("big", buf, 1000), ERANGE);
    unlink("big");
}

static void same_inode(void)
{
    close(open("f", O_CREAT | O_RDWR, 0644));
    setxattr("f", "user.keep", "kept", 4, 0);
    link("f", "g");
    T_OK("getxattr through a hard link: the same inode's", getxattr("g", "user.keep", buf, 64), 4);
    rename("g", "h");
    T_OK("getxattr after a rename keeps the value", getxattr("h", "user.keep", buf, 64), 4);
    int fd = open("h", O_RDONLY);
    unlink("f");
    unlink("h");
    T_OK("fgetxattr of an open file with no name left", fgetxattr(fd, "user.keep", buf, 64), 4);
    T_OK("fsetxattr of an open file with no name left", fsetxattr(fd, "user.more", "1", 1, 0), 0);
    close(fd);
    close(open("f", O_CREAT | O_RDWR, 0644));
    T_ERR("getxattr of a new file by the old name -> ENODATA", getxattr("f", "user.keep", buf, 64), ENODATA);
    int p = open("f", O_PATH);
    T_ERR("fsetxattr on an O_PATH descriptor -> EBADF", fsetxattr(p, "user.a", "1", 1, 0), EBADF);
    T_ERR("flistxattr on an O_PATH descriptor -> EBADF", flistxattr(p, buf, 64), EBADF);
    T_ERR("fremovexattr on an O_PATH descriptor -> EBADF", fremovexattr(p, "user.a"), EBADF);
    close(p);
}

static const uint32_t caps_v2[5] = { 0x02000001, 1u << 10, 0, 0, 0 };

static long set_caps(const char *path)
{
    return setxattr(path, "security.capability", caps_v2, sizeof(caps_v2), 0);
}

static void file_caps(void)
{
    uint32_t v3root[6] = { 0x03000001, 1u << 10, 0, 0, 0, 0 }, v3five[6] = { 0x03000001, 1u << 10, 0, 0, 0, 5 };
    uint32_t v1[3] = { 0x01000000, 1, 0 }, badflag[5] = { 0x02000003, 1, 0, 0, 0 };
    uint32_t v2long[6] = { 0x02000001, 1, 0, 0, 0, 0 };
    close(open("c", O_CREAT | O_RDWR, 0755));
    T_ERR("setxattr security.capability of 19 bytes -> EINVAL", setxattr("c", "security.capability", caps_v2, 19, 0), EINVAL);
    T_ERR("setxattr security.capability empty -> EINVAL", setxattr("c", "security.capability", "", 0, 0), EINVAL);
    T_ERR("setxattr security.capability version 1 -> EINVAL", setxattr("c", "security.capability", v1, 12, 0), EINVAL);
    T_ERR("setxattr security.capability with an unknown flag -> EINVAL", setxattr("c", "security.capability", badflag, 20, 0), EINVAL);
    T_ERR("setxattr security.capability version 2 in 24 bytes -> EINVAL", setxattr("c", "security.capability", v2long, 24, 0), EINVAL);
    uint32_t flag100[5] = { 0x02000100, 1, 0, 0, 0 }, v3none[6] = { 0x03000001, 1, 0, 0, 0, 0xffffffff };
    T_ERR("setxattr security.capability with a flag in the third byte -> EINVAL", setxattr("c", "security.capability", flag100, 20, 0), EINVAL);
    T_ERR("setxattr security.capability version 3 for uid -1 -> EINVAL", setxattr("c", "security.capability", v3none, 24, 0), EINVAL);
    T_OK("setxattr security.capability version 3 for uid 0", setxattr("c", "security.capability", v3root, 24, 0), 0);
    T_OK("getxattr security.capability: kept as version 2 (20 bytes)", getxattr("c", "security.capability", buf, 64), 20);
    T_EQ("getxattr security.capability: its magic says version 2", *(uint32_t *)buf, 0x02000001);
    T_OK("setxattr security.capability version 3 for uid 5", setxattr("c", "security.capability", v3five, 24, 0), 0);
    T_OK("getxattr security.capability for uid 5: 24 bytes", getxattr("c", "security.capability", buf, 64), 24);
    set_caps("c");
    int fd = open("c", O_WRONLY);
    write(fd, "x", 1);
    T_ERR("write drops security.capability -> ENODATA", getxattr("c", "security.capability", buf, 64), ENODATA);
    set_caps("c");
    ftruncate(fd, 0);
    T_ERR("ftruncate drops security.capability -> ENODATA", getxattr("c", "security.capability", buf, 64), ENODATA);
    close(fd);
    set_caps("c");
    chmod("c", 0750);
    T_OK("chmod keeps security.capability", getxattr("c", "security.capability", buf, 64), 20);
    chown("c", 0, 0);
    T_ERR("chown drops security.capability -> ENODATA", getxattr("c", "security.capability", buf, 64), ENODATA);
    set_caps("c");
    close(open("c", O_WRONLY | O_TRUNC));
    T_ERR("open O_TRUNC drops security.capability -> ENODATA", getxattr("c", "security.capability", buf, 64), ENODATA);
    set_caps("c");
    setxattr("c", "user.other", "1", 1, 0);
    fd = open("c", O_WRONLY);
    write(fd, "x", 1);
    close(fd);
    T_OK("write keeps the other attributes", getxattr("c", "user.other", buf, 64), 1);
    mkdir("cd", 0755);
    T_OK("setxattr security.capability on a directory", setxattr("cd", "security.capability", caps_v2, 20, 0), 0);
}

/* Root's uid without CAP_SYS_ADMIN and CAP_SETFCAP, in a child */
static void without_admin(void)
{
    struct cap_header h = { 0x20080522, 0 };
    struct cap_data d[2];
    syscall(SYS_capget, &h, d);
    d[0].effective &= ~(CAP_SYS_ADMIN_BIT | CAP_SETFCAP_BIT);
    d[0].permitted &= ~(CAP_SYS_ADMIN_BIT | CAP_SETFCAP_BIT);
    T_OK("capset: drop CAP_SYS_ADMIN and CAP_SETFCAP", syscall(SYS_capset, &h, d), 0);
    T_ERR("setxattr security.* without CAP_SYS_ADMIN -> EPERM", setxattr("f", "security.n", "1", 1, 0), EPERM);
    T_OK("getxattr security.* without CAP_SYS_ADMIN", getxattr("f", "security.s", buf, 64), 1);
    T_ERR("removexattr security.* without CAP_SYS_ADMIN -> EPERM", removexattr("f", "security.s"), EPERM);
    T_ERR("setxattr trusted.* without CAP_SYS_ADMIN -> EPERM", setxattr("f", "trusted.n", "1", 1, 0), EPERM);
    T_ERR("getxattr trusted.* without CAP_SYS_ADMIN -> ENODATA", getxattr("f", "trusted.t", buf, 64), ENODATA);
    T_ERR("removexattr trusted.* without CAP_SYS_ADMIN -> EPERM", removexattr("f", "trusted.t"), EPERM);
    T_EQ("listxattr without CAP_SYS_ADMIN hides trusted.*", strcmp(list_of("f"), "user.u,security.s"), 0);
    T_OK("listxattr size 0 without CAP_SYS_ADMIN: the length without trusted.*", listxattr("f", NULL, 0), 18);
    T_ERR("setxattr the bare security. prefix without CAP_SYS_ADMIN -> EPERM", setxattr("f", "security.", "1", 1, 0), EPERM);
    T_ERR("setxattr security.capability without CAP_SETFCAP -> EPERM", set_caps("f"), EPERM);
    T_ERR("setxattr a bad security.capability without CAP_SETFCAP -> EINVAL", setxattr("f", "security.capability", caps_v2, 19, 0), EINVAL);
    T_ERR("removexattr security.capability without CAP_SETFCAP -> EPERM", removexattr("cd", "security.capability"), EPERM);
}

/* As uid 1000: "f" is root's 0600, "mine" its own */
static void as_user(void)
{
    close(open("mine", O_CREAT | O_RDWR, 0600));
    chown("mine", 1000, 1000);
    close(open("suid", O_CREAT | O_RDWR, 0755));
    chown("suid", 1000, 1000);
    chmod("suid", 04755);
    chmod("f", 0600);
    fflush(stdout);
    if (setgid(1000) || setuid(1000))
        return;
    T_ERR("setxattr an unknown namespace without write permission -> EACCES", setxattr("f", "foo.bar", "1", 1, 0), EACCES);
    T_ERR("getxattr an unknown namespace without read permission -> EACCES", getxattr("f", "foo.bar", buf, 64), EACCES);
    T_ERR("setxattr the bare user. prefix without write permission -> EACCES", setxattr("f", "user.", "1", 1, 0), EACCES);
    T_ERR("getxattr the bare user. prefix without read permission -> EACCES", getxattr("f", "user.", buf, 64), EACCES);
    T_ERR("removexattr an unknown namespace without write permission -> EACCES", removexattr("f", "foo.bar"), EACCES);
    T_ERR("setxattr system.* without write permission -> EOPNOTSUPP", setxattr("f", "system.foo", "1", 1, 0), EOPNOTSUPP);
    T_ERR("setxattr the bare trusted. prefix as a user -> EPERM", setxattr("f", "trusted.", "1", 1, 0), EPERM);
    T_ERR("setxattr an unknown namespace on one's own file -> EOPNOTSUPP", setxattr("mine", "foo.bar", "1", 1, 0), EOPNOTSUPP);
    T_OK("listxattr needs no permission on the file", listxattr("f", buf, sizeof(buf)) > 0, 1);
    close(open("suid", O_WRONLY | O_TRUNC));
    struct stat st;
    stat("suid", &st);
    T_EQ("open O_TRUNC by its owner clears set-user-ID", st.st_mode & 07777, 0755);
}

static void at_calls(void)
{
    int d = open(".", O_RDONLY | O_DIRECTORY), fd = open("f", O_RDWR), p = open("f", O_PATH);
    struct xattr_args a = { (uintptr_t)"hi", 2, 0, 0 }, g = { (uintptr_t)buf, 64, 0, 0 };
    T_OK("setxattrat from a directory descriptor", syscall(SETXATTRAT, d, "f", 0, "user.at", &a, 16), 0);
    T_OK("getxattrat the value", syscall(GETXATTRAT, d, "f", 0, "user.at", &g, 16), 2);
    T_TRUE("getxattrat: its bytes", !memcmp(buf, "hi", 2));
    T_ERR("setxattrat with a struct smaller than its first version -> EINVAL", syscall(SETXATTRAT, d, "f", 0, "user.at", &a, 15), EINVAL);
    T_OK("setxattrat with a larger struct whose extra bytes are zero", syscall(SETXATTRAT, d, "f", 0, "user.at", &a, 24), 0);
    a.more = 1;
    T_ERR("setxattrat with non-zero bytes past the struct -> E2BIG", syscall(SETXATTRAT, d, "f", 0, "user.at", &a, 24), E2BIG);
    a.more = 0;
    T_ERR("setxattrat with a struct past a page -> E2BIG", syscall(SETXATTRAT, d, "f", 0, "user.at", &a, 8192), E2BIG);
    T_ERR("setxattrat unknown at_flags -> EINVAL", syscall(SETXATTRAT, d, "f", 0x10000, "user.at", &a, 16), EINVAL);
    T_ERR("setxattrat a bad struct pointer before bad at_flags -> EFAULT", syscall(SETXATTRAT, d, "f", 0x10000, "user.at", NULL, 16), EFAULT);
    a.flags = XATTR_CREATE;
    T_ERR("setxattrat XATTR_CREATE on an existing name -> EEXIST", syscall(SETXATTRAT, d, "f", 0, "user.at", &a, 16), EEXIST);
    a.flags = 8;
    T_ERR("setxattrat unknown xattr flags -> EINVAL", syscall(SETXATTRAT, d, "f", 0, "user.at", &a, 16), EINVAL);
    a.flags = 0;
    a.size = 70000;
    T_ERR("setxattrat a value over 64 KiB -> E2BIG", syscall(SETXATTRAT, d, "f", 0, "user.at", &a, 16), E2BIG);
    a.size = 2;
    T_OK("setxattrat AT_EMPTY_PATH with an empty path: the descriptor's file", syscall(SETXATTRAT, fd, "", AT_EMPTY_PATH, "user.e", &a, 16), 0);
    T_OK("setxattrat AT_EMPTY_PATH with a NULL path", syscall(SETXATTRAT, fd, NULL, AT_EMPTY_PATH, "user.n", &a, 16), 0);
    T_ERR("setxattrat a NULL path without AT_EMPTY_PATH -> EFAULT", syscall(SETXATTRAT, fd, NULL, 0, "user.n", &a, 16), EFAULT);
    T_ERR("setxattrat an empty path without AT_EMPTY_PATH -> ENOENT", syscall(SETXATTRAT, fd, "", 0, "user.n", &a, 16), ENOENT);
    T_ERR("setxattrat AT_EMPTY_PATH on an O_PATH descriptor -> EBADF", syscall(SETXATTRAT, p, "", AT_EMPTY_PATH, "user.n", &a, 16), EBADF);
    T_ERR("setxattrat AT_SYMLINK_NOFOLLOW user.* on a symlink -> EPERM", syscall(SETXATTRAT, d, "ln", AT_SYMLINK_NOFOLLOW, "user.n", &a, 16), EPERM);
    g.flags = 1;
    T_ERR("getxattrat with flags -> EINVAL", syscall(GETXATTRAT, d, "f", 0, "user.at", &g, 16), EINVAL);
    g.flags = 0;
    g.size = 1;
    T_ERR("getxattrat into a buffer too small -> ERANGE", syscall(GETXATTRAT, d, "f", 0, "user.at", &g, 16), ERANGE);
    g.size = 0;
    T_OK("getxattrat size 0: the length", syscall(GETXATTRAT, d, "f", 0, "user.at", &g, 16), 2);
    g.size = 64;
    T_OK("getxattrat through a symlink", syscall(GETXATTRAT, d, "ln", 0, "user.at", &g, 16), 2);
    T_ERR("getxattrat AT_SYMLINK_NOFOLLOW user.* of a symlink -> ENODATA", syscall(GETXATTRAT, d, "ln", AT_SYMLINK_NOFOLLOW, "user.at", &g, 16), ENODATA);
    T_ERR("getxattrat AT_EMPTY_PATH on an O_PATH descriptor -> EBADF", syscall(GETXATTRAT, p, "", AT_EMPTY_PATH, "user.at", &g, 16), EBADF);
    long n = listxattr("f", NULL, 0);
    T_OK("listxattrat: the same length as listxattr", syscall(LISTXATTRAT, d, "f", 0, buf, sizeof(buf)), n);
    T_ERR("listxattrat into a buffer too small -> ERANGE", syscall(LISTXATTRAT, d, "f", 0, buf, 1), ERANGE);
    T_ERR("listxattrat unknown at_flags -> EINVAL", syscall(LISTXATTRAT, d, "f", 2, buf, 100), EINVAL);
    T_OK("listxattrat AT_EMPTY_PATH", syscall(LISTXATTRAT, fd, "", AT_EMPTY_PATH, buf, sizeof(buf)), n);
    T_ERR("listxattrat AT_EMPTY_PATH on an O_PATH descriptor -> EBADF", syscall(LISTXATTRAT, p, "", AT_EMPTY_PATH, buf, 100), EBADF);
    T_OK("listxattrat AT_SYMLINK_NOFOLLOW of a symlink", syscall(LISTXATTRAT, d, "ln", AT_SYMLINK_NOFOLLOW, buf, 100), 10);
    T_OK("removexattrat", syscall(REMOVEXATTRAT, d, "f", 0, "user.at"), 0);
    T_ERR("removexattrat again -> ENODATA", syscall(REMOVEXATTRAT, d, "f", 0, "user.at"), ENODATA);
    T_OK("removexattrat AT_EMPTY_PATH", syscall(REMOVEXATTRAT, fd, "", AT_EMPTY_PATH, "user.e"), 0);
    T_ERR("removexattrat unknown at_flags -> EINVAL", syscall(REMOVEXATTRAT, d, "f", 1, "user.n"), EINVAL);
    T_ERR("removexattrat a relative path from a bad descriptor -> EBADF", syscall(REMOVEXATTRAT, -1, "f", 0, "user.n"), EBADF);
    T_ERR("removexattrat AT_EMPTY_PATH on a closed descriptor -> EBADF", syscall(REMOVEXATTRAT, 999, "", AT_EMPTY_PATH, "user.n"), EBADF);
    removexattr("f", "user.n");
    close(d);
    close(fd);
    close(p);
}

static long ffree(void)
{
    struct statfs s;
    return statfs(".", &s) ? -1 : (long)s.f_ffree;
}

/* A tmpfs of nr_inodes=4: 4 KiB of inode space, its root and one file take 1 KiB each */
static void space(void)
{
    mkdir("../s", 0755);
    if (mount("skifftest", "../s", "tmpfs", 0, "nr_inodes=4") || chdir("../s")) {
        T_TRUE("mount a tmpfs with nr_inodes=4", 0);
        return;
    }
    close(open("f", O_CREAT | O_RDWR, 0644));
    T_OK("statfs: 2 inodes free", ffree(), 2);
    T_OK("setxattr the largest value 2 KiB of space holds (40 + name + value)", setxattr("f", "user.a", buf, 2002, 0), 0);
    T_OK("statfs: no inode free while it is set", ffree(), 0);
    T_OK("removexattr gives the space back", removexattr("f", "user.a"), 0);
    T_ERR("setxattr a byte more than the space -> ENOSPC", setxattr("f", "user.a", buf, 2003, 0), ENOSPC);
    T_ERR("setxattr trusted.* past the space -> ENOSPC", setxattr("f", "trusted.a", buf, 3000, 0), ENOSPC);
    T_OK("setxattr 1000 bytes", setxattr("f", "user.a", buf, 1000, 0), 0);
    T_OK("statfs: the attribute took an inode's worth", ffree(), 0);
    T_ERR("open O_CREAT with the space taken by attributes -> ENOSPC", open("g", O_CREAT | O_RDWR, 0644), ENOSPC);
    T_ERR("setxattr XATTR_CREATE without room: ENOSPC before EEXIST -> ENOSPC", setxattr("f", "user.a", buf, 1000, XATTR_CREATE), ENOSPC);
    T_OK("setxattr a smaller value in its place", setxattr("f", "user.a", buf, 100, 0), 0);
    T_OK("statfs: a replaced value's space comes back", ffree(), 1);
    T_OK("setxattr XATTR_REPLACE back to 1000 bytes", setxattr("f", "user.a", buf, 1000, XATTR_REPLACE), 0);
    unlink("f");
    T_OK("statfs: an unlinked file's attributes free their space", ffree(), 3);
    T_OK("mkdir once the space is back", mkdir("d", 0755), 0);
    chdir("../m");
    umount2("../s", MNT_DETACH);
}

int main(void)
{
    tmpfs_scratch("xattrtmpfs");
    memset(buf, 'v', sizeof(buf));
    close(open("f", O_CREAT | O_RDWR, 0644));
    kinds();
    order();
    long_list();
    same_inode();
    file_caps();
    at_calls();
    setxattr("f", "user.u", "1", 1, 0);
    setxattr("f", "trusted.t", "1", 1, 0);
    setxattr("f", "security.s", "1", 1, 0);
    tap_in_child(without_admin);
    tap_in_child(as_user);
    space();
    tmpfs_scratch_done();
    return tap_done();
}
