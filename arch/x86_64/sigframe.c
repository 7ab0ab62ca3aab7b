/* arch/x86_64/sigframe.c — signal frames in the layout Linux uses on x86_64, so that glibc's and musl's
 * restorers (rt_sigreturn) and handlers that read their ucontext work unchanged:
 *   rsp -> pretcode (sa_restorer), struct ucontext (flags, link, stack_t, sigcontext, sigmask),
 *          siginfo (128 bytes), and the FPU/SSE/AVX state (XSAVE or FXSAVE image, 64-byte aligned).
 * The handler is entered with rdi = signal, rsi = &siginfo, rdx = &ucontext, and rsp 8 bytes below a
 * 16-byte boundary, as after a call. */
#include "arch.h"
#include "../../kernel/proc.h"
#include "../../kernel/errno.h"

struct sigcontext_k {
    u64 r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    u16 cs, gs, fs, ss;
    u64 err, trapno, oldmask, cr2, fpstate;
    u64 reserved[8];
};
_Static_assert(sizeof(struct sigcontext_k) == 256, "x86_64 struct sigcontext");

struct ucontext_k {
    u64 flags, link;
    struct k_stack stack;
    struct sigcontext_k mc;
    u64 sigmask;
};
_Static_assert(offsetof(struct ucontext_k, mc) == 40 && sizeof(struct ucontext_k) == 304, "kernel ucontext");

struct siginfo_k {
    i32 signo, errnum, code, pad;
    union {
        struct { i32 pid; u32 uid; } kill;
        struct { u64 addr; } fault;
        u8 raw[112];
    };
};
_Static_assert(sizeof(struct siginfo_k) == 128, "siginfo_t");

struct rt_sigframe {
    u64 pretcode;
    struct ucontext_k uc;
    struct siginfo_k info;
};

#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#define UC_FP_XSTATE 1
#define RED_ZONE 128
#define XSAVE_MAX 4096
/* RFLAGS bits a program may set through sigreturn: CF PF AF ZF SF TF DF OF AC and RF (as Linux's FIX_EFLAGS). */
#define USER_RFLAGS 0x50dd5ull

static u8 fpbuf[XSAVE_MAX] __attribute__((aligned(64)));

static size_t fp_size(void)
{
    return cpu.xsave ? cpu.xsave_size + 4 /* MAGIC2 */ : 512;
}

static void fp_save(void)
{
    memset(fpbuf, 0, fp_size());
    if (cpu.xsave) {
        __asm__ volatile("xsave %0" : "+m"(*(u8(*)[XSAVE_MAX])fpbuf) : "a"((u32)cpu.xcr0), "d"((u32)(cpu.xcr0 >> 32)));
        u32 sw[5] = { FP_XSTATE_MAGIC1, cpu.xsave_size + 4, (u32)cpu.xcr0, cpu.xsave_size, 0 };
        memcpy(fpbuf + 464, sw, sizeof(sw));           /* fx_sw_bytes in the FXSAVE area's free space */
        u32 m2 = FP_XSTATE_MAGIC2;
        memcpy(fpbuf + cpu.xsave_size, &m2, sizeof(m2));
    } else {
        __asm__ volatile("fxsave %0" : "+m"(*(u8(*)[512])fpbuf));
    }
}

/* Loads user-supplied FP state only after making it acceptable to XRSTOR/FXRSTOR, which would otherwise
 * fault in the kernel: MXCSR reserved bits and the XSAVE header's reserved fields are cleared. */
static void fp_restore(void)
{
    u32 mxcsr;
    memcpy(&mxcsr, fpbuf + 24, 4);
    mxcsr &= 0xffbf;
    memcpy(fpbuf + 24, &mxcsr, 4);
    if (cpu.xsave) {
        u64 hdr[8];
        memcpy(hdr, fpbuf + 512, sizeof(hdr));
        hdr[0] &= cpu.xcr0; /* XSTATE_BV */
        for (int i = 1; i < 8; i++)
            hdr[i] = 0;     /* XCOMP_BV (standard format) and reserved */
        memcpy(fpbuf + 512, hdr, sizeof(hdr));
        __asm__ volatile("xrstor %0" : : "m"(*(u8(*)[XSAVE_MAX])fpbuf), "a"((u32)cpu.xcr0), "d"((u32)(cpu.xcr0 >> 32)));
    } else {
        __asm__ volatile("fxrstor %0" : : "m"(*(u8(*)[512])fpbuf));
    }
}

static void regs_to_mc(const struct regs *r, struct sigcontext_k *mc)
{
    *mc = (struct sigcontext_k){
        .r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11, .r12 = r->r12, .r13 = r->r13, .r14 = r->r14,
        .r15 = r->r15, .rdi = r->rdi, .rsi = r->rsi, .rbp = r->rbp, .rbx = r->rbx, .rdx = r->rdx, .rax = r->rax,
        .rcx = r->rcx, .rsp = r->rsp, .rip = r->rip, .eflags = r->rflags, .cs = (u16)r->cs, .ss = (u16)r->ss,
    };
}

static bool on_altstack(u64 sp)
{
    const struct k_stack *a = &current->altstack;
    return a->size && sp > a->sp && sp - a->sp <= a->size;
}

#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

/* rt_sigreturn puts back the alternate stack the frame saved, as Linux's restore_altstack: unless the handler
 * returns from the stack that is set now (then nothing changes), and squashing what sigaltstack would refuse.
 * So a handler's sigaltstack lasts only until it returns, and SS_AUTODISARM's stack comes back. */
static void restore_altstack(const struct k_stack *ss, u64 sp)
{
    u32 mode = (u32)ss->flags & ~SS_AUTODISARM;
    if (on_altstack(sp) || (mode != 0 && mode != 1 /* SS_ONSTACK */ && mode != SS_DISABLE))
        return;
    if (mode == SS_DISABLE)
        current->altstack = (struct k_stack){ 0 };
    else if (ss->size >= MINSIGSTKSZ)
        current->altstack = (struct k_stack){ .sp = ss->sp, .size = ss->size,
                                              .flags = (i32)((u32)ss->flags & SS_AUTODISARM) };
}

int sigframe_setup(struct regs *r, int sig, const struct k_sigaction *act, const struct k_siginfo *info, u64 oldmask)
{
    if (!(act->flags & SA_RESTORER))
        return -EFAULT; /* x86_64 has no default restorer: Linux refuses such a frame too */
    u64 sp = r->rsp;
    if ((act->flags & SA_ONSTACK) && current->altstack.size && !on_altstack(sp))
        sp = current->altstack.sp + current->altstack.size;
    else
        sp -= RED_ZONE;
    sp = ALIGN_DOWN(sp - fp_size(), 64);
    u64 fpstate = sp;
    u64 frame = ALIGN_DOWN(sp - sizeof(struct rt_sigframe), 16) - 8;

    fp_save();
    struct rt_sigframe f;
    memset(&f, 0, sizeof(f));
    f.pretcode = act->restorer;
    f.uc.flags = cpu.xsave ? UC_FP_XSTATE : 0;
    f.uc.stack = current->altstack; /* with its own flags (0, SS_AUTODISARM), or SS_DISABLE: Linux's */
    if (!current->altstack.size)
        f.uc.stack.flags = SS_DISABLE;
    regs_to_mc(r, &f.uc.mc);
    f.uc.mc.err = info->error;
    f.uc.mc.trapno = info->trapno;
    f.uc.mc.oldmask = oldmask;
    f.uc.mc.cr2 = info->addr;
    f.uc.mc.fpstate = fpstate;
    f.uc.sigmask = oldmask;
    signal_siginfo_user(info, &f.info);
    f.info.signo = sig;
    if (copy_to_user((void *)fpstate, fpbuf, fp_size()) || copy_to_user((void *)frame, &f, sizeof(f)))
        return -EFAULT;
    if ((u32)current->altstack.flags & SS_AUTODISARM)
        current->altstack = (struct k_stack){ 0 }; /* disarmed until the handler returns */
    r->rip = act->handler;
    r->rsp = frame;
    r->rdi = sig;
    r->rsi = frame + offsetof(struct rt_sigframe, info);
    r->rdx = frame + offsetof(struct rt_sigframe, uc);
    r->rax = 0;
    r->rflags &= ~((1ull << 8) | (1ull << 10)); /* TF, DF cleared for the handler */
    r->cs = SEL_UCODE;
    r->ss = SEL_UDATA;
    return 0;
}

/* rt_sigreturn: the restorer's `syscall` runs with rsp just past pretcode, at the ucontext. */
long sigframe_return(struct regs *r)
{
    struct ucontext_k uc;
    u64 frame = r->rsp - 8;
    if (copy_from_user(&uc, (const void *)(frame + offsetof(struct rt_sigframe, uc)), sizeof(uc)))
        goto bad;
    const struct sigcontext_k *mc = &uc.mc;
    if (mc->rip >= USER_TOP)
        goto bad;
    restore_altstack(&uc.stack, r->rsp);
    if (mc->fpstate) {
        if (copy_from_user(fpbuf, (const void *)mc->fpstate, cpu.xsave ? cpu.xsave_size : 512))
            goto bad;
        fp_restore();
    }
    r->r8 = mc->r8, r->r9 = mc->r9, r->r10 = mc->r10, r->r11 = mc->r11, r->r12 = mc->r12, r->r13 = mc->r13;
    r->r14 = mc->r14, r->r15 = mc->r15, r->rdi = mc->rdi, r->rsi = mc->rsi, r->rbp = mc->rbp, r->rbx = mc->rbx;
    r->rdx = mc->rdx, r->rcx = mc->rcx, r->rsp = mc->rsp, r->rip = mc->rip;
    r->rflags = (r->rflags & ~USER_RFLAGS) | (mc->eflags & USER_RFLAGS);
    r->cs = SEL_UCODE;
    r->ss = SEL_UDATA;
    current->sig_blocked = uc.sigmask & ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
    return mc->rax;
bad:
    proc_diag("skiff: %s: rt_sigreturn with a bad frame: SIGSEGV\n", current->proc->exe ? current->proc->exe : "");
    proc_die(SIGSEGV);
}
