/* arch/x86_64/arch.h — everything that touches an x86_64 register: port I/O, MSRs, control registers, the
 * trap/syscall register frame shared with the assembly stubs, the per-CPU block, CPU features. */
#ifndef SKIFF_ARCH_H
#define SKIFF_ARCH_H

#include "../../kernel/kernel.h"

/* Segment selectors. SYSCALL loads CS=STAR[47:32], SS=+8; 64-bit SYSRET loads CS=STAR[63:48]+16,
 * SS=STAR[63:48]+8; so the user data descriptor must sit just below user code. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA (0x18 | 3)
#define SEL_UCODE (0x20 | 3)
#define SEL_TSS 0x28
#define STAR_VALUE (((u64)(SEL_KDATA | 3) << 48) | ((u64)SEL_KCODE << 32))
_Static_assert(((STAR_VALUE >> 48) + 16) == SEL_UCODE, "SYSRET CS must be the user code selector");
_Static_assert(((STAR_VALUE >> 48) + 8) == SEL_UDATA, "SYSRET SS must be the user data selector");
_Static_assert(((STAR_VALUE >> 32) & 0xffff) + 8 == SEL_KDATA, "SYSCALL SS must be the kernel data selector");

/* The register frame built by trap.asm and syscall.asm, lowest address first. */
struct regs {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector, error;          /* vector SYSCALL_VECTOR for syscalls */
    u64 rip, cs, rflags, rsp, ss; /* the hardware interrupt frame */
};
#define SYSCALL_VECTOR 256
_Static_assert(offsetof(struct regs, rax) == 14 * 8, "frame: rax slot used by trap.asm");
_Static_assert(offsetof(struct regs, vector) == 15 * 8, "frame: vector slot used by trap.asm");
_Static_assert(offsetof(struct regs, rip) == 17 * 8, "frame: rip slot used by trap.asm");
_Static_assert(offsetof(struct regs, cs) == 18 * 8, "frame: cs slot used by trap.asm");
_Static_assert(offsetof(struct regs, rsp) == 20 * 8, "frame: rsp slot used by syscall.asm");
_Static_assert(sizeof(struct regs) == 22 * 8, "frame size used by trap.asm");

static inline bool regs_user(const struct regs *r) { return (r->cs & 3) == 3; }

/* The 64-bit TSS (Intel SDM vol. 3, "Task Management in 64-bit Mode"): only its stack pointers matter. */
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

/* Per-CPU block, one per CPU, reached through GS in the kernel (swapgs on every entry from ring 3, so GS_BASE
 * is always this CPU's block while in ring 0). The first four fields are read by the entry stubs and by
 * `current` (kernel/proc.h) at fixed offsets. */
#define MAX_CPUS 16
#define GDT_ENTRIES 7
struct task;
struct percpu {
    struct percpu *self;
    u64 user_rsp;       /* scratch: the user rsp while syscall.asm switches stacks */
    u64 kstack_top;     /* the current task's kernel stack top (also TSS.RSP0) */
    struct task *curr;  /* the task this CPU runs: `current` */
    u32 id;             /* 0 for the boot CPU, then in the order the firmware lists them */
    u32 apic_id;        /* its local APIC's ID (from the MADT or MP table) */
    bool irq_tick;      /* the interrupt being handled is the timer's alone */
    bool tsd_on;        /* what CR4.TSD holds now */
    bool online;        /* set by the CPU itself once it runs in long mode on the kernel's tables */
    u8 *ist_stacks;     /* an AP's three IST stacks (smp.c); the boot CPU's are static (gdt.c) */
    bool need_resched;  /* its time slice is over: switch on the way back to ring 3 */
    bool halted;        /* in irq_wait's hlt, without the big lock: a wake-up IPI gets it going */
    bool irq_took_lock; /* an interrupt that came in ring 0 took the big lock (irq.c) */
    bool lapic_tick;    /* an AP's local APIC timer ticks (irq.c, lapic_timer_tick) */
    bool lock_sleep;    /* halted in bkl_lock until the holder's IPI_LOCK (smp_lock.c); interrupts come meanwhile */
    u16 tlb_ms;         /* under TCG: ms of ticks since it last reloaded CR3 (irq.c, tlb_refresh_after) */
    bool lock_wait;     /* in bkl_lock's wait (spinning or halted): it flushes as it takes the lock (smp_lock.c) */
    u32 flush_req;      /* TLB-shootdown requests asked of it (smp_lock.c: a count, bumped by the lock holder) */
    u32 flush_done;     /* the last request it answered: one is pending while the two differ */
    struct vm_space *active_vm; /* the address space its CR3 holds (kernel/vm.c) */
    struct vm_space *dying_vm;  /* a shootdown asks it to leave this space (it is being freed); the sender's */
    u64 idle_ksp;       /* an AP's idle context, saved while it runs a task */
    u64 idle_tsc;       /* TSC ticks it spent halted with nothing to run */
    u64 idle_since;     /* TSC at which its current idle halt began (0: not in one); read with the lock */
    u64 irqs;           /* interrupts it took (irq.c): an AP's timed irq_wait ends at the next one */
    u64 fair_wait_since, fair_grant_until; /* fair tasks waiting behind real-time ones (kernel/sched.c: ns; lock) */
    u64 gdt[GDT_ENTRIES] __attribute__((aligned(8)));
    struct tss tss __attribute__((aligned(16)));
};
#define PERCPU_USER_RSP 8
#define PERCPU_KSTACK_TOP 16
_Static_assert(offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "syscall.asm uses this offset");
_Static_assert(offsetof(struct percpu, kstack_top) == PERCPU_KSTACK_TOP, "syscall.asm uses this offset");
extern struct percpu cpus[MAX_CPUS];
/* This CPU's block through GS: percpu_gs is the absolute symbol 0 (linker.ld), so percpu_gs.f is one
 * %gs:offset load or store, as cheap as a global variable's. */
extern struct percpu __seg_gs percpu_gs;
static inline struct percpu *this_cpu(void) { return percpu_gs.self; }

/* CPU features, filled by cpu_init. */
struct cpu_features {
    bool nx, xsave, avx, smep, smap, umip, rdrand, rdseed, fsgsbase, pge, invariant_tsc;
    bool tcg;             /* QEMU's TCG emulates this CPU (its hypervisor leaf says "TCGTCGTCGTCG"): irq.c */
    u32 hwcap;            /* CPUID.1:EDX, as Linux reports AT_HWCAP on x86_64 */
    u32 xsave_size;       /* bytes XSAVE needs for the enabled components */
    u64 xcr0;
};
extern struct cpu_features cpu;
/* umip.c: with CR4.UMIP, the #GP of sgdt/sidt/sldt/smsw/str in ring 3 emulated as Linux does (true: done) */
extern bool umip_enabled;
bool umip_emulate(struct regs *r);
void arch_set_tsd(bool on); /* cpu.c: CR4.TSD (rdtsc faults in ring 3): written only when it changes */
/* cpu.c: with CR4.FSGSBASE a program moves its FS and GS bases itself (WRFSBASE, WRGSBASE), unseen by the kernel:
 * brings *fs and *gs (the running task's record) up to the CPU's live values; nothing to do without it. */
void arch_user_bases_save(u64 *fs, u64 *gs);
extern u8 cpu_has_smap;   /* read by copy_user.asm to decide on stac/clac */

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 inl(u16 port) { u32 v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline u64 rdmsr(u32 msr)
{
    u32 lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((u64)hi << 32) | lo;
}
static inline void wrmsr(u32 msr, u64 v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}
#define MSR_EFER 0xC0000080
#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_FMASK 0xC0000084
#define MSR_FS_BASE 0xC0000100
#define MSR_GS_BASE 0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102

static inline u64 rdtsc(void)
{
    u32 lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}
static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline u64 read_cr2(void) { u64 v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline u64 read_cr3(void) { u64 v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(u64 v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void invlpg(u64 va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline noreturn void cpu_halt_forever(void) { for (;;) __asm__ volatile("cli; hlt"); }
static inline void cpu_relax(void) { __asm__ volatile("pause"); }

/* cpu.c, gdt.c, idt.c */
void cpu_init(void);
void gdt_init(struct percpu *c);
void gdt_init_stacks(struct percpu *c, u8 *ist_stacks); /* ist_stacks: 3 * IST_STACK_SIZE bytes */
#define IST_STACK_SIZE 8192
void idt_init(void);
void syscall_msr_init(void);
void arch_set_kstack(u64 top);
bool cpu_random64(u64 *out);
void arch_user_fpu_init(void); /* a clean x87/SSE state (FCW 0x37f, MXCSR 0x1f80) for a new program */
void arch_fpu_save(u8 *area);  /* XSAVE (or FXSAVE) into a 64-byte aligned area of cpu.xsave_size */
void arch_fpu_restore(const u8 *area);
void timer_set_periodic(bool on); /* a 1 kHz scheduler tick while several tasks may run */   /* RDSEED, else RDRAND; false when the CPU has neither */

/* irq.c: legacy PIC interrupts and the PIT as a one-shot timer. */
void idt_set_gate(int vector, u64 handler);
void irq_init(void);
void timer_init(void);
void irq_register(int irq, void (*fn)(void *), void *ctx);
int irq_alloc_msi(void (*fn)(void *), void *ctx, u64 *addr, u32 *data); /* -1 without a local APIC */
void irq_wait(u64 ns);               /* halt until an interrupt or ~ns pass (~0: no timer); a driver's wait */
void irq_wait_idle(u64 ns);          /* the same for the scheduler with nothing to run (drops the big lock) */
bool timer_is_periodic(void);         /* the 1 kHz tick runs */
void timer_program_starts(void);      /* the first program starts: under TCG the 20 Hz TLB refresh (irq.c) */
void irq_return_check(struct regs *r); /* trap.c: deliver signals when an IRQ interrupted ring 3 */
bool irq_was_tick(void);               /* the interrupt being handled was the timer's */

/* Enter ring 3 at rip with rsp, never returning (trap.asm). */
noreturn void arch_enter_user(struct regs *frame);
noreturn void arch_return_to_user(struct regs *frame);

/* copy_user.asm: only these touch user memory; a fault inside them returns -EFAULT (the extable). */
long arch_copy_user(void *dst, const void *src, size_t n);
long arch_strncpy_user(char *dst, const char *src, size_t max);
struct extable_entry { u64 insn, fixup; };
u64 extable_fixup(u64 rip);

/* trap.c */
void trap_handler(struct regs *r);
void regs_dump(const struct regs *r);
noreturn void panic_regs_at(const char *file, int line, const char *func, const struct regs *r, const char *fmt,
                            ...) __attribute__((format(printf, 5, 6)));
#define panic_regs(r, ...) panic_regs_at(__FILE__, __LINE__, __func__, r, __VA_ARGS__)
void backtrace_dump(u64 rbp);

/* vdso.c: the vDSO (clock_gettime and friends without a syscall) */
struct vm_space;
void vdso_init(void);
void vdso_clock_ready(u64 boot_tsc, u64 ns_mult, u64 realtime_base_ns);
void vdso_set_tz(int minuteswest, int dsttime);
void vdso_set_ncpus(int n);       /* vdso.c: the CPUs online, once the last AP is up (smp_finish) */
u64 vdso_map(struct vm_space *vs);   /* into a new program's space: the image's address, 0 without */
u64 vdso_page(u64 off);              /* the physical page at offset off of the vDSO's region */

#endif
