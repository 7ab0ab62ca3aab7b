/* test/conformance/procns.c — /proc/PID/ns: the mnt and uts links (skiff builds only those namespace kinds), read
 * as "kind:[N]" and followed to an inode numbered N; shared by a child, a new one after unshare(CLONE_NEWUTS);
 * the files themselves (read: EINVAL) and their ioctls (ioctl_ns(2)): NS_GET_NSTYPE, NS_GET_USERNS,
 * NS_GET_OWNER_UID, NS_GET_PARENT. Numbers differ from host to host: only their agreement is checked. */
/* covers: readlinkat ioctl unshare */
#include "tap.h"
#include <sched.h>
#include <sys/ioctl.h>

#define NS_GET_USERNS 0xb701
#define NS_GET_PARENT 0xb702
#define NS_GET_NSTYPE 0xb703
#define NS_GET_OWNER_UID 0xb704

/* The N of "kind:[N]" in /proc/self/ns/kind, or 0. */
static unsigned long ns_number(const char *kind)
{
    char path[64], text[64], want[16];
    snprintf(path, sizeof path, "/proc/self/ns/%s", kind);
    ssize_t n = readlink(path, text, sizeof text - 1);
    if (n <= 0)
        return 0;
    text[n] = 0;
    snprintf(want, sizeof want, "%s:[", kind);
    if (strncmp(text, want, strlen(want)) || text[n - 1] != ']')
        return 0;
    return strtoul(text + strlen(want), NULL, 10);
}

static void links(const char *kind)
{
    char path[64], name[120];
    snprintf(path, sizeof path, "/proc/self/ns/%s", kind);
    unsigned long n = ns_number(kind);
    snprintf(name, sizeof name, "readlink /proc/self/ns/%s: \"%s:[N]\"", kind, kind);
    T_TRUE(name, n != 0);
    struct stat st;
    snprintf(name, sizeof name, "readlink /proc/self/ns/%s: stat of the followed link has st_ino N", kind);
    T_TRUE(name, stat(path, &st) == 0 && st.st_ino == n);
    snprintf(name, sizeof name, "readlink /proc/self/ns/%s: lstat says a link, mode 0777", kind);
    T_TRUE(name, lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (st.st_mode & 0777) == 0777);
}

static int child_same(void)
{
    return ns_number("uts") == 0 ? 2 : 0;
}

static void sharing(void)
{
    unsigned long uts = ns_number("uts"), mnt = ns_number("mnt");
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        unsigned long got[4] = { ns_number("uts"), ns_number("mnt"), 0, 0 };
        if (unshare(CLONE_NEWUTS) == 0) {
            got[2] = ns_number("uts");
            got[3] = ns_number("mnt");
        }
        write(p[1], got, sizeof got);
        _exit(child_same());
    }
    unsigned long got[4] = { 0 };
    read(p[0], got, sizeof got);
    waitpid(c, NULL, 0);
    T_TRUE("readlink /proc/self/ns/uts: a child is in its parent's UTS namespace", got[0] == uts && got[1] == mnt);
    T_TRUE("readlink /proc/self/ns/uts: after unshare CLONE_NEWUTS another number", got[2] && got[2] != uts);
    T_EQ("readlink /proc/self/ns/mnt: after unshare CLONE_NEWUTS the same mount namespace", got[3], mnt);
    close(p[0]), close(p[1]);
}

static void files(void)
{
    struct stat st;
    T_TRUE("stat /proc/self/ns: a directory, mode 0511", stat("/proc/self/ns", &st) == 0 && S_ISDIR(st.st_mode) &&
           (st.st_mode & 07777) == 0511);
    int u = open("/proc/self/ns/uts", O_RDONLY), m = open("/proc/self/ns/mnt", O_RDONLY);
    char b[8];
    T_ERR("read /proc/self/ns/uts", read(u, b, sizeof b), EINVAL);
    T_OK("ioctl NS_GET_NSTYPE of ns/uts: CLONE_NEWUTS", ioctl(u, NS_GET_NSTYPE), CLONE_NEWUTS);
    T_OK("ioctl NS_GET_NSTYPE of ns/mnt: CLONE_NEWNS", ioctl(m, NS_GET_NSTYPE), CLONE_NEWNS);
    T_ERR("ioctl NS_GET_PARENT of ns/uts (not nested)", ioctl(u, NS_GET_PARENT), EINVAL);
    uid_t owner = 99;
    T_ERR("ioctl NS_GET_OWNER_UID of ns/uts (not a user namespace)", ioctl(u, NS_GET_OWNER_UID, &owner), EINVAL);
    int us = (int)ioctl(u, NS_GET_USERNS);
    T_TRUE("ioctl NS_GET_USERNS of ns/uts: a descriptor", us >= 0);
    T_OK("ioctl NS_GET_NSTYPE of that: CLONE_NEWUSER", ioctl(us, NS_GET_NSTYPE), CLONE_NEWUSER);
    T_OK("ioctl NS_GET_OWNER_UID of the user namespace", ioctl(us, NS_GET_OWNER_UID, &owner), 0);
    T_EQ("ioctl NS_GET_OWNER_UID: root's", owner, 0);
    T_ERR("ioctl NS_GET_PARENT of the first user namespace", ioctl(us, NS_GET_PARENT), EPERM);
    T_ERR("ioctl 0xb7ff of ns/uts (none)", ioctl(u, 0xb7ff), ENOTTY);
    int f = fcntl(us, F_GETFD);
    T_EQ("ioctl NS_GET_USERNS: the new descriptor is close-on-exec", f >= 0 && (f & FD_CLOEXEC), 1);
    close(us), close(u), close(m);
}

int main(void)
{
    links("uts");
    links("mnt");
    sharing();
    files();
    return tap_done();
}
