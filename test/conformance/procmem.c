/* test/conformance/procmem.c — /proc/PID/mem (proc(5)): a process's memory read and written at offset = address
 * with pread64/pwrite64 or lseek and read; a transfer that runs into an unmapped page stops there, one that starts
 * there is EIO; another process's memory (a child's, after fork) the same way, and nothing (0) once it has exited;
 * another user cannot open it (EACCES). */
/* covers: pread64 pwrite64 read write lseek open */
#include "tap.h"
#include <sys/mman.h>
#include <sys/wait.h>

static volatile long target = 0x1122334455667788l;

int main(void)
{
    int fd = open("/proc/self/mem", O_RDWR);
    T_TRUE("open /proc/self/mem read-write", fd >= 0);
    long v = 0;
    T_OK("pread64 /proc/self/mem at a variable's address", pread(fd, &v, sizeof v, (off_t)&target), 8);
    T_EQ("pread64 /proc/self/mem: the variable's value", v, 0x1122334455667788l);
    v = 42;
    T_OK("pwrite64 /proc/self/mem at a variable's address", pwrite(fd, &v, sizeof v, (off_t)&target), 8);
    T_EQ("pwrite64 /proc/self/mem: the variable changed", target, 42);
    T_ERR("pread64 /proc/self/mem at an unmapped address", pread(fd, &v, sizeof v, 4096), EIO);
    T_ERR("pwrite64 /proc/self/mem at an unmapped address", pwrite(fd, &v, sizeof v, 4096), EIO);
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p + 4096, 4096);
    p[4095] = 'z';
    char two[2] = { 0, 0 };
    T_OK("pread64 /proc/self/mem across the end of a mapping: what is mapped", pread(fd, two, 2, (off_t)(p + 4095)), 1);
    T_EQ("pread64 /proc/self/mem across the end of a mapping: its last byte", two[0], 'z');
    T_OK("lseek /proc/self/mem to an address", lseek(fd, (off_t)&target, SEEK_SET), (long)&target);
    T_OK("read /proc/self/mem at the offset", read(fd, &v, sizeof v), 8);
    T_EQ("read /proc/self/mem: the value", v, 42);
    T_OK("lseek SEEK_CUR after the read: moved by 8", lseek(fd, 0, SEEK_CUR), (long)&target + 8);
    close(fd);

    /* a child's memory, after fork: the same address holds its own value */
    int ready[2], go[2];
    pipe(ready);
    pipe(go);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        target = 7;
        write(ready[1], "r", 1);
        char b;
        read(go[0], &b, 1);
        _exit(target == 99 ? 0 : 1);
    }
    char b;
    read(ready[0], &b, 1);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)c);
    int cf = open(path, O_RDWR);
    T_TRUE("open /proc/PID/mem of a child", cf >= 0);
    v = 0;
    T_OK("pread64 /proc/PID/mem of a child", pread(cf, &v, sizeof v, (off_t)&target), 8);
    T_EQ("pread64 /proc/PID/mem of a child: its value, not ours", v, 7);
    v = 99;
    T_OK("pwrite64 /proc/PID/mem of a child", pwrite(cf, &v, sizeof v, (off_t)&target), 8);
    write(go[1], "g", 1);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    waitid(P_PID, (id_t)c, &si, WEXITED | WNOWAIT);
    T_EQ("pwrite64 /proc/PID/mem of a child: the child saw it", si.si_status, 0);
    T_OK("pread64 /proc/PID/mem of a child that has exited: nothing", pread(cf, &v, sizeof v, (off_t)&target), 0);
    close(cf);
    waitpid(c, NULL, 0);

    if (getuid() == 0) {
        c = fork();
        if (c == 0) {
            if (setgid(65534) || setuid(65534))
                _exit(100);
            snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
            int r = open(path, O_RDONLY);
            _exit(r >= 0 ? 0 : errno);
        }
        int st = 0;
        waitpid(c, &st, 0);
        T_EQ("open /proc/PID/mem of another user's process -> EACCES", WEXITSTATUS(st), EACCES);
    } else {
        T_SKIP("open /proc/PID/mem of another user's process -> EACCES", "not root");
    }
    return tap_done();
}
