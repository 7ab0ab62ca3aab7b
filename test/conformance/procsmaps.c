/* test/conformance/procsmaps.c — /proc/PID/smaps and smaps_rollup as proc(5) describes them: for an anonymous
 * mapping of 16 pages with 10 touched, Size 64 kB, Rss, Anonymous and Private_Dirty 40 kB, Pss 40 kB; after a
 * fork (the child still there) the same pages are Shared_Dirty with half the Pss; mlock'ed ones count as
 * Locked; a private file mapping read but not written is resident but not Anonymous; VmFlags has rd, wr
 * and ac for private writable memory; smaps_rollup sums them under a "[rollup]" line. */
/* covers: mmap mlock fork */
#include "tap.h"
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>

static char text[1 << 19];


/* The value (kB) of key in the smaps block of the area starting at addr, or -1; flags gets its VmFlags. */
static long smaps_field(const void *addr, const char *key, char *flags, size_t fsize)
{
    if (tap_read_all("/proc/self/smaps", text, sizeof text) < 0)
        return -1;
    char head[32];
    snprintf(head, sizeof head, "%lx-", (unsigned long)addr);
    char *b = strstr(text, head);
    while (b && b != text && b[-1] != '\n')
        b = strstr(b + 1, head);
    if (!b)
        return -1;
    char *end = strstr(b, "VmFlags:");
    if (!end)
        return -1;
    if (flags)
        snprintf(flags, fsize, "%.*s", (int)strcspn(end, "\n"), end);
    size_t k = strlen(key);
    for (char *l = strchr(b, '\n'); l && l < end; l = strchr(l + 1, '\n'))
        if (!strncmp(l + 1, key, k) && l[1 + k] == ':')
            return strtol(l + 2 + k, NULL, 10);
    return -1;
}

static void test_anon(void)
{
    /* between two PROT_NONE pages, so that it stays an area of its own (anonymous neighbours merge) */
    char *g = mmap(NULL, 18 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *m = mmap(g + 4096, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    for (int i = 0; i < 10; i++)
        m[i * 4096] = 1;
    char flags[128] = "";
    T_EQ("smaps: Size 64 kB", smaps_field(m, "Size", flags, sizeof flags), 64);
    T_EQ("smaps: Rss 40 kB", smaps_field(m, "Rss", NULL, 0), 40);
    T_EQ("smaps: Pss 40 kB", smaps_field(m, "Pss", NULL, 0), 40);
    T_EQ("smaps: Anonymous 40 kB", smaps_field(m, "Anonymous", NULL, 0), 40);
    T_EQ("smaps: Private_Dirty 40 kB", smaps_field(m, "Private_Dirty", NULL, 0), 40);
    T_EQ("smaps: Shared_Dirty 0 kB", smaps_field(m, "Shared_Dirty", NULL, 0), 0);
    T_EQ("smaps: KernelPageSize 4 kB", smaps_field(m, "KernelPageSize", NULL, 0), 4);
    T_TRUE("smaps: VmFlags rd wr ... ac", !strncmp(flags, "VmFlags: rd wr ", 15) && strstr(flags, " ac"));
    int go[2];
    if (pipe(go))
        return;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char x;
        close(go[1]);
        _exit(read(go[0], &x, 1) < 0);
    }
    T_EQ("smaps after fork: Shared_Dirty 40 kB", smaps_field(m, "Shared_Dirty", NULL, 0), 40);
    T_EQ("smaps after fork: Private_Dirty 0 kB", smaps_field(m, "Private_Dirty", NULL, 0), 0);
    T_EQ("smaps after fork: Pss 20 kB", smaps_field(m, "Pss", NULL, 0), 20);
    close(go[1]);
    waitpid(c, NULL, 0);
    close(go[0]);
    T_OK("mlock 4 pages", mlock(m, 4 * 4096), 0);
    T_EQ("smaps: Locked 16 kB of the locked part", smaps_field(m, "Locked", NULL, 0), 16);
    munlock(m, 4 * 4096);
    munmap(g, 18 * 4096);
}

static void test_file(void)
{
    tap_scratch("procsmaps");
    char path[300];
    snprintf(path, sizeof path, "%s/f", tap_dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char page[4096] = { 7 };
    for (int i = 0; i < 4; i++)
        if (write(fd, page, sizeof page) != sizeof page)
            break;
    volatile char *p = mmap(NULL, 4 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    int sum = p[0] + p[4096];
    (void)sum;
    /* Linux maps the file's cached neighbours as well (fault-around), and its pages may still be dirty */
    long rss = smaps_field((void *)p, "Rss", NULL, 0);
    T_TRUE("smaps of a private file mapping: Rss at least the 8 kB read", rss >= 8 && rss <= 16);
    T_EQ("smaps of a private file mapping: Anonymous 0", smaps_field((void *)p, "Anonymous", NULL, 0), 0);
    munmap((void *)p, 4 * 4096);
    close(fd);
    unlink(path);
    tap_finish_dir();
}

static void test_rollup(void)
{
    int n = tap_read_all("/proc/self/smaps_rollup", text, sizeof text);
    char *nl = n > 0 ? strchr(text, '\n') : NULL;
    T_TRUE("smaps_rollup: the first line ends in [rollup]", nl && nl - text > 8 && !strncmp(nl - 8, "[rollup]", 8));
    T_TRUE("smaps_rollup: Rss, Pss_Anon, Pss_File", strstr(text, "\nRss:") && strstr(text, "\nPss_Anon:") &&
                                                        strstr(text, "\nPss_File:"));
    T_TRUE("smaps_rollup: no Size line", !strstr(text, "\nSize:"));
}

int main(void)
{
    test_anon();
    test_file();
    test_rollup();
    return tap_done();
}
