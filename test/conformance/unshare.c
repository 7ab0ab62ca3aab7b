/* test/conformance/unshare.c — unshare(2): flag 0, the flags a single-threaded process can
 * always give up (CLONE_FILES, CLONE_FS, CLONE_THREAD, CLONE_SIGHAND, CLONE_VM), CLONE_SYSVSEM's undo exit path
 * (the SEM_UNDO adjustments are applied at once; later ones start a new list), EINVAL for unknown flags, for
 * what other threads share (CLONE_THREAD, CLONE_SIGHAND, CLONE_VM, CLONE_NEWUSER's implied CLONE_THREAD) and for
 * CLONE_VM while a CLONE_VM child uses the memory, and EPERM for every namespace flag without CAP_SYS_ADMIN (in a
 * child that dropped root). CLONE_FILES gives a process that shares its table with a clone CLONE_FILES child a
 * copy (kcmp KCMP_FILES tells), as close_range CLOSE_RANGE_UNSHARE does and as exec does before closing the
 * close-on-exec files. CLONE_NEWUTS (unshare, and clone) is made in a child, which names itself there (its
 * children see the name, its parent does not): the host is never changed. The other namespaces, which skiff
 * does not have, are tried only without privileges. */
/* covers: unshare close_range clone */
#include "tap.h"
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/utsname.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#define NOBODY 65534

static long unsh(unsigned long f) { return syscall(SYS_unshare, f); }

static void test_single(void)
{
    T_OK("unshare 0", unsh(0), 0);
    T_OK("unshare CLONE_FILES", unsh(CLONE_FILES), 0);
    int fd = open("/proc/self/stat", O_RDONLY);
    T_OK("unshare CLONE_FILES a second time", unsh(CLONE_FILES), 0);
    T_OK("unshare CLONE_FILES keeps the open files", fcntl(fd, F_GETFD), 0);
    close(fd);
    T_OK("unshare CLONE_FS", unsh(CLONE_FS), 0);
    T_OK("unshare CLONE_THREAD alone in its thread group", unsh(CLONE_THREAD), 0);
    T_OK("unshare CLONE_SIGHAND alone", unsh(CLONE_SIGHAND), 0);
    T_OK("unshare CLONE_VM alone", unsh(CLONE_VM), 0);
    T_OK("unshare CLONE_FILES|CLONE_FS|CLONE_SYSVSEM", unsh(CLONE_FILES | CLONE_FS | CLONE_SYSVSEM), 0);
    T_ERR("unshare CSIGNAL bits", unsh(SIGCHLD), EINVAL);
    T_ERR("unshare CLONE_VFORK", unsh(CLONE_VFORK), EINVAL);
    T_ERR("unshare CLONE_PARENT", unsh(CLONE_PARENT), EINVAL);
    T_ERR("unshare CLONE_SETTLS", unsh(CLONE_SETTLS), EINVAL);
    T_ERR("unshare CLONE_IO", unsh(CLONE_IO), EINVAL);
    T_ERR("unshare CLONE_FILES with an unknown bit", unsh(CLONE_FILES | 0x100000000ul), EINVAL);
}

static int semval(int id)
{
    return semctl(id, 0, GETVAL);
}

static int sem_add(int id, int n, int flg)
{
    struct sembuf op = { 0, (short)n, (short)flg };
    return semop(id, &op, 1);
}

static void test_sysvsem(void)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    if (id < 0) {
        T_SKIP("unshare CLONE_SYSVSEM", "no semaphores");
        return;
    }
    sem_add(id, 3, 0);
    T_OK("unshare CLONE_SYSVSEM with no undo list", unsh(CLONE_SYSVSEM), 0);
    T_EQ("unshare CLONE_SYSVSEM: a value set without SEM_UNDO stays", semval(id), 3);
    sem_add(id, 2, SEM_UNDO);
    T_EQ("unshare: SEM_UNDO +2 made 5", semval(id), 5);
    T_OK("unshare CLONE_SYSVSEM", unsh(CLONE_SYSVSEM), 0);
    T_EQ("unshare CLONE_SYSVSEM applied the adjustment at once", semval(id), 3);
    T_OK("unshare CLONE_SYSVSEM again: nothing left to apply", unsh(CLONE_SYSVSEM), 0);
    T_EQ("unshare CLONE_SYSVSEM again left the value", semval(id), 3);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        sem_add(id, 1, SEM_UNDO);
        unsh(CLONE_SYSVSEM);
        sem_add(id, -2, SEM_UNDO);
        _exit(semval(id));
    }
    int st = 0;
    waitpid(c, &st, 0);
    T_EQ("unshare CLONE_SYSVSEM in a child: 3, +1, undone, then -2", WEXITSTATUS(st), 1);
    T_EQ("unshare: the child's exit undid the -2 made after the unshare", semval(id), 3);
    semctl(id, 0, IPC_RMID);
}

static volatile int stop_thread;
static void *spin(void *arg)
{
    (void)arg;
    while (!stop_thread)
        usleep(1000);
    return NULL;
}

/* /proc/self/status's Threads: the joined thread may still be on its way out (musl's join returns when the
 * kernel clears its tid, before the thread has left the group). */
static int nthreads(void)
{
    char buf[4096] = { 0 };
    tap_read_file("/proc/self/status", buf, sizeof buf);
    char *t = strstr(buf, "\nThreads:");
    return t ? atoi(t + 9) : -1;
}

static void test_threads(void)
{
    pthread_t th;
    if (pthread_create(&th, NULL, spin, NULL)) {
        T_SKIP("unshare with a second thread", "no thread");
        return;
    }
    T_OK("unshare 0 with a second thread", unsh(0), 0);
    T_ERR("unshare CLONE_THREAD with a second thread", unsh(CLONE_THREAD), EINVAL);
    T_ERR("unshare CLONE_SIGHAND with a second thread", unsh(CLONE_SIGHAND), EINVAL);
    T_ERR("unshare CLONE_VM with a second thread", unsh(CLONE_VM), EINVAL);
    T_ERR("unshare CLONE_NEWUSER (implies CLONE_THREAD) with a second thread", unsh(CLONE_NEWUSER), EINVAL);
    T_ERR("unshare an unknown flag with a second thread", unsh(CLONE_PARENT), EINVAL);
    stop_thread = 1;
    pthread_join(th, NULL);
    for (int i = 0; i < 2000 && nthreads() != 1; i++)
        usleep(1000);
    T_OK("unshare CLONE_VM once the thread ended", unsh(CLONE_VM), 0);
}

static int vm_child(void *arg)
{
    int *go = arg;
    while (!*go)
        usleep(1000);
    return 0;
}

static void test_vm_child(void)
{
    static volatile int go;
    size_t sz = 64 * 1024;
    char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fflush(stdout);
    pid_t c = clone(vm_child, stack + sz, CLONE_VM | SIGCHLD, (void *)&go);
    if (c < 0) {
        T_SKIP("unshare with a CLONE_VM child", "clone failed");
        return;
    }
    T_ERR("unshare CLONE_VM while a CLONE_VM child uses the memory", unsh(CLONE_VM), EINVAL);
    T_OK("unshare CLONE_SIGHAND: the CLONE_VM child has its own handlers", unsh(CLONE_SIGHAND), 0);
    T_OK("unshare CLONE_FILES: the CLONE_VM child has its own table", unsh(CLONE_FILES), 0);
    go = 1;
    waitpid(c, NULL, 0);
    T_OK("unshare CLONE_VM once the child ended", unsh(CLONE_VM), 0);
    munmap(stack, sz);
}

/* A clone CLONE_FILES child: opens /dev/null, says which fd, waits; again; then exits. */
static int c2p[2], p2c[2];
static int files_child(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2; i++) {
        char go;
        int fd = open("/dev/null", O_RDONLY);
        if (write(c2p[1], &fd, sizeof fd) != sizeof fd || read(p2c[0], &go, 1) != 1)
            return 1;
    }
    return 0;
}

static long kcmp_files(pid_t a, pid_t b) { return syscall(SYS_kcmp, a, b, 2 /* KCMP_FILES */, 0, 0); }

static void test_files_child(void)
{
    size_t sz = 64 * 1024;
    char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pipe(c2p) || pipe(p2c))
        return;
    fflush(stdout);
    pid_t c = clone(files_child, stack + sz, CLONE_FILES | SIGCHLD, NULL);
    if (c < 0) {
        T_SKIP("unshare with a CLONE_FILES child", "clone failed");
        return;
    }
    int fd = -1, fd2 = -1;
    T_EQ("unshare: the CLONE_FILES child opened a file", read(c2p[0], &fd, sizeof fd), (long)sizeof fd);
    T_OK("unshare: the CLONE_FILES child's fd is open in the parent", fcntl(fd, F_GETFD), 0);
    T_OK("unshare: kcmp KCMP_FILES says the table is the same", kcmp_files(getpid(), c), 0);
    T_OK("unshare CLONE_FILES with a CLONE_FILES child", unsh(CLONE_FILES), 0);
    T_TRUE("unshare: kcmp KCMP_FILES says the tables differ now", kcmp_files(getpid(), c) > 0);
    T_OK("unshare: the copy keeps the fd the child opened", fcntl(fd, F_GETFD), 0);
    close(fd);
    T_EQ("unshare: the child goes on", write(p2c[1], "g", 1), 1L);
    T_EQ("unshare: the child opened another file", read(c2p[0], &fd2, sizeof fd2), (long)sizeof fd2);
    T_TRUE("unshare: the parent's close did not reach the child's table (its next fd is past it)", fd2 > fd);
    T_ERR("unshare: the child's new fd is not in the parent's table", fcntl(fd2, F_GETFD), EBADF);
    T_EQ("unshare: the child ends", write(p2c[1], "g", 1), 1L);
    int st = 0;
    waitpid(c, &st, 0);
    T_TRUE("unshare: the child's reads and writes went well", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* close_range CLOSE_RANGE_UNSHARE: the parent's close does not reach a CLONE_FILES child */
    c = clone(files_child, stack + sz, CLONE_FILES | SIGCHLD, NULL);
    T_EQ("close_range: a CLONE_FILES child opened a file", read(c2p[0], &fd, sizeof fd), (long)sizeof fd);
    T_OK("close_range CLOSE_RANGE_UNSHARE of the child's fd", syscall(SYS_close_range, fd, fd, 2), 0);
    T_ERR("close_range: closed in the caller's copy", fcntl(fd, F_GETFD), EBADF);
    T_TRUE("close_range: kcmp KCMP_FILES says the tables differ", kcmp_files(getpid(), c) > 0);
    write(p2c[1], "g", 1);
    T_EQ("close_range: the child's second open", read(c2p[0], &fd2, sizeof fd2), (long)sizeof fd2);
    T_TRUE("close_range: its fd was still open in the child's table (its next fd is past it)", fd2 > fd);
    write(p2c[1], "g", 1);
    waitpid(c, NULL, 0);
    munmap(stack, sz);
    close(c2p[0]), close(c2p[1]), close(p2c[0]), close(p2c[1]);
}

/* In a child only, and sethostname only once its own namespace exists: the host's name never changes. */
static struct utsname uts_before;
static void uts_child(void)
{
    struct utsname u;
    char buf[128] = { 0 };
    long rc = unsh(CLONE_NEWUTS);
    T_OK("unshare CLONE_NEWUTS", rc, 0);
    if (rc)
        return;
    T_OK("unshare CLONE_NEWUTS: sethostname in the new namespace", sethostname("sys17-uts", 9), 0);
    uname(&u);
    T_TRUE("unshare CLONE_NEWUTS: uname shows the new name", !strcmp(u.nodename, "sys17-uts"));
    T_TRUE("unshare CLONE_NEWUTS: the domain name came along", !strcmp(u.domainname, uts_before.domainname));
    tap_read_file("/proc/sys/kernel/hostname", buf, sizeof buf);
    T_TRUE("unshare CLONE_NEWUTS: /proc/sys/kernel/hostname shows it", !strcmp(buf, "sys17-uts\n"));
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        uname(&u);
        _exit(strcmp(u.nodename, "sys17-uts") != 0);
    }
    int st = 1;
    waitpid(c, &st, 0);
    T_TRUE("unshare CLONE_NEWUTS: a child shares the namespace", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    T_OK("unshare CLONE_NEWUTS a second time", unsh(CLONE_NEWUTS), 0);
    uname(&u);
    T_TRUE("unshare CLONE_NEWUTS: the copy starts with the names it had", !strcmp(u.nodename, "sys17-uts"));
    T_OK("unshare CLONE_NEWUTS|CLONE_FILES|CLONE_SYSVSEM", unsh(CLONE_NEWUTS | CLONE_FILES | CLONE_SYSVSEM), 0);
}

/* clone CLONE_NEWUTS: the child names its own namespace (it runs only if the namespace was made). */
static int uts_clone_child(void *arg)
{
    struct utsname u;
    (void)arg;
    if (sethostname("sys17-clone", 11))
        return 1;
    uname(&u);
    return strcmp(u.nodename, "sys17-clone") != 0;
}

static void test_uts(void)
{
    struct utsname after;
    uname(&uts_before);
    tap_in_child(uts_child);
    uname(&after);
    T_TRUE("unshare CLONE_NEWUTS: the parent's host name is unchanged", !strcmp(after.nodename, uts_before.nodename));
    size_t sz = 64 * 1024;
    char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fflush(stdout);
    pid_t c = clone(uts_clone_child, stack + sz, CLONE_NEWUTS | SIGCHLD, NULL);
    int st = 1;
    if (c > 0)
        waitpid(c, &st, 0);
    T_TRUE("clone CLONE_NEWUTS: the child names its own namespace", c > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    uname(&after);
    T_TRUE("clone CLONE_NEWUTS: the parent's host name is unchanged", !strcmp(after.nodename, uts_before.nodename));
    munmap(stack, sz);
}

/* A raw clone with flags that should fail: the result (a child, if made, exits at once). */
static long clone_flags(unsigned long flags)
{
    fflush(stdout);
    long r = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
    if (r == 0)
        _exit(0);
    if (r > 0)
        waitpid((pid_t)r, NULL, 0);
    return r;
}

/* exec in a CLONE_FILES child: Linux gives the exec'ing process its own table first, so the close-on-exec
 * files close in its copy only. */
static int exec_child(void *arg)
{
    execl((const char *)arg, (const char *)arg, "--exit", (char *)NULL);
    return 127;
}

static void test_exec_child(void)
{
    size_t sz = 64 * 1024;
    char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        T_SKIP("unshare: exec in a CLONE_FILES child", "no /proc/self/exe");
        return;
    }
    self[n] = 0;
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    fflush(stdout);
    pid_t c = clone(exec_child, stack + sz, CLONE_FILES | SIGCHLD, self);
    int st = 0;
    waitpid(c, &st, 0);
    T_TRUE("unshare: the CLONE_FILES child exec'ed and exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    T_OK("unshare: its exec closed the close-on-exec fd in its own copy, not in the parent", fcntl(fd, F_GETFD),
         FD_CLOEXEC);
    close(fd);
    munmap(stack, sz);
}

static void as_nobody(void)
{
    if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
        T_TRUE("unshare could drop privileges", 0);
        return;
    }
    T_ERR("unshare CLONE_NEWNS without CAP_SYS_ADMIN", unsh(CLONE_NEWNS), EPERM);
    T_ERR("unshare CLONE_NEWUTS without CAP_SYS_ADMIN", unsh(CLONE_NEWUTS), EPERM);
    T_ERR("unshare CLONE_NEWIPC without CAP_SYS_ADMIN", unsh(CLONE_NEWIPC), EPERM);
    T_ERR("unshare CLONE_NEWNET without CAP_SYS_ADMIN", unsh(CLONE_NEWNET), EPERM);
    T_ERR("unshare CLONE_NEWPID without CAP_SYS_ADMIN", unsh(CLONE_NEWPID), EPERM);
    T_ERR("unshare CLONE_NEWCGROUP without CAP_SYS_ADMIN", unsh(CLONE_NEWCGROUP), EPERM);
    T_ERR("unshare CLONE_NEWTIME without CAP_SYS_ADMIN", unsh(CLONE_NEWTIME), EPERM);
    T_ERR("unshare CLONE_NEWUTS with an unknown flag: EINVAL first", unsh(CLONE_NEWUTS | CLONE_PARENT), EINVAL);
    T_OK("unshare CLONE_FILES|CLONE_FS without privileges", unsh(CLONE_FILES | CLONE_FS), 0);
    T_ERR("clone CLONE_NEWUTS without CAP_SYS_ADMIN", clone_flags(CLONE_NEWUTS), EPERM);
    T_ERR("clone CLONE_NEWNET without CAP_SYS_ADMIN", clone_flags(CLONE_NEWNET), EPERM);
    T_ERR("clone CLONE_NEWPID without CAP_SYS_ADMIN", clone_flags(CLONE_NEWPID), EPERM);
    T_ERR("clone CLONE_NEWIPC without CAP_SYS_ADMIN", clone_flags(CLONE_NEWIPC), EPERM);
    int id = semget(IPC_PRIVATE, 1, 0600);
    if (id >= 0) {
        sem_add(id, 1, SEM_UNDO);
        T_ERR("unshare CLONE_SYSVSEM|CLONE_NEWUTS without CAP_SYS_ADMIN", unsh(CLONE_SYSVSEM | CLONE_NEWUTS), EPERM);
        T_EQ("unshare: a refused unshare leaves the undo list alone", semval(id), 1);
        semctl(id, 0, IPC_RMID);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--exit"))
        return 0;
    test_single();
    test_sysvsem();
    test_threads();
    test_vm_child();
    test_files_child();
    test_exec_child();
    test_uts();
    tap_in_child(as_nobody);
    return tap_done();
}
