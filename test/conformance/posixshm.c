/* test/conformance/posixshm.c — POSIX shared memory and named semaphores: glibc's shm_open and sem_open work on
 * the tmpfs at /dev/shm (mode 1777), which every Linux system mounts; a forked child sees the same pages and
 * posts the same semaphore; shm_unlink and sem_unlink remove the files. */
#include "tap.h"
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/wait.h>

#define TMPFS_MAGIC 0x01021994

int main(void)
{
    struct statfs sf;
    struct stat st;
    T_OK("statfs /dev/shm", statfs("/dev/shm", &sf), 0);
    T_EQ("statfs /dev/shm is a tmpfs", (long)sf.f_type, TMPFS_MAGIC);
    T_OK("stat /dev/shm", stat("/dev/shm", &st), 0);
    T_EQ("stat /dev/shm: a directory, mode 1777", (long)(st.st_mode & (S_IFMT | 07777)), (long)(S_IFDIR | 01777));
    shm_unlink("/conf-posixshm");
    int fd = shm_open("/conf-posixshm", O_CREAT | O_EXCL | O_RDWR, 0600);
    T_TRUE("openat /dev/shm/NAME O_CREAT|O_EXCL (shm_open)", fd >= 0);
    T_ERR("openat /dev/shm/NAME O_CREAT|O_EXCL again (shm_open) -> EEXIST",
          shm_open("/conf-posixshm", O_CREAT | O_EXCL | O_RDWR, 0600), EEXIST);
    T_OK("ftruncate a /dev/shm file", ftruncate(fd, 8192), 0);
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    T_TRUE("mmap MAP_SHARED of a /dev/shm file", p != MAP_FAILED);
    sem_unlink("/conf-posixsem");
    sem_t *s = sem_open("/conf-posixsem", O_CREAT | O_EXCL, 0600, 0);
    T_TRUE("openat /dev/shm/sem.NAME (sem_open)", s != SEM_FAILED);
    if (p == MAP_FAILED || s == SEM_FAILED)
        return tap_done();
    pid_t c = fork();
    if (c == 0) {
        strcpy(p + 4096, "written by the child");
        sem_post(s);
        _exit(0);
    }
    T_OK("futex: sem_wait on a named semaphore the child posts", sem_wait(s), 0);
    T_TRUE("mmap MAP_SHARED: the child's write is seen", !strcmp(p + 4096, "written by the child"));
    int status;
    T_EQ("wait4 the child", waitpid(c, &status, 0), c);
    T_OK("unlink /dev/shm/NAME (shm_unlink)", shm_unlink("/conf-posixshm"), 0);
    T_OK("unlink /dev/shm/sem.NAME (sem_unlink)", sem_unlink("/conf-posixsem"), 0);
    T_ERR("openat /dev/shm/NAME after unlink -> ENOENT", shm_open("/conf-posixshm", O_RDWR, 0), ENOENT);
    T_TRUE("the mapping outlives the name", !strcmp(p + 4096, "written by the child"));
    return tap_done();
}
