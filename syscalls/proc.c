/* syscalls/proc.c — the process as it sees itself: identity, limits, uname, getrandom, thread-area setup
 * (arch_prctl, set_tid_address, set_robust_list), scheduling queries, and exit. */
#include "syscalls.h"
#include "../kernel/boot.h"
#include "../arch/x86_64/arch.h"

SYSCALL(getpid) { return current_proc()->pid; }
SYSCALL(getppid) { return current_proc()->ppid; }
SYSCALL(gettid) { return current->tid; }
SYSCALL(sched_yield) { sched_yield_current(); return 0; } /* another runnable thread goes first */

SYSCALL(exit_group)
{
    proc_exit((int)a0);
}

SYSCALL(exit)
{
    task_exit((int)a0); /* this thread only; the last one's exit ends the process */
}

struct utsname_k { char f[6][65]; };

#define UTS_LEN 64 /* Linux's __NEW_UTS_LEN */
/* The machine's names, per UTS namespace: the host name from tools/skiff run --hostname until sethostname
 * changes it; the NIS domain name "(none)" until setdomainname does. unshare CLONE_NEWUTS gives a process a
 * copy of its own, which its later children share (proc->uts; NULL: the first namespace). Syscall context
 * only; the big kernel lock guards refs. */
struct uts_ns {
    int refs;
    u32 inum; /* /proc/PID/ns/uts's number: Linux's PROC_UTS_INIT_INO for the first, then its dynamic ones */
    char host[UTS_LEN + 1], domain[UTS_LEN + 1];
};
static struct uts_ns uts_first = { .inum = 0xeffffffeu };
static u32 uts_last_inum = 0xf0000001u; /* after the mount namespace's (fs/procfs_ns.c) */

u32 uts_inum(const struct proc *p)
{
    return p->uts ? p->uts->inum : uts_first.inum;
}

static struct uts_ns *uts_current(void)
{
    if (!uts_first.host[0]) {
        const char *h = boot_arg("hostname");
        ksnprintf(uts_first.host, sizeof(uts_first.host), "%s", h && *h ? h : "skiff");
        ksnprintf(uts_first.domain, sizeof(uts_first.domain), "(none)");
    }
    return current_proc()->uts ? current_proc()->uts : &uts_first;
}

const char *uts_nodename(void) { return uts_current()->host; }
const char *uts_domainname(void) { return uts_current()->domain; }

void uts_get(struct uts_ns *u)
{
    if (u)
        u->refs++;
}

void uts_put(struct uts_ns *u)
{
    if (u && --u->refs == 0) {
        nsfs_forget("uts", u->inum);
        kfree(u);
    }
}

/* unshare or clone CLONE_NEWUTS: p's own copy of the names the caller sees now (p: the caller, or its new child
 * that holds a reference to the caller's namespace). */
long uts_new(struct proc *p)
{
    struct uts_ns *u = kmalloc(sizeof(*u));
    if (!u)
        return -ENOMEM;
    *u = *uts_current();
    u->refs = 1;
    u->inum = ++uts_last_inum;
    uts_put(p->uts);
    p->uts = u;
    return 0;
}

/* sethostname(2), setdomainname: CAP_SYS_ADMIN (EPERM), then the length (EINVAL past 64 bytes), then the
 * name (EFAULT); the name need not end in a NUL and may be empty. */
static long set_uts(char *dst, const char *uname, u64 len)
{
    char tmp[UTS_LEN + 1] = { 0 };
    if (!capable(CAP_SYS_ADMIN))
        return -EPERM;
    if ((i64)len < 0 || len > UTS_LEN)
        return -EINVAL;
    if (copy_from_user(tmp, uname, len))
        return -EFAULT;
    memcpy(dst, tmp, sizeof(tmp));
    return 0;
}

SYSCALL(sethostname)
{
    return set_uts(uts_current()->host, (const char *)a0, a1);
}

SYSCALL(setdomainname)
{
    return set_uts(uts_current()->domain, (const char *)a0, a1);
}

SYSCALL(uname)
{
    struct utsname_k u;
    memset(&u, 0, sizeof(u));
    const char *host = uts_nodename();
    u32 persona = current_proc()->persona;
    /* UNAME26: 2.6.(60 + minor) and what follows the numbers, as Linux tells old programs; PER_LINUX32: i686 */
    const char *release = (persona & UNAME26) ? "2.6.61-skiff" : "6.1.0-skiff";
    const char *machine = (persona & 0xff) == PER_LINUX32 ? "i686" : "x86_64";
    const char *fields[6] = { "Linux", host, release, "#1 SMP skiff", machine, uts_domainname() };
    for (int i = 0; i < 6; i++)
        memcpy(u.f[i], fields[i], MIN(strlen(fields[i]), 64));
    return copy_to_user((void *)a0, &u, sizeof(u));
}

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

SYSCALL(getrandom)
{
    u32 flags = (u32)a2;
    if ((flags & ~(u32)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) ||
        ((flags & GRND_RANDOM) && (flags & GRND_INSECURE)))
        return -EINVAL;
    size_t n = MIN(a1, 0x1ffffffu), done = 0;
    u8 chunk[256];
    while (done < n) {
        size_t c = MIN(n - done, sizeof(chunk));
        random_fill(chunk, c);
        if (copy_to_user((u8 *)a0 + done, chunk, c))
            return done ? (long)done : -EFAULT;
        done += c;
    }
    return done;
}


/* prlimit(2) on another process: allowed when the caller's real ids are all of the target's real, effective
 * and saved ids, or with CAP_SYS_RESOURCE (reading as well as writing). */
static bool prlimit_may(const struct task *t)
{
    const struct cred *c = cred_current(), *tc = &t->cred;
    bool same = c->uid == tc->uid && c->uid == tc->euid && c->uid == tc->suid && c->gid == tc->gid &&
                c->gid == tc->egid && c->gid == tc->sgid;
    return t == current || same || capable(CAP_SYS_RESOURCE);
}

/* Linux's prlimit64 order: copy the new limit in (EFAULT), find the process by any of its thread ids (ESRCH)
 * and check the caller may (EPERM), check the resource and the limit (EINVAL, EPERM), apply it, and only then
 * copy the old one out (EFAULT, the new one stays). */
static long rlimit_rw(int pid, unsigned res, const struct rlimit64 *unew, struct rlimit64 *uold)
{
    struct rlimit64 n;
    if (unew && copy_from_user(&n, unew, sizeof(n)))
        return -EFAULT;
    if (pid < 0)
        return -ESRCH;
    struct task *t = pid ? task_by_tid(pid) : current;
    if (!t || t->state == TASK_DEAD || !t->proc || t->proc->zombie)
        return -ESRCH;
    if (!prlimit_may(t))
        return -EPERM;
    struct proc *p = t->proc;
    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    if (unew && n.cur > n.max)
        return -EINVAL;
    if (unew && res == RLIMIT_NOFILE && n.max > FD_NR_OPEN) /* fs.nr_open */
        return -EPERM;
    struct rlimit64 old = p->rlimits[res];
    if (unew && n.max > old.max && !capable(CAP_SYS_RESOURCE))
        return -EPERM; /* only lowering the hard limit is free */
    if (unew)
        p->rlimits[res] = n; /* RLIMIT_NOFILE takes effect in fd_install/fd_limit */
    if (unew && res == RLIMIT_CPU)
        rlimit_cpu_arm(p);
    if (uold && copy_to_user(uold, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

SYSCALL(prlimit64) { return rlimit_rw((int)a0, (unsigned)a1, (const void *)a2, (void *)a3); }

SYSCALL(getrlimit)
{
    if ((unsigned)a0 >= RLIM_NLIMITS)
        return -EINVAL;
    return a1 ? rlimit_rw(0, (unsigned)a0, NULL, (void *)a1) : -EFAULT; /* NULL is a bad pointer here */
}

SYSCALL(setrlimit)
{
    return a1 ? rlimit_rw(0, (unsigned)a0, (const void *)a1, NULL) : -EFAULT;
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

SYSCALL(arch_prctl)
{
    arch_user_bases_save(&current->fs_base, &current->gs_base); /* ARCH_GET_*: a WRFSBASE's or WRGSBASE's too */
    switch ((int)a0) {
    case ARCH_SET_FS:
        if (a1 >= USER_TOP)
            return -EPERM;
        current->fs_base = a1;
        wrmsr(MSR_FS_BASE, a1);
        return 0;
    case ARCH_GET_FS:
        return copy_to_user((void *)a1, &current->fs_base, sizeof(u64));
    case ARCH_SET_GS:
        if (a1 >= USER_TOP)
            return -EPERM;
        current->gs_base = a1; /* the thread's own: switch_in loads it (it was once only this CPU's MSR) */
        wrmsr(MSR_KERNEL_GS_BASE, a1); /* the user's GS base while we run on the kernel's */
        return 0;
    case ARCH_GET_GS:
        return copy_to_user((void *)a1, &current->gs_base, sizeof(u64));
    case ARCH_GET_CPUID:
        return 1;
    case ARCH_SET_CPUID:
        return -ENODEV; /* no CPUID faulting here: Linux on a CPU without it says the same */
    default:
        return -EINVAL;
    }
}

SYSCALL(set_tid_address)
{
    current->clear_child_tid = a0;
    return current->tid;
}

SYSCALL(set_robust_list)
{
    if (a1 != 24) /* sizeof(struct robust_list_head) */
        return -EINVAL;
    current->robust_list = a0;
    current->robust_len = a1;
    return 0;
}

