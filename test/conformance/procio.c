/* test/conformance/procio.c — /proc/PID/io as proc(5) describes it: rchar and wchar count the bytes read and
 * written through read(2)/write(2) and their kin (pread, readv ...), syscr and syscw the calls, whatever the
 * file (here /dev/zero and /dev/null, and the read of /proc/self/io itself); a thread's calls show in
 * /proc/PID/io and in its own task/TID/io; the file is its owner's alone (0400). */
/* covers: read write pread64 readv */
#include "tap.h"
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

struct io { long rchar, wchar, syscr, syscw; int len; };

static struct io get(const char *path)
{
    static char b[512];
    struct io r = { -1, -1, -1, -1, 0 };
    int fd = open(path, O_RDONLY);
    long n = fd < 0 ? -1 : read(fd, b, sizeof b - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return r;
    b[n] = 0;
    r.len = (int)n;
    sscanf(b, "rchar: %ld\nwchar: %ld\nsyscr: %ld\nsyscw: %ld", &r.rchar, &r.wchar, &r.syscr, &r.syscw);
    return r;
}

static char tidpath[64];
static struct io tid_before, tid_after;

static void *thread(void *arg)
{
    (void)arg;
    snprintf(tidpath, sizeof tidpath, "/proc/self/task/%ld/io", (long)syscall(SYS_gettid));
    tid_before = get(tidpath);
    int z = open("/dev/zero", O_RDONLY);
    char buf[64];
    for (int i = 0; i < 5; i++)
        if (read(z, buf, sizeof buf) != sizeof buf)
            break;
    close(z);
    tid_after = get(tidpath);
    return NULL;
}

int main(void)
{
    int z = open("/dev/zero", O_RDONLY), nul = open("/dev/null", O_WRONLY);
    char buf[100];
    struct iovec iov[2] = { { buf, 30 }, { buf + 30, 20 } };
    struct io a = get("/proc/self/io");
    long ok = read(z, buf, 100) == 100 && read(z, buf, 100) == 100 && pread(z, buf, 100, 0) == 100 &&
              readv(z, iov, 2) == 50 && write(nul, buf, 50) == 50 && write(nul, buf, 25) == 25;
    struct io b = get("/proc/self/io");
    T_TRUE("the reads and writes", ok);
    T_EQ("rchar: the bytes read, and the read of /proc/self/io", b.rchar - a.rchar, 350 + a.len);
    T_EQ("syscr: four reads, and the read of /proc/self/io", b.syscr - a.syscr, 5);
    T_EQ("wchar: the bytes written", b.wchar - a.wchar, 75);
    T_EQ("syscw: two writes", b.syscw - a.syscw, 2);
    pthread_t t;
    struct io pa = get("/proc/self/io");
    pthread_create(&t, NULL, thread, NULL);
    pthread_join(t, NULL);
    struct io pb = get("/proc/self/io");
    T_EQ("task/TID/io: the thread's own five reads of 64 bytes and one of its io file",
         tid_after.rchar - tid_before.rchar, 320 + tid_before.len);
    T_TRUE("/proc/self/io counts the ended thread's reads", pb.rchar - pa.rchar >= 320 && pb.syscr - pa.syscr >= 7);
    struct stat st;
    T_OK("stat /proc/self/io", stat("/proc/self/io", &st), 0);
    T_EQ("/proc/self/io is its owner's alone", st.st_mode & 0777, 0400);
    close(z), close(nul);
    return tap_done();
}
