/* syscalls/fasync.c — who owns a file's I/O signals: fcntl F_SETOWN/F_GETOWN, F_SETOWN_EX/F_GETOWN_EX,
 * F_SETSIG/F_GETSIG, and ioctl FIOASYNC (the same switch as fcntl's O_ASYNC), with Linux's checks and errors.
 * The signals themselves are fs/sigio.c's. */
#include "syscalls.h"

#define F_SETOWN 8
#define F_GETOWN 9
#define F_SETSIG 10
#define F_GETSIG 11
#define F_SETOWN_EX 15
#define F_GETOWN_EX 16
#define F_OWNER_TID 0
#define F_OWNER_PID 1
#define F_OWNER_PGRP 2
#define O_ASYNC 020000
#define NSIG_MAX 64

struct f_owner_ex { i32 type, pid; };

/* The owner exists (Linux 4.x+: F_SETOWN to nobody is ESRCH); 0 clears it. */
static long owner_check(int type, int id)
{
    if (!id)
        return 0;
    if (type == F_OWNER_TID)
        return task_by_tid(id) ? 0 : -ESRCH;
    if (type == F_OWNER_PID)
        return proc_by_pid(id) ? 0 : -ESRCH;
    return signal_send_pgrp(id, 0, 0) ? -ESRCH : 0;
}

static long set_owner(struct file *f, int type, int id)
{
    long r = owner_check(type, id);
    if (r)
        return r;
    f->own_type = type;
    f->own_id = id;
    return 0;
}

long fasync_fcntl(struct file *f, int cmd, u64 arg)
{
    struct f_owner_ex ex;
    switch (cmd) {
    case F_SETOWN: {
        int who = (int)arg;
        if (who == (int)0x80000000)
            return -EINVAL;
        return who < 0 ? set_owner(f, F_OWNER_PGRP, -who) : set_owner(f, F_OWNER_PID, who);
    }
    case F_GETOWN:
        return f->own_type == F_OWNER_PGRP ? -f->own_id : f->own_id;
    case F_SETOWN_EX:
        if (copy_from_user(&ex, (void *)arg, sizeof(ex)))
            return -EFAULT;
        if (ex.type != F_OWNER_TID && ex.type != F_OWNER_PID && ex.type != F_OWNER_PGRP)
            return -EINVAL;
        return set_owner(f, ex.type, ex.pid);
    case F_GETOWN_EX:
        ex.type = f->own_id ? f->own_type : F_OWNER_PID;
        ex.pid = f->own_id;
        return copy_to_user((void *)arg, &ex, sizeof(ex)) ? -EFAULT : 0;
    case F_SETSIG:
        if (arg > NSIG_MAX)
            return -EINVAL;
        f->own_sig = (int)arg;
        return 0;
    case F_GETSIG:
        return f->own_sig;
    }
    kerr("skiff: fcntl command %d is not implemented: EINVAL\n", cmd);
    return -EINVAL;
}

long fasync_ioctl(struct file *f, int fd, u64 arg)
{
    int on;
    if (copy_from_user(&on, (void *)arg, sizeof(on)))
        return -EFAULT;
    f->flags = on ? (f->flags | O_ASYNC) : (f->flags & ~O_ASYNC);
    sigio_update(f, fd);
    return 0;
}
