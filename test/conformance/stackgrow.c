/* test/conformance/stackgrow.c — stacks that grow (the initial one, and MAP_GROWSDOWN mappings), as Linux grows
 * them: on a touch below the area, up to RLIMIT_STACK (read when the stack grows, so a setrlimit after execve
 * counts) and never within the guard gap (256 pages) above the mapping below, unless that mapping cannot be
 * accessed; and execve's limits on arguments (execve(2), "Limits on size of arguments and environment"): one
 * string up to 32 pages, all of them within a quarter of RLIMIT_STACK (at least 32 pages), any count. */
/* covers: mmap execve setrlimit */
#include "tap.h"
#include <sys/mman.h>
#include <sys/resource.h>

#define GAP (256 * PAGE)

static int stack_lim(rlim_t n)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl))
        return -1;
    rl.rlim_cur = n;
    return setrlimit(RLIMIT_STACK, &rl);
}

/* Runs fn in a child: its exit status, or 1000 + the signal that ended it. */
static int run(int (*fn)(void)) { return tap_child(fn); }

static volatile char *below(long n) { return (volatile char *)__builtin_frame_address(0) - n; }

static int touch_4m(void) { *below(4l << 20) = 1; return 0; }
static int touch_2m_at_1m(void) { return stack_lim(1 << 20) ? 128 : (*below(2l << 20) = 1, 0); }

/* The size of the mapping of /proc/self/maps that ends at end (0: none). */
static long area_size(unsigned long end)
{
    FILE *f = fopen("/proc/self/maps", "r");
    unsigned long s, e;
    long size = 0;
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "%lx-%lx", &s, &e) == 2 && e == end)
            size = (long)(e - s);
    if (f)
        fclose(f);
    return size;
}

static char *region; /* 16 MiB of address space nothing else uses */

/* A one-page MAP_GROWSDOWN mapping whose top is at region + off. */
static char *growsdown_at(long off)
{
    void *p = mmap(region + off - PAGE, PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static int grow_far(void) { char *g = growsdown_at(8l << 20); return g ? (g[-5 * PAGE] = 1, 0) : 128; }
static int grow_past_rlimit(void)
{
    char *g = growsdown_at(8l << 20);
    return g && !stack_lim(64 * 1024) ? (g[-128 * 1024] = 1, 0) : 128;
}
/* a readable page at region: growing to within GAP of it faults, to exactly GAP above it does not */
static int guard_near(void)
{
    char *g = growsdown_at(8l << 20);
    if (!g || mmap(region, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
        return 128;
    region[PAGE + GAP] = 1;
    return 0;
}
static int guard_into(void)
{
    char *g = growsdown_at(8l << 20);
    if (!g || mmap(region, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
        return 128;
    region[PAGE + GAP - PAGE] = 1;
    return 0;
}
/* below a PROT_NONE mapping there is no gap to keep */
static int guard_none(void)
{
    char *g = growsdown_at(8l << 20);
    if (!g || mmap(region, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
        return 128;
    region[PAGE] = 1;
    return 0;
}

static int exec_self(char **argv) /* runs this program with argv (argv[1] is "check"): exit status */
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char *envp[] = { NULL };
        execve("/proc/self/exe", argv, envp);
        _exit(errno == E2BIG ? 102 : 101);
    }
    int st = 0;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

static char **args_of(long n, size_t len) /* n strings of len bytes after "x", "check" */
{
    char **v = calloc(n + 3, sizeof(char *));
    char *s = malloc(len + 1);
    memset(s, 'a', len);
    s[len] = 0;
    v[0] = "x";
    v[1] = "check";
    for (long i = 0; i < n; i++)
        v[2 + i] = s;
    return v;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "check"))
        return 0; /* the exec'ed copy: it started, with all its arguments */
    setvbuf(stdout, NULL, _IOLBF, 0);
    T_COVERS("RLIMIT_STACK");
    T_EQ("setrlimit the stack grows 4 MiB down under the default RLIMIT_STACK", run(touch_4m), 0);
    T_COVERS("RLIMIT_STACK");
    T_EQ("setrlimit the stack stops at a lowered RLIMIT_STACK (SIGSEGV)", run(touch_2m_at_1m), 1000 + SIGSEGV);
    region = mmap(NULL, 16l << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(region, 16l << 20);
    char *g = growsdown_at(8l << 20);
    T_COVERS("MAP_GROWSDOWN");
    T_EQ("mmap MAP_GROWSDOWN maps one page", g ? area_size((unsigned long)(region + (8l << 20))) : -1, PAGE);
    if (g)
        g[-3 * PAGE + 10] = 1;
    T_COVERS("MAP_GROWSDOWN");
    T_EQ("mmap MAP_GROWSDOWN grows down to a touch below it", g ? area_size((unsigned long)(region + (8l << 20))) : -1,
         4 * PAGE);
    munmap(region, 16l << 20);
    T_COVERS("MAP_GROWSDOWN");
    T_EQ("mmap MAP_GROWSDOWN grows far", run(grow_far), 0);
    T_COVERS("MAP_GROWSDOWN RLIMIT_STACK");
    T_EQ("mmap MAP_GROWSDOWN stops at RLIMIT_STACK (SIGSEGV)", run(grow_past_rlimit), 1000 + SIGSEGV);
    T_COVERS("MAP_GROWSDOWN");
    T_EQ("mmap MAP_GROWSDOWN grows to the guard gap above a mapping", run(guard_near), 0);
    T_COVERS("MAP_GROWSDOWN");
    T_EQ("mmap MAP_GROWSDOWN never into the guard gap (SIGSEGV)", run(guard_into), 1000 + SIGSEGV);
    T_COVERS("MAP_GROWSDOWN PROT_NONE");
    T_EQ("mmap MAP_GROWSDOWN grows up to an inaccessible mapping", run(guard_none), 0);

    T_EQ("execve a 100,000-byte argument", exec_self(args_of(1, 100000)), 0);
    T_EQ("execve an argument of 32 pages less its NUL", exec_self(args_of(1, 32 * PAGE - 1)), 0);
    T_EQ("execve an argument of 32 pages and its NUL -> E2BIG", exec_self(args_of(1, 32 * PAGE)), 102);
    T_EQ("execve 70,000 arguments", exec_self(args_of(70000, 1)), 0);
    T_EQ("execve 3 MiB of arguments -> E2BIG", exec_self(args_of(48, 65536)), 102);
    T_COVERS("setrlimit: RLIMIT_STACK");
    stack_lim(16l << 20);
    T_EQ("execve 3 MiB of arguments under a 16 MiB RLIMIT_STACK", exec_self(args_of(48, 65536)), 0);
    stack_lim(64 * 1024);
    T_EQ("execve 48 KiB of arguments under a 64 KiB RLIMIT_STACK", exec_self(args_of(12, 4000)), 0);
    T_EQ("execve 72 KiB of arguments under a 64 KiB RLIMIT_STACK (the strings alone must fit it) -> E2BIG",
         exec_self(args_of(18, 4000)), 102);
    stack_lim(256 * 1024);
    T_EQ("execve 100 KiB of arguments under a 256 KiB RLIMIT_STACK (32 pages always fit)",
         exec_self(args_of(25, 4000)), 0);
    T_EQ("execve 130 KiB of arguments under a 256 KiB RLIMIT_STACK -> E2BIG", exec_self(args_of(33, 4000)), 102);
    return tap_done();
}
