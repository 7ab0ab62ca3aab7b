/* ipc/msg.c — System V message queues: typed messages in arrival order, msgsnd sleeping while the queue is
 * full (msg_qbytes), msgrcv picking by type (0: the first, >0: the first of that type or, with MSG_EXCEPT, of
 * any other, <0: the first of the lowest type up to |msgtyp|) and sleeping until one comes. */
#include "ipc.h"
#include "../syscalls/syscalls.h"

#define MSG_NOERROR 010000
#define MSG_EXCEPT 020000
#define MSG_COPY 040000
#define MSG_STAT 11
#define MSG_INFO 12
#define MSG_STAT_ANY 13

struct msg {
    struct msg *next;
    i64 type;
    size_t len;
    u8 text[];
};

struct msg_queue {
    struct ipc_obj perm;           /* first: the table holds &perm */
    struct msg *head, **tail;
    u64 cbytes, qnum, qbytes;
    i64 stime, rtime, ctime;
    int lspid, lrpid;
};

/* struct msqid64_ds on x86_64 */
struct msqid64_ds_k {
    struct ipc64_perm_k perm;
    i64 stime, rtime, ctime;
    u64 cbytes, qnum, qbytes;
    i32 lspid, lrpid;
    u64 unused4, unused5;
};
_Static_assert(sizeof(struct msqid64_ds_k) == 120, "struct msqid64_ds");

struct msginfo_k { int msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql; u16 msgseg; };

static struct ipc_table msg_table = { .last = -1 };

static struct msg_queue *msq_lookup(int id)
{
    return (struct msg_queue *)ipc_find_id(&msg_table, id);
}

SYSCALL(msgget)
{
    i32 key = (i32)a0;
    int flg = (int)a1, err;
    struct ipc_obj *o = ipc_get(&msg_table, key, flg, &err);
    if (err || o)
        return err ? err : o->id;
    struct msg_queue *q = kzalloc(sizeof(*q));
    if (!q)
        return -ENOMEM;
    int rc = ipc_add(&msg_table, &q->perm, key, (u32)flg);
    if (rc) {
        kfree(q);
        return rc;
    }
    q->tail = &q->head;
    q->qbytes = MSGMNB;
    q->ctime = ipc_now();
    return q->perm.id;
}

/* Sleeps on queue id's changes: 0 to look again, -EIDRM when it went, or a signal: Linux restarts msgsnd and
 * msgrcv only when no handler runs (a stop and SIGCONT), whatever SA_RESTART says. */
static long msq_sleep(struct msg_queue *q)
{
    int id = q->perm.id;
    long rc = ipc_wait(q, ~0ull);
    if (!msq_lookup(id))
        return -EIDRM;
    return rc == -EINTR ? -ERESTARTNOHAND : rc;
}

SYSCALL(msgsnd)
{
    int id = (int)a0, flg = (int)a3;
    u64 sz = a2;
    i64 type;
    if (copy_from_user(&type, (void *)a1, sizeof(type)))
        return -EFAULT;
    if (sz > MSGMAX || id < 0 || type < 1)
        return -EINVAL;
    struct msg *m = kmalloc(sizeof(*m) + sz);
    if (!m)
        return -ENOMEM;
    *m = (struct msg){ .type = type, .len = sz };
    long rc = copy_from_user(m->text, (u8 *)a1 + sizeof(type), sz);
    struct msg_queue *q = rc ? NULL : msq_lookup(id);
    if (!rc && !q)
        rc = -EINVAL;
    if (!rc)
        rc = ipc_perm_check(&q->perm, 0222);
    while (!rc && (q->cbytes + sz > q->qbytes || q->qnum + 1 > q->qbytes)) {
        if (flg & IPC_NOWAIT)
            rc = -EAGAIN;
        else if (!(rc = msq_sleep(q)))
            q = msq_lookup(id);
    }
    if (rc) {
        kfree(m);
        return rc;
    }
    *q->tail = m;
    q->tail = &m->next;
    q->cbytes += sz;
    q->qnum++;
    q->lspid = current_proc()->pid;
    q->stime = ipc_now();
    ipc_wake(q);
    return 0;
}

/* The message msgrcv would take, and the link pointing at it. */
static struct msg **msg_pick(struct msg_queue *q, i64 want, int flg)
{
    struct msg **best = NULL;
    int n = 0;
    for (struct msg **pp = &q->head; *pp; pp = &(*pp)->next, n++) {
        i64 t = (*pp)->type;
        if (flg & MSG_COPY) {
            if (n == want)
                return pp;
        } else if (want == 0 || (want > 0 && ((flg & MSG_EXCEPT) ? t != want : t == want))) {
            return pp;
        } else if (want < 0 && t <= -want && (!best || t < (*best)->type)) {
            best = pp;
        }
    }
    return best;
}

static long msg_deliver(struct msg_queue *q, struct msg **pp, void *ubuf, u64 sz, int flg)
{
    struct msg *m = *pp;
    if (m->len > sz && !(flg & MSG_NOERROR))
        return -E2BIG;
    size_t n = MIN(m->len, sz);
    long rc = copy_to_user(ubuf, &m->type, sizeof(m->type));
    if (!rc)
        rc = copy_to_user((u8 *)ubuf + sizeof(m->type), m->text, n);
    if (flg & MSG_COPY)
        return rc ? rc : (long)n;
    *pp = m->next; /* taken even when the copy faulted, as on Linux */
    if (q->tail == &m->next)
        q->tail = pp;
    q->cbytes -= m->len;
    q->qnum--;
    q->lrpid = current_proc()->pid;
    q->rtime = ipc_now();
    kfree(m);
    ipc_wake(q); /* room for senders */
    return rc ? rc : (long)n;
}

SYSCALL(msgrcv)
{
    int id = (int)a0, flg = (int)a4;
    i64 want = (i64)a3;
    if (id < 0 || (i64)a2 < 0)
        return -EINVAL;
    if ((flg & MSG_COPY) && ((flg & MSG_EXCEPT) || !(flg & IPC_NOWAIT)))
        return -EINVAL;
    struct msg_queue *q = msq_lookup(id);
    if (!q)
        return -EINVAL;
    long rc = ipc_perm_check(&q->perm, 0444);
    while (!rc) {
        struct msg **pp = msg_pick(q, want, flg);
        if (pp)
            return msg_deliver(q, pp, (void *)a1, a2, flg);
        if (flg & IPC_NOWAIT)
            return -ENOMSG;
        if (!(rc = msq_sleep(q)))
            q = msq_lookup(id);
    }
    return rc;
}

static long msq_info(void *ubuf, bool usage)
{
    struct msginfo_k i = { .msgpool = IPC_SLOTS * MSGMNB / 1024, .msgmap = MSGMNB, .msgmax = MSGMAX,
                           .msgmnb = MSGMNB, .msgmni = IPC_SLOTS, .msgssz = 16, .msgtql = MSGMNB,
                           .msgseg = 0xffff };
    if (usage) { /* MSG_INFO: what is in use instead of three of the limits (ipcs -q -u) */
        i.msgpool = i.msgmap = i.msgtql = 0;
        for (int n = 0; n < IPC_SLOTS; n++) {
            struct msg_queue *q = (struct msg_queue *)msg_table.slot[n];
            if (q) {
                i.msgpool++;
                i.msgmap += (int)q->qnum;
                i.msgtql += (int)q->cbytes;
            }
        }
    }
    if (copy_to_user(ubuf, &i, sizeof(i)))
        return -EFAULT;
    return ipc_max_index(&msg_table);
}

static long msq_fill(struct msg_queue *q, void *ubuf)
{
    struct msqid64_ds_k d = { .stime = q->stime, .rtime = q->rtime, .ctime = q->ctime, .cbytes = q->cbytes,
                              .qnum = q->qnum, .qbytes = q->qbytes, .lspid = q->lspid, .lrpid = q->lrpid };
    ipc_perm_out(&q->perm, &d.perm);
    return copy_to_user(ubuf, &d, sizeof(d));
}

/* MSG_STAT and MSG_STAT_ANY (ipcs): idx is a table index; the answer is the queue's id. MSG_STAT_ANY needs
 * no read permission (Linux 4.17). */
static long msq_stat_index(int idx, int cmd, void *ubuf)
{
    struct msg_queue *q = (struct msg_queue *)ipc_find_index(&msg_table, idx);
    if (!q)
        return -EINVAL;
    long rc = cmd == MSG_STAT ? ipc_perm_check(&q->perm, 0444) : 0;
    if (!rc)
        rc = msq_fill(q, ubuf);
    return rc ? rc : q->perm.id;
}

static void msq_free(struct msg_queue *q)
{
    for (struct msg *m = q->head, *n; m; m = n) {
        n = m->next;
        kfree(m);
    }
    kfree(q);
}

SYSCALL(msgctl)
{
    int id = (int)a0, cmd = (int)a1;
    void *ubuf = (void *)a2;
    if (id < 0 || cmd < 0) /* before anything else: IPC_INFO too */
        return -EINVAL;
    if (cmd == IPC_INFO || cmd == MSG_INFO)
        return msq_info(ubuf, cmd == MSG_INFO);
    if (cmd == MSG_STAT || cmd == MSG_STAT_ANY)
        return msq_stat_index(id, cmd, ubuf);
    if (cmd != IPC_STAT && cmd != IPC_SET && cmd != IPC_RMID)
        return -EINVAL;
    struct msqid64_ds_k d;
    if (cmd == IPC_SET && copy_from_user(&d, ubuf, sizeof(d)))
        return -EFAULT;
    struct msg_queue *q = msq_lookup(id);
    if (!q)
        return -EINVAL;
    if (cmd == IPC_STAT) {
        long rc = ipc_perm_check(&q->perm, 0444);
        return rc ? rc : msq_fill(q, ubuf);
    }
    if (!ipc_owner(&q->perm))
        return -EPERM;
    if (cmd == IPC_SET) {
        if (d.qbytes > MSGMNB && !capable(CAP_SYS_RESOURCE))
            return -EPERM;
        ipc_perm_set(&q->perm, &d.perm);
        q->qbytes = d.qbytes;
        q->ctime = ipc_now();
        ipc_wake(q);
        return 0;
    }
    ipc_remove(&msg_table, &q->perm); /* IPC_RMID: waiters wake to EIDRM */
    ipc_wake(q);
    msq_free(q);
    return 0;
}

int ipc_proc_msg(char *buf, size_t size)
{
    size_t n = 0;
#define OUT(...) (n += (size_t)ksnprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
    OUT("       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime"
        "      rtime      ctime\n");
    for (int i = 0; i < IPC_SLOTS; i++) {
        struct msg_queue *q = (struct msg_queue *)msg_table.slot[i];
        if (q)
            OUT("%10d %10d  %4o  %10lu %10lu %5d %5d %5u %5u %5u %5u %10ld %10ld %10ld\n", q->perm.key, q->perm.id,
                q->perm.mode, q->cbytes, q->qnum, q->lspid, q->lrpid, q->perm.uid, q->perm.gid, q->perm.cuid,
                q->perm.cgid, q->stime, q->rtime, q->ctime);
    }
#undef OUT
    return (int)MIN(n, size);
}
