/* test/conformance/procmaps.c — /proc/PID/maps as proc(5) describes it: for a file mapping the path, the
 * offset (hex, 8 digits at least), the device (major:minor) and inode stat gives, 'p' or 's'; " (deleted)"
 * once the file is unlinked; "/dev/zero (deleted)" for shared anonymous memory, "/memfd:NAME (deleted)",
 * "/SYSV<key> (deleted)" for System V shared memory; the program's own text named as /proc/self/exe; a
 * mapping split by mprotect keeps its name with the right offset; a forked child sees the same; the name
 * starts at column 73, and an unnamed line ends in a space. */
/* covers: mmap mprotect memfd_create shmat */
#include "tap.h"
#include <fcntl.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

static char maps[1 << 17];

static void read_maps(void)
{
    if (tap_read_file("/proc/self/maps", maps, sizeof maps) < 0)
        maps[0] = 0;
}

/* The line of maps that holds address a (copied into line), or 0. */
static int line_of(const void *a, char *line, size_t size)
{
    read_maps();
    unsigned long x = (unsigned long)a;
    for (char *l = maps; *l;) {
        char *end = strchr(l, '\n');
        size_t len = end ? (size_t)(end - l) : strlen(l);
        unsigned long s, e;
        if (sscanf(l, "%lx-%lx", &s, &e) == 2 && s <= x && x < e) {
            snprintf(line, size, "%.*s", (int)len, l);
            return 1;
        }
        if (!end)
            break;
        l = end + 1;
    }
    return 0;
}

/* The line's fields: perms, offset, dev, inode and the name (from column 73, "" when none). */
struct fields { char perms[8]; unsigned long off; unsigned maj, min; unsigned long ino; const char *name; int col; };

static int parse(const char *line, struct fields *f)
{
    int pos = 0;
    if (sscanf(line, "%*lx-%*lx %7s %lx %x:%x %lu %n", f->perms, &f->off, &f->maj, &f->min, &f->ino, &pos) < 5)
        return 0;
    f->name = line + pos;
    f->col = *f->name ? pos : -1;
    return 1;
}

static void check_file_line(const char *what, const void *addr, const char *path, const struct stat *st,
                            unsigned long off, char ps)
{
    char line[512], want[300], name[300];
    struct fields f = { 0 };
    int ok = line_of(addr, line, sizeof line) && parse(line, &f);
    T_TRUE(what, ok);
    snprintf(name, sizeof name, "%s: the path", what);
    T_TRUE(name, ok && !strcmp(f.name, path));
    snprintf(name, sizeof name, "%s: the name at column 73", what);
    T_EQ(name, ok ? f.col : -2, 73);
    snprintf(name, sizeof name, "%s: the offset", what);
    T_EQ(name, ok ? (long)f.off : -1, (long)off);
    snprintf(name, sizeof name, "%s: the device and inode of stat", what);
    T_TRUE(name, ok && f.maj == major(st->st_dev) && f.min == minor(st->st_dev) && f.ino == st->st_ino);
    snprintf(name, sizeof name, "%s: private or shared", what);
    T_EQ(name, ok ? f.perms[3] : 0, ps);
    (void)want;
}

static void test_files(void)
{
    tap_scratch("procmaps");
    char path[300], real[300];
    snprintf(path, sizeof path, "%s/data", tap_dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char page[4096] = { 1 };
    for (int i = 0; i < 4; i++)
        if (write(fd, page, sizeof page) != sizeof page)
            break;
    struct stat st;
    fstat(fd, &st);
    if (!realpath(path, real))
        strcpy(real, path);
    char *p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 4096);
    check_file_line("a private file mapping at offset 4096", p, real, &st, 4096, 'p');
    char *s = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check_file_line("a shared file mapping", s, real, &st, 0, 's');
    T_OK("mprotect the second page of the shared mapping", mprotect(s + 4096, 4096, PROT_READ), 0);
    check_file_line("the split mapping's second part", s + 4096, real, &st, 4096, 's');
    check_file_line("the split mapping's third part", s + 8192, real, &st, 8192, 's');
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char line[512];
        struct fields f = { 0 };
        _exit(line_of(p, line, sizeof line) && parse(line, &f) && !strcmp(f.name, real) && f.off == 4096 ? 0 : 1);
    }
    int wst = -1;
    waitpid(c, &wst, 0);
    T_EQ("a forked child's maps name the file", wst, 0);
    unlink(path);
    char del[330];
    snprintf(del, sizeof del, "%s (deleted)", real);
    check_file_line("an unlinked file's mapping", p, del, &st, 4096, 'p');
    munmap(p, 8192);
    munmap(s, 16384);
    close(fd);
}

static void test_anon(void)
{
    char line[512];
    struct fields f = { 0 };
    char *a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int ok = line_of(a, line, sizeof line) && parse(line, &f);
    T_TRUE("private anonymous memory: no name", ok && f.col == -1 && f.ino == 0 && f.maj == 0 && f.min == 0);
    T_TRUE("private anonymous memory: the line ends in a space", ok && line[strlen(line) - 1] == ' ');
    munmap(a, 8192);
    a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ok = line_of(a, line, sizeof line) && parse(line, &f);
    T_TRUE("shared anonymous memory: /dev/zero (deleted)", ok && !strcmp(f.name, "/dev/zero (deleted)"));
    T_TRUE("shared anonymous memory: 's' and an inode", ok && f.perms[3] == 's' && f.ino != 0);
    munmap(a, 8192);
    int m = memfd_create("mapsname", 0);
    if (ftruncate(m, 4096))
        T_TRUE("ftruncate a memfd", 0);
    a = mmap(NULL, 4096, PROT_READ, MAP_SHARED, m, 0);
    ok = line_of(a, line, sizeof line) && parse(line, &f);
    T_TRUE("a memfd mapping: /memfd:mapsname (deleted)", ok && !strcmp(f.name, "/memfd:mapsname (deleted)"));
    munmap(a, 4096);
    close(m);
    int id = shmget(0x51ff0001, 4096, IPC_CREAT | 0600);
    a = id < 0 ? NULL : shmat(id, NULL, 0);
    ok = a && a != (void *)-1 && line_of(a, line, sizeof line) && parse(line, &f);
    T_TRUE("System V shared memory: /SYSV51ff0001 (deleted)", ok && !strcmp(f.name, "/SYSV51ff0001 (deleted)"));
    if (ok)
        shmdt(a);
    if (id >= 0)
        shmctl(id, IPC_RMID, NULL);
}

static void test_self(void)
{
    char exe[300], line[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    struct fields f = { 0 };
    int ok = line_of((void *)test_self, line, sizeof line) && parse(line, &f);
    T_TRUE("the program's text is named as /proc/self/exe", ok && !strcmp(f.name, exe));
    T_TRUE("the program's text is r-xp", ok && !strcmp(f.perms, "r-xp"));
    ok = line_of(&f, line, sizeof line) && parse(line, &f);
    T_TRUE("the stack is [stack]", ok && !strcmp(f.name, "[stack]"));
}

int main(void)
{
    test_files();
    test_anon();
    test_self();
    tap_finish_dir();
    return tap_done();
}
