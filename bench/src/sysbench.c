/* bench/src/sysbench.c — syscall costs, the same static binary in both guests.
 *
 *   sysbench [SCALE [REPS]]   (defaults 1 and 5)
 *
 * Each test runs REPS times; a line "sys NAME NS" gives the median ns per call (per iteration for the
 * compound ones). Iteration counts are the base counts below times SCALE (SCALE may be a fraction, e.g. 0.01 for
 * a smoke run). Timed with clock_gettime(CLOCK_MONOTONIC) around the whole loop.
 *   getppid         the null syscall (syscall(SYS_getppid), never cached by libc)
 *   write_null      write(2) of 1 byte to /dev/null
 *   pread_4k        pread(2) of 4 KiB at offset 0 from a 64 KiB file in the initrd's RAM file system
 *   open_close      openat(AT_FDCWD, that file, O_RDONLY) + close
 *   fstat           fstat(2) of that file
 *   clock_gettime   libc clock_gettime(CLOCK_MONOTONIC): the vDSO where the kernel offers one (AT_SYSINFO_EHDR)
 *   clock_gettime_sys  the same through syscall(SYS_clock_gettime)
 *   mmap_touch_munmap  mmap 64 KiB anonymous + write one byte per page + munmap
 *   page_fault      first write to a page of a fresh 4 MiB anonymous mapping (MADV_NOHUGEPAGE), per page
 *   shm_cycle       System V shared memory: shmget 64 KiB + shmat + write one byte per page + shmdt + IPC_RMID
 * A final line "sys vdso 0|1" says whether the kernel passed a vDSO. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FILE_PATH "/bench/data64k"
static int fd_null, fd_file;
static char buf[4096];
static volatile long sink;

static long long now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void t_getppid(long n) { for (long i = 0; i < n; i++) sink += syscall(SYS_getppid); }
static void t_write(long n) { for (long i = 0; i < n; i++) sink += write(fd_null, buf, 1); }
static void t_pread(long n) { for (long i = 0; i < n; i++) sink += pread(fd_file, buf, 4096, 0); }
static void t_open(long n)
{
    for (long i = 0; i < n; i++) {
        int fd = openat(AT_FDCWD, FILE_PATH, O_RDONLY);
        sink += close(fd);
    }
}
static void t_fstat(long n)
{
    struct stat st;
    for (long i = 0; i < n; i++)
        sink += fstat(fd_file, &st);
}
static void t_clock(long n)
{
    struct timespec ts;
    for (long i = 0; i < n; i++)
        sink += clock_gettime(CLOCK_MONOTONIC, &ts);
}
static void t_clock_sys(long n)
{
    struct timespec ts;
    for (long i = 0; i < n; i++)
        sink += syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
}
static void t_mmap(long n)
{
    for (long i = 0; i < n; i++) {
        char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            perror("mmap");
            exit(1);
        }
        for (int off = 0; off < 65536; off += 4096)
            p[off] = 1;
        munmap(p, 65536);
    }
}
static void t_shm(long n)
{
    for (long i = 0; i < n; i++) {
        int id = shmget(IPC_PRIVATE, 65536, IPC_CREAT | 0600);
        char *p = id < 0 ? (char *)-1 : shmat(id, NULL, 0);
        if (p == (char *)-1) {
            perror("shmget/shmat");
            exit(1);
        }
        for (int off = 0; off < 65536; off += 4096)
            p[off] = 1;
        shmdt(p);
        shmctl(id, IPC_RMID, NULL);
    }
}

#define FAULT_LEN (4L << 20)
/* n = pages; maps and unmaps outside the timed part */
static long long fault_once(long pages)
{
    long len = FAULT_LEN;
    if (pages * 4096 > len)
        len = pages * 4096;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    madvise(p, len, MADV_NOHUGEPAGE);
    long long t = now();
    for (long i = 0; i < pages; i++)
        p[i * 4096] = 1;
    t = now() - t;
    munmap(p, len);
    return t;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void bench(const char *name, void (*fn)(long), long base, double scale, int reps)
{
    long n = (long)(base * scale);
    if (n < 1)
        n = 1;
    double r[64];
    fn(n / 10 + 1); /* warm up */
    for (int k = 0; k < reps; k++) {
        long long t = now();
        fn(n);
        r[k] = (double)(now() - t) / n;
    }
    qsort(r, reps, sizeof r[0], cmp);
    printf("sys %s %.1f\n", name, r[reps / 2]);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (reps < 1 || reps > 64)
        reps = 5;
    fd_null = open("/dev/null", O_WRONLY);
    fd_file = open(FILE_PATH, O_RDONLY);
    if (fd_null < 0 || fd_file < 0) {
        perror("sysbench: open");
        return 1;
    }
    bench("getppid", t_getppid, 200000, scale, reps);
    bench("write_null", t_write, 100000, scale, reps);
    bench("pread_4k", t_pread, 50000, scale, reps);
    bench("open_close", t_open, 20000, scale, reps);
    bench("fstat", t_fstat, 100000, scale, reps);
    bench("clock_gettime", t_clock, 200000, scale, reps);
    bench("clock_gettime_sys", t_clock_sys, 200000, scale, reps);
    bench("mmap_touch_munmap", t_mmap, 1000, scale, reps);
    bench("shm_cycle", t_shm, 1000, scale, reps);
    {
        long pages = (long)(FAULT_LEN / 4096 * (scale < 1 ? scale : 1));
        if (pages < 1)
            pages = 1;
        double r[64];
        fault_once(pages); /* warm up */
        for (int k = 0; k < reps; k++)
            r[k] = (double)fault_once(pages) / pages;
        qsort(r, reps, sizeof r[0], cmp);
        printf("sys page_fault %.1f\n", r[reps / 2]);
    }
    printf("sys vdso %d\n", getauxval(AT_SYSINFO_EHDR) != 0);
    printf("sysbench done\n");
    return 0;
}
