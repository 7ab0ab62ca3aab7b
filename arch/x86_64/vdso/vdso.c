/* arch/x86_64/vdso/vdso.c — skiff's vDSO: a tiny shared object the kernel maps into every process (its
 * address in the auxv's AT_SYSINFO_EHDR) so that glibc, musl and Go read the clocks without a syscall. It runs
 * in ring 3 and reads only the data page the kernel keeps beside it ([vvar], struct vdso_data). Clocks it
 * cannot compute (CPU-time clocks, unknown ids), and any clock before the kernel has calibrated the TSC, go
 * to the real syscall, so results are always the kernel's. Built with -fPIC and linked by vdso.lds; it may
 * have no relocations (it is never relocated) and no data of its own. */
#include "vdso_data.h"

typedef long long i64;
typedef unsigned long long u64;

struct timespec_v { i64 sec, nsec; };
struct timeval_v { i64 sec, usec; };
struct timezone_v { int minuteswest, dsttime; };

#define NSEC 1000000000ll

/* The ELF header is the image's first byte (the linker defines this symbol): the data page follows at a fixed
 * offset, wherever the kernel put the image. */
extern const char __ehdr_start[] __attribute__((visibility("hidden")));

static const volatile struct vdso_data *vdata(void)
{
    return (const volatile struct vdso_data *)(__ehdr_start + VDSO_VVAR_OFFSET);
}

static long sys2(long nr, long a, long b)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return ret;
}

static u64 rdtsc_v(void)
{
    unsigned lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

/* Monotonic and real-time nanoseconds from one consistent snapshot; 0 when the kernel must answer. */
static int read_ns(u64 *mono, u64 *real)
{
    const volatile struct vdso_data *d = vdata();
    unsigned seq;
    do {
        seq = d->seq;
        __asm__ volatile("" ::: "memory");
        if (!d->ready)
            return 0;
        u64 ticks = rdtsc_v() - d->boot_tsc;
        *mono = (u64)(((unsigned __int128)ticks * d->ns_mult) >> 32);
        *real = d->realtime_base_ns + *mono;
        __asm__ volatile("" ::: "memory");
    } while ((seq & 1) || seq != d->seq);
    return 1;
}

int __vdso_clock_gettime(int clk, struct timespec_v *ts)
{
    u64 mono, real, ns;
    switch (clk) {
    case 0: case 5: case 11:          /* REALTIME, REALTIME_COARSE, TAI: as the kernel's clock_read */
    case 1: case 4: case 6: case 7:   /* MONOTONIC, MONOTONIC_RAW, MONOTONIC_COARSE, BOOTTIME */
        if (!read_ns(&mono, &real))
            break;
        ns = (clk == 0 || clk == 5 || clk == 11) ? real : mono;
        ts->sec = (i64)(ns / NSEC);
        ts->nsec = (i64)(ns % NSEC);
        return 0;
    }
    return (int)sys2(228 /* clock_gettime */, clk, (long)ts);
}

int __vdso_gettimeofday(struct timeval_v *tv, struct timezone_v *tz)
{
    u64 mono, real;
    if (!read_ns(&mono, &real))
        return (int)sys2(96 /* gettimeofday */, (long)tv, (long)tz);
    if (tv) {
        tv->sec = (i64)(real / NSEC);
        tv->usec = (i64)(real % NSEC) / 1000;
    }
    if (tz) { /* what settimeofday set (0, 0 until then): as the syscall */
        const volatile struct vdso_data *d = vdata();
        tz->minuteswest = d->tz_minuteswest;
        tz->dsttime = d->tz_dsttime;
    }
    return 0;
}

long __vdso_time(long *t)
{
    u64 mono, real;
    if (!read_ns(&mono, &real))
        return sys2(201 /* time */, (long)t, 0);
    long s = (long)(real / NSEC);
    if (t)
        *t = s;
    return s;
}

long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
    (void)unused;
    if (vdata()->ncpus > 1) /* which one it runs on: only the kernel knows */
        return sys2(309 /* getcpu */, (long)cpu, (long)node);
    if (cpu)
        *cpu = 0; /* one CPU */
    if (node)
        *node = 0;
    return 0;
}

int clock_gettime(int, struct timespec_v *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct timeval_v *, struct timezone_v *) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
