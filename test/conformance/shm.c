/* test/conformance/shm.c — System V shared memory: shmget with IPC_PRIVATE and keys (IPC_CREAT, IPC_EXCL),
 * shmat/shmdt (SHM_RDONLY, SHM_RND, SHM_REMAP), attachments shared with and surviving fork, shmctl IPC_STAT,
 * IPC_SET, IPC_RMID (the segment lives on with SHM_DEST until its last detach), /proc/sysvipc/shm, and the error
 * paths. shmctl goes through syscall() with the kernel's struct, so glibc and musl see the same thing. */
/* covers: shmget shmat shmdt shmctl */
#include "tap.h"
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>

struct kperm { int key; unsigned uid, gid, cuid, cgid, mode; unsigned short seq, pad; unsigned long u1, u2; };
struct kshm {
    struct kperm perm;
    unsigned long segsz;
    long atime, dtime, ctime;
    int cpid, lpid;
    unsigned long nattch, u4, u5;
};

static struct kshm st(int id)
{
    struct kshm d;
    memset(&d, 0xff, sizeof d);
    if (SYS(SYS_shmctl, id, IPC_STAT, &d))
        d.nattch = 999;
    return d;
}

static int status_of(pid_t c)
{
    int s = 0;
    waitpid(c, &s, 0);
    return WIFEXITED(s) ? WEXITSTATUS(s) : 128 + WTERMSIG(s);
}

/* The perms column of /proc/sysvipc/shm for id ("" if absent); the header line goes to header. */
static void proc_line(int id, char *perms, char *header)
{
    char line[512];
    perms[0] = header[0] = 0;
    FILE *f = fopen("/proc/sysvipc/shm", "r");
    if (!f)
        return;
    if (fgets(line, sizeof line, f))
        strcpy(header, line);
    while (fgets(line, sizeof line, f)) {
        int key, sid;
        char p[16];
        if (sscanf(line, "%d %d %15s", &key, &sid, p) == 3 && sid == id)
            strcpy(perms, p);
    }
    fclose(f);
}

static void test_attach(void)
{
    int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    T_TRUE("shmget IPC_PRIVATE 10000 bytes", id >= 0);
    char *p = shmat(id, NULL, 0);
    T_TRUE("shmat at an address of the kernel's choice", p != (void *)-1);
    if (p == (void *)-1)
        return;
    T_TRUE("shmat a new segment reads as zeros", p[0] == 0 && p[9999] == 0);
    strcpy(p, "parent");
    struct kshm d = st(id);
    T_TRUE("shmctl IPC_STAT: size, 1 attach, creator and last pid", d.segsz == 10000 && d.nattch == 1 &&
           d.cpid == getpid() && d.lpid == getpid());
    T_EQ("shmctl IPC_STAT: the mode", d.perm.mode, 0600);
    T_TRUE("shmctl IPC_STAT: a private key is 0", d.perm.key == 0);
    pid_t c = fork();
    if (c == 0) {
        if (strcmp(p, "parent") || st(id).nattch != 2)
            _exit(1);
        strcpy(p + 100, "child");
        _exit(0);
    }
    T_EQ("shmat a forked child shares the attachment (2 attaches there)", status_of(c), 0);
    T_TRUE("shmat the parent sees the child's write", !strcmp(p + 100, "child"));
    T_EQ("shmctl the child's exit detached its copy", (long)st(id).nattch, 1);
    char *q = shmat(id, NULL, SHM_RDONLY);
    T_TRUE("shmat SHM_RDONLY a second time: the same pages", q != (void *)-1 && !strcmp(q + 100, "child"));
    T_EQ("shmctl two attaches", (long)st(id).nattch, 2);
    T_OK("shmdt the second attachment", shmdt(q), 0);
    T_EQ("shmctl one attach after shmdt", (long)st(id).nattch, 1);
    T_OK("shmdt", shmdt(p), 0);
    T_EQ("shmctl no attach", (long)st(id).nattch, 0);
    p = shmat(id, NULL, 0);
    T_TRUE("shmat again: the contents stayed", p != (void *)-1 && !strcmp(p + 100, "child"));
    shmdt(p);
    T_OK("shmat SHM_RND rounds the address down", (long)shmat(id, p + 123, SHM_RND), (long)p);
    T_ERR("shmat over an existing mapping without SHM_REMAP", (long)shmat(id, p, 0), EINVAL);
    T_OK("shmat over an existing mapping with SHM_REMAP", (long)shmat(id, p, SHM_REMAP), (long)p);
    T_EQ("shmctl SHM_REMAP replaced the attachment (1 attach)", (long)st(id).nattch, 1);
    T_ERR("shmdt an address inside the segment", shmdt(p + 4096), EINVAL);
    T_ERR("shmdt an unaligned address", shmdt(p + 1), EINVAL);

    char perms[16], header[512];
    T_OK("shmctl IPC_RMID while attached", SYS(SYS_shmctl, id, IPC_RMID, NULL), 0);
    d = st(id);
    T_TRUE("shmctl IPC_STAT after IPC_RMID: still there, SHM_DEST set", d.nattch == 1 && d.perm.mode == 01600);
    proc_line(id, perms, header);
    T_TRUE("shmctl /proc/sysvipc/shm shows it with SHM_DEST", !strcmp(perms, "1600"));
    T_TRUE("shmctl /proc/sysvipc/shm's header is Linux's", !strcmp(header,
           "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime"
           "      dtime      ctime                   rss                  swap\n"));
    p[5000] = 1;
    T_OK("shmdt the last attachment of a removed segment", shmdt(p), 0);
    T_ERR("shmctl IPC_STAT after the last detach: gone", SYS(SYS_shmctl, id, IPC_STAT, &d), EINVAL);
    proc_line(id, perms, header);
    T_TRUE("shmctl /proc/sysvipc/shm no longer lists it", perms[0] == 0);

    /* a removed segment still attached in a child goes when the child exits */
    id = shmget(IPC_PRIVATE, 4096, 0600);
    p = shmat(id, NULL, 0);
    int pp[2];
    char ch;
    if (pipe(pp))
        return;
    c = fork();
    if (c == 0) {
        read(pp[0], &ch, 1);
        _exit(p[0]);
    }
    shmdt(p);
    SYS(SYS_shmctl, id, IPC_RMID, NULL);
    T_EQ("shmctl the child's attachment keeps the removed segment", (long)st(id).nattch, 1);
    write(pp[1], "x", 1);
    status_of(c);
    T_ERR("shmctl gone once the child exits", SYS(SYS_shmctl, id, IPC_STAT, &d), EINVAL);
}

static void test_keys(void)
{
    key_t k = 0x5e000000 | (getpid() & 0xffff);
    int id = shmget(k, 4096, IPC_CREAT | 0644);
    T_TRUE("shmget IPC_CREAT with a key", id >= 0);
    T_OK("shmget the same key finds it", shmget(k, 4096, 0), id);
    T_OK("shmget the same key, a smaller size", shmget(k, 100, 0644), id);
    T_ERR("shmget the same key, a larger size", shmget(k, 8192, 0), EINVAL);
    T_ERR("shmget IPC_CREAT|IPC_EXCL of an existing key", shmget(k, 4096, IPC_CREAT | IPC_EXCL | 0644), EEXIST);
    T_ERR("shmget a key that does not exist", shmget(k + 0x10000, 4096, 0), ENOENT);
    struct kshm d = st(id);
    T_TRUE("shmctl IPC_STAT shows the key", d.perm.key == k);
    d.perm.mode = 0640;
    T_OK("shmctl IPC_SET the mode", SYS(SYS_shmctl, id, IPC_SET, &d), 0);
    T_EQ("shmctl IPC_SET changed it", st(id).perm.mode, 0640);
    T_OK("shmctl IPC_RMID of an unattached segment", SYS(SYS_shmctl, id, IPC_RMID, NULL), 0);
    T_ERR("shmget its key is gone at once", shmget(k, 4096, 0), ENOENT);
    T_ERR("shmctl its id is gone at once", SYS(SYS_shmctl, id, IPC_STAT, &d), EINVAL);
}

static void test_errors(void)
{
    struct kshm d;
    int id = shmget(IPC_PRIVATE, 4096, 0600);
    T_ERR("shmget size 0", shmget(IPC_PRIVATE, 0, 0600), EINVAL);
    T_ERR("shmat a bad id", (long)shmat(-1, NULL, 0), EINVAL);
    T_ERR("shmat an unaligned address without SHM_RND", (long)shmat(id, (void *)0x10001000ul + 1, 0), EINVAL);
    T_ERR("shmat SHM_REMAP without an address", (long)shmat(id, NULL, SHM_REMAP), EINVAL);
    void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_ERR("shmdt a mapping that is not a segment", shmdt(m), EINVAL);
    T_ERR("shmdt an unmapped address", shmdt(BADUPTR), EINVAL);
    T_ERR("shmctl a bad command", SYS(SYS_shmctl, id, 99, &d), EINVAL);
    T_ERR("shmctl a negative command", SYS(SYS_shmctl, id, -1, &d), EINVAL);
    T_ERR("shmctl IPC_STAT a bad id", SYS(SYS_shmctl, -1, IPC_STAT, &d), EINVAL);
    T_ERR("shmctl IPC_STAT to a bad pointer", SYS(SYS_shmctl, id, IPC_STAT, BADUPTR), EFAULT);
    T_ERR("shmctl IPC_SET from a bad pointer", SYS(SYS_shmctl, id, IPC_SET, BADUPTR), EFAULT);
    T_TRUE("shmctl IPC_INFO answers with an index", SYS(SYS_shmctl, 0, IPC_INFO, &d) >= 0);
    SYS(SYS_shmctl, id, IPC_RMID, NULL);
    munmap(m, 4096);
}

int main(void)
{
    test_attach();
    test_keys();
    test_errors();
    return tap_done();
}
