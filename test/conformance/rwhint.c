/* test/conformance/rwhint.c — fcntl(2) F_GET_RW_HINT and F_SET_RW_HINT: RWH_WRITE_LIFE_NOT_SET at first, each
 * RWH_WRITE_LIFE_* value reads back, on any file of the inode (another open file too) and on a pipe; a value past
 * RWH_WRITE_LIFE_EXTREME is EINVAL, a bad pointer EFAULT; the per-file F_GET_FILE_RW_HINT/F_SET_FILE_RW_HINT
 * (gone from Linux) are EINVAL. */
/* covers: fcntl */
#include "tap.h"
#include <stdint.h>

#ifndef F_GET_RW_HINT
#define F_GET_RW_HINT 1035
#define F_SET_RW_HINT 1036
#endif
#define F_GET_FILE_RW_HINT 1037
#define F_SET_FILE_RW_HINT 1038

static long hint_of(int fd)
{
    uint64_t h = 99;
    return fcntl(fd, F_GET_RW_HINT, &h) ? -1 : (long)h;
}

int main(void)
{
    tap_scratch("rwhint");
    int fd = open("f", O_RDWR | O_CREAT, 0644), p[2];
    T_EQ("fcntl F_GET_RW_HINT at first: RWH_WRITE_LIFE_NOT_SET", hint_of(fd), 0);
    static const char *names[] = { "RWH_WRITE_LIFE_NOT_SET", "RWH_WRITE_LIFE_NONE", "RWH_WRITE_LIFE_SHORT",
                                   "RWH_WRITE_LIFE_MEDIUM", "RWH_WRITE_LIFE_LONG", "RWH_WRITE_LIFE_EXTREME" };
    char name[120];
    for (uint64_t h = 0; h <= 5; h++) {
        snprintf(name, sizeof name, "fcntl F_SET_RW_HINT %s reads back", names[h]);
        T_TRUE(name, fcntl(fd, F_SET_RW_HINT, &h) == 0 && hint_of(fd) == (long)h);
    }
    uint64_t h = 2;
    fcntl(fd, F_SET_RW_HINT, &h);
    int fd2 = open("f", O_RDONLY);
    T_EQ("fcntl F_GET_RW_HINT through another open file of the inode", hint_of(fd2), 2);
    h = 6;
    T_ERR("fcntl F_SET_RW_HINT past RWH_WRITE_LIFE_EXTREME", fcntl(fd, F_SET_RW_HINT, &h), EINVAL);
    T_EQ("fcntl F_SET_RW_HINT refused: the hint stays", hint_of(fd), 2);
    T_ERR("fcntl F_SET_RW_HINT at a bad pointer", fcntl(fd, F_SET_RW_HINT, BADUPTR), EFAULT);
    T_ERR("fcntl F_GET_RW_HINT to a bad pointer", fcntl(fd, F_GET_RW_HINT, BADUPTR), EFAULT);
    T_ERR("fcntl F_GET_FILE_RW_HINT", fcntl(fd, F_GET_FILE_RW_HINT, &h), EINVAL);
    T_ERR("fcntl F_SET_FILE_RW_HINT", fcntl(fd, F_SET_FILE_RW_HINT, &h), EINVAL);
    if (pipe(p))
        return 2;
    h = 4;
    T_TRUE("fcntl F_SET_RW_HINT on a pipe reads back", fcntl(p[1], F_SET_RW_HINT, &h) == 0 && hint_of(p[1]) == 4);
    close(fd);
    close(fd2);
    unlink("f");
    return tap_done();
}
