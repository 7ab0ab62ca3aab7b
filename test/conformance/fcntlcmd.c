/* test/conformance/fcntlcmd.c — fcntl's commands as its man page lists them (issue 16): pipe sizes
 * (F_GETPIPE_SZ/F_SETPIPE_SZ), file seals (F_ADD_SEALS/F_GET_SEALS, F_SEAL_*), owners (F_GETOWN_EX/
 * F_SETOWN_EX, F_OWNER_*), F_GETSIG/F_SETSIG, open file description locks (F_OFD_*),
 * F_DUPFD's limits, and the errnos they give: EBUSY, EPERM, EAGAIN, EINVAL, EMFILE,
 * EBADF. */
/* covers: fcntl memfd_create */
#define _GNU_SOURCE
#include "tap.h"
#include "tap_abi.h"
#include <sys/mman.h>
#include <sys/resource.h>

/* The raw result of a 3-argument syscall: libc's syscall() takes -4095..-1 for an error, and F_GETOWN of a
 * process group below 4096 returns just such a number (minus the group). */
static long raw_syscall3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
}

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 16
#endif
#ifndef F_GETPIPE_SZ
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#endif
#ifndef MFD_ALLOW_SEALING
#define MFD_CLOEXEC 1
#define MFD_ALLOW_SEALING 2
#endif

static void pipesz(void)
{
    int p[2];
    pipe(p);
    T_OK("fcntl F_GETPIPE_SZ of a new pipe: 16 pages", SYS(SYS_fcntl, p[0], F_GETPIPE_SZ), 16 * PAGE);
    T_OK("fcntl F_SETPIPE_SZ 8192", SYS(SYS_fcntl, p[1], F_SETPIPE_SZ, 8192), 8192);
    T_OK("fcntl F_GETPIPE_SZ after F_SETPIPE_SZ (the other end)", SYS(SYS_fcntl, p[0], F_GETPIPE_SZ), 8192);
    T_OK("fcntl F_SETPIPE_SZ 5000 rounds up to a power-of-two pages", SYS(SYS_fcntl, p[1], F_SETPIPE_SZ, 5000), 8192);
    T_OK("fcntl F_SETPIPE_SZ 1 gives one page", SYS(SYS_fcntl, p[1], F_SETPIPE_SZ, 1), PAGE);
    static char buf[3 * 4096];
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    T_OK("fcntl F_SETPIPE_SZ one page: a write fills it", SYS(SYS_write, p[1], buf, sizeof buf), PAGE);
    T_OK("fcntl F_SETPIPE_SZ 65536 with a page of data", SYS(SYS_fcntl, p[1], F_SETPIPE_SZ, 65536), 65536);
    T_OK("fcntl F_SETPIPE_SZ: more room for writes", SYS(SYS_write, p[1], buf, sizeof buf), sizeof buf);
    T_ERR("fcntl F_SETPIPE_SZ below the data held", SYS(SYS_fcntl, p[1], F_SETPIPE_SZ, PAGE), EBUSY);
    T_ERR("fcntl F_SETPIPE_SZ past 2^31", SYS(SYS_fcntl, p[1], F_SETPIPE_SZ, (1L << 31) + 1), EINVAL);
    close(p[0]);
    close(p[1]);
    put_file("f", "x", 1);
    int fd = SYS(SYS_open, "f", O_RDONLY);
    T_ERR("fcntl F_GETPIPE_SZ of a file", SYS(SYS_fcntl, fd, F_GETPIPE_SZ), EBADF);
    T_ERR("fcntl F_SETPIPE_SZ of a file", SYS(SYS_fcntl, fd, F_SETPIPE_SZ, PAGE), EBADF);
    close(fd);
}

static void seals(void)
{
    int fd = SYS(SYS_memfd_create, "sealed", MFD_ALLOW_SEALING);
    T_OK("fcntl F_GET_SEALS of a sealable memfd: none", SYS(SYS_fcntl, fd, F_GET_SEALS), 0);
    SYS(SYS_ftruncate, fd, 2 * PAGE);
    T_OK("fcntl F_ADD_SEALS F_SEAL_SHRINK", SYS(SYS_fcntl, fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
    T_ERR("ftruncate smaller under F_SEAL_SHRINK", SYS(SYS_ftruncate, fd, PAGE), EPERM);
    T_OK("ftruncate larger under F_SEAL_SHRINK", SYS(SYS_ftruncate, fd, 3 * PAGE), 0);
    T_OK("fcntl F_ADD_SEALS F_SEAL_GROW", SYS(SYS_fcntl, fd, F_ADD_SEALS, F_SEAL_GROW), 0);
    T_ERR("ftruncate larger under F_SEAL_GROW", SYS(SYS_ftruncate, fd, 4 * PAGE), EPERM);
    T_ERR("write past the end under F_SEAL_GROW", SYS(SYS_pwrite64, fd, "x", 1, 3 * PAGE), EPERM);
    T_OK("write inside under F_SEAL_GROW", SYS(SYS_pwrite64, fd, "x", 1, 0), 1);
    T_OK("fcntl F_ADD_SEALS F_SEAL_WRITE", SYS(SYS_fcntl, fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
    T_ERR("write under F_SEAL_WRITE", SYS(SYS_pwrite64, fd, "x", 1, 0), EPERM);
    T_TRUE("mmap MAP_SHARED PROT_WRITE under F_SEAL_WRITE -> EPERM",
           mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM);
    void *m = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    T_TRUE("mmap MAP_PRIVATE under F_SEAL_WRITE works", m != MAP_FAILED);
    munmap(m, PAGE);
    T_OK("fcntl F_GET_SEALS shows them", SYS(SYS_fcntl, fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
    T_OK("fcntl F_ADD_SEALS F_SEAL_SEAL", SYS(SYS_fcntl, fd, F_ADD_SEALS, F_SEAL_SEAL), 0);
    T_ERR("fcntl F_ADD_SEALS after F_SEAL_SEAL", SYS(SYS_fcntl, fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), EPERM);
    T_ERR("fcntl F_ADD_SEALS an unknown seal", SYS(SYS_fcntl, fd, F_ADD_SEALS, 0x100), EINVAL);
    close(fd);
    fd = SYS(SYS_memfd_create, "plain", 0);
    T_OK("fcntl F_GET_SEALS without MFD_ALLOW_SEALING: F_SEAL_SEAL", SYS(SYS_fcntl, fd, F_GET_SEALS), F_SEAL_SEAL);
    T_ERR("fcntl F_ADD_SEALS without MFD_ALLOW_SEALING", SYS(SYS_fcntl, fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    close(fd);
    fd = SYS(SYS_memfd_create, "fw", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    T_OK("memfd_create MFD_CLOEXEC sets FD_CLOEXEC", SYS(SYS_fcntl, fd, F_GETFD), FD_CLOEXEC);
    SYS(SYS_ftruncate, fd, PAGE);
    T_OK("fcntl F_ADD_SEALS F_SEAL_FUTURE_WRITE", SYS(SYS_fcntl, fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), 0);
    T_ERR("write under F_SEAL_FUTURE_WRITE", SYS(SYS_write, fd, "x", 1), EPERM);
    close(fd);
    int ro = SYS(SYS_open, "f", O_RDONLY), pp[2];
    T_ERR("fcntl F_ADD_SEALS on a read-only fd", SYS(SYS_fcntl, ro, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    close(ro);
    pipe(pp);
    T_ERR("fcntl F_GET_SEALS on a pipe", SYS(SYS_fcntl, pp[0], F_GET_SEALS), EINVAL);
    T_ERR("fcntl F_ADD_SEALS on a pipe", SYS(SYS_fcntl, pp[1], F_ADD_SEALS, F_SEAL_WRITE), EINVAL);
    close(pp[0]);
    close(pp[1]);
    T_ERR("memfd_create an unknown flag", SYS(SYS_memfd_create, "x", 0x100), EINVAL);
    char name[300];
    memset(name, 'm', 255);
    name[255] = 0;
    T_ERR("memfd_create a 255-byte name", SYS(SYS_memfd_create, name, 0), EINVAL);
    T_ERR("memfd_create a kernel-address name", SYS(SYS_memfd_create, KADDR, 0), EFAULT);
}

static void owners(void)
{
    put_file("o", "x", 1);
    int fd = SYS(SYS_open, "o", O_RDWR);
    struct f_owner_ex ex = { F_OWNER_PID, getpid() }, got = { 0, 0 };
    T_OK("fcntl F_SETOWN_EX F_OWNER_PID", SYS(SYS_fcntl, fd, F_SETOWN_EX, &ex), 0);
    T_OK("fcntl F_GETOWN_EX", SYS(SYS_fcntl, fd, F_GETOWN_EX, &got), 0);
    T_TRUE("fcntl F_GETOWN_EX: F_OWNER_PID and the pid", got.type == F_OWNER_PID && got.pid == getpid());
    T_OK("fcntl F_GETOWN after F_SETOWN_EX", SYS(SYS_fcntl, fd, F_GETOWN), getpid());
    ex.type = F_OWNER_TID;
    ex.pid = (int)SYS(SYS_gettid);
    T_OK("fcntl F_SETOWN_EX F_OWNER_TID", SYS(SYS_fcntl, fd, F_SETOWN_EX, &ex), 0);
    SYS(SYS_fcntl, fd, F_GETOWN_EX, &got);
    T_TRUE("fcntl F_GETOWN_EX: F_OWNER_TID", got.type == F_OWNER_TID);
    ex.type = F_OWNER_PGRP;
    ex.pid = getpgrp();
    T_OK("fcntl F_SETOWN_EX F_OWNER_PGRP", SYS(SYS_fcntl, fd, F_SETOWN_EX, &ex), 0);
    T_OK("fcntl F_GETOWN after F_OWNER_PGRP: minus the group", raw_syscall3(SYS_fcntl, fd, F_GETOWN, 0), -getpgrp());
    ex.type = 7;
    T_ERR("fcntl F_SETOWN_EX an unknown type", SYS(SYS_fcntl, fd, F_SETOWN_EX, &ex), EINVAL);
    T_ERR("fcntl F_SETOWN_EX at a kernel address", SYS(SYS_fcntl, fd, F_SETOWN_EX, KADDR), EFAULT);
    T_ERR("fcntl F_GETOWN_EX to a kernel address", SYS(SYS_fcntl, fd, F_GETOWN_EX, KADDR), EFAULT);
    T_OK("fcntl F_SETSIG SIGUSR1", SYS(SYS_fcntl, fd, F_SETSIG, 10), 0);
    T_OK("fcntl F_GETSIG", SYS(SYS_fcntl, fd, F_GETSIG), 10);
    T_ERR("fcntl F_SETSIG 65", SYS(SYS_fcntl, fd, F_SETSIG, 65), EINVAL);
    close(fd);
}

static void ofdlocks(void)
{
    int a = SYS(SYS_open, "o", O_RDWR), b = SYS(SYS_open, "o", O_RDWR);
    struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    T_OK("fcntl F_OFD_SETLK F_WRLCK", SYS(SYS_fcntl, a, F_OFD_SETLK, &l), 0);
    struct flock q = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
    T_ERR("fcntl F_OFD_SETLK F_RDLCK from another open file description", SYS(SYS_fcntl, b, F_OFD_SETLK, &q), EAGAIN);
    T_OK("fcntl F_OFD_GETLK sees the conflict", SYS(SYS_fcntl, b, F_OFD_GETLK, &q), 0);
    T_TRUE("fcntl F_OFD_GETLK: F_WRLCK, l_pid -1", q.l_type == F_WRLCK && q.l_pid == -1);
    struct flock bad = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_pid = 1 };
    T_ERR("fcntl F_OFD_SETLK with l_pid set", SYS(SYS_fcntl, b, F_OFD_SETLK, &bad), EINVAL);
    l.l_type = F_UNLCK;
    T_OK("fcntl F_OFD_SETLK F_UNLCK", SYS(SYS_fcntl, a, F_OFD_SETLK, &l), 0);
    q.l_type = F_RDLCK;
    q.l_pid = 0;
    T_OK("fcntl F_OFD_SETLKW F_RDLCK once free", SYS(SYS_fcntl, b, F_OFD_SETLKW, &q), 0);
    close(a);
    close(b);
}

static void leases_dups(void)
{
    int fd = SYS(SYS_open, "o", O_RDONLY);
    struct rlimit old, low;
    getrlimit(RLIMIT_NOFILE, &old);
    low = (struct rlimit){ 10, old.rlim_max }; /* the soft limit only: a lowered hard limit would stay */
    setrlimit(RLIMIT_NOFILE, &low);
    T_ERR("fcntl F_DUPFD at RLIMIT_NOFILE", SYS(SYS_fcntl, fd, F_DUPFD, 10), EINVAL);
    T_OK("fcntl F_DUPFD just below RLIMIT_NOFILE", SYS(SYS_fcntl, fd, F_DUPFD, 9), 9);
    T_ERR("fcntl F_DUPFD_CLOEXEC with no fd free above the minimum", SYS(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 9), EMFILE);
    close(9);
    setrlimit(RLIMIT_NOFILE, &old);
    close(fd);
    T_ERR("fcntl F_GETFD of a closed fd", SYS(SYS_fcntl, fd, F_GETFD), EBADF);
}

int main(void)
{
    tap_scratch("fcntlcmd");
    pipesz();
    seals();
    owners();
    ofdlocks();
    leases_dups();
    tap_finish_dir();
    return tap_done();
}
