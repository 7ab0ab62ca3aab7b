/* loader/stack.c — a new program's initial stack, as the System V ABI lays it out: argc, argv, envp and the
 * auxiliary vector (where the program headers are, the page size, the entry, AT_RANDOM's bytes, the vDSO...),
 * the strings they point to above them. */
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
#define HWCAP2_FSGSBASE (1u << 1) /* the kernel set CR4.FSGSBASE (arch/x86_64/cpu.c) */
#define AT_EXECFN 31
#define AT_SYSINFO_EHDR 33
#define AT_MINSIGSTKSZ 51
#define MAX_ARG_BYTES (6u << 20) /* execve holds them to its own, tighter, limit (syscalls/exec.c) */

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
int exec_build_stack(struct vm_space *vs, const struct elf_info *ei, u64 base, u64 interp_base, const char *path,
                       char *const argv[], char *const envp[], u64 *rsp)
{
    size_t bytes = 0;
    int argc = count_strings(argv, &bytes), envc = count_strings(envp, &bytes);
    if (bytes > MAX_ARG_BYTES)
        return -E2BIG;
    struct ustack s = { USER_STACK_TOP - 8, 0 };
    u64 execfn = push_bytes(&s, path, strlen(path) + 1);
    u64 *argp = kmalloc((argc + envc + 2) * sizeof(u64));
    if (!argp)
        return -ENOMEM;
    u64 env_end = s.sp;
    for (int i = envc - 1; i >= 0; i--)
        argp[argc + 1 + i] = push_bytes(&s, envp[i], strlen(envp[i]) + 1);
    for (int i = argc - 1; i >= 0; i--)
        argp[i] = push_bytes(&s, argv[i], strlen(argv[i]) + 1);
    vs->arg_start = s.sp; /* argv's strings, then envp's: one run, as /proc/PID/cmdline and environ expect */
    vs->arg_end = argc ? argp[argc - 1] + strlen(argv[argc - 1]) + 1 : s.sp;
    vs->env_end = env_end;
    vs->layout.env_start = vs->arg_end;
    argp[argc] = 0;
    argp[argc + 1 + envc] = 0;
    u64 platform = push_bytes(&s, "x86_64", 7);
    u8 rnd[16];
    random_fill(rnd, sizeof(rnd));
    u64 random = push_bytes(&s, rnd, sizeof(rnd));

    u64 auxv[][2] = {
        { AT_PHDR, base + ei->phdr_vaddr }, { AT_PHENT, sizeof(Elf64_Phdr) }, { AT_PHNUM, ei->phnum },
        { AT_PAGESZ, PAGE_SIZE }, { AT_BASE, interp_base }, { AT_FLAGS, 0 }, { AT_ENTRY, base + ei->entry },
        { AT_UID, ei->at_ids[0] }, { AT_EUID, ei->at_ids[1] }, { AT_GID, ei->at_ids[2] }, { AT_EGID, ei->at_ids[3] },
        { AT_SECURE, ei->at_secure },
        { AT_RANDOM, random }, { AT_HWCAP, cpu.hwcap }, { AT_HWCAP2, cpu.fsgsbase ? HWCAP2_FSGSBASE : 0 }, { AT_CLKTCK, 100 },
        { AT_PLATFORM, platform }, { AT_EXECFN, execfn }, { AT_MINSIGSTKSZ, cpu.xsave_size + 1024 },
        { vs->vdso_base ? AT_SYSINFO_EHDR : AT_IGNORE, vs->vdso_base }, { AT_NULL, 0 },
    };
    size_t words = 1 + (argc + 1) + (envc + 1) + ARRAY_SIZE(auxv) * 2;
    s.sp = ALIGN_DOWN(s.sp - words * 8, 16) + words * 8; /* so that rsp ends 16-byte aligned */
    push_bytes(&s, auxv, sizeof(auxv));
    _Static_assert(sizeof(auxv) <= sizeof(vs->layout.saved_auxv), "the auxiliary vector fits /proc/PID/auxv's copy");
    memset(vs->layout.saved_auxv, 0, sizeof(vs->layout.saved_auxv));
    memcpy(vs->layout.saved_auxv, auxv, sizeof(auxv));
    push_bytes(&s, argp + argc + 1, (envc + 1) * sizeof(u64));
    push_bytes(&s, argp, (argc + 1) * sizeof(u64));
    u64 argc64 = argc;
    push_bytes(&s, &argc64, sizeof(argc64));
    kfree(argp);
    *rsp = vs->layout.start_stack = s.sp;
    return s.err;
}
