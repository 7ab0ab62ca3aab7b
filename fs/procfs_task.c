/* fs/procfs_task.c — the files that describe a process or one thread of it, as Linux shows them: /proc/PID/{stat,
 * status,statm,comm} speak for the process (its thread-group leader's name, state and signal mask; the whole
 * process's CPU time and faults), /proc/PID/task/TID/{stat,status,statm,comm,cmdline,environ,maps} for the
 * thread TID alone (its own name, state, CPU time, faults and context switches; the process's memory). task/
 * holds one directory per live thread, brought up to date before each lookup or listing (ps -L, top -H, htop).
 * comm is writable by the process's own threads (pthread_setname_np for another thread writes it). */
#include "procfs.h"
#include "../kernel/errno.h"
#include "../kernel/boot.h"
#include "../drivers/tty.h"
#include "../syscalls/seccomp.h"

/* A file's inode priv: the pid (whole process) or tid (one thread), a whole-process flag, its index in
 * task_files. */
#define TASK_PRIV(id, whole, idx) ((void *)(((u64)(u32)(id) << 32) | ((whole) ? 0x10000u : 0) | (u32)(idx)))

struct target {
    struct proc *p;
    struct task *t; /* the thread, or the one that speaks for the process */
    bool whole;
    struct task *zombie; /* t, made up for a zombie (the caller frees it) */
};

/* A zombie's threads are gone, but Linux still shows it (state Z, its name, ids and times: ps's <defunct>,
 * and what test harnesses poll /proc/PID/stat for): a stand-in thread from what proc_end kept. */
static struct task *zombie_task(struct proc *p)
{
    struct task *t = kzalloc(sizeof(*t));
    if (!t)
        return NULL;
    t->proc = p;
    t->tid = p->pid;
    t->state = TASK_DEAD;
    memcpy(t->comm, p->exit_comm, sizeof(t->comm));
    t->cred = p->exit_cred;
    t->cred.groups = NULL; /* not shown: the stand-in holds no reference */
    t->start_ns = p->start_ns;
    t->nvcsw = p->dead_nvcsw;
    t->nivcsw = p->dead_nivcsw;
    return t;
}

/* The process's leader (the thread whose tid is its pid), or its first thread once the leader has ended. */
static struct task *leader_of(struct proc *p)
{
    struct task *t = task_by_tid(p->pid);
    return t && t->proc == p ? t : proc_first_task(p);
}

/* What ino describes, or false when the process or thread is gone (ESRCH, as Linux). */
static bool ino_target(const struct inode *ino, struct target *x)
{
    u64 v = (u64)ino->priv;
    int id = (int)(v >> 32);
    x->whole = v & 0x10000;
    x->zombie = NULL;
    if (x->whole) {
        x->p = proc_by_pid(id);
        x->t = x->p && !x->p->zombie ? leader_of(x->p) : NULL;
        if (x->p && x->p->zombie)
            x->t = x->zombie = zombie_task(x->p);
    } else {
        x->t = task_by_tid(id);
        x->p = x->t ? x->t->proc : NULL;
    }
    return x->t && x->p && (!x->p->zombie || x->zombie);
}

/* ps's state letter for a thread: T while its process is stopped, R when it runs or can, S when it waits (every
 * skiff wait is interruptible: no D). */
static char task_state(struct proc *p, struct task *t)
{
    if (p->zombie)
        return 'Z';
    if (p->stopped)
        return 'T';
    return t == current || t->state == TASK_RUNNABLE ? 'R' : 'S';
}

static const char *state_name(char c)
{
    return c == 'Z' ? "Z (zombie)" : c == 'T' ? "T (stopped)" : c == 'R' ? "R (running)" : "S (sleeping)";
}

static const char *task_comm(struct task *t)
{
    return t->comm[0] ? t->comm : "skiff";
}

static u64 vm_bytes(struct vm_space *vs, u32 need, u32 without)
{
    u64 n = 0;
    for (struct vm_area *a = vs ? vs->areas : NULL; a; a = a->next)
        if ((a->flags & need) == need && !(a->flags & without))
            n += a->end - a->start;
    return n;
}

static u64 rss_of(struct proc *p) { return p->vm ? p->vm->rss : 0; }

/* Signals ignored (SIG_IGN) and caught (a handler) as stat and status show them. */
static void sig_dispositions(struct proc *p, u64 *ign, u64 *cgt)
{
    *ign = *cgt = 0;
    for (int s = 1; s <= NSIG; s++) {
        if (p->sigactions[s].handler == SIG_IGN)
            *ign |= SIGBIT(s);
        else if (p->sigactions[s].handler != SIG_DFL)
            *cgt |= SIGBIT(s);
    }
}

/* Linux's 52 fields. A thread's own: pid (its tid), comm, state, minflt/majflt, utime/stime, starttime, the
 * signals sent to it and its mask; the process's: the rest (children's time and faults always are). */
static int gen_stat(const struct target *x, char *buf, size_t size)
{
    struct proc *p = x->p;
    struct task *t = x->t;
    u64 un, sn, tick = 10000000, mi, ma, ign, cgt; /* ns per USER_HZ tick */
    if (x->whole) {
        acct_proc(p, &un, &sn);
        struct acct_counts c;
        acct_counts(p, 0 /* RUSAGE_SELF */, &c);
        mi = c.minflt, ma = c.majflt;
    } else {
        acct_task(t, &un, &sn);
        mi = t->min_flt, ma = t->maj_flt;
    }
    sig_dispositions(p, &ign, &cgt);
    static const struct vm_layout none; /* a zombie's: its memory is gone, all 0 as on Linux */
    const struct vm_layout L = p->vm ? p->vm->layout : none;
    size_t n = 0;
    OUT("%d (%s) %c %d %d %d %lu %d 4194560 %lu %lu %lu %lu %lu %lu %lu %lu %d %d %d 0 %lu %lu %lu "
        "18446744073709551615 %lu %lu %lu 0 0 %lu %lu %lu %lu 0 0 0 %d 0 %u %d 0 0 0 %lu %lu %lu %lu %lu %lu %lu 0\n",
        x->whole ? p->pid : t->tid, task_comm(t), task_state(p, t), p->ppid, p->pgid, p->sid, tty_nr_of(p),
        tty_tpgid_of(p), mi, p->cminflt, ma,
        p->cmajflt, un / tick, sn / tick, clock_tsc_to_ns(p->cutime_tsc) / tick, clock_tsc_to_ns(p->cstime_tsc) / tick,
        t->rt_prio ? -1 - t->rt_prio : 20 + t->nice, t->nice, /* priority: 20 + nice, or -1 - the real-time one */
        MAX(p->nthreads, 1), (x->whole ? p->start_ns : t->start_ns) / tick, vm_bytes(p->vm, 0, 0), rss_of(p),
        L.start_code, L.end_code, L.start_stack, t->sig_pending_task & 0x7fffffff, t->sig_blocked & 0x7fffffff,
        ign & 0x7fffffff, cgt & 0x7fffffff, t->tid == p->pid ? SIGCHLD : -1, t->rt_prio, t->policy, L.start_data, L.end_data,
        p->vm ? p->vm->brk_start : 0, p->vm ? p->vm->arg_start : 0, p->vm ? p->vm->arg_end : 0, L.env_start,
        p->vm ? p->vm->env_end : 0);
    return (int)n;
}

static int gen_status(const struct target *x, char *buf, size_t size)
{
    struct proc *p = x->p;
    struct task *t = x->t;
    const struct cred *c = &t->cred;
    struct vm_space *vs = p->vm;
    u64 ign, cgt;
    sig_dispositions(p, &ign, &cgt);
    size_t n = 0;
    OUT("Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
        task_comm(t), p->umask, state_name(task_state(p, t)), p->pid, x->whole ? p->pid : t->tid, p->ppid);
    OUT("Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\nGroups:\t", c->uid, c->euid, c->suid, c->fsuid,
        c->gid, c->egid, c->sgid, c->fsgid, p->fdt ? p->fdt->cap : 0);
    for (u32 i = 0; c->groups && i < c->groups->n; i++)
        OUT(i ? " %u" : "%u", c->groups->gid[i]);
    OUT(" \n");
    if (vs) {
        OUT("VmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\n"
            "RssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n",
            vm_bytes(vs, 0, 0) / 1024, vm_bytes(vs, VM_LOCKED, 0) / 1024, vs->hiwater_rss * 4, vs->rss * 4,
            (vs->rss - vs->rss_file) * 4, vs->rss_file * 4);
        OUT("VmData:\t%8lu kB\nVmStk:\t%8lu kB\n", vm_bytes(vs, VM_WRITE, VM_SHARED | VM_STACK) / 1024,
            vm_bytes(vs, VM_STACK, 0) / 1024);
    }
    OUT("Threads:\t%d\nSigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
        MAX(p->nthreads, 1), t->sig_pending_task, p->sig_pending, t->sig_blocked, ign, cgt);
    OUT("CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\nCapAmb:\t%016lx\n", c->cap_inh,
        c->cap_prm, c->cap_eff, c->cap_bnd, c->cap_amb);
    OUT("NoNewPrivs:\t%d\nSeccomp:\t%d\nSeccomp_filters:\t%d\n", c->no_new_privs, t->seccomp_mode,
        seccomp_filter_count(t));
    /* what prctl(PR_GET_SPECULATION_CTRL) says (syscalls/prctl_cpu.c): no mitigation a program controls */
    OUT("Speculation_Store_Bypass:\tvulnerable\nSpeculationIndirectBranch:\talways enabled\n");
    OUT("Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
    /* the memory nodes it may use (get_mempolicy MPOL_F_MEMS_ALLOWED): node 0 of MAX_NUMNODES (1024), in
     * 32-bit groups as Linux prints a nodemask; libnuma reads its size from here */
    OUT("Mems_allowed:\t");
    for (int i = 0; i < 31; i++)
        OUT("00000000,");
    OUT("00000001\nMems_allowed_list:\t0\n");
    OUT("voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n", t->nvcsw, t->nivcsw);
    return (int)n;
}

/* statm, in pages: size, resident, shared (a file's pages), text, lib, data (private writable, the stack
 * included, as Linux's data_vm + stack_vm), dt. text and lib are not told apart from other file mappings: 0. */
static int gen_statm(const struct target *x, char *buf, size_t size)
{
    struct vm_space *vs = x->p->vm;
    return ksnprintf(buf, size, "%lu %lu %lu 0 0 %lu 0\n", (u64)(vm_bytes(vs, 0, 0) / PAGE_SIZE), vs ? vs->rss : 0,
                     vs ? vs->rss_file : 0, (u64)(vm_bytes(vs, VM_WRITE, VM_SHARED) / PAGE_SIZE));
}

static int gen_comm(const struct target *x, char *buf, size_t size)
{
    return ksnprintf(buf, size, "%s\n", task_comm(x->t));
}

static int gen_maps(const struct target *x, char *buf, size_t size) { return procfs_gen_maps(x->p, buf, size); }
static int gen_cmdline(const struct target *x, char *buf, size_t size)
{
    return procfs_gen_cmdline(x->p, buf, size);
}
static int gen_environ(const struct target *x, char *buf, size_t size)
{
    return procfs_gen_environ(x->p, buf, size);
}
static int gen_auxv(const struct target *x, char *buf, size_t size)
{
    return procfs_gen_auxv(x->p, buf, size);
}

/* /proc/PID/limits: the process's resource limits in Linux's layout (columns of 25, 20, 20 and 10) */
static int gen_limits(const struct target *x, char *buf, size_t size)
{
    static const char *const rows[RLIM_NLIMITS][2] = {
        { "Max cpu time", "seconds" },      { "Max file size", "bytes" },      { "Max data size", "bytes" },
        { "Max stack size", "bytes" },      { "Max core file size", "bytes" }, { "Max resident set", "bytes" },
        { "Max processes", "processes" },   { "Max open files", "files" },     { "Max locked memory", "bytes" },
        { "Max address space", "bytes" },   { "Max file locks", "locks" },     { "Max pending signals", "signals" },
        { "Max msgqueue size", "bytes" },   { "Max nice priority", NULL },     { "Max realtime priority", NULL },
        { "Max realtime timeout", "us" },
    };
    size_t n = 0;
    OUT("%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
    for (int i = 0; i < RLIM_NLIMITS; i++) {
        const struct rlimit64 *r = &x->p->rlimits[i];
        OUT("%-25s ", rows[i][0]);
        if (r->cur == ~0ull)
            OUT("%-20s ", "unlimited");
        else
            OUT("%-20lu ", r->cur);
        if (r->max == ~0ull)
            OUT("%-20s ", "unlimited");
        else
            OUT("%-20lu ", r->max);
        if (rows[i][1])
            OUT("%-10s", rows[i][1]);
        OUT("\n");
    }
    return (int)n;
}

/* /proc/PID/io: the process's threads and its ended ones; task/TID/io: the thread's. No block devices: nothing
 * is read from or written to storage (read_bytes, write_bytes 0), as on Linux's tmpfs. */
static int gen_io(const struct target *x, char *buf, size_t size)
{
    struct task_io s = x->whole ? x->p->dead_ioac : (struct task_io){ 0 };
    for (struct task *t = x->whole ? x->p->threads : x->t; t; t = x->whole ? t->proc_next : NULL) {
        s.rchar += t->ioac.rchar, s.wchar += t->ioac.wchar, s.syscr += t->ioac.syscr, s.syscw += t->ioac.syscw;
    }
    return ksnprintf(buf, size, "rchar: %lu\nwchar: %lu\nsyscr: %lu\nsyscw: %lu\nread_bytes: 0\nwrite_bytes: 0\n"
                     "cancelled_write_bytes: 0\n", s.rchar, s.wchar, s.syscr, s.syscw);
}

/* /proc/PID/personality: personality(2)'s value, in hex */
static int gen_personality(const struct target *x, char *buf, size_t size)
{
    return ksnprintf(buf, size, "%08x\n", x->p->persona);
}

typedef int (*task_gen)(const struct target *x, char *buf, size_t size);
static const struct {
    const char *name;
    task_gen gen;
    bool whole; /* also in /proc/PID (the others are procfs.c's there) */
} task_files[] = {
    { "stat", gen_stat, true },       { "status", gen_status, true }, { "statm", gen_statm, true },
    { "comm", gen_comm, true },       { "maps", gen_maps, false },    { "cmdline", gen_cmdline, false },
    { "environ", gen_environ, false }, { "auxv", gen_auxv, false }, { "limits", gen_limits, true },
    { "io", gen_io, true },           { "personality", gen_personality, true },
};
#define COMM_IDX 3

static int task_open(struct file *f)
{
    struct target x;
    if (!ino_target(f->inode, &x))
        return -ESRCH;
    char *buf = kmalloc(GEN_SIZE);
    u32 idx = (u32)(u64)f->inode->priv & 0xffff;
    int rc = buf ? procfs_keep_text(f, buf, task_files[idx].gen(&x, buf, GEN_SIZE)) : -ENOMEM;
    kfree(x.zombie);
    return rc;
}

/* A new name for the thread, as Linux's comm_write: at most 15 bytes taken (a newline too), the whole count
 * reported written; a thread of another process: EINVAL. */
static ssize_t comm_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    (void)off;
    char name[16] = { 0 };
    if (copy_from_user(name, ubuf, MIN(n, sizeof(name) - 1)))
        return -EFAULT;
    struct target x;
    if (!ino_target(f->inode, &x))
        return -ESRCH;
    kfree(x.zombie);
    if (x.p != current->proc || x.zombie)
        return -EINVAL;
    memcpy(x.t->comm, name, sizeof(name));
    return (ssize_t)n;
}

static const struct file_ops task_ops = { .open = task_open, .read = procfs_read, .release = procfs_release };
static const struct file_ops comm_ops = { .open = task_open, .read = procfs_read, .write = comm_write,
                                          .release = procfs_release };

/* One file of task_files in d; false when out of memory. */
static bool add_file(struct inode *d, u32 idx, int id, bool whole)
{
    /* comm is written by its owner; environ read by its owner alone (it may hold secrets), as on Linux */
    static const char *const own[] = { "environ", "auxv", "io", "personality" }; /* Linux's S_IRUSR ones */
    u32 mode = idx == COMM_IDX ? 0644 : 0444;
    for (size_t i = 0; i < ARRAY_SIZE(own); i++)
        if (!strcmp(task_files[idx].name, own[i]))
            mode = 0400;
    struct inode *ino = ramfs_new_inode(S_IFREG | mode);
    if (!ino)
        return false;
    if (ramfs_link(d, task_files[idx].name, ino)) {
        inode_get(ino);
        inode_put(ino); /* never linked: this frees it */
        return false;
    }
    ino->fops = idx == COMM_IDX ? &comm_ops : &task_ops;
    ino->priv = TASK_PRIV(id, whole, idx);
    ino->uid = d->uid, ino->gid = d->gid;
    return true;
}

/* /proc/PID/task/TID for thread t; false when out of memory (nothing is left behind). */
static bool add_tid_dir(struct inode *task_dir, struct task *t)
{
    char name[16];
    int err;
    ksnprintf(name, sizeof(name), "%d", t->tid);
    struct inode *d = ramfs_mkdir(task_dir, name, 0555, &err);
    if (!d)
        return false;
    d->uid = t->cred.euid, d->gid = t->cred.egid;
    bool ok = true;
    for (u32 i = 0; ok && i < ARRAY_SIZE(task_files); i++)
        ok = add_file(d, i, t->tid, false);
    if (!ok)
        procfs_remove_tree(task_dir, name);
    return ok;
}

static bool live_thread_of(struct task *t, struct proc *p)
{
    return t->proc == p && t->state != TASK_DEAD;
}

static int name_tid(const char *s)
{
    int v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return v;
}

/* task/ made to match the process's live threads. Both lists are in creation order (tids only grow, new
 * entries go last), so one merge walk does it: an entry whose thread has ended goes, a thread without an
 * entry gets one. Out of memory: the listing misses that thread, as a failed readdir would. */
static void refresh_task_dir(struct inode *dir)
{
    struct proc *p = proc_by_pid((int)((u64)dir->priv >> 32));
    if (p && p->zombie)
        p = NULL;
    struct task *t = task_list;
    while (t && (!p || !live_thread_of(t, p)))
        t = t->next;
    struct dirent_node *e = dir->children;
    while (e || t) {
        int tid = e ? name_tid(e->name) : 0;
        if (e && (!t || tid < t->tid)) { /* its thread has ended (unless it was listed out of order) */
            struct dirent_node *next = e->next;
            struct task *et = task_by_tid(tid);
            if (!et || !p || !live_thread_of(et, p))
                procfs_remove_tree(dir, e->name);
            e = next;
            continue;
        }
        if (e && tid == t->tid) {
            e = e->next;
        } else {
            char name[16];
            ksnprintf(name, sizeof(name), "%d", t->tid);
            if (!ramfs_lookup(dir, name, strlen(name)) && !add_tid_dir(dir, t))
                break;
        }
        do
            t = t->next;
        while (t && !live_thread_of(t, p));
    }
}

int procfs_task_files(struct inode *d, int pid)
{
    int err;
    for (u32 i = 0; i < ARRAY_SIZE(task_files); i++)
        if (task_files[i].whole && !add_file(d, i, pid, true))
            return -ENOMEM;
    struct inode *task = ramfs_mkdir(d, "task", 0555, &err);
    if (!task)
        return -ENOMEM;
    task->priv = PID_PRIV(pid, 0);
    task->refresh = refresh_task_dir;
    return 0;
}
