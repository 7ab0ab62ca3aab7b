/* test/unit/test_tcp.c — skiff's TCP (net/tcp*.c) on the host against a fake IP layer: ip_output queues each
 * segment and the test hands it back to tcp_input, so one stack talks to itself (a client at 10.0.0.1, a
 * server at 10.0.0.2, told apart by their 4-tuples). A fake clock drives tcp_timer. The network can drop,
 * duplicate, reorder or corrupt segments. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../net/tcp.h"

#define A_IP NET_IP4(10, 0, 0, 1)
#define B_IP NET_IP4(10, 0, 0, 2)
#define PORT net_htons(8080)
#define SEC 1000000000ull

/* ---- What TCP uses from the rest of the kernel ---- */

struct netif net_if = { .present = true, .up = true, .mtu = 1500, .addr = A_IP, .mask = NET_IP4(255, 255, 255, 0) };
static u64 now_ns = 1 * SEC;
u64 clock_monotonic_ns(void) { return now_ns; }
u64 clock_realtime_ns(void) { return now_ns; } /* SO_TIMESTAMP stamps on received data */
void sched_kick_io(void) {}
void sched_kick_chan(const void *chan) { (void)chan; }
void net_timer_poke(void) {}
/* the socket layer's side of urgent data: no sockets here */
bool tcp_sock_oobinline(const struct socket *s) { (void)s; return false; }
void tcp_sock_sigurg(struct socket *s) { (void)s; }
void klog(const char *fmt, ...) { (void)fmt; }

static bool rand_fixed;
static u32 rand_value, rand_state = 12345;
void random_fill(void *buf, size_t n)
{
    u8 *p = buf;
    for (size_t i = 0; i < n; i++) {
        rand_state = rand_state * 1103515245 + 12345;
        p[i] = rand_fixed ? (u8)(rand_value >> (8 * (i % 4))) : (u8)(rand_state >> 16);
    }
}

/* RFC 1071, written independently of the kernel's: big-endian 16-bit words, end-around carry. */
u32 net_csum_add(u32 sum, const void *data, size_t len)
{
    const u8 *p = data;
    for (; len > 1; p += 2, len -= 2)
        sum += (u32)(p[0] << 8 | p[1]);
    if (len)
        sum += (u32)p[0] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}
u16 net_csum_fold(u32 sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return net_htons((u16)~sum);
}
u16 ip_pseudo_csum(ip4_t src, ip4_t dst, u8 proto, const void *seg, size_t len)
{
    u8 ph[12];
    memcpy(ph, &src, 4);
    memcpy(ph + 4, &dst, 4);
    ph[8] = 0;
    ph[9] = proto;
    ph[10] = (u8)(len >> 8);
    ph[11] = (u8)len;
    return net_csum_fold(net_csum_add(net_csum_add(0, ph, 12), seg, len));
}

/* ---- The fake network ---- */

struct pkt {
    struct pkt *next;
    ip4_t src, dst;
    size_t len;
    u8 data[];
};
static struct pkt *q_head, *q_tail;
static int q_len;
static struct {
    int drop_every, dup_every, reorder_every, corrupt_every;
    bool blackhole;
    long count;
} net;

static bool muted; /* answers to fuzzed segments go nowhere */

/* The address checks tcp_bind and tcp_connect make (net/ip.c's, for IPv4 alone). */
bool ip_is_local(ip4_t a) { return (a & 0xff) == 127 || (a && a == net_if.addr); }
ip4_t ip_source_for(ip4_t dst) { return (dst & 0xff) == 127 ? NET_IP4(127, 0, 0, 1) : net_if.addr; }

int ip_output(ip4_t src, ip4_t dst, u8 proto, const void *payload, size_t len)
{
    if (proto != IPPROTO_TCP || !src)
        abort();
    if (muted)
        return 0;
    struct pkt *p = malloc(sizeof(*p) + len);
    p->next = NULL;
    p->src = src;
    p->dst = dst;
    p->len = len;
    memcpy(p->data, payload, len);
    if (q_tail)
        q_tail->next = p;
    else
        q_head = p;
    q_tail = p;
    q_len++;
    return 0;
}

static struct pkt *q_pop(void)
{
    struct pkt *p = q_head;
    if (p) {
        q_head = p->next;
        if (!q_head)
            q_tail = NULL;
        q_len--;
    }
    return p;
}

static void q_flush(void)
{
    struct pkt *p;
    while ((p = q_pop()))
        free(p);
}

static u8 pkt_flags(const struct pkt *p) { return p->data[13]; }

static bool trace;

static void trace_pkt(const char *what, const struct pkt *p)
{
    if (!trace)
        return;
    const u8 *d = p->data;
    u8 f = d[13];
    printf("# %8lu ms %s %u>%u %s%s%s%s seq %u ack %u wnd %u len %zu\n", (unsigned long)(now_ns / TCP_MS), what,
           d[0] << 8 | d[1], d[2] << 8 | d[3], f & TCP_SYN ? "S" : "", f & TCP_FIN ? "F" : "",
           f & TCP_RST ? "R" : "", f & TCP_ACK ? "." : "", (u32)(d[4] << 24 | d[5] << 16 | d[6] << 8 | d[7]),
           (u32)(d[8] << 24 | d[9] << 16 | d[10] << 8 | d[11]), d[14] << 8 | d[15], p->len - (d[12] >> 4) * 4);
}

static void deliver(struct pkt *p)
{
    trace_pkt("in  ", p);
    tcp_input(p->src, p->dst, p->data, p->len);
    free(p);
}

/* One event: the next segment (through the network's faults), else a clock tick. False: nothing to do. */
static bool step(void)
{
    struct pkt *p = q_pop();
    if (!p) {
        if (!tcp_timer_needed())
            return false;
        now_ns += NET_TICK_MS * TCP_MS;
        tcp_timer(now_ns);
        return true;
    }
    /* Each segment takes 50 us on the wire; the tick runs as the clock passes it (delayed ACKs, RTT). */
    u64 tick = NET_TICK_MS * TCP_MS;
    if ((now_ns + 50000) / tick != now_ns / tick) {
        now_ns += 50000;
        tcp_timer(now_ns);
    } else {
        now_ns += 50000;
    }
    long n = ++net.count;
    if (net.blackhole || (net.drop_every && n % net.drop_every == 0)) {
        trace_pkt("drop", p);
        free(p);
        return true;
    }
    if (net.corrupt_every && n % net.corrupt_every == 0)
        p->data[p->len - 1] ^= 0x5a;
    if (net.dup_every && n % net.dup_every == 0) {
        struct pkt *d = malloc(sizeof(*d) + p->len);
        memcpy(d, p, sizeof(*d) + p->len);
        deliver(d);
    }
    if (net.reorder_every && n % net.reorder_every == 0 && q_head) {
        deliver(q_pop()); /* the one behind overtakes it */
    }
    deliver(p);
    return true;
}

/* Runs the network until it is quiet (no segment, no timer) or for at most limit of fake time. */
static void run_for(u64 limit)
{
    u64 end = now_ns + limit;
    while (now_ns < end && step())
        ;
}

static void run_idle(void) { run_for(10 * SEC); }

static int pcb_count(void)
{
    int n = 0;
    for (struct tcp_pcb *p = tcp_pcbs; p; p = p->next)
        n++;
    return n;
}

static void net_reset(void)
{
    memset(&net, 0, sizeof(net));
    q_flush();
}

/* ---- Helpers ---- */

static struct tcp_pcb *listener(ip4_t addr, u16 port, int backlog)
{
    struct tcp_pcb *l = tcp_new();
    if (tcp_bind(l, addr, port) || tcp_listen(l, backlog))
        return NULL;
    return l;
}

/* A connected pair: *c the client at A_IP, *s the server side (accepted) at B_IP. */
static bool connect_pair(struct tcp_pcb **c, struct tcp_pcb **s)
{
    struct tcp_pcb *l = listener(0, PORT, 8);
    *c = tcp_new();
    int r = tcp_connect(*c, B_IP, PORT);
    run_idle();
    int err;
    *s = tcp_accept(l, &err);
    tcp_close(l);
    return r == -EINPROGRESS && *s && (*c)->state == TCP_ESTABLISHED && (*s)->state == TCP_ESTABLISHED;
}

static u8 *pattern(size_t n, u32 seed)
{
    u8 *b = malloc(n);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525 + 1013904223;
        b[i] = (u8)(seed >> 24);
    }
    return b;
}

static u32 fnv(const u8 *p, size_t n, u32 h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

struct flow {
    struct tcp_pcb *from, *to;
    const u8 *data;
    size_t len, sent, rcvd;
    u32 hash;
    bool bad;
};

static bool flow_pump(struct flow *f)
{
    bool moved = false;
    if (f->sent < f->len) {
        ssize_t r = tcp_send(f->from, f->data + f->sent, f->len - f->sent);
        if (r > 0) {
            f->sent += (size_t)r;
            moved = true;
        }
    }
    u8 buf[7000];
    ssize_t r;
    while ((r = tcp_recv(f->to, buf, sizeof(buf), false)) > 0) {
        if (f->rcvd + (size_t)r > f->len || memcmp(buf, f->data + f->rcvd, (size_t)r))
            f->bad = true;
        f->hash = fnv(buf, (size_t)r, f->hash);
        f->rcvd += (size_t)r;
        moved = true;
    }
    return moved;
}

/* Moves n bytes each way between a and b through the network; true when all arrived intact. */
static bool transfer2(struct tcp_pcb *a, struct tcp_pcb *b, size_t n, size_t n2, u64 limit)
{
    u8 *d1 = pattern(n, 1), *d2 = pattern(n2, 2);
    struct flow f[2] = { { a, b, d1, n, 0, 0, 2166136261u, false }, { b, a, d2, n2, 0, 0, 2166136261u, false } };
    u64 end = now_ns + limit;
    while (now_ns < end && (f[0].rcvd < n || f[1].rcvd < n2)) {
        bool moved = flow_pump(&f[0]) | flow_pump(&f[1]);
        if (!step() && !moved)
            break;
    }
    bool ok = f[0].rcvd == n && f[1].rcvd == n2 && !f[0].bad && !f[1].bad && f[0].hash == fnv(d1, n, 2166136261u) &&
              f[1].hash == fnv(d2, n2, 2166136261u);
    if (!ok)
        printf("# transfer: %zu/%zu and %zu/%zu bytes, bad %d %d, states %d %d, errors %d %d\n", f[0].rcvd, n,
               f[1].rcvd, n2, f[0].bad, f[1].bad, a->state, b->state, a->err, b->err);
    free(d1);
    free(d2);
    return ok;
}

static bool transfer(struct tcp_pcb *a, struct tcp_pcb *b, size_t n, u64 limit) { return transfer2(a, b, n, n, limit); }

/* Both ends closed and the stack forgets them (after TIME-WAIT). */
static void close_pair(struct tcp_pcb *c, struct tcp_pcb *s)
{
    tcp_close(c);
    tcp_close(s);
    run_for(30 * SEC);
    net_reset();
}

/* ---- Tests ---- */

static void test_handshake(void)
{
    struct tcp_pcb *l = listener(0, PORT, 4);
    CHECK(l && l->state == TCP_LISTEN, "listen on port 8080");
    struct tcp_pcb *c = tcp_new();
    CHECK(tcp_connect(c, B_IP, PORT) == -EINPROGRESS, "connect says EINPROGRESS");
    CHECK(tcp_connect(c, B_IP, PORT) == -EALREADY, "a second connect says EALREADY");
    CHECK(q_len == 1 && pkt_flags(q_head) == TCP_SYN, "a SYN goes out");
    const u8 *syn = q_head->data;
    CHECK((syn[12] >> 4) == 6 && syn[20] == 2 && syn[21] == 4 && (syn[22] << 8 | syn[23]) == 1460,
          "the SYN carries MSS 1460 (mtu - 40)");
    u16 cport = (u16)(syn[0] | syn[1] << 8);
    CHECK(net_ntohs(cport) >= 49152, "an ephemeral source port (%u)", net_ntohs(cport));
    CHECK(tcp_poll(c) == 0, "no POLLIN/POLLOUT while connecting");
    step(); /* SYN -> listener */
    CHECK(q_len == 1 && pkt_flags(q_head) == (TCP_SYN | TCP_ACK), "the listener answers SYN-ACK");
    step(); /* SYN-ACK -> client */
    CHECK(c->state == TCP_ESTABLISHED && (tcp_poll(c) & POLLOUT), "client established and writable");
    CHECK(!(tcp_poll(l) & POLLIN), "nothing to accept before the final ACK");
    step(); /* ACK -> child */
    CHECK(tcp_poll(l) & POLLIN, "the listener is readable with a connection pending");
    int err;
    struct tcp_pcb *s = tcp_accept(l, &err);
    CHECK(s && err == 0 && s->state == TCP_ESTABLISHED, "accept gives an established pcb");
    CHECK(!tcp_accept(l, &err) && err == -EAGAIN, "accept with nothing pending: EAGAIN");
    ip4_t a;
    u16 p;
    tcp_local(s, &a, &p);
    CHECK(a == B_IP && p == PORT, "accepted pcb's local address");
    tcp_remote(s, &a, &p);
    CHECK(a == A_IP && p == cport, "accepted pcb's remote address");
    tcp_local(c, &a, &p);
    CHECK(a == A_IP && p == cport, "client's local address");
    CHECK(c->mss == 1460 && s->mss == 1460, "both ends use MSS 1460");
    CHECK(tcp_bind(tcp_new(), 0, PORT) == -EADDRINUSE, "binding the listener's port: EADDRINUSE");
    tcp_close(tcp_pcbs); /* the pcb just made */
    tcp_close(l);
    close_pair(c, s);
    CHECK(pcb_count() == 0, "everything freed after both close");
}

static void test_refused(void)
{
    struct tcp_pcb *c = tcp_new();
    CHECK(tcp_connect(c, B_IP, net_htons(81)) == -EINPROGRESS, "connect to a closed port");
    step();
    CHECK(q_len == 1 && pkt_flags(q_head) == (TCP_RST | TCP_ACK), "a SYN to a closed port is answered by RST");
    step();
    unsigned ev = tcp_poll(c);
    CHECK(c->state == TCP_CLOSED && (ev & POLLERR) && (ev & POLLHUP), "client CLOSED with POLLERR|POLLHUP");
    CHECK(tcp_error(c) == -ECONNREFUSED && tcp_error(c) == 0, "tcp_error: ECONNREFUSED, then cleared");
    tcp_close(c);
    CHECK(pcb_count() == 0 && q_len == 0, "nothing left");
}

static void test_bulk(void)
{
    struct tcp_pcb *c, *s;
    CHECK(connect_pair(&c, &s), "connected");
    u64 t0 = now_ns;
    CHECK(transfer(c, s, 1 << 20, 120 * SEC), "1 MiB each way, byte for byte");
    CHECK(tcp_stats.retransmits == 0, "no retransmission on a clean network (%lu)",
          (unsigned long)tcp_stats.retransmits);
    printf("# clean 1 MiB both ways took %lu ms of fake time\n", (unsigned long)((now_ns - t0) / TCP_MS));
    close_pair(c, s);
    CHECK(pcb_count() == 0, "all freed");
}

static void test_faults(const char *what, int drop, int dup, int reorder, int corrupt)
{
    struct tcp_pcb *c, *s;
    CHECK(connect_pair(&c, &s), "%s: connected", what);
    u64 rx0 = tcp_stats.retransmits, bad0 = tcp_stats.bad_csum;
    net.drop_every = drop;
    net.dup_every = dup;
    net.reorder_every = reorder;
    net.corrupt_every = corrupt;
    CHECK(transfer(c, s, 1 << 20, 1200 * SEC), "%s: 1 MiB each way arrives intact", what);
    if (drop || corrupt)
        CHECK(tcp_stats.retransmits > rx0, "%s: recovered by retransmission (%lu)", what,
              (unsigned long)(tcp_stats.retransmits - rx0));
    if (corrupt)
        CHECK(tcp_stats.bad_csum > bad0, "%s: bad checksums dropped (%lu)", what,
              (unsigned long)(tcp_stats.bad_csum - bad0));
    net_reset();
    close_pair(c, s);
    CHECK(pcb_count() == 0, "%s: all freed", what);
}

/* One way, light loss: duplicate ACKs (pure ACKs, none carrying data) drive fast retransmit and recovery. */
static void test_fast_retransmit(void)
{
    struct tcp_pcb *c, *s;
    CHECK(connect_pair(&c, &s), "connected");
    u64 fr0 = tcp_stats.fast_retransmits, to0 = tcp_stats.timeouts;
    net.drop_every = 50;
    CHECK(transfer2(c, s, 2 << 20, 0, 600 * SEC), "2 MiB one way with 1 segment in 50 lost");
    CHECK(tcp_stats.fast_retransmits > fr0, "fast retransmits on 3 duplicate ACKs (%lu, and %lu timeouts)",
          (unsigned long)(tcp_stats.fast_retransmits - fr0), (unsigned long)(tcp_stats.timeouts - to0));
    net_reset();
    close_pair(c, s);
    CHECK(pcb_count() == 0, "all freed");
}

static void test_zero_window(void)
{
    struct tcp_pcb *c, *s;
    CHECK(connect_pair(&c, &s), "connected");
    size_t n = 300 * 1024, sent = 0;
    u8 *d = pattern(n, 7);
    for (int i = 0; i < 100000 && sent < n; i++) {
        ssize_t r = tcp_send(c, d + sent, n - sent);
        if (r > 0)
            sent += (size_t)r;
        if (!step())
            break;
    }
    CHECK(sent < n && s->rbuf_len == TCP_RBUF, "the receiver's buffer fills (%u bytes), the sender stalls",
          s->rbuf_len);
    CHECK(c->snd_wnd == 0, "the sender sees a zero window");
    CHECK(tcp_send(c, d, 1) == -EAGAIN && !(tcp_poll(c) & POLLOUT), "send buffer full: EAGAIN, no POLLOUT");
    u64 rx0 = tcp_stats.out_segs;
    run_for(120 * SEC); /* long enough to exhaust the retry limit, were probes counted as failures */
    CHECK(c->state == TCP_ESTABLISHED && tcp_stats.out_segs > rx0 + 3, "persist probes keep the connection alive");
    /* The reader drains: the window opens and the rest flows. */
    u8 *got = malloc(n);
    size_t rcvd = 0;
    for (int i = 0; i < 1000000 && rcvd < n; i++) {
        ssize_t r = tcp_recv(s, got + rcvd, n - rcvd, false);
        if (r > 0)
            rcvd += (size_t)r;
        if (sent < n && (r = tcp_send(c, d + sent, n - sent)) > 0)
            sent += (size_t)r;
        step();
    }
    CHECK(rcvd == n && !memcmp(got, d, n), "after the window reopens all %zu bytes arrive in order", n);
    free(got);
    free(d);
    close_pair(c, s);
    CHECK(pcb_count() == 0, "all freed");
}

static void test_close_orders(void)
{
    u8 buf[16];
    struct tcp_pcb *c, *s;
    /* Client closes first. */
    CHECK(connect_pair(&c, &s), "connected");
    CHECK(tcp_shutdown(c, 1) == 0 && c->state == TCP_FIN_WAIT_1, "client shutdown(WR): FIN-WAIT-1");
    run_for(1 * SEC / 10);
    CHECK(c->state == TCP_FIN_WAIT_2 && s->state == TCP_CLOSE_WAIT, "FIN acknowledged: FIN-WAIT-2 / CLOSE-WAIT");
    CHECK(tcp_recv(s, buf, sizeof(buf), false) == 0, "server reads end of stream");
    CHECK((tcp_poll(s) & (POLLIN | POLLRDHUP)) == (POLLIN | POLLRDHUP) && !(tcp_poll(s) & POLLHUP),
          "server: POLLIN|POLLRDHUP, no POLLHUP yet");
    CHECK(tcp_shutdown(s, 1) == 0 && s->state == TCP_LAST_ACK, "server shutdown(WR): LAST-ACK");
    step(); /* FIN -> client */
    CHECK(c->state == TCP_TIME_WAIT, "client TIME-WAIT");
    step(); /* ACK -> server */
    CHECK(s->state == TCP_CLOSED && (tcp_poll(s) & POLLHUP), "server CLOSED, POLLHUP");
    run_for(TCP_TIME_WAIT_NS - 10 * TCP_MS);
    CHECK(c->state == TCP_TIME_WAIT, "TIME-WAIT lasts 2 s");
    run_for(1 * SEC);
    CHECK(c->state == TCP_CLOSED && (tcp_poll(c) & POLLHUP), "then CLOSED");
    close_pair(c, s);
    CHECK(pcb_count() == 0, "all freed");

    /* Server closes first. */
    CHECK(connect_pair(&c, &s), "connected");
    tcp_close(s); /* an orphan that finishes alone */
    run_for(1 * SEC / 10);
    CHECK(c->state == TCP_CLOSE_WAIT && tcp_recv(c, buf, 1, false) == 0, "client CLOSE-WAIT, end of stream");
    tcp_close(c);
    CHECK(c->state == TCP_LAST_ACK, "client close: LAST-ACK");
    run_for(1 * SEC / 10);
    CHECK(pcb_count() == 1 && tcp_pcbs->state == TCP_TIME_WAIT, "the client is gone, the server in TIME-WAIT");
    run_for(3 * SEC);
    CHECK(pcb_count() == 0, "TIME-WAIT ends: all freed");

    /* Simultaneous close. */
    CHECK(connect_pair(&c, &s), "connected");
    tcp_shutdown(c, 1);
    tcp_shutdown(s, 1);
    step();
    step(); /* both FINs cross */
    CHECK(c->state == TCP_CLOSING && s->state == TCP_CLOSING, "simultaneous close: both CLOSING");
    step();
    step();
    CHECK(c->state == TCP_TIME_WAIT && s->state == TCP_TIME_WAIT, "then both TIME-WAIT");
    unsigned ev = tcp_poll(c);
    CHECK((ev & (POLLIN | POLLRDHUP | POLLHUP)) == (POLLIN | POLLRDHUP | POLLHUP), "both directions done: POLLHUP");
    run_for(3 * SEC);
    CHECK(c->state == TCP_CLOSED && s->state == TCP_CLOSED, "and CLOSED after 2*MSL");
    close_pair(c, s);
    CHECK(pcb_count() == 0, "all freed");
}

static void test_reset(void)
{
    struct tcp_pcb *c, *s;
    u8 buf[64];
    CHECK(connect_pair(&c, &s), "connected");
    tcp_send(s, "unread", 6);
    run_for(1 * SEC);
    CHECK(c->rbuf_len == 6, "data waits unread at the client");
    tcp_close(c); /* unread data: a reset, not a FIN */
    CHECK(q_len == 1 && (pkt_flags(q_head) & TCP_RST), "close with unread data sends RST");
    step();
    unsigned ev = tcp_poll(s);
    CHECK(s->state == TCP_CLOSED && (ev & POLLERR) && (ev & POLLHUP) && (ev & POLLIN),
          "server: CLOSED, POLLERR|POLLHUP|POLLIN");
    CHECK(tcp_recv(s, buf, sizeof(buf), false) == -ECONNRESET, "recv: ECONNRESET");
    CHECK(tcp_recv(s, buf, sizeof(buf), false) == 0, "then end of stream");
    CHECK(tcp_send(s, "x", 1) == -EPIPE, "send after reset: EPIPE");
    tcp_close(s);
    run_idle();
    CHECK(pcb_count() == 0, "all freed");

    /* A reset with a wrong sequence number is not believed (RFC 5961): a challenge ACK instead. */
    CHECK(connect_pair(&c, &s), "connected");
    u8 rst[20] = { 0 };
    memcpy(rst, &c->lport, 2);
    memcpy(rst + 2, &c->rport, 2);
    u32 bad = net_htonl(s->rcv_nxt + 100);
    memcpy(rst + 4, &bad, 4);
    rst[12] = 5 << 4;
    rst[13] = TCP_RST;
    u16 sum = ip_pseudo_csum(A_IP, B_IP, IPPROTO_TCP, rst, 20);
    memcpy(rst + 16, &sum, 2);
    tcp_input(A_IP, B_IP, rst, 20);
    CHECK(s->state == TCP_ESTABLISHED && q_len == 1 && pkt_flags(q_head) == TCP_ACK,
          "an in-window RST off rcv_nxt: challenge ACK, still established");
    q_flush();
    u32 good = net_htonl(s->rcv_nxt);
    memcpy(rst + 4, &good, 4);
    memset(rst + 16, 0, 2);
    sum = ip_pseudo_csum(A_IP, B_IP, IPPROTO_TCP, rst, 20);
    memcpy(rst + 16, &sum, 2);
    tcp_input(A_IP, B_IP, rst, 20);
    CHECK(s->state == TCP_CLOSED && tcp_error(s) == -ECONNRESET, "an exact RST resets: ECONNRESET");
    tcp_close(s);
    tcp_close(c);
    run_idle();
    net_reset();
    CHECK(pcb_count() == 0, "all freed");
}

static void test_timeout(void)
{
    struct tcp_pcb *c, *s;
    CHECK(connect_pair(&c, &s), "connected");
    net.blackhole = true;
    CHECK(tcp_send(c, "hello?", 6) == 6, "data sent into a black hole");
    u64 t0 = now_ns;
    run_for(3600 * SEC);
    CHECK(c->state == TCP_CLOSED && tcp_error(c) == -ETIMEDOUT, "retry limit: CLOSED with ETIMEDOUT");
    printf("# gave up after %lu s of fake time\n", (unsigned long)((now_ns - t0) / SEC));
    CHECK(tcp_poll(c) & POLLHUP, "POLLHUP after the timeout");
    tcp_close(c);
    tcp_close(s);
    net_reset();
    run_for(3600 * SEC); /* the server's FIN dies in the black hole too... */
    net.blackhole = false;
    CHECK(pcb_count() == 0, "all freed");

    c = tcp_new();
    net.blackhole = true;
    tcp_connect(c, B_IP, PORT);
    run_for(3600 * SEC);
    CHECK(c->state == TCP_CLOSED && tcp_error(c) == -ETIMEDOUT, "unanswered SYNs: ETIMEDOUT");
    tcp_close(c);
    net_reset();
}

static void test_backlog(void)
{
    struct tcp_pcb *l = listener(0, PORT, 2), *c[3];
    u64 drops0 = tcp_stats.backlog_drops;
    for (int i = 0; i < 3; i++) {
        c[i] = tcp_new();
        tcp_connect(c[i], B_IP, PORT);
    }
    run_for(1 * SEC / 2);
    CHECK(c[0]->state == TCP_ESTABLISHED && c[1]->state == TCP_ESTABLISHED, "two connections fit the backlog");
    CHECK(c[2]->state == TCP_SYN_SENT && tcp_stats.backlog_drops > drops0, "the third SYN is dropped");
    int err;
    struct tcp_pcb *a0 = tcp_accept(l, &err), *a1 = tcp_accept(l, &err);
    CHECK(a0 && a1 && !tcp_accept(l, &err), "accept takes the two");
    run_for(5 * SEC);
    struct tcp_pcb *a2 = tcp_accept(l, &err);
    CHECK(c[2]->state == TCP_ESTABLISHED && a2, "the third connects on its retransmitted SYN");
    tcp_close(l);
    for (int i = 0; i < 3; i++)
        tcp_close(c[i]);
    tcp_close(a0);
    tcp_close(a1);
    tcp_close(a2);
    run_for(30 * SEC);
    CHECK(pcb_count() == 0, "all freed");

    /* Closing a listener resets the connections it never handed out. */
    l = listener(0, PORT, 2);
    c[0] = tcp_new();
    tcp_connect(c[0], B_IP, PORT);
    run_idle();
    tcp_close(l);
    run_idle();
    CHECK(c[0]->state == TCP_CLOSED && tcp_error(c[0]) == -ECONNRESET, "listener closed: its queued child resets");
    tcp_close(c[0]);
    CHECK(pcb_count() == 0, "all freed");
}

static void test_bad_checksum(void)
{
    u64 bad0 = tcp_stats.bad_csum;
    struct tcp_pcb *c = tcp_new();
    tcp_connect(c, B_IP, net_htons(81));
    q_head->data[q_head->len - 1] ^= 1; /* break the SYN to a closed port */
    step();
    CHECK(tcp_stats.bad_csum == bad0 + 1 && q_len == 0, "a corrupt SYN is dropped without a RST");
    tcp_close(c);
    q_flush();

    struct tcp_pcb *s;
    CHECK(connect_pair(&c, &s), "connected");
    tcp_send(c, "abcdef", 6);
    q_head->data[q_head->len - 3] ^= 0x10;
    step();
    CHECK(s->rbuf_len == 0 && tcp_stats.bad_csum == bad0 + 2, "a corrupt data segment is dropped");
    run_for(5 * SEC);
    u8 buf[8];
    CHECK(tcp_recv(s, buf, 8, false) == 6 && !memcmp(buf, "abcdef", 6), "its retransmission arrives intact");
    u8 small[10] = { 0 };
    tcp_input(A_IP, B_IP, small, sizeof(small));
    CHECK(tcp_stats.malformed > 0 && q_len == 0, "a truncated header is dropped");
    close_pair(c, s);
    CHECK(pcb_count() == 0, "all freed");
}

static void test_wraparound(void)
{
    rand_fixed = true;
    rand_value = 0xfffff000; /* both ISNs 4 KiB below 2^32 */
    struct tcp_pcb *c, *s;
    CHECK(connect_pair(&c, &s), "connected with ISNs near 2^32");
    rand_fixed = false;
    CHECK(c->iss == 0xfffff000 && s->iss == 0xfffff000, "ISNs as chosen");
    net.drop_every = 13;
    CHECK(transfer(c, s, 256 * 1024, 600 * SEC), "256 KiB each way across the wrap, with loss");
    net.drop_every = 0;
    CHECK(c->snd_una < c->iss && seq_gt(c->snd_una, c->iss), "sequence numbers wrapped (snd_una %#x)",
          c->snd_una);
    close_pair(c, s);
    CHECK(pcb_count() == 0, "all freed");
}

static void test_half_close(void)
{
    struct tcp_pcb *c, *s;
    u8 buf[64];
    CHECK(connect_pair(&c, &s), "connected");
    tcp_send(c, "request", 7);
    tcp_shutdown(c, 1);
    CHECK(tcp_send(c, "more", 4) == -EPIPE, "send after SHUT_WR: EPIPE");
    CHECK(tcp_poll(c) & POLLOUT, "POLLOUT after SHUT_WR (a write would not block)");
    run_for(1 * SEC);
    CHECK(tcp_rx_queued(s) == 7 && tcp_tx_queued(c) == 0, "FIONREAD 7 at the server, SIOCOUTQ 0 at the client");
    CHECK(tcp_recv(s, buf, sizeof(buf), false) == 7 && tcp_recv(s, buf, sizeof(buf), false) == 0,
          "server reads the request, then end of stream");
    CHECK(tcp_send(s, "response", 8) == 8, "the server still sends");
    run_for(1 * SEC);
    CHECK(tcp_recv(c, buf, sizeof(buf), true) == 8 && tcp_recv(c, buf, sizeof(buf), false) == 8 &&
              !memcmp(buf, "response", 8),
          "the half-closed client still reads (peek, then read)");
    CHECK(c->state == TCP_FIN_WAIT_2, "client FIN-WAIT-2 meanwhile");
    tcp_close(s);
    run_for(1 * SEC);
    CHECK(tcp_recv(c, buf, sizeof(buf), false) == 0 && c->state == TCP_TIME_WAIT, "then EOF, TIME-WAIT");
    tcp_close(c);
    run_for(10 * SEC);
    CHECK(pcb_count() == 0, "all freed");
}

static void test_close_with_unsent(void)
{
    struct tcp_pcb *c, *s;
    CHECK(connect_pair(&c, &s), "connected");
    size_t n = 60000;
    u8 *d = pattern(n, 9), *got = malloc(n + 1);
    CHECK(tcp_send(c, d, n) == (ssize_t)n, "60000 bytes queued");
    tcp_close(c); /* before any of it left */
    size_t rcvd = 0;
    ssize_t r = 1;
    for (int i = 0; i < 100000 && r != 0; i++) {
        r = tcp_recv(s, got + rcvd, n + 1 - rcvd, false);
        if (r > 0)
            rcvd += (size_t)r;
        if (!step() && r < 0)
            break;
    }
    CHECK(r == 0 && rcvd == n && !memcmp(got, d, n), "the closed client's data all arrives, then EOF");
    tcp_close(s);
    run_for(10 * SEC);
    CHECK(pcb_count() == 0, "both finish alone and are freed");
    free(d);
    free(got);
}

static void test_simultaneous_open(void)
{
    struct tcp_pcb *a = tcp_new(), *b = tcp_new();
    CHECK(tcp_bind(a, A_IP, net_htons(5000)) == 0, "bind 10.0.0.1:5000");
    net_if.addr = B_IP; /* b lives at the other address */
    CHECK(tcp_bind(b, B_IP, net_htons(6000)) == 0, "bind 10.0.0.2:6000");
    net_if.addr = A_IP;
    tcp_connect(a, B_IP, net_htons(6000));
    tcp_connect(b, A_IP, net_htons(5000));
    run_idle();
    CHECK(a->state == TCP_ESTABLISHED && b->state == TCP_ESTABLISHED, "simultaneous open: both established");
    CHECK(transfer(a, b, 10000, 10 * SEC), "and they talk");
    close_pair(a, b);
    CHECK(pcb_count() == 0, "all freed");
}

static void test_delayed_ack(void)
{
    struct tcp_pcb *c, *s;
    CHECK(connect_pair(&c, &s), "connected");
    tcp_send(c, "one", 3);
    step();
    CHECK(s->rbuf_len == 3 && q_len == 0, "one small segment: no ACK at once");
    run_for(100 * TCP_MS);
    CHECK(c->snd_una == c->snd_max, "the delayed ACK comes within 100 ms");
    tcp_send(c, "two", 3);
    step();
    tcp_send(c, "three", 5);
    step();
    CHECK(q_len == 1 && pkt_flags(q_head) == TCP_ACK, "the second segment is acknowledged at once");
    close_pair(c, s);
    CHECK(pcb_count() == 0, "all freed");
}

/* RFC 1122 4.2.2.13: a SYN with a higher sequence number ends TIME-WAIT and opens the same 4-tuple again. */
static void test_time_wait_reuse(void)
{
    rand_fixed = true;
    rand_value = 1000;
    struct tcp_pcb *c, *s;
    CHECK(connect_pair(&c, &s), "connected");
    u16 port = c->lport;
    tcp_close(s); /* the server closes first: it waits in TIME-WAIT */
    run_for(100 * TCP_MS);
    tcp_close(c);
    run_for(100 * TCP_MS);
    CHECK(pcb_count() == 1 && tcp_pcbs->state == TCP_TIME_WAIT, "server in TIME-WAIT");
    rand_value = 0x40000000;
    struct tcp_pcb *l = listener(0, PORT, 4), *c2 = tcp_new();
    CHECK(tcp_bind(c2, 0, port) == 0, "the client binds the same port again");
    tcp_connect(c2, B_IP, PORT);
    run_for(100 * TCP_MS);
    rand_fixed = false;
    int err;
    struct tcp_pcb *s2 = tcp_accept(l, &err);
    CHECK(c2->state == TCP_ESTABLISHED && s2, "a new SYN reopens the 4-tuple from TIME-WAIT");
    tcp_close(l);
    close_pair(c2, s2);
    CHECK(pcb_count() == 0, "all freed");
}

/* A forged segment puts the server's rcv_nxt past anything the client sent: each end now finds the other's
 * ACKs out of sync. The answers are rate-limited, so the two do not trade ACKs forever. */
static void test_no_ack_war(void)
{
    struct tcp_pcb *c, *s;
    CHECK(connect_pair(&c, &s), "connected");
    u8 f[24] = { 0 };
    memcpy(f, &c->lport, 2);
    memcpy(f + 2, &c->rport, 2);
    u32 seq = net_htonl(s->rcv_nxt), ack = net_htonl(s->snd_nxt);
    memcpy(f + 4, &seq, 4);
    memcpy(f + 8, &ack, 4);
    f[12] = 5 << 4;
    f[13] = TCP_ACK | TCP_PSH;
    f[14] = 0xff;
    f[15] = 0xff;
    memcpy(f + 20, "evil", 4);
    u16 sum = ip_pseudo_csum(A_IP, B_IP, IPPROTO_TCP, f, sizeof(f));
    memcpy(f + 16, &sum, 2);
    tcp_input(A_IP, B_IP, f, sizeof(f));
    long before = net.count;
    run_for(2 * SEC);
    long segs = net.count - before;
    CHECK(segs < 40, "a desynchronized pair exchanges few segments in 2 s (%ld), no ACK war", segs);
    close_pair(c, s);
    CHECK(pcb_count() == 0, "all freed");
}

static void test_api_errors(void)
{
    struct tcp_pcb *p = tcp_new();
    u8 b[4];
    CHECK(tcp_recv(p, b, 4, false) == -ENOTCONN && tcp_send(p, b, 4) == -ENOTCONN, "unconnected: ENOTCONN");
    CHECK(tcp_bind(p, NET_IP4(192, 168, 9, 9), 0) == -EADDRNOTAVAIL, "bind to a foreign address: EADDRNOTAVAIL");
    CHECK(tcp_bind(p, 0, 0) == 0 && net_ntohs(p->lport) >= 49152, "bind to port 0: an ephemeral port");
    CHECK(tcp_bind(p, 0, 0) == -EINVAL, "bind twice: EINVAL");
    CHECK(tcp_shutdown(p, 1) == -ENOTCONN, "shutdown unconnected: ENOTCONN");
    CHECK(tcp_listen(p, 0) == 0, "listen");
    CHECK(tcp_connect(p, B_IP, PORT) == -EISCONN, "connect on a listener fails");
    tcp_close(p);
    CHECK(pcb_count() == 0, "freed");
}

/* Mutated copies of real segments (checksums fixed up, so they get past the first check) thrown at a live
 * connection and a listener: the stack must neither crash (ASan watches) nor stop working. */
static void test_fuzz(void)
{
    struct tcp_pcb *l = listener(0, PORT, 4), *c = tcp_new();
    tcp_connect(c, B_IP, PORT);
    run_idle();
    int err;
    struct tcp_pcb *s = tcp_accept(l, &err);
    CHECK(s != NULL, "fuzz: connected");
    u8 seg[1600], data[3000];
    memset(data, 'z', sizeof(data));
    u32 seed = 99;
    long n = 0;
    int reconnects = 0;
    for (int round = 0; round < 400; round++) {
        if (!s || c->state != TCP_ESTABLISHED || s->state != TCP_ESTABLISHED) {
            /* a fuzzed RST or FIN ended it (fair enough): start another */
            tcp_close(c);
            if (s)
                tcp_close(s);
            run_for(1 * SEC);
            q_flush();
            c = tcp_new();
            tcp_connect(c, B_IP, PORT);
            run_idle();
            s = tcp_accept(l, &err);
            reconnects++;
        }
        tcp_send(c, data, 1 + round % 2000);
        tcp_send(s, data, 1 + round % 1500);
        struct pkt *p, *list = q_head;
        q_head = q_tail = NULL;
        q_len = 0;
        while ((p = list)) {
            list = p->next;
            for (int k = 0; k < 60; k++, n++) {
                size_t len = p->len;
                memcpy(seg, p->data, len);
                seed = seed * 1103515245 + 12345;
                int muts = 1 + (int)((seed >> 16) % 4);
                for (int m = 0; m < muts; m++) {
                    seed = seed * 1103515245 + 12345;
                    size_t at = (seed >> 8) % (len < 40 ? len : 40); /* mostly the header */
                    seg[at] ^= (u8)(1u << ((seed >> 4) % 8));
                }
                if ((seed >> 20) % 8 == 0)
                    len = (seed >> 3) % (len + 1);
                if (len >= 18) {
                    memset(seg + 16, 0, 2);
                    u16 sum = ip_pseudo_csum(p->src, p->dst, IPPROTO_TCP, seg, len);
                    memcpy(seg + 16, &sum, 2);
                }
                muted = true;
                tcp_input(p->src, p->dst, seg, len);
                muted = false;
            }
            deliver(p);
        }
        u8 buf[4096];
        while (tcp_recv(c, buf, sizeof(buf), false) > 0)
            ;
        while (s && tcp_recv(s, buf, sizeof(buf), false) > 0)
            ;
        run_for(1 * SEC / 10);
        q_flush();
    }
    CHECK(n > 40000, "fuzz: %ld mutated segments survived (%d reconnections)", n, reconnects);
    tcp_close(c);
    if (s)
        tcp_close(s);
    tcp_close(l);
    run_for(600 * SEC);
    net_reset();
    struct tcp_pcb *c2, *s2;
    CHECK(connect_pair(&c2, &s2) && transfer(c2, s2, 100000, 60 * SEC), "fuzz: a new connection still works");
    close_pair(c2, s2);
    CHECK(pcb_count() == 0, "fuzz: all freed");
}

static u16 pkt_urgptr(const struct pkt *p) { return (u16)(p->data[18] << 8 | p->data[19]); }

/* Urgent data (net/tcp_urg.c): URG and the pointer one past the urgent byte on every segment before it, the
 * receiver's mark, and a pointer that arrives before its byte (which loopback between two Linux sockets never
 * shows: one segment carries both there). */
static void test_urgent(void)
{
    struct tcp_pcb *c, *s;
    CHECK(connect_pair(&c, &s), "urgent: connected");
    CHECK(tcp_send_urg(c, "abc", 3, true) == 3 && q_head, "urgent: a send of 3 bytes, c urgent");
    CHECK((pkt_flags(q_head) & TCP_URG) && pkt_urgptr(q_head) == 3, "urgent: URG, pointer 3 (one past c)");
    run_idle();
    CHECK(!c->snd_urg, "urgent: acknowledged, no more URG");
    CHECK((tcp_poll(s) & (POLLIN | POLLPRI)) == (POLLIN | POLLPRI), "urgent: POLLIN|POLLPRI at the receiver");
    CHECK(tcp_rx_inq(s) == 2 && !tcp_at_mark(s), "urgent: FIONREAD 2, not at the mark");
    char buf[8] = { 0 };
    size_t full = 0;
    CHECK(tcp_recv(s, buf, sizeof(buf), false) == 2 && !memcmp(buf, "ab", 2), "urgent: a read stops at the mark");
    CHECK(tcp_at_mark(s) && (tcp_poll(s) & (POLLIN | POLLPRI)) == POLLPRI, "urgent: at the mark, POLLPRI alone");
    CHECK(tcp_recv_oob(s, buf, 1, false, false, &full) == 1 && buf[0] == 'c', "urgent: MSG_OOB reads c");
    CHECK(tcp_recv_oob(s, buf, 1, false, false, &full) == -EINVAL, "urgent: a second MSG_OOB is EINVAL");
    CHECK(tcp_recv(s, buf, sizeof(buf), false) == -EAGAIN && !tcp_at_mark(s), "urgent: a read passes over c");

    /* 3000 bytes, the last urgent: the first segment's pointer lies beyond it */
    u8 *d = pattern(3000, 7);
    CHECK(tcp_send_urg(c, d, 3000, true) == 3000, "urgent: 3000 bytes queued");
    CHECK(q_head && (pkt_flags(q_head) & TCP_URG) && pkt_urgptr(q_head) == 3000, "urgent: the first segment points 3000 on");
    deliver(q_pop());
    CHECK(s->urg_state == TCP_URG_NOTYET && !(tcp_poll(s) & POLLPRI), "urgent: the pointer came, not its byte");
    CHECK(tcp_recv_oob(s, buf, 1, false, false, &full) == -EAGAIN, "urgent: MSG_OOB before the byte: EAGAIN");
    run_idle();
    CHECK(s->urg_state == TCP_URG_VALID && s->urg_byte == d[2999] && (tcp_poll(s) & POLLPRI),
          "urgent: the byte came with a later segment");
    u8 got[3000];
    ssize_t n = tcp_recv(s, got, sizeof(got), false);
    CHECK(n == 2999 && !memcmp(got, d, 2999), "urgent: a read of everything stops before the urgent byte");
    free(d);
    close_pair(c, s);
}

int main(void)
{
    trace = getenv("TCP_TRACE") != NULL;
    test_handshake();
    test_refused();
    test_bulk();
    test_faults("loss 1/7", 7, 0, 0, 0);
    test_faults("reorder 1/5", 0, 0, 5, 0);
    test_faults("duplicate 1/4", 0, 4, 0, 0);
    test_faults("all faults", 11, 9, 7, 23);
    test_fast_retransmit();
    test_zero_window();
    test_close_orders();
    test_reset();
    test_timeout();
    test_backlog();
    test_bad_checksum();
    test_wraparound();
    test_half_close();
    test_close_with_unsent();
    test_simultaneous_open();
    test_delayed_ack();
    test_time_wait_reuse();
    test_no_ack_war();
    test_api_errors();
    test_fuzz();
    test_urgent();
    q_flush();
    return unit_done();
}
