/* loader/exec.c — replacing a process's program: validate the ELF, build a new address space with each
 * PT_LOAD at its address (ET_EXEC) or at USER_PIE_BASE (ET_DYN), with its own permissions, the heap after it
 * and the stack at the top, then lay out argc/argv/envp/auxv as the System V ABI says. The old address space
 * is dropped only once the new one is complete, so a failed exec leaves the caller intact. */
#include "elf.h"
#include "../kernel/proc.h"
#include "../kernel/boot.h"
#include "../kernel/errno.h"
#include "../arch/x86_64/arch.h"

#define AT_NULL 0
#define AT_IGNORE 1
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_SYSINFO_EHDR 33
#define AT_MINSIGSTKSZ 51
#define MAX_ARG_BYTES (256 * 1024)
#define PATH_MAX_INTERP 256

static u32 seg_flags(u32 pf)
{
    return ((pf & PF_R) ? VM_READ : 0) | ((pf & PF_W) ? VM_WRITE : 0) | ((pf & PF_X) ? VM_EXEC : 0);
}

/* Maps one PT_LOAD as a private file mapping of its span; bytes past p_filesz read as zeros (the bss).
 * A segment that shares its first page with the previous one is copied in at once instead. */
static int load_segment(struct vm_space *vs, struct inode *ino, const Elf64_Phdr *ph, u64 base, u64 *prev_end)
{
    u64 start = ALIGN_DOWN(base + ph->vaddr, PAGE_SIZE);
    u64 end = ALIGN_UP(base + ph->vaddr + ph->memsz, PAGE_SIZE);
    u32 flags = seg_flags(ph->flags);
    if (start >= *prev_end) {
        /* The usual case: pages come from the file on first touch (text straight from the file's pages). */
        *prev_end = end;
        u64 file_off = ph->offset - ((base + ph->vaddr) - start);
        return vm_map_file(vs, start, end - start, flags, ino, file_off, ph->offset + ph->filesz, false);
    }
    u64 map_from = MAX(start, *prev_end);
    if (map_from > start) /* shares its first page with the previous segment: that page gets both rights */
        vm_protect(vs, start, PAGE_SIZE, (vm_find(vs, start)->flags | flags) & VM_PROT_MASK);
    if (end > map_from && vm_map(vs, map_from, end - map_from, flags))
        return -ENOMEM;
    *prev_end = MAX(*prev_end, end);
    u64 file_lo = base + ph->vaddr, file_hi = file_lo + ph->filesz;
    for (u64 va = ALIGN_DOWN(file_lo, PAGE_SIZE); va < file_hi; va += PAGE_SIZE) {
        u64 *pte = pt_walk(vs->pml4, va, true);
        if (!pte)
            return -ENOMEM;
        if (!*pte) {
            u64 pa = pmm_alloc_zero();
            if (!pa || vm_map_page(vs, va, pa, vm_find(vs, va)->flags))
                return -ENOMEM;
        }
        u8 *page = phys_to_virt(*pte & PTE_ADDR);
        u64 lo = MAX(va, file_lo), hi = MIN(va + PAGE_SIZE, file_hi);
        if (ramfs_pread(ino, page + (lo - va), hi - lo, ph->offset + (lo - file_lo)) != (ssize_t)(hi - lo))
            return -EIO;
    }
    return 0;
}

struct ustack {
    u64 sp;      /* grows down from the top of the stack area */
    int err;
};

static u64 push_bytes(struct ustack *s, const void *p, size_t n)
{
    s->sp -= n;
    if (copy_to_user((void *)s->sp, p, n))
        s->err = -EFAULT;
    return s->sp;
}

static int count_strings(char *const v[], size_t *bytes)
{
    int n = 0;
    for (; v && v[n]; n++)
        *bytes += strlen(v[n]) + 1;
    return n;
}

/* The initial stack, from the top: execfn, strings, platform, random bytes; then 16-byte aligned
 * auxv, envp, argv and argc, with rsp pointing at argc. */
static int build_stack(struct vm_space *vs, const struct elf_info *ei, u64 base, u64 interp_base, const char *path,
                       char *const argv[], char *const envp[], u64 *rsp)
{
    (void)vs;
    size_t bytes = 0;
    int argc = count_strings(argv, &bytes), envc = count_strings(envp, &bytes);
    if (bytes > MAX_ARG_BYTES)
        return -E2BIG;
    struct ustack s = { USER_STACK_TOP - 8, 0 };
    u64 execfn = push_bytes(&s, path, strlen(path) + 1);
    u64 *argp = kmalloc((argc + envc + 2) * sizeof(u64));
    if (!argp)
        return -ENOMEM;
    for (int i = envc - 1; i >= 0; i--)
        argp[argc + 1 + i] = push_bytes(&s, envp[i], strlen(envp[i]) + 1);
    for (int i = argc - 1; i >= 0; i--)
        argp[i] = push_bytes(&s, argv[i], strlen(argv[i]) + 1);
    argp[argc] = 0;
    argp[argc + 1 + envc] = 0;
    u64 platform = push_bytes(&s, "x86_64", 7);
    u8 rnd[16];
    random_fill(rnd, sizeof(rnd));
    u64 random = push_bytes(&s, rnd, sizeof(rnd));

    u64 auxv[][2] = {
        { AT_PHDR, base + ei->phdr_vaddr }, { AT_PHENT, sizeof(Elf64_Phdr) }, { AT_PHNUM, ei->phnum },
        { AT_PAGESZ, PAGE_SIZE }, { AT_BASE, interp_base }, { AT_FLAGS, 0 }, { AT_ENTRY, base + ei->entry },
        { AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 }, { AT_EGID, 0 }, { AT_SECURE, 0 },
        { AT_RANDOM, random }, { AT_HWCAP, cpu.hwcap }, { AT_HWCAP2, 0 }, { AT_CLKTCK, 100 },
        { AT_PLATFORM, platform }, { AT_EXECFN, execfn }, { AT_MINSIGSTKSZ, cpu.xsave_size + 1024 },
        { vs->vdso_base ? AT_SYSINFO_EHDR : AT_IGNORE, vs->vdso_base }, { AT_NULL, 0 },
    };
    size_t words = 1 + (argc + 1) + (envc + 1) + ARRAY_SIZE(auxv) * 2;
    s.sp = ALIGN_DOWN(s.sp - words * 8, 16) + words * 8; /* so that rsp ends 16-byte aligned */
    push_bytes(&s, auxv, sizeof(auxv));
    push_bytes(&s, argp + argc + 1, (envc + 1) * sizeof(u64));
    push_bytes(&s, argp, (argc + 1) * sizeof(u64));
    u64 argc64 = argc;
    push_bytes(&s, &argc64, sizeof(argc64));
    kfree(argp);
    *rsp = s.sp;
    return s.err;
}

static int read_header(struct inode *ino, struct elf_info *ei, const char **why)
{
    u8 *buf = kmalloc(PAGE_SIZE);
    if (!buf)
        return -ENOMEM;
    ssize_t n = ramfs_pread(ino, buf, PAGE_SIZE, 0);
    int rc = elf_parse(buf, n < 0 ? 0 : n, ino->size, ei, why) ? -ENOEXEC : 0;
    kfree(buf);
    return rc;
}

static int load_image(struct vm_space *vs, struct inode *ino, const struct elf_info *ei, u64 base)
{
    u64 prev_end = 0;
    for (int i = 0; i < ei->phnum; i++) {
        const Elf64_Phdr *ph = &ei->phdrs[i];
        if (ph->type != PT_LOAD || ph->memsz == 0)
            continue;
        int rc = load_segment(vs, ino, ph, base, &prev_end);
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
    return 0;
}

/* Loads the program's interpreter (glibc's or musl's ld.so, named by PT_INTERP) as an ET_DYN image of its
 * own, top-down in the mmap area as Linux does; the program starts there, with AT_BASE telling it where. */
static int load_interp(struct vm_space *vs, struct inode *prog, const struct elf_info *pei, u64 *ibase, u64 *ientry,
                       const char **why)
{
    char path[PATH_MAX_INTERP];
    size_t n = MIN(pei->interp_len, sizeof(path) - 1);
    if (ramfs_pread(prog, path, n, pei->interp_off) != (ssize_t)n)
        return *why = "cannot read PT_INTERP", -EIO;
    path[n] = 0;
    struct inode *ino;
    if (vfs_lookup(vfs_root, path, WALK_FOLLOW, &ino)) {
        static char msg[PATH_MAX_INTERP + 64];
        ksnprintf(msg, sizeof(msg), "its interpreter %s is not in the image", path);
        return *why = msg, -ENOEXEC;
    }
    int rc = check_file(ino, why);
    struct elf_info *ei = rc ? NULL : kmalloc(sizeof(*ei));
    if (!rc && !ei)
        rc = -ENOMEM;
    if (!rc)
        rc = read_header(ino, ei, why);
    if (!rc && (ei->type != ET_DYN || ei->has_interp))
        rc = (*why = "its interpreter is not a shared object", -ENOEXEC);
    u64 at = rc ? 0 : vm_find_free(vs, ei->hi - ei->lo, 0);
    if (!rc && !at)
        rc = -ENOMEM;
    if (!rc) {
        *ibase = at - ei->lo;
        *ientry = *ibase + ei->entry;
        rc = load_image(vs, ino, ei, *ibase);
    }
    kfree(ei);
    return rc;
}

/* What /proc/self/exe and /proc/self/cmdline report. */
static void record_program(struct proc *p, const char *path, char *const argv[])
{
    struct walk w;
    char *abs = NULL;
    if (!vfs_walk(p->cwd, path, WALK_FOLLOW, &w) && w.node)
        abs = vfs_walk_path(&w);
    if (abs && !strncmp(abs, "/proc/", 6) && p->exe) {
        kfree(abs); /* reached through /proc/self/exe: the program's real path stays what it was */
    } else {
        kfree(p->exe);
        p->exe = abs ? abs : kstrdup(path);
    }
    const char *base = path;
    for (const char *c = path; *c; c++)
        if (*c == '/')
            base = c + 1;
    memset(current->comm, 0, sizeof(current->comm)); /* as Linux: the file name, cut to 15 bytes */
    memcpy(current->comm, base, MIN(strlen(base), sizeof(current->comm) - 1));
    size_t len = 0;
    for (int i = 0; argv && argv[i]; i++)
        len += strlen(argv[i]) + 1;
    char *c = kmalloc(len + 1);
    kfree(p->cmdline);
    p->cmdline = c;
    p->cmdline_len = c ? len : 0;
    for (int i = 0; c && argv && argv[i]; i++) {
        size_t n = strlen(argv[i]) + 1;
        memcpy(c, argv[i], n);
        c += n;
    }
}

/* Builds the complete new address space; p->vm is replaced only when everything succeeded. */
int exec_load(struct proc *p, const char *path, char *const argv[], char *const envp[], struct regs *frame,
              const char **why)
{
    struct inode *ino;
    int rc = vfs_lookup(p->cwd, path, WALK_FOLLOW, &ino);
    if (rc)
        return *why = "no such file", rc;
    if ((rc = check_file(ino, why)))
        return rc;
    if (!(ino->mode & 0111))
        return *why = "not executable (no x permission)", -EACCES;
    struct elf_info *ei = kmalloc(sizeof(*ei));
    if (!ei)
        return -ENOMEM;
    rc = read_header(ino, ei, why);
    struct vm_space *vs = rc ? NULL : vm_space_create();
    if (!rc && !vs)
        rc = -ENOMEM;
    u64 base = (!rc && ei->type == ET_DYN) ? USER_PIE_BASE - ei->lo : 0, ibase = 0, entry = 0;
    if (!rc)
        rc = load_image(vs, ino, ei, base);
    if (!rc)
        entry = base + ei->entry;
    if (!rc && ei->has_interp)
        rc = load_interp(vs, ino, ei, &ibase, &entry, why);
    if (!rc)
        rc = vm_map(vs, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
                    VM_READ | VM_WRITE | VM_STACK | (ei->exec_stack ? VM_EXEC : 0));
    if (!rc)
        vdso_map(vs); /* without one (novdso, no room) programs make real syscalls */
    u64 rsp = 0;
    struct vm_space *old = p->vm;
    if (!rc) {
        p->vm = vs; /* the stack is written through page faults, which resolve against p->vm */
        vm_activate(vs);
        rc = build_stack(vs, ei, base, ibase, path, argv, envp, &rsp);
        if (rc) {
            *why = "argument list too long or no memory for the stack";
            p->vm = old;
            vm_activate(old);
        }
    }
    if (rc) {
        if (vs)
            vm_space_destroy(vs);
        kfree(ei);
        if (rc == -ENOMEM)
            *why = "out of memory";
        return rc;
    }
    vm_space_put(old); /* a vfork parent may still share it */
    record_program(p, path, argv);
    vs->brk_start = vs->brk = base + ei->hi;
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
    ssize_t n = ramfs_pread(ino, line, sizeof(line) - 1, 0);
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
    for (int depth = 0; depth < SCRIPT_DEPTH; depth++) {
        if (!parse_shebang(path, p, interp, &arg))
            return exec_load(p, path, argv, envp, frame, why);
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
