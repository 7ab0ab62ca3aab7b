/* arch/x86_64/trap.c — what happens on an exception. From ring 3: a page fault goes to the VM (demand paging),
 * anything it cannot resolve, and every other exception, becomes the signal Linux would send. From ring 0: a
 * fault inside copy_user is resolved or turned into -EFAULT through the exception table; anything else is a
 * kernel bug and panics with the registers and a backtrace. */
#include "arch.h"
#include "../../kernel/proc.h"
#include "../../kernel/mm.h"
#include "../../kernel/errno.h"

static const char *const exc_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
    "device not available", "double fault", "coprocessor overrun", "invalid TSS", "segment not present",
    "stack fault", "general protection", "page fault", "reserved", "x87 floating point", "alignment check",
    "machine check", "SIMD floating point", "virtualization", "control protection",
};

static const char *exc_name(u64 v)
{
    return v < 32 && exc_names[v] ? exc_names[v] : "reserved";
}

u64 extable_fixup(u64 rip)
{
    extern const struct extable_entry __extable_start[], __extable_end[];
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
        if (e->insn == rip)
            return e->fixup;
    return 0;
}

void regs_dump(const struct regs *r)
{
    kerr("  rip %016lx  cs %04lx  rflags %08lx  vector %lu  error %lx\n", r->rip, r->cs, r->rflags, r->vector,
         r->error);
    kerr("  rsp %016lx  ss %04lx  cr2 %016lx  cr3 %016lx\n", r->rsp, r->ss, read_cr2(), read_cr3());
    kerr("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
    kerr("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", r->rsi, r->rdi, r->rbp, r->r8);
    kerr("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", r->r9, r->r10, r->r11, r->r12);
    kerr("  r13 %016lx  r14 %016lx  r15 %016lx\n", r->r13, r->r14, r->r15);
}

/* Follows the rbp chain (the kernel is built with frame pointers); addr2line -e build/skiff.elf names them. */
void backtrace_dump(u64 rbp)
{
    kerr("  backtrace (addr2line -e build/skiff.elf):");
    for (int i = 0; i < 16 && rbp >= 0xffff800000000000ull && !(rbp & 7); i++) {
        u64 *frame = (u64 *)rbp;
        kerr(" %lx", frame[1]);
        rbp = frame[0];
    }
    kerr("\n");
}

static noreturn void kernel_fault(struct regs *r)
{
    panic_regs(r, "%s (vector %lu) in the kernel at rip %lx, error %lx, cr2 %lx", exc_name(r->vector),
               r->vector, r->rip, r->error, read_cr2());
}

#define PF_PRESENT 1
#define PF_WRITE 2
#define PF_INSN 16

static void page_fault(struct regs *r)
{
    u64 addr = read_cr2();
    bool user = regs_user(r);
    u64 fixup = user ? 0 : extable_fixup(r->rip);
    if ((user || fixup) && addr < USER_TOP) {
        int access = (r->error & PF_INSN) ? VM_EXEC : (r->error & PF_WRITE) ? VM_WRITE : VM_READ;
        const char *why = NULL;
        int rc = vm_fault(current_vm(), addr, access, &why);
        if (rc == 0)
            return;
        if (user && rc == -ENOMEM) {
            oom_kill(); /* as Linux: a victim dies (maybe this program) and the access is tried again */
            return;
        }
        if (user) {
            if (rc == -EIO)
                signal_fault(r, SIGBUS, BUS_ADRERR, addr, access, why);
            else
                signal_fault(r, SIGSEGV, rc == -EACCES ? SEGV_ACCERR : SEGV_MAPERR, addr, access, why);
            return;
        }
    }
    if (fixup) {
        r->rip = fixup;
        return;
    }
    if (user) {
        signal_fault(r, SIGSEGV, SEGV_MAPERR, addr, VM_READ, "kernel address");
        return;
    }
    kernel_fault(r);
}

/* x87 and SIMD exceptions: the si_code of the first unmasked exception raised, in Linux's order. */
static int fp_code(u32 raised)
{
    return (raised & 0x01) ? FPE_FLTINV : (raised & 0x04) ? FPE_FLTDIV : (raised & 0x08) ? FPE_FLTOVF
         : (raised & 0x12) ? FPE_FLTUND : (raised & 0x20) ? FPE_FLTRES : 0;
}

static int x87_code(void)
{
    u16 sw, cw;
    __asm__ volatile("fnstsw %0; fnstcw %1" : "=m"(sw), "=m"(cw)); /* the program's state: still loaded */
    return fp_code(sw & ~cw & 0x3f);
}

static int simd_code(void)
{
    u32 mx;
    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    return fp_code(mx & ~(mx >> 7) & 0x3f);
}

/* #DB: single step (DR6.BS) is TRAP_TRACE, icebp TRAP_BRKPT; DR6 is sticky, so it is cleared for the next. */
static int debug_code(void)
{
    u64 dr6;
    __asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
    __asm__ volatile("mov %0, %%dr6" : : "r"(0xffff0ff0ull));
    return (dr6 & (1u << 14)) ? TRAP_TRACE : TRAP_BRKPT;
}

static bool is_icebp(const struct regs *r)
{
    u8 op = 0;
    return copy_from_user_partial(&op, (const void *)r->rip, 1) == 1 && op == 0xf1;
}

/* What Linux sends for an exception in ring 3 (arch/x86/kernel/traps.c): the signal, its si_code, and
 * whether si_addr is the instruction's address (faults with a precise address) or 0 (SI_KERNEL). */
static void user_exception(struct regs *r)
{
    int sig = SIGSEGV, code = SI_KERNEL;
    bool at_rip = true;
    switch (r->vector) {
    case 0: sig = SIGFPE, code = FPE_INTDIV; break;
    case 1: sig = SIGTRAP, code = debug_code(); break;
    case 3: sig = SIGTRAP, at_rip = false; break;
    case 6:
        if (is_icebp(r)) { /* QEMU's TCG raises #UD for icebp; hardware raises #DB after it */
            r->rip++;
            sig = SIGTRAP, code = TRAP_BRKPT;
            break;
        }
        sig = SIGILL, code = ILL_ILLOPN;
        break;
    case 11: case 12: sig = SIGBUS, at_rip = false; break;   /* segment not present, stack segment */
    case 13:
        if (umip_emulate(r))
            return;
        at_rip = false;
        break;
    case 16: sig = SIGFPE, code = x87_code(); break;
    case 17: sig = SIGBUS, code = BUS_ADRALN, at_rip = false; break;
    case 19: sig = SIGFPE, code = simd_code(); break;
    default: at_rip = false; break;                          /* overflow, bound, ...: SIGSEGV SI_KERNEL */
    }
    signal_fault(r, sig, code, at_rip ? r->rip : 0, 0, exc_name(r->vector));
}

static void trap_dispatch(struct regs *r)
{
    if (r->vector == 14) {
        page_fault(r);
        return;
    }
    if (r->vector == 2) {
        kerr("skiff: NMI received, ignored\n");
        return;
    }
    if (regs_user(r)) {
        user_exception(r);
        return;
    }
    kernel_fault(r);
}

void trap_handler(struct regs *r)
{
    if (regs_user(r))
        acct_charge(true);
    trap_dispatch(r);
    if (regs_user(r))
        rseq_user_return(r); /* a fault that waited (a page to be found) may have switched tasks */
    if (regs_user(r) && signal_pending())
        signal_deliver(r);
    if (regs_user(r))
        acct_charge(false);
}

/* After every interrupt: from ring 3, a finished time slice switches tasks, and signals (^C) act. After a
 * device's, tasks waiting for I/O look again; not after the timer's: what the tick does (alarms, timers, the
 * network's timers) kicks waiters itself, and waking every poller a thousand times a second kept idle servers
 * busy and made many idle processes cost every tick's worth of switches. */
void irq_return_check(struct regs *r)
{
    if (!current)
        return;
    if (!irq_was_tick())
        sched_wake_io_waiters(); /* a device's own handler counted any I/O event it made (sched_kick_io) */
    if (!regs_user(r))
        return;
    acct_charge(true);
    sched_preempt_point(r);
    if (signal_pending())
        signal_deliver(r);
}
