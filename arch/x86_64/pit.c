/* arch/x86_64/pit.c — the order of the PIT's port writes. A control word changes the counter's mode at once but
 * keeps the old count until both bytes of the new one are written, and every outb is a separate exit to the
 * hypervisor, which may run its timers in between. Going from a one-shot of 2 ticks to the rate generator with
 * the control word first left a window in which QEMU's 8254 ran mode 2 with a count of 2: an interrupt every
 * 1.7 us, more than its main loop could ever catch up with, so it spun holding its big lock and the VM hung
 * (seen ~1 run in 60 of test/progs/p9sig.c under 1 ms SIGALRMs). So the rate generator is entered only after a
 * one-shot has loaded the largest count: in the window the chip counts 65,535 ticks. */
#include "pit.h"

static int put(struct pit_write *w, int n, u16 port, u8 val)
{
    w[n].port = port;
    w[n].val = val;
    return n + 1;
}

static int load(struct pit_write *w, int n, u8 ctrl, u16 count)
{
    n = put(w, n, PIT_CTRL, ctrl);
    n = put(w, n, PIT_CH0, count & 0xff);
    return put(w, n, PIT_CH0, count >> 8);
}

int pit_seq_oneshot(u16 count, struct pit_write *w)
{
    return load(w, 0, 0x30 /* channel 0, lobyte/hibyte, mode 0: interrupt on terminal count */, count);
}

int pit_seq_periodic(u16 count, struct pit_write *w)
{
    int n = load(w, 0, 0x30, 0xffff); /* whatever count was left, it is now the largest */
    return load(w, n, 0x34 /* channel 0, lobyte/hibyte, mode 2: rate generator */, count);
}
