/* kernel/clock.c — time. The monotonic clock is the TSC since boot; its frequency comes from CPUID leaf 0x15
 * when the CPU reports it, otherwise from a 5 ms measurement against the PIT, done on the first clock read so
 * that programs which never ask the time never pay for it. Wall time is the CMOS RTC read at boot plus the
 * monotonic clock. */
#include "boot.h"
#include "proc.h"
#include "../arch/x86_64/arch.h"

static u64 tsc_hz;
static u64 ns_mult;        /* ns = ticks * ns_mult >> 32: no 128-bit division on the read path */
static u64 rtc_boot_sec;   /* wall clock seconds at boot_tsc */

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

void clock_init(void)
{
    rtc_boot_sec = rtc_read_epoch();
    u32 a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    if (a >= 0x15) {
        cpuid(0x15, 0, &a, &b, &c, &d);
        if (a && b && c)
            tsc_hz = (u64)c * b / a;
    }
}

/* PIT channel 1's count, latched so that its two bytes belong together. */
static u16 pit1_count(void)
{
    outb(0x43, 0x40);                         /* latch channel 1 */
    u8 lo = inb(0x41);
    return (u16)(lo | inb(0x41) << 8);
}

/* Counts TSC ticks over 5 ms of PIT channel 1, read back. Channel 1 because its gate is always on: channel
 * 2's gate and output sit behind port 0x61, which QEMU's microvm machine does not have, and channel 0 is
 * the kernel's timer. */
static void calibrate(void)
{
    const u32 pit_hz = 1193182, want = pit_hz / 200; /* 5 ms */
    outb(0x43, 0x74);                         /* channel 1, lobyte/hibyte, mode 2 (rate generator) */
    outb(0x41, 0xff);
    outb(0x41, 0xff);
    u16 prev = pit1_count();
    u64 t0 = rdtsc();
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

u64 clock_tsc_to_ns(u64 ticks)
{
    if (!ns_mult) {
        if (!tsc_hz)
            calibrate();
        ns_mult = (1000000000ull << 32) / tsc_hz;
        vdso_clock_ready(boot.boot_tsc, ns_mult, rtc_boot_sec * 1000000000ull);
    }
    return (u64)(((unsigned __int128)ticks * ns_mult) >> 32);
}

u64 clock_monotonic_ns(void)
{
    return clock_tsc_to_ns(rdtsc() - boot.boot_tsc);
}

/* Before the program runs (while the initrd is unpacked) file times need no precision: the boot second will
 * do, and the TSC calibration is left for later, keeping it off the boot path. */
u64 clock_realtime_coarse_ns(void)
{
    if (!ns_mult && !boot.user_entry_tsc)
        return rtc_boot_sec * 1000000000ull;
    return clock_realtime_ns();
}

u64 clock_realtime_ns(void)
{
    return rtc_boot_sec * 1000000000ull + clock_monotonic_ns();
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
