/* syscalls/syslog.c — syslog(2) (klogctl): the kernel log ring (kernel/logring.c) read as Linux gives it.
 * READ takes what no READ took yet (waiting when there is nothing), READ_ALL the newest whole lines that fit
 * (since the last CLEAR), SIZE_BUFFER and SIZE_UNREAD measure it. Every process is root: no EPERM. The
 * console switches (OFF, ON, LEVEL) are accepted: the log's console is the host's COM3 port, always on. */
#include "syscalls.h"

enum {
    SYSLOG_ACTION_CLOSE, SYSLOG_ACTION_OPEN, SYSLOG_ACTION_READ, SYSLOG_ACTION_READ_ALL,
    SYSLOG_ACTION_READ_CLEAR, SYSLOG_ACTION_CLEAR, SYSLOG_ACTION_CONSOLE_OFF, SYSLOG_ACTION_CONSOLE_ON,
    SYSLOG_ACTION_CONSOLE_LEVEL, SYSLOG_ACTION_SIZE_UNREAD, SYSLOG_ACTION_SIZE_BUFFER,
};

static u64 read_pos;   /* where the next READ starts */
static u64 clear_pos;  /* READ_ALL starts no earlier (CLEAR) */

/* Copies the ring's bytes [from, to) to the user, a chunk at a time. */
static long copy_range(char *ubuf, u64 from, u64 to)
{
    char chunk[256];
    u64 done = 0;
    while (from + done < to) {
        size_t c = MIN(sizeof(chunk), to - from - done);
        for (size_t i = 0; i < c; i++)
            chunk[i] = klog_ring_byte(from + done + i);
        if (copy_to_user(ubuf + done, chunk, c))
            return -EFAULT;
        done += c;
    }
    return (long)done;
}

static long read_new(char *ubuf, u64 len)
{
    while (MAX(read_pos, klog_ring_tail()) == klog_ring_head()) {
        if (signal_pending())
            return -ERESTARTSYS;
        sched_wait(100000000ull); /* klog kicks nobody (it is written from anywhere, interrupts included): look
                                   * again every 100 ms, as `dmesg -w` would not notice the difference */
    }
    u64 from = MAX(read_pos, klog_ring_tail());
    u64 to = MIN(klog_ring_head(), from + len);
    long rc = copy_range(ubuf, from, to);
    if (rc > 0)
        read_pos = to;
    return rc;
}

/* The newest whole lines that fit in len, from no earlier than clear_pos. */
static long read_all(char *ubuf, u64 len)
{
    u64 head = klog_ring_head(), from = MAX(clear_pos, klog_ring_tail());
    if (head - from > len) {
        from = head - len;
        while (from < head && klog_ring_byte(from - 1) != '\n')
            from++;
    }
    return copy_range(ubuf, from, head);
}

SYSCALL(syslog)
{
    int type = (int)a0, len = (int)a2;
    char *ubuf = (char *)a1;
    /* kernel.dmesg_restrict = 1, as Debian sets it: every action needs CAP_SYSLOG (or CAP_SYS_ADMIN) */
    if (!capable(CAP_SYSLOG) && !capable(CAP_SYS_ADMIN))
        return -EPERM;
    switch (type) {
    case SYSLOG_ACTION_CLOSE: case SYSLOG_ACTION_OPEN:
        return 0;
    case SYSLOG_ACTION_READ: case SYSLOG_ACTION_READ_ALL: case SYSLOG_ACTION_READ_CLEAR: {
        if (!ubuf || len < 0)
            return -EINVAL;
        if (!len)
            return 0;
        if (!access_ok((u64)ubuf, (u64)len))
            return -EFAULT;
        if (type == SYSLOG_ACTION_READ)
            return read_new(ubuf, (u64)len);
        long rc = read_all(ubuf, (u64)len);
        if (rc >= 0 && type == SYSLOG_ACTION_READ_CLEAR)
            clear_pos = klog_ring_head();
        return rc;
    }
    case SYSLOG_ACTION_CLEAR:
        clear_pos = klog_ring_head();
        return 0;
    case SYSLOG_ACTION_CONSOLE_OFF: case SYSLOG_ACTION_CONSOLE_ON:
        return 0;
    case SYSLOG_ACTION_CONSOLE_LEVEL:
        return len < 1 || len > 8 ? -EINVAL : 0;
    case SYSLOG_ACTION_SIZE_UNREAD:
        return (long)(klog_ring_head() - MAX(read_pos, klog_ring_tail()));
    case SYSLOG_ACTION_SIZE_BUFFER:
        return LOG_RING_SIZE;
    default:
        return -EINVAL;
    }
}
