/* bench/src/filebench.c — file costs on a given file, the same static binary in both guests (issue 10's rows:
 * a file on a 9P volume, skiff's `-v DIR:/vol` and Linux's `mount -t 9p`).
 *
 *   filebench FILE [SCALE [REPS]]   (defaults 1 and 5)
 *
 * Like sysbench: each test runs REPS loops after a warm-up loop; a line "file NAME NS" gives the median loop's
 * ns per call, timed with clock_gettime(CLOCK_MONOTONIC) around the whole loop. Iteration counts are the base
 * counts below times SCALE (at least 1).
 *   pread_4k    pread(2) of 4 KiB at offset 0 of FILE (opened once, O_RDONLY)
 *   open_close  openat(AT_FDCWD, FILE, O_RDONLY) + close
 * Every call is checked (a short read or a failed open ends the run with status 1), so a figure is never the
 * cost of an error path. Ends with "filebench done". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *path;
static int fd_file;
static char buf[4096];

static long long now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static void t_pread(long n)
{
    for (long i = 0; i < n; i++)
        if (pread(fd_file, buf, sizeof buf, 0) != (ssize_t)sizeof buf)
            die("filebench: pread (the file must hold at least 4 KiB)");
}

static void t_open(long n)
{
    for (long i = 0; i < n; i++) {
        int fd = openat(AT_FDCWD, path, O_RDONLY);
        if (fd < 0)
            die("filebench: openat");
        if (close(fd) != 0)
            die("filebench: close");
    }
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
    printf("file %s %.1f\n", name, r[reps / 2]);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: filebench FILE [SCALE [REPS]]\n");
        return 2;
    }
    path = argv[1];
    double scale = argc > 2 ? atof(argv[2]) : 1;
    int reps = argc > 3 ? atoi(argv[3]) : 5;
    if (reps < 1 || reps > 64)
        reps = 5;
    fd_file = open(path, O_RDONLY);
    if (fd_file < 0)
        die("filebench: open");
    bench("pread_4k", t_pread, 2000, scale, reps);
    bench("open_close", t_open, 1000, scale, reps);
    printf("filebench done\n");
    return 0;
}
