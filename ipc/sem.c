/* ipc/sem.c — System V semaphore sets: semget, semop applying a list of operations all at once or not at all
 * (sleeping until it can, unless IPC_NOWAIT), and SEM_UNDO adjustments kept per process and applied when it
 * exits. A waiter sleeps on its set and looks again after any change to it. semctl is in semctl.c. */
#include "ipc.h"
#include "../syscalls/syscalls.h"
#include "../kernel/boot.h"

#define SEM_UNDO 0x1000
#define SEMAEM SEMVMX

/* A task asleep in semop: the operation it blocks on (GETNCNT/GETZCNT count these). On the heap: a thread
 * that exit_group ends never runs again to unlink it (sem_count_waiters prunes such entries). */
struct sem_waiter {
    struct sem_waiter *next;
    int tid, id, num;
    bool zero;
};

/* One undo list's SEM_UNDO adjustments for one set. A list (its key) is a process's, or shared by the processes
 * a clone with CLONE_SYSVSEM made (proc->sem_undo); it is applied when the last of them lets go. */
struct sem_undo {
    struct sem_undo *next;
    int key, id, nsems;
    int adj[];
};

struct sembuf_k { u16 num; i16 op; i16 flg; };
_Static_assert(sizeof(struct sembuf_k) == 6, "struct sembuf");

struct ipc_table sem_table = { .last = -1 };
static struct sem_waiter *waiters;
static struct sem_undo *undos;

struct sem_set *sem_lookup(int id)
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

static int undo_keys; /* the last list key given */

int sem_undo_key(struct proc *p)
{
    if (!p->sem_undo)
        p->sem_undo = ++undo_keys;
    return p->sem_undo;
}

static struct sem_undo *undo_get(int key, struct sem_set *s)
{
    for (struct sem_undo *u = undos; u; u = u->next)
        if (u->key == key && u->id == s->perm.id)
            return u;
    struct sem_undo *u = kzalloc(sizeof(*u) + (size_t)s->nsems * sizeof(int));
    if (!u)
        return NULL;
    *u = (struct sem_undo){ .next = undos, .key = key, .id = s->perm.id, .nsems = s->nsems };
    undos = u;
    return u;
}

/* SETVAL/SETALL: the adjustments for those semaphores no longer mean anything (num -1: all of them). */
void sem_undo_clear(int id, int num)
{
    for (struct sem_undo *u = undos; u; u = u->next)
        for (int i = 0; u->id == id && i < u->nsems; i++)
            if (num < 0 || i == num)
                u->adj[i] = 0;
}

/* Frees the undo entries that match key (any if 0) and id (any if -1). */
void sem_undo_drop(int key, int id)
{
    for (struct sem_undo **pp = &undos; *pp;) {
        struct sem_undo *u = *pp;
        if ((!key || u->key == key) && (id < 0 || u->id == id)) {
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
    if (undo)
        sem_undo_key(current_proc()); /* as Linux, made before the set is looked up (kcmp KCMP_SYSVSEM) */
    struct sem_set *s = sem_lookup(id);
    if (!s)
        return -EINVAL;
    if (max >= s->nsems)
        return -EFBIG;
    long rc = ipc_perm_check(&s->perm, alter ? 0222 : 0444);
    for (int blocking = 0; !rc;) {
        struct sem_undo *u = undo ? undo_get(current_proc()->sem_undo, s) : NULL;
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

static bool undo_shared(const struct proc *p, int key)
{
    for (const struct proc *q = proc_list; q; q = q->next_proc)
        if (q != p && q->sem_undo == key)
            return true;
    return false;
}

/* A process ends (or unshares CLONE_SYSVSEM): it lets go of its undo list. The last to let go puts the list's
 * adjustments into the values (clamped to [0, SEMVMX]), and its entries go. */
void sem_exit(struct proc *p)
{
    int key = p->sem_undo, pid = p->pid;
    p->sem_undo = 0;
    if (!key || undo_shared(p, key))
        return;
    for (struct sem_undo *u = undos; u; u = u->next) {
        struct sem_set *s = u->key == key ? sem_lookup(u->id) : NULL;
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
    sem_undo_drop(key, -1);
}

int sem_count_waiters(int id, int num, bool zero)
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
