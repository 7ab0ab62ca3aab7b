/* kernel/tsc_cal.h — the TSC's rate measured against PIT channel 1 (kernel/clock.c): pure code over a sample
 * source, also built on the host for test/unit/test_tsccal.c, which feeds it a simulated clock with gaps. */
#ifndef SKIFF_TSC_CAL_H
#define SKIFF_TSC_CAL_H
#include "kernel.h"

#define TSC_CAL_PIT_HZ 1193182u
/* 45 ms at 1 GHz, the slowest TSC counted on: less than one wrap of the 16-bit count (55 ms), so two samples
 * closer than this in TSC ticks cannot hide a wrap between them. */
#define TSC_CAL_WRAP_SAFE 45000000ull

/* One reading: the PIT count, taken between the TSC reads tsc and tsc + slop. */
struct tsc_cal_sample {
    u16 count;
    u64 tsc, slop;
};

struct tsc_cal_src {
    struct tsc_cal_sample (*read)(void *ctx);
    void *ctx;
};

/* The TSC's rate in Hz from a start sample and further reads over at least want PIT ticks; 0 if the PIT did not
 * count within max_reads reads. */
u64 tsc_cal_measure(const struct tsc_cal_src *src, struct tsc_cal_sample start, u32 want, u64 max_reads);

#endif
