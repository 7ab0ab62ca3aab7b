/* test/progs/procpid.c — /proc/<pid> of another process describes that process, not the reader: a parent
 * reads its child's stat, status, cmdline and exe while the child waits on a pipe, then sees the directory go
 * once the child is reaped. Prints one line per failed check and "N failed"; exits with the failures. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int failed;

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("not ok %s\n", what);
        failed++;
    }
}

static int slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -errno;
    int n = (int)read(fd, buf, size - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    return n;
}

int main(void)
{
    int ready[2], go[2];
    pipe(ready);
    pipe(go);
    prctl(PR_SET_NAME, "parent-proc");
    pid_t child = fork();
    if (child == 0) {
        prctl(PR_SET_NAME, "child-proc");
        chdir("/tmp");
        write(ready[1], "r", 1);
        char c;
        read(go[0], &c, 1);
        _exit(0);
    }
    char c, path[64], buf[4096], self[4096];
    read(ready[0], &c, 1); /* the child has named itself */
    snprintf(path, sizeof path, "/proc/%d/stat", child);
    check(slurp(path, buf, sizeof buf) > 0, "/proc/<child>/stat opens");
    int pid = 0, ppid = 0;
    char name[64] = "", state = 0;
    sscanf(buf, "%d (%63[^)]) %c %d", &pid, name, &state, &ppid);
    check(pid == child, "/proc/<child>/stat: the child's pid");
    check(!strcmp(name, "child-proc"), "/proc/<child>/stat: the child's name");
    check(ppid == getpid(), "/proc/<child>/stat: its parent is us");
    snprintf(path, sizeof path, "/proc/%d/status", child);
    slurp(path, buf, sizeof buf);
    check(strstr(buf, "Name:\tchild-proc\n") != NULL, "/proc/<child>/status: Name");
    slurp("/proc/self/stat", self, sizeof self);
    check(strstr(self, "(parent-proc)") != NULL, "/proc/self/stat still describes us");
    snprintf(path, sizeof path, "/proc/%d/cwd", child);
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    check(!strcmp(buf, "/tmp"), "/proc/<child>/cwd is the child's working directory");
    snprintf(path, sizeof path, "/proc/%d/fd/%d", child, go[0]);
    struct stat st;
    check(lstat(path, &st) == 0 && S_ISLNK(st.st_mode), "/proc/<child>/fd lists the child's descriptors");
    write(go[1], "g", 1);
    waitpid(child, NULL, 0);
    snprintf(path, sizeof path, "/proc/%d/stat", child);
    check(slurp(path, buf, sizeof buf) == -ENOENT, "/proc/<child> is gone once the child is reaped");
    printf("%d failed\n", failed);
    return failed;
}
