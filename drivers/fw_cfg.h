/* drivers/fw_cfg.h — QEMU's firmware configuration device (QEMU docs/specs/fw_cfg.rst), read through its
 * I/O ports: only what the kernel needs from it. */
#ifndef SKIFF_FW_CFG_H
#define SKIFF_FW_CFG_H
#include "../kernel/kernel.h"

/* The Linux kernel command line QEMU keeps for its firmware (with microvm's virtio_mmio.device= words),
 * NUL-terminated in buf: its length, 0 when there is none, -1 without fw_cfg. */
int fw_cfg_cmdline(char *buf, size_t size);

#endif
