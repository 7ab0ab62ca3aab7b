/* test/unit/test_tsccal.c — the TSC's calibration against PIT channel 1 (kernel/tsc_cal.c) on a simulated clock:
 * a TSC at a known rate and a 16-bit PIT count down at 1,193,182 Hz, read as the kernel reads them (TSC, PIT,
 * TSC), with the reader away for a while at chosen moments, as a vCPU waiting for a host core is. The rate must
 * come out within 0.1% whatever the gaps: a gap longer than the count's 55 ms wrap made the old measure lose whole
 * wraps (the rate 2.5 to 12 times too high, the guest's clock that much slow: t_smp_stress's "stalls"). */
#include <stdarg.h>
#include <stdio.h>
#include "unit.h"
#include "../../kernel/tsc_cal.h"

struct sim {
    double hz;          /* the TSC's true rate */
    u64 ns;             /* now */
    int reads;
    int gap_at;         /* before this read (-1: none) ... */
    int gap_where;      /* 0 before the read, 1 between the first TSC read and the PIT, 2 between the PIT and the second */
    u64 gap_ns;
    u64 every_ns, every_gap_ns; /* and/or: away every_gap_ns after each every_ns of running (0: never) */
    u64 ran_ns;
};

static u64 sim_tsc(const struct sim *s) { return 1000 + (u64)((double)s->ns * s->hz / 1e9); }
static u16 sim_pit(const struct sim *s) { return (u16)(0x10000 - (u64)((double)s->ns * TSC_CAL_PIT_HZ / 1e9) % 0x10000); }

static void sim_run(struct sim *s, u64 ns, int where)
{
    s->ns += ns;
    s->ran_ns += ns;
    if (s->every_ns && s->ran_ns >= s->every_ns) {
        s->ns += s->every_gap_ns;
        s->ran_ns = 0;
    }
    if (s->reads == s->gap_at && s->gap_where == where)
        s->ns += s->gap_ns;
}

static struct tsc_cal_sample sim_read(void *ctx)
{
    struct sim *s = ctx;
    sim_run(s, 3000, 0); /* the loop around the read */
    u64 t0 = sim_tsc(s);
    sim_run(s, 2000, 1); /* the port writes and reads: exits to the emulator */
    u16 c = sim_pit(s);
    sim_run(s, 1000, 2);
    u64 t1 = sim_tsc(s);
    s->reads++;
    return (struct tsc_cal_sample){ .count = c, .tsc = t0, .slop = t1 - t0 };
}

static double measure(struct sim *s, u64 start_delay_ns)
{
    struct tsc_cal_sample start = { .count = sim_pit(s), .tsc = sim_tsc(s), .slop = 0 };
    s->ns += start_delay_ns; /* the boot between clock_init and the first clock read */
    const struct tsc_cal_src src = { .read = sim_read, .ctx = s };
    u64 hz = tsc_cal_measure(&src, start, TSC_CAL_PIT_HZ / 200, 10000000);
    return (double)hz / s->hz;
}

static int near(double r) { return r > 0.999 && r < 1.001; }

int main(void)
{
    const double rates[] = { 1.0e9, 2.1e9, 3.7e9 };
    for (int i = 0; i < 3; i++) {
        struct sim s = { .hz = rates[i], .gap_at = -1 };
        double r = measure(&s, 1000000);
        CHECK(near(r), "%.1f GHz, no gap: rate within 0.1%% (ratio %.4f)", rates[i] / 1e9, r);
    }
    const u64 gaps[] = { 30000000, 60000000, 130000000, 1000000000 };
    for (int g = 0; g < 4; g++)
        for (int where = 0; where < 3; where++)
            for (int at = 0; at < 400; at += 133) {
                struct sim s = { .hz = 2.1e9, .gap_at = at, .gap_where = where, .gap_ns = gaps[g] };
                double r = measure(&s, 1000000);
                CHECK(near(r), "2.1 GHz, away %llu ms before read %d (%s): ratio %.4f", (unsigned long long)gaps[g] / 1000000,
                      at, where == 0 ? "between reads" : where == 1 ? "before the PIT" : "after the PIT", r);
            }
    struct sim late = { .hz = 2.1e9, .gap_at = -1 };
    double r = measure(&late, 200000000);
    CHECK(near(r), "the first read 200 ms after the start (the count wrapped meanwhile): ratio %.4f", r);
    struct sim busy = { .hz = 2.1e9, .gap_at = -1, .every_ns = 12000000, .every_gap_ns = 70000000 };
    r = measure(&busy, 1000000);
    CHECK(near(r), "away 70 ms after every 12 ms of running (a loaded host): ratio %.4f", r);
    struct sim stuck = { .hz = 2.1e9, .gap_at = -1, .every_ns = 4000000, .every_gap_ns = 70000000 };
    r = measure(&stuck, 1000000);
    CHECK(r == 0, "never 5 ms without a gap: no rate (the caller's panic), not a wrong one (ratio %.4f)", r);
    return unit_done();
}
