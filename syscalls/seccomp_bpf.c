/* syscalls/seccomp_bpf.c — the classic BPF that seccomp filters are written in (bpf(4)'s instruction set as the
 * BSD packet filter defined it), restricted as Linux restricts it for seccomp: only 32-bit loads of the
 * struct seccomp_data at aligned offsets, no packet-relative loads, no RET X. A filter is checked once, when it
 * is installed (every jump lands inside it and forward, it ends with a RET, scratch memory is written before
 * it is read on every path); running it then needs no checks but X = 0 in a division. */
#include "seccomp.h"

/* Instruction classes and fields, as in the BPF instruction encoding. */
#define BPF_CLASS(c) ((c) & 0x07)
#define BPF_LD 0x00
#define BPF_LDX 0x01
#define BPF_ST 0x02
#define BPF_STX 0x03
#define BPF_ALU 0x04
#define BPF_JMP 0x05
#define BPF_RET 0x06
#define BPF_MISC 0x07
#define BPF_W 0x00
#define BPF_IMM 0x00
#define BPF_ABS 0x20
#define BPF_MEM 0x60
#define BPF_LEN 0x80
#define BPF_OP(c) ((c) & 0xf0)
#define BPF_ADD 0x00
#define BPF_SUB 0x10
#define BPF_MUL 0x20
#define BPF_DIV 0x30
#define BPF_OR 0x40
#define BPF_AND 0x50
#define BPF_LSH 0x60
#define BPF_RSH 0x70
#define BPF_NEG 0x80
#define BPF_XOR 0xa0
#define BPF_K 0x00
#define BPF_X 0x08
#define BPF_JA 0x00
#define BPF_JEQ 0x10
#define BPF_JGT 0x20
#define BPF_JGE 0x30
#define BPF_JSET 0x40
#define BPF_A 0x10
#define BPF_TAX 0x00
#define BPF_TXA 0x80

/* The opcodes a seccomp filter may use (what Linux accepts: checked against it by test/conformance/seccomp). */
static bool opcode_ok(u16 c)
{
    switch (c) {
    case BPF_LD | BPF_W | BPF_IMM: case BPF_LD | BPF_W | BPF_ABS: case BPF_LD | BPF_W | BPF_LEN:
    case BPF_LD | BPF_MEM: case BPF_LDX | BPF_W | BPF_IMM: case BPF_LDX | BPF_W | BPF_LEN: case BPF_LDX | BPF_MEM:
    case BPF_ST: case BPF_STX: case BPF_RET | BPF_K: case BPF_RET | BPF_A:
    case BPF_MISC | BPF_TAX: case BPF_MISC | BPF_TXA: case BPF_ALU | BPF_NEG: case BPF_JMP | BPF_JA:
        return true;
    }
    if (BPF_CLASS(c) == BPF_ALU && (c & ~(0xf0 | BPF_X | 0x07)) == 0)
        return BPF_OP(c) <= BPF_RSH || BPF_OP(c) == BPF_XOR; /* not MOD: Linux's seccomp refuses it */
    if (BPF_CLASS(c) == BPF_JMP && (c & ~(0xf0 | BPF_X | 0x07)) == 0)
        return BPF_OP(c) >= BPF_JEQ && BPF_OP(c) <= BPF_JSET;
    return false;
}

static long check_insn(struct sock_filter *f, u32 pc, u32 len)
{
    struct sock_filter *in = &f[pc];
    u16 c = in->code;
    if (!opcode_ok(c))
        return -EINVAL;
    switch (BPF_CLASS(c)) {
    case BPF_LD:
    case BPF_LDX:
        if ((c & 0xe0) == BPF_ABS && (in->k >= sizeof(struct seccomp_data) || (in->k & 3)))
            return -EINVAL;
        if ((c & 0xe0) == BPF_LEN) { /* the length of the "packet" is the struct's: a constant */
            in->code = (u16)(BPF_CLASS(c) | BPF_W | BPF_IMM);
            in->k = sizeof(struct seccomp_data);
        }
        if ((c & 0xe0) == BPF_MEM && in->k >= BPF_MEMWORDS)
            return -EINVAL;
        return 0;
    case BPF_ST:
    case BPF_STX:
        return in->k >= BPF_MEMWORDS ? -EINVAL : 0;
    case BPF_ALU:
        if (!(c & BPF_X) && BPF_OP(c) == BPF_DIV && in->k == 0)
            return -EINVAL;
        if (!(c & BPF_X) && (BPF_OP(c) == BPF_LSH || BPF_OP(c) == BPF_RSH) && in->k >= 32)
            return -EINVAL;
        return 0;
    case BPF_JMP:
        if (BPF_OP(c) == BPF_JA)
            return in->k >= len - pc - 1 ? -EINVAL : 0;
        return pc + in->jt + 1 >= len || pc + in->jf + 1 >= len ? -EINVAL : 0;
    }
    return 0;
}

/* Scratch memory read before it is written on some path makes the filter invalid (as on Linux). Jumps only go
 * forward, so one pass does it: each instruction keeps what is known written on every path reaching it. */
static long check_memory(const struct sock_filter *f, u32 len)
{
    u16 *masks = kmalloc(len * sizeof(u16)); /* up to 8 KiB: not on the kernel stack */
    u16 valid = 0;
    long rc = 0;
    if (!masks)
        return -ENOMEM;
    for (u32 pc = 0; pc < len; pc++)
        masks[pc] = 0xffff;
    for (u32 pc = 0; pc < len; pc++) {
        const struct sock_filter *in = &f[pc];
        valid &= masks[pc];
        u16 c = in->code;
        if (BPF_CLASS(c) == BPF_ST || BPF_CLASS(c) == BPF_STX)
            valid |= (u16)(1u << in->k);
        else if ((c == (BPF_LD | BPF_MEM) || c == (BPF_LDX | BPF_MEM)) && !(valid & (1u << in->k))) {
            rc = -EINVAL;
            break;
        }
        else if (BPF_CLASS(c) == BPF_JMP && BPF_OP(c) == BPF_JA) {
            masks[pc + 1 + in->k] &= valid;
            valid = 0xffff;
        } else if (BPF_CLASS(c) == BPF_JMP) {
            masks[pc + 1 + in->jt] &= valid;
            masks[pc + 1 + in->jf] &= valid;
            valid = 0xffff;
        }
    }
    kfree(masks);
    return rc;
}

long bpf_seccomp_check(struct sock_filter *f, u32 len)
{
    if (len == 0 || len > BPF_MAXINSNS)
        return -EINVAL;
    for (u32 pc = 0; pc < len; pc++)
        if (check_insn(f, pc, len))
            return -EINVAL;
    if (BPF_CLASS(f[len - 1].code) != BPF_RET)
        return -EINVAL;
    return check_memory(f, len);
}

static u32 alu(u16 op, u32 a, u32 v)
{
    switch (op) {
    case BPF_ADD: return a + v;
    case BPF_SUB: return a - v;
    case BPF_MUL: return a * v;
    case BPF_DIV: return a / v; /* v != 0: checked at install (K) or by the caller (X) */
    case BPF_OR: return a | v;
    case BPF_AND: return a & v;
    case BPF_LSH: return v >= 32 ? 0 : a << v;
    case BPF_RSH: return v >= 32 ? 0 : a >> v;
    case BPF_NEG: return -a;
    default: return a ^ v; /* BPF_XOR: the only other opcode the check lets through */
    }
}

static bool jump_taken(u16 op, u32 a, u32 v)
{
    switch (op) {
    case BPF_JEQ: return a == v;
    case BPF_JGT: return a > v;
    case BPF_JGE: return a >= v;
    default: return (a & v) != 0; /* BPF_JSET */
    }
}

u32 bpf_seccomp_run(const struct sock_filter *f, const struct seccomp_data *d)
{
    u32 a = 0, x = 0, mem[BPF_MEMWORDS];
    for (u32 pc = 0;; pc++) {
        const struct sock_filter *in = &f[pc];
        u16 c = in->code;
        u32 v = (c & BPF_X) ? x : in->k;
        switch (BPF_CLASS(c)) {
        case BPF_LD:
            if ((c & 0xe0) == BPF_ABS)
                memcpy(&a, (const u8 *)d + in->k, 4);
            else
                a = (c & 0xe0) == BPF_MEM ? mem[in->k] : in->k;
            break;
        case BPF_LDX:
            x = (c & 0xe0) == BPF_MEM ? mem[in->k] : in->k;
            break;
        case BPF_ST: mem[in->k] = a; break;
        case BPF_STX: mem[in->k] = x; break;
        case BPF_ALU:
            if (BPF_OP(c) == BPF_DIV && v == 0)
                return 0; /* a division by X = 0 ends the filter with 0, as Linux's does: SECCOMP_RET_KILL */
            a = alu(BPF_OP(c), a, v);
            break;
        case BPF_JMP:
            if (BPF_OP(c) == BPF_JA)
                pc += in->k;
            else
                pc += jump_taken(BPF_OP(c), a, v) ? in->jt : in->jf;
            break;
        case BPF_RET:
            return (c & BPF_A) ? a : in->k;
        case BPF_MISC:
            if (c == (BPF_MISC | BPF_TAX))
                x = a;
            else
                a = x;
            break;
        }
    }
}
