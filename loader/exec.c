/* loader/exec.c — replacing a process's program: validate the ELF, build a new address space with each
 * PT_LOAD at its address (ET_EXEC) or at USER_PIE_BASE (ET_DYN), with its own permissions, the heap after it
 * and the stack at the top (laid out by stack.c). The old address space is dropped only once the new one is
 * complete; an error Linux gives before it commits leaves the caller intact, one it meets after (a segment that
 * cannot be mapped) is EXEC_KILLED: the caller dies of SIGSEGV, as on Linux. */
#include "elf.h"
#include "../kernel/proc.h"
#include "../kernel/boot.h"
#include "../kernel/errno.h"
#include "../arch/x86_64/arch.h"

static u32 seg_flags(u32 pf)
{
    return ((pf & PF_R) ? VM_READ : 0) | ((pf & PF_W) ? VM_WRITE : 0) | ((pf & PF_X) ? VM_EXEC : 0);
}

/* Zeros [addr, the end of its page) in the new image: the bss that shares the last file page. */
static int pad_zero(struct vm_space *vs, u64 addr)
{
    static const u8 zeros[256];
    u64 end = ALIGN_UP(addr, PAGE_SIZE);
    for (; addr < end; addr += MIN(sizeof(zeros), end - addr))
        if (vm_poke(vs, addr, zeros, MIN(sizeof(zeros), end - addr)))
            return -EFAULT;
    return 0;
}

/* Maps one PT_LOAD the way Linux's binfmt_elf does, replacing whatever an earlier segment put there (segments
 * may overlap and come in any order): its file pages as a private mapping (text straight from the file's
 * pages), the rest of the last file page zeroed when memsz > filesz, and anonymous read-write pages for the
 * remaining bss. Returns 0, -ENOMEM, or EXEC_KILLED with *why for what Linux cannot map once committed. */
static int load_segment(struct vm_space *vs, struct inode *ino, const char *name, const Elf64_Phdr *ph, u64 base,
                        const char **why)
{
    if (!ph->filesz && !ph->memsz)
        return ph->vaddr >= ELF_USER_LIMIT ? (*why = "a PT_LOAD segment outside user space", EXEC_KILLED) : 0;
    if (elf_check_load(ph, base, why))
        return EXEC_KILLED;
    u64 va = base + ph->vaddr, start = ALIGN_DOWN(va, PAGE_SIZE);
    u32 flags = seg_flags(ph->flags);
    u64 anon_from = start;
    if (ph->filesz) {
        u64 end = ALIGN_UP(va + ph->filesz, PAGE_SIZE);
        if (vm_map_file(vs, start, end - start, flags, vfs_real(ino), ph->offset - (va - start), ~0ull, false, name))
            return -ENOMEM;
        anon_from = end;
        /* a read-only segment keeps the file's bytes there: Linux ignores that failure, not a writable one's */
        if (ph->memsz > ph->filesz && pad_zero(vs, va + ph->filesz) && (flags & VM_WRITE))
            return *why = "cannot clear the bss in the last file page", EXEC_KILLED;
    }
    u64 anon_end = ALIGN_UP(va + ph->memsz, PAGE_SIZE);
    if (ph->memsz > ph->filesz && anon_end > anon_from &&
        vm_map(vs, anon_from, anon_end - anon_from, VM_READ | VM_WRITE | (flags & VM_EXEC)))
        return -ENOMEM;
    return 0;
}

/* Reads and checks a program's ELF header and program headers. For an interpreter Linux answers ELIBBAD
 * where it would answer ENOEXEC for the program, and leaves its type to be checked after committing. */
static int read_header(struct inode *ino, struct elf_info *ei, bool interp, const char **why)
{
    Elf64_Ehdr h;
    ssize_t n = vfs_kread(ino, &h, sizeof(h), 0);
    if (interp && n != (ssize_t)sizeof(h))
        return *why = "its interpreter is cut short", -EIO;
    if (n < (ssize_t)sizeof(h))
        memset((u8 *)&h + (n < 0 ? 0 : n), 0, sizeof(h) - (n < 0 ? 0 : n)); /* as Linux's zeroed buffer */
    u16 type = h.type;
    if (interp && type != ET_EXEC)
        h.type = ET_DYN;
    int rc = elf_check_header(&h, n < 0 ? 0 : n, ino->size, why);
    if (rc)
        return interp ? -ELIBBAD : rc;
    size_t len = h.phnum * sizeof(Elf64_Phdr);
    Elf64_Phdr *ph = kmalloc(len);
    if (!ph)
        return -ENOMEM;
    if (vfs_kread(ino, ph, len, h.phoff) != (ssize_t)len)
        rc = (*why = "cannot read the program headers", interp ? -ELIBBAD : -ENOEXEC);
    if (!rc)
        rc = elf_scan(&h, ph, ino->size, ei, why);
    kfree(ph);
    ei->type = type;
    return rc;
}

static int load_image(struct vm_space *vs, struct inode *ino, const char *name, const struct elf_info *ei, u64 base,
                      const char **why)
{
    for (int i = 0; i < ei->phnum; i++) {
        const Elf64_Phdr *ph = &ei->phdrs[i];
        if (ph->type != PT_LOAD)
            continue;
        int rc = load_segment(vs, ino, name, ph, base, why);
        if (rc)
            return rc;
    }
    return 0;
}

static int check_file(struct inode *ino, const char **why)
{
    if (S_ISDIR(ino->mode))
        return *why = "is a directory", -EACCES;
    if (!S_ISREG(ino->mode))
        return *why = "not a regular file", -EACCES;
    if (vfs_noexec(ino))
        return *why = "its filesystem is mounted noexec", -EACCES;
    return 0;
}

/* The absolute path a walk from cwd finds for path (symbolic links followed), kmalloc'ed, or NULL. */
static char *resolved_path(struct inode *cwd, const char *path)
{
    struct walk w;
    return !vfs_walk(cwd, path, WALK_FOLLOW, &w) && w.node ? vfs_walk_path(&w) : NULL;
}

/* Finds and checks the interpreter that PT_INTERP names (glibc's or musl's ld.so), before exec commits: the
 * errors Linux gives here are the execve's (EIO, ENOEXEC, ENOENT, EACCES, ELIBBAD). */
static int open_interp(struct inode *cwd, struct inode *prog, const struct elf_info *pei, struct inode **out,
                       char **ipath, struct elf_info *iei, const char **why)
{
    char *path = kmalloc(pei->interp_len);
    if (!path)
        return -ENOMEM;
    int rc = 0;
    if (vfs_kread(prog, path, pei->interp_len, pei->interp_off) != (ssize_t)pei->interp_len)
        rc = (*why = "cannot read PT_INTERP", -EIO);
    else if (path[pei->interp_len - 1] != 0)
        rc = (*why = "PT_INTERP is not NUL-terminated", -ENOEXEC);
    struct inode *ino = NULL;
    if (!rc && !path[0])
        ino = cwd; /* as Linux: an empty name is the directory it is relative to (then EACCES) */
    else if (!rc && (rc = vfs_lookup(cwd, path, WALK_FOLLOW, &ino))) {
        static char msg[128];
        ksnprintf(msg, sizeof(msg), "its interpreter %.80s is not in the image", path);
        *why = msg;
    }
    if (!rc && path[0])
        *ipath = resolved_path(cwd, path); /* for /proc/PID/maps */
    kfree(path);
    if (!rc && !(rc = check_file(ino, why)) && !(ino->mode & 0111))
        rc = (*why = "its interpreter is not executable", -EACCES);
    if (!rc)
        rc = read_header(ino, iei, true, why);
    *out = ino;
    return rc;
}

/* Loads the interpreter as an image of its own, top-down in the mmap area as Linux does (an ET_EXEC one at its
 * link address); the program starts there, with AT_BASE telling it where. After exec has committed. */
static int load_interp(struct vm_space *vs, struct inode *ino, const char *name, const struct elf_info *ei, u64 *ibase,
                       u64 *ientry, const char **why)
{
    if (ei->type != ET_DYN && ei->type != ET_EXEC)
        return *why = "its interpreter is neither ET_EXEC nor ET_DYN", EXEC_KILLED;
    if (!ei->any_load)
        return *why = "its interpreter has no loadable segment", EXEC_KILLED;
    u64 at = ei->type == ET_EXEC ? ei->lo : vm_find_free(vs, ei->hi - ei->lo, 0);
    if (!at || ei->hi < ei->lo)
        return *why = "no room for the interpreter", EXEC_KILLED;
    *ibase = at - ei->lo;
    *ientry = *ibase + ei->entry;
    int rc = load_image(vs, ino, name, ei, *ibase, why);
    if (!rc && *ientry >= USER_TOP)
        rc = (*why = "the interpreter's entry point lies outside user space", EXEC_KILLED);
    return rc;
}

/* What /proc/self/exe and the task's name (comm) report; cmdline is read from the stack (loader/stack.c). */
/* The code and data spans /proc/PID/stat shows, by Linux's rule: code from the executable segments, data from
 * the last segment's start to the furthest file-backed end. */
static void record_layout(struct vm_space *vs, const struct elf_info *ei, u64 base)
{
    u64 start_code = ~0ull, end_code = 0, start_data = 0, end_data = 0;
    for (u16 i = 0; i < ei->phnum; i++) {
        const Elf64_Phdr *ph = &ei->phdrs[i];
        if (ph->type != PT_LOAD)
            continue;
        if ((ph->flags & PF_X) && ph->vaddr < start_code)
            start_code = ph->vaddr;
        if (ph->vaddr > start_data)
            start_data = ph->vaddr;
        u64 end = ph->vaddr + ph->filesz;
        if ((ph->flags & PF_X) && end > end_code)
            end_code = end;
        if (end > end_data)
            end_data = end;
    }
    if (start_code == ~0ull)
        start_code = 0;
    vs->layout.start_code = start_code + base, vs->layout.end_code = end_code + base;
    vs->layout.start_data = start_data + base, vs->layout.end_data = end_data + base;
}

/* What /proc/self/exe will name for the program at path: its absolute path, but when it was reached through
 * /proc/self/exe, the real path the process had. kmalloc'ed, or NULL. */
static char *program_path(struct proc *p, const char *path)
{
    char *abs = resolved_path(p->cwd, path);
    if (abs && !strncmp(abs, "/proc/", 6) && p->exe) {
        kfree(abs);
        return kstrdup(p->exe);
    }
    return abs ? abs : kstrdup(path);
}

/* The program's path (exe: program_path's, now the process's) and its name (comm). */
static void record_program(struct proc *p, const char *path, char *exe)
{
    if (exe) {
        kfree(p->exe);
        p->exe = exe;
    }
    const char *base = path;
    for (const char *c = path; *c; c++)
        if (*c == '/')
            base = c + 1;
    memset(current->comm, 0, sizeof(current->comm)); /* as Linux: the file name, cut to 15 bytes */
    memcpy(current->comm, base, MIN(strlen(base), sizeof(current->comm) - 1));
}

/* Builds the complete new address space; p->vm is replaced only when everything succeeded. */
#define STACK_EXPAND (128 * 1024) /* room below the arguments a new stack starts with (Linux's stack_expand) */

/* The initial stack area's size, as Linux's setup_arg_pages makes it: the pages the strings, their pointers and
 * the auxiliary vector take, and 128 KiB below them, within RLIMIT_STACK unless the arguments alone are bigger
 * (execve allows them up to 128 KiB with any limit). It grows down from there (kernel/vm.c, vm_grow_down). */
static u64 stack_initial(const char *execfn, char *const argv[], char *const envp[])
{
    u64 bytes = strlen(execfn) + 1 + 1024; /* execfn; the auxv, random bytes and platform string, generously */
    for (int i = 0; argv && argv[i]; i++)
        bytes += strlen(argv[i]) + 1 + sizeof(u64);
    for (int i = 0; envp && envp[i]; i++)
        bytes += strlen(envp[i]) + 1 + sizeof(u64);
    u64 args = ALIGN_UP(bytes, PAGE_SIZE), limit = ALIGN_DOWN(current_proc()->rlimits[RLIMIT_STACK].cur, PAGE_SIZE);
    return args + STACK_EXPAND <= limit ? args + STACK_EXPAND : MAX(args, limit);
}

int exec_load(struct proc *p, const char *path, const char *execfn, char *const argv[], char *const envp[],
              struct regs *frame, const char **why)
{
    struct inode *ino, *interp = NULL;
    char *ipath = NULL, *exe = NULL; /* the interpreter's and the program's paths */
    int rc = vfs_lookup(p->cwd, path, WALK_FOLLOW, &ino);
    if (rc)
        return *why = "no such file", rc;
    if ((rc = check_file(ino, why)))
        return rc;
    if ((rc = perm_inode(ino, MAY_EXEC)))
        return *why = "not executable (no x permission)", rc;
    struct elf_info *ei = kmalloc(2 * sizeof(*ei)), *iei = ei + 1;
    if (!ei)
        return -ENOMEM;
    rc = read_header(ino, ei, false, why);
    if (!rc && ei->has_interp)
        rc = open_interp(p->cwd, ino, ei, &interp, &ipath, iei, why);
    boot_mark("exec_headers"); /* while booting: /proc/skiff/boot_phases */
    struct cred nc; /* what the program runs as: committed with the new image */
    int crc = cred_exec(&current->cred, ino, ino->sb && (ino->sb->flags & SB_NOSUID), &nc, &ei->at_secure);
    if (!rc && crc)
        rc = (*why = "its file capabilities (security.capability) cannot be granted", crc);
    ei->at_ids[0] = nc.uid, ei->at_ids[1] = nc.euid, ei->at_ids[2] = nc.gid, ei->at_ids[3] = nc.egid;
    /* Linux commits here: what follows cannot be mapped kills the process (EXEC_KILLED) */
    struct vm_space *vs = rc ? NULL : vm_space_create();
    if (!rc && !vs)
        rc = -ENOMEM;
    if (vs)
        vm_set_exe(vs, ino);
    if (!rc && ei->type == ET_DYN && !ei->any_load)
        rc = (*why = "no loadable segment", EXEC_KILLED);
    u64 base = (!rc && ei->type == ET_DYN) ? USER_PIE_BASE - ei->lo : 0, ibase = 0, entry = 0;
    if (!rc)
        rc = (exe = program_path(p, path)) ? load_image(vs, ino, exe, ei, base, why) : -ENOMEM;
    entry = base + ei->entry;
    if (!rc && entry >= USER_TOP)
        rc = (*why = "the entry point lies outside user space", EXEC_KILLED);
    if (!rc && interp)
        rc = load_interp(vs, interp, ipath, iei, &ibase, &entry, why);
    kfree(ipath);
    boot_mark("exec_map_segments");
    u64 stack = stack_initial(execfn, argv, envp);
    if (!rc)
        rc = vm_map(vs, USER_STACK_TOP - stack, stack, VM_READ | VM_WRITE | VM_STACK | (ei->exec_stack ? VM_EXEC : 0));
    if (!rc)
        vdso_map(vs); /* without one (novdso, no room) programs make real syscalls */
    u64 rsp = 0;
    struct vm_space *old = p->vm;
    if (!rc) {
        p->vm = vs; /* the stack is written through page faults, which resolve against p->vm */
        vm_activate(vs);
        rc = exec_build_stack(vs, ei, base, ibase, execfn, argv, envp, &rsp);
        boot_mark("exec_stack");
        if (rc) {
            *why = "argument list too long or no memory for the stack";
            p->vm = old;
            vm_activate(old);
        }
    }
    if (rc) {
        cred_release(&nc);
        if (vs)
            vm_space_destroy(vs);
        kfree(ei);
        kfree(exe);
        if (rc == -ENOMEM)
            *why = "out of memory";
        return rc;
    }
    acct_mm_release(p, old); /* Linux keeps the old image's peak resident set in the process's ru_maxrss */
    vs->thp_disable = old && old->thp_disable;
    /* a set-ID program, or one that gained file capabilities: not dumpable (suid_dumpable 0, commit_creds) */
    vs->undumpable = nc.euid != nc.uid || nc.egid != nc.gid || (nc.cap_prm & ~current->cred.cap_prm);
    if (vs->undumpable)
        p->persona &= ~(u32)PER_CLEAR_ON_SETID; /* and none of the personality's unsafe layout flags */
    vm_space_put(old); /* a vfork parent may still share it */
    cred_release(&current->cred);
    current->cred = nc;
    record_program(p, path, exe);
    vs->brk_start = vs->brk = ei->any_load ? base + ei->hi : 0;
    record_layout(vs, ei, base);
    memset(frame, 0, sizeof(*frame));
    frame->rip = entry;
    frame->rsp = rsp;
    frame->rflags = 0x202; /* IF set */
    frame->cs = SEL_UCODE;
    frame->ss = SEL_UDATA;
    kfree(ei);
    return 0;
}

#define SHEBANG_MAX 256
#define SCRIPT_DEPTH 4

/* "#!interp [arg]": returns 1 and fills interp/arg when the file is a script, 0 when not. */
static int parse_shebang(const char *path, struct proc *p, char *interp, char **arg)
{
    struct inode *ino;
    char line[SHEBANG_MAX];
    if (vfs_lookup(p->cwd, path, WALK_FOLLOW, &ino) || !S_ISREG(ino->mode))
        return 0;
    ssize_t n = vfs_kread(ino, line, sizeof(line) - 1, 0);
    if (n < 2 || line[0] != '#' || line[1] != '!')
        return 0;
    line[n] = 0;
    char *end = strchr(line, '\n');
    if (end)
        *end = 0;
    char *s = line + 2;
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s;
    while (*e && *e != ' ' && *e != '\t')
        e++;
    if (e == s)
        return 0;
    memcpy(interp, s, e - s);
    interp[e - s] = 0;
    while (*e == ' ' || *e == '\t')
        e++;
    size_t alen = strlen(e);
    while (alen && (e[alen - 1] == ' ' || e[alen - 1] == '\t' || e[alen - 1] == '\r'))
        alen--;
    *arg = alen ? kstrndup(e, alen) : NULL;
    return 1;
}

/* exec_load plus "#!" scripts: the interpreter runs with [interp, arg?, script, argv[1..]]. */
int exec_program(struct proc *p, const char *path, char *const argv[], char *const envp[], struct regs *frame,
                 const char **why)
{
    char interp[SHEBANG_MAX], *arg = NULL;
    int argc = 0;
    while (argv && argv[argc])
        argc++;
    const char *execfn = path;
    for (int depth = 0; depth < SCRIPT_DEPTH; depth++) {
        if (!parse_shebang(path, p, interp, &arg))
            return exec_load(p, path, execfn, argv, envp, frame, why);
        char **nargv = kmalloc((argc + 4) * sizeof(char *));
        if (!nargv)
            return -ENOMEM;
        int k = 0;
        nargv[k++] = kstrdup(interp);
        if (arg)
            nargv[k++] = arg;
        nargv[k++] = kstrdup(path);
        for (int i = 1; i < argc; i++)
            nargv[k++] = argv[i];
        nargv[k] = NULL;
        argv = nargv; /* the strings stay allocated: exec either succeeds or ends the caller's request */
        argc = k;
        path = nargv[0];
    }
    *why = "too many levels of #! interpreters";
    return -ELOOP;
}
