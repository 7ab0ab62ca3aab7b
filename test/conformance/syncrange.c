/* test/conformance/syncrange.c — sync_file_range(2): the flags and range checks (EINVAL), which files it
 * takes (ESPIPE for pipes, sockets and devices), EBADF first; on a file, each valid flag combination succeeds
 * and the data (written or through a shared mapping) reads back. PostgreSQL's checkpointer and initdb call it. */
/* covers: sync_file_range */
#include "tap.h"
#include <sys/mman.h>
#include <sys/socket.h>
#include <limits.h>

#define WAIT_BEFORE 1
#define WRITE 2
#define WAIT_AFTER 4

static long sfr(int fd, long off, long n, unsigned flags)
{
    return SYS(SYS_sync_file_range, fd, off, n, flags);
}

static void on_a_file(void)
{
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char buf[8192], back[8192];
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = (char)(i * 13 + 1);
    T_OK("write 8192 bytes", write(fd, buf, sizeof buf), 8192);
    char name[100];
    for (unsigned flags = 0; flags <= 7; flags++) {
        snprintf(name, sizeof name, "sync_file_range flags %u%s%s%s, the whole file", flags,
                 flags & 1 ? " SYNC_FILE_RANGE_WAIT_BEFORE" : "", flags & 2 ? " SYNC_FILE_RANGE_WRITE" : "",
                 flags & 4 ? " SYNC_FILE_RANGE_WAIT_AFTER" : "");
        T_OK(name, sfr(fd, 0, 0, flags), 0);
    }
    T_OK("sync_file_range a range inside the file", sfr(fd, 4096, 100, WRITE | WAIT_AFTER), 0);
    T_OK("sync_file_range a range past the end", sfr(fd, 1 << 20, 4096, WRITE), 0);
    T_OK("sync_file_range offset 0, nbytes LLONG_MAX", sfr(fd, 0, LLONG_MAX, WRITE), 0);
    T_TRUE("the bytes read back", pread(fd, back, sizeof back, 0) == 8192 && !memcmp(back, buf, sizeof buf));
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        T_TRUE("mmap the file shared", 0);
    } else {
        memcpy(m + 100, "mapped", 6);
        T_OK("sync_file_range after a write through a shared mapping",
             sfr(fd, 0, 8192, WAIT_BEFORE | WRITE | WAIT_AFTER), 0);
        T_TRUE("the mapped write reads back", pread(fd, back, 6, 100) == 6 && !memcmp(back, "mapped", 6));
        munmap(m, 8192);
    }
    int ro = open("f", O_RDONLY);
    T_OK("sync_file_range a read-only fd", sfr(ro, 0, 0, WRITE), 0);
    T_OK("sync_file_range a directory fd", sfr(open(".", O_RDONLY | O_DIRECTORY), 0, 0, WRITE), 0);

    /* EINVAL: flags, then the range */
    T_ERR("sync_file_range flags 8", sfr(fd, 0, 0, 8), EINVAL);
    T_ERR("sync_file_range flags ~0", sfr(fd, 0, 0, ~0u), EINVAL);
    T_ERR("sync_file_range a negative offset", sfr(fd, -1, 0, WRITE), EINVAL);
    T_ERR("sync_file_range a negative nbytes", sfr(fd, 0, -1, WRITE), EINVAL);
    T_ERR("sync_file_range offset + nbytes past LLONG_MAX", sfr(fd, LLONG_MAX, 1, WRITE), EINVAL);
    close(ro);
    close(fd);
}

static void not_files(void)
{
    int p[2];
    pipe(p);
    T_ERR("sync_file_range a pipe", sfr(p[0], 0, 0, WRITE), ESPIPE);
    T_ERR("sync_file_range a pipe with bad flags (flags first)", sfr(p[1], 0, 0, 8), EINVAL);
    T_ERR("sync_file_range a pipe with a negative offset (range first)", sfr(p[1], -1, 0, 0), EINVAL);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    T_ERR("sync_file_range a socket", sfr(s, 0, 0, WRITE), ESPIPE);
    int null = open("/dev/null", O_WRONLY);
    T_ERR("sync_file_range a character device", sfr(null, 0, 0, WRITE), ESPIPE);
    T_ERR("sync_file_range a closed fd", sfr(999, 0, 0, WRITE), EBADF);
    T_ERR("sync_file_range a closed fd with bad flags (EBADF first)", sfr(999, -1, 0, 8), EBADF);
    T_ERR("sync_file_range fd -1", sfr(-1, 0, 0, 0), EBADF);
    int path = open("f", O_PATH);
    T_ERR("sync_file_range an O_PATH fd", sfr(path, 0, 0, WRITE), EBADF);
    close(path);
    close(null);
    close(s);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    tap_scratch("syncrange");
    on_a_file();
    not_files();
    tap_finish_dir();
    return tap_done();
}
