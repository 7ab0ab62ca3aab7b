/* arch/x86_64/trap.c — what happens on an exception. From ring 3: a page fault goes to the VM (demand paging),
 * anything it cannot resolve, and every other exception, becomes the signal Linux would send. From ring 0: a
 * fault inside copy_user is resolved or turned into -EFAULT through the exception table; anything else is a
 * kernel bug and panics with the registers and a backtrace. */
#include "arch.h"
#include "../../kernel/proc.h"
#include "../../kernel/mm.h"

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
        if (vm_fault(current_vm(), addr, access, &why) == 0)
            return;
        if (user) {
            signal_fault(r, SIGSEGV, addr, access, why);
            return;
        }
    }
    if (fixup) {
        r->rip = fixup;
        return;
    }
    if (user) {
        signal_fault(r, SIGSEGV, addr, VM_READ, "kernel address");
        return;
    }
    kernel_fault(r);
}

static int exc_signal(u64 vector)
{
    switch (vector) {
    case 0: case 16: case 19: return SIGFPE;
    case 1: case 3: return SIGTRAP;
    case 6: return SIGILL;
    case 17: return SIGBUS;
    default: return SIGSEGV;
    }
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
        signal_fault(r, exc_signal(r->vector), 0, 0, exc_name(r->vector));
        return;
    }
    kernel_fault(r);
}

void trap_handler(struct regs *r)
{
    if (regs_user(r))
        acct_charge(true);
    trap_dispatch(r);
    if (regs_user(r) && signal_pending())
        signal_deliver(r);
    if (regs_user(r))
        acct_charge(false);
}

/* After every device interrupt: tasks waiting for I/O look again; from ring 3, a finished time slice
 * switches tasks, and signals (^C) act. */
void irq_return_check(struct regs *r)
{
    if (!current)
        return;
    sched_wake_io_waiters(); /* a device's own handler counted any I/O event it made (sched_kick_io) */
    if (!regs_user(r))
        return;
    acct_charge(true);
    sched_preempt_point(r);
    if (signal_pending())
        signal_deliver(r);
}
