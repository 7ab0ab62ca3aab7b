/* arch/x86_64/cpu.c — CPU state that Linux programs expect: NX, SSE and XSAVE/AVX state (glibc chooses its
 * string functions from CPUID, and AVX code faults unless OSXSAVE and XCR0 enable it), SMEP/SMAP, global
 * pages, and the SYSCALL MSRs. */
#include "arch.h"
#include "smp.h"
#include "../../kernel/proc.h"

_Static_assert(offsetof(struct percpu, curr) == offsetof(struct percpu_current, curr), "`current` reads this");

struct cpu_features cpu;
struct percpu cpus[MAX_CPUS] = { [0] = { .self = &cpus[0] } };
u8 cpu_has_smap;

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_NE (1ull << 5)
#define CR0_AM (1ull << 18)   /* alignment checks in ring 3 when the program sets EFLAGS.AC, as Linux */
#define CR4_UMIP (1ull << 11) /* sgdt/sidt/sldt/smsw/str fault in ring 3 (umip.c emulates them) */
#define CR4_PGE (1ull << 7)
#define CR4_FSGSBASE (1ull << 16) /* rdfsbase/wrfsbase/rdgsbase/wrgsbase in ring 3 (AT_HWCAP2 says so) */
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
/* XCR0 components a Linux program may use: x87, SSE, AVX, and the three AVX-512 parts (all or none). */
#define XCR0_WANTED 0xe7ull

static void cpu_detect(void)
{
    u32 a, b, c, d, max;
    cpuid(0, 0, &max, &b, &c, &d);
    cpuid(1, 0, &a, &b, &c, &d);
    cpu.hwcap = d;
    cpu.pge = d & (1u << 13);
    cpu.xsave = c & (1u << 26);
    cpu.avx = c & (1u << 28);
    cpu.rdrand = c & (1u << 30);
    bool hypervisor = c & (1u << 31); /* CPUID.1:ECX.31: its leaf 0x40000000 names it */
    if (max >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        cpu.fsgsbase = b & (1u << 0);
        cpu.smep = b & (1u << 7);
        cpu.rdseed = b & (1u << 18);
        cpu.smap = b & (1u << 20);
        cpu.umip = c & (1u << 2);
    }
    if (hypervisor) {
        cpuid(0x40000000, 0, &a, &b, &c, &d);
        cpu.tcg = b == 0x54474354 && c == 0x43544743 && d == 0x47435447; /* "TCGT" "CGTC" "GTCG" */
    }
    cpuid(0x80000000, 0, &max, &b, &c, &d);
    if (max >= 0x80000001) {
        cpuid(0x80000001, 0, &a, &b, &c, &d);
        cpu.nx = d & (1u << 20);
    }
    if (max >= 0x80000007) {
        cpuid(0x80000007, 0, &a, &b, &c, &d);
        cpu.invariant_tsc = d & (1u << 8);
    }
}

static u64 read_cr0(void) { u64 v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static u64 read_cr4(void) { u64 v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static void write_cr0(u64 v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v)); }
static void write_cr4(u64 v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v)); }

#define CR4_TSD (1ull << 2)
void arch_set_tsd(bool on)
{
    if (on == percpu_gs.tsd_on)
        return;
    percpu_gs.tsd_on = on;
    write_cr4(on ? read_cr4() | CR4_TSD : read_cr4() & ~CR4_TSD);
}

void arch_user_bases_save(u64 *fs, u64 *gs)
{
    if (!cpu.fsgsbase)
        return; /* only arch_prctl moves them, and it records what it wrote */
    *fs = rdmsr(MSR_FS_BASE);
    *gs = rdmsr(MSR_KERNEL_GS_BASE); /* the user's GS while the kernel runs (swapgs) */
}

static void cpu_enable_xsave(void)
{
    u32 a, b, c, d;
    cpuid(0xd, 0, &a, &b, &c, &d);
    u64 supported = ((u64)d << 32) | a;
    u64 xcr0 = supported & XCR0_WANTED;
    if ((xcr0 & 0xe0) != 0xe0)
        xcr0 &= ~0xe0ull; /* AVX-512 only when the CPU has all of its state */
    __asm__ volatile("xsetbv" : : "c"(0), "a"((u32)xcr0), "d"((u32)(xcr0 >> 32)));
    cpuid(0xd, 0, &a, &b, &c, &d);
    cpu.xcr0 = xcr0;
    cpu.xsave_size = b; /* size for the components now enabled */
}

void cpu_enable_features(void)
{
    write_cr0((read_cr0() & ~CR0_EM) | CR0_MP | CR0_NE | CR0_AM);
    u64 cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (cpu.pge) cr4 |= CR4_PGE;
    if (cpu.xsave) cr4 |= CR4_OSXSAVE;
    if (cpu.smep) cr4 |= CR4_SMEP;
    if (cpu.smap) cr4 |= CR4_SMAP;
    if (cpu.umip) cr4 |= CR4_UMIP;
    if (cpu.fsgsbase) cr4 |= CR4_FSGSBASE; /* as Linux 5.9+; each task's bases are saved on switch-out */
    umip_enabled = cpu.umip;
    write_cr4(cr4);
    cpu_has_smap = cpu.smap;
    if (cpu.xsave)
        cpu_enable_xsave();
    else
        cpu.xsave_size = 512; /* FXSAVE area */
    if (cpu.nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | (1ull << 11));
}

extern char syscall_entry[];

void syscall_msr_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1); /* EFER.SCE: SYSCALL/SYSRET enabled */
    wrmsr(MSR_STAR, STAR_VALUE);
    wrmsr(MSR_LSTAR, (u64)syscall_entry);
    /* Cleared on entry: TF, IF, DF, NT, AC (AC so that SMAP is in force inside the kernel). */
    wrmsr(MSR_FMASK, (1u << 8) | (1u << 9) | (1u << 10) | (1u << 14) | (1u << 18));
}

void cpu_init(void)
{
    struct percpu *c = &cpus[0];
    wrmsr(MSR_GS_BASE, (u64)c);       /* kernel GS while in ring 0: `current` reads through it */
    wrmsr(MSR_KERNEL_GS_BASE, 0);     /* the user's GS, swapped in on the way out */
    cpu_detect();
    cpu_enable_features();
    gdt_init(c);
    idt_init();
    syscall_msr_init();
    c->online = true;
}

bool cpu_random64(u64 *out)
{
    for (int tries = 0; tries < 16; tries++) {
        u8 ok;
        if (cpu.rdseed)
            __asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok));
        else if (cpu.rdrand)
            __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
        else
            return false;
        if (ok)
            return true;
    }
    return false;
}

/* The default MXCSR lives in .rodata: nested KVM was seen failing to emulate ldmxcsr on a stack operand. */
static const u32 mxcsr_default = 0x1f80;

void arch_user_fpu_init(void)
{
    __asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr_default));
}

void arch_fpu_save(u8 *area)
{
    if (cpu.xsave)
        __asm__ volatile("xsave (%0)" : : "r"(area), "a"((u32)cpu.xcr0), "d"((u32)(cpu.xcr0 >> 32)) : "memory");
    else
        __asm__ volatile("fxsave (%0)" : : "r"(area) : "memory");
}

void arch_fpu_restore(const u8 *area)
{
    if (cpu.xsave)
        __asm__ volatile("xrstor (%0)" : : "r"(area), "a"((u32)cpu.xcr0), "d"((u32)(cpu.xcr0 >> 32)) : "memory");
    else
        __asm__ volatile("fxrstor (%0)" : : "r"(area) : "memory");
}
