/* drivers/virtio_mmio.h — the virtio-mmio windows a command line names (Linux's
 * `virtio_mmio.device=<size>[KMG]@<base>:<irq>[:<id>]` words): pure parsing, also built on the host for
 * test/unit/test_vmmio.c. */
#ifndef SKIFF_VIRTIO_MMIO_H
#define SKIFF_VIRTIO_MMIO_H
#include "../kernel/kernel.h"

struct vmmio_window {
    u64 base, size;
    int irq;
    bool ok;                 /* false: the word did not parse (word/len say which, for the log) */
    const char *word;
    int len;
};

/* Fills out[] with the first max virtio_mmio.device= words of cmdline, in order; returns how many. */
int vmmio_parse_cmdline(const char *cmdline, struct vmmio_window *out, int max);

#endif
