/* net/icmp_perm.c — who may make ICMP "ping" sockets: /proc/sys/net/ipv4/ping_group_range (ip-sysctl: the
 * range of group ids, effective or supplementary, whose members may; its text, and root's writes to it). */
#include "icmp_sock.h"
#include "../kernel/cred.h"

/* /proc/sys/net/ipv4/ping_group_range: every group, as systemd (sysctl.d/50-default.conf) and Docker set it
 * (Linux's own default, 1 0, allows nobody). Written by root through /proc (syscalls only). */
static u32 ping_group[2] = { 0, 2147483647 };

int icmp_ping_group_range(char *buf, size_t size)
{
    return ksnprintf(buf, size, "%u\t%u\n", ping_group[0], ping_group[1]);
}

/* One decimal group id at *p (after blanks): 0 and *v, or -EINVAL (a sign, no digits, beyond a gid_t; the
 * gid (gid_t)-1 is no group); 1 at the end of the text. */
static int gid_parse(const char **p, const char *end, u32 *v)
{
    while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n'))
        (*p)++;
    if (*p == end || !**p)
        return 1;
    u64 x = 0;
    const char *start = *p;
    while (*p < end && **p >= '0' && **p <= '9' && x <= 0xffffffffull)
        x = x * 10 + (u64)(*(*p)++ - '0');
    if (*p == start || x >= 0xffffffffull)
        return -EINVAL;
    *v = (u32)x;
    return 0;
}

/* As Linux's ipv4_ping_group_range: up to two gids (what is not given keeps its value; more are ignored); a
 * range whose end comes before its start becomes the empty 1 0. */
int icmp_ping_group_set(const char *text, size_t n)
{
    u32 r[2] = { ping_group[0], ping_group[1] };
    const char *p = text, *end = text + n;
    for (int i = 0; i < 2; i++) {
        int rc = gid_parse(&p, end, &r[i]);
        if (rc < 0)
            return rc;
        if (rc)
            break;
        if (p < end && *p && *p != ' ' && *p != '\t' && *p != '\n')
            return -EINVAL;
    }
    ping_group[0] = r[1] < r[0] ? 1 : r[0];
    ping_group[1] = r[1] < r[0] ? 0 : r[1];
    return 0;
}

static bool ping_group_has(u32 gid)
{
    return gid >= ping_group[0] && gid <= ping_group[1];
}

/* Linux's ping_init_sock: the effective group or a supplementary one must lie in the range. */
bool icmp_ping_allowed(void)
{
    const struct cred *c = cred_current();
    if (ping_group_has(c->egid))
        return true;
    for (u32 i = 0; c->groups && i < c->groups->n; i++)
        if (ping_group_has(c->groups->gid[i]))
            return true;
    return false;
}
