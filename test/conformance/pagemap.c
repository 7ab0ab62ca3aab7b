/* test/conformance/pagemap.c — /proc/PID/pagemap (admin-guide/mm/pagemap): one 64-bit entry per page; present
 * (bit 63) for touched pages, with a frame number for root and none for others; no soft-dirty bit (bit 55: this
 * host's kernel, like skiff, is built without CONFIG_MEM_SOFT_DIRTY); exclusively mapped (bit 56) for a private page until a fork shares it; the
 * file/shared-anon bit (61) for a shared anonymous page; 0 outside any area; EINVAL for offsets or counts not a
 * multiple of 8; nothing past the end of user space; EACCES for another user's process. */
#include "tap.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdint.h>
#include <sys/prctl.h>

#define P_PRESENT (1ull << 63)
#define P_SWAP (1ull << 62)
#define P_FILE (1ull << 61)
#define P_EXCL (1ull << 56)
#define P_SOFTDIRTY (1ull << 55)
#define P_PFN ((1ull << 55) - 1)

static uint64_t entry(int fd, const void *addr)
{
    uint64_t e = ~0ull;
    if (pread(fd, &e, 8, (off_t)((uintptr_t)addr / 4096 * 8)) != 8)
        return ~0ull;
    return e;
}

static int unprivileged(void)
{
    if (setgid(65534) || setuid(65534))
        return 100;
    prctl(PR_SET_DUMPABLE, 1); /* changing ids made /proc/self root's */
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 1;
    int fd = open("/proc/self/pagemap", O_RDONLY);
    uint64_t e = entry(fd, p);
    int r = (e & P_PRESENT) && !(e & P_PFN);
    errno = 0;
    r |= (open("/proc/1/pagemap", O_RDONLY) < 0 && errno == EACCES) << 1;
    return r;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct stat st;
    T_OK("stat /proc/self/pagemap", stat("/proc/self/pagemap", &st), 0);
    T_EQ("pagemap is -r-------- (its owner's)", st.st_mode & 07777, 0400);
    int fd = open("/proc/self/pagemap", O_RDONLY);
    T_TRUE("open /proc/self/pagemap", fd >= 0);
    uint64_t buf[4];
    T_ERR("pagemap read at an offset not a multiple of 8 -> EINVAL", pread(fd, buf, 8, 4), EINVAL);
    T_ERR("pagemap read of a count not a multiple of 8 -> EINVAL", pread(fd, buf, 12, 0), EINVAL);
    T_OK("pagemap read of nothing", pread(fd, buf, 0, 0), 0);
    T_OK("pagemap read past the end of user space", pread(fd, buf, 8, (0x800000000000ull / 4096) * 8), 0);
    char *p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 1;
    p[2 * 4096] = 1;
    uint64_t mask = P_PRESENT | P_SWAP | P_FILE | P_EXCL | P_SOFTDIRTY;
    T_EQ("a touched private page: present, exclusive", entry(fd, p) & mask, P_PRESENT | P_EXCL);
    T_TRUE("a touched page: root sees its frame number", (entry(fd, p) & P_PFN) != 0);
    T_EQ("an untouched page of the area: 0", entry(fd, p + 4096), 0);
    T_EQ("the third page, touched", entry(fd, p + 2 * 4096) & mask, P_PRESENT | P_EXCL);
    T_OK("pagemap reads several entries at once", pread(fd, buf, 32, (off_t)((uintptr_t)p / 4096 * 8)), 32);
    T_TRUE("several entries: present, not, present, not", (buf[0] & P_PRESENT) && !(buf[1] & P_PRESENT) &&
           (buf[2] & P_PRESENT) && !(buf[3] & P_PRESENT));
    pid_t c = fork();
    if (c == 0) {
        pause();
        _exit(0);
    }
    T_EQ("after fork, a page both share is no longer exclusive", entry(fd, p) & mask, P_PRESENT);
    p[0] = 2;
    T_EQ("written after fork: a copy of its own, exclusive again", entry(fd, p) & mask,
         P_PRESENT | P_EXCL);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    munmap(p, 4 * 4096);
    T_EQ("an unmapped address: 0", entry(fd, p), 0);
    char *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    s[0] = 1;
    T_EQ("a shared anonymous page: present, the file bit", entry(fd, s) & (P_PRESENT | P_FILE), P_PRESENT | P_FILE);
    int r = tap_child(unprivileged);
    T_TRUE("a process without CAP_SYS_ADMIN sees no frame numbers", r >= 0 && r < 100 && (r & 1));
    T_TRUE("another user's pagemap -> EACCES", r >= 0 && r < 100 && (r & 2));
    return tap_done();
}
