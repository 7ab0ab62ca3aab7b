/* test/conformance/procoom.c — /proc/PID/oom_score_adj and oom_score as proc(5) describes them: 0 by default,
 * a write of -1000..1000 read back (decimal, "0x" hex, blanks around it), anything else EINVAL; fork copies it;
 * oom_score lies in 0..2000, higher with a higher adjustment; and as nobody, raising it is allowed but going
 * below the minimum (0) is EACCES. Nothing below 0 is written as root: this host's runner may lack
 * CAP_SYS_RESOURCE (EACCES there), which skiff's root has. */
/* covers: write */
#include "tap.h"
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

static long rd(const char *path)
{
    char b[32];
    return tap_read_file(path, b, sizeof b) > 0 ? strtol(b, NULL, 10) : -99999;
}

static long wr(const char *text)
{
    int fd = open("/proc/self/oom_score_adj", O_WRONLY);
    if (fd < 0)
        return -1;
    long n = write(fd, text, strlen(text));
    int e = errno;
    close(fd);
    errno = e;
    return n;
}

static void as_nobody(void)
{
    /* root left the minimum at 0 (its last write, below, was 0): nobody may raise and come back to 0, not below */
    if (setgid(65534) || setuid(65534))
        _exit(90);
    prctl(PR_SET_DUMPABLE, 1); /* else its /proc/self files stay root's after the change of ids */
    T_OK("as nobody: write 300", wr("300"), 3);
    T_EQ("as nobody: read back 300", rd("/proc/self/oom_score_adj"), 300);
    T_OK("as nobody: write 0 (the minimum)", wr("0"), 1);
    T_ERR("as nobody: write -1 (below the minimum)", wr("-1"), EACCES);
    T_EQ("as nobody: still 0", rd("/proc/self/oom_score_adj"), 0);
}

int main(void)
{
    T_EQ("oom_score_adj is 0 by default", rd("/proc/self/oom_score_adj"), 0);
    long s0 = rd("/proc/self/oom_score");
    T_TRUE("oom_score lies in 0..2000", s0 >= 0 && s0 <= 2000);
    T_OK("write 500", wr("500"), 3);
    T_EQ("read back 500", rd("/proc/self/oom_score_adj"), 500);
    T_TRUE("oom_score rises with the adjustment", rd("/proc/self/oom_score") > s0);
    T_OK("write \" 0x10\\n\"", wr(" 0x10\n"), 6);
    T_EQ("read back 16", rd("/proc/self/oom_score_adj"), 16);
    T_ERR("write 1001", wr("1001"), EINVAL);
    T_ERR("write -1001", wr("-1001"), EINVAL);
    T_ERR("write abc", wr("abc"), EINVAL);
    T_ERR("write 12x", wr("12x"), EINVAL);
    T_EQ("after the failed writes: still 16", rd("/proc/self/oom_score_adj"), 16);
    T_OK("write 700", wr("700"), 3);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(rd("/proc/self/oom_score_adj") == 700 ? 0 : 1);
    int st = -1;
    waitpid(c, &st, 0);
    T_EQ("a forked child has its parent's 700", st, 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)getpid());
    T_EQ("/proc/PID/oom_score_adj: 700", rd(path), 700);
    T_OK("write 0 (the minimum for the unprivileged)", wr("0"), 1);
    tap_in_child(as_nobody);
    return tap_done();
}
