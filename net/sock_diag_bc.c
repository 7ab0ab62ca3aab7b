/* net/sock_diag_bc.c — the filter program a sock_diag inet dump may carry (INET_DIAG_REQ_BYTECODE,
 * linux/inet_diag.h): ops of { code, yes, no } run from the first; an op that holds goes `yes` bytes on, one
 * that fails `no` bytes on; a socket is listed when the run ends exactly at the program's end. ss(8) compiles
 * its filter expressions (sport = :80, dst 10.0.0.0/8, ...) into one. The program is checked first as Linux's
 * inet_diag_bc_audit checks it (EINVAL; a mark condition needs CAP_NET_ADMIN: EPERM).
 * Not done: INET_DIAG_BC_CGROUP_COND (skiff has no cgroups: EOPNOTSUPP); INET_DIAG_BC_AUTO never holds (skiff
 * does not record whether a port was chosen by the kernel). */
#include "sock_diag.h"
#include "net.h"
#include "../kernel/errno.h"
#include "../kernel/cred.h"

#define CAP_NET_ADMIN 12
enum { BC_NOP, BC_JMP, BC_S_GE, BC_S_LE, BC_D_GE, BC_D_LE, BC_AUTO, BC_S_COND, BC_D_COND, BC_DEV_COND,
       BC_MARK_COND, BC_S_EQ, BC_D_EQ, BC_CGROUP_COND };

struct bc_op { u8 code, yes; u16 no; };
struct bc_hostcond { u8 family, prefix_len; u16 pad; i32 port; u32 addr[]; };
struct bc_markcond { u32 mark, mask; };

/* A jump of the op at offset `from` lands at offset `to` only on an op's start (Linux's valid_cc). */
static bool on_op(const u8 *bc, int len, int to)
{
    int at = 0;
    while (at < to && at < len) {
        const struct bc_op *op = (const void *)(bc + at);
        if (op->yes < 4 || (op->yes & 3))
            return false;
        at += op->yes;
    }
    return at == to;
}

/* The bytes an op takes, or 0 when it does not fit what is left (len) or is malformed. */
static int op_size(const u8 *p, int len)
{
    const struct bc_op *op = (const void *)p;
    int n = (int)sizeof(*op);
    switch (op->code) {
    case BC_S_COND:
    case BC_D_COND: {
        if (len < n + (int)sizeof(struct bc_hostcond))
            return 0;
        const struct bc_hostcond *c = (const void *)(op + 1);
        int alen = c->family == AF_INET ? 4 : c->family == AF_INET6 ? 16 : c->family == AF_UNSPEC_K ? 0 : -1;
        if (alen < 0 || c->prefix_len > alen * 8)
            return 0;
        n += (int)sizeof(*c) + alen;
        break;
    }
    case BC_DEV_COND: n += 4; break;
    case BC_MARK_COND: n += (int)sizeof(struct bc_markcond); break;
    case BC_S_EQ: case BC_S_GE: case BC_S_LE: case BC_D_EQ: case BC_D_GE: case BC_D_LE: n += (int)sizeof(*op); break;
    case BC_NOP: case BC_JMP: case BC_AUTO: break;
    default: return 0;
    }
    return len >= n ? n : 0;
}

int sock_diag_bc_audit(const u8 *bc, int len)
{
    if (len < (int)sizeof(struct bc_op))
        return -EINVAL;
    int at = 0, left = len;
    while (left > 0) {
        const struct bc_op *op = (const void *)(bc + at);
        if (op->code == BC_CGROUP_COND) {
            kerr("sock_diag: INET_DIAG_BC_CGROUP_COND is not implemented: EOPNOTSUPP\n");
            return -EOPNOTSUPP;
        }
        if (op->code == BC_MARK_COND && !capable(CAP_NET_ADMIN))
            return -EPERM;
        int min = op_size(bc + at, left);
        if (!min)
            return -EINVAL;
        if (op->code != BC_NOP) {
            if (op->no < min || op->no > left + 4 || (op->no & 3))
                return -EINVAL;
            if (op->no < left && !on_op(bc, len, at + op->no))
                return -EINVAL;
        }
        if (op->yes < min || op->yes > left + 4 || (op->yes & 3))
            return -EINVAL;
        at += op->yes;
        left -= op->yes;
    }
    return left == 0 ? 0 : -EINVAL;
}

/* The first bits bits of a and b (network order words) agree. */
static bool prefix_match(const u32 *a, const u32 *b, int bits)
{
    int words = bits / 32, rest = bits % 32;
    if (words && memcmp(a, b, (size_t)words * 4))
        return false;
    if (!rest)
        return true;
    u32 mask = net_htonl(~0u << (32 - rest));
    return ((a[words] ^ b[words]) & mask) == 0;
}

static bool host_holds(const struct bc_op *op, const struct sock_diag_entry *e)
{
    const struct bc_hostcond *c = (const void *)(op + 1);
    bool src = op->code == BC_S_COND;
    if (c->port != -1 && c->port != (src ? e->sport : e->dport))
        return false;
    const u32 *addr = src ? e->saddr : e->daddr;
    if (c->family != AF_UNSPEC_K && c->family != e->family) { /* an IPv4 condition matches a v4-mapped address */
        return e->family == AF_INET6 && c->family == AF_INET && !addr[0] && !addr[1] &&
               addr[2] == net_htonl(0xffff) && prefix_match(addr + 3, c->addr, c->prefix_len);
    }
    return !c->prefix_len || prefix_match(addr, c->addr, c->prefix_len);
}

bool sock_diag_bc_run(const u8 *bc, int len, const struct sock_diag_entry *e)
{
    while (len > 0) {
        const struct bc_op *op = (const void *)bc;
        bool yes = true;
        switch (op->code) { /* a port comparison's port is the next op's `no` */
        case BC_JMP: yes = false; break;
        case BC_S_EQ: yes = e->sport == op[1].no; break;
        case BC_S_GE: yes = e->sport >= op[1].no; break;
        case BC_S_LE: yes = e->sport <= op[1].no; break;
        case BC_D_EQ: yes = e->dport == op[1].no; break;
        case BC_D_GE: yes = e->dport >= op[1].no; break;
        case BC_D_LE: yes = e->dport <= op[1].no; break;
        case BC_AUTO: yes = false; break;
        case BC_S_COND: case BC_D_COND: yes = host_holds(op, e); break;
        case BC_DEV_COND: { u32 i; memcpy(&i, op + 1, 4); yes = e->ifindex == i; break; }
        case BC_MARK_COND: {
            const struct bc_markcond *m = (const void *)(op + 1);
            yes = (e->mark & m->mask) == m->mark;
            break;
        }
        }
        int step = yes ? op->yes : op->no;
        bc += step;
        len -= step;
    }
    return len == 0;
}
