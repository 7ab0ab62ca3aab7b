/* net/netlink_opt.c — a netlink socket's options at SOL_NETLINK (netlink(7)): flags recorded and read back
 * (NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK and NETLINK_CAP_ACK change what replies look like: netlink_msg.c,
 * netlink_route.c), multicast memberships, and the control messages a receive returns (NETLINK_PKTINFO,
 * SO_PASSCRED's credentials). */
#include "netlink.h"
#include "../kernel/errno.h"
#include "../kernel/cred.h"

#define CAP_NET_BROADCAST 11
#define NETLINK_ADD_MEMBERSHIP 1
#define NETLINK_DROP_MEMBERSHIP 2
#define NETLINK_PKTINFO 3
#define NETLINK_BROADCAST_ERROR 4
#define NETLINK_NO_ENOBUFS 5
#define NETLINK_LISTEN_ALL_NSID 8
#define NETLINK_LIST_MEMBERSHIPS 9
#define NETLINK_CAP_ACK 10
#define NETLINK_EXT_ACK 11
#define NETLINK_GET_STRICT_CHK 12
#define RTNLGRP_MAX 32                /* the groups skiff keeps: every one a u32 nl_groups can name */

static bool *flag_of(struct nl_sock *k, int name)
{
    switch (name) {
    case NETLINK_PKTINFO: return &k->pktinfo;
    case NETLINK_BROADCAST_ERROR: return &k->broadcast_error;
    case NETLINK_NO_ENOBUFS: return &k->no_enobufs;
    case NETLINK_LISTEN_ALL_NSID: return &k->listen_all_nsid;
    case NETLINK_CAP_ACK: return &k->cap_ack;
    case NETLINK_EXT_ACK: return &k->ext_ack;
    case NETLINK_GET_STRICT_CHK: return &k->strict;
    }
    return NULL;
}

int nl_setsockopt(struct socket *s, int level, int name, const void *kval, u32 len)
{
    struct nl_sock *k = s->priv;
    if (level != SOL_NETLINK)
        return -ENOPROTOOPT;
    int val = 0; /* Linux reads the int only when there is room for one: a shorter value is 0 */
    if (len >= sizeof(int))
        memcpy(&val, kval, sizeof(val));
    if (name == NETLINK_ADD_MEMBERSHIP || name == NETLINK_DROP_MEMBERSHIP) {
        if (!val || (u32)val > RTNLGRP_MAX) {
            if (val > RTNLGRP_MAX)
                klog("netlink: group %d: skiff keeps groups 1 to 32 only: EINVAL\n", val);
            return -EINVAL;
        }
        k->had_groups = true;
        if (name == NETLINK_ADD_MEMBERSHIP)
            k->groups |= nl_group_mask((u32)val);
        else
            k->groups &= ~nl_group_mask((u32)val);
        return 0;
    }
    if (name == NETLINK_LISTEN_ALL_NSID && !capable(CAP_NET_BROADCAST))
        return -EPERM;
    bool *f = flag_of(k, name);
    if (!f)
        return -ENOPROTOOPT;
    *f = val != 0;
    if (name == NETLINK_NO_ENOBUFS && val)
        k->err = k->err == ENOBUFS ? 0 : k->err;
    return 0;
}

int nl_getsockopt(struct socket *s, int level, int name, void *kval, u32 *len)
{
    struct nl_sock *k = s->priv;
    if (level != SOL_NETLINK)
        return -ENOPROTOOPT;
    if (name == NETLINK_LIST_MEMBERSHIPS) {
        /* Linux sizes the bitmap by the protocol's group count (over 32 for NETLINK_ROUTE: two u32s) once a
         * group was asked for, and fills whole u32s that fit */
        u32 bits[2] = { k->groups, 0 }, room = *len, size = k->had_groups ? sizeof(bits) : 0;
        memcpy(kval, bits, MIN(room, size) & ~3u);
        *len = size;
        return 0;
    }
    bool *f = flag_of(k, name);
    if (!f)
        return -ENOPROTOOPT;
    if (*len < sizeof(int))
        return -EINVAL;
    int v = *f;
    memcpy(kval, &v, sizeof(v));
    *len = sizeof(int);
    return 0;
}

/* NETLINK_PKTINFO's group, then SO_PASSCRED's credentials of the sender (the kernel's are 0, 0, 0). */
int nl_recv_ctl(struct socket *s, void *kctl, u32 *len, int *mflags, int flags)
{
    struct nl_sock *k = s->priv;
    (void)flags;
    u32 room = kctl ? *len : 0, used = 0;
    if (k->pktinfo) {
        u32 g = k->last_group;
        used += sock_put_cmsg(kctl, room, SOL_NETLINK, NETLINK_PKTINFO, &g, sizeof(g), mflags);
    }
    if (s->opts & (1u << SO_PASSCRED)) {
        used += sock_put_cmsg(kctl ? (u8 *)kctl + used : NULL, room - used, SOL_SOCKET, SCM_CREDENTIALS,
                              &k->last_cred, sizeof(k->last_cred), mflags);
    }
    *len = used;
    return 0;
}
