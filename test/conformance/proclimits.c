/* test/conformance/proclimits.c — /proc/PID/limits (proc(5)): Linux's header and one row per resource in
 * getrlimit's order, each row's soft and hard values (or "unlimited") the ones getrlimit gives, following a
 * setrlimit; the same text in /proc/PID/task/TID/limits. The values themselves are the host's or skiff's; only
 * their agreement with getrlimit is compared. */
#include "tap.h"
#include <sys/resource.h>

static char text[8192];

static int read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int n = (int)read(fd, text, sizeof(text) - 1);
    close(fd);
    text[n > 0 ? n : 0] = 0;
    return n;
}

/* Whether row i of the text holds getrlimit(i)'s values. */
static int row_agrees(int i)
{
    char *line = text;
    for (int k = 0; k <= i && line; k++) {
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    if (!line || strlen(line) < 68)
        return 0;
    char soft[21], hard[21], want_soft[32], want_hard[32];
    sscanf(line + 26, "%20s", soft);
    sscanf(line + 47, "%20s", hard);
    struct rlimit r;
    getrlimit(i, &r);
    if (r.rlim_cur == RLIM_INFINITY)
        strcpy(want_soft, "unlimited");
    else
        snprintf(want_soft, sizeof(want_soft), "%lu", (unsigned long)r.rlim_cur);
    if (r.rlim_max == RLIM_INFINITY)
        strcpy(want_hard, "unlimited");
    else
        snprintf(want_hard, sizeof(want_hard), "%lu", (unsigned long)r.rlim_max);
    return !strcmp(soft, want_soft) && !strcmp(hard, want_hard);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct rlimit lim = { 100, 200 }, stack;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_STACK, &stack);
    stack.rlim_cur = 4 << 20;
    setrlimit(RLIMIT_STACK, &stack);
    T_TRUE("/proc/self/limits reads", read_file("/proc/self/limits") > 0);
    T_TRUE("the header, as Linux lays it out",
           !strncmp(text, "Limit                     Soft Limit           Hard Limit           Units     \n", 78));
    int lines = 0;
    for (char *c = text; *c; c++)
        lines += *c == '\n';
    T_EQ("a header and 16 rows", lines, 17);
    static const char *const names[16] = {
        "Max cpu time", "Max file size", "Max data size", "Max stack size", "Max core file size",
        "Max resident set", "Max processes", "Max open files", "Max locked memory", "Max address space",
        "Max file locks", "Max pending signals", "Max msgqueue size", "Max nice priority", "Max realtime priority",
        "Max realtime timeout" };
    char name[96];
    for (int i = 0; i < 16; i++) {
        snprintf(name, sizeof(name), "row %d is %s and holds getrlimit's values", i, names[i]);
        char *line = text;
        for (int k = 0; k <= i; k++)
            line = strchr(line, '\n') + 1;
        T_TRUE(name, !strncmp(line, names[i], strlen(names[i])) && row_agrees(i));
    }
    char self[8192], path[64];
    memcpy(self, text, sizeof(self));
    snprintf(path, sizeof(path), "/proc/%d/task/%d/limits", (int)getpid(), (int)getpid());
    T_TRUE("/proc/PID/task/TID/limits: the same text", read_file(path) > 0 && !strcmp(self, text));
    return tap_done();
}
