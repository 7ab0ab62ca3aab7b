/* test/progs/inplace.c — what the boot shares must stay private (issue 13). The kernel gives the initrd's
 * page-aligned pages of a file's data to the file itself instead of copying them (fs/cpio.c), and maps a
 * program's segments from its file's pages copy-on-write (loader/exec.c). Checks, one "not ok" line per
 * failure, then "N failed" (exit status N):
 *   inplace gen DIR      (on the host) writes DIR/a and DIR/b, 5 pages + 123 bytes each, a pattern per file;
 *   inplace check DIR    (in the guest, DIR packed with --add) reads both back whole and through mappings
 *                        (zeros past the end of the file in its last page, not the archive's next bytes),
 *                        writes to a private mapping of a (neither a nor b change, for this process, a
 *                        child or a re-exec), writes to a with write(2) (b does not change), grows both (the
 *                        new bytes are zeros, not what followed in the archive), writes to its own ELF
 *                        header through a private mapping and re-execs itself: the new image and the file
 *                        still hold the original bytes;
 *   inplace clock        (in the guest, first thing) the boot did not calibrate the TSC: the kernel log has no
 *                        "TSC" line until the program reads a clock (kernel/clock.c, kernel/cputime.c), not even
 *                        after a read of /sys, whose tree is built at that first lookup (fs/sysfs.c), or a
 *                        listing of /proc, whose fixed files are made then (fs/procfs.c procfs_fill_fixed). */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PG 4096
#define FILE_SIZE (5 * PG + 123)

static int failed;

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("not ok: %s\n", what);
        failed++;
    }
}

static unsigned char pattern(char file, long i) { return (unsigned char)(i * 7 + (i >> 12) * 31 + file); }

static char *path_of(const char *dir, char file)
{
    static char p[2][512];
    char *s = p[file == 'b'];
    snprintf(s, sizeof(p[0]), "%s/%c", dir, file);
    return s;
}

/* The whole file, read with read(2): size and bytes as written by gen (or changed at offset `at`). */
static int file_is(const char *path, char file, long at, unsigned char changed)
{
    static unsigned char buf[FILE_SIZE + 1];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    if (n != FILE_SIZE)
        return 0;
    for (long i = 0; i < FILE_SIZE; i++)
        if (buf[i] != (i == at ? changed : pattern(file, i)))
            return 0;
    return 1;
}

static int gen(const char *dir)
{
    for (char f = 'a'; f <= 'b'; f++) {
        static unsigned char buf[FILE_SIZE];
        for (long i = 0; i < FILE_SIZE; i++)
            buf[i] = pattern(f, i);
        int fd = open(path_of(dir, f), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write(fd, buf, FILE_SIZE) != FILE_SIZE || close(fd))
            return perror(path_of(dir, f)), 1;
    }
    return 0;
}

/* The first PT_LOAD of this (static, ET_EXEC) program: it starts with the ELF header. */
static unsigned char *elf_header_in_memory(void)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    long n = (long)getauxval(AT_PHNUM);
    for (long i = 0; i < n; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
            return (unsigned char *)ph[i].p_vaddr;
    return NULL;
}

static int reexec_check(int before)
{
    failed = before; /* the checks of the image that exec replaced */
    unsigned char *h = elf_header_in_memory(), file[4] = { 0 };
    int fd = open("/proc/self/exe", O_RDONLY);
    check(fd >= 0 && read(fd, file, 4) == 4, "re-exec: read its own file");
    close(fd);
    check(h && !memcmp(h, ELFMAG, 4), "re-exec: the new image has the original ELF header, not the old image's write");
    check(!memcmp(file, ELFMAG, 4), "re-exec: the program's file still has its original ELF header");
    printf("%d failed\n", failed);
    return failed;
}

/* The first looks into /sys and /proc, which build their trees (fs/sysfs.c, fs/procfs.c): they must work and
 * read no clock. */
static void first_looks(void)
{
    char online[16] = "";
    int fd = open("/sys/devices/system/cpu/online", O_RDONLY); /* the first look into /sys builds it */
    check(fd >= 0 && read(fd, online, sizeof(online) - 1) > 0 && online[0] == '0', "read /sys/devices/system/cpu/online");
    if (fd >= 0)
        close(fd);
    DIR *proc = opendir("/proc");
    int listed = 0;
    for (struct dirent *e; proc && (e = readdir(proc));)
        listed |= (strcmp(e->d_name, "meminfo") ? 0 : 1) | (strcmp(e->d_name, "self") ? 0 : 2);
    check(listed == 3, "/proc lists meminfo and self");
    if (proc)
        closedir(proc);
}

/* The kernel says how much of the initrd it used in place: the two files' whole pages at least (else the
 * checks below would test copies only). */
static void used_in_place(void)
{
    static char log[1 << 16];
    first_looks();
    int n = klogctl(3, log, sizeof(log) - 1);
    log[n > 0 ? n : 0] = 0;
    const char *s = strstr(log, "KiB unpacked, ");
    long kib = s ? atol(s + strlen("KiB unpacked, ")) : -1;
    printf("initrd used in place: %ld KiB\n", kib);
    check(kib >= 40, "the kernel used a's and b's whole pages in place");
}

static void private_writes(const char *dir)
{
    int fd = open(path_of(dir, 'a'), O_RDONLY);
    unsigned char *m = fd < 0 ? MAP_FAILED : mmap(NULL, 6 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    check(m != MAP_FAILED, "mmap a MAP_PRIVATE");
    if (m == MAP_FAILED)
        return;
    int tail_zero = 1, same = 1;
    for (long i = 0; i < FILE_SIZE; i++)
        same &= m[i] == pattern('a', i);
    for (long i = FILE_SIZE; i < 6 * PG; i++)
        tail_zero &= m[i] == 0;
    check(same, "a's mapping shows its bytes");
    check(tail_zero, "a's last page reads zeros past the end of the file");
    for (long p = 0; p < 6; p++)
        m[p * PG + 1] = 0xee; /* every page, the initrd's own included */
    check(file_is(path_of(dir, 'a'), 'a', -1, 0), "a private write leaves the file as it was");
    check(file_is(path_of(dir, 'b'), 'b', -1, 0), "a private write to a leaves b as it was");
    pid_t c = fork();
    if (c == 0) {
        unsigned char *cm = mmap(NULL, FILE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
        int ok = cm != MAP_FAILED && cm[1] == pattern('a', 1) && cm[PG + 1] == pattern('a', PG + 1) &&
                 m[1] == 0xee && file_is(path_of(dir, 'a'), 'a', -1, 0);
        _exit(ok ? 0 : 1);
    }
    int st = -1;
    waitpid(c, &st, 0);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child maps a and sees the file's bytes (and its copy of ours)");
    munmap(m, 6 * PG);
    close(fd);
}

static void shared_writes(const char *dir)
{
    int fd = open(path_of(dir, 'a'), O_RDWR);
    unsigned char x = 0x5a;
    check(fd >= 0 && pwrite(fd, &x, 1, 2 * PG + 5) == 1, "write(2) to a");
    close(fd);
    check(file_is(path_of(dir, 'a'), 'a', 2 * PG + 5, 0x5a), "a has the byte written");
    check(file_is(path_of(dir, 'b'), 'b', -1, 0), "a write to a leaves b as it was");
    pid_t c = fork();
    if (c == 0)
        _exit(file_is(path_of(dir, 'a'), 'a', 2 * PG + 5, 0x5a) ? 0 : 1);
    int st = -1;
    waitpid(c, &st, 0);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child reads the written byte from a");
}

/* Growing a file: the bytes past its old end read as zeros (its last page holds only its own bytes, never
 * what followed them in the archive: for a, the next entry's header). */
static void extend(const char *dir, char f)
{
    int fd = open(path_of(dir, f), O_RDWR);
    unsigned char buf[200], one = 1;
    check(fd >= 0 && ftruncate(fd, FILE_SIZE + 100) == 0, "ftruncate longer");
    int zero = fd >= 0 && pread(fd, buf, sizeof(buf), FILE_SIZE) == 100;
    for (int i = 0; zero && i < 100; i++)
        zero &= buf[i] == 0;
    check(zero, "the new bytes read as zeros");
    check(fd >= 0 && pwrite(fd, &one, 1, FILE_SIZE + 300) == 1 && pread(fd, buf, 200, FILE_SIZE + 100) == 200,
          "write past the end");
    zero = 1;
    for (int i = 0; i < 200; i++)
        zero &= buf[i] == 0;
    check(zero, "the hole before it reads as zeros");
    close(fd);
}

/* Writes over its own ELF header through its (private) mapping, then runs its file again. */
static int self_write_reexec(void)
{
    unsigned char *h = elf_header_in_memory();
    check(h != NULL, "find the ELF header's mapping");
    if (!h)
        return 1;
    if (mprotect(h, PG, PROT_READ | PROT_WRITE)) {
        check(0, "mprotect the ELF header's page writable");
        return 1;
    }
    h[0] = 'X';
    char n[16];
    snprintf(n, sizeof(n), "%d", failed);
    fflush(stdout);
    execl("/proc/self/exe", "inplace", "reexec", n, (char *)NULL);
    check(0, "exec /proc/self/exe");
    return 1;
}

static int clock_check(void)
{
    static char log[1 << 16];
    first_looks();
    int n = klogctl(3, log, sizeof(log) - 1); /* SYSLOG_ACTION_READ_ALL: reads no clock */
    log[n > 0 ? n : 0] = 0;
    check(n > 0 && strstr(log, "skiff: memory"), "read the kernel log");
    check(!strstr(log, "skiff: TSC"), "nothing calibrated the TSC before the program read a clock");
    struct timespec ts; /* (CPUID leaf 0x15 may give the frequency: then no calibration is logged at all) */
    check(clock_gettime(CLOCK_MONOTONIC, &ts) == 0 && ts.tv_sec + ts.tv_nsec > 0, "read the clock");
    printf("%d failed\n", failed);
    return failed;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "gen"))
        return gen(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "reexec"))
        return reexec_check(atoi(argv[2]));
    if (argc == 2 && !strcmp(argv[1], "clock"))
        return clock_check();
    if (argc != 3 || strcmp(argv[1], "check")) {
        fprintf(stderr, "usage: inplace gen|check DIR | clock\n");
        return 2;
    }
    used_in_place();
    check(file_is(path_of(argv[2], 'a'), 'a', -1, 0), "a reads back as packed");
    check(file_is(path_of(argv[2], 'b'), 'b', -1, 0), "b reads back as packed");
    private_writes(argv[2]);
    shared_writes(argv[2]);
    extend(argv[2], 'a');
    extend(argv[2], 'b');
    return self_write_reexec();
}
