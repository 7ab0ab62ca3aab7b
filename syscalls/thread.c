/* syscalls/thread.c — clone and clone3: a new thread of this process (CLONE_THREAD with CLONE_VM and
 * friends, as pthread_create asks), or a new process (kernel/fork.c); fork and vfork are clone's old names;
 * wait4 collects an ended child. */
#include "syscalls.h"
#include "../arch/x86_64/arch.h"
#include "../ipc/ipc.h"

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define KNOWN_FLAGS (THREAD_FLAGS | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | \
                     CLONE_DETACHED | CLONE_CHILD_SETTID)

#define CLONE_NS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | \
                  CLONE_NEWNET)

/* The combinations Linux refuses outright (EINVAL), checked before anything else. */
static bool flags_invalid(u64 flags)
{
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return true;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return true;
    if ((flags & CLONE_NEWNS) && (flags & CLONE_FS))
        return true;
    return false;
}

/* A new process's namespaces: only a UTS one is made (kernel/fork.c); CAP_SYS_ADMIN first (EPERM), the rest
 * EINVAL as a kernel without them (CLONE_NEWUSER at once: Linux lets anyone make one). */
static long clone_ns_check(u64 flags)
{
    if (!(flags & CLONE_NS))
        return 0;
    if (flags & CLONE_NEWUSER) {
        kerr("skiff: clone CLONE_NEWUSER is not implemented: EINVAL\n");
        return -EINVAL;
    }
    if (!capable(CAP_SYS_ADMIN))
        return -EPERM;
    if (flags & CLONE_NS & ~(u64)CLONE_NEWUTS) {
        kerr("skiff: clone namespace flags %#lx are not implemented: EINVAL\n",
             (unsigned long)(flags & CLONE_NS & ~(u64)CLONE_NEWUTS));
        return -EINVAL;
    }
    return 0;
}

/* A new process with CLONE_PIDFD: its pidfd goes to *pidfd_uaddr. */
static long fork_pidfd(u64 flags, u64 stack, u64 ptid, u64 ctid, u64 tls, u64 pidfd_uaddr)
{
    struct pidfd_req req;
    long rc = pidfd_reserve(&req, pidfd_uaddr);
    if (rc)
        return rc;
    rc = proc_fork(flags, stack, ptid, ctid, tls, &req);
    if (rc < 0)
        pidfd_cancel(&req);
    return rc;
}

static long do_clone(u64 flags, u64 stack, u64 ptid, u64 ctid, u64 tls, u64 pidfd_uaddr)
{
    if (flags_invalid(flags))
        return -EINVAL;
    if ((flags & CLONE_PIDFD) && (flags & CLONE_DETACHED))
        return -EINVAL;
    if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID) && pidfd_uaddr == ptid)
        return -EINVAL; /* the same word cannot receive both */
    if ((flags & CLONE_PIDFD) && (flags & CLONE_THREAD)) {
        kerr("skiff: clone CLONE_PIDFD|CLONE_THREAD (a thread's pidfd) is not implemented: EINVAL\n");
        return -EINVAL;
    }
    long ns = (flags & CLONE_THREAD) ? 0 : clone_ns_check(flags);
    if (ns)
        return ns;
    if (!(flags & CLONE_THREAD) && (flags & CLONE_PIDFD))
        return fork_pidfd(flags, stack, ptid, ctid, tls, pidfd_uaddr);
    if (!(flags & CLONE_THREAD))
        return proc_fork(flags, stack, ptid, ctid, tls, NULL); /* a new process */
    if ((flags & THREAD_FLAGS) != THREAD_FLAGS)
        return -EINVAL;
    if (flags & ~(u64)(KNOWN_FLAGS | 0xff))
        return -EINVAL;
    if (flags & 0xff)
        return -EINVAL; /* a thread sends no exit signal */
    long limit = task_limit_check();
    if (limit)
        return limit;
    struct task *t = task_alloc();
    if (!t)
        return -ENOMEM;
    t->proc = current->proc;
    t->tid = id_alloc();
    arch_user_bases_save(&current->fs_base, &current->gs_base); /* the live ones: a WRFSBASE's, a WRGSBASE's */
    t->fs_base = (flags & CLONE_SETTLS) ? tls : current->fs_base;
    t->gs_base = current->gs_base; /* CLONE_SETTLS is FS's alone */
    t->sig_blocked = current->sig_blocked;
    memcpy(t->comm, current->comm, sizeof(t->comm));
    sched_fork_policy(t, current);
    if (flags & CLONE_SYSVSEM)
        sem_undo_key(t->proc); /* Linux makes the list the two will share (kcmp KCMP_SYSVSEM) */
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = ctid;
    int tid = t->tid;
    /* a tid word that cannot be written is ignored, as Linux ignores it (the thread is made all the same) */
    if (flags & CLONE_PARENT_SETTID)
        (void)copy_to_user((void *)ptid, &tid, sizeof(tid));
    if (flags & CLONE_CHILD_SETTID)
        (void)copy_to_user((void *)ctid, &tid, sizeof(tid));
    arch_fpu_save(t->fpu); /* the new thread starts with a copy of our FPU and SSE state */
    struct regs *frame = (struct regs *)(t->kstack_top - sizeof(struct regs));
    *frame = *current->frame;
    frame->rax = 0; /* clone returns 0 in the child */
    if (stack)
        frame->rsp = stack;
    sched_prepare(t, frame);
    sched_add(t);
    return tid;
}

SYSCALL(clone)
{
    /* x86_64: flags, stack, parent_tid, child_tid, tls; CLONE_PIDFD's fd goes to parent_tid. Only the low 32
     * bits are flags (Linux's lower_32_bits): clone3's own flags (CLONE_CLEAR_SIGHAND) cannot come this way. */
    return do_clone(a0 & 0xffffffffu, a1, a2, a3, a4, a2);
}

struct clone_args_k {
    u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

SYSCALL(clone3)
{
    struct clone_args_k ca;
    memset(&ca, 0, sizeof(ca));
    if (a1 > PAGE_SIZE)
        return -E2BIG;
    if (a1 < 64)
        return -EINVAL;
    if (copy_from_user(&ca, (const void *)a0, MIN(a1, sizeof(ca))))
        return -EFAULT;
    for (u64 off = sizeof(ca); off < a1; off++) { /* a newer caller's fields: only zeros are understood */
        u8 b;
        if (copy_from_user(&b, (const u8 *)a0 + off, 1))
            return -EFAULT;
        if (b)
            return -E2BIG;
    }
    if (flags_invalid(ca.flags))
        return -EINVAL;
    if ((ca.exit_signal && (ca.flags & (CLONE_THREAD | CLONE_PARENT))) || ca.exit_signal > 64)
        return -EINVAL;
    if (ca.flags & ~(0xffffffffull | CLONE_CLEAR_SIGHAND)) { /* Linux's clone3_args_valid: unknown flags */
        if (ca.flags & CLONE_INTO_CGROUP)
            kerr("skiff: clone3 CLONE_INTO_CGROUP is not implemented (no cgroups): EINVAL\n");
        return -EINVAL;
    }
    if ((ca.flags & CLONE_CLEAR_SIGHAND) && (ca.flags & CLONE_SIGHAND))
        return -EINVAL; /* handlers shared cannot be reset for one */
    if (ca.set_tid || ca.set_tid_size) {
        kerr("skiff: clone3 set_tid is not implemented: EINVAL\n");
        return -EINVAL;
    }
    if ((ca.stack == 0) != (ca.stack_size == 0))
        return -EINVAL;
    return do_clone(ca.flags | (ca.exit_signal & 0xff), ca.stack ? ca.stack + ca.stack_size : 0, ca.parent_tid,
                    ca.child_tid, ca.tls, ca.pidfd);
}

SYSCALL(fork)
{
    return proc_fork(17 /* SIGCHLD */, 0, 0, 0, 0, NULL);
}

SYSCALL(vfork)
{
    return proc_fork(CLONE_VM | CLONE_VFORK | 17, 0, 0, 0, 0, NULL);
}

