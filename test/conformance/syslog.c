/* test/conformance/syslog.c — syslog(2) (klogctl): the sizes, READ_ALL's whole "<level>[time] text" lines,
 * and the error paths. Only actions that leave the kernel's log as it was (natively, this runs as root on the
 * host: no CLEAR, no destructive READ, no console switches). */
/* covers: syslog */
#include "tap.h"

#define LOG_READ_ALL 3
#define LOG_CONSOLE_LEVEL 8
#define LOG_SIZE_UNREAD 9
#define LOG_SIZE_BUFFER 10

static char buf[1 << 20];

static long klog(int type, void *b, long len) { return SYS(SYS_syslog, type, b, len); }

/* Every line of buf[0..n) looks like "<digit>[ seconds.micros] ...". */
static int lines_ok(const char *b, long n)
{
    long i = 0;
    while (i < n) {
        /* "<N>[": N is the record's whole syslog prefix, facility * 8 + level (a process writing to /dev/kmsg
         * may give a facility: "<12>" on a host where one did) */
        long j = i + 1;
        while (j < n && b[j] >= '0' && b[j] <= '9' && j - i <= 4)
            j++;
        if (b[i] != '<' || j == i + 1 || j + 1 >= n || b[j] != '>' || b[j + 1] != '[')
            return 0;
        const char *nl = memchr(b + i, '\n', n - i);
        if (!nl)
            return 0;
        i = nl - b + 1;
    }
    return 1;
}

int main(void)
{
    long size = klog(LOG_SIZE_BUFFER, NULL, 0);
    T_COVERS("SYSLOG_ACTION_SIZE_BUFFER");
    T_TRUE("syslog SIZE_BUFFER is the ring's size", size >= 4096);
    T_COVERS("SYSLOG_ACTION_SIZE_UNREAD");
    T_TRUE("syslog SIZE_UNREAD is within the ring", klog(LOG_SIZE_UNREAD, NULL, 0) >= 0);
    T_COVERS("SYSLOG_ACTION_CLOSE");
    T_OK("syslog CLOSE", klog(0, NULL, 0), 0);
    T_COVERS("SYSLOG_ACTION_OPEN");
    T_OK("syslog OPEN", klog(1, NULL, 0), 0);
    long n = klog(LOG_READ_ALL, buf, sizeof buf);
    /* its text (with "<level>[time] " prefixes) may be longer than the ring itself when the ring is full */
    T_COVERS("SYSLOG_ACTION_READ_ALL");
    T_TRUE("syslog READ_ALL returns the log", n > 0 && n <= (long)sizeof buf);
    T_COVERS("SYSLOG_ACTION_READ_ALL");
    T_TRUE("syslog READ_ALL: whole <level>[time] lines", n > 0 && lines_ok(buf, n));
    n = klog(LOG_READ_ALL, buf, 200);
    T_COVERS("SYSLOG_ACTION_READ_ALL");
    T_TRUE("syslog READ_ALL into 200 bytes: at most 200, whole lines", n >= 0 && n <= 200 && lines_ok(buf, n));
    T_COVERS("SYSLOG_ACTION_READ_ALL");
    T_OK("syslog READ_ALL of 0 bytes", klog(LOG_READ_ALL, buf, 0), 0);
    T_COVERS("SYSLOG_ACTION_READ_ALL");
    T_ERR("syslog READ_ALL with a negative length", klog(LOG_READ_ALL, buf, -1), EINVAL);
    T_COVERS("SYSLOG_ACTION_READ_ALL");
    T_ERR("syslog READ_ALL into NULL", klog(LOG_READ_ALL, NULL, 10), EINVAL);
    T_COVERS("SYSLOG_ACTION_READ_ALL");
    T_ERR("syslog READ_ALL into a kernel address", klog(LOG_READ_ALL, KADDR, 10), EFAULT);
    T_COVERS("SYSLOG_ACTION_READ");
    T_ERR("syslog READ into NULL", klog(2, NULL, 10), EINVAL);
    T_COVERS("SYSLOG_ACTION_READ");
    T_ERR("syslog READ with a negative length", klog(2, buf, -5), EINVAL);
    T_COVERS("SYSLOG_ACTION_READ");
    T_OK("syslog READ of 0 bytes", klog(2, buf, 0), 0);
    T_COVERS("SYSLOG_ACTION_CONSOLE_LEVEL");
    T_ERR("syslog CONSOLE_LEVEL 0", klog(LOG_CONSOLE_LEVEL, NULL, 0), EINVAL);
    T_COVERS("SYSLOG_ACTION_CONSOLE_LEVEL");
    T_ERR("syslog CONSOLE_LEVEL 9", klog(LOG_CONSOLE_LEVEL, NULL, 9), EINVAL);
    T_ERR("syslog an unknown action", klog(11, NULL, 0), EINVAL);
    T_ERR("syslog action -1", klog(-1, NULL, 0), EINVAL);
    return tap_done();
}
