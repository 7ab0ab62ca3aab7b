/* kernel/fork.c — processes: creating one (fork, vfork, clone without CLONE_THREAD), its end (exit_group or a
 * fatal signal: a zombie until its parent's wait4), and the ids they share with threads. The first process is
 * the program the host asked for: when it ends, the VM powers off with its status, whatever else runs. */
#include "proc.h"
#include "errno.h"
#include "boot.h"
#include "../arch/x86_64/arch.h"
#include "../drivers/console.h"
#include "../drivers/tty.h"
#include "../syscalls/syscalls.h"
#include "../syscalls/seccomp.h"
#include "../ipc/ipc.h"

struct proc *proc_list;
static int next_id = 2;

int id_alloc(void)
{
    return next_id++;
}

int id_last(void)
{
    return next_id - 1;
}

/* POSIX: a group is orphaned when no member has a parent in another group of the same session (nobody left
 * to continue it with job control). */
bool proc_pgrp_orphaned(int pgid)
{
    for (struct proc *p = proc_list; p; p = p->next_proc) {
        struct proc *pp = p->parent;
        if (p->pgid == pgid && !p->zombie && pp && !pp->zombie && pp->pgid != pgid && pp->sid == p->sid)
            return false;
    }
    return true;
}

/* ps's state letter: Z a zombie, T stopped, R a thread can run (or runs), S every thread waits. */
char proc_state(struct proc *p)
{
    if (p->zombie)
        return 'Z';
    if (p->stopped)
        return 'T';
    for (struct task *t = p->threads; t; t = t->proc_next)
        if (t == current || t->state == TASK_RUNNABLE)
            return 'R';
    return 'S';
}

const char *proc_state_name(struct proc *p)
{
    switch (proc_state(p)) {
    case 'Z': return "Z (zombie)";
    case 'T': return "T (stopped)";
    case 'R': return "R (running)";
    default: return "S (sleeping)";
    }
}

struct task *proc_first_task(struct proc *p)
{
    for (struct task *t = p->threads; t; t = t->proc_next)
        if (t->state != TASK_DEAD)
            return t;
    return NULL;
}

static u64 nr_tasks = 1; /* the first task; every task_alloc'ed one until task_free */
struct kstat kstat = { .forks = 1 }; /* the first process counts, as Linux's init */

/* kernel.threads-max as Linux sizes it: a kernel stack's worth (16 KiB) of every 8 of memory, at least 20. */
u64 threads_max(void)
{
    return MAX(pmm_total_pages() * PAGE_SIZE / (16 * 1024 * 8), 20ull);
}

/* Linux's copy_process limits, the same for a thread or a process: the creator's user past its RLIMIT_NPROC
 * (the new task counted; root and CAP_SYS_RESOURCE/CAP_SYS_ADMIN exempt), then threads-max for everyone: EAGAIN,
 * so a fork or thread bomb ends there while the kernel and the other processes go on. A creation that passes
 * clears the creator's nproc_exceeded, as Linux clears PF_NPROC_EXCEEDED. */
long task_limit_check(void)
{
    if (ucount_nproc_over(1) || nr_tasks >= threads_max())
        return -EAGAIN;
    current->nproc_exceeded = false;
    return 0;
}

struct task *task_alloc(void)
{
    struct task *t = waitheap_reserve(nr_tasks + 1) ? kzalloc(sizeof(*t)) : NULL;
    u8 *kstack = t ? vmap_alloc(KSTACK_PAGES) : NULL; /* single pages, a guard page below */
    u8 *fpu = kstack ? page_alloc() : NULL;
    if (!fpu) {
        if (kstack)
            vmap_free(kstack, KSTACK_PAGES);
        kfree(t);
        return NULL;
    }
    t->kstack_base = (u64)kstack;
    t->kstack_top = (u64)kstack + KSTACK_PAGES * PAGE_SIZE;
    t->fpu = fpu;
    cred_copy(&t->cred, cred_current()); /* fork and clone: the creator's credentials */
    if (!ucount_add(t->cred.uid)) {
        cred_release(&t->cred);
        page_free(fpu);
        vmap_free(kstack, KSTACK_PAGES);
        kfree(t);
        return NULL;
    }
    seccomp_fork(t);                     /* and its seccomp mode and filters */
    if (current)
        prctl_cpu_fork(t, current);
    t->start_ns = clock_monotonic_ns();
    nr_tasks++;
    kstat.forks++;
    return t;
}

void task_free(struct task *t)
{
    nr_tasks--;
    ucount_del(t->cred.uid);
    cred_release(&t->cred);
    seccomp_release(t);
    vmap_free((void *)t->kstack_base, KSTACK_PAGES);
    page_free(t->fpu);
    kfree(t);
}

/* Undoes proc_copy for a process that never ran (not on proc_list). */
static void proc_discard(struct proc *p, bool share_vm)
{
    fdtable_put(p->fdt);
    uts_put(p->uts);
    if (p->vm && !share_vm)
        vm_space_destroy(p->vm);
    else if (p->vm)
        p->vm->refs--;
    inode_put(p->cwd);
    if (p->root)
        inode_put(p->root);
    kfree(p->exe);
    kfree(p);
}

/* A copy of parent for a new process, the child of real_parent (parent itself, or its parent with CLONE_PARENT);
 * with share_files (CLONE_FILES) the two use one fd table. */
static struct proc *proc_copy(struct proc *parent, struct proc *real_parent, bool share_vm, bool share_files)
{
    struct proc *p = kzalloc(sizeof(*p));
    if (!p)
        return NULL;
    *p = *parent;
    p->pid = id_alloc();
    p->ppid = real_parent->pid;
    p->parent = real_parent;
    p->children = p->sib_next = p->sib_prev = NULL; /* the copy's tree and list links are set by proc_list_add */
    p->next_proc = p->prev_proc = p->pid_hnext = NULL;
    p->threads = p->threads_tail = NULL;
    memset(&p->exit_cred, 0, sizeof(p->exit_cred));
    p->nthreads = 0;
    p->zombie = p->vfork_done = false;
    p->pdeathsig = 0; /* neither is inherited (prctl(2)) */
    p->subreaper = false;
    p->oom_killed = false;
    p->sig_pending = 0;              /* pending signals are not inherited */
    p->sigq = NULL;
    p->ptimers = NULL;                /* timers are not inherited */
    memset(p->itimer_cpu, 0, sizeof(p->itimer_cpu));
    memset(&p->rlimit_cpu, 0, sizeof(p->rlimit_cpu)); /* armed for the child once it exists (proc_fork) */
    p->ptimer_next_id = 0;
    p->sem_undo = 0;                  /* a list of its own when it needs one; CLONE_SYSVSEM: proc_fork shares */
    p->dead_utime_tsc = p->dead_stime_tsc = p->cutime_tsc = p->cstime_tsc = 0;
    p->dead_nvcsw = p->dead_nivcsw = p->c_nvcsw = p->c_nivcsw = 0; /* a new process's usage starts at zero */
    p->dead_minflt = p->dead_majflt = p->cminflt = p->cmajflt = 0;
    p->dead_ioac = (struct task_io){ 0 };
    p->maxrss = p->cmaxrss = 0;
    p->start_ns = clock_monotonic_ns();
    p->stopped = false;
    p->wait_report = WR_NONE;
    p->alarm_at = p->alarm_interval = 0; /* alarms are not inherited */
    p->alarm_next = p->alarm_prev = NULL;
    p->exe = parent->exe ? kstrdup(parent->exe) : NULL;
    uts_get(p->uts);
    inode_get(p->cwd);
    if (p->root)
        inode_get(p->root);
    p->fdt = share_files ? parent->fdt : fdtable_dup(parent->fdt);
    if (share_files)
        p->fdt->refs++;
    if (share_vm) {
        p->vm = parent->vm;
        p->vm->refs++;
    } else {
        p->vm = vm_space_fork(parent->vm);
    }
    if (!p->fdt || !p->vm) {
        proc_discard(p, share_vm);
        return NULL;
    }
    proc_list_add(p);
    return p;
}


/* fork, vfork, and clone without CLONE_THREAD: a new process whose one task resumes the caller's
 * user frame with rax = 0. With CLONE_VM it shares the caller's memory (posix_spawn's vfork); with
 * CLONE_VFORK the caller waits until the child execs or exits. With CLONE_PIDFD (pidfd reserved by the caller)
 * the parent gets a pidfd for the child once it exists. */
long proc_fork(u64 flags, u64 stack, u64 ptid, u64 ctid, u64 tls, struct pidfd_req *pidfd)
{
    struct proc *parent = current->proc;
    if ((flags & CLONE_PARENT) && (parent->pid == 1 || !parent->parent))
        return -EINVAL; /* init has no parent to give its child (Linux: SIGNAL_UNKILLABLE) */
    long limit = task_limit_check();
    if (limit)
        return limit;
    struct proc *p = proc_copy(parent, (flags & CLONE_PARENT) ? parent->parent : parent, flags & CLONE_VM,
                               flags & CLONE_FILES);
    struct task *t = p ? task_alloc() : NULL;
    if (!t || ((flags & CLONE_NEWUTS) && uts_new(p)) || procfs_add_pid(p->pid)) {
        if (p) {
            proc_list_del(p);
            proc_discard(p, flags & CLONE_VM);
        }
        if (t)
            task_free(t);
        return -ENOMEM;
    }
    t->proc = p;
    t->tid = p->pid;
    /* CLONE_PARENT: a sibling ends as its creator would, with the creator's exit signal (Linux's copy_process) */
    p->exit_signal = (flags & CLONE_PARENT) ? parent->exit_signal : (int)(flags & 0xff);
    p->exec_count = 0;
    p->parent_exec_count = p->parent->exec_count;
    if (flags & CLONE_SYSVSEM)
        p->sem_undo = sem_undo_key(parent); /* one undo list for both, made now if the caller had none */
    if (flags & CLONE_CLEAR_SIGHAND)
        signal_clear_handlers(p);
    arch_user_bases_save(&current->fs_base, &current->gs_base); /* the live ones: a WRFSBASE's, a WRGSBASE's */
    t->fs_base = (flags & CLONE_SETTLS) ? tls : current->fs_base;
    t->gs_base = current->gs_base; /* CLONE_SETTLS is FS's alone */
    t->sig_blocked = current->sig_blocked;
    t->altstack = current->altstack;
    if (!(flags & CLONE_VM)) { /* a copy of the memory keeps the thread's rseq registration; a sharer does not */
        t->rseq_addr = current->rseq_addr;
        t->rseq_len = current->rseq_len;
        t->rseq_sig = current->rseq_sig;
        t->rseq_notify = true;
    }
    memcpy(t->comm, current->comm, sizeof(t->comm));
    sched_fork_policy(t, current);
    /* timer slack: the creator's current value, which is also the new task's default (Linux's copy_process) */
    t->timer_slack_ns = t->timer_slack_default = current->timer_slack_ns ? current->timer_slack_ns : TIMER_SLACK_DEFAULT;
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = ctid;
    int pid = p->pid;
    /* As on Linux, a tid word that cannot be written is ignored: the child exists already (returning an error
     * here once left a process without a task on the list, which wait4 then waited for forever). */
    if (flags & CLONE_PARENT_SETTID)
        (void)copy_to_user((void *)ptid, &pid, sizeof(pid));
    if (flags & CLONE_CHILD_SETTID)
        (void)vm_poke(p->vm, ctid, &pid, sizeof(pid));
    arch_fpu_save(t->fpu);
    struct regs *frame = (struct regs *)(t->kstack_top - sizeof(struct regs));
    *frame = *current->frame;
    frame->rax = 0;
    if (stack)
        frame->rsp = stack;
    sched_prepare(t, frame);
    rlimit_cpu_arm(p); /* its own CPU time, from zero, against the limit it inherited */
    sched_add(t);
    if (pidfd) /* before a vfork parent waits: the child exists now */
        pidfd_commit(pidfd, pid);
    if (flags & CLONE_VFORK)
        while (!p->vfork_done && !signal_pending())
            sched_wait_on(~0ull, current->proc); /* the child's exec or end kicks its parent */
    return pid;
}

/* CLONE_CHILD_CLEARTID of a task whose process ends: its tid word is cleared and one waiter woken, if another
 * process shares the memory (a CLONE_VM child: the one who cares reads it there), before the parent hears of
 * the end (Linux's mm_release). */
static void clear_tid_at_end(struct task *t, struct proc *p)
{
    if (!t->clear_child_tid || !p->vm || p->vm->refs < 2)
        return;
    u32 zero = 0;
    (void)copy_to_user((void *)t->clear_child_tid, &zero, sizeof(zero)); /* p's memory: current's */
    futex_wake_addr(t->clear_child_tid, 1);
    t->clear_child_tid = 0;
}

/* The process ends: its threads, files and memory go; it stays as a zombie for its parent's wait4. The
 * first process powers the VM off instead, with its status (128+N for signal N). */
static noreturn void proc_end(int code, int sig)
{
    struct proc *p = current->proc;
    if (!sched_others_off_cpu(p)) { /* another thread ends the process (SMP): this one only goes */
        p->nthreads--;
        futex_robust_exit(current);
        signal_flush_task(current);
        acct_task_exit(current);
        sched_exit_current();
    }
    if (p->pid == 1) {
        if (strace_on)
            klog_write(" = ?\n", 5);
        int status = sig ? 128 + sig : code & 0xff;
        klog("skiff: program exited with status %d\n", status);
        vfs_sync_all();
        if (deadline_hit && sig == SIGKILL) {
            proc_diag("skiff: timed out after %s seconds%s\n", boot_arg("deadline"), deadline_note);
            status = 124; /* as `timeout` and tools/skiff --timeout say it */
        } /* shared mappings of host files, its own and any other process's, reach the host */
        console_flush();
        power_off(status);
    }
    for (struct task *t = p->threads, *n; t; t = n) {
        n = t->proc_next;
        if (t != current) {
            futex_robust_exit(t); /* its locks, in the address space we still share */
            clear_tid_at_end(t, p);
            signal_flush_task(t);
            acct_task_exit(t);
            sched_remove(t);
            task_free(t);
        }
    }
    p->nthreads = 0;
    futex_robust_exit(current);
    clear_tid_at_end(current, p);
    acct_task_exit(current);
    ptimers_destroy(p);
    ktimer_cancel(&p->itimer_cpu[0]);
    ktimer_cancel(&p->itimer_cpu[1]);
    ktimer_cancel(&p->rlimit_cpu);
    fdtable_put(p->fdt); /* the files close unless a CLONE_FILES process still uses the table */
    p->fdt = NULL;
    tty_proc_exit(p); /* a session leader's terminal: SIGHUP to its foreground group */
    uts_put(p->uts);
    p->uts = NULL;
    sem_exit(p); /* its SEM_UNDO adjustments, unless a CLONE_SYSVSEM sharer lives on */
    inode_put(p->cwd);
    if (p->root)
        inode_put(p->root);
    p->root = NULL;
    vm_activate(NULL);
    acct_mm_release(p, p->vm); /* its peak resident set stays for getrusage and its parent's wait4 */
    vm_space_put(p->vm);
    p->vm = NULL;
    struct proc *heir = proc_by_pid(1); /* orphans go to the nearest live subreaper ancestor, else to init */
    for (struct proc *a = p->parent; a; a = a->parent)
        if (a->subreaper && !a->zombie && a->nthreads) {
            heir = a;
            break;
        }
    for (struct proc *c = p->children, *next; c; c = next) {
        next = c->sib_next;
        proc_set_parent(c, heir);
        c->ppid = heir ? heir->pid : 1;
        c->exit_signal = SIGCHLD; /* its new parent hears of its end as of any child's (Linux's reparent_leader) */
        struct task *ct = c->pdeathsig && !c->zombie ? proc_first_task(c) : NULL;
        if (ct)
            signal_send(ct, c->pdeathsig); /* PR_SET_PDEATHSIG */
        else if (c->zombie && heir && heir != p) {
            signal_notify_parent(c, c->term_sig ? CLD_KILLED : CLD_EXITED,
                                 c->term_sig ? c->term_sig : c->exit_code & 0xff); /* the heir may reap it */
            if (signal_autoreap(heir, c))
                proc_reap(c); /* or not: it ignores its children's ends (its tasks are long gone) */
        }
    }
    alarm_set(p, 0, 0);
    memcpy(p->exit_comm, current->comm, sizeof(p->exit_comm)); /* ps shows the zombie by these */
    cred_copy(&p->exit_cred, &current->cred);
    p->exit_code = code;
    p->term_sig = sig;
    p->zombie = true;
    pidfd_proc_ended();
    p->vfork_done = true;
    p->stopped = false;
    signal_flush(p, ~0ull);
    signal_notify_parent(p, sig ? CLD_KILLED : CLD_EXITED, sig ? sig : code & 0xff); /* wakes wait4 and vfork */
    p->autoreap = signal_autoreap(p->parent, p); /* freed with this task (sched.c), not by a wait4 */
    sched_exit_current();
}

noreturn void proc_exit(int status)
{
    proc_end(status & 0xff, 0);
}

noreturn void proc_die(int sig)
{
    proc_end(0, sig);
}

/* Frees a zombie once its parent has collected it. */
void proc_reap(struct proc *z)
{
    procfs_remove_pid(z->pid);
    if (z->parent)
        acct_reap(z->parent, z);
    proc_list_del(z);
    cred_release(&z->exit_cred);
    kfree(z->exe);
    kfree(z);
}
