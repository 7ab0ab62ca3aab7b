/* test/conformance/ipcsysctl.c — /proc/sys/kernel's System V IPC limits are the ones the kernel enforces:
 * a message of msgmax bytes is sent and one byte more is EINVAL; a set of SEMMSL semaphores is made and one
 * more is EINVAL; SEMOPM operations in one semop go and one more is E2BIG; msgmnb is a new queue's msg_qbytes.
 * And /proc/sys/kernel/tainted and /proc/sys/fs/pipe-max-size read as numbers (what test suites read first). */
/* covers: msgget msgsnd msgctl semget semop semctl */
#include "tap.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>

static long read_long(const char *path, long *more)
{
    char b[128] = "";
    int fd = open(path, O_RDONLY);
    long n = fd >= 0 ? read(fd, b, sizeof b - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return -1;
    char *end;
    long v = strtol(b, &end, 10);
    for (int i = 0; more && i < 3; i++)
        more[i] = strtol(end, &end, 10);
    return v;
}

int main(void)
{
    long msgmax = read_long("/proc/sys/kernel/msgmax", NULL), msgmnb = read_long("/proc/sys/kernel/msgmnb", NULL);
    T_TRUE("/proc/sys/kernel/msgmax and msgmnb are positive", msgmax > 0 && msgmnb > 0);
    T_TRUE("/proc/sys/kernel/tainted reads a number", read_long("/proc/sys/kernel/tainted", NULL) >= 0);
    T_TRUE("/proc/sys/fs/pipe-max-size reads a number of at least a page",
           read_long("/proc/sys/fs/pipe-max-size", NULL) >= 4096);
    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    T_TRUE("msgget IPC_PRIVATE", q >= 0);
    struct msqid_ds ds;
    T_TRUE("msgctl IPC_STAT: a new queue's msg_qbytes is msgmnb", msgctl(q, IPC_STAT, &ds) == 0 && (long)ds.msg_qbytes == msgmnb);
    struct { long type; char text[1 << 16]; } *m = calloc(1, sizeof(*m));
    m->type = 1;
    if (msgmax <= msgmnb && msgmax < (long)sizeof(m->text)) {
        T_OK("msgsnd of msgmax bytes", msgsnd(q, m, (size_t)msgmax, IPC_NOWAIT), 0);
        T_ERR("msgsnd of msgmax + 1 bytes", msgsnd(q, m, (size_t)msgmax + 1, IPC_NOWAIT), EINVAL);
    }
    msgctl(q, IPC_RMID, NULL);
    long sem[3];
    long semmsl = read_long("/proc/sys/kernel/sem", sem);
    long semopm = sem[1];
    T_TRUE("/proc/sys/kernel/sem: SEMMSL SEMMNS SEMOPM SEMMNI, all positive", semmsl > 0 && sem[0] > 0 && semopm > 0 && sem[2] > 0);
    int s = semget(IPC_PRIVATE, (int)semmsl, IPC_CREAT | 0600);
    T_TRUE("semget of SEMMSL semaphores", s >= 0);
    T_ERR("semget of SEMMSL + 1 semaphores", semget(IPC_PRIVATE, (int)semmsl + 1, IPC_CREAT | 0600), EINVAL);
    struct sembuf *ops = calloc((size_t)semopm + 1, sizeof(*ops));
    for (long i = 0; i <= semopm; i++)
        ops[i] = (struct sembuf){ .sem_num = (unsigned short)(i % semmsl), .sem_op = 1, .sem_flg = IPC_NOWAIT };
    T_OK("semop of SEMOPM operations", semop(s, ops, (size_t)semopm), 0);
    T_ERR("semop of SEMOPM + 1 operations", semop(s, ops, (size_t)semopm + 1), E2BIG);
    semctl(s, 0, IPC_RMID);
    return tap_done();
}
