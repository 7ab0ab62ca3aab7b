/* test/progs/vdso.c — the clocks through the vDSO agree with the real syscalls. Reads CLOCK_MONOTONIC,
 * CLOCK_REALTIME, gettimeofday and time through libc (the vDSO when the kernel maps one) interleaved with raw
 * syscalls, and checks their order and agreement. Prints "vdso: yes|no" (AT_SYSINFO_EHDR), one line per failed
 * check, and "N failed"; exits with the number of failures. The guest test counts the clock syscalls in
 * --strace output: with a vDSO, libc's calls make none (beyond the first, which calibrates the TSC). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int failed;

static long long ns(struct timespec t) { return t.tv_sec * 1000000000ll + t.tv_nsec; }

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("not ok %s\n", what);
        failed++;
    }
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    printf("vdso: %s\n", getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");
    struct timespec a, s, b, r, rs;
    clock_gettime(CLOCK_MONOTONIC, &a); /* the first read may calibrate the clock: not counted */
    for (int i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &a);
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &s);
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (!(ns(a) <= ns(s) && ns(s) <= ns(b))) {
            check(0, "CLOCK_MONOTONIC: libc, syscall, libc in order");
            break;
        }
    }
    clock_gettime(CLOCK_REALTIME, &r);
    syscall(SYS_clock_gettime, CLOCK_REALTIME, &rs);
    check(ns(rs) - ns(r) >= 0 && ns(rs) - ns(r) < 100000000, "CLOCK_REALTIME: libc and syscall within 100 ms");
    struct timeval tv;
    check(gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= r.tv_sec && tv.tv_sec - r.tv_sec <= 1,
          "gettimeofday agrees with CLOCK_REALTIME");
    time_t t = time(NULL);
    check(t >= r.tv_sec && t - r.tv_sec <= 1, "time agrees with CLOCK_REALTIME");
    check(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a) == 0, "CLOCK_PROCESS_CPUTIME_ID (the syscall's)");
    check(clock_gettime(12345, &a) == -1, "an unknown clock fails");
    printf("%d failed\n", failed);
    return failed;
}
