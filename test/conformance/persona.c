/* test/conformance/persona.c — personality(2): every persona and flag the man page names is kept and read back
 * (Linux stores any value), a fork child and an execve'd image keep it, and the ones with an effect on x86_64
 * have it: UNAME26 (uname says 2.6.(60 + minor)), PER_LINUX32 (uname says i686), READ_IMPLIES_EXEC (a readable
 * mapping, made by mmap or mprotect, is executable). */
/* covers: personality */
#include "tap.h"
#include <sys/mman.h>
#include <sys/utsname.h>

static const struct { const char *name; unsigned long v; } personas[] = {
    { "PER_LINUX", 0x0000 }, { "PER_LINUX_32BIT", 0x0000 | 0x0800000 }, { "PER_LINUX_FDPIC", 0x0000 | 0x0080000 },
    { "PER_SVR4", 0x0001 | 0x4000000 | 0x0100000 }, { "PER_SVR3", 0x0002 | 0x4000000 | 0x1000000 },
    { "PER_SCOSVR3", 0x0003 | 0x4000000 | 0x2000000 | 0x1000000 }, { "PER_OSR5", 0x0003 | 0x4000000 | 0x2000000 },
    { "PER_WYSEV386", 0x0004 | 0x4000000 | 0x1000000 }, { "PER_ISCR4", 0x0005 | 0x4000000 },
    { "PER_BSD", 0x0006 }, { "PER_SUNOS", 0x0006 | 0x4000000 }, { "PER_XENIX", 0x0007 | 0x4000000 | 0x1000000 },
    { "PER_LINUX32", 0x0008 }, { "PER_LINUX32_3GB", 0x0008 | 0x8000000 }, { "PER_IRIX32", 0x0009 | 0x4000000 },
    { "PER_IRIXN32", 0x000a | 0x4000000 }, { "PER_IRIX64", 0x000b | 0x4000000 }, { "PER_RISCOS", 0x000c },
    { "PER_SOLARIS", 0x000d | 0x4000000 }, { "PER_UW7", 0x000e | 0x4000000 | 0x0100000 }, { "PER_OSF4", 0x000f },
    { "PER_HPUX", 0x0010 }, { "ADDR_COMPAT_LAYOUT", 0x0200000 }, { "ADDR_LIMIT_32BIT", 0x0800000 },
    { "ADDR_LIMIT_3GB", 0x8000000 }, { "ADDR_NO_RANDOMIZE", 0x0040000 }, { "FDPIC_FUNCPTRS", 0x0080000 },
    { "MMAP_PAGE_ZERO", 0x0100000 }, { "READ_IMPLIES_EXEC", 0x0400000 }, { "SHORT_INODE", 0x1000000 },
    { "STICKY_TIMEOUTS", 0x4000000 }, { "WHOLE_SECONDS", 0x2000000 }, { "UNAME26", 0x0020000 },
};

static long pers(unsigned long v) { return syscall(SYS_personality, v); }

/* bit 0: uname's machine is i686 under PER_LINUX32; bit 1: UNAME26's release; run in a child */
static int uname_child(void)
{
    struct utsname a, b, c;
    uname(&a);
    pers(0x0008);
    uname(&b);
    pers(0x0020000);
    uname(&c);
    int r = !strcmp(b.machine, "i686") && !strcmp(b.release, a.release);
    unsigned major = 0, minor = 0;
    int n = 0;
    sscanf(a.release, "%u.%u%n", &major, &minor, &n);
    const char *rest = a.release + n;
    while (*rest == '.' || (*rest >= '0' && *rest <= '9'))
        rest++;
    char want[80];
    snprintf(want, sizeof want, "2.6.%u%s", minor + 60, rest);
    r |= (!strcmp(c.release, want) && !strcmp(c.machine, a.machine)) << 1;
    return r;
}

/* bit 0: a PROT_READ mmap is executable in /proc/self/maps; bit 1: so is an mprotect'ed one */
static int exec_child(void)
{
    pers(0x0400000);
    char *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *w = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(w, 4096, PROT_READ | PROT_WRITE);
    char maps[65536], want[64], want2[64];
    tap_read_file("/proc/self/maps", maps, sizeof maps);
    snprintf(want, sizeof want, "%lx-%lx r-xp", (unsigned long)m, (unsigned long)m + 4096);
    snprintf(want2, sizeof want2, "%lx-%lx rwxp", (unsigned long)w, (unsigned long)w + 4096);
    return (strstr(maps, want) != NULL) | (strstr(maps, want2) != NULL) << 1;
}

static char self[4096];

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "report"))
        return (int)(pers(0xffffffff) == 0x0040000 + 0x6) ? 0 : 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    long n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    long orig = pers(0xffffffff);
    T_TRUE("personality query", orig >= 0);
    char name[96];
    for (unsigned i = 0; i < sizeof personas / sizeof *personas; i++) {
        pers(personas[i].v);
        snprintf(name, sizeof name, "personality %s is kept and read back", personas[i].name);
        T_EQ(name, pers(0xffffffff), personas[i].v);
    }
    pers(0x0040000 + 0x6); /* ADDR_NO_RANDOMIZE | PER_BSD: through fork and execve */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        if (pers(0xffffffff) != 0x0040000 + 0x6)
            _exit(2);
        execl(self, self, "report", (char *)NULL);
        _exit(3);
    }
    int st = 0;
    waitpid(c, &st, 0);
    T_TRUE("personality a fork child and its execve'd image keep it", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    pers(orig);
    int u = tap_child(uname_child);
    T_COVERS("PER_LINUX32");
    T_TRUE("personality PER_LINUX32: uname's machine is i686", u >= 0 && u < 256 && (u & 1));
    T_COVERS("UNAME26");
    T_TRUE("personality UNAME26: uname's release is 2.6.(60 + minor)", u >= 0 && u < 256 && (u & 2));
    int x = tap_child(exec_child);
    T_COVERS("READ_IMPLIES_EXEC");
    T_TRUE("personality READ_IMPLIES_EXEC: a PROT_READ mmap is executable", x >= 0 && x < 256 && (x & 1));
    T_COVERS("READ_IMPLIES_EXEC");
    T_TRUE("personality READ_IMPLIES_EXEC: mprotect PROT_READ makes it executable", x >= 0 && x < 256 && (x & 2));
    return tap_done();
}
