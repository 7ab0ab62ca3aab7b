/* ipc/sem.c — System V semaphore sets: semop applies a list of operations all at once or not at all (sleeping
 * until it can, unless IPC_NOWAIT), SEM_UNDO adjustments are kept per process and applied when it exits, and
 * semctl reads and sets values. A waiter sleeps on its set and looks again after any change to it. */
#include "ipc.h"
#include "../syscalls/syscalls.h"
#include "../kernel/boot.h"

#define SEM_UNDO 0x1000
#define SEMVMX 32767
#define SEMAEM SEMVMX
#define SEMMSL 32000
#define SEMOPM 500
#define GETPID 11
#define GETVAL 12
#define GETALL 13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL 16
#define SETALL 17
#define SEM_INFO 19

struct sem_k {
    u16 val;
    int pid;                     /* the last process that changed it */
};

struct sem_set {
    struct ipc_obj perm;         /* first: the table holds &perm */
    int nsems;
    i64 otime, ctime;
    struct sem_k sems[];
};

/* A task asleep in semop: the operation it blocks on (GETNCNT/GETZCNT count these). On the heap: a thread
 * that exit_group ends never runs again to unlink it (count_waiters prunes such entries). */
struct sem_waiter {
    struct sem_waiter *next;
    int tid, id, num;
    bool zero;
};

/* One process's SEM_UNDO adjustments for one set. */
struct sem_undo {
    struct sem_undo *next;
    int pid, id, nsems;
    int adj[];
};

struct sembuf_k { u16 num; i16 op; i16 flg; };
_Static_assert(sizeof(struct sembuf_k) == 6, "struct sembuf");

/* struct semid64_ds on x86_64 */
struct semid64_ds_k {
    struct ipc64_perm_k perm;
    i64 otime;
    u64 unused1;
    i64 ctime;
    u64 unused2, nsems, unused3, unused4;
};
_Static_assert(sizeof(struct semid64_ds_k) == 104, "struct semid64_ds");

struct seminfo_k { int semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem; };

static struct ipc_table sem_table = { .last = -1 };
static struct sem_waiter *waiters;
static struct sem_undo *undos;

static struct sem_set *sem_lookup(int id)
{
    return (struct sem_set *)ipc_find_id(&sem_table, id);
}

SYSCALL(semget)
{
    i32 key = (i32)a0;
    int nsems = (int)a1, flg = (int)a2, err;
    if (nsems < 0 || nsems > SEMMSL)
        return -EINVAL;
    struct ipc_obj *o = ipc_get(&sem_table, key, flg, &err);
    if (err)
        return err;
    if (o)
        return nsems > ((struct sem_set *)o)->nsems ? -EINVAL : o->id;
    if (!nsems)
        return -EINVAL;
    struct sem_set *s = kzalloc(sizeof(*s) + (size_t)nsems * sizeof(struct sem_k));
    if (!s)
        return -ENOMEM;
    int rc = ipc_add(&sem_table, &s->perm, key, (u32)flg);
    if (rc) {
        kfree(s);
        return rc;
    }
    s->nsems = nsems;
    s->ctime = ipc_now();
    return s->perm.id;
}

static struct sem_undo *undo_get(int pid, struct sem_set *s)
{
    for (struct sem_undo *u = undos; u; u = u->next)
        if (u->pid == pid && u->id == s->perm.id)
            return u;
    struct sem_undo *u = kzalloc(sizeof(*u) + (size_t)s->nsems * sizeof(int));
    if (!u)
        return NULL;
    *u = (struct sem_undo){ .next = undos, .pid = pid, .id = s->perm.id, .nsems = s->nsems };
    undos = u;
    return u;
}

/* SETVAL/SETALL: the adjustments for those semaphores no longer mean anything (num -1: all of them). */
static void undo_clear(int id, int num)
{
    for (struct sem_undo *u = undos; u; u = u->next)
        for (int i = 0; u->id == id && i < u->nsems; i++)
            if (num < 0 || i == num)
                u->adj[i] = 0;
}

/* Frees the undo entries that match pid (any if 0) and id (any if -1). */
static void undo_drop(int pid, int id)
{
    for (struct sem_undo **pp = &undos; *pp;) {
        struct sem_undo *u = *pp;
        if ((!pid || u->pid == pid) && (id < 0 || u->id == id)) {
            *pp = u->next;
            kfree(u);
        } else {
            pp = &u->next;
        }
    }
}

/* The operations, all or nothing: 0 done, 1 one of them would block (*blocking: which), or -ERANGE. */
static int try_ops(struct sem_set *s, const struct sembuf_k *ops, int n, struct sem_undo *u, int *blocking)
{
    int i, rc = 0;
    for (i = 0; i < n && !rc; i++) {
        struct sem_k *m = &s->sems[ops[i].num];
        int r = m->val + ops[i].op;
        if ((ops[i].op == 0 && m->val) || r < 0) {
            *blocking = i;
            rc = 1;
        } else if (r > SEMVMX) {
            rc = -ERANGE;
        } else if ((ops[i].flg & SEM_UNDO) &&
                   (u->adj[ops[i].num] - ops[i].op < -SEMAEM - 1 || u->adj[ops[i].num] - ops[i].op > SEMAEM)) {
            rc = -ERANGE;
        } else {
            m->val = (u16)r;
        }
    }
    if (rc) {
        for (int j = i - 2; j >= 0; j--) /* the one that failed was not applied */
            s->sems[ops[j].num].val = (u16)(s->sems[ops[j].num].val - ops[j].op);
        return rc;
    }
    for (i = 0; i < n; i++) {
        s->sems[ops[i].num].pid = current_proc()->pid;
        if (ops[i].flg & SEM_UNDO)
            u->adj[ops[i].num] -= ops[i].op;
    }
    s->otime = ipc_now();
    return 0;
}

/* Sleeps on set s for the operation that blocks; 0 to try again, or why not. */
static long sem_sleep(struct sem_set *s, const struct sembuf_k *op, u64 deadline)
{
    int id = s->perm.id;
    struct sem_waiter *w = kmalloc(sizeof(*w));
    if (!w)
        return -ENOMEM;
    *w = (struct sem_waiter){ .next = waiters, .tid = current->tid, .id = id, .num = op->num, .zero = op->op == 0 };
    waiters = w;
    long rc = ipc_wait(s, deadline);
    struct sem_waiter **pp = &waiters;
    while (*pp != w)
        pp = &(*pp)->next;
    *pp = w->next;
    kfree(w);
    if (!sem_lookup(id))
        return -EIDRM;
    return rc;
}

static long sem_run(int id, const struct sembuf_k *ops, int n, u64 deadline)
{
    int max = 0;
    bool undo = false, alter = false;
    for (int i = 0; i < n; i++) {
        max = MAX(max, (int)ops[i].num);
        undo |= (ops[i].flg & SEM_UNDO) != 0;
        alter |= ops[i].op != 0;
    }
    struct sem_set *s = sem_lookup(id);
    if (!s)
        return -EINVAL;
    if (max >= s->nsems)
        return -EFBIG;
    long rc = ipc_perm_check(&s->perm, alter ? 0222 : 0444);
    for (int blocking = 0; !rc;) {
        struct sem_undo *u = undo ? undo_get(current_proc()->pid, s) : NULL;
        if (undo && !u)
            return -ENOMEM;
        rc = try_ops(s, ops, n, u, &blocking);
        if (rc <= 0)
            break;
        if (ops[blocking].flg & IPC_NOWAIT)
            return -EAGAIN;
        rc = sem_sleep(s, &ops[blocking], deadline);
        s = sem_lookup(id);
    }
    if (!rc && alter)
        ipc_wake(s);
    return rc;
}

struct timespec_k { i64 sec, nsec; };

SYSCALL(semtimedop)
{
    int id = (int)a0;
    u64 n = a2;
    if ((long)n < 1 || id < 0)
        return -EINVAL;
    if (n > SEMOPM)
        return -E2BIG;
    struct sembuf_k ops[SEMOPM];
    if (copy_from_user(ops, (void *)a1, n * sizeof(ops[0])))
        return -EFAULT;
    u64 deadline = ~0ull;
    if (a3) {
        struct timespec_k ts;
        if (copy_from_user(&ts, (void *)a3, sizeof(ts)))
            return -EFAULT;
        if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
            return -EINVAL;
        deadline = clock_monotonic_ns() + (u64)ts.sec * 1000000000ull + (u64)ts.nsec;
    }
    return sem_run(id, ops, (int)n, deadline);
}

SYSCALL(semop)
{
    return sys_semtimedop(a0, a1, a2, 0, 0, 0);
}

/* A process ends: its adjustments go into the values (clamped to [0, SEMVMX]), and its entries go. */
void sem_exit(int pid)
{
    for (struct sem_undo *u = undos; u; u = u->next) {
        struct sem_set *s = u->pid == pid ? sem_lookup(u->id) : NULL;
        for (int i = 0; s && i < u->nsems; i++) {
            if (!u->adj[i])
                continue;
            int v = s->sems[i].val + u->adj[i];
            s->sems[i].val = (u16)(v < 0 ? 0 : v > SEMVMX ? SEMVMX : v);
            s->sems[i].pid = pid;
        }
        if (s)
            ipc_wake(s);
    }
    undo_drop(pid, -1);
}

static int count_waiters(int id, int num, bool zero)
{
    int n = 0;
    for (struct sem_waiter **pp = &waiters; *pp;) {
        struct sem_waiter *w = *pp;
        if (!task_by_tid(w->tid)) { /* its thread is gone (ids are never reused) */
            *pp = w->next;
            kfree(w);
            continue;
        }
        n += w->id == id && w->num == num && w->zero == zero;
        pp = &w->next;
    }
    return n;
}

static long sem_setval(int id, int num, int val)
{
    if (val < 0 || val > SEMVMX)
        return -ERANGE;
    struct sem_set *s = sem_lookup(id);
    if (!s)
        return -EINVAL;
    if (num < 0 || num >= s->nsems)
        return -EINVAL;
    long rc = ipc_perm_check(&s->perm, 0222);
    if (rc)
        return rc;
    s->sems[num] = (struct sem_k){ (u16)val, current_proc()->pid };
    undo_clear(id, num);
    s->ctime = ipc_now();
    ipc_wake(s);
    return 0;
}

static long sem_setall(struct sem_set *s, void *uarray)
{
    u16 *v = kmalloc((size_t)s->nsems * sizeof(u16));
    if (!v)
        return -ENOMEM;
    long rc = copy_from_user(v, uarray, (size_t)s->nsems * sizeof(u16));
    for (int i = 0; !rc && i < s->nsems; i++)
        if (v[i] > SEMVMX)
            rc = -ERANGE;
    for (int i = 0; !rc && i < s->nsems; i++)
        s->sems[i] = (struct sem_k){ v[i], current_proc()->pid };
    kfree(v);
    if (rc)
        return rc;
    undo_clear(s->perm.id, -1);
    s->ctime = ipc_now();
    ipc_wake(s);
    return 0;
}

static long sem_getall(struct sem_set *s, void *uarray)
{
    u16 *v = kmalloc((size_t)s->nsems * sizeof(u16));
    if (!v)
        return -ENOMEM;
    for (int i = 0; i < s->nsems; i++)
        v[i] = s->sems[i].val;
    long rc = copy_to_user(uarray, v, (size_t)s->nsems * sizeof(u16));
    kfree(v);
    return rc;
}

/* GETVAL GETPID GETNCNT GETZCNT GETALL SETALL, checked in Linux's order (semctl_main). */
static long sem_main(int id, int num, int cmd, u64 arg)
{
    struct sem_set *s = sem_lookup(id);
    if (!s)
        return -EINVAL;
    long rc = ipc_perm_check(&s->perm, cmd == SETALL ? 0222 : 0444);
    if (rc)
        return rc;
    if (cmd == GETALL)
        return sem_getall(s, (void *)arg);
    if (cmd == SETALL)
        return sem_setall(s, (void *)arg);
    if (num < 0 || num >= s->nsems)
        return -EINVAL;
    switch (cmd) {
    case GETVAL: return s->sems[num].val;
    case GETPID: return s->sems[num].pid;
    case GETNCNT: return count_waiters(id, num, false);
    default: return count_waiters(id, num, true); /* GETZCNT */
    }
}

static long sem_info(void *ubuf)
{
    struct seminfo_k i = { .semmap = SEMMSL * IPC_SLOTS, .semmni = IPC_SLOTS, .semmns = SEMMSL * IPC_SLOTS,
                           .semmnu = SEMMSL * IPC_SLOTS, .semmsl = SEMMSL, .semopm = SEMOPM, .semume = SEMOPM,
                           .semusz = 20, .semvmx = SEMVMX, .semaem = SEMAEM };
    if (copy_to_user(ubuf, &i, sizeof(i)))
        return -EFAULT;
    int top = 0;
    for (int n = 0; n < IPC_SLOTS; n++)
        if (sem_table.slot[n])
            top = n;
    return top;
}

/* IPC_STAT, IPC_SET, IPC_RMID */
static long sem_perm_cmd(int id, int cmd, void *ubuf)
{
    struct semid64_ds_k d;
    if (cmd == IPC_SET && copy_from_user(&d, ubuf, sizeof(d)))
        return -EFAULT;
    struct sem_set *s = sem_lookup(id);
    if (!s)
        return -EINVAL;
    if (cmd == IPC_STAT) {
        long rc = ipc_perm_check(&s->perm, 0444);
        if (rc)
            return rc;
        d = (struct semid64_ds_k){ .otime = s->otime, .ctime = s->ctime, .nsems = (u64)s->nsems };
        ipc_perm_out(&s->perm, &d.perm);
        return copy_to_user(ubuf, &d, sizeof(d));
    }
    if (!ipc_owner(&s->perm))
        return -EPERM;
    if (cmd == IPC_SET) {
        ipc_perm_set(&s->perm, &d.perm);
        s->ctime = ipc_now();
        return 0;
    }
    ipc_remove(&sem_table, &s->perm); /* IPC_RMID: waiters wake to EIDRM */
    undo_drop(0, id);
    ipc_wake(s);
    kfree(s);
    return 0;
}

SYSCALL(semctl)
{
    int id = (int)a0, num = (int)a1, cmd = (int)a2;
    if (id < 0)
        return -EINVAL;
    switch (cmd) {
    case IPC_INFO:
    case SEM_INFO:
        return sem_info((void *)a3);
    case GETVAL: case GETPID: case GETNCNT: case GETZCNT: case GETALL: case SETALL:
        return sem_main(id, num, cmd, a3);
    case SETVAL:
        return sem_setval(id, num, (int)a3);
    case IPC_STAT: case IPC_SET: case IPC_RMID:
        return sem_perm_cmd(id, cmd, (void *)a3);
    default:
        return -EINVAL;
    }
}

int ipc_proc_sem(char *buf, size_t size)
{
    size_t n = 0;
#define OUT(...) (n += (size_t)ksnprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
    OUT("       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n");
    for (int i = 0; i < IPC_SLOTS; i++) {
        struct sem_set *s = (struct sem_set *)sem_table.slot[i];
        if (s)
            OUT("%10d %10d  %4o %10d %5u %5u %5u %5u %10ld %10ld\n", s->perm.key, s->perm.id, s->perm.mode,
                s->nsems, s->perm.uid, s->perm.gid, s->perm.cuid, s->perm.cgid, s->otime, s->ctime);
    }
#undef OUT
    return (int)MIN(n, size);
}
