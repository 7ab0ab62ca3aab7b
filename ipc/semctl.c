/* ipc/semctl.c — semctl(2) on System V semaphore sets (sem.c keeps the sets, semop and SEM_UNDO):
 * values one by one or all at once, the waiter counts, IPC_STAT/IPC_SET/IPC_RMID, and /proc/sysvipc/sem. */
#include "ipc.h"
#include "../syscalls/syscalls.h"

#define GETPID 11
#define GETVAL 12
#define GETALL 13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL 16
#define SETALL 17
#define SEM_STAT 18
#define SEM_INFO 19
#define SEM_STAT_ANY 20
#define SEMAEM SEMVMX

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
    sem_undo_clear(id, num);
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
    sem_undo_clear(s->perm.id, -1);
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
    case GETNCNT: return sem_count_waiters(id, num, false);
    default: return sem_count_waiters(id, num, true); /* GETZCNT */
    }
}

static long sem_info(void *ubuf, bool usage)
{
    struct seminfo_k i = { .semmap = SEMMSL * IPC_SLOTS, .semmni = IPC_SLOTS, .semmns = SEMMSL * IPC_SLOTS,
                           .semmnu = SEMMSL * IPC_SLOTS, .semmsl = SEMMSL, .semopm = SEMOPM, .semume = SEMOPM,
                           .semusz = 20, .semvmx = SEMVMX, .semaem = SEMAEM };
    if (usage) { /* SEM_INFO: sets and semaphores in use instead of two of the limits (ipcs -s -u) */
        i.semusz = i.semaem = 0;
        for (int n = 0; n < IPC_SLOTS; n++) {
            struct sem_set *s = (struct sem_set *)sem_table.slot[n];
            if (s) {
                i.semusz++;
                i.semaem += s->nsems;
            }
        }
    }
    if (copy_to_user(ubuf, &i, sizeof(i)))
        return -EFAULT;
    return ipc_max_index(&sem_table);
}

static long sem_fill(struct sem_set *s, void *ubuf)
{
    struct semid64_ds_k d = { .otime = s->otime, .ctime = s->ctime, .nsems = (u64)s->nsems };
    ipc_perm_out(&s->perm, &d.perm);
    return copy_to_user(ubuf, &d, sizeof(d));
}

/* SEM_STAT and SEM_STAT_ANY (ipcs): idx is a table index; the answer is the set's id */
static long sem_stat_index(int idx, int cmd, void *ubuf)
{
    struct sem_set *s = (struct sem_set *)ipc_find_index(&sem_table, idx);
    if (!s)
        return -EINVAL;
    long rc = cmd == SEM_STAT ? ipc_perm_check(&s->perm, 0444) : 0;
    if (!rc)
        rc = sem_fill(s, ubuf);
    return rc ? rc : s->perm.id;
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
        return rc ? rc : sem_fill(s, ubuf);
    }
    if (!ipc_owner(&s->perm))
        return -EPERM;
    if (cmd == IPC_SET) {
        ipc_perm_set(&s->perm, &d.perm);
        s->ctime = ipc_now();
        return 0;
    }
    ipc_remove(&sem_table, &s->perm); /* IPC_RMID: waiters wake to EIDRM */
    sem_undo_drop(0, id);
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
        return sem_info((void *)a3, cmd == SEM_INFO);
    case SEM_STAT: case SEM_STAT_ANY:
        return sem_stat_index(id, cmd, (void *)a3);
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
