/* test/conformance/ipcperm.c — System V IPC permissions and the ipcs(1) commands (svipc(7), msgctl(2),
 * shmctl(2), semctl(2)): root makes a queue, a segment and a set with mode 0600, then a child that dropped to
 * nobody (uid and gid 65534, no groups) is refused what the mode does not grant (EACCES for msgget, msgsnd,
 * msgrcv, shmget, shmat, semget, semop, semctl and IPC_STAT; EPERM for IPC_SET, IPC_RMID, SHM_LOCK and a
 * msg_qbytes above MSGMNB) and allowed the rest (MSG_STAT_ANY, SHM_STAT_ANY, SEM_STAT_ANY read any object;
 * a mode 0666 object grants everything but the owner's commands). The *_STAT commands take a table index
 * and return the object's id; *_INFO report usage; a negative id is EINVAL for every msgctl and shmctl
 * command (IPC_INFO too). Waiters on a removed queue or set get EIDRM. Orderings come from /proc/PID/stat. */
/* covers: msgget msgsnd msgrcv msgctl shmget shmat shmdt shmctl semget semop semtimedop semctl */
#include "tap.h"
#include <grp.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define NOBODY 65534
#define K_MSG_STAT 11
#define K_MSG_INFO 12
#define K_MSG_STAT_ANY 13
#define K_SHM_LOCK 11
#define K_SHM_UNLOCK 12
#define K_SHM_STAT 13
#define K_SHM_INFO 14
#define K_SHM_STAT_ANY 15
#define K_SEM_STAT 18
#define K_SEM_INFO 19
#define K_SEM_STAT_ANY 20

/* the kernel's structures (x86_64), through syscall() */
struct kperm { int key; unsigned uid, gid, cuid, cgid, mode; unsigned short seq, pad; unsigned long u1, u2; };
struct kmsq { struct kperm perm; long stime, rtime, ctime; unsigned long cbytes, qnum, qbytes; int lspid, lrpid;
              unsigned long u4, u5; };
struct kshm { struct kperm perm; unsigned long segsz; long atime, dtime, ctime; int cpid, lpid;
              unsigned long nattch, u4, u5; };
struct ksem { struct kperm perm; long otime; unsigned long u1; long ctime; unsigned long u2, nsems, u3, u4; };
struct kmsginfo { int msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql; unsigned short msgseg; };
struct kshm_info { int used_ids; unsigned long shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes; };
struct kseminfo { int semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem; };
struct mb { long type; char text[32]; };

static int q0600, q0666, m0600, m0666, s0600, s0666;
static key_t kq, km, ks;

static void become_nobody(void)
{
    if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY)) {
        printf("Bail out! cannot drop to nobody\n");
        exit(2);
    }
}

static int snd(int id, const char *text, int flg)
{
    struct mb m = { .type = 1 };
    strcpy(m.text, text);
    return msgsnd(id, &m, strlen(text), flg);
}

static void as_nobody(void)
{
    become_nobody();
    struct mb m;
    struct kmsq mq;
    struct kshm sh;
    struct ksem se;
    struct sembuf up = { 0, 1, IPC_NOWAIT }, zero = { 0, 0, IPC_NOWAIT };
    unsigned short vals[2] = { 0, 0 };

    T_OK("msgget an existing 0600 key with no mode asked", msgget(kq, 0), q0600);
    T_ERR("msgget a 0600 key asking for read", msgget(kq, 0400), EACCES);
    T_ERR("msgget IPC_CREAT of a 0600 key asking for rw", msgget(kq, IPC_CREAT | 0600), EACCES);
    T_ERR("msgsnd without write permission", snd(q0600, "x", IPC_NOWAIT), EACCES);
    T_ERR("msgrcv without read permission", msgrcv(q0600, &m, sizeof m.text, 0, IPC_NOWAIT), EACCES);
    T_ERR("msgctl IPC_STAT without read permission", SYS(SYS_msgctl, q0600, IPC_STAT, &mq), EACCES);
    T_ERR("msgctl MSG_STAT without read permission", SYS(SYS_msgctl, q0600 % 32768, K_MSG_STAT, &mq), EACCES);
    T_OK("msgctl MSG_STAT_ANY without read permission gives the id",
         SYS(SYS_msgctl, q0600 % 32768, K_MSG_STAT_ANY, &mq), q0600);
    T_TRUE("msgctl MSG_STAT_ANY: the owner and mode", mq.perm.uid == 0 && (mq.perm.mode & 0777) == 0600);
    T_ERR("msgctl IPC_SET by another user", SYS(SYS_msgctl, q0600, IPC_SET, &mq), EPERM);
    T_ERR("msgctl IPC_RMID by another user", SYS(SYS_msgctl, q0600, IPC_RMID, NULL), EPERM);
    T_OK("msgsnd to a 0666 queue", snd(q0666, "abc", IPC_NOWAIT), 0);
    T_OK("msgrcv from a 0666 queue", msgrcv(q0666, &m, sizeof m.text, 0, IPC_NOWAIT), 3);
    T_OK("msgctl IPC_STAT of a 0666 queue", SYS(SYS_msgctl, q0666, IPC_STAT, &mq), 0);
    T_ERR("msgctl IPC_SET of a 0666 queue by another user", SYS(SYS_msgctl, q0666, IPC_SET, &mq), EPERM);

    T_OK("shmget an existing 0600 key with no mode asked", shmget(km, 0, 0), m0600);
    T_ERR("shmget a 0600 key asking for read", shmget(km, 0, 0400), EACCES);
    T_ERR("shmat without read permission", (long)shmat(m0600, NULL, SHM_RDONLY), EACCES);
    T_ERR("shmat read-write without permission", (long)shmat(m0600, NULL, 0), EACCES);
    T_ERR("shmctl IPC_STAT without read permission", SYS(SYS_shmctl, m0600, IPC_STAT, &sh), EACCES);
    T_ERR("shmctl SHM_STAT without read permission", SYS(SYS_shmctl, m0600 % 32768, K_SHM_STAT, &sh), EACCES);
    T_OK("shmctl SHM_STAT_ANY without read permission gives the id",
         SYS(SYS_shmctl, m0600 % 32768, K_SHM_STAT_ANY, &sh), m0600);
    T_TRUE("shmctl SHM_STAT_ANY: size and mode", sh.segsz == 8192 && (sh.perm.mode & 0777) == 0600);
    T_ERR("shmctl IPC_SET by another user", SYS(SYS_shmctl, m0600, IPC_SET, &sh), EPERM);
    T_ERR("shmctl IPC_RMID by another user", SYS(SYS_shmctl, m0600, IPC_RMID, NULL), EPERM);
    T_ERR("shmctl SHM_LOCK by another user", SYS(SYS_shmctl, m0666, K_SHM_LOCK, NULL), EPERM);
    T_ERR("shmctl SHM_UNLOCK by another user", SYS(SYS_shmctl, m0666, K_SHM_UNLOCK, NULL), EPERM);
    void *p = shmat(m0666, NULL, 0);
    T_TRUE("shmat a 0666 segment read-write", p != (void *)-1);
    if (p != (void *)-1) {
        T_EQ("shmat sees root's bytes", ((char *)p)[0], 'R');
        ((char *)p)[1] = 'N';
        T_OK("shmdt", shmdt(p), 0);
    }

    T_OK("semget an existing 0600 key with no mode asked", semget(ks, 0, 0), s0600);
    T_ERR("semget a 0600 key asking for read", semget(ks, 0, 0400), EACCES);
    T_ERR("semop altering without write permission", semop(s0600, &up, 1), EACCES);
    T_ERR("semop waiting for zero without read permission", semop(s0600, &zero, 1), EACCES);
    T_ERR("semctl GETVAL without read permission", semctl(s0600, 0, GETVAL), EACCES);
    T_ERR("semctl GETALL without read permission", semctl(s0600, 0, GETALL, vals), EACCES);
    T_ERR("semctl SETVAL without write permission", semctl(s0600, 0, SETVAL, 1), EACCES);
    T_ERR("semctl SETALL without write permission", semctl(s0600, 0, SETALL, vals), EACCES);
    T_ERR("semctl IPC_STAT without read permission", SYS(SYS_semctl, s0600, 0, IPC_STAT, &se), EACCES);
    T_ERR("semctl SEM_STAT without read permission", SYS(SYS_semctl, s0600 % 32768, 0, K_SEM_STAT, &se), EACCES);
    T_OK("semctl SEM_STAT_ANY without read permission gives the id",
         SYS(SYS_semctl, s0600 % 32768, 0, K_SEM_STAT_ANY, &se), s0600);
    T_TRUE("semctl SEM_STAT_ANY: nsems and mode", se.nsems == 2 && (se.perm.mode & 0777) == 0600);
    T_ERR("semctl IPC_SET by another user", SYS(SYS_semctl, s0600, 0, IPC_SET, &se), EPERM);
    T_ERR("semctl IPC_RMID by another user", SYS(SYS_semctl, s0600, 0, IPC_RMID), EPERM);
    T_OK("semop on a 0666 set", semop(s0666, &up, 1), 0);
    T_OK("semctl GETVAL on a 0666 set", semctl(s0666, 0, GETVAL), 1);
}

/* Objects nobody owns: the owner's commands work without root, but not past the limits root alone passes. */
static void as_owner(void)
{
    become_nobody();
    struct kmsq mq;
    struct kshm sh;
    int q = msgget(IPC_PRIVATE, 0600), m = shmget(IPC_PRIVATE, 4096, 0600);
    T_OK("msgctl IPC_STAT by the owner", SYS(SYS_msgctl, q, IPC_STAT, &mq), 0);
    mq.qbytes = mq.qbytes + 1;
    T_ERR("msgctl IPC_SET msg_qbytes above MSGMNB without CAP_SYS_RESOURCE", SYS(SYS_msgctl, q, IPC_SET, &mq),
          EPERM);
    mq.qbytes = 100;
    T_OK("msgctl IPC_SET msg_qbytes lower by the owner", SYS(SYS_msgctl, q, IPC_SET, &mq), 0);
    T_OK("msgctl IPC_RMID by the owner", SYS(SYS_msgctl, q, IPC_RMID, NULL), 0);
    struct rlimit rl = { 0, 0 };
    setrlimit(RLIMIT_MEMLOCK, &rl);
    T_ERR("shmctl SHM_LOCK by the owner with RLIMIT_MEMLOCK 0", SYS(SYS_shmctl, m, K_SHM_LOCK, NULL), EPERM);
    T_OK("shmctl SHM_UNLOCK by the owner", SYS(SYS_shmctl, m, K_SHM_UNLOCK, NULL), 0);
    T_OK("shmctl IPC_STAT by the owner", SYS(SYS_shmctl, m, IPC_STAT, &sh), 0);
    T_TRUE("shmctl IPC_STAT: nobody made it", sh.perm.uid == NOBODY && sh.perm.cuid == NOBODY &&
           sh.perm.gid == NOBODY && sh.cpid == getpid());
    T_OK("shmctl IPC_RMID by the owner", SYS(SYS_shmctl, m, IPC_RMID, NULL), 0);
}

static void test_setup(void)
{
    kq = 0x5f1c0000 + (getpid() & 0xffff);
    km = kq + 0x10000;
    ks = kq + 0x20000;
    q0600 = msgget(kq, IPC_CREAT | IPC_EXCL | 0600);
    q0666 = msgget(IPC_PRIVATE, 0666);
    m0600 = shmget(km, 8192, IPC_CREAT | IPC_EXCL | 0600);
    m0666 = shmget(IPC_PRIVATE, 4096, 0666);
    s0600 = semget(ks, 2, IPC_CREAT | IPC_EXCL | 0600);
    s0666 = semget(IPC_PRIVATE, 1, 0666);
    char *p = shmat(m0666, NULL, 0);
    if (q0600 < 0 || q0666 < 0 || m0600 < 0 || m0666 < 0 || s0600 < 0 || s0666 < 0 || p == (void *)-1) {
        printf("Bail out! cannot make the IPC objects\n");
        exit(2);
    }
    p[0] = 'R';
    shmdt(p);
}

static void test_root_cmds(void)
{
    struct kmsq mq;
    struct kshm sh;
    struct ksem se;
    struct kmsginfo mi;
    struct kshm_info si;
    struct kseminfo ei;
    T_OK("msgctl MSG_STAT of the queue's index gives its id", SYS(SYS_msgctl, q0600 % 32768, K_MSG_STAT, &mq),
         q0600);
    T_TRUE("msgctl MSG_STAT: key and mode", mq.perm.key == kq && (mq.perm.mode & 0777) == 0600);
    T_OK("shmctl SHM_STAT of the segment's index gives its id", SYS(SYS_shmctl, m0600 % 32768, K_SHM_STAT, &sh),
         m0600);
    T_TRUE("shmctl SHM_STAT: key and size", sh.perm.key == km && sh.segsz == 8192);
    T_OK("semctl SEM_STAT of the set's index gives its id", SYS(SYS_semctl, s0600 % 32768, 0, K_SEM_STAT, &se),
         s0600);
    T_TRUE("semctl SEM_STAT: key and nsems", se.perm.key == ks && se.nsems == 2);
    /* an index nothing uses: the largest one IPC_INFO names, plus one */
    long top = SYS(SYS_msgctl, 0, IPC_INFO, &mi);
    T_ERR("msgctl MSG_STAT of an unused index", SYS(SYS_msgctl, top + 1, K_MSG_STAT, &mq), EINVAL);
    top = SYS(SYS_shmctl, 0, IPC_INFO, &si);
    T_ERR("shmctl SHM_STAT_ANY of an unused index", SYS(SYS_shmctl, top + 1, K_SHM_STAT_ANY, &sh), EINVAL);
    top = SYS(SYS_semctl, 0, 0, IPC_INFO, &ei);
    T_ERR("semctl SEM_STAT of an unused index", SYS(SYS_semctl, top + 1, 0, K_SEM_STAT, &se), EINVAL);

    /* the *_INFO usage figures: what one more object adds (the host may have objects of its own) */
    struct kmsginfo mi0;
    struct kshm_info si0;
    struct kseminfo ei0;
    SYS(SYS_msgctl, 0, K_MSG_INFO, &mi0);
    int q = msgget(IPC_PRIVATE, 0600);
    T_OK("msgsnd two messages", snd(q, "abc", 0) + snd(q, "defg", 0), 0);
    memset(&mi, 0, sizeof mi);
    T_TRUE("msgctl MSG_INFO answers with an index", SYS(SYS_msgctl, 0, K_MSG_INFO, &mi) >= q % 32768);
    T_TRUE("msgctl MSG_INFO: queues, messages and bytes in use", mi.msgpool == mi0.msgpool + 1 &&
           mi.msgmap == mi0.msgmap + 2 && mi.msgtql == mi0.msgtql + 7 && mi.msgmax == 8192 && mi.msgmnb == 16384);
    SYS(SYS_msgctl, q, IPC_RMID, NULL);
    SYS(SYS_shmctl, 0, K_SHM_INFO, &si0);
    int m = shmget(IPC_PRIVATE, 3 * 4096, 0600);
    char *p = shmat(m, NULL, 0);
    p[4096] = 1;
    memset(&si, 0, sizeof si);
    T_TRUE("shmctl SHM_INFO answers with an index", SYS(SYS_shmctl, 0, K_SHM_INFO, &si) >= m % 32768);
    T_TRUE("shmctl SHM_INFO: segments and pages in use", si.used_ids == si0.used_ids + 1 &&
           si.shm_tot == si0.shm_tot + 3 && si.shm_rss == si0.shm_rss + 1 && si.shm_swp == 0);
    shmdt(p);
    SYS(SYS_shmctl, m, IPC_RMID, NULL);
    SYS(SYS_semctl, 0, 0, K_SEM_INFO, &ei0);
    int e = semget(IPC_PRIVATE, 3, 0600);
    memset(&ei, 0, sizeof ei);
    T_TRUE("semctl SEM_INFO answers with an index", SYS(SYS_semctl, 0, 0, K_SEM_INFO, &ei) >= e % 32768);
    T_TRUE("semctl SEM_INFO: sets and semaphores in use", ei.semusz == ei0.semusz + 1 &&
           ei.semaem == ei0.semaem + 3 && ei.semmsl == 32000);
    semctl(e, 0, IPC_RMID);
    memset(&mi, 0, sizeof mi);
    T_TRUE("msgctl IPC_INFO: the limits", SYS(SYS_msgctl, 0, IPC_INFO, &mi) >= 0 && mi.msgmax == 8192 &&
           mi.msgmnb == 16384 && mi.msgssz == 16);

    T_ERR("msgctl IPC_INFO with a negative id", SYS(SYS_msgctl, -1, IPC_INFO, &mi), EINVAL);
    T_ERR("msgctl MSG_INFO with a negative id", SYS(SYS_msgctl, -1, K_MSG_INFO, &mi), EINVAL);
    T_ERR("shmctl IPC_INFO with a negative id", SYS(SYS_shmctl, -1, IPC_INFO, &si), EINVAL);
    T_ERR("semctl SEM_INFO with a negative id", SYS(SYS_semctl, -1, 0, K_SEM_INFO, &ei), EINVAL);
    T_ERR("msgctl a negative command", SYS(SYS_msgctl, q0600, -1, &mq), EINVAL);
    T_ERR("shmctl a negative command", SYS(SYS_shmctl, m0600, -1, &sh), EINVAL);
    T_OK("shmctl SHM_LOCK by root", SYS(SYS_shmctl, m0600, K_SHM_LOCK, NULL), 0);
    SYS(SYS_shmctl, m0600, IPC_STAT, &sh);
    T_TRUE("shmctl SHM_LOCK: SHM_LOCKED in the mode", sh.perm.mode & 02000);
    T_OK("shmctl SHM_UNLOCK by root", SYS(SYS_shmctl, m0600, K_SHM_UNLOCK, NULL), 0);
}

static pid_t waiter(int (*fn)(int), int id)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(fn(id) < 0 ? errno : 0);
    while (state_of(c) != 'S')
        usleep(1000);
    return c;
}

static int do_rcv(int id) { struct mb m; return (int)msgrcv(id, &m, sizeof m.text, 99, 0); }
static int do_snd(int id) { return snd(id, "0123456789", 0); }
static int do_semwait(int id) { struct sembuf down = { 1, -1, 0 }; return semop(id, &down, 1); }
static int do_semzero(int id)
{
    struct sembuf z = { 0, 0, 0 };
    struct timespec ts = { 1000, 0 };
    return semtimedop(id, &z, 1, &ts);
}

static int status_of(pid_t c)
{
    int s = 0;
    waitpid(c, &s, 0);
    errno = WIFEXITED(s) ? WEXITSTATUS(s) : 0;
    return WIFEXITED(s) && !WEXITSTATUS(s) ? 0 : -1;
}

/* Waiters that sleep when the object goes wake with EIDRM. */
static void test_eidrm(void)
{
    int q = msgget(IPC_PRIVATE, 0600);
    pid_t c = waiter(do_rcv, q);
    SYS(SYS_msgctl, q, IPC_RMID, NULL);
    T_ERR("msgrcv a receiver sleeping when the queue goes", status_of(c), EIDRM);
    q = msgget(IPC_PRIVATE, 0600);
    struct kmsq mq;
    SYS(SYS_msgctl, q, IPC_STAT, &mq);
    mq.qbytes = 12;
    SYS(SYS_msgctl, q, IPC_SET, &mq);
    snd(q, "0123456789", 0);
    c = waiter(do_snd, q);
    SYS(SYS_msgctl, q, IPC_RMID, NULL);
    T_ERR("msgsnd a sender sleeping on a full queue when it goes", status_of(c), EIDRM);
    int s = semget(IPC_PRIVATE, 2, 0600);
    semctl(s, 0, SETVAL, 1);
    c = waiter(do_semwait, s);
    semctl(s, 0, IPC_RMID);
    T_ERR("semop a process sleeping when the set goes", status_of(c), EIDRM);
    s = semget(IPC_PRIVATE, 1, 0600);
    semctl(s, 0, SETVAL, 1);
    c = waiter(do_semzero, s);
    semctl(s, 0, IPC_RMID);
    T_ERR("semtimedop waiting for zero when the set goes", status_of(c), EIDRM);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_setup();
    test_root_cmds();
    tap_in_child(as_nobody);
    char *p = shmat(m0666, NULL, SHM_RDONLY);
    T_TRUE("shmat root sees nobody's write", p != (void *)-1 && p[1] == 'N');
    tap_in_child(as_owner);
    test_eidrm();
    SYS(SYS_msgctl, q0600, IPC_RMID, NULL);
    SYS(SYS_msgctl, q0666, IPC_RMID, NULL);
    SYS(SYS_shmctl, m0600, IPC_RMID, NULL);
    SYS(SYS_shmctl, m0666, IPC_RMID, NULL);
    semctl(s0600, 0, IPC_RMID);
    semctl(s0666, 0, IPC_RMID);
    return tap_done();
}
