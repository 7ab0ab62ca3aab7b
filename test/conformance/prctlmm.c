/* test/conformance/prctlmm.c — where the kernel says the program is (/proc/PID/stat's startcode..env_end fields,
 * /proc/PID/auxv), and prctl(PR_SET_MM) rewriting it: PR_SET_MM_MAP_SIZE, PR_SET_MM_MAP (the checks, the argument
 * area moved and seen in /proc/self/cmdline, a new auxiliary vector, the executable: EBADF, EACCES, EBUSY), and
 * the single-field commands, which need CAP_SYS_RESOURCE (this suite's host does not give root that one, so they
 * are checked without it). */
/* covers: prctl */
#include "tap.h"
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#define P_SET_MM 35
enum { START_CODE = 1, END_CODE, START_DATA, END_DATA, START_STACK, START_BRK, BRK, ARG_START, ARG_END, ENV_START,
       ENV_END, AUXV, EXE_FILE, MAP, MAP_SIZE };

struct mm_map {
    uint64_t start_code, end_code, start_data, end_data, start_brk, brk, start_stack, arg_start, arg_end, env_start,
        env_end;
    uint64_t *auxv;
    uint32_t auxv_size, exe_fd;
};

static long pr(long o, unsigned long a, unsigned long b, unsigned long c, unsigned long d)
{
    return syscall(SYS_prctl, o, a, b, c, d);
}

/* /proc/self/stat field n (1-based), or -1 */
static unsigned long stat_field(int n)
{
    char b[2048];
    if (tap_read_file("/proc/self/stat", b, sizeof b) <= 0)
        return (unsigned long)-1;
    char *p = strrchr(b, ')');
    int f = 2;
    while (p && f < n) {
        p = strchr(p + 1, ' ');
        f++;
    }
    return p ? strtoul(p + 1, NULL, 10) : (unsigned long)-1;
}

static void current_map(struct mm_map *m)
{
    memset(m, 0, sizeof *m);
    m->start_code = stat_field(26), m->end_code = stat_field(27), m->start_stack = stat_field(28);
    m->start_data = stat_field(45), m->end_data = stat_field(46), m->start_brk = stat_field(47);
    m->arg_start = stat_field(48), m->arg_end = stat_field(49), m->env_start = stat_field(50);
    m->env_end = stat_field(51);
    m->brk = (uint64_t)syscall(SYS_brk, 0);
    m->exe_fd = (uint32_t)-1;
}

static int initialized = 42;

static void layout(int argc, char **argv, char **envp)
{
    struct mm_map m;
    current_map(&m);
    unsigned long code = (unsigned long)&layout, data = (unsigned long)&initialized;
    T_TRUE("prctl /proc/self/stat startcode <= this code < endcode", m.start_code <= code && code < m.end_code);
    T_TRUE("prctl /proc/self/stat start_data <= initialized data < end_data", m.start_data <= data && data < m.end_data);
    T_TRUE("prctl /proc/self/stat brk at or past start_brk", m.brk >= m.start_brk && m.start_brk > 0);
    T_EQ("prctl /proc/self/stat arg_start is argv[0]", m.arg_start, (unsigned long)argv[0]);
    T_EQ("prctl /proc/self/stat arg_end is past the last argument", m.arg_end,
         (unsigned long)argv[argc - 1] + strlen(argv[argc - 1]) + 1);
    T_EQ("prctl /proc/self/stat env_start follows the arguments", m.env_start, m.arg_end);
    int envc = 0;
    while (envp[envc])
        envc++;
    T_TRUE("prctl /proc/self/stat env_end is past the last environment string",
           envc == 0 || m.env_end == (unsigned long)envp[envc - 1] + strlen(envp[envc - 1]) + 1);
    T_TRUE("prctl /proc/self/stat startstack holds argc, then argv",
           *(long *)m.start_stack == argc && ((char **)m.start_stack)[1] == argv[0]);
}

static void auxv(void)
{
    unsigned long v[128];
    int n = tap_read_file("/proc/self/auxv", (char *)v, sizeof v);
    int pairs = n > 0 ? n / 16 : 0, ends = pairs > 0 && v[2 * pairs - 2] == 0;
    T_TRUE("prctl /proc/self/auxv: whole pairs ending in AT_NULL", n > 0 && n % 16 == 0 && ends);
    int agree = 1, seen = 0;
    for (int i = 0; i + 1 < pairs; i++) {
        unsigned long t = v[2 * i], val = v[2 * i + 1];
        if (t == AT_PAGESZ || t == AT_ENTRY || t == AT_PHDR || t == AT_RANDOM || t == AT_EXECFN || t == AT_UID) {
            seen++;
            agree &= getauxval(t) == val;
        }
    }
    T_TRUE("prctl /proc/self/auxv agrees with getauxval", agree && seen == 6);
}

static const char title[] = "renamed\0by prctl";

static void map_checks(void)
{
    unsigned size = 0;
    T_COVERS("PR_SET_MM PR_SET_MM_MAP_SIZE");
    T_OK("prctl PR_SET_MM_MAP_SIZE", pr(P_SET_MM, MAP_SIZE, (unsigned long)&size, 0, 0), 0);
    T_EQ("prctl PR_SET_MM_MAP_SIZE: struct prctl_mm_map's", size, sizeof(struct mm_map));
    T_ERR("prctl PR_SET_MM_MAP_SIZE to a bad address", pr(P_SET_MM, MAP_SIZE, (unsigned long)KADDR, 0, 0), EFAULT);
    struct mm_map m, o;
    current_map(&o);
    m = o;
    T_COVERS("PR_SET_MM PR_SET_MM_MAP");
    T_OK("prctl PR_SET_MM_MAP with the current layout", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0), 0);
    T_ERR("prctl PR_SET_MM_MAP of a wrong size", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m - 8, 0), EINVAL);
    T_ERR("prctl PR_SET_MM_MAP at a bad address", pr(P_SET_MM, MAP, (unsigned long)KADDR, sizeof m, 0), EFAULT);
    m.end_code = m.start_code;
    T_ERR("prctl PR_SET_MM_MAP code ending where it starts", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0), EINVAL);
    m = o, m.arg_end = m.arg_start - 1;
    T_ERR("prctl PR_SET_MM_MAP arguments ending before they start", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0),
          EINVAL);
    m = o, m.start_data = 4096, m.start_code = 4096;
    T_ERR("prctl PR_SET_MM_MAP below mmap_min_addr", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0), EINVAL);
    m = o, m.env_end = 0x800000000000ul;
    T_ERR("prctl PR_SET_MM_MAP past user space", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0), EINVAL);
    /* in anonymous memory: Linux reads the arguments only from there (not from a file's private mapping) */
    char *area = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memcpy(area, title, sizeof title);
    m = o, m.arg_start = (unsigned long)area, m.arg_end = (unsigned long)area + sizeof title;
    m.env_start = m.env_end = o.env_end;
    T_OK("prctl PR_SET_MM_MAP moves the arguments", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0), 0);
    char cl[256];
    int n = tap_read_file("/proc/self/cmdline", cl, sizeof cl);
    T_TRUE("prctl PR_SET_MM_MAP: /proc/self/cmdline shows the new area",
           n == (int)sizeof title && !memcmp(cl, title, sizeof title));
    T_EQ("prctl PR_SET_MM_MAP: /proc/self/stat arg_start moved", stat_field(48), (unsigned long)area);
    unsigned long aux[4] = { AT_PAGESZ, 4096, 0, 0 };
    m = o, m.auxv = (uint64_t *)aux, m.auxv_size = sizeof aux;
    T_OK("prctl PR_SET_MM_MAP with a new auxiliary vector", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0), 0);
    unsigned long back[64];
    n = tap_read_file("/proc/self/auxv", (char *)back, sizeof back);
    T_TRUE("prctl PR_SET_MM_MAP: /proc/self/auxv reads it back", n == 32 && back[0] == AT_PAGESZ && back[1] == 4096 &&
                                                                 back[2] == 0);
    m = o, m.auxv = (uint64_t *)aux, m.auxv_size = 4096;
    T_ERR("prctl PR_SET_MM_MAP an auxiliary vector too big", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0), EINVAL);
    m = o, m.auxv = (uint64_t *)KADDR, m.auxv_size = 16;
    T_ERR("prctl PR_SET_MM_MAP an auxiliary vector at a bad address", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0),
          EFAULT);
}

static void exe_checks(void)
{
    struct mm_map m;
    current_map(&m);
    T_COVERS("PR_SET_MM PR_SET_MM_MAP PR_SET_MM_EXE_FILE");
    m.exe_fd = 999;
    T_ERR("prctl PR_SET_MM_MAP exe_fd not open", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0), EBADF);
    int dir = open("/", O_RDONLY | O_DIRECTORY);
    m.exe_fd = (uint32_t)dir;
    T_COVERS("PR_SET_MM PR_SET_MM_EXE_FILE");
    T_ERR("prctl PR_SET_MM_MAP exe_fd a directory", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0), EACCES);
    char path[] = "/tmp/prctlmm-XXXXXX";
    int f = mkstemp(path);
    if (f >= 0)
        fchmod(f, 0644);
    m.exe_fd = (uint32_t)f;
    T_COVERS("PR_SET_MM PR_SET_MM_EXE_FILE");
    T_ERR("prctl PR_SET_MM_MAP exe_fd a file nobody may execute", pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0),
          EACCES);
    int self = open("/proc/self/exe", O_RDONLY);
    m.exe_fd = (uint32_t)self;
    T_COVERS("PR_SET_MM PR_SET_MM_EXE_FILE");
    T_ERR("prctl PR_SET_MM_MAP exe_fd while the old program is still mapped",
          pr(P_SET_MM, MAP, (unsigned long)&m, sizeof m, 0), EBUSY);
    close(self);
    close(dir);
    if (f >= 0) {
        close(f);
        unlink(path);
    }
}

/* The single-field commands need CAP_SYS_RESOURCE: dropped here from the effective set. Bit i: command i + 1
 * refused with EPERM; bit 15: stray arguments refused first (EINVAL). */
static int one_field_child(void)
{
    struct { uint32_t version; int pid; } h = { 0x20080522, 0 };
    struct { uint32_t eff, prm, inh; } d[2];
    if (syscall(SYS_capget, &h, d))
        return -1;
    d[0].eff &= ~(1u << 24);
    if (syscall(SYS_capset, &h, d))
        return -2;
    int r = 0;
    for (int op = START_CODE; op <= EXE_FILE; op++)
        if (pr(P_SET_MM, op, 0x10000, 0, 0) == -1 && errno == EPERM)
            r |= 1 << (op - 1);
    if (pr(P_SET_MM, START_CODE, 0x10000, 0, 1) == -1 && errno == EINVAL &&
        pr(P_SET_MM, START_CODE, 0x10000, 1, 0) == -1 && errno == EINVAL)
        r |= 1 << 15;
    return r;
}

static void one_field(void)
{
    int p[2];
    if (pipe(p))
        return;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int r = one_field_child();
        _exit(write(p[1], &r, sizeof r) == sizeof r ? 0 : 1);
    }
    int r = 0;
    if (read(p[0], &r, sizeof r) != sizeof r)
        r = -3;
    waitpid(c, NULL, 0);
    close(p[0]);
    close(p[1]);
    static const char *names[] = { "PR_SET_MM_START_CODE", "PR_SET_MM_END_CODE", "PR_SET_MM_START_DATA",
                                   "PR_SET_MM_END_DATA", "PR_SET_MM_START_STACK", "PR_SET_MM_START_BRK",
                                   "PR_SET_MM_BRK", "PR_SET_MM_ARG_START", "PR_SET_MM_ARG_END",
                                   "PR_SET_MM_ENV_START", "PR_SET_MM_ENV_END", "PR_SET_MM_AUXV",
                                   "PR_SET_MM_EXE_FILE" };
    char name[120], cov[120];
    for (int i = 0; i < 13; i++) {
        snprintf(name, sizeof name, "prctl PR_SET_MM %s without CAP_SYS_RESOURCE -> EPERM", names[i]);
        snprintf(cov, sizeof cov, "PR_SET_MM %s", names[i]);
        T_COVERS(cov);
        T_TRUE(name, r >= 0 && (r & (1 << i)));
    }
    T_TRUE("prctl PR_SET_MM with stray arguments -> EINVAL before the capability check", r >= 0 && (r & (1 << 15)));
}

/* Refused whether or not the kernel keeps names for anonymous mappings: an unknown attribute, an unaligned start. */
static void set_vma(void)
{
    T_COVERS("PR_SET_VMA");
    T_ERR("prctl PR_SET_VMA an unknown attribute", pr(0x53564d41, 1, 0x10000, 4096, 0), EINVAL);
    T_COVERS("PR_SET_VMA PR_SET_VMA_ANON_NAME");
    T_ERR("prctl PR_SET_VMA_ANON_NAME at an unaligned address", pr(0x53564d41, 0, 0x10001, 4096, 0), EINVAL);
}

int main(int argc, char **argv, char **envp)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    layout(argc, argv, envp);
    auxv();
    map_checks();
    exe_checks();
    one_field();
    set_vma();
    return tap_done();
}
