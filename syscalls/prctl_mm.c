/* syscalls/prctl_mm.c — prctl(PR_SET_MM): a checkpoint/restore tool (CRIU) or a process renaming itself (systemd
 * moves its argument area) rewrites where the kernel believes the program's code, data, heap, stack, arguments and
 * environment are (/proc/PID/stat, cmdline, environ, auxv), its saved auxiliary vector, and which file
 * /proc/PID/exe names. One field at a time needs CAP_SYS_RESOURCE; PR_SET_MM_MAP sets them all at once and needs
 * nothing unless it also changes the executable (CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN). The checks are Linux's:
 * addresses inside user space and above mmap_min_addr, the pairs in order, the arguments and environment inside
 * a mapping, the new executable a regular executable file, the old one no longer mapped (EBUSY). */
#include "syscalls.h"
#include "../kernel/cred.h"

#define PR_SET_MM 35
#define PR_SET_MM_START_CODE 1
#define PR_SET_MM_END_CODE 2
#define PR_SET_MM_START_DATA 3
#define PR_SET_MM_END_DATA 4
#define PR_SET_MM_START_STACK 5
#define PR_SET_MM_START_BRK 6
#define PR_SET_MM_BRK 7
#define PR_SET_MM_ARG_START 8
#define PR_SET_MM_ARG_END 9
#define PR_SET_MM_ENV_START 10
#define PR_SET_MM_ENV_END 11
#define PR_SET_MM_AUXV 12
#define PR_SET_MM_EXE_FILE 13
#define PR_SET_MM_MAP 14
#define PR_SET_MM_MAP_SIZE 15

#define MMAP_MIN_ADDR 65536 /* vm.mmap_min_addr */
#define TASK_SIZE (USER_TOP - PAGE_SIZE)

/* Linux's struct prctl_mm_map */
struct mm_map {
    u64 start_code, end_code, start_data, end_data, start_brk, brk, start_stack, arg_start, arg_end, env_start, env_end;
    u64 auxv;
    u32 auxv_size;
    u32 exe_fd;
};
_Static_assert(sizeof(struct mm_map) == 104, "struct prctl_mm_map is Linux's");

static void map_of(const struct vm_space *vs, struct mm_map *m)
{
    const struct vm_layout *l = &vs->layout;
    *m = (struct mm_map){ l->start_code, l->end_code, l->start_data, l->end_data, vs->brk_start, vs->brk,
                          l->start_stack, vs->arg_start, vs->arg_end, l->env_start, vs->env_end, 0, 0, ~0u };
}

static long validate(const struct mm_map *m)
{
    const u64 *v = &m->start_code;
    for (int i = 0; i < 11; i++)
        if (v[i] >= TASK_SIZE || v[i] < MMAP_MIN_ADDR)
            return -EINVAL;
    if (!(m->start_code < m->end_code) || !(m->start_data <= m->end_data) || !(m->start_brk <= m->brk) ||
        !(m->arg_start <= m->arg_end) || !(m->env_start <= m->env_end))
        return -EINVAL;
    return 0; /* RLIMIT_DATA is recorded only (docs/syscalls.md): nothing to check the data span against */
}

static void apply(struct vm_space *vs, const struct mm_map *m)
{
    struct vm_layout *l = &vs->layout;
    l->start_code = m->start_code, l->end_code = m->end_code;
    l->start_data = m->start_data, l->end_data = m->end_data;
    vs->brk_start = m->start_brk, vs->brk = m->brk;
    l->start_stack = m->start_stack;
    vs->arg_start = m->arg_start, vs->arg_end = m->arg_end;
    l->env_start = m->env_start, vs->env_end = m->env_end;
}

/* /proc/PID/exe becomes fd's file, which must be a regular file it could execute; the old one must not be mapped
 * any more (else the link would lie about what runs). */
static long set_exe_file(struct vm_space *vs, int fd)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    struct inode *ino = f->inode;
    if (!ino || !S_ISREG(ino->mode) || (ino->sb && (ino->sb->flags & SB_NOEXEC)) || perm_inode(ino, MAY_EXEC))
        return -EACCES;
    for (const struct vm_area *a = vs->areas; vs->exe && a; a = a->next)
        if (a->file == vs->exe)
            return -EBUSY;
    char *path = f->path ? kstrdup(f->path) : NULL;
    if (f->path && !path)
        return -ENOMEM;
    vm_set_exe(vs, ino);
    struct proc *p = current_proc();
    if (path) {
        kfree(p->exe);
        p->exe = path;
    }
    return 0;
}

static long set_auxv(struct vm_space *vs, u64 uaddr, u64 len)
{
    u64 a[VM_AUXV_WORDS] = { 0 };
    if (!uaddr || len > sizeof(a))
        return -EINVAL;
    if (copy_from_user(a, (const void *)uaddr, len))
        return -EFAULT;
    a[VM_AUXV_WORDS - 2] = a[VM_AUXV_WORDS - 1] = 0; /* it ends in AT_NULL whatever was given */
    memcpy(vs->layout.saved_auxv, a, sizeof(a));
    return 0;
}

static long set_map(struct vm_space *vs, u64 uaddr, u64 size)
{
    if (size != sizeof(struct mm_map))
        return -EINVAL;
    struct mm_map m;
    if (copy_from_user(&m, (const void *)uaddr, sizeof(m)))
        return -EFAULT;
    long rc = validate(&m);
    if (rc)
        return rc;
    u64 aux[VM_AUXV_WORDS] = { 0 };
    if (m.auxv_size) {
        if (!m.auxv || m.auxv_size > sizeof(aux))
            return -EINVAL;
        if (copy_from_user(aux, (const void *)m.auxv, m.auxv_size))
            return -EFAULT;
        aux[VM_AUXV_WORDS - 2] = aux[VM_AUXV_WORDS - 1] = 0;
    }
    if (m.exe_fd != ~0u) {
        if (!capable(CAP_CHECKPOINT_RESTORE) && !capable(CAP_SYS_ADMIN))
            return -EPERM;
        if ((rc = set_exe_file(vs, (int)m.exe_fd)) != 0)
            return rc;
    }
    apply(vs, &m);
    if (m.auxv_size)
        memcpy(vs->layout.saved_auxv, aux, sizeof(aux));
    return 0;
}

/* One field: the others stay, and the whole must still be valid. */
static long set_one(struct vm_space *vs, int op, u64 addr)
{
    if (addr >= TASK_SIZE || addr < MMAP_MIN_ADDR)
        return -EINVAL;
    struct mm_map m;
    map_of(vs, &m);
    u64 *field[] = { NULL, &m.start_code, &m.end_code, &m.start_data, &m.end_data, &m.start_stack, &m.start_brk,
                     &m.brk, &m.arg_start, &m.arg_end, &m.env_start, &m.env_end };
    if (op < PR_SET_MM_START_CODE || op > PR_SET_MM_ENV_END)
        return -EINVAL;
    *field[op] = addr;
    long rc = validate(&m);
    if (rc)
        return rc;
    /* the stack, arguments and environment must be below some mapping's end (Linux's find_vma test) */
    bool needs_mapping = op == PR_SET_MM_START_STACK || (op >= PR_SET_MM_ARG_START && op <= PR_SET_MM_ENV_END);
    const struct vm_area *a = vs->areas;
    while (a && a->end <= addr)
        a = a->next;
    if (needs_mapping && !a)
        return -EFAULT;
    apply(vs, &m);
    return 0;
}

#define PR_SET_VMA 0x53564d41

long prctl_mm(int opt, u64 op, u64 addr, u64 a4, u64 a5, bool *handled)
{
    *handled = opt == PR_SET_MM || opt == PR_SET_VMA;
    if (opt == PR_SET_VMA)
        return -EINVAL; /* names for anonymous mappings: not kept, as on a kernel without CONFIG_ANON_VMA_NAME */
    if (!*handled)
        return 0;
    struct vm_space *vs = current_vm();
    if (a5 || (a4 && op != PR_SET_MM_AUXV && op != PR_SET_MM_MAP && op != PR_SET_MM_MAP_SIZE))
        return -EINVAL;
    if (op == PR_SET_MM_MAP_SIZE) {
        u32 size = sizeof(struct mm_map);
        return copy_to_user((void *)addr, &size, sizeof(size)) ? -EFAULT : 0;
    }
    if (op == PR_SET_MM_MAP)
        return set_map(vs, addr, a4);
    if (!capable(CAP_SYS_RESOURCE))
        return -EPERM;
    if (op == PR_SET_MM_EXE_FILE)
        return set_exe_file(vs, (int)addr);
    if (op == PR_SET_MM_AUXV)
        return set_auxv(vs, addr, a4);
    return set_one(vs, (int)op, addr);
}
