/* kernel/clock.c — time. The monotonic clock is the TSC since boot; its frequency comes from CPUID leaf 0x15
 * when the CPU reports it, otherwise from a measurement against the PIT that starts at clock_init and ends at
 * the first clock read (at least 5 ms later), so that the boot and programs which never ask the time never
 * wait for it, and those that do rarely. Wall time is the CMOS RTC read at boot plus the
 * monotonic clock, until clock_settime/settimeofday/adjtimex set it (realtime_base_ns moves; the monotonic
 * clock never does). The RTC counts whole seconds, and QEMU's starts its seconds at its own start, so it lags
 * the host by up to a second: `walltime=S.N` (the host's clock just before tools/skiff started QEMU) is a
 * closer lower bound, and the later of the two is taken. */
#include "boot.h"
#include "proc.h"
#include "../arch/x86_64/arch.h"

static u64 tsc_hz;
static u64 ns_mult;        /* ns = ticks * ns_mult >> 32: no 128-bit division on the read path */
static u64 rtc_boot_sec;   /* wall clock seconds at boot_tsc */
static u64 realtime_base_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC: the RTC's boot time until someone sets the
                              * clock; written only by a syscall, under the kernel lock (SMP) */

static u8 cmos_read(u8 reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static u64 days_from_civil(u64 y, unsigned m, unsigned d)
{
    /* Days since 1970-01-01 of a proleptic Gregorian date: count from March so leap days fall last. */
    y -= m <= 2;
    u64 era = y / 400, yoe = y - era * 400;
    u64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    u64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static unsigned bcd(u8 v, bool binary) { return binary ? v : (v >> 4) * 10 + (v & 15); }

static u64 rtc_read_epoch(void)
{
    u8 r[6], again[6];
    const u8 regs[6] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09 };
    do {
        for (int spin = 0; spin < 100000 && (cmos_read(0x0a) & 0x80); spin++)
            ; /* an update is in progress: wait for it */
        for (int i = 0; i < 6; i++)
            r[i] = cmos_read(regs[i]);
        for (int i = 0; i < 6; i++)
            again[i] = cmos_read(regs[i]);
    } while (memcmp(r, again, 6) != 0);
    u8 status_b = cmos_read(0x0b);
    bool binary = status_b & 0x04, h24 = status_b & 0x02;
    unsigned hour = bcd(r[2] & 0x7f, binary);
    if (!h24 && (r[2] & 0x80))
        hour = (hour % 12) + 12;
    u64 year = 2000 + bcd(r[5], binary);
    u64 days = days_from_civil(year, bcd(r[4], binary), bcd(r[3], binary));
    return days * 86400 + hour * 3600 + bcd(r[1], binary) * 60 + bcd(r[0], binary);
}

static void calibrate_start(void);

/* `walltime=S.N` from the command line in ns since the epoch, or 0 when absent or malformed. */
static u64 walltime_arg_ns(void)
{
    const char *s = boot_arg("walltime");
    if (!s)
        return 0;
    u64 sec = 0, ns = 0;
    unsigned digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++)
        sec = sec * 10 + (u64)(*s - '0');
    if (!digits || digits > 12)
        return 0;
    if (*s == '.') {
        unsigned places = 0;
        for (s++; *s >= '0' && *s <= '9'; s++)
            if (places < 9) {
                ns = ns * 10 + (u64)(*s - '0');
                places++;
            }
        for (; places < 9; places++)
            ns *= 10;
    }
    return *s ? 0 : sec * 1000000000ull + ns;
}

void clock_init(void)
{
    rtc_boot_sec = rtc_read_epoch();
    realtime_base_ns = rtc_boot_sec * 1000000000ull;
    u64 host = walltime_arg_ns(); /* earlier than now, as the RTC's second is: the later bound wins */
    if (host > realtime_base_ns)
        realtime_base_ns = host;
    u32 a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    if (a >= 0x15) {
        cpuid(0x15, 0, &a, &b, &c, &d);
        if (a && b && c)
            tsc_hz = (u64)c * b / a;
    }
    if (!tsc_hz)
        calibrate_start();
}

/* PIT channel 1's count, latched so that its two bytes belong together. */
static u16 pit1_count(void)
{
    outb(0x43, 0x40);                         /* latch channel 1 */
    u8 lo = inb(0x41);
    return (u16)(lo | inb(0x41) << 8);
}

/* The calibration's start: PIT channel 1's count and the TSC read together (cal_t0 0: not started). */
static u16 cal_c0;
static u64 cal_t0;

/* Starts PIT channel 1 counting down from 65536 over and over (mode 2) and notes where it and the TSC are.
 * Channel 1 because its gate is always on: channel 2's gate and output sit behind port 0x61, which QEMU's
 * microvm machine does not have, and channel 0 is the kernel's timer. */
static void calibrate_start(void)
{
    outb(0x43, 0x74);                         /* channel 1, lobyte/hibyte, mode 2 (rate generator) */
    outb(0x41, 0);
    outb(0x41, 0);                            /* 0: 65536, so that counts subtract modulo 2^16 */
    cal_c0 = pit1_count();
    cal_t0 = rdtsc();
}

/* Counts TSC ticks over at least 5 ms of PIT channel 1, read back. The span starts at clock_init, so the
 * boot's own time counts and the first clock read rarely waits. The count wraps every 55 ms, which only
 * reads at least that often can tell: when the TSC says that much may have passed (it ticks at 1 GHz or
 * more on any x86-64 this runs on), the count starts afresh here. */
static void calibrate(void)
{
    const u32 pit_hz = 1193182, want = pit_hz / 200; /* 5 ms */
    const u64 wrap_safe_ticks = 45000000;            /* 45 ms at 1 GHz: less than one wrap at any faster TSC */
    if (!cal_t0 || rdtsc() - cal_t0 > wrap_safe_ticks)
        calibrate_start();
    u16 prev = cal_c0;
    u64 t0 = cal_t0;
    u32 elapsed = 0;
    for (u64 spin = 0; elapsed < want && spin < 100000000; spin++) {
        u16 now = pit1_count();
        elapsed += (u16)(prev - now);         /* counting down, reloading at the bottom */
        prev = now;
    }
    u64 t1 = rdtsc();
    if (elapsed < want)
        panic("TSC calibration: the PIT is not counting");
    tsc_hz = (t1 - t0) * pit_hz / elapsed;
    klog("skiff: TSC %lu kHz\n", tsc_hz / 1000);
}

/* The clock can be read without calibrating the TSC first (the kernel log's timestamps must not force it). */
bool clock_ready(void)
{
    return ns_mult != 0;
}

/* vdso_init comes after the clock was calibrated (smp_init's delays need it): hand it the clock now. */
void clock_vdso_sync(void)
{
    if (ns_mult)
        vdso_clock_ready(boot.boot_tsc, ns_mult, realtime_base_ns);
}

u64 clock_tsc_to_ns(u64 ticks)
{
    if (!ns_mult) {
        if (!tsc_hz)
            calibrate();
        ns_mult = (1000000000ull << 32) / tsc_hz;
        vdso_clock_ready(boot.boot_tsc, ns_mult, realtime_base_ns);
    }
    return (u64)(((unsigned __int128)ticks * ns_mult) >> 32);
}

u64 clock_monotonic_ns(void)
{
    return clock_tsc_to_ns(rdtsc() - boot.boot_tsc);
}

/* Whether the monotonic clock is certainly still below ns, answered without calibrating the TSC when it is not
 * yet: against the slowest TSC an x86-64 CPU has (500 MHz), fewer ticks than that many nanoseconds take mean
 * less time. The scheduler asks it at every run-queue change (the load average's 5-second samples), which must
 * not cost the boot, nor a program that never reads a clock, the 5 ms calibration. */
bool clock_surely_before_ns(u64 ns)
{
    if (ns_mult)
        return clock_monotonic_ns() < ns;
    return (rdtsc() - boot.boot_tsc) < ns / 2; /* ticks at 500 MHz: ns / 2 */
}

/* Before the program runs (while the initrd is unpacked) file times need no precision: the boot second will
 * do, and the TSC calibration is left for later, keeping it off the boot path. */
u64 clock_realtime_coarse_ns(void)
{
    if (!ns_mult && !boot.user_entry_tsc)
        return realtime_base_ns;
    return clock_realtime_ns();
}

u64 clock_realtime_ns(void)
{
    return realtime_base_ns + clock_monotonic_ns();
}

/* settimeofday's timezone, which gettimeofday (the syscall and the vDSO's) gives back: UTC until it is set. */
static struct { int minuteswest, dsttime; } sys_tz;

void clock_get_tz(int *minuteswest, int *dsttime)
{
    *minuteswest = sys_tz.minuteswest;
    *dsttime = sys_tz.dsttime;
}

void clock_set_tz(int minuteswest, int dsttime)
{
    sys_tz.minuteswest = minuteswest;
    sys_tz.dsttime = dsttime;
    vdso_set_tz(minuteswest, dsttime);
}

/* Sets CLOCK_REALTIME to ns (never below the monotonic clock: the caller checks, as Linux refuses it). The
 * vDSO's copy follows under its sequence count; wall-clock timers (kernel/ktimer.c) keep their absolute
 * expiry and so fire at the new time. */
void clock_realtime_set(u64 ns)
{
    u64 mono = clock_monotonic_ns();
    realtime_base_ns = ns > mono ? ns - mono : 0;
    vdso_clock_ready(boot.boot_tsc, ns_mult, realtime_base_ns);
}

/* Sleeping blocks the task (others run; alone, the CPU halts until the timer). Returns the time left when a
 * signal cut it short, else 0. */
u64 clock_sleep_ns(u64 ns)
{
    u64 end = clock_monotonic_ns() + ns;
    for (u64 now = clock_monotonic_ns(); now < end; now = clock_monotonic_ns()) {
        if (signal_pending())
            return end - now;
        sched_wait_signal(end - now);
    }
    return 0;
}

u64 rdtsc_now(void)
{
    return rdtsc();
}

u64 clock_tsc_hz(void)
{
    clock_tsc_to_ns(0); /* calibrates when needed */
    return tsc_hz;
}
