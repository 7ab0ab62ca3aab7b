/* ipc/shm.c — System V shared memory: a segment is an unnamed RAM file that shmat maps shared (fork copies
 * the mapping, so attachments survive it). Its attach count is the number of areas mapping that file (the
 * inode's mapcount, which fork, munmap, exec and exit keep). After IPC_RMID the segment lives on, with key
 * IPC_PRIVATE and SHM_DEST, until its last detach; removed segments are swept before every look at the table. */
#include "ipc.h"
#include "../syscalls/syscalls.h"

#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000
#define SHM_DEST 01000
#define SHM_LOCKED 02000
#define SHM_LOCK 11
#define SHM_UNLOCK 12
#define SHM_STAT 13
#define SHM_INFO 14
#define SHM_STAT_ANY 15
#define SHMLBA PAGE_SIZE

struct shm_seg {
    struct ipc_obj perm;         /* first: the table holds &perm */
    struct inode *ino;           /* the pages (one reference is ours) */
    u64 size;
    i64 atime, dtime, ctime;
    int cpid, lpid;
    u32 lock_uid;                /* SHM_LOCKED: whose RLIMIT_MEMLOCK it counts against */
};

/* struct shmid64_ds on x86_64 */
struct shmid64_ds_k {
    struct ipc64_perm_k perm;
    u64 segsz;
    i64 atime, dtime, ctime;
    i32 cpid, lpid;
    u64 nattch, unused4, unused5;
};
_Static_assert(sizeof(struct shmid64_ds_k) == 112, "struct shmid64_ds");

/* struct shminfo64 (IPC_INFO) */
struct shminfo_k { u64 shmmax, shmmin, shmmni, shmseg, shmall, spare[4]; };
_Static_assert(sizeof(struct shminfo_k) == 72, "struct shminfo64");

/* struct shm_info (SHM_INFO): pages */
struct shm_usage_k { i32 used_ids; u32 pad; u64 shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes; };
_Static_assert(sizeof(struct shm_usage_k) == 48, "struct shm_info");

static struct ipc_table shm_table = { .last = -1 };

static struct shm_seg *seg_of(struct ipc_obj *o) { return (struct shm_seg *)o; }

static void seg_destroy(struct shm_seg *s)
{
    ipc_remove(&shm_table, &s->perm);
    inode_put(s->ino);
    kfree(s);
}

/* Removed segments that nobody maps any more go now (munmap, exit and exec drop attachments without us). */
static void shm_sweep(void)
{
    for (int i = 0; i < IPC_SLOTS; i++) {
        struct shm_seg *s = seg_of(shm_table.slot[i]);
        if (s && (s->perm.mode & SHM_DEST) && s->ino->mapcount == 0)
            seg_destroy(s);
    }
}

static struct shm_seg *shm_lookup(int id)
{
    shm_sweep();
    return seg_of(ipc_find_id(&shm_table, id));
}

static struct shm_seg *seg_of_inode(const struct inode *ino)
{
    for (int i = 0; i < IPC_SLOTS; i++) {
        struct shm_seg *s = seg_of(shm_table.slot[i]);
        if (s && s->ino == ino)
            return s;
    }
    return NULL;
}

static long shm_new(i32 key, u64 size, int flg)
{
    if (size < SHMMIN || size > SHMMAX)
        return -EINVAL;
    struct shm_seg *s = kzalloc(sizeof(*s));
    struct inode *ino = s ? ramfs_new_inode(S_IFREG | ((u32)flg & 0777)) : NULL;
    if (!ino) {
        kfree(s);
        return -ENOMEM;
    }
    inode_get(ino);
    ino->size = size;
    int rc = ipc_add(&shm_table, &s->perm, key, (u32)flg);
    if (rc) {
        inode_put(ino);
        kfree(s);
        return rc;
    }
    s->ino = ino;
    s->size = size;
    s->ctime = ipc_now();
    s->cpid = current_proc()->pid;
    return s->perm.id;
}

SYSCALL(shmget)
{
    i32 key = (i32)a0;
    int flg = (int)a2, err;
    shm_sweep();
    struct ipc_obj *o = ipc_get(&shm_table, key, flg, &err);
    if (err)
        return err;
    if (!o)
        return shm_new(key, a1, flg);
    return a1 > seg_of(o)->size ? -EINVAL : o->id;
}

SYSCALL(shmat)
{
    int flg = (int)a2;
    u64 addr = a1;
    struct shm_seg *s = shm_lookup((int)a0);
    if (!s)
        return -EINVAL;
    if (addr % SHMLBA) {
        if (!(flg & SHM_RND))
            return -EINVAL;
        addr = ALIGN_DOWN(addr, SHMLBA);
    }
    if ((flg & SHM_REMAP) && !addr)
        return -EINVAL;
    u32 prot = VM_READ | ((flg & SHM_RDONLY) ? 0 : VM_WRITE) | ((flg & SHM_EXEC) ? VM_EXEC : 0);
    long rc = ipc_perm_check(&s->perm, (flg & SHM_RDONLY) ? 0444 : 0666);
    if (rc)
        return rc;
    struct vm_space *vs = current_vm();
    u64 len = ALIGN_UP(s->size, PAGE_SIZE);
    if (addr) {
        if (!vm_range_ok(addr, len) || (!(flg & SHM_REMAP) && vm_find_free(vs, len, addr) != addr))
            return -EINVAL;
    } else if (!(addr = vm_find_free(vs, len, 0))) {
        return -ENOMEM;
    }
    char name[24]; /* Linux's name for it: /SYSV and the key in 8 hex digits, "(deleted)" */
    ksnprintf(name, sizeof(name), "/SYSV%08x", (u32)s->perm.key);
    rc = vm_map_file(vs, addr, len, prot, s->ino, 0, ~0ull, true, name);
    if (rc) {
        vm_unmap(vs, addr, len);
        return rc;
    }
    s->atime = ipc_now();
    s->lpid = current_proc()->pid;
    return (long)addr;
}

/* Detaches the segment attached at addr: every area of its file within the segment's size from addr. */
SYSCALL(shmdt)
{
    u64 addr = a0;
    struct vm_space *vs = current_vm();
    struct vm_area *a = addr % PAGE_SIZE ? NULL : vm_find(vs, addr);
    struct shm_seg *s = a && a->start == addr && a->file_off == 0 && (a->flags & VM_SHARED) ? seg_of_inode(a->file)
                                                                                          : NULL;
    if (!s)
        return -EINVAL;
    u64 end = addr + ALIGN_UP(s->size, PAGE_SIZE);
    for (;;) {
        for (a = vs->areas; a; a = a->next)
            if (a->start >= addr && a->start < end && a->file == s->ino && a->file_off == a->start - addr)
                break;
        if (!a)
            break;
        vm_unmap(vs, a->start, a->end - a->start);
    }
    s->dtime = ipc_now();
    s->lpid = current_proc()->pid;
    shm_sweep();
    return 0;
}

static long shm_stat(struct shm_seg *s, void *ubuf)
{
    struct shmid64_ds_k d = { .segsz = s->size, .atime = s->atime, .dtime = s->dtime, .ctime = s->ctime,
                              .cpid = s->cpid, .lpid = s->lpid, .nattch = (u64)s->ino->mapcount };
    ipc_perm_out(&s->perm, &d.perm);
    return copy_to_user(ubuf, &d, sizeof(d));
}

static long shm_info(void *ubuf)
{
    struct shminfo_k i = { .shmmax = SHMMAX, .shmmin = SHMMIN, .shmmni = IPC_SLOTS, .shmseg = IPC_SLOTS,
                           .shmall = SHMMAX };
    if (copy_to_user(ubuf, &i, sizeof(i)))
        return -EFAULT;
    return ipc_max_index(&shm_table);
}

static u64 resident_bytes(const struct inode *ino);

/* SHM_INFO (ipcs -m -u): segments and pages in use; nothing is ever swapped */
static long shm_usage(void *ubuf)
{
    struct shm_usage_k u = { 0 };
    for (int n = 0; n < IPC_SLOTS; n++) {
        struct shm_seg *s = seg_of(shm_table.slot[n]);
        if (!s)
            continue;
        u.used_ids++;
        u.shm_tot += ALIGN_UP(s->size, PAGE_SIZE) / PAGE_SIZE;
        u.shm_rss += resident_bytes(s->ino) / PAGE_SIZE;
    }
    if (copy_to_user(ubuf, &u, sizeof(u)))
        return -EFAULT;
    return ipc_max_index(&shm_table);
}

/* SHM_STAT and SHM_STAT_ANY (ipcs): idx is a table index; the answer is the segment's id */
static long shm_stat_index(int idx, int cmd, void *ubuf)
{
    struct shm_seg *s = seg_of(ipc_find_index(&shm_table, idx));
    if (!s)
        return -EINVAL;
    long rc = cmd == SHM_STAT ? ipc_perm_check(&s->perm, 0444) : 0;
    if (!rc)
        rc = shm_stat(s, ubuf);
    return rc ? rc : s->perm.id;
}

/* SHM_LOCK and SHM_UNLOCK: CAP_IPC_LOCK, or the owner or creator; locking also needs RLIMIT_MEMLOCK room for
 * every segment the caller's uid has locked (Linux: EPERM for a limit of 0, ENOMEM past it). */
static long shm_lock(struct shm_seg *s, int cmd)
{
    u32 euid = cred_current()->euid;
    if (!capable(CAP_IPC_LOCK)) {
        if (euid != s->perm.uid && euid != s->perm.cuid)
            return -EPERM;
        u64 limit = current_proc()->rlimits[RLIMIT_MEMLOCK].cur;
        if (cmd == SHM_LOCK && !limit)
            return -EPERM;
        u64 locked = ALIGN_UP(s->size, PAGE_SIZE);
        for (int n = 0; n < IPC_SLOTS; n++) {
            struct shm_seg *o = seg_of(shm_table.slot[n]);
            if (o && o != s && (o->perm.mode & SHM_LOCKED) && o->lock_uid == euid)
                locked += ALIGN_UP(o->size, PAGE_SIZE);
        }
        if (cmd == SHM_LOCK && !(s->perm.mode & SHM_LOCKED) && locked > limit)
            return -ENOMEM;
    }
    if (cmd == SHM_LOCK) { /* nothing is swapped: pages stay in RAM anyway */
        s->perm.mode |= SHM_LOCKED;
        s->lock_uid = euid;
    } else {
        s->perm.mode &= ~(u32)SHM_LOCKED;
    }
    return 0;
}

SYSCALL(shmctl)
{
    int cmd = (int)a1;
    void *ubuf = (void *)a2;
    if (cmd < 0 || (int)a0 < 0) /* before anything else: IPC_INFO too */
        return -EINVAL;
    if (cmd == IPC_INFO)
        return shm_info(ubuf);
    if (cmd == SHM_INFO)
        return shm_usage(ubuf);
    if (cmd == SHM_STAT || cmd == SHM_STAT_ANY)
        return shm_stat_index((int)a0, cmd, ubuf);
    if (cmd != IPC_STAT && cmd != IPC_SET && cmd != IPC_RMID && cmd != SHM_LOCK && cmd != SHM_UNLOCK)
        return -EINVAL;
    struct shmid64_ds_k d;
    if (cmd == IPC_SET && copy_from_user(&d, ubuf, sizeof(d)))
        return -EFAULT;
    struct shm_seg *s = shm_lookup((int)a0);
    if (!s)
        return -EINVAL;
    if (cmd == IPC_STAT) {
        long rc = ipc_perm_check(&s->perm, 0444);
        return rc ? rc : shm_stat(s, ubuf);
    }
    if (cmd == SHM_LOCK || cmd == SHM_UNLOCK)
        return shm_lock(s, cmd);
    if (!ipc_owner(&s->perm))
        return -EPERM;
    switch (cmd) {
    case IPC_SET:
        ipc_perm_set(&s->perm, &d.perm);
        s->ctime = ipc_now();
        return 0;
    default: /* IPC_RMID */
        s->perm.mode |= SHM_DEST;
        s->perm.key = IPC_PRIVATE;
        shm_sweep();
        return 0;
    }
}

static u64 resident_bytes(const struct inode *ino)
{
    u64 n = 0;
    for (u64 i = 0; i < ino->npages; i++)
        n += ino->pages[i] != NULL;
    return n * PAGE_SIZE;
}

int ipc_proc_shm(char *buf, size_t size)
{
    size_t n = 0;
#define OUT(...) (n += (size_t)ksnprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
    shm_sweep();
    OUT("       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime"
        "      dtime      ctime                   rss                  swap\n");
    for (int i = 0; i < IPC_SLOTS; i++) {
        struct shm_seg *s = seg_of(shm_table.slot[i]);
        if (!s)
            continue;
        const struct ipc_obj *o = &s->perm;
        OUT("%10d %10d  %4o %21lu %5d %5d  %5lu %5u %5u %5u %5u %10ld %10ld %10ld %21lu %21lu\n", o->key, o->id,
            o->mode, s->size, s->cpid, s->lpid, (u64)s->ino->mapcount, o->uid, o->gid, o->cuid, o->cgid, s->atime,
            s->dtime, s->ctime, resident_bytes(s->ino), 0ul);
    }
#undef OUT
    return (int)MIN(n, size);
}
