/* test/conformance/kmsg.c — /dev/kmsg (Documentation/ABI/testing/dev-kmsg): one record per read as
 * "PREFIX,SEQ,MICROSECONDS,FLAGS;TEXT\n", records written by a process read back (LOG_USER and level 4 by
 * default, a "<N>" prefix's level and facility otherwise, a backslash as \x5c), EINVAL for a buffer smaller
 * than the record, EAGAIN at the end with O_NONBLOCK (read and pread64), EINTR for a blocking one a handler
 * interrupts, lseek's rules (offset 0 only: ESPIPE; SEEK_SET, SEEK_END,
 * SEEK_DATA; SEEK_CUR and SEEK_HOLE EINVAL), EINVAL for a write over 1 KiB. The host's own records are not
 * compared, only the ones this test writes. */
/* covers: read write lseek pread64 */
#include "tap.h"
#include <signal.h>
#include <sys/time.h>

static char rec[8192];

/* The next record the test wrote itself (text starting with tag), or NULL; *prefix its PREFIX field. */
static const char *find(int fd, const char *tag, int *prefix)
{
    for (int i = 0; i < 10000; i++) {
        long n = read(fd, rec, sizeof(rec) - 1);
        if (n < 0 && errno == EPIPE)
            continue;
        if (n <= 0)
            return NULL;
        rec[n] = 0;
        char *semi = strchr(rec, ';');
        unsigned long seq, us;
        if (!semi || sscanf(rec, "%d,%lu,%lu,", prefix, &seq, &us) != 3)
            return "malformed";
        if (!strncmp(semi + 1, tag, strlen(tag)))
            return semi + 1;
    }
    return NULL;
}

static void on_alarm(int sig) { (void)sig; }

/* A blocking pread64 at the end waits for a record; a handler without SA_RESTART ends the wait with EINTR. A
 * record the host logs meanwhile (natively) is read instead: then the wait starts again. */
static void interrupted(void)
{
    int fd = open("/dev/kmsg", O_RDONLY);
    lseek(fd, 0, SEEK_END);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    long r;
    int e, tries = 0;
    do {
        struct itimerval it = { { 0, 0 }, { 0, 50000 } };
        setitimer(ITIMER_REAL, &it, NULL);
        errno = 0;
        r = pread(fd, rec, sizeof(rec), 0);
        e = errno;
    } while (r > 0 && ++tries < 20);
    tap_err_check("pread64 at the end, blocking, interrupted by a handler", r, e, EINTR, "EINTR");
    signal(SIGALRM, SIG_DFL);
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int fd = open("/dev/kmsg", O_RDWR | O_NONBLOCK);
    T_TRUE("open /dev/kmsg read-write", fd >= 0);
    char tiny[4];
    T_ERR("read into a buffer smaller than the record -> EINVAL", read(fd, tiny, sizeof(tiny)), EINVAL);
    T_OK("lseek SEEK_SET 0", lseek(fd, 0, SEEK_SET), 0);
    T_ERR("lseek SEEK_SET 5 -> ESPIPE", lseek(fd, 5, SEEK_SET), ESPIPE);
    T_ERR("lseek SEEK_CUR 0 -> EINVAL", lseek(fd, 0, SEEK_CUR), EINVAL);
    T_ERR("lseek SEEK_CUR 5 -> ESPIPE", lseek(fd, 5, SEEK_CUR), ESPIPE);
    T_OK("lseek SEEK_DATA 0", lseek(fd, 0, SEEK_DATA), 0);
    T_ERR("lseek SEEK_HOLE 0 -> EINVAL", lseek(fd, 0, SEEK_HOLE), EINVAL);
    T_ERR("lseek whence 9 -> EINVAL", lseek(fd, 0, 9), EINVAL);
    T_OK("lseek SEEK_END 0", lseek(fd, 0, SEEK_END), 0);
    T_ERR("read at the end, O_NONBLOCK -> EAGAIN", read(fd, rec, sizeof(rec)), EAGAIN);
    T_ERR("pread64 at the end, O_NONBLOCK (the offset is not used)", pread(fd, rec, sizeof(rec), 0), EAGAIN);
    interrupted();
    char tag[64], msg[128];
    snprintf(tag, sizeof(tag), "skiff-kmsg-%d-", (int)getpid());
    snprintf(msg, sizeof(msg), "%sa\n", tag);
    T_OK("write a record", write(fd, msg, strlen(msg)), (long)strlen(msg));
    snprintf(msg, sizeof(msg), "<3>%sb back\\slash\n", tag);
    T_OK("write a record with <3>", write(fd, msg, strlen(msg)), (long)strlen(msg));
    snprintf(msg, sizeof(msg), "<29>%sc\n", tag);
    T_OK("write a record with <29> (daemon, notice)", write(fd, msg, strlen(msg)), (long)strlen(msg));
    int prefix = -1;
    const char *t = find(fd, tag, &prefix);
    T_TRUE("the first record read back", t && strstr(t, "-a\n") != NULL);
    T_EQ("no prefix: LOG_USER, level 4", prefix, 12);
    t = find(fd, tag, &prefix);
    T_TRUE("the second record: a backslash as \\x5c", t && strstr(t, "-b back\\x5cslash\n") != NULL);
    T_EQ("<3>: level 3, facility LOG_USER (0 is the kernel's)", prefix, 11);
    t = find(fd, tag, &prefix);
    T_TRUE("the third record read back", t && strstr(t, "-c\n") != NULL);
    T_EQ("<29>: facility 3, level 5", prefix, 29);
    static char big[2000];
    memset(big, 'x', sizeof(big));
    T_ERR("write over 1 KiB -> EINVAL", write(fd, big, sizeof(big)), EINVAL);
    close(fd);
    return tap_done();
}
