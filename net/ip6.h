/* net/ip6.h — what the IPv6 files share (net/ip6.c the header layer, net/ip6_map.c the stand-ins, net/nd6.c
 * neighbour discovery and SLAAC, net/icmp6.c ICMPv6 on the card). net.h has the interface the rest of the
 * stack sees; addresses here are the real 16 bytes. RFC 8200 (IPv6), 4443 (ICMPv6), 4861 (ND), 4862 (SLAAC),
 * 4291 (addressing). */
#pragma once
#include "net.h"

#define IP6_HLEN 40
#define IP6_MIN_MTU 1280              /* RFC 8200 5: every link carries this much */
#define IP6_HOPS 64                   /* our hop limit until a router advertises another */
#define ND_HOPS 255                   /* RFC 4861: ND messages leave and must arrive with 255 */
#define IP6_NH_ICMP 58

struct ip6_hdr {
    u32 vtf;                          /* version (6) << 28 | traffic class << 20 | flow label, network order */
    u16 plen;                         /* payload length: what follows this header */
    u8 next, hops;
    u8 src[16], dst[16];
} __attribute__((packed));
_Static_assert(sizeof(struct ip6_hdr) == IP6_HLEN, "RFC 8200 3: the fixed header");

/* The interface's IPv6 state (net/nd6.c fills it; interrupt context and syscalls read it, interrupts off). */
struct ip6_state {
    bool ll_ok;                       /* the link-local address is ours (the card is there, nd6_start ran) */
    bool global_ok;                   /* SLAAC gave a global address */
    bool have_router;
    bool rs_gave_up;                  /* every router solicitation went unanswered */
    u8 ll[16], global[16];
    u8 prefix[16];                    /* the advertised on-link /64 (valid with global_ok) */
    bool onlink;                      /* the prefix's L flag: its hosts are neighbours */
    u8 router[16];                    /* the default router's link-local address */
    u8 dns[16];                       /* RDNSS (RFC 8106), if the router gave one */
    bool have_dns;
    u8 hops;                          /* hop limit for what we send (the RA's, else 64) */
    u16 mtu;                          /* link MTU (the RA's MTU option, else the card's) */
};
extern struct ip6_state ip6_st;

static inline bool ip6_eq(const u8 *a, const u8 *b) { return !memcmp(a, b, 16); }
static inline bool ip6_is_multicast(const u8 *a) { return a[0] == 0xff; }
static inline bool ip6_is_linklocal(const u8 *a) { return a[0] == 0xfe && (a[1] & 0xc0) == 0x80; }
bool ip6_is_unspecified(const u8 *a);
void ip6_solicited_node(const u8 target[16], u8 out[16]); /* ff02::1:ffXX:XXXX (RFC 4291 2.7.1) */
bool ip6_addr_is_ours(const u8 a[16]);    /* one of our unicast addresses */
bool ip6_addr_listened(const u8 a[16]);   /* ours, all-nodes, or one of our solicited-node groups */

/* The upper-layer checksum over the IPv6 pseudo-header (RFC 8200 8.1) and the message. */
u16 ip6_csum(const u8 src[16], const u8 dst[16], u8 next, const void *msg, size_t len);
/* An IPv6 packet from src to dst (real addresses) with hop limit hops, its payload copied in; next hop by
 * nd6_output. The payload's checksum is left as given. 0 or -errno. */
int ip6_send(const u8 src[16], const u8 dst[16], u8 next, u8 hops, const void *payload, size_t len);

/* net/nd6.c */
int nd6_output(const u8 dst[16], u8 *frame, size_t len);  /* frame: ETH_FRAME_BUF bytes, len at +ETH_HLEN */
void nd6_input(const u8 src[16], const u8 dst[16], u8 hops, const u8 *msg, size_t len);
/* net/icmp6.c */
void icmp6_wire_input(const u8 src[16], const u8 dst[16], u8 hops, const u8 *msg, size_t len);
void icmp6_send_unreach(u8 code, const u8 *pkt, size_t len);  /* about the IPv6 packet pkt (RFC 4443 3.1) */
void nd6_note(const u8 ip[16], const u8 mac[6], bool create);  /* a neighbour's MAC, learnt */
const u8 *nd6_opt(const u8 *opt, size_t len, u8 want, size_t *optlen, bool *bad);
void nd6_cache_timer(u64 now_ns);
bool nd6_cache_timer_needed(void);
/* net/slaac6.c */
void slaac6_ra_input(const u8 src[16], const u8 *msg, size_t len);
