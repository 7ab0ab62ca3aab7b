/* net/csum.c — the Internet checksum (RFC 1071): a ones' complement sum of 16-bit words. Summing the words in
 * the CPU's byte order and storing the result the same way gives the right bytes on the wire (RFC 1071 §2(B)),
 * so nothing here swaps. Pure code: the unit tests build it on the host. */
#include "net.h"

/* Adds len bytes to a running sum. Only the last piece of a chain may have an odd length (its last byte is
 * the high-order byte of a word padded with zero, in network order). */
u32 net_csum_add(u32 sum, const void *data, size_t len)
{
    const u8 *p = data;
    u64 s = sum;
    while (len >= 2) {
        u16 w;
        memcpy(&w, p, 2);
        s += w;
        p += 2;
        len -= 2;
    }
    if (len) {
        u8 last[2] = { p[0], 0 };
        u16 w;
        memcpy(&w, last, 2);
        s += w;
    }
    while (s >> 32)
        s = (s & 0xffffffffu) + (s >> 32);
    return (u32)s;
}

/* Folds the carries back in and complements: the value to store (or 0 when verifying a correct sum). */
u16 net_csum_fold(u32 sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (u16)~sum;
}

u16 ip_pseudo_csum(ip4_t src, ip4_t dst, u8 proto, const void *seg, size_t len)
{
    struct __attribute__((packed)) {
        ip4_t src, dst;
        u8 zero, proto;
        u16 len;
    } ph = { src, dst, 0, proto, net_htons((u16)len) };
    return net_csum_fold(net_csum_add(net_csum_add(0, &ph, sizeof(ph)), seg, len));
}
