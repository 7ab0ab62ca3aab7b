/* kernel/logring.c — the kernel log's memory: every klog/kerr line, prefixed as Linux's syslog(2) gives them
 * ("<level>[seconds.micros] text"), in a ring of LOG_RING_SIZE bytes that drops its oldest lines when full.
 * Positions count every byte ever written, so a reader's place (syslog's READ, CLEAR) survives wrapping.
 * klog can run in interrupt context (the drivers log from there): the ring then needs a lock with SMP. */
#include "kernel.h"
#include "boot.h"

static char ring[LOG_RING_SIZE];
static u64 head, tail;          /* [tail, head) is held; tail is always at a line's start */
static bool mid_line;           /* the last byte written was not a newline */
static u64 line_start;          /* where the line being written began (while mid_line) */
static u64 tail_seq, lines;     /* /dev/kmsg's record numbers: the line at tail's, and whole lines ever written */

static void put(char c)
{
    if (head - tail == LOG_RING_SIZE) { /* full: the oldest line goes */
        do
            tail++;
        while (tail < head && ring[(tail - 1) % LOG_RING_SIZE] != '\n');
        tail_seq++;
    }
    ring[head++ % LOG_RING_SIZE] = c;
    lines += c == '\n';
}

static void put_prefix(int level)
{
    char pre[40];
    u64 ns = clock_ready() ? clock_monotonic_ns() : 0;
    int n = ksnprintf(pre, sizeof(pre), "<%d>[%5lu.%06lu] ", level, ns / 1000000000u, ns / 1000 % 1000000);
    for (int i = 0; i < n && i < (int)sizeof(pre) - 1; i++)
        put(pre[i]);
}

void klog_ring_add(int level, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!mid_line) {
            line_start = head;
            put_prefix(level);
        }
        put(s[i]);
        mid_line = s[i] != '\n';
    }
}

u64 klog_ring_head(void) { return head; }
u64 klog_ring_tail(void) { return tail; }
u64 klog_ring_tail_seq(void) { return tail_seq; }

/* Where the next whole line will start (a line still being written is not there yet), and its number */
u64 klog_ring_end(u64 *seq)
{
    *seq = lines;
    return mid_line ? line_start : head;
}
char klog_ring_byte(u64 pos) { return ring[pos % LOG_RING_SIZE]; }
