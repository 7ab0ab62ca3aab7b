/* test/progs/cow.c — fork shares private memory copy-on-write: each side sees only its own writes, and a fork
 * of a large touched buffer costs far less free memory than the buffer (read from /proc/meminfo's MemFree).
 * Prints one line per check ("ok ..." / "not ok ...") and exits with the number of failed checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUF (32u << 20)
#define PG 4096u

static int failed;

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok" : "not ok", what);
    failed += !ok;
}

static long mem_free_kib(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemFree: %ld kB", &v) == 1)
            break;
    if (f)
        fclose(f);
    return v;
}

static int pattern_ok(const unsigned char *p, unsigned char base)
{
    for (unsigned off = 0; off < BUF; off += PG)
        if (p[off] != (unsigned char)(base + off / PG))
            return 0;
    return 1;
}

/* Runs fn in a child and returns its exit status (255 when it did not exit normally). */
static int in_child(int (*fn)(unsigned char *), unsigned char *p)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn(p));
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return 255;
    return WEXITSTATUS(st);
}

static int child_writes(unsigned char *p)
{
    if (!pattern_ok(p, 1))
        return 1; /* the child must start with the parent's bytes */
    for (unsigned off = 0; off < BUF; off += PG)
        p[off] = (unsigned char)(7 + off / PG);
    return pattern_ok(p, 7) ? 0 : 2;
}

static int child_reads_ro(unsigned char *p)
{
    /* a read-only page that becomes writable after the fork: the write must still copy */
    if (mprotect(p, PG, PROT_READ | PROT_WRITE))
        return 3;
    p[0] = 99;
    return p[0] == 99 ? 0 : 4;
}

static long child_free_delta;
static int child_measures(unsigned char *p)
{
    (void)p;
    long now = mem_free_kib();
    return now >= 0 && child_free_delta - now < (long)(BUF / 2048) ? 0 : 5; /* lost less than half of BUF */
}

int main(void)
{
    unsigned char *p = mmap(NULL, BUF, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 100;
    for (unsigned off = 0; off < BUF; off += PG)
        p[off] = (unsigned char)(1 + off / PG);

    check(in_child(child_writes, p) == 0, "the child starts with the parent's bytes and writes its own");
    check(pattern_ok(p, 1), "the parent still sees its own bytes after the child wrote");
    for (unsigned off = 0; off < BUF; off += PG)
        p[off] = (unsigned char)(3 + off / PG);
    check(pattern_ok(p, 3), "the parent writes its pages once the child is gone");

    child_free_delta = mem_free_kib();
    check(in_child(child_measures, p) == 0, "a fork of a 32 MiB touched buffer costs less than 16 MiB");

    unsigned char *ro = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ro[0] = 42;
    mprotect(ro, PG, PROT_READ);
    check(in_child(child_reads_ro, ro) == 0, "mprotect to writable after fork, then a write, in the child");
    check(ro[0] == 42, "the parent's read-only page is unchanged");

    pid_t pid = fork();
    if (pid == 0) {
        p[0] = 200; /* the parent must never see this */
        _exit(0);
    }
    p[0] = 201; /* and the child must not see this: both write the same page at once */
    waitpid(pid, NULL, 0);
    check(p[0] == 201, "parent and child writing the same page keep their own values");

    printf("%d failed\n", failed);
    return failed;
}
