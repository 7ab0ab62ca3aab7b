/* ipc/util.c — what System V shared memory, semaphores and message queues share: ids made of a slot and a
 * sequence number (a removed object's id does not come back soon), keys with IPC_CREAT/IPC_EXCL, ipcperms()
 * checks, struct ipc64_perm, and waiting on an object. */
#include "ipc.h"
#include "../kernel/proc.h"
#include "../kernel/boot.h"

/* svipc(7): objects are made with, and checked against, the caller's effective ids. */
static u32 cred_uid(void) { return cred_current()->euid; }
static u32 cred_gid(void) { return cred_current()->egid; }

struct ipc_obj *ipc_find_key(struct ipc_table *t, i32 key)
{
    for (int i = 0; i < IPC_SLOTS; i++)
        if (t->slot[i] && t->slot[i]->key == key)
            return t->slot[i];
    return NULL;
}

struct ipc_obj *ipc_find_id(struct ipc_table *t, int id)
{
    if (id < 0)
        return NULL;
    struct ipc_obj *o = t->slot[id % IPC_SEQ_MULT % IPC_SLOTS];
    return o && o->id == id ? o : NULL;
}

int ipc_add(struct ipc_table *t, struct ipc_obj *o, i32 key, u32 mode)
{
    for (int n = 1; n <= IPC_SLOTS; n++) {
        int i = (t->last + n) % IPC_SLOTS;
        if (t->slot[i])
            continue;
        if (i <= t->last) /* wrapped round: a new sequence, so old ids stay invalid */
            t->seq = (u16)((t->seq + 1) % (0x7fffffff / IPC_SEQ_MULT));
        t->last = i;
        *o = (struct ipc_obj){ .id = t->seq * IPC_SEQ_MULT + i, .key = key, .uid = cred_uid(), .gid = cred_gid(),
                               .cuid = cred_uid(), .cgid = cred_gid(), .mode = mode & 0777, .seq = t->seq };
        t->slot[i] = o;
        return 0;
    }
    return -ENOSPC;
}

void ipc_remove(struct ipc_table *t, struct ipc_obj *o)
{
    t->slot[o->id % IPC_SEQ_MULT % IPC_SLOTS] = NULL;
}

int ipc_perm_check(const struct ipc_obj *o, u32 want)
{
    u32 uid = cred_uid(), granted = o->mode;
    const struct cred *c = cred_current();
    if (uid == o->uid || uid == o->cuid)
        granted >>= 6;
    else if (cred_in_egroup(c, o->gid) || cred_in_egroup(c, o->cgid))
        granted >>= 3;
    u32 req = (want >> 6) | (want >> 3) | want;
    if (!(req & ~granted & 7) || capable(CAP_IPC_OWNER))
        return 0;
    return -EACCES;
}

bool ipc_owner(const struct ipc_obj *o)
{
    u32 uid = cred_uid();
    return uid == o->uid || uid == o->cuid || capable(CAP_SYS_ADMIN);
}

void ipc_perm_out(const struct ipc_obj *o, struct ipc64_perm_k *p)
{
    *p = (struct ipc64_perm_k){ .key = o->key, .uid = o->uid, .gid = o->gid, .cuid = o->cuid, .cgid = o->cgid,
                                .mode = o->mode, .seq = o->seq };
}

void ipc_perm_set(struct ipc_obj *o, const struct ipc64_perm_k *p)
{
    o->uid = p->uid;
    o->gid = p->gid;
    o->mode = (o->mode & ~0777u) | (p->mode & 0777);
}

struct ipc_obj *ipc_get(struct ipc_table *t, i32 key, int flg, int *err)
{
    *err = 0;
    if (key == IPC_PRIVATE)
        return NULL;
    struct ipc_obj *o = ipc_find_key(t, key);
    if (!o) {
        if (!(flg & IPC_CREAT))
            *err = -ENOENT;
        return NULL;
    }
    if ((flg & IPC_CREAT) && (flg & IPC_EXCL))
        *err = -EEXIST;
    else
        *err = ipc_perm_check(o, (u32)flg & 0777);
    return *err ? NULL : o;
}

i64 ipc_now(void)
{
    return (i64)(clock_realtime_ns() / 1000000000ull);
}

void ipc_wake(const void *obj)
{
    for (struct task *t = task_list; t; t = t->next)
        if (t->state == TASK_BLOCKED && t->wait_key == (u64)obj)
            sched_wake(t);
}

long ipc_wait(const void *obj, u64 deadline)
{
    u64 now = clock_monotonic_ns();
    if (deadline != ~0ull && now >= deadline)
        return -EAGAIN;
    if (sched_alone() && deadline == ~0ull) {
        kerr("skiff: a System V IPC wait would never end (no other thread or process exists): EDEADLK\n");
        return -EDEADLK;
    }
    sched_wait_key(deadline == ~0ull ? ~0ull : deadline - now, (u64)obj);
    return signal_pending() ? -EINTR : 0;
}

struct ipc_obj *ipc_find_index(struct ipc_table *t, int idx)
{
    if (idx < 0)
        return NULL;
    idx %= IPC_SEQ_MULT; /* Linux looks up the low bits: a whole id names its own slot too */
    return idx < IPC_SLOTS ? t->slot[idx] : NULL;
}

int ipc_max_index(const struct ipc_table *t)
{
    int top = 0; /* Linux answers 0 for an empty table too */
    for (int n = 0; n < IPC_SLOTS; n++)
        if (t->slot[n])
            top = n;
    return top;
}
