/* test/conformance/tcpinfo.c — getsockopt(IPPROTO_TCP, TCP_INFO) (tcp(7)): struct tcp_info as <netinet/tcp.h>
 * declares it, its length, and the state of a socket through its life (CLOSE, LISTEN, ESTABLISHED at both ends,
 * CLOSE_WAIT after the peer's FIN); a connection over loopback has an MSS and an RTO, nothing unacknowledged
 * and nothing retransmitted; a short buffer gets as much as fits; UDP has no TCP_INFO. (skiff once said
 * ENOPROTOOPT: monitoring code and servers that log a connection's RTT read it.) */
/* covers: getsockopt */
#include "tap.h"
#include "tap_inet.h"
#include <netinet/tcp.h>
#include <poll.h>

static int info(int fd, struct tcp_info *ti, socklen_t *len)
{
    memset(ti, 0xa5, sizeof(*ti));
    *len = sizeof(*ti);
    return getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, len);
}

int main(void)
{
    struct tcp_info ti;
    socklen_t len;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    T_OK("TCP_INFO of a new socket", info(s, &ti, &len), 0);
    T_EQ("its length is struct tcp_info's (104 with glibc, 232 with musl)", len, sizeof(ti));
    T_EQ("tcpi_state TCP_CLOSE", ti.tcpi_state, TCP_CLOSE);
    struct sockaddr_in a = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
    bind(s, (struct sockaddr *)&a, sizeof a);
    listen(s, 1);
    T_OK("TCP_INFO of a listener", info(s, &ti, &len), 0);
    T_EQ("tcpi_state TCP_LISTEN", ti.tcpi_state, TCP_LISTEN);
    close(s);

    int acc, c;
    tap_tcp_pair(&acc, &c);
    T_OK("TCP_INFO of the connecting end", info(c, &ti, &len), 0);
    T_EQ("tcpi_state TCP_ESTABLISHED", ti.tcpi_state, TCP_ESTABLISHED);
    T_TRUE("an MSS and an RTO", ti.tcpi_snd_mss > 0 && ti.tcpi_rto > 0);
    T_TRUE("nothing unacknowledged, nothing retransmitted", ti.tcpi_unacked == 0 && ti.tcpi_total_retrans == 0);
    T_OK("TCP_INFO of the accepted end", info(acc, &ti, &len), 0);
    T_EQ("tcpi_state TCP_ESTABLISHED", ti.tcpi_state, TCP_ESTABLISHED);
    T_OK("send 100 bytes", write(c, "0123456789012345678901234567890123456789012345678901234567890123456789"
                                        "012345678901234567890123456789", 100), 100);
    char buf[128];
    T_OK("the peer reads them", read(acc, buf, sizeof buf), 100);
    unsigned char small[8];
    socklen_t slen = sizeof small;
    T_OK("TCP_INFO into 8 bytes", getsockopt(c, IPPROTO_TCP, TCP_INFO, small, &slen), 0);
    T_EQ("8 bytes written", slen, 8);
    T_EQ("the first is the state", small[0], TCP_ESTABLISHED);
    T_OK("shutdown(SHUT_WR) of the connecting end", shutdown(c, SHUT_WR), 0);
    struct pollfd p = { acc, POLLIN, 0 };
    poll(&p, 1, 5000);
    T_OK("the accepted end reads the end of the stream", read(acc, buf, sizeof buf), 0);
    T_OK("TCP_INFO of the accepted end", info(acc, &ti, &len), 0);
    T_EQ("tcpi_state TCP_CLOSE_WAIT", ti.tcpi_state, TCP_CLOSE_WAIT);
    close(acc);
    close(c);

    int u = socket(AF_INET, SOCK_DGRAM, 0);
    len = sizeof ti;
    T_ERR("TCP_INFO of a UDP socket", getsockopt(u, IPPROTO_TCP, TCP_INFO, &ti, &len), EOPNOTSUPP);
    close(u);
    return tap_done();
}
