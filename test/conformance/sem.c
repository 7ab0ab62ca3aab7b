/* test/conformance/sem.c — System V semaphores: semget (IPC_PRIVATE, keys), semop/semtimedop applied all at once
 * or not at all, IPC_NOWAIT, waiting for a value and for zero (GETNCNT/GETZCNT count the waiters), SEM_UNDO
 * undone when the process exits (and forgotten after SETVAL), EIDRM and EINTR for a waiter, semctl's commands,
 * /proc/sysvipc/sem, and the error paths. semctl goes through syscall() (the union semun by value), so glibc
 * and musl see the same thing. Orderings come from pipes and /proc/PID/stat, never from timing. */
/* covers: semget semop semtimedop semctl */
#include "tap.h"
#include <pthread.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>

struct kperm { int key; unsigned uid, gid, cuid, cgid, mode; unsigned short seq, pad; unsigned long u1, u2; };
struct ksem { struct kperm perm; long otime; unsigned long u1; long ctime; unsigned long u2, nsems, u3, u4; };

#define CTL(id, num, cmd, arg) SYS(SYS_semctl, (id), (num), (cmd), (long)(arg))

static int status_of(pid_t c, int flags)
{
    int s = 0;
    if (waitpid(c, &s, flags) == 0)
        return -1;
    return WIFEXITED(s) ? WEXITSTATUS(s) : 128 + WTERMSIG(s);
}

static void wait_asleep(pid_t c)
{
    while (state_of(c) != 'S')
        usleep(1000);
}

static int op1(int id, int num, int op, int flg)
{
    struct sembuf b = { (unsigned short)num, (short)op, (short)flg };
    return semop(id, &b, 1);
}

/* A child that runs one operation and exits 0 or with its errno. */
static void on_usr1(int sig) { (void)sig; }
static pid_t op_child(int id, int num, int op, int flg)
{
    pid_t c = fork();
    if (c == 0) {
        struct sigaction sa = { .sa_handler = on_usr1 };
        sigaction(SIGUSR1, &sa, NULL);
        _exit(op1(id, num, op, flg) ? errno : 0);
    }
    return c;
}

static void test_ops(void)
{
    int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    T_TRUE("semget IPC_PRIVATE, 3 semaphores", id >= 0);
    T_OK("semctl GETVAL of a new set is 0", CTL(id, 0, GETVAL, 0), 0);
    T_OK("semctl SETVAL", CTL(id, 0, SETVAL, 1), 0);
    T_OK("semctl GETVAL", CTL(id, 0, GETVAL, 0), 1);
    T_OK("semctl GETPID after SETVAL", CTL(id, 0, GETPID, 0), getpid());
    T_OK("semop -1", op1(id, 0, -1, 0), 0);
    T_OK("semop took it", CTL(id, 0, GETVAL, 0), 0);
    T_ERR("semop -1 IPC_NOWAIT at 0", op1(id, 0, -1, IPC_NOWAIT), EAGAIN);
    struct sembuf b = { 0, -1, 0 };
    struct timespec ts = { 0, 1000000 };
    T_ERR("semtimedop -1 at 0 with a timeout", semtimedop(id, &b, 1, &ts), EAGAIN);
    T_OK("semop 0 (wait for zero) at 0", op1(id, 0, 0, 0), 0);
    unsigned short all[3] = { 1, 2, 3 }, got[3] = { 0 };
    T_OK("semctl SETALL", CTL(id, 0, SETALL, all), 0);
    T_OK("semctl GETALL", CTL(id, 0, GETALL, got), 0);
    T_TRUE("semctl GETALL gives what SETALL set", got[0] == 1 && got[1] == 2 && got[2] == 3);
    struct sembuf two[2] = { { 0, -1, 0 }, { 1, -5, IPC_NOWAIT } };
    T_ERR("semop all or nothing: the second would block", semop(id, two, 2), EAGAIN);
    T_OK("semop all or nothing: the first was not applied", CTL(id, 0, GETVAL, 0), 1);
    struct sembuf three[3] = { { 0, -1, 0 }, { 1, +1, 0 }, { 1, -3, 0 } };
    T_OK("semop several operations, one semaphore twice", semop(id, three, 3), 0);
    T_TRUE("semop applied in order", CTL(id, 0, GETVAL, 0) == 0 && CTL(id, 1, GETVAL, 0) == 0);
    T_ERR("semop past SEMVMX", op1(id, 2, 32767, 0), ERANGE);
    T_OK("semtimedop with a NULL timeout", semtimedop(id, (struct sembuf[]){ { 2, 1, 0 } }, 1, NULL), 0);
    T_OK("semtimedop applied", CTL(id, 2, GETVAL, 0), 4);

    pid_t c = op_child(id, 2, -6, 0);
    wait_asleep(c);
    T_OK("semctl GETNCNT counts a waiter", CTL(id, 2, GETNCNT, 0), 1);
    T_OK("semctl GETZCNT of that semaphore is 0", CTL(id, 2, GETZCNT, 0), 0);
    T_OK("semop +1 (not enough yet)", op1(id, 2, 1, 0), 0);
    T_EQ("semop the waiter still waits", status_of(c, WNOHANG), -1);
    T_OK("semop +1 wakes it", op1(id, 2, 1, 0), 0);
    T_EQ("semop the waiter got its -6", status_of(c, 0), 0);
    T_OK("semop the value after it", CTL(id, 2, GETVAL, 0), 0);
    T_OK("semctl GETNCNT after", CTL(id, 2, GETNCNT, 0), 0);
    T_OK("semctl GETPID is the waiter's", CTL(id, 2, GETPID, 0), c);

    CTL(id, 1, SETVAL, 2);
    c = op_child(id, 1, 0, 0);
    wait_asleep(c);
    T_OK("semctl GETZCNT counts a wait for zero", CTL(id, 1, GETZCNT, 0), 1);
    CTL(id, 1, SETVAL, 0);
    T_EQ("semop the wait for zero ends when SETVAL makes it 0", status_of(c, 0), 0);

    c = op_child(id, 0, -1, 0);
    wait_asleep(c);
    kill(c, SIGUSR1);
    T_EQ("semop a waiter interrupted by a handler -> EINTR", status_of(c, 0), EINTR);
    c = op_child(id, 0, -1, 0);
    wait_asleep(c);
    T_OK("semctl IPC_RMID with a waiter", CTL(id, 0, IPC_RMID, 0), 0);
    T_EQ("semop the waiter gets EIDRM", status_of(c, 0), EIDRM);
    T_ERR("semctl GETVAL of a removed set", CTL(id, 0, GETVAL, 0), EINVAL);
}

static void test_undo(void)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    CTL(id, 0, SETVAL, 3);
    pid_t c = fork();
    if (c == 0)
        _exit(op1(id, 0, -2, SEM_UNDO) ? errno : 0);
    T_EQ("semop -2 SEM_UNDO in a child", status_of(c, 0), 0);
    T_OK("semop SEM_UNDO: undone when the child exited", CTL(id, 0, GETVAL, 0), 3);
    c = fork();
    if (c == 0)
        _exit(op1(id, 1, 5, SEM_UNDO) ? errno : 0);
    status_of(c, 0);
    T_OK("semop +5 SEM_UNDO: undone too", CTL(id, 1, GETVAL, 0), 0);

    int up[2], down[2];
    char ch;
    if (pipe(up) || pipe(down))
        return;
    c = fork();
    if (c == 0) {
        op1(id, 0, -1, SEM_UNDO);
        write(up[1], "x", 1);
        read(down[0], &ch, 1);
        _exit(0);
    }
    read(up[0], &ch, 1);
    T_OK("semop SEM_UNDO: held while the child lives", CTL(id, 0, GETVAL, 0), 2);
    CTL(id, 0, SETVAL, 5);
    write(down[1], "x", 1);
    status_of(c, 0);
    T_OK("semctl SETVAL cleared the child's adjustment", CTL(id, 0, GETVAL, 0), 5);

    c = fork();
    if (c == 0) {
        op1(id, 0, -5, SEM_UNDO);
        write(up[1], "x", 1);
        read(down[0], &ch, 1);
        _exit(0);
    }
    read(up[0], &ch, 1);
    pid_t w = op_child(id, 0, -5, 0);
    wait_asleep(w);
    write(down[1], "x", 1);
    status_of(c, 0);
    T_EQ("semop a waiter gets what the exit undid", status_of(w, 0), 0);
    T_OK("semop SEM_UNDO applied at exit before the waiter took it", CTL(id, 0, GETVAL, 0), 0);
    CTL(id, 0, IPC_RMID, 0);
    close(up[0]), close(up[1]), close(down[0]), close(down[1]);
}

static int gone_id;
static void *thread_waits(void *arg)
{
    (void)arg;
    op1(gone_id, 0, -1, 0);
    return NULL;
}

/* A thread asleep in semop when its process exits: it is no waiter any more (it once stayed listed). */
static void test_exit_group(void)
{
    gone_id = semget(IPC_PRIVATE, 1, 0600);
    int go[2];
    char ch;
    if (pipe(go))
        return;
    pid_t c = fork();
    if (c == 0) {
        pthread_t t;
        pthread_create(&t, NULL, thread_waits, NULL);
        read(go[0], &ch, 1);
        _exit(0); /* exit_group: the waiting thread ends with it */
    }
    while (CTL(gone_id, 0, GETNCNT, 0) != 1)
        usleep(1000);
    T_OK("semctl GETNCNT counts a waiting thread of another process", CTL(gone_id, 0, GETNCNT, 0), 1);
    write(go[1], "x", 1);
    status_of(c, 0);
    T_OK("semctl GETNCNT after that process exited", CTL(gone_id, 0, GETNCNT, 0), 0);
    T_OK("semop the semaphore still works", op1(gone_id, 0, 1, 0), 0);
    CTL(gone_id, 0, IPC_RMID, 0);
    close(go[0]), close(go[1]);
}

static void test_ctl(void)
{
    key_t k = 0x5f000000 | (getpid() & 0xffff);
    int id = semget(k, 4, IPC_CREAT | 0640);
    T_TRUE("semget IPC_CREAT with a key", id >= 0);
    T_OK("semget the key again", semget(k, 4, 0), id);
    T_OK("semget the key with nsems 0", semget(k, 0, 0), id);
    T_ERR("semget the key with more semaphores", semget(k, 5, 0), EINVAL);
    T_ERR("semget IPC_CREAT|IPC_EXCL of an existing key", semget(k, 4, IPC_CREAT | IPC_EXCL), EEXIST);
    T_ERR("semget a key that does not exist", semget(k + 0x10000, 1, 0), ENOENT);
    struct ksem d;
    memset(&d, 0, sizeof d);
    T_OK("semctl IPC_STAT", CTL(id, 0, IPC_STAT, &d), 0);
    T_TRUE("semctl IPC_STAT: key, mode, nsems, no semop yet", d.perm.key == k && d.perm.mode == 0640 &&
           d.nsems == 4 && d.otime == 0 && d.ctime != 0);
    op1(id, 0, 1, 0);
    CTL(id, 0, IPC_STAT, &d);
    T_TRUE("semctl IPC_STAT: semop set otime", d.otime != 0);
    d.perm.mode = 0600;
    T_OK("semctl IPC_SET", CTL(id, 0, IPC_SET, &d), 0);
    CTL(id, 0, IPC_STAT, &d);
    T_EQ("semctl IPC_SET changed the mode", d.perm.mode, 0600);
    char line[256], header[256] = "";
    int found = 0;
    FILE *f = fopen("/proc/sysvipc/sem", "r");
    if (f) {
        if (!fgets(header, sizeof header, f))
            header[0] = 0;
        while (fgets(line, sizeof line, f)) {
            int key, sid, nsems;
            char perms[16];
            if (sscanf(line, "%d %d %15s %d", &key, &sid, perms, &nsems) == 4 && sid == id)
                found = key == k && !strcmp(perms, "600") && nsems == 4;
        }
        fclose(f);
    }
    T_TRUE("semctl /proc/sysvipc/sem's header is Linux's", !strcmp(header,
           "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n"));
    T_TRUE("semctl /proc/sysvipc/sem lists the set", found);

    T_ERR("semctl SETVAL past SEMVMX", CTL(id, 0, SETVAL, 32768), ERANGE);
    T_ERR("semctl SETVAL negative", CTL(id, 0, SETVAL, -1), ERANGE);
    unsigned short big[4] = { 1, 40000, 0, 0 };
    T_ERR("semctl SETALL with a value past SEMVMX", CTL(id, 0, SETALL, big), ERANGE);
    T_ERR("semctl GETVAL of semaphore 4 of 4", CTL(id, 4, GETVAL, 0), EINVAL);
    T_ERR("semctl GETVAL of semaphore -1", CTL(id, -1, GETVAL, 0), EINVAL);
    T_ERR("semctl a bad command", CTL(id, 0, 99, 0), EINVAL);
    T_ERR("semctl a bad id", CTL(-1, 0, GETVAL, 0), EINVAL);
    T_ERR("semctl IPC_STAT to a bad pointer", CTL(id, 0, IPC_STAT, BADUPTR), EFAULT);
    T_ERR("semctl GETALL to a bad pointer", CTL(id, 0, GETALL, BADUPTR), EFAULT);
    T_ERR("semctl SETALL from a bad pointer", CTL(id, 0, SETALL, BADUPTR), EFAULT);
    T_TRUE("semctl IPC_INFO answers with an index", CTL(0, 0, IPC_INFO, line) >= 0);

    struct sembuf b = { 0, 1, 0 };
    struct sembuf many[501];
    memset(many, 0, sizeof many);
    T_ERR("semget IPC_PRIVATE with 0 semaphores", semget(IPC_PRIVATE, 0, 0600), EINVAL);
    T_ERR("semget a negative count", semget(IPC_PRIVATE, -1, 0600), EINVAL);
    T_ERR("semop a bad id", semop(-1, &b, 1), EINVAL);
    T_ERR("semop no operations", semop(id, &b, 0), EINVAL);
    T_ERR("semop more than SEMOPM operations", semop(id, many, 501), E2BIG);
    T_ERR("semop semaphore 4 of 4", op1(id, 4, 1, 0), EFBIG);
    T_ERR("semop a bad pointer", semop(id, BADUPTR, 1), EFAULT);
    struct timespec bad = { 0, 1000000000 };
    T_ERR("semtimedop a bad timeout", semtimedop(id, &b, 1, &bad), EINVAL);
    T_ERR("semtimedop a timeout at a bad pointer", semtimedop(id, &b, 1, BADUPTR), EFAULT);
    T_OK("semctl IPC_RMID", CTL(id, 0, IPC_RMID, 0), 0);
    T_ERR("semop a removed set", semop(id, &b, 1), EINVAL);
    T_ERR("semget its key is gone", semget(k, 0, 0), ENOENT);
}

int main(void)
{
    test_ops();
    test_undo();
    test_exit_group();
    test_ctl();
    return tap_done();
}
