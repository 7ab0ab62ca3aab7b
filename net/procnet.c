/* net/procnet.c — /proc/net/tcp, tcp6, udp, udp6 and unix in Linux's layouts (proc(5)), which netstat, lsof,
 * psutil and ss (when it cannot use sock_diag) read: one line per socket with its addresses (each 32-bit word
 * in host order, as Linux prints a __be32), its state, queues, owner and inode, which ties it to the
 * processes' /proc/PID/fd links. TCP lists every connection block (listeners, connections, those in
 * TIME-WAIT no socket holds); UDP and Unix the sockets the processes hold. Timers, retransmits and the kernel
 * pointers Linux shows are 0 here. */
#include "inet.h"
#include "ip6.h"
#include "tcp.h"
#include "unix.h"
#include "procnet.h"

#define OUT(...) (n += (size_t)ksnprintf(buf + MIN(n, size), n < size ? size - n : 0, __VA_ARGS__))

int held_sockets(struct held *h)
{
    int k = 0;
    for (struct proc *p = proc_list; p; p = p->next_proc) {
        struct fdtable *t = p->zombie ? NULL : p->fdt;
        for (int fd = t ? fd_next_open(t, 0) : -1; fd >= 0 && k < HELD_MAX; fd = fd_next_open(t, fd + 1)) {
            struct file *f = fd_get(t, fd);
            struct socket *s = f ? sock_of(f) : NULL;
            if (!s)
                continue;
            int i = 0;
            while (i < k && h[i].s != s)
                i++;
            if (i == k)
                h[k++] = (struct held){ s, f->inode ? f->inode->ino : 0, f->inode ? f->inode->uid : 0 };
        }
    }
    return k;
}

unsigned tcp_state_code(enum tcp_state st)
{
    static const u8 code[] = { [TCP_CLOSED] = 7,     [TCP_LISTEN] = 10,     [TCP_SYN_SENT] = 2,
                               [TCP_SYN_RCVD] = 3,   [TCP_ESTABLISHED] = 1, [TCP_FIN_WAIT_1] = 4,
                               [TCP_FIN_WAIT_2] = 5, [TCP_CLOSE_WAIT] = 8,  [TCP_CLOSING] = 11,
                               [TCP_LAST_ACK] = 9,   [TCP_TIME_WAIT] = 6 };
    return st < ARRAY_SIZE(code) ? code[st] : 7;
}

void addr6_words(ip4_t a, u32 w[4])
{
    u8 b[16] = { 0 };
    if (a == NET_LOOP6) {
        b[15] = 1;
    } else if (ip6_mapped(a)) {
        ip6_unmap(a, b);
    } else if (a) {
        b[10] = b[11] = 0xff;
        memcpy(b + 12, &a, 4);
    }
    memcpy(w, b, 16);
}

static void put_addr(char *buf, size_t size, size_t *np, bool v6, ip4_t a, u16 port)
{
    size_t n = *np;
    if (v6) {
        u32 w[4];
        addr6_words(a, w);
        OUT("%08X%08X%08X%08X:%04X", w[0], w[1], w[2], w[3], net_ntohs(port));
    } else {
        OUT("%08X:%04X", a, net_ntohs(port));
    }
    *np = n;
}

/* A table line's start: its number (width w) and the local and remote addresses. */
static void put_ends(char *buf, size_t size, size_t *np, int w, int sl, bool v6, ip4_t la, u16 lp, ip4_t ra, u16 rp)
{
    size_t n = *np;
    OUT("%*d: ", w, sl);
    put_addr(buf, size, &n, v6, la, lp);
    OUT(" ");
    put_addr(buf, size, &n, v6, ra, rp);
    *np = n;
}

static const struct held *held_of_tcp(const struct held *h, int k, const struct tcp_pcb *pcb)
{
    for (int i = 0; i < k; i++)
        if (inet_stream_pcb(h[i].s) == pcb)
            return &h[i];
    return NULL;
}

static int gen_tcp(char *buf, size_t size, bool v6)
{
    struct held *h = kmalloc(HELD_MAX * sizeof(*h));
    int k = h ? held_sockets(h) : 0;
    size_t n = 0, line;
    if (v6)
        OUT("  sl  local_address                         remote_address                        st tx_queue rx_queue "
            "tr tm->when retrnsmt   uid  timeout inode\n");
    else
        OUT("%-149s\n", "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
                        "inode");
    int sl = 0;
    for (struct tcp_pcb *p = tcp_pcbs; p; p = p->next) {
        if ((p->fam != NET_FAM_V4) != v6 || !p->lport)
            continue; /* the other family's, or a socket not yet bound (Linux lists it only once bound) */
        const struct held *o = held_of_tcp(h, k, p);
        line = n;
        put_ends(buf, size, &n, 4, sl++, v6, p->laddr, p->lport, p->raddr, p->rport);
        u32 tx = p->state == TCP_LISTEN ? 0 : p->sbuf_len, rx = p->state == TCP_LISTEN ? (u32)p->pending : p->rbuf_len;
        OUT(" %02X %08X:%08X 00:00000000 00000000 %5u %8d %lu 1 0000000000000000", tcp_state_code(p->state), tx, rx,
            o ? o->uid : 0, 0, o ? o->ino : 0ul);
        if (!v6)
            while (n - line < 149)
                OUT(" ");
        OUT("\n");
    }
    kfree(h);
    return (int)MIN(n, size);
}

static int gen_udp(char *buf, size_t size, bool v6)
{
    struct held *h = kmalloc(HELD_MAX * sizeof(*h));
    int k = h ? held_sockets(h) : 0;
    size_t n = 0, line;
    if (v6)
        OUT("  sl  local_address                         remote_address                        st tx_queue rx_queue "
            "tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n");
    else
        OUT("%-127s\n", "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
                        "inode ref pointer drops");
    int sl = 0;
    for (int i = 0; i < k; i++) {
        struct udp_pcb *pcb = inet_dgram_pcb(h[i].s);
        struct udp_pcb_info u;
        if (!pcb)
            continue;
        udp_pcb_info(pcb, &u);
        if ((u.fam != NET_FAM_V4) != v6 || !u.lport)
            continue;
        line = n;
        put_ends(buf, size, &n, 5, sl++, v6, u.laddr, u.lport, u.raddr, u.rport);
        OUT(" %02X 00000000:%08X 00:00000000 00000000 %5u %8d %lu 2 0000000000000000 0", u.raddr ? 1u : 7u,
            (u32)u.queued, h[i].uid, 0, h[i].ino);
        if (!v6)
            while (n - line < 127)
                OUT(" ");
        OUT("\n");
    }
    kfree(h);
    return (int)MIN(n, size);
}

int net_proc_tcp(char *buf, size_t size) { return gen_tcp(buf, size, false); }
int net_proc_tcp6(char *buf, size_t size) { return gen_tcp(buf, size, true); }
int net_proc_udp(char *buf, size_t size) { return gen_udp(buf, size, false); }
int net_proc_udp6(char *buf, size_t size) { return gen_udp(buf, size, true); }

int net_proc_unix(char *buf, size_t size)
{
    struct held *h = kmalloc(HELD_MAX * sizeof(*h));
    int k = h ? held_sockets(h) : 0;
    size_t n = 0;
    OUT("Num       RefCount Protocol Flags    Type St Inode Path\n");
    for (int i = 0; i < k; i++)
        n += unix_proc_line(h[i].s, h[i].ino, buf + MIN(n, size), n < size ? size - n : 0);
    kfree(h);
    return (int)MIN(n, size);
}
