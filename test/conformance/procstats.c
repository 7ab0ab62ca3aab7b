/* test/conformance/procstats.c — the system-wide counters of proc(5) that monitoring tools read: /proc/stat's
 * processes (forks since boot: it grows by one per fork, it is not the number of processes), ctxt (grows
 * when a task sleeps), intr; /proc/vmstat's "name value" lines with pgfault growing as new pages are touched;
 * the headers of /proc/swaps and /proc/partitions; /proc/cmdline one line; random/boot_id the same at every
 * read, random/uuid new each time, entropy_avail 256; /sys/dev/block there. */
/* covers: fork nanosleep */
#include "tap.h"
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

static char buf[1 << 16];

/* The number after "key " at the start of a line of path, or -1. */
static long field(const char *path, const char *key)
{
    if (tap_read_file(path, buf, sizeof buf) < 0)
        return -1;
    size_t k = strlen(key);
    for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (!strncmp(l, key, k) && l[k] == ' ')
            return strtol(l + k + 1, NULL, 10);
    return -1;
}

static void test_stat(void)
{
    long p0 = field("/proc/stat", "processes");
    T_TRUE("/proc/stat processes is there", p0 > 0);
    for (int i = 0; i < 3; i++) {
        fflush(stdout);
        pid_t c = fork();
        if (c == 0)
            _exit(0);
        waitpid(c, NULL, 0);
    }
    long p1 = field("/proc/stat", "processes");
    T_TRUE("/proc/stat processes counts forks: 3 more after 3 (whatever else forked meanwhile)", p1 - p0 >= 3);
    long c0 = field("/proc/stat", "ctxt");
    for (int i = 0; i < 5; i++) {
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
    long c1 = field("/proc/stat", "ctxt");
    T_TRUE("/proc/stat ctxt is there", c0 > 0);
    T_TRUE("/proc/stat ctxt grows while a task sleeps", c1 - c0 >= 5);
    T_TRUE("/proc/stat intr is there", field("/proc/stat", "intr") >= 0);
    T_TRUE("/proc/stat btime is there", field("/proc/stat", "btime") > 1600000000);
}

static void test_vmstat(void)
{
    long f0 = field("/proc/vmstat", "pgfault");
    T_TRUE("/proc/vmstat pgfault is there", f0 >= 0);
    T_TRUE("/proc/vmstat nr_free_pages is there", field("/proc/vmstat", "nr_free_pages") > 0);
    T_TRUE("/proc/vmstat pgmajfault is there", field("/proc/vmstat", "pgmajfault") >= 0);
    T_TRUE("/proc/vmstat pswpin is there", field("/proc/vmstat", "pswpin") >= 0);
    T_TRUE("/proc/vmstat oom_kill is there", field("/proc/vmstat", "oom_kill") >= 0);
    char *m = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 64; i++)
        m[i * 4096] = 1;
    long f1 = field("/proc/vmstat", "pgfault");
    T_TRUE("/proc/vmstat pgfault grows by the 64 pages touched", f1 - f0 >= 64);
    munmap(m, 64 * 4096);
}

static void test_tables(void)
{
    T_TRUE("/proc/swaps starts with its header",
           tap_read_file("/proc/swaps", buf, sizeof buf) > 0 && !strncmp(buf, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n", 40));
    T_TRUE("/proc/partitions starts with its header",
           tap_read_file("/proc/partitions", buf, sizeof buf) > 0 && !strncmp(buf, "major minor  #blocks  name\n", 27));
    int n = tap_read_file("/proc/cmdline", buf, sizeof buf);
    T_TRUE("/proc/cmdline is one line", n > 0 && buf[n - 1] == '\n' && !memchr(buf, '\n', (size_t)n - 1));
    T_TRUE("/proc/devices starts with the character devices",
           tap_read_file("/proc/devices", buf, sizeof buf) > 0 && !strncmp(buf, "Character devices:\n  1 mem\n", 26));
    T_TRUE("/proc/devices lists the block devices after", strstr(buf, "\nBlock devices:\n") != NULL);
}

static void test_random(void)
{
    char a[64] = "", b[64] = "", c[64] = "", d[64] = "";
    tap_read_file("/proc/sys/kernel/random/boot_id", a, sizeof a);
    tap_read_file("/proc/sys/kernel/random/boot_id", b, sizeof b);
    tap_read_file("/proc/sys/kernel/random/uuid", c, sizeof c);
    tap_read_file("/proc/sys/kernel/random/uuid", d, sizeof d);
    T_TRUE("random/boot_id is a UUID", strlen(a) == 37 && a[8] == '-' && a[14] == '4');
    T_TRUE("random/boot_id is the same at every read", !strcmp(a, b));
    T_TRUE("random/uuid is new at every read", strlen(c) == 37 && strcmp(c, d) != 0);
    T_TRUE("random/entropy_avail reads 256", tap_read_file("/proc/sys/kernel/random/entropy_avail", a, sizeof a) > 0 &&
                                                 !strcmp(a, "256\n"));
    T_TRUE("/sys/dev/block is a directory", access("/sys/dev/block", F_OK) == 0);
}

int main(void)
{
    test_stat();
    test_vmstat();
    test_tables();
    test_random();
    return tap_done();
}
