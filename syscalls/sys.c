/* syscalls/sys.c — whole-system and accounting queries: sysinfo, statfs/fstatfs, getrusage, times,
 * process groups and sessions as a single process sees them, prctl's thread name, priorities and the
 * scheduler queries (credentials: syscalls/cred.c, capabilities: syscalls/capability.c). */
#include "syscalls.h"
#include "seccomp.h"
#include "../kernel/boot.h"
#include "../drivers/tty.h"
#include "../arch/x86_64/smp.h"

struct sysinfo_k {
    i64 uptime;
    u64 loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    u16 procs, pad;
    u32 pad2;
    u64 totalhigh, freehigh;
    u32 mem_unit;
    char pad3[4];
};
_Static_assert(sizeof(struct sysinfo_k) == 112, "x86_64 struct sysinfo");

SYSCALL(sysinfo)
{
    struct sysinfo_k si;
    memset(&si, 0, sizeof(si));
    si.uptime = clock_monotonic_ns() / 1000000000;
    si.totalram = pmm_total_pages() * PAGE_SIZE;
    si.freeram = pmm_free_pages() * PAGE_SIZE;
    si.procs = 1;
    si.mem_unit = 1;
    return copy_to_user((void *)a0, &si, sizeof(si));
}

struct statfs_k {
    i64 type, bsize;
    u64 blocks, bfree, bavail, files, ffree;
    i32 fsid[2];
    i64 namelen, frsize, flags, spare[4];
};
_Static_assert(sizeof(struct statfs_k) == 120, "x86_64 struct statfs");
#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0

/* A filesystem with its own numbers (9p: the host's) gives them; RAM filesystems report the VM's memory. */
static long fill_statfs(struct inode *ino, void *ubuf)
{
    struct statfs_k st;
    memset(&st, 0, sizeof(st));
    u64 w[9];
    struct super_block *sb = ino ? ino->sb : NULL;
    if (sb && sb->statfs) {
        int rc = sb->statfs(sb, w);
        if (rc)
            return rc;
        st.type = (i64)w[0], st.bsize = st.frsize = (i64)w[1];
        st.blocks = w[2], st.bfree = w[3], st.bavail = w[4], st.files = w[5], st.ffree = w[6];
        st.fsid[0] = (i32)w[7], st.fsid[1] = (i32)(w[7] >> 32);
        st.namelen = (i64)w[8];
        st.flags = vfs_statfs_flags(sb);
        return copy_to_user(ubuf, &st, sizeof(st));
    }
    st.type = TMPFS_MAGIC; /* the ramfs behaves as tmpfs does: memory-backed, no disk */
    st.bsize = st.frsize = PAGE_SIZE;
    st.blocks = pmm_total_pages();
    st.bfree = st.bavail = pmm_free_pages();
    st.files = st.ffree = pmm_free_pages();
    if (sb && sb->max_pages) /* a tmpfs with size=: its own room, as Linux's shmem_statfs */
        st.blocks = sb->max_pages, st.bfree = st.bavail = sb->max_pages - MIN(sb->used_pages, sb->max_pages);
    if (sb && sb->max_inodes)
        st.files = sb->max_inodes, st.ffree = ramfs_free_ispace(sb) / RAMFS_INODE_SPACE; /* xattrs take from it */
    st.namelen = NAME_MAX;
    st.flags = vfs_statfs_flags(sb);
    return copy_to_user(ubuf, &st, sizeof(st));
}

SYSCALL(statfs)
{
    struct inode *ino;
    long rc = at_lookup(AT_FDCWD, (const char *)a0, WALK_FOLLOW, &ino);
    return rc ? rc : fill_statfs(ino, (void *)a1);
}

SYSCALL(fstatfs)
{
    struct file *f = fd_file((int)a0);
    return f ? fill_statfs(f->inode, (void *)a1) : -EBADF;
}

struct rusage_k {
    i64 utime_sec, utime_usec, stime_sec, stime_usec;
    i64 maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv, nsignals, nvcsw,
        nivcsw;
};
_Static_assert(sizeof(struct rusage_k) == 144, "struct rusage");

static void set_tv(i64 *sec, i64 *usec, u64 ns)
{
    *sec = (i64)(ns / 1000000000);
    *usec = (i64)(ns % 1000000000 / 1000);
}

/* Resource usage of p (who: RUSAGE_SELF, _THREAD for the caller's thread, _CHILDREN it collected, or _BOTH);
 * CPU time as kernel/cputime.c charges it; max RSS and page faults per process as kernel/rusage.c keeps them;
 * context switches as kernel/sched.c counts them. I/O, IPC and signal counts are not kept: 0. */
int proc_rusage_user(struct proc *p, int who, void *u)
{
    struct rusage_k ru;
    memset(&ru, 0, sizeof(ru));
    u64 un = 0, sn = 0;
    if (who == RUSAGE_THREAD)
        acct_task(current, &un, &sn);
    else if (who != RUSAGE_CHILDREN)
        acct_proc(p, &un, &sn);
    if (who == RUSAGE_CHILDREN || who == RUSAGE_BOTH) {
        un += clock_tsc_to_ns(p->cutime_tsc);
        sn += clock_tsc_to_ns(p->cstime_tsc);
    }
    set_tv(&ru.utime_sec, &ru.utime_usec, un);
    set_tv(&ru.stime_sec, &ru.stime_usec, sn);
    struct acct_counts c;
    acct_counts(p, who, &c); /* kernel/rusage.c */
    ru.minflt = (i64)c.minflt;
    ru.majflt = (i64)c.majflt;
    ru.nvcsw = (i64)c.nvcsw;
    ru.nivcsw = (i64)c.nivcsw;
    ru.maxrss = (i64)acct_maxrss(p, who) * (PAGE_SIZE / 1024);
    return copy_to_user(u, &ru, sizeof(ru)) ? -EFAULT : 0;
}

SYSCALL(getrusage)
{
    int who = (int)a0;
    if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
        return -EINVAL;
    return proc_rusage_user(current_proc(), who, (void *)a1);
}

/* times: user, system, children's user and system time in clock ticks (100 Hz, AT_CLKTCK); the result is
 * ticks since boot. */
SYSCALL(times)
{
    struct proc *p = current_proc();
    u64 un, sn, t = 10000000;
    acct_proc(p, &un, &sn);
    u64 tms[4] = { un / t, sn / t, clock_tsc_to_ns(p->cutime_tsc) / t, clock_tsc_to_ns(p->cstime_tsc) / t };
    if (a0 && copy_to_user((void *)a0, tms, sizeof(tms)))
        return -EFAULT;
    return clock_monotonic_ns() / t;
}

/* The process pid names (0: the caller), or NULL. */
static struct proc *target(int pid)
{
    return pid == 0 ? current_proc() : pid > 0 ? proc_by_pid(pid) : NULL;
}

SYSCALL(getpgid) { struct proc *p = target((int)a0); return p ? p->pgid : -ESRCH; }
SYSCALL(getpgrp) { return current_proc()->pgid; }
SYSCALL(getsid) { struct proc *p = target((int)a0); return p ? p->sid : -ESRCH; }

static bool group_in_session(int pgid, int sid)
{
    for (struct proc *q = proc_list; q; q = q->next_proc)
        if (q->pgid == pgid && q->sid == sid && !q->zombie)
            return true;
    return false;
}

/* setpgid: the caller or one of its children (a shell putting a job in its own group); into a new group
 * named after the process, or an existing group of the caller's session. */
SYSCALL(setpgid)
{
    int pid = (int)a0, pgid = (int)a1;
    if (pgid < 0)
        return -EINVAL;
    struct proc *self = current_proc(), *p = target(pid);
    if (!p || (p != self && p->parent != self))
        return -ESRCH;
    if (p->sid != self->sid)
        return -EPERM;
    if (p->sid == p->pid)
        return -EPERM; /* a session leader cannot change its group */
    int want = pgid ? pgid : p->pid;
    if (want != p->pid && !group_in_session(want, self->sid))
        return -EPERM;
    p->pgid = want;
    return 0;
}

SYSCALL(setsid)
{
    struct proc *p = current_proc();
    if (p->pgid == p->pid)
        return -EPERM; /* already a process group leader, as Linux's init is */
    p->sid = p->pgid = p->pid;
    tty_proc_setsid(p); /* a new session starts without a controlling terminal */
    return p->sid;
}

#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37

SYSCALL(prctl)
{
    switch ((int)a0) {
    case PR_SET_NAME: {
        char name[16];
        long n = strncpy_from_user(name, (const char *)a1, sizeof(name));
        if (n < 0 && n != -ENAMETOOLONG)
            return n;
        name[15] = 0;
        memcpy(current->comm, name, sizeof(name));
        return 0;
    }
    case PR_GET_NAME:
        return copy_to_user((void *)a1, current->comm, sizeof(current->comm));
    case PR_SET_PDEATHSIG: /* the signal its parent's exit sends it (kernel/fork.c) */
        if (a1 > NSIG)
            return -EINVAL;
        current_proc()->pdeathsig = (int)a1;
        return 0;
    case PR_GET_PDEATHSIG:
        return copy_to_user((void *)a1, &current_proc()->pdeathsig, sizeof(int));
    case PR_SET_CHILD_SUBREAPER:
        current_proc()->subreaper = a1 != 0;
        return 0;
    case PR_GET_CHILD_SUBREAPER: {
        int v = current_proc()->subreaper;
        return copy_to_user((void *)a1, &v, sizeof(v));
    }
    default: {
        bool handled;
        long rc = prctl_misc((int)a0, a1, a2, a3, a4, &handled);
        if (handled)
            return rc;
        rc = cred_prctl((int)a0, a1, a2, a3, a4, &handled);
        if (handled)
            return rc;
        rc = seccomp_prctl((int)a0, a1, a2, &handled);
        if (handled)
            return rc;
        rc = prctl_cpu((int)a0, a1, a2, a3, a4, &handled);
        if (handled)
            return rc;
        rc = sud_prctl((int)a0, a1, a2, a3, a4, &handled);
        if (handled)
            return rc;
        rc = prctl_mm((int)a0, a1, a2, a3, a4, &handled);
        if (handled)
            return rc;
        kerr("skiff: prctl option %d is not implemented: EINVAL\n", (int)a0);
        return -EINVAL;
    }
    }
}


SYSCALL(sched_get_priority_max) /* (policy): real-time ones 1..99, the others 0 */
{
    int pol = (int)a0;
    return pol == SCHED_FIFO || pol == SCHED_RR ? 99 : (pol == 0 || pol == 3 || pol == 5 || pol == 6) ? 0 : -EINVAL;
}

SYSCALL(sched_get_priority_min)
{
    int pol = (int)a0;
    return pol == SCHED_FIFO || pol == SCHED_RR ? 1 : (pol == 0 || pol == 3 || pol == 5 || pol == 6) ? 0 : -EINVAL;
}

/* The time slice: the scheduler's 1 ms tick (sched.c) while other tasks want the CPU. */
/* personality: kept per process and inherited; skiff has no execution domains, so a persona changes
 * nothing else (ADDR_NO_RANDOMIZE, the one programs set, holds anyway: skiff does not randomize). */
SYSCALL(personality)
{
    struct proc *p = current_proc();
    u32 old = p->persona;
    if ((u32)a0 != 0xffffffffu)
        p->persona = (u32)a0;
    return old;
}

/* The CPU this thread runs on now; one NUMA node (0). */
SYSCALL(getcpu)
{
    unsigned cpu = this_cpu()->id, node = 0;
    if (a0 && copy_to_user((void *)a0, &cpu, sizeof(cpu)))
        return -EFAULT;
    if (a1 && copy_to_user((void *)a1, &node, sizeof(node)))
        return -EFAULT;
    return 0;
}
