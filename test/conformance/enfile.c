/* test/conformance/enfile.c — the system-wide limit on open files, fs.file-max (proc(5)): once as many files
 * are open in the system as /proc/sys/fs/file-max allows, every call that makes a file fails with ENFILE for
 * a process without CAP_SYS_ADMIN (root has it and is not limited). A child keeps root's uid (so that it may
 * still write the sysctl through a descriptor opened before) but drops CAP_SYS_ADMIN from its effective set,
 * sets file-max to 0, tries pipe, socket, socketpair, memfd_create, a shared anonymous mmap (Linux backs it
 * with a shmem file) and open, then restores the limit; the parent restores it again whatever happened. The
 * host's limit is 0 only for the few microseconds of those calls, and root's processes never feel it. */
/* covers: pipe pipe2 socket socketpair memfd_create mmap open eventfd2 epoll_create1 timerfd_create signalfd4 inotify_init1 pidfd_open */
#include "tap.h"
#include <sys/mman.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <signal.h>
#include <sys/socket.h>
/* capget/capset's ABI (musl has no linux/capability.h) */
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
struct __user_cap_header_struct { unsigned version; int pid; };
struct __user_cap_data_struct { unsigned effective, permitted, inheritable; };
#define CAP_NET_RAW 13
#define CAP_SYS_ADMIN 21

#define FILE_MAX "/proc/sys/fs/file-max"
static char old_max[64];

static int drop_sys_admin(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    if (SYS(SYS_capget, &h, d))
        return -1;
    d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
    return (int)SYS(SYS_capset, &h, d);
}

static void limited(void)
{
    int fm = open(FILE_MAX, O_RDWR);
    T_TRUE("open /proc/sys/fs/file-max read-write", fm >= 0);
    T_OK("capset: CAP_SYS_ADMIN out of the effective set", drop_sys_admin(), 0);
    int p[2] = { -1, -1 }, sv[2] = { -1, -1 };
    T_OK("write 0 to /proc/sys/fs/file-max", pwrite(fm, "0\n", 2, 0), 2);
    /* each result is kept and checked after the limit is back, so the checks print in any case */
    errno = 0;
    long r[13];
    int e[13];
    sigset_t ss;
    sigemptyset(&ss);
    r[0] = pipe(p), e[0] = errno;
    r[1] = SYS(SYS_pipe2, p, O_CLOEXEC), e[1] = errno;
    r[2] = socket(AF_UNIX, SOCK_STREAM, 0), e[2] = errno;
    r[3] = socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), e[3] = errno;
    r[4] = memfd_create("x", 0), e[4] = errno;
    r[5] = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, e[5] = errno;
    r[6] = eventfd(0, 0), e[6] = errno;
    r[7] = epoll_create1(0), e[7] = errno;
    r[8] = timerfd_create(CLOCK_MONOTONIC, 0), e[8] = errno;
    r[9] = signalfd(-1, &ss, 0), e[9] = errno;
    r[10] = inotify_init1(0), e[10] = errno;
    r[11] = SYS(SYS_pidfd_open, getpid(), 0), e[11] = errno;
    r[12] = open("/dev/null", O_RDONLY), e[12] = errno;
    void *priv = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK("restore /proc/sys/fs/file-max", pwrite(fm, old_max, strlen(old_max), 0), (long)strlen(old_max));
    const char *names[13] = { "pipe with no file left in the system", "pipe2 O_CLOEXEC with no file left in the system",
                             "socket AF_UNIX with no file left in the system",
                             "socketpair with no file left in the system",
                             "memfd_create with no file left in the system",
                             "mmap MAP_SHARED|MAP_ANONYMOUS with no file left in the system",
                             "eventfd2 with no file left in the system", "epoll_create1 with no file left in the system",
                             "timerfd_create with no file left in the system",
                             "signalfd4 with no file left in the system",
                             "inotify_init1 with no file left in the system",
                             "pidfd_open with no file left in the system", "open with no file left in the system" };
    for (int i = 0; i < 13; i++)
        tap_err_check(names[i], r[i], e[i], ENFILE, "ENFILE");
    T_TRUE("mmap MAP_PRIVATE|MAP_ANONYMOUS needs no file: it works at the limit", priv != MAP_FAILED);
    int q[2];
    T_OK("pipe once the limit is back", pipe(q), 0);
    close(fm);
}

int main(void)
{
    if (tap_read_file(FILE_MAX, old_max, sizeof old_max) <= 0) {
        T_SKIP("fs.file-max", "no /proc/sys/fs/file-max");
        return tap_done();
    }
    char nr[128];
    T_TRUE("/proc/sys/fs/file-nr: allocated, free, max", tap_read_file("/proc/sys/fs/file-nr", nr, sizeof nr) > 0 &&
           strchr(nr, '\t') && atol(strrchr(nr, '\t') + 1) == atol(old_max));
    tap_in_child(limited);
    int fd = open(FILE_MAX, O_WRONLY);
    long w = pwrite(fd, old_max, strlen(old_max), 0); /* again, should the child have died half-way */
    close(fd);
    T_EQ("/proc/sys/fs/file-max is back to what it was", w, (long)strlen(old_max));
    char now[64];
    tap_read_file(FILE_MAX, now, sizeof now);
    T_TRUE("/proc/sys/fs/file-max reads as before", !strcmp(now, old_max));
    int p[2];
    T_OK("pipe as root works", pipe(p), 0);
    return tap_done();
}
