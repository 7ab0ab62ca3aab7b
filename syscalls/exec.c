/* syscalls/exec.c — execve and execveat: the program is replaced in place (same pid, same fds less the
 * close-on-exec ones); handled signals return to their default, ignored ones stay ignored. */
#include "syscalls.h"
#include "../arch/x86_64/arch.h"

#define MAX_ARG_STRLEN (32 * PAGE_SIZE) /* Linux's limit on one argument or environment string, its NUL included */
#define STK_LIM (8ull << 20)              /* Linux's _STK_LIM, the default RLIMIT_STACK */

/* What execve(2) allows the strings and their pointers ("Limits on size of arguments and environment"): with
 * their pointers, a quarter of RLIMIT_STACK, at most three quarters of _STK_LIM, at least 32 pages; and the
 * strings alone (copied first, onto a stack that may not grow past RLIMIT_STACK) the stack limit itself. */
struct arg_budget {
    size_t room, stack_lim;
    size_t used;    /* strings and pointers so far */
    size_t strings; /* strings alone, from the stack's top (the first 8 bytes are kept free) */
};

static void budget_init(struct arg_budget *b, const char *filename)
{
    u64 lim = current_proc()->rlimits[RLIMIT_STACK].cur;
    b->room = MAX(MIN(STK_LIM / 4 * 3, lim / 4), MAX_ARG_STRLEN);
    b->stack_lim = lim;
    b->strings = sizeof(u64) + strlen(filename) + 1; /* the program's name goes on the stack first */
    b->used = b->strings;
}

static bool budget_over(const struct arg_budget *b, size_t strings, size_t ptrs)
{
    return b->used + strings + ptrs * sizeof(u64) > b->room || ALIGN_UP(b->strings + strings, PAGE_SIZE) > b->stack_lim;
}

/* Copies a NULL-terminated vector of user strings into one kernel allocation, within the budget (E2BIG,
 * checked as the vector is read so that an endless one ends); *count: how many strings. */
static long copy_strv(char *const *uv, char ***out, struct arg_budget *b, size_t *count_out)
{
    size_t count = 0, bytes = 0;
    char *tmp = kmalloc(MAX_ARG_STRLEN);
    if (!tmp)
        return -ENOMEM;
    for (;; count++) {
        u64 up;
        if (!uv)
            break;
        if (copy_from_user(&up, &uv[count], sizeof(up)))
            return kfree(tmp), -EFAULT;
        if (!up)
            break;
        long n = strncpy_from_user(tmp, (const char *)up, MAX_ARG_STRLEN);
        if (n < 0)
            return kfree(tmp), n == -ENAMETOOLONG ? -E2BIG : n;
        bytes += n + 1;
        if (budget_over(b, bytes, count + 1))
            return kfree(tmp), -E2BIG;
    }
    kfree(tmp);
    b->used += bytes + count * sizeof(u64);
    b->strings += bytes;
    *count_out = count;
    char **v = kmalloc((count + 1) * sizeof(char *) + bytes);
    if (!v)
        return -ENOMEM;
    char *pool = (char *)(v + count + 1);
    for (size_t i = 0; i < count; i++) {
        u64 up;
        if (copy_from_user(&up, &uv[i], sizeof(up)))
            return kfree(v), -EFAULT;
        long n = strncpy_from_user(pool, (const char *)up, bytes);
        if (n < 0)
            return kfree(v), n;
        v[i] = pool;
        pool += n + 1;
        bytes -= n + 1;
    }
    v[count] = NULL;
    *out = v;
    return 0;
}

static void after_exec(struct proc *p)
{
    struct fdtable *t = fdtable_unshare(p->fdt); /* as Linux: a CLONE_FILES sharer keeps the cloexec files */
    if (t)
        p->fdt = t;
    else
        t = p->fdt; /* no memory for the copy: past the point of no return, the shared table is used */
    for (int fd = fd_next_open(t, 0); fd >= 0; fd = fd_next_open(t, fd + 1))
        if (fd_cloexec(t, fd))
            fd_close(t, fd);
    for (int sig = 1; sig <= NSIG; sig++)
        if (p->sigactions[sig].handler != SIG_IGN)
            p->sigactions[sig] = (struct k_sigaction){ 0 };
    current->altstack = (struct k_stack){ 0 };
    current->rseq_addr = 0; /* the registration does not survive exec */
    current->rseq_len = current->rseq_sig = 0;
    current->robust_list = 0; /* it pointed into the old image (Linux walks it first; skiff does not yet) */
    ptimers_destroy(p); /* POSIX timers do not survive exec */
    current->fs_base = current->gs_base = 0; /* a new image starts with both bases 0, as on Linux */
    wrmsr(MSR_FS_BASE, 0);
    wrmsr(MSR_KERNEL_GS_BASE, 0); /* the user's GS while we run (swapgs) */
    arch_user_fpu_init();
}

/* What execveat names with a file descriptor, as Linux's bprm->filename: "/dev/fd/N" for the fd itself
 * (AT_EMPTY_PATH), "/dev/fd/N/PATH" relative to a directory fd. The loader reaches the file through that name (the
 * /proc/self/fd magic link), which also becomes AT_EXECFN and a script's argument. *exe: the real path for
 * /proc/self/exe (kmalloc'ed, or NULL: the loader's). */
static long fd_name(int dirfd, char *kpath, u32 flags, char **exe, struct inode **ino)
{
    struct file *f = fd_file(dirfd);
    if (!f)
        return -EBADF;
    char *name = kmalloc(PATH_MAX);
    if (!name)
        return -ENOMEM;
    long rc = 0;
    if (!kpath[0]) { /* AT_EMPTY_PATH: the fd's own file */
        *ino = f->inode;
        *exe = f->path ? kstrdup(f->path) : NULL;
        ksnprintf(name, PATH_MAX, "/dev/fd/%d", dirfd);
    } else if (!f->inode || !S_ISDIR(f->inode->mode)) {
        rc = -ENOTDIR;
    } else {
        struct walk w;
        rc = vfs_walk(f->inode, kpath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &w);
        if (!rc && !w.node)
            rc = -ENOENT;
        if (!rc) {
            *ino = w.node;
            *exe = vfs_walk_path(&w);
            if (ksnprintf(name, PATH_MAX, "/dev/fd/%d/%s", dirfd, kpath) >= PATH_MAX)
                rc = -ENAMETOOLONG;
        }
    }
    /* a script behind a close-on-exec fd: its interpreter could not open /dev/fd/N (Linux: ENOENT) */
    if (!rc && fd_cloexec(current_proc()->fdt, dirfd) && *ino && S_ISREG((*ino)->mode)) {
        char magic[2] = { 0 };
        if (vfs_kread(*ino, magic, 2, 0) == 2 && magic[0] == '#' && magic[1] == '!')
            rc = -ENOENT;
    }
    if (!rc)
        memcpy(kpath, name, strlen(name) + 1);
    kfree(name);
    if (rc) {
        kfree(*exe);
        *exe = NULL;
    }
    return rc;
}

static long do_execveat(int dirfd, const char *upath, char *const *uargv, char *const *uenvp, u32 flags)
{
    if (flags & ~(u32)(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    char *kpath = kmalloc(PATH_MAX), *exe = NULL;
    if (!kpath)
        return -ENOMEM;
    long rc = user_path(upath, kpath);
    struct inode *ino = NULL;
    if (!rc && !kpath[0] && !(flags & AT_EMPTY_PATH))
        rc = -ENOENT;
    if (!rc && current->nproc_exceeded) { /* a set*id left its user over RLIMIT_NPROC (kernel/cred.c) */
        if (ucount_tasks(cred_current()->uid) > current_proc()->rlimits[RLIMIT_NPROC].cur)
            rc = -EAGAIN;
        else
            current->nproc_exceeded = false;
    }
    bool by_fd = !rc && dirfd != AT_FDCWD && kpath[0] != '/';
    if (by_fd)
        rc = fd_name(dirfd, kpath, flags, &exe, &ino);
    else if (!rc && !kpath[0])
        rc = -EACCES; /* AT_EMPTY_PATH with AT_FDCWD: the working directory, which is no program */
    if (!rc && !by_fd)
        rc = vfs_lookup(current_proc()->cwd, kpath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &ino);
    if (!rc) {
        /* as Linux's do_open_execat, before argv is read: a regular file with an x bit (we are root) */
        if (ino && S_ISLNK(ino->mode))
            rc = -ELOOP; /* AT_SYMLINK_NOFOLLOW and the name is a symlink */
        else if (!ino || !S_ISREG(ino->mode) || !(ino->mode & 0111) || vfs_noexec(ino))
            rc = -EACCES; /* a MS_NOEXEC mount too, before a script's interpreter is looked for */
        else if (ino->writers)
            rc = -ETXTBSY; /* open for writing somewhere */
    }
    char **argv = NULL, **envp = NULL;
    struct arg_budget budget;
    size_t argc = 0, envc = 0;
    budget_init(&budget, kpath);
    if (!rc)
        rc = copy_strv(uargv, &argv, &budget, &argc);
    if (!rc)
        rc = copy_strv(uenvp, &envp, &budget, &envc);
    if (!rc && !argc && budget_over(&budget, 0, 1))
        rc = -E2BIG; /* an empty argv gets one pointer, for the empty argv[0] Linux adds */
    const char *why = "";
    struct proc *p = current_proc();
    if (!rc) {
        char *empty[] = { kpath, NULL };
        rc = exec_program(p, kpath, argv[0] ? argv : empty, envp, current->frame, &why);
        if (rc)
            klog("skiff: execve %s: %s\n", kpath, why);
        if (rc == EXEC_KILLED) {
            kfree(argv), kfree(envp), kfree(kpath);
            proc_die(SIGSEGV); /* committed, then failed: Linux's force_fatal_sig(SIGSEGV) */
        }
    }
    if (!rc && exe) { /* by fd: /proc/self/exe is the file's own path, not /dev/fd/N */
        kfree(p->exe);
        p->exe = exe;
        exe = NULL;
    }
    if (!rc) {
        after_exec(p);
        p->exec_count++; /* its "clone" children end with SIGCHLD now (signal_notify_parent) */
        p->vfork_done = true; /* a vfork parent goes on */
        sched_kick_chan(p->parent);
    }
    kfree(argv);
    kfree(envp);
    kfree(kpath);
    kfree(exe);
    return rc;
}

SYSCALL(execve)
{
    return do_execveat(AT_FDCWD, (const char *)a0, (char *const *)a1, (char *const *)a2, 0);
}

SYSCALL(execveat)
{
    return do_execveat((int)a0, (const char *)a1, (char *const *)a2, (char *const *)a3, (u32)a4);
}
