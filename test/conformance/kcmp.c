/* test/conformance/kcmp.c — kcmp(2): whether two processes (or threads) share a kernel resource. Linux orders
 * unequal resources by obfuscated kernel pointers (1 or 2), so the checks rely on 0 for "the same", non-zero
 * for "different", and the order reversing when the arguments swap. KCMP_FILE (the same open file through dup, a
 * fork, or two opens), KCMP_VM, KCMP_FILES, KCMP_FS, KCMP_SIGHAND (threads share them, a fork does not),
 * KCMP_SYSVSEM (no SEM_UNDO yet: both empty, the same), KCMP_EPOLL_TFD (the file an epoll entry watches), and
 * the errors: ESRCH, EBADF, EINVAL for a type past KCMP_EPOLL_TFD or a descriptor that is not an epoll, ENOENT
 * for no such entry, EFAULT, EPERM as nobody against root's processes. */
/* covers: kcmp */
#include "tap.h"
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#ifndef SYS_kcmp
#define SYS_kcmp 312
#endif
enum { KCMP_FILE, KCMP_VM, KCMP_FILES, KCMP_FS, KCMP_SIGHAND, KCMP_IO, KCMP_SYSVSEM, KCMP_EPOLL_TFD, KCMP_TYPES };
struct slot { uint32_t efd, tfd, toff; }; /* <linux/kcmp.h>'s struct kcmp_epoll_slot: 12 bytes */
#define NOPID 0x3ffffff0
#define NOBODY 65534

static long kcmp(pid_t a, pid_t b, int type, unsigned long i1, unsigned long i2)
{
    return SYS(SYS_kcmp, a, b, type, i1, i2);
}

/* A different pair must give 1 or 2, and the opposite one when swapped. */
static int ordered(pid_t a, pid_t b, int type, unsigned long i1, unsigned long i2)
{
    long x = kcmp(a, b, type, i1, i2), y = kcmp(b, a, type, i2, i1);
    return (x == 1 && y == 2) || (x == 2 && y == 1);
}

static pid_t spawn(void)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        for (;;)
            pause();
    return c;
}

static volatile pid_t thread_tid;
static void *thread_main(void *arg)
{
    (void)arg;
    thread_tid = (pid_t)SYS(SYS_gettid);
    for (;;)
        pause();
    return NULL;
}

static void test_files(pid_t me, pid_t child)
{
    int a = open("/proc/self/status", O_RDONLY), b = dup(a), c = open("/proc/self/status", O_RDONLY);
    T_OK("kcmp KCMP_FILE a descriptor with itself", kcmp(me, me, KCMP_FILE, a, a), 0);
    T_OK("kcmp KCMP_FILE a dup is the same file", kcmp(me, me, KCMP_FILE, a, b), 0);
    T_OK("kcmp KCMP_FILE two opens are different files, ordered", ordered(me, me, KCMP_FILE, a, c), 1);
    T_OK("kcmp KCMP_FILE the order is consistent", kcmp(me, me, KCMP_FILE, a, c), kcmp(me, me, KCMP_FILE, b, c));
    T_OK("kcmp KCMP_FILE a forked child's copy is the same file", kcmp(me, child, KCMP_FILE, 0, 0), 0);
    T_ERR("kcmp KCMP_FILE a closed descriptor", kcmp(me, me, KCMP_FILE, a, 999), EBADF);
    T_ERR("kcmp KCMP_FILE the first descriptor closed", kcmp(me, me, KCMP_FILE, 999, a), EBADF);
    T_OK("kcmp KCMP_FILE idx is a 32-bit descriptor number", kcmp(me, me, KCMP_FILE, a, (1ul << 32) + a), 0);
    close(a);
    close(b);
    close(c);
}

static void test_tasks(pid_t me, pid_t child, pid_t tid)
{
    for (int t = KCMP_VM; t <= KCMP_SIGHAND; t++) {
        static const char *names[] = { "", "KCMP_VM", "KCMP_FILES", "KCMP_FS", "KCMP_SIGHAND" };
        char n[120];
        snprintf(n, sizeof n, "kcmp %s the caller with itself", names[t]);
        T_OK(n, kcmp(me, me, t, 0, 0), 0);
        snprintf(n, sizeof n, "kcmp %s a thread shares it", names[t]);
        T_OK(n, kcmp(me, tid, t, 0, 0), 0);
        snprintf(n, sizeof n, "kcmp %s a forked child does not, ordered", names[t]);
        T_OK(n, ordered(me, child, t, 0, 0), 1);
        snprintf(n, sizeof n, "kcmp %s idx1 and idx2 are ignored", names[t]);
        T_OK(n, kcmp(me, tid, t, 12345, 999), 0);
    }
    /* a thread made with CLONE_SYSVSEM (pthread_create) gave us an undo list to share; a fork has none */
    T_OK("kcmp KCMP_SYSVSEM a process with threads and a fork differ", ordered(me, child, KCMP_SYSVSEM, 0, 0), 1);
    pid_t other = spawn();
    T_OK("kcmp KCMP_SYSVSEM two forks without SEM_UNDO: both empty", kcmp(other, child, KCMP_SYSVSEM, 0, 0), 0);
    T_OK("kcmp KCMP_IO two forks that never set an I/O priority", kcmp(other, child, KCMP_IO, 0, 0), 0);
    kill(other, SIGKILL);
    waitpid(other, NULL, 0);
    T_OK("kcmp KCMP_SYSVSEM a thread", kcmp(me, tid, KCMP_SYSVSEM, 0, 0), 0);
    int id = semget(IPC_PRIVATE, 1, 0600);
    struct sembuf op = { 0, 1, SEM_UNDO };
    T_OK("kcmp KCMP_SYSVSEM: a semop with SEM_UNDO", semop(id, &op, 1), 0);
    T_OK("kcmp KCMP_SYSVSEM after SEM_UNDO: the child's differs", ordered(me, child, KCMP_SYSVSEM, 0, 0), 1);
    T_OK("kcmp KCMP_SYSVSEM after SEM_UNDO: a thread shares ours", kcmp(me, tid, KCMP_SYSVSEM, 0, 0), 0);
    semctl(id, 0, IPC_RMID);
    T_OK("kcmp KCMP_IO the caller with itself", kcmp(me, me, KCMP_IO, 0, 0), 0);
    T_OK("kcmp KCMP_IO a thread", kcmp(me, tid, KCMP_IO, 0, 0), 0);
    T_ERR("kcmp type KCMP_TYPES", kcmp(me, me, KCMP_TYPES, 0, 0), EINVAL);
    T_ERR("kcmp type -1", kcmp(me, me, -1, 0, 0), EINVAL);
    T_ERR("kcmp no such first process", kcmp(NOPID, me, KCMP_VM, 0, 0), ESRCH);
    T_ERR("kcmp no such second process", kcmp(me, NOPID, KCMP_VM, 0, 0), ESRCH);
    T_ERR("kcmp no such process before a bad type", kcmp(NOPID, me, 99, 0, 0), ESRCH);
    T_ERR("kcmp pid 0", kcmp(0, me, KCMP_VM, 0, 0), ESRCH);
}

static void test_epoll(pid_t me, pid_t child)
{
    int ep = epoll_create1(0), p[2];
    if (pipe(p))
        return;
    struct epoll_event ev = { .events = EPOLLIN };
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    struct slot s = { (uint32_t)ep, (uint32_t)p[0], 0 };
    T_OK("kcmp KCMP_EPOLL_TFD the file an entry watches", kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&s), 0);
    T_OK("kcmp KCMP_EPOLL_TFD another file, ordered", ordered(me, me, KCMP_EPOLL_TFD, p[1], (unsigned long)&s) ||
         (kcmp(me, me, KCMP_EPOLL_TFD, p[1], (unsigned long)&s) & ~3) == 0, 1);
    T_TRUE("kcmp KCMP_EPOLL_TFD another file differs", kcmp(me, me, KCMP_EPOLL_TFD, p[1], (unsigned long)&s) > 0);
    pid_t c2 = spawn();
    T_OK("kcmp KCMP_EPOLL_TFD a child's descriptor of the same file", kcmp(c2, me, KCMP_EPOLL_TFD, p[0],
         (unsigned long)&s), 0);
    T_ERR("kcmp KCMP_EPOLL_TFD the epoll is the second process's", kcmp(me, child, KCMP_EPOLL_TFD, p[0],
          (unsigned long)&s), EBADF);
    kill(c2, SIGKILL);
    waitpid(c2, NULL, 0);
    struct { struct slot s; uint32_t after; } g = { s, 0xffffffff };
    T_OK("kcmp KCMP_EPOLL_TFD reads 12 bytes of slot (what follows it is not toff)",
         kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&g.s), 0);
    s.toff = 1;
    T_ERR("kcmp KCMP_EPOLL_TFD toff past the entries", kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&s), ENOENT);
    s.toff = 0;
    s.tfd = p[1];
    T_ERR("kcmp KCMP_EPOLL_TFD a descriptor not watched", kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&s),
          ENOENT);
    s.tfd = p[0];
    s.efd = p[1];
    T_ERR("kcmp KCMP_EPOLL_TFD efd is not an epoll", kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&s), EINVAL);
    s.efd = 999;
    T_ERR("kcmp KCMP_EPOLL_TFD efd is closed", kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&s), EBADF);
    s.efd = ep;
    T_ERR("kcmp KCMP_EPOLL_TFD the slot at a bad address", kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)BADUPTR),
          EFAULT);
    T_ERR("kcmp KCMP_EPOLL_TFD the slot is read before idx1 is looked up", kcmp(me, me, KCMP_EPOLL_TFD, 999,
          (unsigned long)BADUPTR), EFAULT);
    T_ERR("kcmp KCMP_EPOLL_TFD idx1 closed", kcmp(me, me, KCMP_EPOLL_TFD, 999, (unsigned long)&s), EBADF);
    close(ep);
    close(p[0]);
    close(p[1]);
}

static pid_t root_child;
static void as_nobody(void)
{
    if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
        T_TRUE("kcmp could drop privileges", 0);
        return;
    }
    pid_t me = getpid();
    T_ERR("kcmp as nobody: root's process", kcmp(me, root_child, KCMP_VM, 0, 0), EPERM);
    T_ERR("kcmp as nobody: root's process first", kcmp(root_child, me, KCMP_VM, 0, 0), EPERM);
    T_ERR("kcmp as nobody: EPERM before a bad type", kcmp(root_child, me, 99, 0, 0), EPERM);
    T_OK("kcmp as nobody: itself", kcmp(me, me, KCMP_VM, 0, 0), 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pid_t me = getpid();
    pthread_t th;
    pthread_create(&th, NULL, thread_main, NULL);
    while (!thread_tid)
        usleep(1000);
    pid_t child = spawn();
    test_files(me, child);
    test_tasks(me, child, thread_tid);
    test_epoll(me, child);
    root_child = child;
    tap_in_child(as_nobody);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return tap_done();
}
