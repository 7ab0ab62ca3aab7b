/* test/conformance/fcaps.c — execve(2) with file capabilities (capabilities(7), "Transformation of
 * capabilities during execve()"): a copy of this program gets a security.capability value (v2, or v3 with a
 * rootid), a child drops to uid/gid 1000 keeping nothing (or stays root), executes the copy with "report FD",
 * and the copy writes back its capget sets, /proc/self/status's CapPrm/CapEff/CapAmb, AT_SECURE and
 * PR_GET_DUMPABLE. Runs as root in its scratch directory (the host's must keep security.* xattrs). */
/* covers: execve */
#include "tap.h"
#include <grp.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#endif
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
struct __user_cap_header_struct { unsigned version; int pid; };
struct __user_cap_data_struct { unsigned effective, permitted, inheritable; };
enum { CAP_NET_BIND_SERVICE = 10, CAP_NET_RAW = 13 };
#define BIT(c) (1ull << (c))
#define RAW BIT(CAP_NET_RAW)
#define BIND BIT(CAP_NET_BIND_SERVICE)
#define PROG "./fcaps-prog"
#define NOVAL 0xffu /* fcap_set: no value at all */

static char *self_exe;

static void caps_get(unsigned long long *eff, unsigned long long *prm, unsigned long long *inh)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    SYS(SYS_capget, &h, d);
    *eff = d[0].effective | (unsigned long long)d[1].effective << 32;
    *prm = d[0].permitted | (unsigned long long)d[1].permitted << 32;
    *inh = d[0].inheritable | (unsigned long long)d[1].inheritable << 32;
}

static long caps_set(unsigned long long eff, unsigned long long prm, unsigned long long inh)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2] = {
        { (unsigned)eff, (unsigned)prm, (unsigned)inh },
        { (unsigned)(eff >> 32), (unsigned)(prm >> 32), (unsigned)(inh >> 32) },
    };
    return SYS(SYS_capset, &h, d);
}

static unsigned long long status_hex(const char *key)
{
    char buf[8192];
    int fd = open("/proc/self/status", O_RDONLY);
    long n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return ~0ull;
    buf[n] = 0;
    size_t k = strlen(key);
    for (char *s = buf; s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
        if (!strncmp(s, key, k) && s[k] == ':')
            return strtoull(s + k + 1, NULL, 16);
    return ~0ull;
}

struct report { unsigned long long eff, prm, st_eff, st_prm, amb; unsigned long secure; int dumpable; unsigned euid; };

static int report(int fd)
{
    struct report r;
    unsigned long long inh;
    unsigned ru, su;
    caps_get(&r.eff, &r.prm, &inh);
    r.st_eff = status_hex("CapEff"), r.st_prm = status_hex("CapPrm"), r.amb = status_hex("CapAmb");
    r.secure = getauxval(AT_SECURE);
    r.dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    SYS(SYS_getresuid, &ru, &r.euid, &su);
    return write(fd, &r, sizeof r) == sizeof r ? 0 : 1;
}

/* The copy: this program's bytes, mode 0755 (or as given), with a security.capability value of version ver
 * (2 or 3; NOVAL: none), the effective bit, and permitted/inheritable sets. */
static int fcap_make(unsigned ver, int eff, unsigned long long prm, unsigned long long inh, unsigned rootid,
                     mode_t mode)
{
    static char buf[1 << 16];
    unlink(PROG);
    int in = open(self_exe, O_RDONLY), out = open(PROG, O_WRONLY | O_CREAT | O_TRUNC, 0700);
    long n;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            break;
    close(in);
    close(out);
    if (chmod(PROG, mode))
        return -1;
    if (ver == NOVAL)
        return 0;
    unsigned v[6] = { ver << 24 | (eff ? 1 : 0), (unsigned)prm, (unsigned)inh, (unsigned)(prm >> 32),
                      (unsigned)(inh >> 32), rootid };
    return setxattr(PROG, "security.capability", v, ver == 3 ? 24 : 20, 0) ? -1 : 0;
}

enum { AS_USER = 1, WITH_INH = 2, WITH_NNP = 4, WITH_AMB = 8, NO_RAW_BND = 16, AS_RUID0 = 32 };

/* A child that sets itself up as how says, then executes the copy: its report, or the execve's errno in err */
static struct report run(int how, int *err)
{
    struct report r;
    memset(&r, 0xff, sizeof r);
    *err = -1;
    int p[2];
    if (pipe(p))
        return r;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        unsigned long long e, pr, i;
        caps_get(&e, &pr, &i);
        if (how & (WITH_INH | WITH_AMB))
            caps_set(e, pr, i | RAW | BIND);
        if (how & NO_RAW_BND)
            prctl(PR_CAPBSET_DROP, CAP_NET_RAW, 0, 0, 0);
        if (how & WITH_AMB)
            prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
        if (how & (AS_USER | AS_RUID0)) {
            gid_t g = 1000;
            if (setgroups(1, &g) || SYS(SYS_setresgid, 1000, 1000, 1000))
                _exit(126);
            if (how & AS_RUID0 ? SYS(SYS_setresuid, 0, 1000, 1000) : SYS(SYS_setresuid, 1000, 1000, 1000))
                _exit(126);
        }
        if (how & WITH_AMB) {
            caps_get(&e, &pr, &i);
            caps_set(e, pr & BIND, i);
            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0);
        }
        if (how & WITH_NNP)
            prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        char fd[16];
        snprintf(fd, sizeof fd, "%d", p[1]);
        execl(PROG, PROG, "report", fd, (char *)NULL);
        int e2 = errno;
        if (write(p[1], &e2, sizeof e2) < 0)
            _exit(125);
        _exit(125);
    }
    close(p[1]);
    long n = read(p[0], &r, sizeof r);
    if (n == (long)sizeof(int))
        *err = *(int *)&r;
    else if (n == (long)sizeof r)
        *err = 0;
    close(p[0]);
    waitpid(c, NULL, 0);
    return r;
}

/* One case: the copy with its value, run as how; want its permitted and effective sets (CapPrm/CapEff agree) */
static void check(const char *name, unsigned ver, int eff, unsigned long long fp, unsigned long long fi,
                  unsigned rootid, int how, unsigned long long want_prm, unsigned long long want_eff, int want_secure)
{
    int err;
    if (fcap_make(ver, eff, fp, fi, rootid, 0755)) {
        T_TRUE(name, 0);
        return;
    }
    struct report r = run(how, &err);
    char d[200];
    snprintf(d, sizeof d, "err %d prm %llx eff %llx status %llx/%llx secure %lu", err, r.prm, r.eff, r.st_prm,
             r.st_eff, r.secure);
    tap_result(err == 0 && r.prm == want_prm && r.eff == want_eff && r.st_prm == want_prm && r.st_eff == want_eff &&
               (int)r.secure == want_secure, name, d);
}

/* Root's cases: the bounding set stands for "everything" (the host's root may lack some) */
static void root_cases(void)
{
    int err;
    unsigned long long bnd = status_hex("CapBnd");
    fcap_make(2, 0, RAW, 0, 0, 0755);
    struct report r = run(0, &err);
    T_TRUE("execve of a file with cap_net_raw=p as root -> root's full sets", err == 0 && r.prm == bnd && r.eff == bnd);
    r = run(AS_RUID0, &err);
    T_TRUE("execve of a file with cap_net_raw=p as uid 0/euid 1000 -> full permitted, empty effective",
           err == 0 && r.prm == bnd && r.eff == 0 && r.secure == 1);
    fcap_make(2, 1, RAW, 0, 0, 0755);
    r = run(AS_RUID0, &err);
    T_TRUE("execve of a file with cap_net_raw=ep as uid 0/euid 1000 -> full permitted and effective",
           err == 0 && r.prm == bnd && r.eff == bnd);
    fcap_make(2, 1, RAW, 0, 0, 04755);
    r = run(AS_USER, &err);
    T_TRUE("execve of a set-user-ID-root file with cap_net_raw=ep as uid 1000 -> euid 0, only cap_net_raw",
           err == 0 && r.euid == 0 && r.prm == RAW && r.eff == RAW && r.secure == 1);
    fcap_make(NOVAL, 0, 0, 0, 0, 04755);
    r = run(AS_USER, &err);
    T_TRUE("execve of a set-user-ID-root file without capabilities as uid 1000 -> root's full sets",
           err == 0 && r.euid == 0 && r.prm == bnd && r.eff == bnd);
}

static void user_cases(void)
{
    check("execve of a file with cap_net_raw=ep as uid 1000 -> CapEff 2000", 2, 1, RAW, 0, 0, AS_USER, RAW, RAW, 1);
    check("execve of a file with cap_net_raw=p as uid 1000 -> CapPrm 2000, CapEff 0", 2, 0, RAW, 0, 0, AS_USER,
          RAW, 0, 1);
    check("execve of a file with cap_net_raw=i, inheritable cap_net_raw, as uid 1000 -> CapPrm 2000", 2, 0, 0, RAW,
          0, AS_USER | WITH_INH, RAW, 0, 1);
    check("execve of a file with cap_net_raw=ei, inheritable cap_net_raw, as uid 1000 -> CapEff 2000", 2, 1, 0, RAW,
          0, AS_USER | WITH_INH, RAW, RAW, 1);
    check("execve of a file with cap_net_raw=i, no inheritable, as uid 1000 -> none", 2, 0, 0, RAW, 0, AS_USER, 0, 0,
          0);
    check("execve of a file without capabilities as uid 1000 -> none", NOVAL, 0, 0, 0, 0, AS_USER, 0, 0, 0);
    check("execve of a file with an empty v2 value as uid 1000 -> none", 2, 0, 0, 0, 0, AS_USER, 0, 0, 0);
    check("execve of a file with a v3 cap_net_raw=ep value, rootid 0, as uid 1000 -> CapEff 2000", 3, 1, RAW, 0, 0,
          AS_USER, RAW, RAW, 1);
    check("execve of a file with a v3 cap_net_raw=ep value, rootid 1000, as uid 1000 -> none", 3, 1, RAW, 0, 1000,
          AS_USER, 0, 0, 0);
    check("execve of a file with cap_net_raw=ep under PR_SET_NO_NEW_PRIVS as uid 1000 -> none, AT_SECURE", 2, 1,
          RAW, 0, 0, AS_USER | WITH_NNP, 0, 0, 1);
    check("execve of a file with cap_net_raw=ep, ambient cap_net_bind_service -> ambient cleared, CapEff 2000", 2, 1,
          RAW, 0, 0, AS_USER | WITH_AMB, RAW, RAW, 1);
    check("execve of a file with rootid 1000, ambient cap_net_bind_service -> the ambient set kept", 3, 1, RAW, 0,
          1000, AS_USER | WITH_AMB, BIND, BIND, 0);
    check("execve of a file with cap_net_raw=p, ambient cap_net_bind_service -> ambient cleared, CapEff 0", 2, 0,
          RAW, 0, 0, AS_USER | WITH_AMB, RAW, 0, 1);
}

static void edge_cases(void)
{
    int err;
    fcap_make(2, 1, RAW, 0, 0, 0755);
    run(AS_USER | NO_RAW_BND, &err);
    T_EQ("execve of a file with cap_net_raw=ep, cap_net_raw not in the bounding set -> EPERM", err, EPERM);
    fcap_make(2, 0, RAW, 0, 0, 0755);
    struct report r = run(AS_USER | NO_RAW_BND, &err);
    T_TRUE("execve of a file with cap_net_raw=p, cap_net_raw not in the bounding set -> runs without it",
           err == 0 && r.prm == 0 && r.eff == 0);
    fcap_make(2, 1, RAW, 0, 0, 0755);
    r = run(AS_USER, &err);
    T_TRUE("execve of a file with cap_net_raw=ep -> PR_GET_DUMPABLE 0", err == 0 && r.dumpable == 0);
    fcap_make(NOVAL, 0, 0, 0, 0, 0755);
    r = run(AS_USER, &err);
    T_TRUE("execve of a file without capabilities -> PR_GET_DUMPABLE 1", err == 0 && r.dumpable == 1);
    fcap_make(2, 1, RAW, 0, 0, 0755);
    int fd = open(PROG, O_WRONLY | O_APPEND);
    T_TRUE("execve after a write to a file with cap_net_raw=ep -> none (the write dropped them)",
           fd >= 0 && write(fd, "", 1) == 1 && close(fd) == 0 && (r = run(AS_USER, &err), err == 0) && r.prm == 0);
}

/* In a mount namespace of its own (the host's mounts untouched): a nosuid tmpfs ignores the attribute, so the
 * ambient set stays; the same file on a tmpfs without nosuid has its capabilities */
static void nosuid_case(void)
{
    int step = unshare(CLONE_NEWNS) ? 1 : mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ? 2
             : mkdir("ns", 0755) ? 3 : mount("fcaps", "ns", "tmpfs", MS_NOSUID, "mode=0755") ? 4 : chdir("ns") ? 5 : 0;
    if (step) {
        char d[80];
        snprintf(d, sizeof d, "step %d: %s", step, strerror(errno));
        tap_result(0, "execve on a nosuid mount: a private tmpfs", d);
        return;
    }
    check("execve of a file with cap_net_raw=ep on a nosuid mount, ambient cap_net_bind_service -> ambient only",
          2, 1, RAW, 0, 0, AS_USER | WITH_AMB, BIND, BIND, 0);
    if (chdir("..") || mount(NULL, "ns", NULL, MS_REMOUNT, "mode=0755") || chdir("ns"))
        T_TRUE("execve on a remounted suid tmpfs", 0);
    else
        check("execve of a file with cap_net_raw=ep on tmpfs, ambient cap_net_bind_service -> CapEff 2000", 2, 1,
              RAW, 0, 0, AS_USER | WITH_AMB, RAW, RAW, 1);
    unlink(PROG);
    if (chdir(".."))
        return;
    umount("ns");
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "report"))
        return report(atoi(argv[2]));
    static char exe[4096];
    long n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    self_exe = exe;
    tap_scratch("fcaps");
    chmod(".", 0755);
    if (fcap_make(2, 1, RAW, 0, 0, 0755) && errno == EOPNOTSUPP && getenv("SKIFF_CONF_SCRATCH")) {
        /* a 9P volume (run.sh --volume): QEMU's server keeps no security.*; the checks are execve's, so /tmp */
        unlink(PROG);
        unsetenv("SKIFF_CONF_SCRATCH");
        tap_scratch("fcaps");
        chmod(".", 0755);
    }
    if (fcap_make(2, 1, RAW, 0, 0, 0755)) {
        printf("1..0 # SKIP no security.capability here (%s)\n", strerror(errno));
        return 0;
    }
    user_cases();
    root_cases();
    edge_cases();
    nosuid_case(); /* last, in this process: skiff unshares CLONE_NEWNS only for a process alone */
    unlink(PROG);
    return tap_done();
}
