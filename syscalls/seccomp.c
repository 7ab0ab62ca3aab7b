/* syscalls/seccomp.c — seccomp(2) and prctl(PR_SET/GET_SECCOMP): a thread limits the system calls it and its
 * descendants may make. Strict mode allows read, write, _exit and rt_sigreturn and kills the thread for
 * anything else (SIGKILL). Filter mode runs every installed classic-BPF filter (seccomp_bpf.c), newest first,
 * on the call's number, arch, rip and arguments, and takes the most restrictive answer: kill the process or the
 * thread (SIGSYS), SIGSYS to a handler (TRAP), an errno without running the call, ENOSYS for TRACE (there is no
 * ptrace) and USER_NOTIF (no listener can exist), or run it (LOG, ALLOW). Filters are per thread, inherited by
 * fork, clone and execve, shared and never changed once installed; TSYNC gives them to every thread.
 * Not supported: user notification (SECCOMP_FILTER_FLAG_NEW_LISTENER is EINVAL, SECCOMP_GET_NOTIF_SIZES and
 * availability of SECCOMP_RET_USER_NOTIF too, as on a kernel built without it: test/conformance/partial). */
#include "seccomp.h"
#include "../arch/x86_64/arch.h"

#define SECCOMP_SET_MODE_STRICT 0
#define SECCOMP_SET_MODE_FILTER 1
#define SECCOMP_GET_ACTION_AVAIL 2
#define SECCOMP_GET_NOTIF_SIZES 3

#define FLAG_TSYNC 1u
#define FLAG_LOG 2u
#define FLAG_SPEC_ALLOW 4u      /* leave speculation mitigations alone: skiff changes none anyway */
#define FLAG_NEW_LISTENER 8u
#define FLAG_TSYNC_ESRCH 16u
#define FLAG_WAIT_KILLABLE 32u
#define FLAGS_KNOWN (FLAG_TSYNC | FLAG_LOG | FLAG_SPEC_ALLOW | FLAG_TSYNC_ESRCH)

#define MAX_INSNS_PER_PATH 32768 /* all the filters a call runs through, 4 more per filter (Linux's limit) */
#define SYS_SECCOMP 1            /* si_code of a TRAP's SIGSYS */
#define MAX_ERRNO 4095

#define NR_READ 0
#define NR_WRITE 1
#define NR_RT_SIGRETURN 15
#define NR_EXIT 60

static void filter_put(struct seccomp_filter *f)
{
    while (f && --f->refs == 0) {
        struct seccomp_filter *prev = f->prev;
        kfree(f);
        f = prev;
    }
}

void seccomp_fork(struct task *child)
{
    child->seccomp_mode = current ? current->seccomp_mode : 0;
    child->seccomp = current ? current->seccomp : NULL;
    if (child->seccomp)
        child->seccomp->refs++;
}

void seccomp_release(struct task *t)
{
    filter_put(t->seccomp);
    t->seccomp = NULL;
}

int seccomp_filter_count(const struct task *t)
{
    int n = 0;
    for (const struct seccomp_filter *f = t->seccomp; f; f = f->prev)
        n++;
    return n;
}

static const char *call_name(u64 nr)
{
    return nr < syscall_count && syscall_names[nr] ? syscall_names[nr] : "(unknown)";
}

/* The thread ends with sig; the process with it when it is the last thread or kill_process says so. */
static noreturn void kill_caller(int sig, bool process, u64 nr, const char *why)
{
    klog("skiff: seccomp: %s: %s refused %s (%lu)\n", prog_name(), why, call_name(nr), nr);
    if (process || current->proc->nthreads == 1) {
        if (current->proc->pid == 1)
            proc_diag("skiff: %s: %s: %s refused system call %s (%lu)\n", prog_name(), signal_name(sig), why,
                      call_name(nr), nr);
        proc_die(sig);
    }
    task_exit(0);
}

noreturn void seccomp_kill(int sig, u64 nr, const char *why)
{
    kill_caller(sig, true, nr, why);
}

/* SIGSYS with the call's number, arch and address (a seccomp TRAP, a syscall user dispatch); a blocked or
 * ignored SIGSYS kills: the signal is forced, as Linux forces it. */
void seccomp_sigsys(u64 nr, u64 rip, int code, u32 data, const char *why)
{
    struct k_sigaction *act = &current->proc->sigactions[SIGSYS];
    if (act->handler <= SIG_IGN || (current->sig_blocked & SIGBIT(SIGSYS)))
        kill_caller(SIGSYS, true, nr, why);
    struct k_siginfo info = { .signo = SIGSYS, .code = code, .errnum = (int)data, .addr = rip,
                              .value = (u32)nr | (u64)AUDIT_ARCH_X86_64 << 32 };
    signal_send_info(current, &info, true);
}

/* The most restrictive answer wins: actions compare as signed 32-bit numbers (kill_process is negative). */
static u32 run_filters(const struct seccomp_data *d)
{
    u32 best = SECCOMP_RET_ALLOW;
    for (const struct seccomp_filter *f = current->seccomp; f; f = f->prev) {
        u32 r = bpf_seccomp_run(f->insns, d);
        if ((i32)(r & SECCOMP_RET_ACTION_FULL) < (i32)(best & SECCOMP_RET_ACTION_FULL))
            best = r;
        if (f->log && (r & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW)
            klog("skiff: seccomp: %s: %s (%d) -> %#x\n", prog_name(), call_name((u64)(u32)d->nr), d->nr, r);
    }
    return best;
}

static bool strict_allows(u64 nr)
{
    return nr == NR_READ || nr == NR_WRITE || nr == NR_EXIT || nr == NR_RT_SIGRETURN;
}

bool seccomp_syscall(struct regs *r, u64 nr, long *ret)
{
    if (current->seccomp_mode == SECCOMP_MODE_STRICT) {
        if (!strict_allows(nr))
            kill_caller(SIGKILL, false, nr, "seccomp strict mode");
        return false;
    }
    struct seccomp_data d = { .nr = (int)nr, .arch = AUDIT_ARCH_X86_64, .instruction_pointer = r->rip,
                              .args = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 } };
    u32 act = run_filters(&d), data = act & SECCOMP_RET_DATA;
    switch (act & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ALLOW:
        return false;
    case SECCOMP_RET_LOG:
        klog("skiff: seccomp: %s: logged %s (%lu)\n", prog_name(), call_name(nr), nr);
        return false;
    case SECCOMP_RET_ERRNO:
        *ret = -(long)(data > MAX_ERRNO ? MAX_ERRNO : data);
        return true;
    case SECCOMP_RET_TRAP:
        seccomp_sigsys(nr, r->rip, SYS_SECCOMP, data, "seccomp trap");
        *ret = (long)nr; /* rax goes back to the call's number, as Linux rolls the call back */
        return true;
    case SECCOMP_RET_TRACE:      /* no tracer can be attached: the call fails, as on Linux without one */
    case SECCOMP_RET_USER_NOTIF: /* no listener can exist */
        *ret = -ENOSYS;
        return true;
    case SECCOMP_RET_KILL_THREAD:
        kill_caller(SIGSYS, false, nr, "seccomp filter");
    default: /* SECCOMP_RET_KILL_PROCESS and any unknown action */
        kill_caller(SIGSYS, true, nr, "seccomp filter");
    }
}

static long set_strict(void)
{
    if (current->seccomp_mode == SECCOMP_MODE_FILTER)
        return -EINVAL; /* a mode, once set, is never changed */
    current->seccomp_mode = SECCOMP_MODE_STRICT;
    return 0;
}

/* sock_fprog from user space: the program is copied, checked and wrapped into a filter. */
static long prepare(u64 uprog, u32 flags, struct seccomp_filter **out)
{
    struct { u16 len; u16 pad[3]; u64 filter; } prog;
    if (copy_from_user(&prog, (const void *)uprog, sizeof(prog)))
        return -EFAULT;
    if (prog.len == 0 || prog.len > BPF_MAXINSNS)
        return -EINVAL;
    const struct cred *c = cred_current();
    if (!c->no_new_privs && !capable(CAP_SYS_ADMIN))
        return -EACCES; /* a filter could fool a set-ID program it runs; no_new_privs rules that out */
    struct seccomp_filter *f = kmalloc(sizeof(*f) + prog.len * sizeof(struct sock_filter));
    if (!f)
        return -ENOMEM;
    *f = (struct seccomp_filter){ .refs = 1, .len = prog.len, .log = (flags & FLAG_LOG) != 0 };
    long rc = copy_from_user(f->insns, (const void *)prog.filter, prog.len * sizeof(struct sock_filter))
                  ? -EFAULT : bpf_seccomp_check(f->insns, prog.len);
    if (rc) {
        kfree(f);
        return rc;
    }
    *out = f;
    return 0;
}

/* TSYNC: every other thread must run the caller's filters or older ones of the same line; else its tid. */
static long sync_check(u32 flags)
{
    for (struct task *t = current->proc->threads; t; t = t->proc_next) {
        if (t == current || t->state == TASK_DEAD)
            continue;
        bool ancestor = t->seccomp == NULL && t->seccomp_mode != SECCOMP_MODE_STRICT;
        for (const struct seccomp_filter *f = current->seccomp; f && !ancestor; f = f->prev)
            ancestor = f == t->seccomp;
        if (!ancestor)
            return (flags & FLAG_TSYNC_ESRCH) ? -ESRCH : t->tid;
    }
    return 0;
}

static void set_filter(struct task *t, struct seccomp_filter *f)
{
    f->refs++;
    filter_put(t->seccomp);
    t->seccomp = f;
    t->seccomp_mode = SECCOMP_MODE_FILTER;
}

static long set_filter_mode(u32 flags, u64 uprog)
{
    if (flags & ~FLAGS_KNOWN) {
        if (flags & (FLAG_NEW_LISTENER | FLAG_WAIT_KILLABLE))
            kerr("skiff: seccomp: user notification (SECCOMP_FILTER_FLAG_NEW_LISTENER) is not supported: EINVAL\n");
        return -EINVAL;
    }
    struct seccomp_filter *f;
    long rc = prepare(uprog, flags, &f);
    if (rc)
        return rc;
    u32 total = f->len;
    for (const struct seccomp_filter *w = current->seccomp; w; w = w->prev)
        total += w->len + 4;
    if (current->seccomp_mode == SECCOMP_MODE_STRICT)
        rc = -EINVAL;
    else if ((flags & FLAG_TSYNC) && (rc = sync_check(flags)) != 0)
        ;
    else if (total > MAX_INSNS_PER_PATH)
        rc = -ENOMEM;
    if (rc) {
        kfree(f);
        return rc;
    }
    f->prev = current->seccomp; /* the caller's reference to its old filter moves into the new one */
    current->seccomp = f;
    current->seccomp_mode = SECCOMP_MODE_FILTER;
    if (flags & FLAG_TSYNC)
        for (struct task *t = current->proc->threads; t; t = t->proc_next)
            if (t != current && t->state != TASK_DEAD)
                set_filter(t, f);
    return 0;
}

static long action_avail(u64 uaction)
{
    u32 a;
    if (copy_from_user(&a, (const void *)uaction, sizeof(a)))
        return -EFAULT;
    switch (a) {
    case SECCOMP_RET_KILL_PROCESS: case SECCOMP_RET_KILL_THREAD: case SECCOMP_RET_TRAP: case SECCOMP_RET_ERRNO:
    case SECCOMP_RET_TRACE: case SECCOMP_RET_LOG: case SECCOMP_RET_ALLOW:
        return 0;
    default: /* SECCOMP_RET_USER_NOTIF included: no listener can be made */
        return -EOPNOTSUPP;
    }
}

SYSCALL(seccomp) /* (operation, flags, args) */
{
    switch ((u32)a0) {
    case SECCOMP_SET_MODE_STRICT:
        return a1 || a2 ? -EINVAL : set_strict();
    case SECCOMP_SET_MODE_FILTER:
        return set_filter_mode((u32)a1, a2);
    case SECCOMP_GET_ACTION_AVAIL:
        return a1 ? -EINVAL : action_avail(a2);
    case SECCOMP_GET_NOTIF_SIZES:
        kerr("skiff: seccomp: SECCOMP_GET_NOTIF_SIZES: user notification is not supported: EINVAL\n");
        return -EINVAL;
    default:
        return -EINVAL;
    }
}

#define PR_GET_SECCOMP 21
#define PR_SET_SECCOMP 22

long seccomp_prctl(int opt, u64 a1, u64 a2, bool *handled)
{
    *handled = opt == PR_GET_SECCOMP || opt == PR_SET_SECCOMP;
    if (opt == PR_GET_SECCOMP)
        return current->seccomp_mode;
    if (opt != PR_SET_SECCOMP)
        return 0;
    if (a1 == SECCOMP_MODE_STRICT)
        return set_strict(); /* prctl's strict mode ignores arg3, as Linux's does */
    if (a1 == SECCOMP_MODE_FILTER)
        return set_filter_mode(0, a2);
    return -EINVAL;
}
