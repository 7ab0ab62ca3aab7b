/* arch/x86_64/pit.h — the port writes that program channel 0 of the 8254 PIT (Intel 82C54 datasheet): pure
 * code, also built on the host for test/unit/test_pit.c, which replays them through a model of the chip. */
#ifndef SKIFF_PIT_H
#define SKIFF_PIT_H
#include "../../kernel/kernel.h"

#define PIT_HZ 1193182u
#define PIT_CTRL 0x43
#define PIT_CH0 0x40
#define PIT_SEQ_MAX 6

struct pit_write {
    u16 port;
    u8 val;
};

/* Fill w[] with the writes for mode 2 (rate generator: an interrupt every count ticks) or mode 0 (one interrupt
 * after count ticks); return how many. */
int pit_seq_periodic(u16 count, struct pit_write *w);
int pit_seq_oneshot(u16 count, struct pit_write *w);

#endif
