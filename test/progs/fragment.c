/* test/progs/fragment.c — leaves the kernel only single free pages (run it in a small guest: `--mem 64M`):
 * touches memory until almost nothing is free, then gives back every other page. Then what a server does all
 * day must still work, as on Linux, whose kernel needs no physically contiguous memory for it: sendfile,
 * pipe, fork, open of a path and of a /proc file. Prints one line per check; exits 0 when all passed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096l
#define FILE_SIZE (256 * 1024)

static int failed;

static void check(const char *what, int ok)
{
    printf("%s %s%s%s\n", ok ? "ok" : "FAILED", what, ok ? "" : ": ", ok ? "" : strerror(errno));
    failed |= !ok;
}

static long free_pages(void)
{
    struct sysinfo si;
    sysinfo(&si);
    return (long)(si.freeram * si.mem_unit / PG);
}

int main(void)
{
    static char block[FILE_SIZE];
    memset(block, 'f', sizeof(block));
    int in = open("/tmp-in", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || write(in, block, sizeof(block)) != (ssize_t)sizeof(block)) {
        perror("making the input file");
        return 2;
    }
    size_t span = 1ul << 30;
    char *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    long n = 0;
    while ((size_t)(n + 1) * PG < span && free_pages() > 8)
        m[n++ * PG] = 1;
    for (long i = 0; i < n; i += 2)
        madvise(m + i * PG, PG, MADV_DONTNEED); /* every other page back: free memory is single pages */
    printf("touched %ld pages, gave back every other one; %ld pages free\n", n, free_pages());

    int out = open("/tmp-out", O_RDWR | O_CREAT | O_TRUNC, 0644);
    check("open of a new file", out >= 0);
    off_t off = 0;
    check("sendfile of 256 KiB", sendfile(out, in, &off, FILE_SIZE) == FILE_SIZE);
    int p[2] = { -1, -1 };
    check("pipe", pipe(p) == 0);
    check("a write to the pipe", write(p[1], block, 60000) == 60000);
    int fd = open("/proc/meminfo", O_RDONLY);
    char buf[256];
    check("open and read /proc/meminfo", fd >= 0 && read(fd, buf, sizeof(buf)) > 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    int st = 0;
    check("fork, and the child's exit status", pid > 0 && waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 7);
    return failed;
}
