/* kernel/proc.c — the first (and for now only) process: reading what the host asked for from /.skiff
 * (docs/host-interface.md), wiring stdio, loading the program and entering ring 3; and process exit. */
#include "proc.h"
#include "boot.h"
#include "errno.h"
#include "../arch/x86_64/arch.h"
#include "../drivers/console.h"
#include "../drivers/tty.h"
#include "../drivers/serial.h"
#include "../drivers/vcon.h"
#include "../syscalls/syscalls.h"
#include "../fs/p9.h"

struct vm_space *current_vm(void)
{
    return current ? current->proc->vm : NULL;
}

/* Reads a whole ramfs file into a kernel buffer (NUL-terminated) and removes it from the namespace. */
static char *take_file(const char *path, size_t *len)
{
    struct walk w;
    if (vfs_walk(vfs_root, path, 0, &w) || !w.node || !S_ISREG(w.node->mode))
        return NULL;
    char *buf = kmalloc(w.node->size + 1);
    if (!buf)
        boot_fail("skiff: out of memory reading %s (give the VM more: tools/skiff run --mem)", path);
    *len = vfs_kread(w.node, buf, w.node->size, 0);
    buf[*len] = 0;
    ramfs_unlink(w.dir, w.name, false);
    return buf;
}

/* Splits NUL-terminated strings into a NULL-terminated vector (pointing into buf). */
static char **split_nul(char *buf, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += buf[i] == 0;
    char **v = kzalloc((n + 1) * sizeof(char *));
    if (!v)
        boot_fail("skiff: out of memory for the program's arguments (give the VM more: tools/skiff run --mem)");
    size_t k = 0;
    for (size_t i = 0; i < len && k < n; k++) {
        v[k] = buf + i;
        i += strlen(buf + i) + 1;
    }
    return v;
}

static char *default_env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/", "TERM=linux", NULL,
};

static struct task *proc_create_init(void)
{
    struct proc *p = kzalloc(sizeof(*p));
    struct task *t = kzalloc(sizeof(*t));
    u8 *kstack = vmap_alloc(KSTACK_PAGES);
    u8 *fpu = page_alloc();
    if (!p || !t || !kstack || !fpu || !(p->fdt = fdtable_create()))
        panic("out of memory creating the first process");
    t->kstack_base = (u64)kstack;
    t->fpu = fpu;
    p->pid = p->pgid = p->sid = 1;
    p->exit_signal = SIGCHLD;
    p->ctty = &tty_console;  /* the console is its terminal (drivers/tty.c: session 1, group 1) */
    p->umask = 022;
    p->cwd = vfs_covering(vfs_root);
    inode_get(p->cwd);
    for (int i = 0; i < RLIM_NLIMITS; i++)
        p->rlimits[i] = (struct rlimit64){ ~0ull, ~0ull };
    p->rlimits[RLIMIT_STACK] = (struct rlimit64){ USER_STACK_SIZE, ~0ull };
    p->rlimits[RLIMIT_NOFILE] = (struct rlimit64){ 1024, 4096 }; /* Linux's INR_OPEN_CUR/MAX */
    p->rlimits[RLIMIT_NPROC] = (struct rlimit64){ threads_max() / 2, threads_max() / 2 }; /* Linux's default */
    /* the rest as Linux's INIT_RLIMITS give its first process: no core files, 8 MiB of locked memory (stress-ng
     * sized a table from an unlimited one: an 18 EB mmap), pending signals as processes, 800 KiB of message
     * queues, no nice or real-time priority above the default without CAP_SYS_NICE */
    p->rlimits[RLIMIT_CORE] = (struct rlimit64){ 0, ~0ull };
    p->rlimits[RLIMIT_MEMLOCK] = (struct rlimit64){ 8u << 20, 8u << 20 };
    p->rlimits[RLIMIT_SIGPENDING] = p->rlimits[RLIMIT_NPROC];
    p->rlimits[RLIMIT_MSGQUEUE] = (struct rlimit64){ 819200, 819200 };
    p->rlimits[RLIMIT_NICE] = p->rlimits[RLIMIT_RTPRIO] = (struct rlimit64){ 0, 0 };
    t->proc = p;
    t->tid = 1;
    cred_init_root(&t->cred);
    if (!ucount_add(0))
        panic("out of memory creating the first process");
    t->kstack_top = (u64)kstack + KSTACK_PAGES * PAGE_SIZE;
    return t;
}

/* --workdir: the program starts in this directory. */
static void set_workdir(struct proc *p, const char *path)
{
    struct inode *dir;
    int rc = vfs_lookup(vfs_root, path, WALK_FOLLOW, &dir);
    if (rc || !S_ISDIR(dir->mode)) {
        proc_diag("skiff: working directory %s: %s\n", path, rc ? "No such file or directory" : "Not a directory");
        power_off(EXIT_PANIC);
    }
    inode_get(dir);
    inode_put(p->cwd);
    p->cwd = dir;
}

/* fd 0 is /.skiff/stdin when the host packed one (its stdin was a file or a pipe), else the console. */
static void open_stdio(struct proc *p, struct inode *stdin_file)
{
    struct file *in = stdin_file ? file_open_inode(stdin_file, O_RDONLY) : console_open(CONSOLE_STDIN);
    struct file *out = console_open(CONSOLE_STDOUT), *err = console_open(CONSOLE_STDERR);
    if (!in || !out || !err)
        panic("out of memory opening stdio");
    fd_install(p->fdt, in, 0, false);
    fd_install(p->fdt, out, 1, false);
    fd_install(p->fdt, err, 2, false);
}

/* The host directories tools/skiff shares (-v, --rootfs DIR): before the program starts, and after every
 * other /.skiff file is read (a live root hides the packed one). */
static void mount_volumes(void)
{
    size_t len = 0;
    char *m = take_file("/.skiff/mounts", &len);
    const char *why = "";
    int rc = m ? vfs_boot_mounts(m, len, &why) : 0;
    if (rc) {
        char list[128];
        p9_trans_list(list, sizeof(list));
        boot_fail("skiff: cannot mount the volume at %s: %s (error %d; virtio-9p devices present: %s)", why,
                  rc == -ENOENT ? "no virtio-9p device with its tag" : rc == -EROFS ? "read-only file system"
                  : "mount failed", -rc, list);
    }
    kfree(m);
}

static struct inode *take_stdin(void)
{
    struct walk w;
    if (vfs_walk(vfs_root, "/.skiff/stdin", 0, &w) || !w.node)
        return NULL;
    struct inode *ino = w.node;
    inode_get(ino);                        /* it lives on as fd 0 after losing its name */
    ramfs_unlink(w.dir, w.name, false);
    return ino;
}

/* Diagnostics for the user go to the program's stderr, where a shell would print them. */
void proc_diag(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write_kernel(CONSOLE_STDERR, buf, MIN((size_t)n, sizeof(buf) - 1));
}

/* What the host gave cannot be used (a malformed initrd, /.skiff files): one line on stderr saying why, and
 * status 125 without a panic report (the control line "error" tells tools/skiff that this is no crash). */
noreturn void boot_fail(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof(buf) - 1, fmt, ap);
    va_end(ap);
    n = MIN(n, (int)sizeof(buf) - 2);
    buf[n++] = '\n';
    kerr("%.*s", n, buf);
    console_write_kernel(CONSOLE_STDERR, buf, (size_t)n);
    serial_write(SERIAL_CONTROL, "error\n", 6);
    power_off(EXIT_PANIC);
}

static noreturn void proc_run_first(struct task *t, char **argv, char **envp)
{
    current = t;
    proc_list_add(t->proc);
    sched_init(t);
    vsig_start(); /* a signal the host sent while we booted is this process's now */
    arch_set_kstack(t->kstack_top);
    struct regs *frame = (struct regs *)(t->kstack_top - sizeof(struct regs));
    const char *why = "";
    int rc = exec_program(t->proc, argv[0], argv, envp, frame, &why);
    if (rc == -ENOENT || rc == -ENOTDIR) {
        proc_diag("skiff: %s: No such file or directory\n", argv[0]);
        power_off(EXIT_NOENT);
    }
    if (rc == EXEC_KILLED) {
        proc_diag("skiff: %s: SIGSEGV: exec failed after committing: %s\n", argv[0], why);
        power_off(128 + SIGSEGV);
    }
    if (rc) {
        proc_diag("skiff: %s: cannot execute: %s\n", argv[0], why);
        power_off(EXIT_NOEXEC);
    }
    klog("skiff: starting %s (entry %lx)\n", argv[0], frame->rip);
    arch_user_fpu_init();
    wrmsr(MSR_FS_BASE, 0);
    timer_program_starts(); /* the boot CPU runs process 1 (under TCG: its TLB refresh, irq.c) */
    boot.user_entry_tsc = rdtsc();
    arch_enter_user(frame);
}


void proc_start_init(void)
{
    struct task *t = proc_create_init();
    boot_mark("first_process");
    struct proc *p = t->proc;
    size_t alen = 0, elen = 0;
    char *abuf = take_file("/.skiff/argv", &alen), *ebuf = take_file("/.skiff/env", &elen);
    char *init_argv[] = { (char *)(boot_arg("init") ? boot_arg("init") : "/init"), NULL };
    /* each string ends with a NUL, the last one too (docs/host-interface.md) */
    if (alen && abuf[alen - 1])
        boot_fail("skiff: /.skiff/argv in the initrd is malformed: its last argument lacks its NUL");
    if (elen && ebuf[elen - 1])
        boot_fail("skiff: /.skiff/env in the initrd is malformed: its last string lacks its NUL");
    char **argv = abuf && alen ? split_nul(abuf, alen) : init_argv;
    char **envp = ebuf ? split_nul(ebuf, elen) : default_env;
    struct inode *stdin_file = take_stdin();
    size_t clen = 0;
    char *cwd = take_file("/.skiff/cwd", &clen);
    boot_mark("read_skiff_files");
    mount_volumes();
    boot_mark("mount_volumes");
    const char *deadline = boot_arg("deadline");
    if (deadline) {
        u64 ns = 0, scale = 1000000000ull; /* S[.fraction] seconds */
        const char *c = deadline;
        for (; *c >= '0' && *c <= '9'; c++)
            ns = ns * 10 + (u64)(*c - '0') * scale;
        if (*c == '.')
            for (c++; *c >= '0' && *c <= '9' && scale > 1; c++)
                ns += (u64)(*c - '0') * (scale /= 10);
        deadline_ns = ns; /* from the kernel's first instruction (the monotonic clock's 0): no clock read at boot */
        timer_check_needed();
    }
    struct inode *root = vfs_covering(vfs_root); /* a live root is mounted over the packed one */
    if (p->cwd != root) {
        inode_get(root);
        inode_put(p->cwd);
        p->cwd = root;
    }
    if (cwd && clen)
        set_workdir(p, cwd);
    ramfs_unlink(vfs_root, ".skiff", true); /* the root's own, even under a live root */
    if (boot_arg("user"))
        user_apply(&t->cred, boot_arg("user")); /* after the mounts: the names are the guest root's */
    open_stdio(p, stdin_file);
    if (stdin_file)
        inode_put(stdin_file);
    boot_mark("workdir_user_stdio");
    proc_run_first(t, argv, envp);
}
