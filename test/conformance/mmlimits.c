/* test/conformance/mmlimits.c — the memory errnos that need limits, users or huge offsets: mmap(2) EOVERFLOW
 * for a file range past the largest file offset, MAP_LOCKED and mlock(2)/mlock2/mlockall against
 * RLIMIT_MEMLOCK as nobody (EPERM with a limit of 0, EAGAIN/ENOMEM past it), madvise(2) MADV_REMOVE on a
 * private mapping (EACCES) and MADV_DONTNEED on locked memory (EINVAL); root is not limited. */
/* covers: mmap mremap mlock mlock2 munlock mlockall munlockall madvise */
#include "tap.h"
#include <grp.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define NOBODY 65534
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif

static long map(void *addr, size_t len, int prot, int flags, int fd, unsigned long off)
{
    return (long)SYS(SYS_mmap, addr, len, prot, flags, fd, off);
}

static void as_nobody(void)
{
    struct rlimit rl = { 0, 2 * PAGE }; /* the hard limit leaves room to raise the soft one later */
    setrlimit(RLIMIT_MEMLOCK, &rl);
    if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY)) {
        printf("Bail out! cannot drop to nobody\n");
        exit(2);
    }
    char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_ERR("mmap MAP_LOCKED with RLIMIT_MEMLOCK 0", map(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
                                                       MAP_LOCKED, -1, 0), EPERM);
    T_ERR("mlock with RLIMIT_MEMLOCK 0", mlock(p, PAGE), EPERM);
    T_ERR("mlock2 with RLIMIT_MEMLOCK 0", SYS(SYS_mlock2, p, PAGE, MLOCK_ONFAULT), EPERM);
    T_ERR("mlockall MCL_CURRENT with RLIMIT_MEMLOCK 0", mlockall(MCL_CURRENT), EPERM);
    T_OK("munlock needs no limit", munlock(p, PAGE), 0);
    T_OK("munlockall needs no limit", munlockall(), 0);
    rl.rlim_cur = 2 * PAGE;
    T_OK("setrlimit RLIMIT_MEMLOCK two pages", setrlimit(RLIMIT_MEMLOCK, &rl), 0);
    T_OK("mlock a page within RLIMIT_MEMLOCK", mlock(p, PAGE), 0);
    T_OK("mlock the same page again counts once", mlock(p, PAGE), 0);
    T_ERR("mlock past RLIMIT_MEMLOCK", mlock(p, 3 * PAGE), ENOMEM);
    T_OK("mlock up to RLIMIT_MEMLOCK", mlock(p, 2 * PAGE), 0);
    T_ERR("mmap MAP_LOCKED past RLIMIT_MEMLOCK", map(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
                                                     MAP_LOCKED, -1, 0), EAGAIN);
    T_ERR("mlockall MCL_CURRENT past RLIMIT_MEMLOCK", mlockall(MCL_CURRENT), ENOMEM);
    T_OK("munlock gives the room back", munlock(p, 2 * PAGE), 0);
    long m = map(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    T_OK("mmap MAP_LOCKED within RLIMIT_MEMLOCK", m > 0, 1);
    T_ERR("mremap a locked mapping past RLIMIT_MEMLOCK", (long)mremap((void *)m, PAGE, 3 * PAGE, MREMAP_MAYMOVE),
          EAGAIN);
    T_TRUE("mremap a locked mapping within RLIMIT_MEMLOCK", mremap((void *)m, PAGE, 2 * PAGE, MREMAP_MAYMOVE) !=
           MAP_FAILED);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    tap_scratch("mmlimits");
    put_file("f", "data", 4);
    int fd = open("f", O_RDWR);
    T_ERR("mmap a range past the largest file offset", map(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd,
                                                           0x7ffffffffffff000ul), EOVERFLOW);
    T_ERR("mmap an offset that is negative as an off_t", map(NULL, PAGE, PROT_READ, MAP_SHARED, fd,
                                                             0xfffffffffffff000ul), EOVERFLOW);
    T_ERR("mmap the last page below the largest file offset", map(NULL, PAGE, PROT_READ, MAP_SHARED, fd,
                                                                  0x7ffffffffffff000ul), EOVERFLOW);
    T_OK("mmap a page ending a page below it", map(NULL, PAGE, PROT_READ, MAP_SHARED, fd,
                                                   0x7fffffffffffe000ul) > 0, 1);
    T_ERR("mmap an anonymous mapping ignores the offset's page", map(NULL, PAGE, PROT_READ, MAP_PRIVATE |
                                                                     MAP_ANONYMOUS, -1, 123), EINVAL);
    char *priv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    T_ERR("madvise MADV_REMOVE of a private file mapping", madvise(priv, PAGE, MADV_REMOVE), EACCES);
    char *ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    T_OK("madvise MADV_REMOVE of a PROT_READ shared mapping of a writable fd", madvise(ro, PAGE, MADV_REMOVE), 0);
    T_EQ("madvise MADV_REMOVE: the file reads zeros there", ro[0], 0);
    int rfd = open("f", O_RDONLY);
    char *rom = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, rfd, 0);
    T_ERR("madvise MADV_REMOVE of a shared mapping of a read-only fd", madvise(rom, PAGE, MADV_REMOVE), EACCES);
    char *anon = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_ERR("madvise MADV_REMOVE of private anonymous memory", madvise(anon, PAGE, MADV_REMOVE), EINVAL);
    close(rfd);
    char *lk = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    T_TRUE("mmap MAP_LOCKED by root", lk != MAP_FAILED);
    T_ERR("madvise MADV_DONTNEED of locked memory", madvise(lk, PAGE, MADV_DONTNEED), EINVAL);
    T_ERR("madvise MADV_FREE of locked memory", madvise(lk, PAGE, MADV_FREE), EINVAL);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(madvise(lk, PAGE, MADV_DONTNEED) == 0 ? 0 : 1);
    int st = 0;
    waitpid(c, &st, 0);
    T_TRUE("mlock a forked child's copy is not locked", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    T_OK("munlock it", munlock(lk, PAGE), 0);
    T_OK("madvise MADV_DONTNEED once unlocked", madvise(lk, PAGE, MADV_DONTNEED), 0);
    struct rlimit rl, old;
    getrlimit(RLIMIT_MEMLOCK, &old);
    rl = (struct rlimit){ 0, old.rlim_max }; /* a hard limit raised again would need CAP_SYS_RESOURCE */
    setrlimit(RLIMIT_MEMLOCK, &rl);
    T_OK("mlock by root with RLIMIT_MEMLOCK 0 (CAP_IPC_LOCK)", mlock(lk, PAGE), 0);
    munlock(lk, PAGE);
    setrlimit(RLIMIT_MEMLOCK, &old);
    close(fd);
    tap_in_child(as_nobody);
    tap_finish_dir();
    return tap_done();
}
