/* fs/procfs.c — /proc. Each file's text is generated when it is opened (so a read sees one consistent
 * snapshot) and then read like a regular file; /proc/self and the process's links are regenerated before
 * each lookup. Besides what Linux programs read (self/exe, maps, fd/, stat, status, cmdline, cpuinfo,
 * meminfo, sys/kernel/...), skiff/boot_us holds the kernel's own measure of the time from its first
 * instruction to the program's first instruction. The files that describe a process or one of its threads
 * (stat, status, statm, comm, task/) are fs/procfs_task.c's; the system-wide ones fs/procfs_sys.c's. */
#include "procfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/boot.h"
#include "../kernel/proc.h"
#include "../arch/x86_64/arch.h"
#include "../arch/x86_64/smp.h"
#include "../net/net.h"

/* Keeps n bytes of generated text (in buf, GEN_SIZE long, now owned here) for the reads of f. */
int procfs_keep_text(struct file *f, char *buf, int n)
{
    struct gen_text *t = kzalloc(sizeof(*t));
    if (!t) {
        kfree(buf);
        return -ENOMEM;
    }
    *t = (struct gen_text){ buf, (size_t)MAX(0, MIN(n, (int)GEN_SIZE - 1)), false };
    f->priv = t;
    return 0;
}

static int proc_open(struct file *f)
{
    proc_gen gen = (proc_gen)f->inode->priv;
    char *buf = kmalloc(GEN_SIZE);
    return buf ? procfs_keep_text(f, buf, gen(buf, GEN_SIZE)) : -ENOMEM;
}

/* A read from the start (after lseek 0, or pread at 0) sees the file as it is now, as Linux's seq_file
 * generates it again: top keeps /proc/stat open and reads it anew each frame. Later reads go on in the same
 * text. */
static int regenerate(struct file *f)
{
    struct gen_text *old = f->priv;
    f->priv = NULL;
    int rc = f->ops->open(f);
    if (rc) {
        f->priv = old; /* the process is gone (ESRCH) or no memory: released as before */
        return rc;
    }
    kfree(old->buf);
    kfree(old);
    return 0;
}

ssize_t procfs_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    struct gen_text *t = f->priv;
    if (*off == 0 && t && t->read_since && f->ops->open) {
        int rc = regenerate(f);
        if (rc)
            return rc;
        t = f->priv;
    }
    if (*off == 0 && t)
        t->read_since = true;
    if (*off >= t->len)
        return 0;
    n = MIN(n, t->len - *off);
    if (copy_to_user(ubuf, t->buf + *off, n))
        return -EFAULT;
    *off += n;
    return n;
}

void procfs_release(struct file *f)
{
    struct gen_text *t = f->priv;
    if (t) {
        kfree(t->buf);
        kfree(t);
    }
}

static const struct file_ops proc_ops = { .open = proc_open, .read = procfs_read, .release = procfs_release };

/* A sysctl the program may set (mode 0644, root's): the text written goes whole to the setter, which checks it
 * as Linux's handler does and returns 0 or -errno; the whole count is reported written. */
typedef int (*proc_set)(const char *text, size_t n);
#define SYSCTL_TEXT_MAX 64
static const struct { const char *dir, *name; proc_gen gen; proc_set set; } proc_sysctls[] = {
    { "sys/net/ipv4", "ping_group_range", icmp_ping_group_range, icmp_ping_group_set }, /* net/icmp_sock.c */
    { "sys/fs", "file-max", files_sysctl_max, files_sysctl_set_max },                    /* fs/file.c */
    { "sys/vm", "max_map_count", vm_sysctl_max_map_count, vm_sysctl_set_max_map_count }, /* kernel/vm.c */
    { "skiff", "smp", smp_proc_stats, sched_dump_set }, /* shootdown counts; "dump" logs every CPU and task */
};

static ssize_t sysctl_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    (void)off;
    char text[SYSCTL_TEXT_MAX + 1];
    size_t c = MIN(n, (size_t)SYSCTL_TEXT_MAX);
    if (copy_from_user(text, ubuf, c))
        return -EFAULT;
    text[c] = 0;
    for (size_t i = 0; i < ARRAY_SIZE(proc_sysctls); i++)
        if (proc_sysctls[i].gen == (proc_gen)f->inode->priv) {
            int rc = proc_sysctls[i].set(text, c);
            return rc ? rc : (ssize_t)n;
        }
    return -EINVAL;
}

static const struct file_ops sysctl_ops = { .open = proc_open, .read = procfs_read, .write = sysctl_write,
                                            .release = procfs_release };

/* ---- the process: /proc/<pid> ----
 * Every file and link under /proc/<pid> knows its pid (in its inode's priv: PID_PRIV), so it describes that
 * process whoever reads it; once the process is gone its files say ESRCH, as on Linux. */

static int priv_pid(const struct inode *ino) { return (int)((u64)ino->priv >> 32); }
static u32 priv_low(const struct inode *ino) { return (u32)(u64)ino->priv; }

static struct proc *ino_proc(const struct inode *ino)
{
    struct proc *p = proc_by_pid(priv_pid(ino));
    return p && !p->zombie ? p : NULL;
}

/* Its first thread speaks for a process (name, signal mask), as Linux's /proc/<pid> shows the leader. */
static struct task *leader(struct proc *p)
{
    struct task *t = proc_first_task(p);
    return t ? t : current;
}

/* What /proc/PID/maps names an area: its file's path (" (deleted)" once the file has no links, as Linux's
 * d_path), or the kind of anonymous memory it is; NULL for none. */
static const char *area_name(const struct vm_area *a, bool *deleted)
{
    *deleted = false;
    if (a->name) {
        size_t len = strlen(a->name->s), d = sizeof(" (deleted)") - 1;
        *deleted = a->file && !a->file->nlink && !(len >= d && !strcmp(a->name->s + len - d, " (deleted)"));
        return a->name->s;
    }
    return (a->flags & VM_STACK) ? "[stack]" : (a->flags & VM_HEAP) ? "[heap]" : (a->flags & VM_VDSO) ? "[vdso]"
         : (a->flags & VM_VVAR) ? "[vvar]" : NULL;
}

/* One line of maps for a, in Linux's layout: start-end perms offset major:minor inode and a space, then the
 * name from column 73 (the line padded to 72 characters and one space), or nothing. Returns ksnprintf's count
 * (also for /proc/PID/smaps: procfs_smaps.c). */
size_t procfs_maps_line(const struct vm_area *a, char *buf, size_t size)
{
    size_t n = 0;
    u64 dev = 0, ino = 0, off = 0;
    if (a->file) {
        dev = vfs_st_dev(a->file);
        ino = a->file->ino;
        off = a->file_off;
    }
    OUT("%08lx-%08lx %c%c%c%c %08lx %02lx:%02lx %lu ", a->start, a->end, (a->flags & VM_READ) ? 'r' : '-',
        (a->flags & VM_WRITE) ? 'w' : '-', (a->flags & VM_EXEC) ? 'x' : '-', (a->flags & VM_SHARED) ? 's' : 'p',
        off, (dev >> 8) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00), ino);
    bool deleted;
    const char *name = area_name(a, &deleted);
    if (name) {
        while (n < 72)
            OUT(" ");
        OUT(" %s%s", name, deleted ? " (deleted)" : "");
    }
    OUT("\n");
    return n;
}

int procfs_gen_maps(struct proc *p, char *buf, size_t size)
{
    size_t n = 0;
    for (struct vm_area *a = p->vm ? p->vm->areas : NULL; a; a = a->next)
        n += procfs_maps_line(a, buf + MIN(n, size), n < size ? size - n : 0);
    return (int)MIN(n, size);
}

/* The argument strings where the program keeps them (a zombie has none: empty, as on Linux). A program that
 * wrote over the last argument's NUL retitled itself (setproctitle: nginx's "nginx: worker process"): then
 * the title is the string at the start, and may run on into the environment's strings. */
int procfs_gen_cmdline(struct proc *p, char *buf, size_t size)
{
    struct vm_space *vs = p->vm;
    if (!vs || vs->arg_end <= vs->arg_start)
        return 0;
    /* the title may run on only into an environment that follows the arguments (prctl PR_SET_MM moves them) */
    u64 env_end = vs->layout.env_start == vs->arg_end && vs->env_end >= vs->arg_end ? vs->env_end : vs->arg_end;
    char last = 0;
    if (vm_peek(vs, vs->arg_end - 1, &last, 1) == 1 && last) {
        size_t got = vm_peek(vs, vs->arg_start, buf, MIN(size, MIN(env_end - vs->arg_start, PAGE_SIZE)));
        size_t n = strnlen(buf, got);
        return (int)(n < got ? n + 1 : n);
    }
    return (int)vm_peek(vs, vs->arg_start, buf, MIN(size, vs->arg_end - vs->arg_start));
}

/* The environment strings as the program's memory holds them now (Linux's environ). */
int procfs_gen_environ(struct proc *p, char *buf, size_t size)
{
    struct vm_space *vs = p->vm;
    if (!vs || vs->env_end <= vs->layout.env_start)
        return 0;
    return (int)vm_peek(vs, vs->layout.env_start, buf, MIN(size, vs->env_end - vs->layout.env_start));
}

/* The auxiliary vector the program started with (or prctl PR_SET_MM_AUXV gave): pairs up to AT_NULL's. */
int procfs_gen_auxv(struct proc *p, char *buf, size_t size)
{
    struct vm_space *vs = p->vm;
    if (!vs)
        return 0;
    const u64 *a = vs->layout.saved_auxv;
    size_t words = 2;
    while (words < VM_AUXV_WORDS && a[words - 2] != 0)
        words += 2;
    size_t n = MIN(size, words * 8);
    memcpy(buf, a, n);
    return (int)n;
}

static int gen_pid_mounts(struct proc *p, char *buf, size_t size)
{
    (void)p;
    return mounts_text(buf, size); /* fs/mount.c: one mount table for every process */
}

static int gen_pid_mountinfo(struct proc *p, char *buf, size_t size)
{
    (void)p;
    return mountinfo_text(buf, size);
}

typedef int (*pid_gen)(struct proc *p, char *buf, size_t size);
static const struct { const char *name; pid_gen gen; } pid_files[] = {
    { "maps", procfs_gen_maps }, { "cmdline", procfs_gen_cmdline }, { "environ", procfs_gen_environ },
    { "mounts", gen_pid_mounts }, { "auxv", procfs_gen_auxv }, { "mountinfo", gen_pid_mountinfo },
};

static int pid_open(struct file *f)
{
    struct proc *p = proc_by_pid(priv_pid(f->inode)); /* a zombie's read empty (its memory is gone), as Linux */
    u32 idx = priv_low(f->inode);
    if (!p)
        return -ESRCH;
    char *buf = kmalloc(GEN_SIZE);
    return buf ? procfs_keep_text(f, buf, pid_files[idx].gen(p, buf, GEN_SIZE)) : -ENOMEM;
}

static const struct file_ops pid_ops = { .open = pid_open, .read = procfs_read, .release = procfs_release };

static struct inode *resolve_exe(struct inode *link)
{
    static int depth; /* an exe path that leads back into /proc must not recurse without end */
    struct proc *p = ino_proc(link);
    struct inode *ino = NULL;
    const char *exe = p ? p->exe : NULL;
    if (exe && depth == 0) {
        depth++;
        if (vfs_lookup(vfs_root, exe, WALK_FOLLOW, &ino))
            ino = NULL;
        depth--;
    }
    return ino;
}

static void set_target(struct inode *link, char *text)
{
    if (!text)
        return;
    kfree(link->target);
    link->target = text;
    link->size = strlen(text);
}

static void refresh_exe(struct inode *link)
{
    struct proc *p = ino_proc(link);
    set_target(link, kstrdup(p && p->exe ? p->exe : "/"));
}

static struct inode *resolve_cwd(struct inode *link)
{
    struct proc *p = ino_proc(link);
    return p ? p->cwd : NULL;
}

static void refresh_cwd(struct inode *link)
{
    struct proc *p = ino_proc(link);
    char *buf = kmalloc(PATH_MAX);
    if (buf && (!p || vfs_path_of(p->cwd, buf, PATH_MAX) < 0))
        strcpy_k(buf, "/");
    set_target(link, buf);
}

static struct inode *resolve_root(struct inode *link)
{
    (void)link;
    return vfs_covering(vfs_root);
}

static struct inode *resolve_fd(struct inode *link)
{
    struct proc *p = ino_proc(link);
    struct file *f = p ? fd_get(p->fdt, (int)priv_low(link)) : NULL;
    return f ? f->inode : NULL;
}

struct inode *procfs_magic_link(struct inode *dir, const char *name, const char *target,
                                struct inode *(*resolve)(struct inode *), void (*refresh)(struct inode *))
{
    int err;
    struct inode *ino = ramfs_symlink(dir, name, target, &err);
    if (!ino)
        return NULL; /* out of memory: the caller gives up on it */
    ino->resolve = resolve;
    ino->refresh = refresh;
    return ino;
}

/* /proc/<pid>/fd: rebuilt from that process's fd table before every lookup or listing. */
static void refresh_fd_dir(struct inode *dir)
{
    while (dir->children)
        ramfs_unlink(dir, dir->children->name, false);
    struct proc *p = ino_proc(dir);
    struct fdtable *t = p ? p->fdt : NULL;
    for (int fd = t ? fd_next_open(t, 0) : -1; fd >= 0; fd = fd_next_open(t, fd + 1)) {
        struct file *f = fd_get(t, fd);
        if (!f)
            continue;
        char name[16], target[48];
        ksnprintf(name, sizeof(name), "%d", fd);
        if (!f->path && f->inode && (f->inode->mode & S_IFMT) == S_IFSOCK)
            ksnprintf(target, sizeof(target), "socket:[%lu]", (u64)f->inode->ino); /* as Linux's sockfs */
        else if (!f->path && pipe_inode(f->inode))
            ksnprintf(target, sizeof(target), "pipe:[%lu]", (u64)f->inode->ino);
        else if (!f->path && f->inode && S_ISCHR(f->inode->mode))
            ksnprintf(target, sizeof(target), "/dev/pts/0");
        else if (!f->path)
            ksnprintf(target, sizeof(target), "anon_inode:[%s]", f->inode ? "skiff" : "eventfd-or-epoll");
        struct inode *l = procfs_magic_link(dir, name, f->path ? f->path : target, resolve_fd, NULL);
        if (!l)
            break; /* out of memory: the listing is cut short, as a failed readdir would be */
        l->priv = PID_PRIV(p->pid, fd);
        l->mode = S_IFLNK | 0700;
    }
}

static struct inode *proc_mkdir_(struct inode *dir, const char *name, u32 mode);

/* A read-only generated file (also /sys's, fs/sysfs.c): ops->open makes its text from priv. */
void procfs_add_file(struct inode *dir, const char *name, const struct file_ops *ops, void *priv)
{
    struct inode *ino = ramfs_new_inode(S_IFREG | 0444);
    if (!ino || ramfs_link(dir, name, ino))
        panic("cannot create %s", name);
    ino->fops = ops;
    ino->priv = priv;
}

/* A generated file of /proc/PID (its priv: PID_PRIV(pid, 0)); -ENOMEM and nothing left behind when memory runs
 * out (a process's directory is built at fork, which must then fail rather than panic). */
int procfs_pid_file(struct inode *d, const char *name, u32 mode, const struct file_ops *ops, int pid)
{
    struct inode *ino = ramfs_new_inode(S_IFREG | mode);
    if (!ino || ramfs_link(d, name, ino)) {
        if (ino) {
            inode_get(ino);
            inode_put(ino); /* never linked: this frees it */
        }
        return -ENOMEM;
    }
    ino->fops = ops;
    ino->priv = PID_PRIV(pid, 0);
    return 0;
}

static void proc_add(struct inode *dir, const char *name, proc_gen gen)
{
    procfs_add_file(dir, name, &proc_ops, (void *)gen);
}

static struct inode *proc_mkdir_(struct inode *dir, const char *name, u32 mode)
{
    struct inode *d = ramfs_lookup(dir, name, strlen(name));
    int err;
    if (!d)
        d = ramfs_mkdir(dir, name, mode, &err);
    if (!d || !S_ISDIR(d->mode))
        panic("cannot create /proc/%s", name);
    return d;
}

static struct inode *proc_mkdir(struct inode *dir, const char *name)
{
    return proc_mkdir_(dir, name, 0555);
}


/* Linux shows /proc/<pid> and what is in it as owned by the process's effective ids: looked up before each
 * walk into it, so that a process that changed its ids reads its own fd/ (mode 0500). */
static void refresh_pid_owner(struct inode *d)
{
    struct proc *p = ino_proc(d);
    if (!p)
        return;
    const struct cred *c = &leader(p)->cred;
    bool dumpable = !p->vm || !p->vm->undumpable; /* not dumpable: root's (task_dump_owner), as Linux */
    u32 uid = dumpable ? c->euid : 0, gid = dumpable ? c->egid : 0;
    d->uid = uid, d->gid = gid;
    for (struct dirent_node *e = d->children; e; e = e->next)
        e->inode->uid = uid, e->inode->gid = gid;
}

/* A process may always open its own fd directory, whoever owns it (Linux's proc_fd_permission): after a
 * change of ids it is root's while the process is not dumpable. */
static bool fd_dir_is_mine(struct inode *fd)
{
    struct proc *p = ino_proc(fd);
    return p && p == current_proc();
}

/* /proc/<pid> for a new process; -ENOMEM (and nothing left behind) when memory runs out, for fork to fail. */
static int make_pid_dir(struct inode *proc, int pid)
{
    char name[16];
    int err;
    ksnprintf(name, sizeof(name), "%d", pid);
    struct inode *d = ramfs_mkdir(proc, name, 0555, &err), *fd = NULL;
    if (!d)
        return -ENOMEM;
    struct inode *l[3] = { procfs_magic_link(d, "exe", "/", resolve_exe, refresh_exe),
                           procfs_magic_link(d, "cwd", "/", resolve_cwd, refresh_cwd),
                           procfs_magic_link(d, "root", "/", resolve_root, NULL) };
    bool ok = l[0] && l[1] && l[2] && (fd = ramfs_mkdir(d, "fd", 0500, &err));
    if (ok) {
        l[0]->priv = l[1]->priv = fd->priv = d->priv = PID_PRIV(pid, 0);
        d->refresh = refresh_pid_owner;
        fd->refresh = refresh_fd_dir;
        fd->own_access = fd_dir_is_mine;
    }
    for (u32 i = 0; ok && i < ARRAY_SIZE(pid_files); i++) {
        /* environ is its owner's alone (-r--------), as on Linux: it may hold secrets */
        bool own = !strcmp(pid_files[i].name, "environ") || !strcmp(pid_files[i].name, "auxv");
        struct inode *ino = ramfs_new_inode(S_IFREG | (own ? 0400 : 0444));
        ok = ino && !ramfs_link(d, pid_files[i].name, ino);
        if (ino && !ok) {
            inode_get(ino);
            inode_put(ino); /* never linked: this frees it */
        }
        if (ok) {
            ino->fops = &pid_ops;
            ino->priv = PID_PRIV(pid, i);
        }
    }
    ok = ok && procfs_task_files(d, pid) == 0; /* stat, status, statm, comm and task/ (procfs_task.c) */
    ok = ok && procfs_pagemap_add(d, pid) == 0;
    ok = ok && procfs_mem_add(d, pid) == 0;
    ok = ok && procfs_fdinfo_add(d, pid) == 0;
    ok = ok && procfs_oom_add(d, pid) == 0;
    ok = ok && procfs_smaps_add(d, pid) == 0;
    ok = ok && procfs_ns_add(d, pid) == 0;
    if (!ok)
        procfs_remove_tree(proc, name);
    return ok ? 0 : -ENOMEM;
}

static void refresh_self(struct inode *link)
{
    char pid[16];
    ksnprintf(pid, sizeof(pid), "%d", current_proc()->pid);
    set_target(link, kstrdup(pid)); /* out of memory: the old target stays */
}

/* /proc/thread-self: PID/task/TID of the thread that looks. */
static void refresh_thread_self(struct inode *link)
{
    char path[48];
    ksnprintf(path, sizeof(path), "%d/task/%d", current_proc()->pid, current->tid);
    set_target(link, kstrdup(path));
}

/* dir/path, made (mkdir -p) where missing */
struct inode *procfs_dir(struct inode *proc, const char *path)
{
    struct inode *d = proc;
    char part[32];
    while (*path) {
        size_t n = 0;
        while (path[n] && path[n] != '/')
            n++;
        memcpy(part, path, n);
        part[n] = 0;
        d = proc_mkdir(d, part);
        path += n + (path[n] == '/');
    }
    return d;
}

static struct inode *proc_root;

/* /proc/<pid> for a new process, and away again when it is reaped. */
int procfs_add_pid(int pid)
{
    return proc_root ? make_pid_dir(proc_root, pid) : 0;
}

void procfs_remove_tree(struct inode *dir, const char *name)
{
    struct inode *d = ramfs_lookup(dir, name, strlen(name));
    if (!d)
        return;
    if (S_ISDIR(d->mode)) {
        d->refresh = NULL;
        while (d->children)
            procfs_remove_tree(d, d->children->name);
    }
    ramfs_unlink(dir, name, S_ISDIR(d->mode));
}

void procfs_remove_pid(int pid)
{
    char name[16];
    ksnprintf(name, sizeof(name), "%d", pid);
    if (proc_root)
        procfs_remove_tree(proc_root, name);
}

/* The files of /proc that belong to no process (meminfo, sys/..., the kernel's statistics): made at the first
 * lookup in /proc that finds nothing or its first listing (super_block.fill_root), not at boot. Their times
 * are /proc's own, from boot: reading the clock here would calibrate the TSC (5 ms). */
static void procfs_fill_fixed(struct super_block *sb)
{
    struct inode *proc = sb->root;
    struct timespec64 made = proc->mtime;
    vfs_now_fixed(&made);
    for (size_t i = 0; i < procfs_sys_nfiles; i++)
        proc_add(procfs_dir(proc, procfs_sys_files[i].dir), procfs_sys_files[i].name, procfs_sys_files[i].gen);
    for (size_t i = 0; i < procfs_stat_nfiles; i++)
        proc_add(procfs_dir(proc, procfs_stat_files[i].dir), procfs_stat_files[i].name, procfs_stat_files[i].gen);
    for (size_t i = 0; i < ARRAY_SIZE(proc_sysctls); i++) {
        struct inode *d = procfs_dir(proc, proc_sysctls[i].dir);
        proc_add(d, proc_sysctls[i].name, proc_sysctls[i].gen);
        struct inode *ino = ramfs_lookup(d, proc_sysctls[i].name, strlen(proc_sysctls[i].name));
        ino->mode = S_IFREG | 0644;
        ino->fops = &sysctl_ops;
    }
    vfs_now_fixed(NULL);
}

/* At boot: the mount, process 1's directory and self (static glibc reads /proc/self/exe at its first
 * syscalls); the rest when first looked for (procfs_fill_fixed). */
void procfs_init(void)
{
    /* its own superblock, mounted over /proc (anything packed there is hidden, as on Linux) */
    struct super_block *sb = sb_new("proc", "proc");
    struct inode *proc = sb ? ramfs_new_root(sb) : NULL;
    if (!proc || (sb->root = proc, proc->mode = S_IFDIR | 0555, vfs_mount_path("/proc", sb)))
        panic("cannot mount /proc");
    kfree(sb->opts);
    sb->flags |= SB_NOSUID | SB_NODEV | SB_NOEXEC; /* as Linux mounts it: rw,nosuid,nodev,noexec,relatime */
    sb->opts = kstrdup("");
    sb->fill_root = procfs_fill_fixed;
    proc_root = proc;
    make_pid_dir(proc, 1);
    procfs_magic_link(proc, "self", "1", NULL, refresh_self);
    procfs_magic_link(proc, "thread-self", "1/task/1", NULL, refresh_thread_self);
}
