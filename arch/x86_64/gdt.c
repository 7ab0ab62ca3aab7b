/* arch/x86_64/gdt.c — the GDT (kernel and user segments, the TSS) and the TSS's stacks:
 * RSP0 for entries from ring 3, IST1 for double faults, IST2 for NMIs, IST3 for machine checks, so those
 * run on a known-good stack even when the kernel stack is the problem. */
#include "arch.h"

struct tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout (Intel SDM vol. 3, 64-bit TSS)");
_Static_assert(offsetof(struct tss, rsp) == 4 && offsetof(struct tss, ist) == 36, "TSS field offsets");

#define IST_STACK_SIZE 8192
static u8 ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
static struct tss tss;
static u64 gdt[7];
_Static_assert(SEL_TSS / 8 + 2 == ARRAY_SIZE(gdt), "the TSS descriptor takes the last two slots");

/* A code or data descriptor; base and limit are ignored in long mode except for these flag bits. */
static u64 seg_desc(int dpl, bool code)
{
    u64 access = (1ull << 7) | ((u64)dpl << 5) | (1ull << 4) | (code ? (1ull << 3) : 0) | (1ull << 1);
    u64 flags = code ? (1ull << 1) /* L */ : (1ull << 2) /* D/B */;
    return (access << 40) | (flags << 52) | (0xfull << 48) | 0xffff;
}

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[SEL_KCODE / 8] = seg_desc(0, true);
    gdt[SEL_KDATA / 8] = seg_desc(0, false);
    gdt[SEL_UDATA / 8] = seg_desc(3, false);
    gdt[SEL_UCODE / 8] = seg_desc(3, true);

    for (int i = 0; i < 3; i++)
        tss.ist[i] = (u64)&ist_stacks[i][IST_STACK_SIZE];
    tss.iomap_base = sizeof(tss); /* no I/O permission bitmap: ring 3 gets no ports */
    u64 base = (u64)&tss, limit = sizeof(tss) - 1;
    gdt[SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                       (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[SEL_TSS / 8 + 1] = base >> 32;

    struct { u16 limit; u64 base; } __attribute__((packed)) ptr = { sizeof(gdt) - 1, (u64)gdt };
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

/* The stack the CPU switches to when an interrupt or exception arrives from ring 3. */
void arch_set_kstack(u64 top)
{
    tss.rsp[0] = top;
    cpu0.kstack_top = top;
}
