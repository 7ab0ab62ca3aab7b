/* net/netlink_msg.c — building netlink replies (messages with their attributes, packed into datagrams the way
 * Linux's dumps pack them), acknowledgements and errors (NLMSG_ERROR), the end of a dump (NLMSG_DONE), and
 * reading a request's attributes. netlink(7) and linux/netlink.h give the layout: a 16-byte nlmsghdr, a fixed
 * family header, then attributes (a 4-byte nlattr, the value, padding to 4). */
#include "netlink.h"
#include "../kernel/errno.h"

#define NL_GOODSIZE 3776u             /* Linux's NLMSG_GOODSIZE on 4 KiB pages: a dump's datagram at first */
#define NL_DUMP_MAX 32448u            /* ... and at most (32 KiB less an skb's overhead) */
#define NL_MSG_ROOM 8192u             /* room past the limit for the message being built */
#define NLA_TYPE_MASK 0x3fff          /* without NLA_F_NESTED and NLA_F_NET_BYTEORDER */

void nl_reply_init(struct nl_reply *r, struct nl_sock *k, const struct nlmsghdr_k *req, bool multi)
{
    u32 limit = MAX(NL_GOODSIZE, MIN(k->max_recv, NL_DUMP_MAX));
    *r = (struct nl_reply){ .k = k, .limit = limit, .cap = limit + NL_MSG_ROOM, .seq = req->seq,
                            .flags = multi ? NLM_F_MULTI : 0 };
    r->buf = kmalloc(r->cap);
    r->failed = !r->buf;
}

static int queue_bytes(struct nl_reply *r, u32 n)
{
    int rc = n ? nl_deliver(r->k, r->buf, n, 0, 0, (r->flags & NLM_F_MULTI) != 0) : 0;
    memmove(r->buf, r->buf + n, r->len - n);
    r->len -= n;
    r->msg -= MIN(r->msg, n);
    return rc;
}

static void *room(struct nl_reply *r, u32 n)
{
    if (r->failed || r->len + NL_ALIGN(n) > r->cap) {
        r->failed = true;
        return NULL;
    }
    u8 *p = r->buf + r->len;
    memset(p, 0, NL_ALIGN(n));
    r->len += NL_ALIGN(n);
    return p;
}

void *nl_msg_begin(struct nl_reply *r, u16 type, u32 fixed)
{
    r->msg = r->len;
    struct nlmsghdr_k *h = room(r, NL_HDRLEN);
    void *body = room(r, fixed);
    if (!h || !body)
        return NULL;
    *h = (struct nlmsghdr_k){ 0, type, r->flags, r->seq, r->k->port };
    return body;
}

void nl_put(struct nl_reply *r, u16 type, const void *data, u32 len)
{
    struct nlattr_k *a = room(r, 4 + len);
    if (!a)
        return;
    a->len = (u16)(4 + len);
    a->type = type;
    memcpy(a + 1, data, len);
}

void nl_put_u8(struct nl_reply *r, u16 type, u8 v)
{
    nl_put(r, type, &v, 1);
}

void nl_put_u32(struct nl_reply *r, u16 type, u32 v)
{
    nl_put(r, type, &v, 4);
}

void nl_put_str(struct nl_reply *r, u16 type, const char *s)
{
    nl_put(r, type, s, (u32)strlen(s) + 1);
}

/* The message is whole: its length goes in; if it took the datagram past the limit, what came before it
 * leaves as a datagram of its own and the message starts the next. */
void nl_msg_end(struct nl_reply *r)
{
    if (r->failed)
        return;
    struct nlmsghdr_k *h = (struct nlmsghdr_k *)(r->buf + r->msg);
    h->len = r->len - r->msg;
    if (r->len > r->limit && r->msg > 0 && queue_bytes(r, r->msg))
        r->failed = true;
}

int nl_reply_flush(struct nl_reply *r)
{
    int rc = r->failed ? -ENOBUFS : queue_bytes(r, r->len);
    kfree(r->buf);
    r->buf = NULL;
    return rc;
}

int nl_reply_done(struct nl_reply *r, int err)
{
    r->flags |= NLM_F_MULTI;
    void *p = nl_msg_begin(r, NLMSG_DONE, sizeof(int));
    if (p)
        memcpy(p, &err, sizeof(int));
    nl_msg_end(r);
    return nl_reply_flush(r);
}

/* Linux's netlink_ack: the error, the request's header, and its payload unless the error is 0 or the
 * socket asked for capped acknowledgements (then NLM_F_CAPPED says so). */
void nl_ack(struct nl_sock *k, const struct nlmsghdr_k *req, int err)
{
    bool capped = !err || k->cap_ack;
    u32 payload = capped ? 0 : req->len - NL_HDRLEN;
    u32 len = NL_HDRLEN + 4 + NL_HDRLEN + payload;
    u8 *buf = kzalloc(NL_ALIGN(len));
    if (!buf) {
        k->err = ENOBUFS;
        return;
    }
    struct nlmsghdr_k h = { len, NLMSG_ERROR, (u16)(capped ? NLM_F_CAPPED : 0), req->seq, k->port };
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + NL_HDRLEN, &err, 4);
    memcpy(buf + NL_HDRLEN + 4, req, NL_HDRLEN + payload);
    nl_deliver(k, buf, NL_ALIGN(len), 0, 0, false);
    kfree(buf);
}

/* Linux's liberal parsing of requests (nlmsg_parse_deprecated): attributes past the last whole one are
 * ignored, unknown types too; with NETLINK_GET_STRICT_CHK leftover bytes are an error. */
int nl_parse(const struct nlmsghdr_k *req, u32 off, const struct nlattr_k **tb, int max, bool strict)
{
    for (int i = 0; i < max; i++)
        tb[i] = NULL;
    if (req->len < NL_HDRLEN + off)
        return -EINVAL;
    const u8 *p = (const u8 *)req + NL_HDRLEN + NL_ALIGN(off);
    u32 rem = req->len > NL_HDRLEN + NL_ALIGN(off) ? req->len - NL_HDRLEN - NL_ALIGN(off) : 0;
    while (rem >= 4) {
        const struct nlattr_k *a = (const struct nlattr_k *)p;
        if (a->len < 4 || a->len > rem)
            break;
        int t = a->type & NLA_TYPE_MASK;
        if (t < max)
            tb[t] = a;
        u32 step = MIN(NL_ALIGN(a->len), rem);
        p += step;
        rem -= step;
    }
    return rem && strict ? -EINVAL : 0;
}
