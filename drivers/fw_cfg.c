/* drivers/fw_cfg.c — QEMU's fw_cfg through its x86 I/O ports (QEMU docs/specs/fw_cfg.rst): a 16-bit
 * selector written to port 0x510 picks an item, whose bytes are then read in order from port 0x511.
 * The item keys are QEMU's fixed ones (the same numbers in Linux's include/uapi/linux/qemu_fw_cfg.h). */
#include "fw_cfg.h"
#include "../arch/x86_64/arch.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_CMDLINE_DATA 0x15

/* One string input for the whole item (the data port takes them, as Linux's ioread8_rep does): under KVM that
 * is one exit to QEMU rather than one per byte (a microvm command line is ~200 bytes, read at every boot). */
static void read_item(u16 key, void *buf, size_t n)
{
    outw(FW_CFG_PORT_SEL, key);
    __asm__ volatile("rep insb" : "+D"(buf), "+c"(n) : "d"((u16)FW_CFG_PORT_DATA) : "memory");
}

static bool present(void)
{
    char sig[4];
    read_item(FW_CFG_SIGNATURE, sig, sizeof(sig));
    return memcmp(sig, "QEMU", 4) == 0;
}

int fw_cfg_cmdline(char *buf, size_t size)
{
    if (!size)
        return -1;
    buf[0] = 0;
    if (!present())
        return -1;
    u32 len;
    read_item(FW_CFG_CMDLINE_SIZE, &len, sizeof(len)); /* little-endian, as the CPU */
    len = (u32)MIN((size_t)len, size - 1);
    read_item(FW_CFG_CMDLINE_DATA, buf, len);
    buf[len] = 0;
    return (int)strnlen(buf, len);
}
