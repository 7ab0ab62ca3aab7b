/* drivers/vcon.h — the virtio-console ports the console uses, by role. */
#ifndef SKIFF_VCON_H
#define SKIFF_VCON_H
#include "../kernel/kernel.h"

enum vcon_role { VCON_STDIN, VCON_STDOUT, VCON_STDERR, VCON_SIGNAL, VCON_ROLES, VCON_NONE = VCON_ROLES };

bool vcon_has(enum vcon_role r);
void vcon_write(enum vcon_role r, const char *s, size_t n);
void vcon_poll_input(void);     /* take what arrived without waiting for the interrupt */

/* drivers/vcon_signal.c: the skiff.signal port's messages, signals for the first process. */
void vsig_input(const u8 *buf, u32 len);  /* interrupt context: bytes the host wrote */
void vsig_start(void);                    /* the first process exists: it gets what came before it */

#endif
