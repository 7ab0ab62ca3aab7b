/* test/conformance/xattracl.c — POSIX ACLs on a tmpfs (acl(5)) through their extended attributes
 * system.posix_acl_access and system.posix_acl_default, as getfacl and setfacl use them (setxattr(2),
 * getxattr(2), listxattr(2), removexattr(2)): the value's form (version 2, 8-byte entries), which ACLs are
 * valid, an ACL the mode can say alone changing only the mode, the mode's group bits showing the mask, chmod
 * rewriting the ACL, who may set one (the owner), access decided by named users and groups within the mask,
 * default ACLs inherited by new files and directories in place of the umask, symlinks without ACLs. The tmpfs
 * is mounted for the test (natively in a private mount namespace). */
/* covers: setxattr getxattr listxattr removexattr lsetxattr lgetxattr */
#include "tmpfs_scratch.h"
#include <stdint.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/xattr.h>
#include <grp.h>

#define ACCESS "system.posix_acl_access"
#define DEFAULT "system.posix_acl_default"
enum { UO = 1, U = 2, GO = 4, G = 8, M = 0x10, O = 0x20 };
#define NONE 0xffffffffu

struct ent {
    uint16_t tag, perm;
    uint32_t id;
};
struct acl {
    uint32_t version;
    struct ent e[8];
};

static size_t acl_size(int n)
{
    return 4 + 8 * (size_t)n;
}

static long set_acl(const char *path, const char *which, const struct acl *a, int n)
{
    return setxattr(path, which, a, acl_size(n), 0);
}

/* The ACL of path as text, "tag:perm:id,...", or the errno's name */
static const char *acl_text(const char *path, const char *which)
{
    static char out[256];
    struct acl a;
    long n = lgetxattr(path, which, &a, sizeof(a));
    if (n < 0)
        return tap_errname(errno);
    snprintf(out, sizeof out, "v%u", a.version);
    for (long i = 0; i < (n - 4) / 8; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), ",%x:%o:%d", a.e[i].tag, a.e[i].perm, (int)a.e[i].id);
    return out;
}

static long mode_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) ? -1 : (long)(st.st_mode & 07777);
}

static const struct acl named = { 2, { { UO, 6, NONE }, { U, 6, 1000 }, { GO, 4, NONE }, { M, 4, NONE }, { O, 0, NONE } } };

static void access_acl(void)
{
    struct acl base = { 2, { { UO, 7, 5 }, { GO, 5, 7 }, { O, 1, 9 } } };
    close(open("f", O_CREAT | O_RDWR, 0640));
    T_OK("setxattr an access ACL the mode can say alone", set_acl("f", ACCESS, &base, 3), 0);
    T_OK("setxattr: such an ACL sets the mode", mode_of("f"), 0751);
    T_ERR("getxattr: and is not kept -> ENODATA", getxattr("f", ACCESS, NULL, 0), ENODATA);
    T_OK("setxattr an access ACL with a named user and a mask", set_acl("f", ACCESS, &named, 5), 0);
    T_EQ("getxattr gives it back (ids of unnamed entries -1)", strcmp(acl_text("f", ACCESS), "v2,1:6:-1,2:6:1000,4:4:-1,10:4:-1,20:0:-1"), 0);
    T_OK("setxattr: the mode's group bits show the mask", mode_of("f"), 0640);
    T_OK("getxattr size 0: the ACL's length", getxattr("f", ACCESS, NULL, 0), 44);
    char small[10], list[256];
    T_ERR("getxattr an ACL into a buffer too small -> ERANGE", getxattr("f", ACCESS, small, sizeof(small)), ERANGE);
    setxattr("f", "user.z", "1", 1, 0);
    long n = listxattr("f", list, sizeof(list));
    T_TRUE("listxattr names the ACL first", n == 31 && !strcmp(list, ACCESS) && !strcmp(list + 24, "user.z"));
    T_OK("chmod a file with an ACL", chmod("f", 0751), 0);
    T_EQ("chmod: owner, mask and other entries take the new bits", strcmp(acl_text("f", ACCESS), "v2,1:7:-1,2:6:1000,4:4:-1,10:5:-1,20:1:-1"), 0);
    struct acl maskonly = { 2, { { UO, 6, NONE }, { GO, 4, NONE }, { M, 2, NONE }, { O, 0, NONE } } };
    T_OK("setxattr an ACL with a mask and no named entry (kept)", set_acl("f", ACCESS, &maskonly, 4), 0);
    T_OK("setxattr: the mask is the mode's group bits", mode_of("f"), 0620);
    T_OK("setxattr XATTR_CREATE over an ACL: the flags mean nothing for ACLs", setxattr("f", ACCESS, &named, acl_size(5), XATTR_CREATE), 0);
    T_OK("removexattr the access ACL", removexattr("f", ACCESS), 0);
    T_OK("removexattr: the mode stays", mode_of("f"), 0640);
    T_ERR("getxattr after the removal -> ENODATA", getxattr("f", ACCESS, NULL, 0), ENODATA);
    T_OK("removexattr an ACL that is not there", removexattr("f", ACCESS), 0);
    T_OK("setxattr XATTR_REPLACE with no ACL there", setxattr("f", ACCESS, &named, acl_size(5), XATTR_REPLACE), 0);
    T_OK("setxattr a header alone removes the ACL", setxattr("f", ACCESS, &named, 4, 0), 0);
    T_ERR("getxattr after a header alone -> ENODATA", getxattr("f", ACCESS, NULL, 0), ENODATA);
}

static void forms(void)
{
    struct acl a = named;
    a.version = 1;
    T_ERR("setxattr an ACL of another version -> EOPNOTSUPP", set_acl("f", ACCESS, &a, 5), EOPNOTSUPP);
    T_ERR("setxattr an ACL cut inside an entry -> EINVAL", setxattr("f", ACCESS, &named, acl_size(5) - 1, 0), EINVAL);
    T_ERR("setxattr an ACL shorter than its header -> EINVAL", setxattr("f", ACCESS, &named, 3, 0), EINVAL);
    a = named;
    a.e[3].tag = O, a.e[4].tag = M;
    T_ERR("setxattr an ACL with other before the mask -> EINVAL", set_acl("f", ACCESS, &a, 5), EINVAL);
    struct acl nomask = { 2, { { UO, 6, NONE }, { U, 6, 1000 }, { GO, 4, NONE }, { O, 0, NONE } } };
    T_ERR("setxattr a named entry without a mask -> EINVAL", set_acl("f", ACCESS, &nomask, 4), EINVAL);
    struct acl dup = { 2, { { UO, 6, NONE }, { U, 6, 1001 }, { U, 4, 1000 }, { U, 6, 1000 }, { GO, 4, NONE }, { M, 6, NONE }, { O, 0, NONE } } };
    T_OK("setxattr named users out of order and twice (Linux takes them)", set_acl("f", ACCESS, &dup, 7), 0);
    struct acl perm = { 2, { { UO, 016, NONE }, { GO, 4, NONE }, { O, 0, NONE } } };
    T_ERR("setxattr an entry with bits past rwx -> EINVAL", set_acl("f", ACCESS, &perm, 3), EINVAL);
    struct acl tag = { 2, { { UO, 6, NONE }, { GO, 4, NONE }, { 0x40, 4, NONE }, { O, 0, NONE } } };
    T_ERR("setxattr an unknown tag -> EINVAL", set_acl("f", ACCESS, &tag, 4), EINVAL);
    struct acl two = { 2, { { UO, 6, NONE }, { UO, 6, NONE }, { GO, 4, NONE }, { O, 0, NONE } } };
    T_ERR("setxattr two owner entries -> EINVAL", set_acl("f", ACCESS, &two, 4), EINVAL);
    struct acl noother = { 2, { { UO, 6, NONE }, { GO, 4, NONE } } };
    T_ERR("setxattr an ACL without an other entry -> EINVAL", set_acl("f", ACCESS, &noother, 2), EINVAL);
    struct acl ugid = { 2, { { UO, 6, NONE }, { U, 6, NONE }, { GO, 4, NONE }, { M, 4, NONE }, { O, 0, NONE } } };
    T_ERR("setxattr a named user without an id -> EINVAL", set_acl("f", ACCESS, &ugid, 5), EINVAL);
    T_ERR("setxattr a default ACL on a file -> EACCES", set_acl("f", DEFAULT, &named, 5), EACCES);
    T_ERR("getxattr a file's default ACL -> ENODATA", getxattr("f", DEFAULT, NULL, 0), ENODATA);
    T_OK("removexattr a file's default ACL (nothing to do)", removexattr("f", DEFAULT), 0);
    T_OK("setxattr an empty default ACL on a file (a removal)", setxattr("f", DEFAULT, "", 0, 0), 0);
    size_t big = 4 + 8 * 8000;
    uint32_t *many = calloc(1, big);
    struct ent *e = (struct ent *)(many + 1);
    many[0] = 2;
    e[0] = (struct ent){ UO, 6, NONE };
    for (int i = 0; i < 7996; i++)
        e[1 + i] = (struct ent){ U, 4, 2000 + (uint32_t)i };
    e[7997] = (struct ent){ GO, 4, NONE };
    e[7998] = (struct ent){ M, 4, NONE };
    e[7999] = (struct ent){ O, 0, NONE };
    T_OK("setxattr an ACL of 8000 entries (64,004 bytes)", setxattr("f", ACCESS, many, big, 0), 0);
    T_OK("getxattr it back: its length", getxattr("f", ACCESS, NULL, 0), (long)big);
    free(many);
    removexattr("f", ACCESS);
    symlink("f", "ln");
    T_ERR("lsetxattr an ACL on a symlink -> EOPNOTSUPP", lsetxattr("ln", ACCESS, &named, acl_size(5), 0), EOPNOTSUPP);
    T_ERR("lgetxattr a symlink's ACL -> EOPNOTSUPP", lgetxattr("ln", ACCESS, NULL, 0), EOPNOTSUPP);
    mkfifo("fifo", 0644);
    T_OK("setxattr an ACL on a fifo", set_acl("fifo", ACCESS, &named, 5), 0);
    T_ERR("setxattr an ACL on a /proc file -> EOPNOTSUPP", set_acl("/proc/self/status", ACCESS, &named, 5), EOPNOTSUPP);
    T_ERR("getxattr an ACL of a /proc file -> EOPNOTSUPP", getxattr("/proc/self/status", ACCESS, NULL, 0), EOPNOTSUPP);
}

/* p: owner root, group 0; user 1000 may read, user 1002 read and write, group 1001 read and write */
static const struct acl pacl = { 2, { { UO, 6, NONE }, { U, 4, 1000 }, { U, 6, 1002 }, { GO, 0, NONE }, { G, 6, 1001 }, { M, 6, NONE }, { O, 0, NONE } } };

static int as(uid_t uid, gid_t gid, gid_t extra)
{
    if (setgroups(extra ? 1 : 0, &extra) || setgid(gid) || setuid(uid))
        return -1;
    return 0;
}

static int user_1000(void)
{
    if (as(1000, 1000, 0))
        return 255;
    int r = 0;
    r |= (open("p", O_RDONLY) >= 0) << 0;
    r |= (open("p", O_RDWR) == -1 && errno == EACCES) << 1;
    r |= (access("p", R_OK) == 0) << 2;
    r |= (set_acl("p", ACCESS, &named, 5) == -1 && errno == EPERM) << 3;
    r |= (getxattr("p", ACCESS, NULL, 0) == 60) << 4;
    r |= (setxattr("p", ACCESS, "x", 1, 0) == -1 && errno == EINVAL) << 5;
    struct acl perm = { 2, { { UO, 016, NONE }, { GO, 4, NONE }, { O, 0, NONE } } };
    r |= (set_acl("p", ACCESS, &perm, 3) == -1 && errno == EPERM) << 6;
    return r;
}

static int group_1001(void)
{
    return as(1005, 500, 1001) ? 255 : open("p", O_RDWR) >= 0;
}

static int nobody_matches(void)
{
    return as(1005, 1005, 0) ? 255 : open("p", O_RDONLY) == -1 && errno == EACCES;
}

static int user_1002_rw(void)
{
    return as(1002, 1002, 0) ? 255 : (open("p", O_RDONLY) >= 0) | (open("p", O_RDWR) == -1 && errno == EACCES) << 1;
}

/* A mask of 0: Linux does not read the ACL then, and a named user gets the other class */
static int masked_out(void)
{
    return as(1000, 1000, 0) ? 255 : (open("q", O_RDONLY) >= 0) | (open("q", O_RDWR) == -1 && errno == EACCES) << 1;
}

/* The owner of a set-group-ID file outside its group: an access ACL it sets drops set-group-ID */
static int sgid_owner(void)
{
    if (as(1000, 1000, 0))
        return 255;
    int r = set_acl("s", ACCESS, &named, 5) == 0;
    return r | (mode_of("s") == 0640) << 1;
}

static void enforce(void)
{
    close(open("p", O_CREAT | O_RDWR, 0600));
    T_OK("setxattr an ACL of named users and a named group", set_acl("p", ACCESS, &pacl, 7), 0);
    T_OK("setxattr: mode 0660 (the mask in the group bits)", mode_of("p"), 0660);
    int r = tap_child(user_1000);
    T_TRUE("open by a named user: read as its entry says", r >= 0 && r < 128 && (r & 1));
    T_TRUE("open by a named user: no write beyond its entry -> EACCES", r >= 0 && r < 128 && (r & 2));
    T_TRUE("access by a named user: R_OK", r >= 0 && r < 128 && (r & 4));
    T_TRUE("setxattr an ACL by someone not the owner -> EPERM", r >= 0 && r < 128 && (r & 8));
    T_TRUE("getxattr an ACL by someone not the owner", r >= 0 && r < 128 && (r & 16));
    T_TRUE("setxattr a malformed ACL by someone not the owner: the form first -> EINVAL", r >= 0 && r < 128 && (r & 32));
    T_TRUE("setxattr bad bits by someone not the owner: the owner before the structure -> EPERM", r >= 0 && r < 128 && (r & 64));
    T_EQ("open by a member of a named group: read and write", tap_child(group_1001), 1);
    T_EQ("open by someone no entry names: the other entry -> EACCES", tap_child(nobody_matches), 1);
    chmod("p", 0640);
    T_EQ("chmod narrows the mask: a named user's write goes -> EACCES", tap_child(user_1002_rw), 3);
    close(open("q", O_CREAT | O_RDWR, 0604));
    struct acl q = { 2, { { UO, 6, NONE }, { U, 6, 1000 }, { GO, 0, NONE }, { M, 0, NONE }, { O, 4, NONE } } };
    set_acl("q", ACCESS, &q, 5);
    T_EQ("open with a mask of 0: a named user gets the other entry's read", tap_child(masked_out), 3);
    close(open("s", O_CREAT | O_RDWR, 0640));
    chown("s", 1000, 5);
    chmod("s", 02640);
    T_EQ("setxattr an access ACL by an owner outside the group drops set-group-ID", tap_child(sgid_owner), 3);
}

static void defaults(void)
{
    struct acl da = { 2, { { UO, 7, NONE }, { U, 5, 1000 }, { GO, 5, NONE }, { M, 7, NONE }, { O, 0, NONE } } };
    mkdir("d", 0755);
    T_OK("setxattr a default ACL on a directory", set_acl("d", DEFAULT, &da, 5), 0);
    T_EQ("getxattr the default ACL", strcmp(acl_text("d", DEFAULT), "v2,1:7:-1,2:5:1000,4:5:-1,10:7:-1,20:0:-1"), 0);
    T_ERR("getxattr: the directory's own access ACL is untouched -> ENODATA", getxattr("d", ACCESS, NULL, 0), ENODATA);
    T_OK("setxattr: the directory's mode is untouched", mode_of("d"), 0755);
    mode_t old = umask(077);
    close(open("d/nf", O_CREAT | O_RDWR, 0666));
    T_EQ("open O_CREAT under a default ACL: the file's access ACL is it, masked by the mode",
         strcmp(acl_text("d/nf", ACCESS), "v2,1:6:-1,2:5:1000,4:5:-1,10:6:-1,20:0:-1"), 0);
    T_OK("open O_CREAT under a default ACL: the umask does not apply", mode_of("d/nf"), 0660);
    T_ERR("getxattr: a file inherits no default ACL -> ENODATA", getxattr("d/nf", DEFAULT, NULL, 0), ENODATA);
    mkdir("d/nd", 0777);
    T_OK("mkdir under a default ACL: its mode from the ACL", mode_of("d/nd"), 0770);
    T_EQ("mkdir under a default ACL: the directory inherits it as its default",
         strcmp(acl_text("d/nd", DEFAULT), "v2,1:7:-1,2:5:1000,4:5:-1,10:7:-1,20:0:-1"), 0);
    T_EQ("mkdir under a default ACL: and as its access ACL", strcmp(acl_text("d/nd", ACCESS), "v2,1:7:-1,2:5:1000,4:5:-1,10:7:-1,20:0:-1"), 0);
    struct acl db = { 2, { { UO, 7, NONE }, { GO, 5, NONE }, { O, 5, NONE } } };
    T_OK("setxattr a default ACL the mode could say alone (kept as a default)", set_acl("d", DEFAULT, &db, 3), 0);
    T_EQ("getxattr that default ACL", strcmp(acl_text("d", DEFAULT), "v2,1:7:-1,4:5:-1,20:5:-1"), 0);
    close(open("d/nf2", O_CREAT | O_RDWR, 0666));
    T_OK("open O_CREAT under it: the mode from it, not the umask", mode_of("d/nf2"), 0644);
    T_ERR("open O_CREAT under it: no access ACL -> ENODATA", getxattr("d/nf2", ACCESS, NULL, 0), ENODATA);
    mkfifo("d/ff", 0666);
    T_OK("mknod a fifo under it: the mode from it", mode_of("d/ff"), 0644);
    symlink("x", "d/sl");
    T_ERR("symlink under a default ACL: none for it -> EOPNOTSUPP", lgetxattr("d/sl", ACCESS, NULL, 0), EOPNOTSUPP);
    int t = open("d", O_TMPFILE | O_RDWR, 0666);
    struct stat st;
    fstat(t, &st);
    T_OK("open O_TMPFILE under a default ACL: the mode from it, not the umask", st.st_mode & 07777, 0644);
    close(t);
    T_OK("setxattr a header alone removes the default ACL", setxattr("d", DEFAULT, &db, 4, 0), 0);
    close(open("d/nf3", O_CREAT | O_RDWR, 0666));
    T_OK("open O_CREAT once it is gone: the umask again", mode_of("d/nf3"), 0600);
    char list[128];
    set_acl("d", DEFAULT, &da, 5);
    set_acl("d", ACCESS, &named, 5);
    long n = listxattr("d", list, sizeof(list));
    T_TRUE("listxattr: the access ACL, then the default", n == 49 && !strcmp(list, ACCESS) && !strcmp(list + 24, DEFAULT));
    umask(old);
}

int main(void)
{
    tmpfs_scratch("xattracl");
    access_acl();
    forms();
    enforce();
    defaults();
    tmpfs_scratch_done();
    return tap_done();
}
