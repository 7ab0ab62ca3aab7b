/* arch/x86_64/idt.c — the IDT: the 32 exception vectors, each to its stub in trap.asm. Double fault, NMI and
 * machine check run on their own IST stacks. Device interrupts (vectors 32-47) are set up by irq.c. */
#include "arch.h"
#include "smp.h"

struct idt_gate {
    u16 off_lo, sel;
    u8 ist, type;
    u16 off_mid;
    u32 off_hi, zero;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate");

extern const u64 isr_table[32];
static struct idt_gate idt[256];

static void idt_set(int v, u64 handler, int ist)
{
    idt[v] = (struct idt_gate){
        .off_lo = handler & 0xffff, .sel = SEL_KCODE, .ist = ist,
        .type = 0x8e, /* present, DPL 0, 64-bit interrupt gate (IF cleared on entry) */
        .off_mid = (handler >> 16) & 0xffff, .off_hi = handler >> 32,
    };
}

static void pic_mask_all(void)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

void idt_set_gate(int v, u64 handler)
{
    idt_set(v, handler, 0);
}

/* Every CPU uses the one IDT (the gates are the same everywhere; the IST stacks they name are per-CPU TSS's). */
void idt_load(void)
{
    struct { u16 limit; u64 base; } __attribute__((packed)) ptr = { sizeof(idt) - 1, (u64)idt };
    __asm__ volatile("lidt %0" : : "m"(ptr));
}

void idt_init(void)
{
    for (int v = 0; v < 32; v++)
        idt_set(v, isr_table[v], 0);
    idt[3].type = idt[4].type = 0xee; /* int3 and int $4 are allowed from ring 3, as on Linux (others: #GP) */
    idt[2].ist = 2;  /* NMI */
    idt[8].ist = 1;  /* double fault */
    idt[18].ist = 3; /* machine check */
    idt_load();
    pic_mask_all(); /* until irq_init remaps them away from the exception vectors */
}
