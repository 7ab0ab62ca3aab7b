/* arch/x86_64/gdt.c — the GDT (kernel and user segments, the TSS) and the TSS's stacks:
 * RSP0 for entries from ring 3, IST1 for double faults, IST2 for NMIs, IST3 for machine checks, so those
 * run on a known-good stack even when the kernel stack is the problem. */
#include "arch.h"

_Static_assert(offsetof(struct tss, rsp) == 4 && offsetof(struct tss, ist) == 36, "TSS field offsets");

static u8 boot_ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16))); /* the boot CPU's */
_Static_assert(SEL_TSS / 8 + 2 == GDT_ENTRIES, "the TSS descriptor takes the last two slots");

/* A code or data descriptor; base and limit are ignored in long mode except for these flag bits. */
static u64 seg_desc(int dpl, bool code)
{
    u64 access = (1ull << 7) | ((u64)dpl << 5) | (1ull << 4) | (code ? (1ull << 3) : 0) | (1ull << 1);
    u64 flags = code ? (1ull << 1) /* L */ : (1ull << 2) /* D/B */;
    return (access << 40) | (flags << 52) | (0xfull << 48) | 0xffff;
}

/* Loads CPU c's GDT and TSS (each CPU has its own: the TSS holds its stacks, and ltr marks the descriptor
 * busy). ist_stacks: its three IST stacks (NULL: the boot CPU's static ones). */
void gdt_init_stacks(struct percpu *c, u8 *ist_stacks)
{
    u64 *gdt = c->gdt;
    struct tss *tss = &c->tss;
    gdt[0] = 0;
    gdt[SEL_KCODE / 8] = seg_desc(0, true);
    gdt[SEL_KDATA / 8] = seg_desc(0, false);
    gdt[SEL_UDATA / 8] = seg_desc(3, false);
    gdt[SEL_UCODE / 8] = seg_desc(3, true);

    for (int i = 0; i < 3; i++)
        tss->ist[i] = ist_stacks ? (u64)ist_stacks + (i + 1) * IST_STACK_SIZE : (u64)&boot_ist_stacks[i][IST_STACK_SIZE];
    tss->iomap_base = sizeof(*tss); /* no I/O permission bitmap: ring 3 gets no ports */
    u64 base = (u64)tss, limit = sizeof(*tss) - 1;
    gdt[SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                       (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[SEL_TSS / 8 + 1] = base >> 32;

    struct { u16 limit; u64 base; } __attribute__((packed)) ptr = { GDT_ENTRIES * 8 - 1, (u64)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"              /* reload CS with a far return */
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w2, %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%ss\n\t"
        "ltr %w3\n\t"
        : : "m"(ptr), "i"(SEL_KCODE), "r"(SEL_KDATA), "r"(SEL_TSS) : "rax", "memory");
}

void gdt_init(struct percpu *c)
{
    gdt_init_stacks(c, NULL);
}

/* The stack this CPU switches to when an interrupt, exception or syscall arrives from ring 3. */
void arch_set_kstack(u64 top)
{
    struct percpu *c = this_cpu();
    c->tss.rsp[0] = top;
    c->kstack_top = top;
}
