/* kernel/ucount.c — how many tasks each real user id has, for RLIMIT_NPROC: getrlimit(2) counts "the number of
 * extant processes (or, more precisely on Linux, threads) for the real user ID of the calling process". A task
 * counts from task_alloc (or boot, for the first) to task_free, under the real uid of its credentials; a set*id
 * call that changes the real uid moves it. A guest has a handful of users, so a short list does; an entry,
 * once made, stays (count 0) so that moving a task never has to allocate twice.
 * Touched only from syscall context (fork, clone, set*id, the reaper in sched.c), never from interrupts. */
#include "cred.h"
#include "proc.h"
#include "kernel.h"
#include "errno.h"

struct ucount {
    u32 uid;
    u64 tasks;
    struct ucount *next;
};

static struct ucount *ucounts;

static struct ucount *ucount_find(u32 uid, bool create)
{
    for (struct ucount *u = ucounts; u; u = u->next)
        if (u->uid == uid)
            return u;
    struct ucount *u = create ? kzalloc(sizeof(*u)) : NULL;
    if (u) {
        u->uid = uid;
        u->next = ucounts;
        ucounts = u;
    }
    return u;
}

u64 ucount_tasks(u32 uid)
{
    struct ucount *u = ucount_find(uid, false);
    return u ? u->tasks : 0;
}

bool ucount_add(u32 uid)
{
    struct ucount *u = ucount_find(uid, true);
    if (u)
        u->tasks++;
    return u != NULL;
}

void ucount_del(u32 uid)
{
    struct ucount *u = ucount_find(uid, false);
    KASSERT(u && u->tasks);
    u->tasks--;
}

bool ucount_move(u32 from, u32 to)
{
    if (from == to)
        return true;
    if (!ucount_add(to))
        return false;
    ucount_del(from);
    return true;
}

/* Linux's test for a new task (fork, clone): over the creator's RLIMIT_NPROC once it counts, unless the real
 * user is root or the caller has CAP_SYS_RESOURCE or CAP_SYS_ADMIN. */
bool ucount_nproc_over(u64 extra)
{
    const struct cred *c = cred_current();
    u64 limit = current ? current->proc->rlimits[RLIMIT_NPROC].cur : ~0ull;
    return c->uid != 0 && ucount_tasks(c->uid) + extra > limit && !capable(CAP_SYS_RESOURCE) &&
           !capable(CAP_SYS_ADMIN);
}
