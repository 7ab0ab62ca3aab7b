/* arch/x86_64/umip.c — with CR4.UMIP, sgdt, sidt, sldt, smsw and str fault (#GP) in ring 3 instead of showing
 * kernel addresses. Linux (5.10 and later) then emulates them with dummy values, for programs such as Wine that
 * use them, and so does skiff: the instruction is decoded (prefixes, REX, ModRM, SIB, displacement,
 * RIP-relative), the dummy value written to its operand, and the program goes on after it. Anything else that
 * faults stays a #GP (SIGSEGV). */
#include "arch.h"
#include "../../kernel/proc.h"
#include "../../kernel/mm.h"

#define DUMMY_GDT_BASE 0xfffffffffffe0000ull
#define DUMMY_IDT_BASE 0xffffffffffff0000ull
#define DUMMY_CR0 0x33u      /* PE, MP, ET, NE: the low half of the CR0 Linux shows */
#define DUMMY_TR (8u * 8)    /* Linux's TSS selector (GDT entry 8) */
#define DUMMY_LDTR 0u        /* no LDT */

bool umip_enabled;

enum { SGDT, SIDT, SLDT, SMSW, STR };

struct insn {
    const u8 *p, *end;
    bool opsize, rex_w, rex_r, rex_x, rex_b, fs, gs;
};

static u64 *reg_slot(struct regs *r, int n)
{
    u64 *slots[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
                       &r->r8,  &r->r9,  &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15 };
    return slots[n & 15];
}

static bool take(struct insn *in, void *out, size_t n)
{
    if (in->end - in->p < (long)n)
        return false;
    memcpy(out, in->p, n);
    in->p += n;
    return true;
}

/* The effective address of a ModRM memory operand (mod != 3); consumes the SIB byte and displacement, so that
 * in->p ends after the instruction (a RIP-relative address counts from there). */
static bool modrm_address(struct insn *in, struct regs *r, u8 modrm, const u8 *start, u64 rip, u64 *ea)
{
    int mod = modrm >> 6, rm = modrm & 7;
    u64 base = 0, index = 0;
    int scale = 0;
    bool rip_rel = false;
    if (rm == 4) {
        u8 sib;
        if (!take(in, &sib, 1))
            return false;
        int b = sib & 7, x = ((sib >> 3) & 7) | (in->rex_x ? 8 : 0);
        scale = sib >> 6;
        if (x != 4)
            index = *reg_slot(r, x);
        if (b == 5 && mod == 0)
            mod = 2, base = 0, rm = -1; /* disp32, no base */
        else
            base = *reg_slot(r, b | (in->rex_b ? 8 : 0));
    } else if (rm == 5 && mod == 0) {
        rip_rel = true, mod = 2;
    } else {
        base = *reg_slot(r, rm | (in->rex_b ? 8 : 0));
    }
    i64 disp = 0;
    if (mod == 1) {
        i8 d;
        if (!take(in, &d, 1))
            return false;
        disp = d;
    } else if (mod == 2) {
        i32 d;
        if (!take(in, &d, 4))
            return false;
        disp = d;
    }
    u64 next_rip = rip + (u64)(in->p - start);
    *ea = (rip_rel ? next_rip : base + (index << scale)) + (u64)disp + (in->fs ? current->fs_base : 0) +
          (in->gs ? current->gs_base : 0); /* the segment overrides that have a base in long mode */
    return true;
}

bool umip_emulate(struct regs *r)
{
    u8 buf[15];
    size_t n = copy_from_user_partial(buf, (const void *)r->rip, sizeof(buf));
    if (!umip_enabled || !n)
        return false;
    struct insn in = { .p = buf, .end = buf + n };
    arch_user_bases_save(&current->fs_base, &current->gs_base); /* a segment override adds the live base */
    for (;; in.p++) {   /* legacy prefixes; a REX prefix must come last */
        if (in.p >= in.end)
            return false;
        u8 b = *in.p;
        if (b == 0x66)
            in.opsize = true;
        else if (b == 0x64)
            in.fs = true;
        else if (b == 0x65)
            in.gs = true;
        else if (b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0xf2 || b == 0xf3)
            continue;
        else
            break;
    }
    if ((*in.p & 0xf0) == 0x40) {
        u8 rex = *in.p++;
        in.rex_w = rex & 8, in.rex_r = rex & 4, in.rex_x = rex & 2, in.rex_b = rex & 1;
    }
    u8 op[2], modrm;
    if (!take(&in, op, 2) || op[0] != 0x0f || op[1] > 1 || !take(&in, &modrm, 1))
        return false;
    int reg = (modrm >> 3) & 7, which;
    if (op[1] == 1)
        which = reg == 0 ? SGDT : reg == 1 ? SIDT : reg == 4 ? SMSW : -1;
    else
        which = reg == 0 ? SLDT : reg == 1 ? STR : -1;
    if (which < 0)
        return false;
    u8 data[10];
    size_t size;
    if (which == SGDT || which == SIDT) {
        if ((modrm >> 6) == 3)
            return false; /* no register form */
        u64 base = which == SGDT ? DUMMY_GDT_BASE : DUMMY_IDT_BASE;
        memset(data, 0, 2); /* limit 0 */
        memcpy(data + 2, &base, 8);
        size = 10;
    } else {
        u64 v = which == SMSW ? DUMMY_CR0 : which == STR ? DUMMY_TR : DUMMY_LDTR;
        memcpy(data, &v, 8);
        size = 2; /* a memory operand takes the 16 low bits; a register the operand size */
        if ((modrm >> 6) == 3) {
            u64 *dst = reg_slot(r, (modrm & 7) | (in.rex_b ? 8 : 0));
            if (in.opsize)
                *dst = (*dst & ~0xffffull) | (v & 0xffff);
            else
                *dst = v; /* a 32-bit write zero-extends, and the value fits in 32 bits */
            r->rip += (u64)(in.p - buf);
            return true;
        }
    }
    u64 ea;
    if (!modrm_address(&in, r, modrm, buf, r->rip, &ea))
        return false;
    if (copy_to_user((void *)ea, data, size)) {
        signal_fault(r, SIGSEGV, SEGV_MAPERR, ea, VM_WRITE, "the operand of an emulated UMIP instruction");
        return true; /* as Linux: the signal is for the operand, the instruction is not passed */
    }
    r->rip += (u64)(in.p - buf);
    return true;
}
