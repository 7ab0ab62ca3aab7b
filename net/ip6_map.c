/* net/ip6_map.c — the stand-ins of IPv6 addresses (net.h): index i of 240.6.0.0/16 stands for one address.
 * 1 and 2 are ours (link-local, global), 16 and up are peers, taken in order and found again through a small
 * hash. When the table is full the oldest peer's stand-in is reused: a pcb that still holds it would then
 * reach the new address, so the table is large for a guest's life (1008 peers). Touched from the NIC's
 * interrupt (input) and syscalls, interrupts off. */
#include "ip6.h"

#define MAP_FIRST 16
#define MAP_N 1024
#define MAP_BUCKETS 256

static u8 map_addr[MAP_N][16];
static u16 map_next[MAP_N];           /* hash chain, 0: end */
static u16 map_head[MAP_BUCKETS];
static u16 map_rover = MAP_FIRST;     /* the next index to take */
static bool map_full;

static unsigned map_hash(const u8 a[16])
{
    u32 h = 0;
    for (int i = 0; i < 16; i++)
        h = h * 31 + a[i];
    return (h ^ h >> 8) % MAP_BUCKETS;
}

static ip4_t map_standin(unsigned i)
{
    return IP6_MAP_NET | (ip4_t)(i >> 8) << 16 | (ip4_t)(i & 0xff) << 24;
}

static unsigned map_index(ip4_t s)
{
    return (s >> 16 & 0xff) << 8 | s >> 24;
}

bool ip6_is_unspecified(const u8 *a)
{
    static const u8 zero[16];
    return ip6_eq(a, zero);
}

ip4_t ip6_map_find(const u8 a[16])
{
    if (ip6_st.ll_ok && ip6_eq(a, ip6_st.ll))
        return IP6_MAP_LL;
    if (ip6_st.global_ok && ip6_eq(a, ip6_st.global))
        return IP6_MAP_GLOBAL;
    for (unsigned i = map_head[map_hash(a)]; i; i = map_next[i])
        if (ip6_eq(map_addr[i], a))
            return map_standin(i);
    return 0;
}

static void map_unlink(unsigned i)
{
    u16 *pp = &map_head[map_hash(map_addr[i])];
    while (*pp && *pp != i)
        pp = &map_next[*pp];
    if (*pp)
        *pp = map_next[i];
}

ip4_t ip6_map(const u8 a[16])
{
    ip4_t s = ip6_map_find(a);
    if (s)
        return s;
    unsigned i = map_rover;
    if (map_full)
        map_unlink(i);
    memcpy(map_addr[i], a, 16);
    unsigned b = map_hash(a);
    map_next[i] = map_head[b];
    map_head[b] = (u16)i;
    if (++map_rover == MAP_N) {
        map_rover = MAP_FIRST;
        map_full = true;
    }
    return map_standin(i);
}

bool ip6_unmap(ip4_t s, u8 out[16])
{
    if (!ip6_mapped(s))
        return false;
    if (s == IP6_MAP_LL || s == IP6_MAP_GLOBAL) {
        bool ok = s == IP6_MAP_LL ? ip6_st.ll_ok : ip6_st.global_ok;
        memcpy(out, s == IP6_MAP_LL ? ip6_st.ll : ip6_st.global, 16);
        return ok;
    }
    unsigned i = map_index(s);
    if (i < MAP_FIRST || i >= MAP_N || (!map_full && i >= map_rover))
        return false;
    memcpy(out, map_addr[i], 16);
    return true;
}

bool ip6_is_ours(ip4_t s)
{
    return (s == IP6_MAP_LL && ip6_st.ll_ok) || (s == IP6_MAP_GLOBAL && ip6_st.global_ok);
}

bool ip6_addr_is_ours(const u8 a[16])
{
    return (ip6_st.ll_ok && ip6_eq(a, ip6_st.ll)) || (ip6_st.global_ok && ip6_eq(a, ip6_st.global));
}

void ip6_solicited_node(const u8 target[16], u8 out[16])
{
    static const u8 pre[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };
    memcpy(out, pre, 13);
    memcpy(out + 13, target + 13, 3);
}

bool ip6_addr_listened(const u8 a[16])
{
    static const u8 all_nodes[16] = { 0xff, 0x02, [15] = 1 };
    if (ip6_addr_is_ours(a) || ip6_eq(a, all_nodes))
        return true;
    u8 sn[16];
    ip6_solicited_node(ip6_st.ll, sn);
    if (ip6_st.ll_ok && ip6_eq(a, sn))
        return true;
    ip6_solicited_node(ip6_st.global, sn);
    return ip6_st.global_ok && ip6_eq(a, sn);
}

/* Our address to talk to dst from (RFC 6724's outcome for one interface): ourselves for ourselves, the
 * link-local address for link-local and link-scope multicast destinations, else the global one. */
ip4_t ip6_source_for(ip4_t dst)
{
    u8 a[16];
    if (ip6_is_ours(dst))
        return dst;
    if (!ip6_unmap(dst, a))
        return 0;
    if (ip6_is_linklocal(a) || (ip6_is_multicast(a) && (a[1] & 15) <= 2))
        return ip6_st.ll_ok ? IP6_MAP_LL : 0;
    return ip6_st.global_ok ? IP6_MAP_GLOBAL : 0;
}
