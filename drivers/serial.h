/* drivers/serial.h — the four 16550 UARTs: program stdout, program stderr, kernel log, host control channel
 * (docs/host-interface.md). QEMU: -serial X (repeated, in port order). */
#ifndef SKIFF_SERIAL_H
#define SKIFF_SERIAL_H
#include "../kernel/kernel.h"

enum serial_role { SERIAL_STDOUT, SERIAL_STDERR, SERIAL_LOG, SERIAL_CONTROL, SERIAL_PORTS };

void serial_init(void);
bool serial_present(enum serial_role role);
/* Writes to the port for role, or to its fallback (COM1) when that port is absent; CONTROL has none. */
void serial_write(enum serial_role role, const char *s, size_t n);
int serial_getc(enum serial_role role); /* a byte if one is waiting, else -1 */
bool serial_enable_rx_irq(enum serial_role role);

#endif
