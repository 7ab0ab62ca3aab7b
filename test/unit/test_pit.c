/* test/unit/test_pit.c — the kernel's PIT port writes (arch/x86_64/pit.c) replayed through a model of channel 0
 * as an emulator may implement it: a control word sets the mode at once, the count in effect stays the old one
 * until both bytes of the new one are written, and the emulator may act between any two writes (each is its own
 * exit). The property: after every single write, a periodic mode (2 or 3) never runs with a count so small that
 * the emulator's timer fires faster than it can serve (QEMU 7.2 spun forever on mode 2 with a count of 2, and the
 * VM hung). Every transition the kernel makes is tried from every state it can be in. */
#include <stdarg.h>
#include <stdio.h>
#include "unit.h"
#include "../../arch/x86_64/pit.h"

#define MIN_PERIOD 1000 /* ticks: ~0.84 ms; the kernel's own tick is 1,193 */

struct pit_model {
    int mode;
    unsigned count;   /* in effect (0 means 65,536) */
    int next_byte;    /* 0: low byte next, 1: high byte next */
    unsigned pending; /* the low byte written so far */
};

/* Returns 0 if the state after w is safe, -1 if a periodic mode runs with a small count. */
static int model_write(struct pit_model *m, struct pit_write w)
{
    if (w.port == PIT_CTRL && (w.val >> 6) == 0) {
        m->mode = (w.val >> 1) & 7;
        m->next_byte = 0;
    } else if (w.port == PIT_CH0 && !m->next_byte) {
        m->pending = w.val;
        m->next_byte = 1;
    } else if (w.port == PIT_CH0) {
        m->count = m->pending | (unsigned)w.val << 8;
        m->next_byte = 0;
    }
    unsigned eff = m->count ? m->count : 65536;
    bool periodic = (m->mode & 3) == 2 || (m->mode & 3) == 3;
    return periodic && eff < MIN_PERIOD ? -1 : 0;
}

static int replay(struct pit_model *m, const struct pit_write *w, int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++)
        bad |= model_write(m, w[i]);
    return bad;
}

enum { ONESHOT_MIN, ONESHOT_1MS, ONESHOT_MAX, PERIODIC, NSTATES };
static const char *const names[NSTATES] = { "a 2-tick one-shot", "a 1 ms one-shot", "a 55 ms one-shot",
                                            "the 1 kHz tick" };

static int program(int what, struct pit_write *w)
{
    switch (what) {
    case ONESHOT_MIN: return pit_seq_oneshot(2, w);
    case ONESHOT_1MS: return pit_seq_oneshot(PIT_HZ / 1000, w);
    case ONESHOT_MAX: return pit_seq_oneshot(0xffff, w);
    default: return pit_seq_periodic(PIT_HZ / 1000, w);
    }
}

int main(void)
{
    struct pit_write w[PIT_SEQ_MAX];
    for (int from = 0; from < NSTATES; from++) {
        for (int to = 0; to < NSTATES; to++) {
            struct pit_model m = { 0 }; /* power-on: mode 0, count 65,536 */
            replay(&m, w, program(from, w));
            int n = program(to, w);
            int bad = replay(&m, w, n);
            unsigned want_mode = to == PERIODIC ? 2 : 0;
            CHECK(!bad && n <= PIT_SEQ_MAX && m.mode == (int)want_mode && m.next_byte == 0,
                  "from %s to %s: no periodic mode with a count under %d ticks after any write, mode %u at the end",
                  names[from], names[to], MIN_PERIOD, want_mode);
        }
    }
    struct pit_model m = { 0 };
    replay(&m, w, pit_seq_oneshot(1234, w));
    CHECK(m.count == 1234 && m.mode == 0, "a one-shot loads its count, low byte first");
    replay(&m, w, pit_seq_periodic(PIT_HZ / 1000, w));
    CHECK(m.count == PIT_HZ / 1000 && m.mode == 2, "the tick loads 1,193 ticks in mode 2");
    return unit_done();
}
