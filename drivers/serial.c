/* drivers/serial.c — polled 16550 UART driver (no interrupts: output is synchronous, so nothing is lost when
 * the VM powers off right after a write). QEMU flags: -serial chardev:ID, once per port, COM1 first. */
#include "serial.h"
#include "../arch/x86_64/arch.h"

static const u16 port_base[SERIAL_PORTS] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
static bool present[SERIAL_PORTS];

#define REG_DATA 0
#define REG_IER 1
#define REG_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_SCRATCH 7
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

/* An absent ISA port reads back 0xff: the scratch register tells whether a UART is there. */
static bool probe(u16 base)
{
    outb(base + REG_SCRATCH, 0x5a);
    if (inb(base + REG_SCRATCH) != 0x5a)
        return false;
    outb(base + REG_SCRATCH, 0xa5);
    return inb(base + REG_SCRATCH) == 0xa5;
}

static void setup(u16 base)
{
    outb(base + REG_IER, 0x00);  /* no interrupts */
    outb(base + REG_LCR, 0x80);  /* DLAB: the next two registers are the divisor */
    outb(base + REG_DATA, 0x01); /* 115200 baud */
    outb(base + REG_IER, 0x00);
    outb(base + REG_LCR, 0x03);  /* 8 bits, no parity, one stop bit */
    outb(base + REG_FCR, 0xc7);  /* FIFOs on and cleared */
    outb(base + REG_MCR, 0x03);  /* DTR and RTS */
}

void serial_init(void)
{
    for (int i = 0; i < SERIAL_PORTS; i++) {
        present[i] = probe(port_base[i]);
        if (present[i])
            setup(port_base[i]);
    }
}

bool serial_present(enum serial_role role)
{
    return present[role];
}

static int route(enum serial_role role)
{
    if (present[role])
        return role;
    if (role == SERIAL_CONTROL || !present[SERIAL_STDOUT])
        return -1;
    return SERIAL_STDOUT;
}

void serial_write(enum serial_role role, const char *s, size_t n)
{
    int r = route(role);
    if (r < 0)
        return;
    u16 base = port_base[r];
    for (size_t i = 0; i < n; i++) {
        for (int spin = 0; spin < 1000000 && !(inb(base + REG_LSR) & LSR_THR_EMPTY); spin++)
            cpu_relax();
        outb(base + REG_DATA, (u8)s[i]);
    }
}

int serial_getc(enum serial_role role)
{
    int r = route(role);
    if (r < 0)
        return -1;
    u16 base = port_base[r];
    return (inb(base + REG_LSR) & LSR_DATA_READY) ? inb(base + REG_DATA) : -1;
}

/* Receive interrupts (IRQ 4 for COM1): IER bit 0, and OUT2, which gates the UART's IRQ line on PCs. */
bool serial_enable_rx_irq(enum serial_role role)
{
    if (!present[role])
        return false;
    u16 base = port_base[role];
    outb(base + REG_MCR, 0x0b); /* DTR, RTS, OUT2 */
    outb(base + REG_IER, 0x01); /* data available */
    return true;
}
