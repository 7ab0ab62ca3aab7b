/* kernel/power.c — powering the VM off with an exit status: the `exit N` line on the control port for the
 * host (all 8 bits), QEMU's isa-debug-exit device (7 bits survive), then ACPI power-off for QEMU's PIIX4 and
 * Bochs, and as a last resort a halt with interrupts off. Nothing after this returns. */
#include "kernel.h"
#include "../drivers/serial.h"
#include "../arch/x86_64/arch.h"

#define DEBUG_EXIT_PORT 0xf4

noreturn void power_off(int status)
{
    char line[32];
    int n = ksnprintf(line, sizeof(line), "exit %d\n", status & 0xff);
    serial_write(SERIAL_CONTROL, line, n);
    outl(DEBUG_EXIT_PORT, (u32)status & 0xff);
    outw(0x604, 0x2000);  /* QEMU pc/q35 ACPI PM1a control: SLP_TYP 0, SLP_EN */
    outw(0xb004, 0x2000); /* older QEMU and Bochs */
    cpu_halt_forever();
}
