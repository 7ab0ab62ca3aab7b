/* kernel/tsc_cal.c — the TSC's rate against PIT channel 1, a 16-bit down-counter at 1,193,182 Hz that wraps
 * every 55 ms. The count between two reads is only known modulo the wrap, so a read that comes more than 55 ms
 * after the one before loses whole wraps, and the rate comes out several times too high: under TCG on a loaded
 * host a vCPU often waits that long for a host core, and the guest's clock then ran 2.5 to 12 times slow (a
 * minute's sleep took several; t_smp_stress at 4 vCPUs "stalled" about one run in ten). So a read further than
 * TSC_CAL_WRAP_SAFE from the one before starts the measure again from there, and each end of the span is a read
 * whose TSC is known closely (the span is stretched until the uncertainty of its ends is at most 0.1% of it). */
#include "tsc_cal.h"

u64 tsc_cal_measure(const struct tsc_cal_src *src, struct tsc_cal_sample start, u32 want, u64 max_reads)
{
    struct tsc_cal_sample first = start, prev = start;
    u64 elapsed = 0;
    for (u64 n = 0; n < max_reads; n++) {
        struct tsc_cal_sample s = src->read(src->ctx);
        if (s.tsc + s.slop - prev.tsc > TSC_CAL_WRAP_SAFE) { /* a wrap may have passed unseen: start from here */
            first = prev = s;
            elapsed = 0;
            continue;
        }
        elapsed += (u16)(prev.count - s.count); /* counting down, modulo 2^16 */
        prev = s;
        u64 span = (s.tsc + s.slop / 2) - (first.tsc + first.slop / 2); /* between the middles of the two reads */
        if (elapsed >= want && (first.slop + s.slop) * 500 <= span)
            return span * TSC_CAL_PIT_HZ / elapsed;
    }
    return 0;
}
