/* test/conformance/mountinfo.c — /proc/PID/mountinfo as proc(5) describes it: every line "ID PARENT MAJ:MIN ROOT
 * MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPEROPTIONS", unique ids, /proc's line naming the proc type, its
 * parent and the st_dev stat gives; a tmpfs mounted here appears last, under the mount that holds the directory,
 * with its per-mount options (nosuid, noexec) and its source, and goes at umount. The host's table is not the
 * guest's: each check compares a property, not the text. */
#include "tap.h"
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

struct mi {
    int id, parent;
    unsigned major, minor;
    char root[256], point[256], opts[256], type[64], source[256];
};

/* Parses one line; 0 when it is not in the documented shape. */
static int mi_parse(char *line, struct mi *m)
{
    int used = 0;
    if (sscanf(line, "%d %d %u:%u %255s %255s %255s %n", &m->id, &m->parent, &m->major, &m->minor, m->root,
               m->point, m->opts, &used) != 7)
        return 0;
    char *sep = strstr(line + used - 1, " - ");
    return sep && sscanf(sep + 3, "%63s %255s", m->type, m->source) == 2;
}

/* Reads the table: the lines that parsed, how many lines there were. */
static int mi_read(const char *file, struct mi *out, int max, int *lines)
{
    FILE *f = fopen(file, "r");
    char line[1024];
    int n = 0;
    *lines = 0;
    while (f && fgets(line, sizeof(line), f)) {
        (*lines)++;
        if (n < max && mi_parse(line, &out[n]))
            n++;
    }
    if (f)
        fclose(f);
    return n;
}

static struct mi tab[256];

static const struct mi *by_point(int n, const char *point)
{
    const struct mi *last = NULL;
    for (int i = 0; i < n; i++)
        if (!strcmp(tab[i].point, point))
            last = &tab[i]; /* the top one of a stack */
    return last;
}

static void table(void)
{
    int lines, n = mi_read("/proc/self/mountinfo", tab, 256, &lines);
    T_EQ("/proc/self/mountinfo has lines", lines > 0, 1);
    T_EQ("every line has the documented fields and the ' - ' separator", n, lines);
    int dup = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            dup += tab[i].id == tab[j].id;
    T_EQ("mount ids are unique", dup, 0);
    const struct mi *root = by_point(n, "/"), *proc = by_point(n, "/proc");
    T_EQ("/ has a line", root != NULL, 1);
    T_EQ("/proc has a line", proc != NULL, 1);
    if (!root || !proc)
        return;
    struct stat st;
    stat("/proc", &st);
    T_EQ("/proc's line: type proc", strcmp(proc->type, "proc"), 0);
    T_EQ("/proc's line: mounted on /", proc->parent, root->id);
    T_EQ("/proc's line: its major:minor is stat's st_dev", makedev(proc->major, proc->minor) == st.st_dev, 1);
    T_EQ("/proc's line: its root is /", strcmp(proc->root, "/"), 0);
    T_EQ("/proc's line: per-mount options start with rw", strncmp(proc->opts, "rw", 2), 0);
    char mine[64];
    snprintf(mine, sizeof(mine), "/proc/%d/mountinfo", (int)getpid());
    int lines2, n2 = mi_read(mine, tab, 256, &lines2);
    T_EQ("/proc/PID/mountinfo: the same table as /proc/self's", n2 == n && lines2 == lines, 1);
}

/* The mount that holds path: the longest mount point that is a prefix of it. */
static const struct mi *holder(int n, const char *path)
{
    const struct mi *best = NULL;
    size_t best_len = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(tab[i].point);
        bool prefix = !strcmp(tab[i].point, "/") || (!strncmp(path, tab[i].point, l) && path[l] == '/');
        if (prefix && (l >= best_len || !best))
            best = &tab[i], best_len = l;
    }
    return best;
}

static void new_mount(void)
{
    char dir[512], point[600];
    if (!getcwd(dir, sizeof(dir)))
        return;
    snprintf(point, sizeof(point), "%s/m", dir);
    mkdir("m", 0755);
    int lines, n = mi_read("/proc/self/mountinfo", tab, 256, &lines);
    const struct mi *h = holder(n, point);
    int holder_id = h ? h->id : -1;
    if (mount("skiffinfo", "m", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k")) {
        printf("Bail out! cannot mount a tmpfs\n");
        exit(2);
    }
    int n2 = mi_read("/proc/self/mountinfo", tab, 256, &lines);
    T_EQ("a new mount adds one line", n2, n + 1);
    const struct mi *m = by_point(n2, point);
    T_EQ("the new mount's line names its mount point", m != NULL, 1);
    if (m) {
        struct stat st;
        stat("m", &st);
        T_EQ("the new mount: its parent is the mount holding the directory", m->parent, holder_id);
        T_EQ("the new mount: type tmpfs", strcmp(m->type, "tmpfs"), 0);
        T_EQ("the new mount: the source given to mount(2)", strcmp(m->source, "skiffinfo"), 0);
        T_EQ("the new mount: nosuid among its per-mount options", strstr(m->opts, "nosuid") != NULL, 1);
        T_EQ("the new mount: noexec among its per-mount options", strstr(m->opts, "noexec") != NULL, 1);
        T_EQ("the new mount: major:minor is its st_dev", makedev(m->major, m->minor) == st.st_dev, 1);
        T_EQ("the new mount is the last line", m == &tab[n2 - 1], 1);
    }
    umount2("m", MNT_DETACH);
    T_EQ("umount takes its line away", mi_read("/proc/self/mountinfo", tab, 256, &lines), n);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    tap_scratch("mountinfo");
    table();
    new_mount();
    tap_finish_dir();
    return tap_done();
}
