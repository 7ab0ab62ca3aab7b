/* kernel/proc.h — processes, tasks and signals. Today there is one process with one task; the split already
 * matches what threads (tasks sharing a proc) and fork (procs with their own vm_space) will need. */
#ifndef SKIFF_PROC_H
#define SKIFF_PROC_H

#include "kernel.h"
#include "mm.h"
#include "../fs/vfs.h"
#include "ktimer.h"
#include "cred.h"

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGWINCH 28
#define SIGSYS 31
#define SIGRTMIN_K 32               /* the kernel's first real-time signal (glibc keeps 32 and 33 for itself) */
#define NSIG 64
#define SIGBIT(sig) (1ull << ((sig) - 1))
#define PER_LINUX32 0x0008
#define UNAME26 0x0020000
#define READ_IMPLIES_EXEC 0x0400000
/* what a set-ID execve clears (Linux's PER_CLEAR_ON_SETID: READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE,
 * ADDR_COMPAT_LAYOUT, MMAP_PAGE_ZERO) */
#define PER_CLEAR_ON_SETID 0x0740000

#define SIG_DFL 0
#define SIG_IGN 1

struct k_sigaction {         /* the layout rt_sigaction uses on x86_64 */
    u64 handler;
    u64 flags;
    u64 restorer;
    u64 mask;
};
_Static_assert(sizeof(struct k_sigaction) == 32, "rt_sigaction's struct sigaction");

struct k_stack {             /* stack_t */
    u64 sp;
    i32 flags;
    i32 pad;
    u64 size;
};
_Static_assert(sizeof(struct k_stack) == 24, "sigaltstack's stack_t");

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_EXPOSE_TAGBITS 0x00000800
#define SA_SIGINFO 0x00000004
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SA_RESTORER 0x04000000
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define FPE_FLTDIV 3
#define FPE_FLTOVF 4
#define FPE_FLTUND 5
#define FPE_FLTRES 6
#define FPE_FLTINV 7
#define TRAP_BRKPT 1
#define TRAP_TRACE 2
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* What the kernel knows about a pending signal; written to the handler's siginfo_t (signal_siginfo_user). */
struct k_siginfo {
    int signo, code, errnum;
    int pid;               /* the sender (kill, sigqueue, SIGCHLD: the child); POSIX timers: the timer id */
    u32 uid;               /* the sender's uid; POSIX timers: the overrun count */
    u64 value;             /* sigval (sigqueue, timers); SIGCHLD: the child's status */
    u64 utime, stime;      /* SIGCHLD: the child's CPU time, in clock ticks */
    u64 addr;              /* faults: the address */
    u64 trapno, error;     /* faults: the exception, for the handler's sigcontext */
    bool poll;             /* signal-driven I/O with F_SETSIG: si_band (in addr), si_fd (in pid) */
};

/* A queued signal: standard signals queue at most once, real-time ones once per send, in order. */
struct sigq {
    struct sigq *next;
    struct k_siginfo info;
};

/* clone(2)'s and unshare(2)'s flags (<linux/sched.h>): kernel/fork.c, syscalls/thread.c, syscalls/unshare.c */
#define CLONE_NEWTIME 0x00000080
#define CLONE_CLEAR_SIGHAND 0x100000000ull /* clone3 only */
#define CLONE_INTO_CGROUP 0x200000000ull /* clone3 only; skiff has no cgroups */
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_CHILD_SETTID 0x01000000
#define CLONE_NEWCGROUP 0x02000000
#define CLONE_NEWUTS 0x04000000
#define CLONE_NEWIPC 0x08000000
#define CLONE_NEWUSER 0x10000000
#define CLONE_NEWPID 0x20000000
#define CLONE_NEWNET 0x40000000

struct rlimit64 { u64 cur, max; };
#define RLIM_NLIMITS 16
/* indexes into proc->rlimits (getrlimit(2)); RLIMIT_NOFILE (7) is fs/vfs.h's */
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NPROC 6
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14

/* /proc/PID/io's counts (proc(5)): bytes read and written through read/write-type calls and the calls made. */
struct task_io {
    u64 rchar, wchar, syscr, syscw;
};

struct proc {
    int pid, ppid, pgid, sid;
    struct tty *ctty;               /* its controlling terminal (drivers/tty_ioctl.c), NULL: none; fork copies it */
    int nthreads;                   /* live tasks */
    struct proc *parent;            /* NULL for the first process */
    struct proc *next_proc, *prev_proc; /* every process, newest first, for kill and /proc */
    struct proc *pid_hnext;         /* kernel/pid.c's index by pid */
    struct proc *children;          /* its children, newest first (wait4, reparenting) */
    struct task *threads, *threads_tail; /* its live threads, oldest first (sched.c keeps the list) */
    struct proc *sib_next, *sib_prev;
    bool zombie;                    /* exited, waiting for its parent's wait4 */
    bool exiting;                   /* SMP: one thread ends it; the others leave their CPUs and end alone */
    bool autoreap;                  /* a zombie its parent will not wait for (SIGCHLD ignored or SA_NOCLDWAIT):
                                       freed once its last task is (sched.c), never reported by wait4 */
    bool oom_killed;                /* the OOM killer sent it SIGKILL: not chosen again while it dies */
    i16 oom_score_adj;              /* /proc/PID/oom_score_adj, -1000..1000 (kernel/oom.c weighs it); fork copies */
    i16 oom_score_adj_min;          /* the least an unprivileged write may set (a privileged write sets it) */
    int exit_code, term_sig;
    bool vfork_done;                /* the vfork child exec'ed or exited: its parent may go on */
    int pdeathsig;                  /* prctl PR_SET_PDEATHSIG: sent to it when its parent exits (0: none) */
    bool subreaper;                 /* prctl PR_SET_CHILD_SUBREAPER: orphaned descendants become its children */
    u64 alarm_at, alarm_interval;   /* ITIMER_REAL: monotonic ns of the next SIGALRM (0: none) */
    struct proc *alarm_next, *alarm_prev; /* on alarm.c's list while alarm_at is set */
    struct vm_space *vm;
    struct fdtable *fdt;
    struct inode *cwd;
    struct inode *root;             /* chroot(2)'s (referenced), NULL: the filesystem's root */
    u32 umask;
    u32 persona;                    /* personality(2): kept and inherited; UNAME26, PER_LINUX32 and
                                       READ_IMPLIES_EXEC change what uname and mmap do */
    char *exe;                      /* absolute path of the running program */
    struct k_sigaction sigactions[NSIG + 1];
    u64 sig_pending;                /* bit (sig - 1): what sigq holds, for the whole process */
    struct sigq *sigq;
    bool stopped;                   /* job control: stopped by a stop signal until SIGCONT */
    int stop_sig;
    int wait_report;                /* WR_STOPPED / WR_CONTINUED: not yet reported to wait4/waitid */
    struct rlimit64 rlimits[RLIM_NLIMITS];
    u64 dead_utime_tsc, dead_stime_tsc; /* CPU time of its ended threads (kernel/cputime.c) */
    u64 cutime_tsc, cstime_tsc;     /* of the children it collected, theirs included */
    u64 dead_nvcsw, dead_nivcsw;    /* context switches of its ended threads (getrusage) */
    u64 c_nvcsw, c_nivcsw;          /* of the children it collected, theirs included */
    u64 dead_minflt, dead_majflt;   /* page faults of its ended threads (kernel/rusage.c) */
    struct task_io dead_ioac;       /* the read/write counts of its ended threads (/proc/PID/io) */
    u64 cminflt, cmajflt;           /* of the children it collected, theirs included */
    u64 maxrss, cmaxrss;            /* pages: the most resident of the address spaces it left (exec, exit);
                                       the most of any child it collected (theirs included) */
    u64 start_ns;                   /* monotonic time it was created (/proc/PID/stat starttime) */
    char exit_comm[16];             /* a zombie's: its last thread's name and ids, for its /proc/PID files */
    struct cred exit_cred;
    struct ptimer *ptimers;         /* timer_create (syscalls/timer.c) */
    struct ktimer itimer_cpu[2];    /* ITIMER_VIRTUAL, ITIMER_PROF (syscalls/itimer.c) */
    struct ktimer rlimit_cpu;       /* RLIMIT_CPU's SIGXCPU and SIGKILL (syscalls/itimer.c) */
    int ptimer_next_id;
    struct uts_ns *uts;             /* its UTS namespace (uname's names; NULL: the first), shared by children */
    int sem_undo;                   /* its SysV semaphore undo list (ipc/sem.c; 0: none yet): made by a SEM_UNDO
                                       semop or a clone with CLONE_SYSVSEM, shared by the processes that clone made
                                       (kcmp KCMP_SYSVSEM compares it; a plain fork starts without) */
    u32 exec_count, parent_exec_count; /* execs done; its parent's when it was made (an exit signal other than
                                       SIGCHLD is sent as SIGCHLD to a parent that has exec'd since, as Linux) */
    int exit_signal;                /* sent to the parent at its end: clone's CSIGNAL byte (fork: SIGCHLD; 0: none;
                                       another: a "clone" child, which wait4 sees only with __WCLONE or __WALL) */
};
extern struct proc *proc_list;

enum task_state { TASK_RUNNABLE, TASK_BLOCKED, TASK_DEAD };

struct task {
    struct proc *proc;
    int tid;
    enum task_state state;
    u64 kstack_top;
    u64 kstack_base;                /* KSTACK_PAGES pages in the vmap area (a guard page below) */
    u64 ksp;                        /* saved kernel rsp while switched out (switch.asm) */
    u8 *fpu;                        /* XSAVE/FXSAVE image while switched out (64-byte aligned) */
    u64 wait_key;                   /* futex address this task sleeps on (0: an I/O wait) */
    const void *wait_chan;          /* an I/O wait on one object (a pipe): only its kicks wake it (NULL: any) */
    u64 wake_deadline;              /* a blocked task runs again at this time (~0: only when woken) */
    u64 heap_slot;                  /* waitheap.c: its index + 1 while blocked with a deadline, else 0 */
    u32 wait_bitset;
    const void *wait_space;         /* a futex wait's address space (NULL: shared memory, keyed by address) */
    bool woken;                     /* set by the waker: the wait ended by a wake, not a timeout */
    u64 futex_pi2;                  /* FUTEX_WAIT_REQUEUE_PI: the PI lock word it may be moved to (0: none) */
    bool futex_pi_moved;            /* FUTEX_CMP_REQUEUE_PI moved it there (or gave it the lock) */
    u64 sig_pending_task;           /* signals sent to this thread (tgkill), queued in sigq */
    struct sigq *sigq;
    bool intr_no_restart;           /* this call's EINTR is never restarted (a socket wait with a timeout) */
    int restart_kind;               /* what restart_syscall goes on with: RESTART_* (0: nothing) */
    u64 restart_deadline;           /* restart_syscall: the interrupted wait's end (monotonic or realtime ns) */
    u64 restart_urem;
    u64 restart_args[3];            /* the interrupted call's arguments (a futex's word and value, poll's set) */
    u64 suspend_mask;               /* the mask sigsuspend replaced, restored after the handler */
    bool suspend_active;
    struct task *next;              /* all tasks, in creation order */
    struct task *tid_hnext;         /* kernel/pid.c's index by tid */
    struct task *proc_next, *proc_prev; /* its process's threads (proc->threads) */
    struct task *prev;              /* the one before in task_list (NULL: the first): O(1) removal */
    struct task *rq_next, *rq_prev; /* the run queue (kernel/sched.c): runnable tasks, round-robin order */
    bool on_rq;
    u8 running_on;                  /* 1 + the CPU whose current task it is (its stack is in use there); 0: none */
    u16 cpus_allowed;               /* sched_setaffinity: bit n lets it run on CPU n; 0: on every CPU */
    struct task *wq_next, *wq_prev; /* the wait queue of what it waits for (kernel/waitq.c), while waiting */
    struct waitq *wq;               /* that queue (NULL: on none) */
    u64 fs_base;
    u64 gs_base;                    /* the user's GS base (ARCH_SET_GS): per thread as on Linux; in the kernel it sits
                                       in MSR_KERNEL_GS_BASE (swapgs), so switch_in loads it there */
    u64 sig_blocked;                /* the signal mask is per thread */
    struct k_stack altstack;
    u64 clear_child_tid;
    u64 timer_slack_ns, timer_slack_default; /* prctl PR_SET/GET_TIMERSLACK (a fork child's default is its parent's
                                                current value); skiff's timers do not use it. 0: the default */
    u64 robust_list, robust_len;
    struct regs *frame;             /* the user frame of the syscall in progress */
    char comm[16];                  /* prctl(PR_SET_NAME) */
    i8 nice;                        /* setpriority: -20..19 (syscalls/schedprio.c; the scheduler ignores it) */
    u8 policy;                      /* sched_setscheduler: SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_FIFO, SCHED_RR */
    u8 rt_prio;                     /* SCHED_FIFO/SCHED_RR's priority 1..99 (0: a fair policy): kernel/sched.c */
    bool rt_yield;                  /* sched_yield: a real-time task goes behind its equals this once */
    u64 rr_start_ns;                /* SCHED_RR: when its current 100 ms round began */
    bool sched_reset_on_fork;       /* SCHED_RESET_ON_FORK */
    u32 slice_ns;                   /* sched_setattr's sched_runtime for a fair policy (0: the base slice); reported */
    u16 ioprio;                     /* ioprio_set (syscalls/ioprio.c): class << 13 | data; recorded, not weighed */
    bool has_ioc;                   /* Linux's io_context exists: ioprio_set made one (kcmp KCMP_IO compares it) */
    struct mpol mpol;               /* set_mempolicy's policy (syscalls/mempolicy.c): fork, clone and execve keep it */
    u64 utime_tsc, stime_tsc;       /* CPU time it used, in TSC ticks (kernel/cputime.c) */
    u64 acct_mark;                  /* TSC of the last user/kernel boundary or switch-in */
    u64 nvcsw, nivcsw;              /* switches away while waiting (voluntary) and while runnable (preempted) */
    u64 min_flt, maj_flt;           /* page faults it took: served from memory, or read from the host */
    struct task_io ioac;            /* /proc/PID/io: what its read and write calls moved (syscalls/fd.c) */
    u64 start_ns;                   /* monotonic time it was created (/proc/PID/task/TID/stat starttime) */
    bool uaccess_kernel;            /* file_kernel_read/write: copy_*_user also takes kernel buffers */
    u64 rseq_addr;                  /* rseq(2): its struct rseq (0: none), length and signature */
    u32 rseq_len, rseq_sig;
    bool rseq_notify;               /* switched out (or just registered) since it last entered ring 3 */
    struct cred cred;               /* its ids and capabilities (kernel/cred.h): per thread, as Linux */
    bool nproc_exceeded;            /* a set*id made its real user one over RLIMIT_NPROC: execve fails with EAGAIN
                                       while that holds (Linux's PF_NPROC_EXCEEDED) */
    u8 seccomp_mode;                /* seccomp(2): 0 none, 1 strict, 2 filter; per thread, as Linux */
    bool sud_on;                    /* prctl PR_SET_SYSCALL_USER_DISPATCH (syscalls/sud.c): region and selector */
    u64 sud_offset, sud_len, sud_selector;
    u8 mce_kill;                    /* prctl PR_MCE_KILL's per-thread policy (syscalls/prctl_cpu.c) */
    bool tsc_sigsegv;               /* prctl PR_SET_TSC: rdtsc in ring 3 faults (CR4.TSD while it runs) */
    bool io_flusher;                /* prctl PR_SET_IO_FLUSHER */
    struct seccomp_filter *seccomp; /* the newest filter (each holds the one before it); syscalls/seccomp.c */
};

#define KSTACK_PAGES 4
/* restart_syscall's kinds: a timed wait a stop interrupted goes on until its original end (syscalls/time.c) */
enum { RESTART_NONE, RESTART_SLEEP, RESTART_FUTEX, RESTART_POLL };
/* The task running on this CPU: the per-CPU block's `curr` (arch/x86_64/arch.h), one %gs-relative load. */
struct percpu_current { void *self; u64 user_rsp, kstack_top; struct task *curr; };
extern struct percpu_current __seg_gs percpu_gs_current;
#define current (percpu_gs_current.curr)
extern struct task *task_list;

/* sched.c — round-robin between the runnable tasks; the kernel itself is never preempted. */
/* Kernel-wide event counts since boot (/proc/stat's ctxt and processes, /proc/vmstat): changed in process
 * context under the kernel lock, never from an interrupt handler. */
struct kstat {
    u64 ctxt;        /* context switches (to another task or to a CPU's idle context) */
    u64 forks;       /* tasks made: fork, vfork, clone (threads too), as Linux's total_forks */
    u64 pgfault;     /* page faults served, major ones too */
    u64 pgmajfault;  /* those that read from the host */
    u64 oom_kills;   /* processes the OOM killer chose */
};
extern struct kstat kstat;

/* Scheduling policies (sched_setscheduler(2), sched_setattr(2): syscalls/schedprio.c, schedattr.c, ioprio.c;
 * kernel/sched.c runs SCHED_FIFO and SCHED_RR first) */
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6

void sched_init(struct task *first);
void schedule(void);                     /* run another task if one is runnable */
void sched_add(struct task *t);
void sched_wait(u64 ns);                 /* block up to ns (~0: until woken), letting other tasks run */
void sched_wait_key(u64 ns, u64 key);    /* the same, woken only by sched_wake (futexes) */
void sched_wait_signal(u64 ns);          /* the same, woken only by a signal or sched_wake (pause, sleeps) */
void sched_wait_on(u64 ns, const void *chan); /* the same, woken by chan's kicks, not by other I/O */
void sched_kick_io(void);                /* I/O happened: I/O waiters re-check */
void sched_wake_io_waiters(void);        /* the same without counting an I/O event (any interrupt) */
u64 sched_io_events(void);               /* how many sched_kick_io calls so far (edge-triggered epoll) */
u64 sched_idle_ns(void);                 /* time the CPUs spent halted with nothing to run (summed) */
u64 sched_cpu_idle_ns(int cpu);          /* the same for one CPU */
long sched_wait_io(bool nonblock, const char *what); /* wait for the other end, or why not */
long sched_wait_io_on(bool nonblock, const char *what, const void *chan); /* the same, woken by chan's kicks */
void sched_kick_chan(const void *chan);  /* an I/O event on chan: its waiters and every any-I/O waiter look */
/* kernel/pollwait.c: poll channels. An entry on a channel runs fn at each sched_kick_chan(chan) (from
 * interrupts too: fn must be short and never sleep). */
struct poll_entry {
    const void *chan;
    struct poll_entry *next, *prev; /* the channel's hash chain */
    void (*fn)(struct poll_entry *e);
    bool linked;
};
void poll_entry_add(struct poll_entry *e, const void *chan, void (*fn)(struct poll_entry *));
void poll_entry_del(struct poll_entry *e);     /* nothing if it is on no channel */
void poll_entries_kick(const void *chan);      /* sched_kick_chan's part: chan's entries */
const void *file_poll_chan(struct file *f);    /* f's channel, or NULL: f's waiters use the any-event queue */
/* One poll or select call's entries: pollwait_reset before a pass, pollwait_watch for each file of it,
 * pollwait_sleep when nothing was ready, pollwait_done at the end. */
struct pollwait;
struct pollwait_entry {
    struct poll_entry pe;
    struct pollwait *pw;
};
struct pollwait {
    struct task *task;
    struct pollwait_entry *e;
    int n, cap;
    bool fallback;                  /* a file without a channel: sleep on the any-event queue */
    bool kicked, sleeping;
};
void pollwait_init(struct pollwait *pw);
void pollwait_reset(struct pollwait *pw);
void pollwait_watch(struct pollwait *pw, struct file *f);
void pollwait_sleep(struct pollwait *pw, u64 ns);
void pollwait_done(struct pollwait *pw);
u64 pollwait_chan_sleeps(void);
u64 pollwait_any_sleeps(void);
struct task *sched_key_waiters(u64 key); /* the first task waiting with wait_key key's hash (next: wq_next);
                                            callers check t->wait_key and the state themselves */
void sched_requeue_key(struct task *t, u64 key); /* a blocked task now waits on key (FUTEX_REQUEUE) */
void sched_prepare(struct task *t, struct regs *frame);
long futex_wake_addr(u64 uaddr, int n);
void futex_robust_exit(struct task *t);  /* syscalls/futex.c: t ends: its robust list's locks (OWNER_DIED) */
void sched_wake(struct task *t);
void sched_interrupt(struct task *t);     /* a signal: a waiting task looks again (not a futex wake) */
void sched_block(u64 key);               /* waits for sched_interrupt/sched_wake only, signals or not (a stop) */
u64 sched_affinity(const struct task *t);           /* the CPUs t may run on (sched_getaffinity) */
void sched_set_affinity(struct task *t, u64 mask);  /* sched_setaffinity: mask holds online CPUs */
void sched_set_rt(struct task *t, int policy, int prio); /* sched_setscheduler's change of policy and priority */
void sched_yield_current(void);          /* sched_yield(2) */
bool sched_others_runnable(void);
const struct task *sched_rq_head(void); /* the run queue's first task (sched_dump) */
int sched_nr_running(void);              /* tasks on the run queue (the running one included) */
bool sched_alone(void);                  /* no other task exists (a wait could never end) */
void sched_dump(void);                   /* kernel/sched_dump.c: every CPU and task, to the kernel log */
int sched_dump_set(const char *text, size_t n); /* a write to /proc/skiff/smp: "dump" calls sched_dump */
void sched_tick(void);                   /* timer interrupt: time slice over */
void timer_check_needed(void);           /* the tick runs while 2+ tasks exist or an alarm is armed */
void alarms_fire(void);                  /* SIGALRM for every process whose alarm is due */
void alarm_set(struct proc *p, u64 at, u64 interval); /* ITIMER_REAL: at 0 disarms */
u64 alarms_next(void);                   /* the next alarm or --timeout deadline, monotonic ns (~0: none) */
bool alarm_may_signal(const struct proc *p); /* a timer of p's may still send it a signal */
void sched_preempt_point(struct regs *r);/* on the way back to ring 3 */
struct task *task_by_tid(int tid);
void sched_fork_policy(struct task *child, const struct task *parent); /* syscalls/schedprio.c */
noreturn void task_exit(int code);       /* this thread ends; the last one ends the process (with code) */
void sched_remove(struct task *t);       /* off the task list (not the current task) */
bool sched_others_off_cpu(struct proc *p); /* SMP: p's other threads leave their CPUs (false: this one ends) */
/* Between sched.c and waitq.c only: every change of a task's state goes through these two. */
void sched_set_runnable(struct task *t);  /* on the run queue, out of the deadline heap */
void sched_set_blocked(struct task *t);   /* off the run queue; into the deadline heap if it has one */
void waitq_del(struct task *t);           /* off whatever wait queue it is on */
void waitq_wake_lone(void);               /* the last task but one ended: a lone object waiter looks again */
noreturn void sched_exit_current(void);  /* the current task is gone: run another */
static inline struct proc *current_proc(void) { return current->proc; }
struct vm_space *current_vm(void);

void proc_start_init(void);         /* loads the program named by the initrd and enters it */
noreturn void proc_exit(int status);          /* exit_group: the whole process ends with this status */
noreturn void proc_die(int sig);              /* a signal ended it */
void oom_kill(void);
#define OOM_SCORE_ADJ_MIN (-1000)
#define OOM_SCORE_ADJ_MAX 1000
long oom_badness(const struct proc *p); /* kernel/oom.c: the OOM killer's measure; -1: never chosen */
noreturn void boot_fail(const char *fmt, ...); /* proc.c: the host's input is unusable: one line, 125 */                          /* oom.c: out of memory on a user page fault */
int id_alloc(void);                           /* a new pid/tid */
struct proc *proc_by_pid(int pid);
/* pid.c: processes and tasks found by id in O(1), and the process tree's links */
void proc_list_add(struct proc *p);           /* on proc_list, the pid index and its parent's children */
void proc_list_del(struct proc *p);           /* off all three */
void proc_set_parent(struct proc *p, struct proc *parent); /* moves it to another parent's children (NULL: none) */
void tid_index_add(struct task *t);
/* waitheap.c: blocked tasks with a deadline, soonest first */
bool waitheap_reserve(u64 n);                 /* room for n tasks (task_alloc) */
void waitheap_insert(struct task *t);
void waitheap_remove(struct task *t);         /* nothing if it is not there */
struct task *waitheap_first(void);
void tid_index_del(struct task *t);
extern u64 deadline_ns;     /* `deadline=S`: when the first process is killed (0: never); sched.c */
extern bool deadline_hit;
#define TIMER_SLACK_DEFAULT 50000ull         /* ns: the first process's timer slack, as Linux's init */
extern char deadline_note[];                 /* what the first process was doing then: " (it was ...)" */
struct task *proc_first_task(struct proc *p);
const char *uts_nodename(void);              /* syscalls/proc.c: uname's nodename (sethostname) */
const char *uts_domainname(void);            /* and its domainname (setdomainname) */
struct uts_ns;
void uts_get(struct uts_ns *u);               /* syscalls/proc.c: a process's UTS namespace (NULL: the first) */
void uts_put(struct uts_ns *u);
u32 uts_inum(const struct proc *p);              /* its UTS namespace's number (/proc/PID/ns/uts) */
long uts_new(struct proc *p);                 /* CLONE_NEWUTS: p's own copy of the caller's names */
u64 threads_max(void);                        /* kernel.threads-max, from memory as Linux sizes it */
long task_limit_check(void);                  /* -EAGAIN when no task may be created (fork, clone) */
/* kernel/ucount.c: tasks per real uid, for RLIMIT_NPROC */
u64 ucount_tasks(u32 uid);
bool ucount_add(u32 uid);                     /* false: no memory */
void ucount_del(u32 uid);
bool ucount_move(u32 from, u32 to);           /* a task's real uid changed; false: no memory (nothing moved) */
bool ucount_nproc_over(u64 extra);            /* the caller's user, with extra more tasks, is over its limit */
bool proc_pgrp_orphaned(int pgid);
char proc_state(struct proc *p);              /* R S T Z, as /proc/PID/stat shows it */
const char *proc_state_name(struct proc *p);  /* "S (sleeping)", as /proc/PID/status shows it */
struct task *task_alloc(void);
void task_free(struct task *t);
struct pidfd_req;
long proc_fork(u64 flags, u64 stack, u64 ptid, u64 ctid, u64 tls, struct pidfd_req *pidfd); /* pidfd: NULL or reserved */
void proc_reap(struct proc *z);
void proc_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *prog_name(void);                  /* the running program, for diagnostics (sigdeliver.c) */

/* signal.c */
enum { WR_NONE, WR_STOPPED, WR_CONTINUED };
int signal_send(struct task *t, int sig);                     /* kill: queue it (SI_USER) */
int signal_send_code(struct task *t, int sig, int code);      /* tgkill/tkill: SI_TKILL, to that thread */
int signal_send_to(struct task *t, int sig, int code, bool thread);
/* A fault a program caused: sig with si_code code and si_addr addr (access: VM_READ/WRITE/EXEC for the report
 * of a page fault, 0 otherwise); may return: a handler will run */
void signal_fault(struct regs *r, int sig, int code, u64 addr, int access, const char *what);
void signal_deliver(struct regs *r);                           /* on every return to ring 3 from a trap */
/* The general form: info names the signal, the sender and its data; thread: for t alone, else for its
 * process. It acts on the target, never on the sender (unless they are the same). 0, -EINVAL or -EAGAIN. */
int signal_send_info(struct task *t, const struct k_siginfo *info, bool thread);
int signal_send_pgrp(int pgid, int sig, int code);            /* every process of a group: 0 or -ESRCH */
int signal_dequeue(u64 mask, struct k_siginfo *out);          /* takes a pending signal in mask: its number */
void signal_notify_parent(struct proc *p, int code, int status); /* SIGCHLD and a wake for wait4 */
bool signal_autoreap(const struct proc *parent, const struct proc *child); /* child's end is not for wait4 */
void signal_clear_handlers(struct proc *p);    /* CLONE_CLEAR_SIGHAND: handled signals back to default */
bool signal_ignored_by(struct proc *p, int sig);              /* its action is to ignore it (SIG_IGN or default) */
void signal_flush(struct proc *p, u64 mask);                  /* discards pending signals in mask */
void signal_flush_task(struct task *t);                       /* a thread's own queue, when it ends */
void signal_syscall_exit(struct regs *r, u64 nr);              /* the same after a syscall: restarts it when due */
long signal_restart_code(u64 nr, long ret);                    /* signal(7): what EINTR becomes for call nr */
/* pselect6, ppoll, epoll_pwait: a temporary signal mask while the call waits (see signal.c) */
long signal_mask_push(u64 umask, u64 size); /* the user's sigset (NULL: none): 0, -EINVAL or -EFAULT */
void signal_mask_pop(long rc);
/* A signal to act on, or the process is stopped (its threads leave their waits and stop on the way out). */
static inline bool signal_pending(void)
{
    return current && (((current->proc->sig_pending | current->sig_pending_task) & ~current->sig_blocked) ||
                       current->proc->stopped);
}
/* arch/x86_64/sigframe.c */
int sigframe_setup(struct regs *r, int sig, const struct k_sigaction *act, const struct k_siginfo *info, u64 oldmask);
void signal_siginfo_user(const struct k_siginfo *info, void *out128); /* Linux's 128-byte siginfo_t */
long sigframe_return(struct regs *r);
const char *signal_name(int sig);

/* fs/signalfd.c */
struct file *signalfd_create(u64 mask, u32 flags);
bool signalfd_set_mask(struct file *f, u64 mask);             /* false: f is not a signalfd */

/* fs/pidfd.c, syscalls/pidfd.c: pidfds (pidfd_open, CLONE_PIDFD) */
struct file *pidfd_create(int pid, u32 flags);
void pidfd_proc_ended(void);                                  /* a process became a zombie: pidfd pollers look */
int pidfd_pid(struct file *f);                                /* the pid it names, or -EBADF: not a pidfd */
struct pidfd_req { struct file *file; u64 uaddr; };           /* CLONE_PIDFD, from before the fork to after */
long pidfd_reserve(struct pidfd_req *r, u64 uaddr);           /* 0, or why the clone must fail */
void pidfd_commit(struct pidfd_req *r, int pid);              /* the child exists: install, write the fd */
void pidfd_cancel(struct pidfd_req *r);

/* syscalls/rseq.c: restartable sequences on the way back to ring 3 */
void rseq_user_return(struct regs *r);    /* after a switch: leave a critical section, update cpu_id */
void rseq_signal(struct regs *r);         /* before a handler's frame is written */

/* syscalls/timer.c: POSIX timers */
void ptimer_dequeued(struct proc *p, struct k_siginfo *info); /* a timer's signal was taken: its overruns */
void ptimers_destroy(struct proc *p);                         /* exec and exit */
void ptimers_task_exit(struct task *t);                       /* its thread CPU-time timers stop */
bool signal_timer_queued(struct proc *p, int id);             /* timer id's signal waits in a queue */

/* cputime.c */
void acct_charge(bool user);        /* time since the last mark was user (true) or system time */
void acct_resume(void);             /* the current thread runs again: its time counts from now */
void acct_proc(struct proc *p, u64 *user_ns, u64 *sys_ns);
void acct_task(struct task *t, u64 *user_ns, u64 *sys_ns);
u64 acct_peek(struct proc *p, struct task *only, bool user_only); /* ns, from interrupt context too */
void rlimit_cpu_arm(struct proc *p);    /* syscalls/itimer.c: RLIMIT_CPU changed, or a new process has one */
void acct_task_exit(struct task *t);
void acct_reap(struct proc *parent, struct proc *child);
void acct_load_update(void);
void acct_system(u64 *user_ns, u64 *sys_ns, int *running);    /* /proc/stat */
int acct_loadavg(char *buf, size_t size);
int id_last(void);                  /* the last pid/tid handed out */

/* rusage.c — memory accounting per process: fault counts and the resident set's high-water mark */
void acct_mm_release(struct proc *p, struct vm_space *vs); /* p leaves vs (exec, exit): its peak stays with p */
struct acct_counts { u64 minflt, majflt, nvcsw, nivcsw; };
void acct_counts(struct proc *p, int who, struct acct_counts *c); /* who: RUSAGE_* (syscalls/syscalls.h) */
u64 acct_maxrss(struct proc *p, int who);                  /* pages */

/* exec.c */
int exec_program(struct proc *p, const char *path, char *const argv[], char *const envp[], struct regs *frame,
                 const char **why);
/* execfn: AT_EXECFN, the name the caller exec'd (a script's, not its interpreter's, as on Linux) */
int exec_load(struct proc *p, const char *path, const char *execfn, char *const argv[], char *const envp[],
              struct regs *frame, const char **why);
/* What exec_program returns when the exec failed after it committed (a segment that cannot be mapped): the
 * caller's old image is gone on Linux, which kills the process with SIGSEGV; skiff's callers do the same. */
#define EXEC_KILLED (-4096)

#endif
