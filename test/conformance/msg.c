/* test/conformance/msg.c — System V message queues: msgget (IPC_PRIVATE, keys), msgsnd and msgrcv by type (0,
 * >0, <0, MSG_EXCEPT), MSG_NOERROR and E2BIG, MSG_COPY, IPC_NOWAIT (ENOMSG, EAGAIN), a receiver and a sender
 * that wait (a full queue), EIDRM and EINTR for a waiter, msgctl IPC_STAT/IPC_SET/IPC_RMID, /proc/sysvipc/msg,
 * and the error paths. msgctl goes through syscall() with the kernel's struct. Orderings come from
 * /proc/PID/stat, never from timing. */
/* covers: msgget msgsnd msgrcv msgctl */
#include "tap.h"
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

struct kperm { int key; unsigned uid, gid, cuid, cgid, mode; unsigned short seq, pad; unsigned long u1, u2; };
struct kmsq {
    struct kperm perm;
    long stime, rtime, ctime;
    unsigned long cbytes, qnum, qbytes;
    int lspid, lrpid;
    unsigned long u4, u5;
};

struct mb { long type; char text[64]; };

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

static int snd(int id, long type, const char *text, int flg)
{
    struct mb m = { .type = type };
    strcpy(m.text, text);
    return msgsnd(id, &m, strlen(text), flg);
}

static struct mb got;
static long rcv(int id, size_t sz, long type, int flg)
{
    memset(&got, 0, sizeof got);
    return msgrcv(id, &got, sz, type, flg);
}

static struct kmsq st(int id)
{
    struct kmsq d;
    memset(&d, 0xff, sizeof d);
    SYS(SYS_msgctl, id, IPC_STAT, &d);
    return d;
}

static void on_usr1(int sig) { (void)sig; }
static pid_t rcv_child(int id, long type)
{
    pid_t c = fork();
    if (c == 0) {
        struct sigaction sa = { .sa_handler = on_usr1 };
        sigaction(SIGUSR1, &sa, NULL);
        long n = rcv(id, sizeof got.text, type, 0);
        _exit(n < 0 ? errno : got.type == type && n == 4 && !strcmp(got.text, "wake") ? 0 : 100);
    }
    return c;
}

static void test_queue(void)
{
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    T_TRUE("msgget IPC_PRIVATE", id >= 0);
    T_OK("msgsnd type 5", snd(id, 5, "hello", 0), 0);
    T_OK("msgsnd type 3", snd(id, 3, "abc", 0), 0);
    T_OK("msgsnd type 7", snd(id, 7, "xyz", 0), 0);
    T_OK("msgsnd type 2", snd(id, 2, "def", 0), 0);
    T_OK("msgsnd an empty message", snd(id, 9, "", 0), 0);
    struct kmsq d = st(id);
    T_TRUE("msgctl IPC_STAT: 5 messages, 14 bytes, the sender", d.qnum == 5 && d.cbytes == 14 && d.lspid == getpid() &&
           d.qbytes == 16384 && d.lrpid == 0);
    T_OK("msgrcv type 3", rcv(id, 64, 3, 0), 3);
    T_TRUE("msgrcv type 3 got it", got.type == 3 && !strcmp(got.text, "abc"));
    T_OK("msgrcv MSG_COPY of the first message", rcv(id, 64, 0, MSG_COPY | IPC_NOWAIT), 5);
    T_TRUE("msgrcv MSG_COPY: a copy", got.type == 5 && !strcmp(got.text, "hello") && st(id).qnum == 4);
    T_OK("msgrcv MSG_COPY of message 2", rcv(id, 64, 2, MSG_COPY | IPC_NOWAIT), 3);
    T_TRUE("msgrcv MSG_COPY counts from 0", got.type == 2);
    T_ERR("msgrcv MSG_COPY past the end", rcv(id, 64, 10, MSG_COPY | IPC_NOWAIT), ENOMSG);
    T_OK("msgrcv type -6: the lowest type up to 6", rcv(id, 64, -6, 0), 3);
    T_TRUE("msgrcv type -6 got type 2", got.type == 2 && !strcmp(got.text, "def"));
    T_OK("msgrcv MSG_EXCEPT 5: the first other type", rcv(id, 64, 5, MSG_EXCEPT), 3);
    T_TRUE("msgrcv MSG_EXCEPT got type 7", got.type == 7);
    T_OK("msgrcv type 0: the first", rcv(id, 64, 0, 0), 5);
    T_TRUE("msgrcv type 0 got type 5", got.type == 5 && !strcmp(got.text, "hello"));
    T_OK("msgrcv the empty message", rcv(id, 64, 0, 0), 0);
    T_ERR("msgrcv IPC_NOWAIT from an empty queue", rcv(id, 64, 0, IPC_NOWAIT), ENOMSG);
    d = st(id);
    T_TRUE("msgctl IPC_STAT: empty, the receiver", d.qnum == 0 && d.cbytes == 0 && d.lrpid == getpid());

    snd(id, 1, "0123456789", 0);
    T_ERR("msgrcv a message longer than msgsz", rcv(id, 4, 0, 0), E2BIG);
    T_OK("msgrcv E2BIG left it queued", (long)st(id).qnum, 1);
    T_OK("msgrcv MSG_NOERROR truncates", rcv(id, 4, 0, MSG_NOERROR), 4);
    T_TRUE("msgrcv MSG_NOERROR: the first bytes", !strcmp(got.text, "0123") && st(id).qnum == 0);

    pid_t c = rcv_child(id, 8);
    wait_asleep(c);
    snd(id, 4, "nope", 0);
    T_EQ("msgrcv a waiter for type 8 ignores type 4", status_of(c, WNOHANG), -1);
    T_OK("msgsnd type 8", snd(id, 8, "wake", 0), 0);
    T_EQ("msgrcv the waiter got its message", status_of(c, 0), 0);
    rcv(id, 64, 0, 0);

    d = st(id);
    d.qbytes = 10;
    d.perm.mode = 0640;
    T_OK("msgctl IPC_SET msg_qbytes 10 and the mode", SYS(SYS_msgctl, id, IPC_SET, &d), 0);
    d = st(id);
    T_TRUE("msgctl IPC_SET took effect", d.qbytes == 10 && d.perm.mode == 0640);
    T_OK("msgsnd 8 bytes into a 10-byte queue", snd(id, 1, "12345678", 0), 0);
    T_ERR("msgsnd IPC_NOWAIT into a full queue", snd(id, 1, "abc", IPC_NOWAIT), EAGAIN);
    c = fork();
    if (c == 0)
        _exit(snd(id, 2, "abcdefgh", 0) ? errno : 0);
    wait_asleep(c);
    T_OK("msgrcv makes room", rcv(id, 64, 1, 0), 8);
    T_EQ("msgsnd the waiting sender went on", status_of(c, 0), 0);
    T_OK("msgrcv its message", rcv(id, 64, 0, IPC_NOWAIT), 8);

    c = rcv_child(id, 1);
    wait_asleep(c);
    kill(c, SIGUSR1);
    T_EQ("msgrcv a waiter interrupted by a handler -> EINTR", status_of(c, 0), EINTR);
    c = rcv_child(id, 1);
    wait_asleep(c);
    T_OK("msgctl IPC_RMID with a waiter", SYS(SYS_msgctl, id, IPC_RMID, NULL), 0);
    T_EQ("msgrcv the waiter gets EIDRM", status_of(c, 0), EIDRM);
    T_ERR("msgsnd to a removed queue", snd(id, 1, "x", 0), EINVAL);
}

static void test_keys_errors(void)
{
    key_t k = 0x6d000000 | (getpid() & 0xffff);
    int id = msgget(k, IPC_CREAT | 0644);
    T_TRUE("msgget IPC_CREAT with a key", id >= 0);
    T_OK("msgget the key again", msgget(k, 0), id);
    T_ERR("msgget IPC_CREAT|IPC_EXCL of an existing key", msgget(k, IPC_CREAT | IPC_EXCL), EEXIST);
    T_ERR("msgget a key that does not exist", msgget(k + 0x10000, 0), ENOENT);
    snd(id, 3, "abc", 0);
    char line[256], header[256] = "";
    int found = 0;
    FILE *f = fopen("/proc/sysvipc/msg", "r");
    if (f) {
        if (!fgets(header, sizeof header, f))
            header[0] = 0;
        while (fgets(line, sizeof line, f)) {
            int key, qid, lspid;
            char perms[16];
            unsigned long cbytes, qnum;
            if (sscanf(line, "%d %d %15s %lu %lu %d", &key, &qid, perms, &cbytes, &qnum, &lspid) == 6 && qid == id)
                found = key == k && !strcmp(perms, "644") && cbytes == 3 && qnum == 1 && lspid == getpid();
        }
        fclose(f);
    }
    T_TRUE("msgctl /proc/sysvipc/msg's header is Linux's", !strcmp(header,
           "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime"
           "      rtime      ctime\n"));
    T_TRUE("msgctl /proc/sysvipc/msg lists the queue", found);

    struct mb m = { .type = 0 };
    struct kmsq d;
    T_ERR("msgsnd type 0", msgsnd(id, &m, 1, 0), EINVAL);
    m.type = 1;
    T_ERR("msgsnd more than MSGMAX bytes", msgsnd(id, &m, 8193, 0), EINVAL);
    T_ERR("msgsnd a bad id", msgsnd(-1, &m, 1, 0), EINVAL);
    T_ERR("msgsnd from a bad pointer", msgsnd(id, BADUPTR, 1, 0), EFAULT);
    T_ERR("msgrcv a negative size", msgrcv(id, &m, (size_t)-1, 0, 0), EINVAL);
    T_ERR("msgrcv a bad id", msgrcv(-1, &m, 8, 0, 0), EINVAL);
    T_ERR("msgrcv MSG_COPY without IPC_NOWAIT", msgrcv(id, &m, 8, 0, MSG_COPY), EINVAL);
    T_ERR("msgrcv MSG_COPY with MSG_EXCEPT", msgrcv(id, &m, 8, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT), EINVAL);
    T_ERR("msgrcv into a bad pointer (the message is lost)", msgrcv(id, BADUPTR, 8, 0, 0), EFAULT);
    T_OK("msgrcv the faulted message was taken", (long)st(id).qnum, 0);
    T_ERR("msgctl a bad command", SYS(SYS_msgctl, id, 99, &d), EINVAL);
    T_ERR("msgctl IPC_STAT a bad id", SYS(SYS_msgctl, -1, IPC_STAT, &d), EINVAL);
    T_ERR("msgctl IPC_STAT to a bad pointer", SYS(SYS_msgctl, id, IPC_STAT, BADUPTR), EFAULT);
    T_ERR("msgctl IPC_SET from a bad pointer", SYS(SYS_msgctl, id, IPC_SET, BADUPTR), EFAULT);
    T_TRUE("msgctl IPC_INFO answers with an index", SYS(SYS_msgctl, 0, IPC_INFO, line) >= 0);
    T_OK("msgctl IPC_RMID", SYS(SYS_msgctl, id, IPC_RMID, NULL), 0);
    T_ERR("msgget its key is gone", msgget(k, 0), ENOENT);
}

int main(void)
{
    test_queue();
    test_keys_errors();
    return tap_done();
}
