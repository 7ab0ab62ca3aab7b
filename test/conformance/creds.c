/* test/conformance/creds.c — credentials(7) and capabilities(7): the set*id family with Linux's rules and
 * errnos (setuid, setgid, setreuid, setregid, setresuid, setresgid, getres*id, setfsuid, setfsgid),
 * supplementary groups, capget/capset with each header version, the capability changes that follow uid changes,
 * execve's transformation, prctl's KEEPCAPS, CAPBSET_READ/DROP, NO_NEW_PRIVS, CAP_AMBIENT and SECUREBITS, and
 * /proc/self/status's Uid/Gid/Groups/Cap lines. Runs as root; every change of ids happens in a child (fork),
 * whose checks continue the parent's TAP numbering. Masks are compared with each other, never with fixed
 * values: the host's root may lack some capabilities (a container's bounding set). */
/* covers: getuid geteuid getgid getegid setuid setgid setreuid setregid setresuid setresgid getresuid getresgid setfsuid setfsgid getgroups setgroups capget capset prctl */
#include "tap.h"
#include <pthread.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif
#define NOPID 0x7fffffff
/* linux/capability.h, written out: musl's include path has no kernel headers */
#define _LINUX_CAPABILITY_VERSION_1 0x19980330
#define _LINUX_CAPABILITY_VERSION_2 0x20071026
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
struct __user_cap_header_struct { unsigned version; int pid; };
struct __user_cap_data_struct { unsigned effective, permitted, inheritable; };
enum { CAP_CHOWN = 0, CAP_DAC_OVERRIDE = 1, CAP_DAC_READ_SEARCH = 2, CAP_FOWNER = 3, CAP_FSETID = 4, CAP_KILL = 5,
       CAP_SETGID = 6, CAP_SETUID = 7, CAP_SETPCAP = 8, CAP_LINUX_IMMUTABLE = 9, CAP_NET_BIND_SERVICE = 10,
       CAP_NET_RAW = 13, CAP_MKNOD = 27 };

static char *self_exe;

struct caps { unsigned long long eff, prm, inh; };

static struct caps caps_of(pid_t pid)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, pid };
    struct __user_cap_data_struct d[2];
    struct caps c = { ~0ull, ~0ull, ~0ull };
    if (SYS(SYS_capget, &h, d) == 0) {
        c.eff = d[0].effective | (unsigned long long)d[1].effective << 32;
        c.prm = d[0].permitted | (unsigned long long)d[1].permitted << 32;
        c.inh = d[0].inheritable | (unsigned long long)d[1].inheritable << 32;
    }
    return c;
}

static long caps_set(struct caps c)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2] = {
        { (unsigned)c.eff, (unsigned)c.prm, (unsigned)c.inh },
        { (unsigned)(c.eff >> 32), (unsigned)(c.prm >> 32), (unsigned)(c.inh >> 32) },
    };
    return SYS(SYS_capset, &h, d);
}

#define BIT(c) (1ull << (c))
#define FS_MASK (BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_FOWNER) | \
                 BIT(CAP_FSETID) | BIT(CAP_LINUX_IMMUTABLE) | BIT(CAP_MKNOD) | BIT(32))

/* A line of /proc/self/status after its key, or "" */
static const char *status_line(const char *key)
{
    static char buf[8192], line[512];
    int fd = open("/proc/self/status", O_RDONLY);
    long n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    line[0] = 0;
    if (n <= 0)
        return line;
    buf[n] = 0;
    size_t k = strlen(key);
    for (char *s = buf; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
        if (!strncmp(s, key, k) && s[k] == ':') {
            char *e = strchr(s, '\n');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            len = len < sizeof line ? len : sizeof line - 1;
            memcpy(line, s, len);
            line[len] = 0;
            return line;
        }
    }
    return line;
}

static unsigned long long status_hex(const char *key)
{
    const char *l = status_line(key);
    const char *t = strchr(l, '\t');
    return t ? strtoull(t + 1, NULL, 16) : ~0ull;
}

static void ids_root(void)
{
    T_OK("getuid is root", SYS(SYS_getuid), 0);
    T_OK("geteuid is root", SYS(SYS_geteuid), 0);
    T_OK("getgid is root", SYS(SYS_getgid), 0);
    T_OK("getegid is root", SYS(SYS_getegid), 0);
    unsigned r = 9, e = 9, s = 9;
    T_OK("getresuid", SYS(SYS_getresuid, &r, &e, &s), 0);
    T_TRUE("getresuid: 0 0 0", r == 0 && e == 0 && s == 0);
    T_ERR("getresuid with a bad first pointer", SYS(SYS_getresuid, BADUPTR, &e, &s), EFAULT);
    T_ERR("getresgid with a bad last pointer", SYS(SYS_getresgid, &r, &e, KADDR), EFAULT);
    T_ERR("setuid -1", SYS(SYS_setuid, -1), EINVAL);
    T_ERR("setgid -1", SYS(SYS_setgid, -1), EINVAL);
    struct caps c = caps_of(0);
    T_TRUE("capget: root's effective set is its permitted set, inheritable empty", c.eff == c.prm && c.inh == 0);
    T_TRUE("capget: root has CAP_SETUID, CAP_SETGID, CAP_DAC_OVERRIDE, CAP_KILL",
           (c.eff & (BIT(CAP_SETUID) | BIT(CAP_SETGID) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_KILL))) ==
           (BIT(CAP_SETUID) | BIT(CAP_SETGID) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_KILL)));
    T_TRUE("capget: /proc/self/status CapEff, CapPrm, CapInh agree",
           status_hex("CapEff") == c.eff && status_hex("CapPrm") == c.prm && status_hex("CapInh") == c.inh);
    T_TRUE("capget: the bounding set holds the permitted set", (c.prm & ~status_hex("CapBnd")) == 0);
    T_TRUE("/proc/self/status: Uid and Gid all 0", !strcmp(status_line("Uid"), "Uid:\t0\t0\t0\t0") &&
           !strcmp(status_line("Gid"), "Gid:\t0\t0\t0\t0"));
    T_EQ("/proc/self/status CapAmb is empty", status_hex("CapAmb"), 0);
}

static void groups(void)
{
    unsigned g[8] = { 5, 3, 4 }, out[8] = { 0 };
    T_OK("setgroups 3 groups", SYS(SYS_setgroups, 3, g), 0);
    T_OK("getgroups size 0 counts them", SYS(SYS_getgroups, 0, NULL), 3);
    T_OK("getgroups", SYS(SYS_getgroups, 8, out), 3);
    T_TRUE("getgroups: sorted, as Linux keeps them", out[0] == 3 && out[1] == 4 && out[2] == 5);
    T_ERR("getgroups into a list too small", SYS(SYS_getgroups, 2, out), EINVAL);
    T_ERR("getgroups into a kernel address", SYS(SYS_getgroups, 8, KADDR), EFAULT);
    T_ERR("getgroups negative size", SYS(SYS_getgroups, -1, out), EINVAL);
    T_TRUE("/proc/self/status Groups: each followed by a space", !strcmp(status_line("Groups"), "Groups:\t3 4 5 "));
    T_ERR("setgroups from a kernel address", SYS(SYS_setgroups, 2, KADDR), EFAULT);
    unsigned bad[2] = { 7, (unsigned)-1 };
    T_ERR("setgroups with gid -1", SYS(SYS_setgroups, 2, bad), EINVAL);
    T_ERR("setgroups above NGROUPS_MAX", SYS(SYS_setgroups, 65537, g), EINVAL);
    T_OK("setgroups 0 clears them", SYS(SYS_setgroups, 0, NULL), 0);
    T_OK("getgroups: none left", SYS(SYS_getgroups, 0, NULL), 0);
    T_TRUE("/proc/self/status Groups: empty", !strcmp(status_line("Groups"), "Groups:\t "));
    T_OK("setgroups 1 group again", SYS(SYS_setgroups, 1, g), 0);
    T_OK("setresgid 100 200 300", SYS(SYS_setresgid, 100, 200, 300), 0);
    T_OK("setresuid 1000 1000 1000: all root ids gone", SYS(SYS_setresuid, 1000, 1000, 1000), 0);
    T_ERR("setgroups without CAP_SETGID", SYS(SYS_setgroups, 0, NULL), EPERM);
    T_ERR("setgroups without CAP_SETGID, even a bad size", SYS(SYS_setgroups, -1, NULL), EPERM);
    T_OK("getgroups still counts 1", SYS(SYS_getgroups, 0, NULL), 1);
    unsigned r, e, s;
    T_OK("getresgid", SYS(SYS_getresgid, &r, &e, &s), 0);
    T_TRUE("getresgid: 100 200 300", r == 100 && e == 200 && s == 300);
    T_TRUE("/proc/self/status Gid: real, effective, saved, fs", !strcmp(status_line("Gid"), "Gid:\t100\t200\t300\t200"));
    T_ERR("setgid to a gid not ours", SYS(SYS_setgid, 400), EPERM);
    T_OK("setgid to the saved gid", SYS(SYS_setgid, 300), 0);
    T_OK("getegid is now 300", SYS(SYS_getegid), 300);
    T_OK("getgid still 100", SYS(SYS_getgid), 100);
    T_ERR("setresgid to a gid not ours", SYS(SYS_setresgid, -1, 5, -1), EPERM);
    T_OK("setresgid among our own gids", SYS(SYS_setresgid, 300, 100, -1), 0);
    T_ERR("setregid real to a gid not ours", SYS(SYS_setregid, 7, -1), EPERM);
    T_OK("setregid swaps real and effective", SYS(SYS_setregid, 100, 300), 0);
    T_OK("getresgid", SYS(SYS_getresgid, &r, &e, &s), 0);
    T_TRUE("setregid: saved follows the new effective", r == 100 && e == 300 && s == 300);
    T_OK("setfsgid to one of ours returns the old fsgid", SYS(SYS_setfsgid, 100), 300);
    T_OK("setfsgid to another: refused, returns the current", SYS(SYS_setfsgid, 555), 100);
    T_OK("setfsgid -1 only asks", SYS(SYS_setfsgid, -1), 100);
}

static void uid_drop(void)
{
    T_OK("setuid 33 as root", SYS(SYS_setuid, 33), 0);
    T_OK("getuid is 33", SYS(SYS_getuid), 33);
    T_OK("geteuid is 33", SYS(SYS_geteuid), 33);
    unsigned r, e, s;
    T_OK("getresuid", SYS(SYS_getresuid, &r, &e, &s), 0);
    T_TRUE("setuid as root set real, effective and saved", r == 33 && e == 33 && s == 33);
    T_ERR("setuid 0 after dropping root", SYS(SYS_setuid, 0), EPERM);
    T_OK("setuid to our own uid", SYS(SYS_setuid, 33), 0);
    struct caps c = caps_of(0);
    T_TRUE("every capability is gone", c.eff == 0 && c.prm == 0 && c.inh == 0);
    T_TRUE("/proc/self/status: Uid 33 33 33 33, CapEff 0", !strcmp(status_line("Uid"), "Uid:\t33\t33\t33\t33") &&
           status_hex("CapEff") == 0 && status_hex("CapPrm") == 0);
    T_OK("setresuid -1 -1 -1", SYS(SYS_setresuid, -1, -1, -1), 0);
    T_ERR("setresuid real 0", SYS(SYS_setresuid, 0, -1, -1), EPERM);
    T_ERR("setresuid saved 0", SYS(SYS_setresuid, -1, -1, 0), EPERM);
    T_ERR("setreuid real 0", SYS(SYS_setreuid, 0, -1), EPERM);
    T_ERR("setreuid effective 0", SYS(SYS_setreuid, -1, 0), EPERM);
    T_OK("setfsuid 0 is refused: returns the current fsuid", SYS(SYS_setfsuid, 0), 33);
    T_OK("setfsuid -1: still 33", SYS(SYS_setfsuid, -1), 33);
    T_ERR("setgid 0 without CAP_SETGID", SYS(SYS_setgid, 1), EPERM);
    T_OK("prctl PR_CAPBSET_READ still works unprivileged", prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0), 1);
    T_ERR("prctl PR_CAPBSET_DROP without CAP_SETPCAP", prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0), EPERM);
    T_ERR("capset raising a dropped capability", caps_set((struct caps){ 0, BIT(CAP_KILL), 0 }), EPERM);
    T_OK("kill of our own process", kill(getpid(), 0), 0);
    T_ERR("kill of a root process without CAP_KILL", kill(getppid(), 0), EPERM);
}

static void uid_swap(void)
{
    unsigned r, e, s;
    T_OK("setreuid 1000 1001 as root", SYS(SYS_setreuid, 1000, 1001), 0);
    T_OK("getresuid", SYS(SYS_getresuid, &r, &e, &s), 0);
    T_TRUE("setreuid: saved follows the new effective", r == 1000 && e == 1001 && s == 1001);
    T_OK("setreuid swaps real and effective", SYS(SYS_setreuid, 1001, 1000), 0);
    T_OK("getresuid", SYS(SYS_getresuid, &r, &e, &s), 0);
    T_TRUE("setreuid swap: 1001 1000 1000", r == 1001 && e == 1000 && s == 1000);
    T_OK("setreuid effective back to the real uid", SYS(SYS_setreuid, -1, 1001), 0);
    T_OK("getresuid", SYS(SYS_getresuid, &r, &e, &s), 0);
    T_TRUE("setreuid: the saved uid stays when effective becomes the real one", r == 1001 && e == 1001 && s == 1000);
    T_ERR("setreuid real to a uid not ours", SYS(SYS_setreuid, 2000, -1), EPERM);
    T_ERR("setreuid real to the saved uid (only real or effective)", SYS(SYS_setreuid, 1000, -1), EPERM);
    T_OK("setreuid effective to the saved uid", SYS(SYS_setreuid, -1, 1000), 0);
    T_OK("setuid to the real uid as a non-root", SYS(SYS_setuid, 1001), 0);
    T_OK("getresuid", SYS(SYS_getresuid, &r, &e, &s), 0);
    T_TRUE("setuid unprivileged: only effective (saved stays)", r == 1001 && e == 1001 && s == 1000);
}

static void uid_saved_root(void)
{
    struct caps root = caps_of(0);
    T_OK("setresuid 1000 1001 0 as root", SYS(SYS_setresuid, 1000, 1001, 0), 0);
    struct caps c = caps_of(0);
    T_TRUE("effective uid off 0: effective set empty, permitted kept", c.eff == 0 && c.prm == root.prm);
    T_TRUE("/proc/self/status Uid 1000 1001 0 1001", !strcmp(status_line("Uid"), "Uid:\t1000\t1001\t0\t1001"));
    T_OK("setresuid back to effective 0 through the saved uid", SYS(SYS_setresuid, -1, 0, -1), 0);
    c = caps_of(0);
    T_TRUE("effective uid back to 0: effective set restored from permitted", c.eff == root.prm);
    T_OK("setuid 0 (euid 0, real 1000): CAP_SETUID sets all", SYS(SYS_setuid, 0), 0);
    unsigned r, e, s;
    T_OK("getresuid", SYS(SYS_getresuid, &r, &e, &s), 0);
    T_TRUE("setuid with CAP_SETUID: 0 0 0", r == 0 && e == 0 && s == 0);
}

static void fsuid(void)
{
    struct caps root = caps_of(0);
    T_OK("setfsuid 1000 as root returns the old fsuid 0", SYS(SYS_setfsuid, 1000), 0);
    T_OK("setfsuid -1 returns 1000", SYS(SYS_setfsuid, -1), 1000);
    T_TRUE("/proc/self/status Uid: fsuid 1000", !strcmp(status_line("Uid"), "Uid:\t0\t0\t0\t1000"));
    struct caps c = caps_of(0);
    T_TRUE("fsuid off 0 drops the filesystem capabilities only", c.eff == (root.eff & ~FS_MASK) && c.prm == root.prm);
    T_OK("getuid still 0", SYS(SYS_getuid), 0);
    T_OK("setfsuid back to 0", SYS(SYS_setfsuid, 0), 1000);
    c = caps_of(0);
    T_TRUE("fsuid back to 0 restores them", c.eff == root.eff);
    T_OK("setfsgid 77 as root", SYS(SYS_setfsgid, 77), 0);
    T_TRUE("/proc/self/status Gid: fsgid 77", !strcmp(status_line("Gid"), "Gid:\t0\t0\t0\t77"));
    T_OK("setgid resets the fsgid", SYS(SYS_setgid, 0), 0);
    T_OK("setfsgid -1: 0", SYS(SYS_setfsgid, -1), 0);
}

static void keepcaps(void)
{
    struct caps root = caps_of(0);
    T_OK("prctl PR_GET_KEEPCAPS: 0", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0), 0);
    T_ERR("prctl PR_SET_KEEPCAPS 2", prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0), EINVAL);
    T_OK("prctl PR_SET_KEEPCAPS 1", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), 0);
    T_OK("prctl PR_GET_KEEPCAPS: 1", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0), 1);
    T_OK("prctl PR_GET_SECUREBITS: SECBIT_KEEP_CAPS", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0), 0x10);
    T_OK("setresuid 1000 1000 1000 with KEEPCAPS", SYS(SYS_setresuid, 1000, 1000, 1000), 0);
    struct caps c = caps_of(0);
    T_TRUE("KEEPCAPS: permitted kept, effective emptied", c.prm == root.prm && c.eff == 0);
    T_OK("capset: raise CAP_SETUID in effective from permitted",
         caps_set((struct caps){ BIT(CAP_SETUID), c.prm, 0 }), 0);
    T_ERR("capset: effective beyond permitted", caps_set((struct caps){ ~0ull >> 23, BIT(CAP_SETUID), 0 }), EPERM);
    T_OK("setuid 0 with CAP_SETUID in effective", SYS(SYS_setuid, 0), 0);
    T_OK("geteuid is 0", SYS(SYS_geteuid), 0);
    c = caps_of(0);
    T_TRUE("euid 0 again: effective is permitted", c.eff == c.prm && c.prm == root.prm);
    T_OK("prctl PR_SET_KEEPCAPS 0", prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0), 0);
    T_OK("setuid 1000 without KEEPCAPS", SYS(SYS_setuid, 1000), 0);
    c = caps_of(0);
    T_TRUE("without KEEPCAPS every capability is gone", c.prm == 0 && c.eff == 0);
}

static void capget_versions(void)
{
    struct __user_cap_header_struct h = { 0, 0 };
    struct __user_cap_data_struct d[2];
    T_OK("capget version 0 with no data: a probe", SYS(SYS_capget, &h, NULL), 0);
    T_EQ("capget probe: the preferred version written back", h.version, _LINUX_CAPABILITY_VERSION_3);
    h.version = 0x12345678;
    T_ERR("capget unknown version", SYS(SYS_capget, &h, d), EINVAL);
    T_EQ("capget unknown version: v3 written back", h.version, _LINUX_CAPABILITY_VERSION_3);
    struct caps root = caps_of(0);
    h = (struct __user_cap_header_struct){ _LINUX_CAPABILITY_VERSION_1, 0 };
    memset(d, 0xab, sizeof d);
    T_OK("capget v1", SYS(SYS_capget, &h, d), 0);
    T_TRUE("capget v1: the low 32 bits, the next struct untouched",
           d[0].effective == (unsigned)root.eff && d[1].effective == 0xabababab);
    h = (struct __user_cap_header_struct){ _LINUX_CAPABILITY_VERSION_2, 0 };
    T_OK("capget v2", SYS(SYS_capget, &h, d), 0);
    T_TRUE("capget v2: 64 bits", d[1].permitted == (unsigned)(root.prm >> 32));
    h = (struct __user_cap_header_struct){ _LINUX_CAPABILITY_VERSION_3, getpid() };
    T_OK("capget of our own pid", SYS(SYS_capget, &h, d), 0);
    h.pid = getppid();
    T_OK("capget of another process", SYS(SYS_capget, &h, d), 0);
    h.pid = -1;
    T_ERR("capget pid -1", SYS(SYS_capget, &h, d), EINVAL);
    h.pid = NOPID;
    T_ERR("capget of no process", SYS(SYS_capget, &h, d), ESRCH);
    h.pid = 0;
    T_ERR("capget header at a kernel address", SYS(SYS_capget, KADDR, d), EFAULT);
    T_ERR("capget data at a kernel address", SYS(SYS_capget, &h, KADDR), EFAULT);
    T_ERR("capset header at a kernel address", SYS(SYS_capset, KADDR, d), EFAULT);
    h.version = 1;
    T_ERR("capset unknown version", SYS(SYS_capset, &h, d), EINVAL);
    T_EQ("capset unknown version: v3 written back", h.version, _LINUX_CAPABILITY_VERSION_3);
    h.pid = getppid();
    SYS(SYS_capget, &(struct __user_cap_header_struct){ _LINUX_CAPABILITY_VERSION_3, 0 }, d);
    T_ERR("capset of another process", SYS(SYS_capset, &h, d), EPERM);
    h.pid = 0;
    T_ERR("capset data at a kernel address", SYS(SYS_capset, &h, KADDR), EFAULT);
    T_OK("capset our own sets unchanged", caps_set(root), 0);
    struct caps less = { root.eff & ~BIT(CAP_NET_RAW), root.prm & ~BIT(CAP_NET_RAW), 0 };
    T_OK("capset dropping CAP_NET_RAW", caps_set(less), 0);
    struct caps c = caps_of(0);
    T_TRUE("capget: CAP_NET_RAW gone", c.eff == less.eff && c.prm == less.prm);
    T_ERR("capset raising it again", caps_set(root), EPERM);
    T_OK("capset inheritable within permitted", caps_set((struct caps){ less.eff, less.prm, BIT(CAP_CHOWN) }), 0);
    T_OK("capset v1 (high bits of permitted dropped)",
         SYS(SYS_capset, &(struct __user_cap_header_struct){ _LINUX_CAPABILITY_VERSION_1, 0 },
             &(struct __user_cap_data_struct){ (unsigned)less.eff, (unsigned)less.prm, 0 }), 0);
    c = caps_of(0);
    T_TRUE("capset v1: only the low 32 bits remain", c.prm == (less.prm & 0xffffffffull) && c.inh == 0);
}

static void bounding(void)
{
    T_OK("prctl PR_CAPBSET_READ CAP_CHOWN", prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0), 1);
    T_ERR("prctl PR_CAPBSET_READ of capability 64", prctl(PR_CAPBSET_READ, 64, 0, 0, 0), EINVAL);
    T_OK("prctl PR_CAPBSET_DROP CAP_NET_RAW", prctl(PR_CAPBSET_DROP, CAP_NET_RAW, 0, 0, 0), 0);
    T_OK("prctl PR_CAPBSET_READ: dropped", prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0), 0);
    T_TRUE("/proc/self/status CapBnd lacks it", !(status_hex("CapBnd") & BIT(CAP_NET_RAW)));
    T_TRUE("the permitted set keeps it", caps_of(0).prm & BIT(CAP_NET_RAW));
    T_ERR("prctl PR_CAPBSET_DROP capability 999", prctl(PR_CAPBSET_DROP, 999, 0, 0, 0), EINVAL);
    struct caps c = caps_of(0);
    c.eff &= ~BIT(CAP_SETPCAP);
    caps_set(c);
    T_ERR("prctl PR_CAPBSET_DROP without CAP_SETPCAP in effective", prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0), EPERM);
    T_ERR("prctl PR_SET_SECUREBITS without CAP_SETPCAP", prctl(PR_SET_SECUREBITS, 0x10, 0, 0, 0), EPERM);
    struct caps inh = caps_of(0);
    inh.inh = BIT(CAP_NET_RAW);
    T_ERR("capset inheritable outside the bounding set without CAP_SETPCAP", caps_set(inh), EPERM);
}

static void nnp(void)
{
    T_OK("prctl PR_GET_NO_NEW_PRIVS: 0", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
    T_ERR("prctl PR_SET_NO_NEW_PRIVS 0", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0), EINVAL);
    T_ERR("prctl PR_SET_NO_NEW_PRIVS with a stray argument", prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), EINVAL);
    T_ERR("prctl PR_GET_NO_NEW_PRIVS with a stray argument", prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0), EINVAL);
    T_OK("prctl PR_SET_NO_NEW_PRIVS 1", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
    T_OK("prctl PR_GET_NO_NEW_PRIVS: 1", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
    T_TRUE("/proc/self/status NoNewPrivs: 1", !strcmp(status_line("NoNewPrivs"), "NoNewPrivs:\t1"));
}

static void ambient(void)
{
    T_OK("prctl PR_CAP_AMBIENT PR_CAP_AMBIENT_IS_SET: no", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0), 0);
    T_ERR("prctl PR_CAP_AMBIENT PR_CAP_AMBIENT_RAISE without it inheritable",
          prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0), EPERM);
    struct caps c = caps_of(0);
    c.inh = BIT(CAP_NET_RAW) | BIT(CAP_NET_BIND_SERVICE);
    T_OK("capset inheritable CAP_NET_RAW, CAP_NET_BIND_SERVICE", caps_set(c), 0);
    T_OK("prctl PR_CAP_AMBIENT PR_CAP_AMBIENT_RAISE CAP_NET_RAW", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0), 0);
    T_OK("prctl PR_CAP_AMBIENT PR_CAP_AMBIENT_IS_SET: yes", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0), 1);
    T_EQ("/proc/self/status CapAmb", status_hex("CapAmb"), BIT(CAP_NET_RAW));
    T_OK("prctl PR_CAP_AMBIENT PR_CAP_AMBIENT_LOWER", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, CAP_NET_RAW, 0, 0), 0);
    T_OK("prctl PR_CAP_AMBIENT PR_CAP_AMBIENT_IS_SET after LOWER", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0), 0);
    T_ERR("prctl PR_CAP_AMBIENT PR_CAP_AMBIENT_IS_SET of capability 64", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 64, 0, 0), EINVAL);
    T_ERR("prctl PR_CAP_AMBIENT PR_CAP_AMBIENT_CLEAR_ALL with an argument", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0), EINVAL);
    T_ERR("prctl PR_CAP_AMBIENT unknown operation", prctl(PR_CAP_AMBIENT, 9, CAP_NET_RAW, 0, 0), EINVAL);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0);
    c.inh = BIT(CAP_NET_RAW);
    T_OK("capset dropping CAP_NET_BIND_SERVICE from inheritable", caps_set(c), 0);
    T_EQ("ambient capabilities outside inheritable are dropped", status_hex("CapAmb"), 0);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0);
    T_OK("prctl PR_CAP_AMBIENT PR_CAP_AMBIENT_CLEAR_ALL", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), 0);
    T_EQ("ambient: empty", status_hex("CapAmb"), 0);
}

/* execve's transformation: the program re-executes itself with "report FD", which writes what it got. */
struct report { unsigned long long eff, prm, amb, bnd; unsigned long secure; unsigned uid, euid, suid; };

static int report(int fd)
{
    struct caps c = caps_of(0);
    unsigned r = 0, e = 0, s = 0;
    SYS(SYS_getresuid, &r, &e, &s);
    struct report rep = { c.eff, c.prm, status_hex("CapAmb"), status_hex("CapBnd"), getauxval(AT_SECURE), r, e, s };
    return write(fd, &rep, sizeof rep) == sizeof rep ? 0 : 1;
}

static struct report exec_report(void)
{
    struct report rep;
    memset(&rep, 0xff, sizeof rep);
    int p[2];
    if (pipe(p))
        return rep;
    char fd[16];
    snprintf(fd, sizeof fd, "%d", p[1]);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        execl(self_exe, self_exe, "report", fd, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    if (read(p[0], &rep, sizeof rep) != sizeof rep)
        memset(&rep, 0xff, sizeof rep);
    close(p[0]);
    waitpid(c, NULL, 0);
    return rep;
}

static void exec_root(void)
{
    struct report r = exec_report();
    T_TRUE("execve as root: permitted and effective are the bounding set", r.prm == r.bnd && r.eff == r.bnd);
    T_TRUE("execve as root: not AT_SECURE", r.secure == 0 && r.uid == 0 && r.euid == 0 && r.suid == 0);
}

static void exec_keepcaps(void)
{
    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
    SYS(SYS_setresuid, 1000, 1000, 1000);
    struct caps c = caps_of(0);
    c.inh = BIT(CAP_NET_RAW);
    caps_set(c);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0);
    T_OK("prctl PR_GET_KEEPCAPS before execve", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0), 1);
    struct report r = exec_report();
    T_TRUE("execve as a non-root: only the ambient capabilities remain",
           r.prm == BIT(CAP_NET_RAW) && r.eff == BIT(CAP_NET_RAW) && r.amb == BIT(CAP_NET_RAW));
    T_TRUE("execve as a non-root: ids kept, not AT_SECURE", r.uid == 1000 && r.euid == 1000 && r.suid == 1000 &&
           r.secure == 0);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    r = exec_report();
    T_TRUE("execve as a non-root without ambient capabilities: none", r.prm == 0 && r.eff == 0);
}

static void exec_setresuid(void)
{
    SYS(SYS_setresuid, 1000, 0, 0);
    struct report r = exec_report();
    T_TRUE("execve with euid 0 and real uid 1000: AT_SECURE, root's capabilities",
           r.secure == 1 && r.prm == r.bnd && r.eff == r.bnd && r.uid == 1000 && r.euid == 0 && r.suid == 0);
}

static void exec_nnp(void)
{
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    SYS(SYS_setresuid, 0, 1000, 1000);
    struct report r = exec_report();
    T_TRUE("execve under NO_NEW_PRIVS, real uid 0, euid 1000: ids kept, AT_SECURE",
           r.uid == 0 && r.euid == 1000 && r.suid == 1000 && r.secure == 1);
    T_TRUE("execve under NO_NEW_PRIVS: permitted kept (root's), effective not raised", r.prm == r.bnd && r.eff == 0);
}

/* glibc and musl apply set*id to every thread themselves (a signal to each): each thread's ids change. */
static volatile int thread_state;
static void *idle_thread(void *arg)
{
    (void)arg;
    while (thread_state == 0)
        usleep(1000);
    thread_state = (int)SYS(SYS_getuid) + 10;
    return NULL;
}

static void threads(void)
{
    pthread_t t;
    thread_state = 0;
    T_OK("pthread_create", pthread_create(&t, NULL, idle_thread, NULL), 0);
    T_OK("setuid 33 with a second thread", setuid(33), 0);
    thread_state = 1;
    pthread_join(t, NULL);
    T_EQ("the other thread's getuid (raw syscall) is 33 too", thread_state - 10, 33);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "report"))
        return report(atoi(argv[2]));
    static char exe[4096];
    long n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    self_exe = exe;
    tap_scratch("creds");
    ids_root();
    tap_in_child(groups);
    tap_in_child(uid_drop);
    tap_in_child(uid_swap);
    tap_in_child(uid_saved_root);
    tap_in_child(fsuid);
    tap_in_child(keepcaps);
    tap_in_child(capget_versions);
    tap_in_child(bounding);
    tap_in_child(nnp);
    tap_in_child(ambient);
    tap_in_child(exec_root);
    tap_in_child(exec_keepcaps);
    tap_in_child(exec_setresuid);
    tap_in_child(exec_nnp);
    tap_in_child(threads);
    tap_finish_dir();
    return tap_done();
}
