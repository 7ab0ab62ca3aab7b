/* test/conformance/fault.c — CPU exceptions a program can raise, as the signal, si_code and si_addr Linux
 * gives for each (issue 15): divide error, debug (single step, icebp), breakpoint (int3, int $3), overflow
 * (int $4; into is invalid in 64-bit mode), bound (int $5), invalid opcode, general protection (privileged
 * instructions, non-canonical addresses), page faults (unmapped, read-only, no-exec), x87 and SIMD floating
 * point, alignment check, and the descriptor-table instructions UMIP covers. Addresses are compared with the
 * faulting instruction's own label, so they mean the same natively and under skiff. */
/* covers: rt_sigaction rt_sigreturn */
#include "tap.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>

static sigjmp_buf env;
static volatile int got_sig, got_code;
static void *volatile got_addr;
static volatile uintptr_t got_rip;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    __asm__ volatile("pushf; andl $~0x40000,(%%rsp); popf" ::: "memory", "cc"); /* AC stays set in a handler */
    ucontext_t *uc = ctx;
    got_sig = sig, got_code = si->si_code, got_addr = si->si_addr;
    got_rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (uc->uc_mcontext.gregs[REG_EFL] & 0x100) {
        uc->uc_mcontext.gregs[REG_EFL] &= ~0x100l; /* single step: stop stepping, go on from here */
        return;
    }
    siglongjmp(env, 1);
}

#define LABEL(name) extern char name[];
LABEL(de_at) LABEL(de2_at) LABEL(tf_after) LABEL(icebp_after) LABEL(int3_after) LABEL(int_3_after)
LABEL(int_4_after) LABEL(into_at) LABEL(ud2_at) LABEL(hlt_at) LABEL(x87_at) LABEL(sse_at) LABEL(ac_at)

static void run(void (*fn)(void))
{
    got_sig = got_code = 0, got_addr = (void *)-1, got_rip = 0;
    if (!sigsetjmp(env, 1))
        fn();
}

static void do_div0(void) { __asm__ volatile("xor %%edx,%%edx; xor %%ecx,%%ecx; mov $1,%%eax; de_at: div %%ecx" ::: "rax", "rcx", "rdx"); }
static void do_idiv(void)
{
    __asm__ volatile("mov $0x80000000,%%eax; cdq; mov $-1,%%ecx; de2_at: idiv %%ecx" ::: "rax", "rcx", "rdx");
}
static void do_tf(void) { __asm__ volatile("pushf; orq $0x100,(%%rsp); popf; nop; tf_after: nop" ::: "memory", "cc"); }
static void do_icebp(void) { __asm__ volatile(".byte 0xf1; icebp_after: nop"); }
static void do_int3(void) { __asm__ volatile("int3; int3_after: nop"); }
static void do_int_3(void) { __asm__ volatile(".byte 0xcd, 0x03; int_3_after: nop"); }
static void do_int_4(void) { __asm__ volatile("int $4; int_4_after: nop"); }
static void do_int_5(void) { __asm__ volatile("int $5"); }
static void do_int_81(void) { __asm__ volatile("int $0x81"); }
static void do_into(void) { __asm__ volatile("into_at: .byte 0xce"); }
static void do_ud2(void) { __asm__ volatile("ud2_at: ud2"); }
static void do_hlt(void) { __asm__ volatile("hlt_at: hlt"); }
static void do_noncanonical(void) { *(volatile long *)0x8000000000000000ul; }
static void do_x87(void)
{
    unsigned short cw = 0x037b; /* the default 0x037f with ZM (divide by zero) unmasked */
    __asm__ volatile("fninit; fldcw %0; fld1; fldz; fdivrp; x87_at: fwait" : : "m"(cw));
}
static void do_sse(void)
{
    unsigned mx = 0x1f80 & ~0x200u; /* ZM unmasked */
    float one = 1, zero = 0;
    __asm__ volatile("ldmxcsr %0; movss %1,%%xmm0; sse_at: divss %2,%%xmm0" : : "m"(mx), "m"(one), "m"(zero) : "xmm0");
}
static void do_ac(void)
{
    static char buf[16] __attribute__((aligned(16)));
    __asm__ volatile("pushf; orl $0x40000,(%%rsp); popf; ac_at: movl 1(%0),%%eax; pushf; andl $~0x40000,(%%rsp); popf"
                     : : "r"(buf) : "rax", "memory", "cc");
}

static char *page;
static void do_read_unmapped(void) { *(volatile char *)(page + PAGE); }
static void do_write_readonly(void) { *(volatile char *)page = 1; }
static void do_exec_noexec(void) { ((void (*)(void))page)(); }
static void do_read_kernel(void) { *(volatile char *)KADDR; }

static void fp_reset(void)
{
    unsigned mx = 0x1f80;
    __asm__ volatile("fninit; ldmxcsr %0" : : "m"(mx));
}

/* One case: the signal, si_code and si_addr (want_addr) it must give. */
static void expect(const char *name, void (*fn)(void), int sig, int code, void *want_addr)
{
    char buf[160];
    run(fn);
    fp_reset();
    snprintf(buf, sizeof(buf), "%s: signal", name);
    T_EQ(buf, got_sig, sig);
    snprintf(buf, sizeof(buf), "%s: si_code", name);
    T_EQ(buf, got_code, code);
    snprintf(buf, sizeof(buf), "%s: si_addr", name);
    T_EQ(buf, (long)((char *)got_addr - (char *)want_addr), 0);
}

struct __attribute__((packed)) dtr { unsigned short limit; unsigned long base; };
static struct dtr dt;
static unsigned long msw;
static void do_sgdt(void) { __asm__ volatile("sgdt %0" : "=m"(dt)); }
static void do_sidt(void) { __asm__ volatile("sidt %0" : "=m"(dt)); }
static void do_smsw(void) { __asm__ volatile("smsw %0" : "=r"(msw)); }

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_NODEFER };
    int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
    page = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(page + PAGE, PAGE);

    expect("rt_sigaction divide error (div by 0): SIGFPE FPE_INTDIV", do_div0, SIGFPE, FPE_INTDIV, de_at);
    expect("rt_sigaction divide error (INT_MIN / -1)", do_idiv, SIGFPE, FPE_INTDIV, de2_at);
    expect("rt_sigaction debug (single step): SIGTRAP TRAP_TRACE", do_tf, SIGTRAP, TRAP_TRACE, tf_after);
    expect("rt_sigaction debug (icebp): SIGTRAP TRAP_BRKPT", do_icebp, SIGTRAP, TRAP_BRKPT, icebp_after);
    expect("rt_sigaction breakpoint (int3): SIGTRAP SI_KERNEL", do_int3, SIGTRAP, SI_KERNEL, NULL);
    T_EQ("rt_sigaction breakpoint (int3): the saved rip is after it", (long)(got_rip - (uintptr_t)int3_after), 0);
    expect("rt_sigaction breakpoint (int $3)", do_int_3, SIGTRAP, SI_KERNEL, NULL);
    T_EQ("rt_sigaction breakpoint (int $3): the saved rip is after it", (long)(got_rip - (uintptr_t)int_3_after), 0);
    expect("rt_sigaction overflow (int $4): SIGSEGV SI_KERNEL", do_int_4, SIGSEGV, SI_KERNEL, NULL);
    T_EQ("rt_sigaction overflow (int $4): the saved rip is after it", (long)(got_rip - (uintptr_t)int_4_after), 0);
    expect("rt_sigaction into is invalid in 64-bit mode: SIGILL ILL_ILLOPN", do_into, SIGILL, ILL_ILLOPN, into_at);
    expect("rt_sigaction bound range (int $5, a kernel-only gate): SIGSEGV", do_int_5, SIGSEGV, SI_KERNEL, NULL);
    expect("rt_sigaction int $0x81: SIGSEGV SI_KERNEL", do_int_81, SIGSEGV, SI_KERNEL, NULL);
    expect("rt_sigaction invalid opcode (ud2): SIGILL ILL_ILLOPN", do_ud2, SIGILL, ILL_ILLOPN, ud2_at);
    expect("rt_sigaction general protection (hlt): SIGSEGV SI_KERNEL", do_hlt, SIGSEGV, SI_KERNEL, NULL);
    T_EQ("rt_sigaction general protection (hlt): the saved rip is at it", (long)(got_rip - (uintptr_t)hlt_at), 0);
    expect("rt_sigaction general protection (a non-canonical address)", do_noncanonical, SIGSEGV, SI_KERNEL, NULL);
    expect("rt_sigaction page fault (unmapped): SIGSEGV SEGV_MAPERR", do_read_unmapped, SIGSEGV, SEGV_MAPERR,
           page + PAGE);
    expect("rt_sigaction page fault (write to read-only): SEGV_ACCERR", do_write_readonly, SIGSEGV, SEGV_ACCERR, page);
    expect("rt_sigaction page fault (exec of a no-exec page): SEGV_ACCERR", do_exec_noexec, SIGSEGV, SEGV_ACCERR,
           page);
    expect("rt_sigaction page fault (a kernel address): SEGV_MAPERR", do_read_kernel, SIGSEGV, SEGV_MAPERR, KADDR);
    expect("rt_sigaction x87 floating point (divide by zero): SIGFPE FPE_FLTDIV", do_x87, SIGFPE, FPE_FLTDIV, x87_at);
    expect("rt_sigaction SIMD floating point (divss by zero): SIGFPE FPE_FLTDIV", do_sse, SIGFPE, FPE_FLTDIV, sse_at);
    expect("rt_sigaction alignment check (AC flag, misaligned load): SIGBUS BUS_ADRALN", do_ac, SIGBUS, BUS_ADRALN,
           NULL);

    /* UMIP (where the CPU has it): the five instructions fault, and Linux (5.10 on) emulates them with dummy
     * values; without UMIP they show the real ones. Either way no signal, and no kernel address of skiff's. */
    unsigned a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    int umip = (c >> 2) & 1;
    unsigned long gdt_base, gdt_limit, idt_base, idt_limit, sldt_v = 0, str_v = 0;
    run(do_sgdt);
    int sigs_seen = got_sig;
    gdt_base = dt.base, gdt_limit = dt.limit;
    run(do_sidt);
    sigs_seen |= got_sig;
    idt_base = dt.base, idt_limit = dt.limit;
    run(do_smsw);
    sigs_seen |= got_sig;
    unsigned short s16 = 0xffff;
    __asm__ volatile("sldt %0" : "=m"(s16));
    sldt_v = s16;
    __asm__ volatile("str %0" : "=m"(s16));
    str_v = s16;
    unsigned long r64 = ~0ul;
    __asm__ volatile("smsw %0" : "=r"(r64));
    T_TRUE("rt_sigaction sgdt, sidt, smsw, sldt, str in ring 3: no signal", !sigs_seen);
    T_TRUE("rt_sigaction sgdt, sidt, smsw, sldt, str with UMIP: Linux's dummy values",
           !umip || (gdt_base == 0xfffffffffffe0000ul && gdt_limit == 0 && idt_base == 0xffffffffffff0000ul &&
                     idt_limit == 0 && (msw & 0xffff) == 0x33 && sldt_v == 0 && str_v == 0x40 && r64 == 0x33));
    printf("# umip %d: gdt %#lx/%#lx idt %#lx/%#lx smsw %#lx/%#lx sldt %#lx str %#lx\n", umip, gdt_base, gdt_limit,
           idt_base, idt_limit, msw, r64, sldt_v, str_v);
    tap_finish_dir();
    return tap_done();
}
