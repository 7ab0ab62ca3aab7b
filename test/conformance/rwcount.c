/* test/conformance/rwcount.c — huge counts and buffers that end in unmapped memory (issue 15). As Linux's
 * access_ok: a buffer whose end wraps around or passes the sign bit is EFAULT before anything moves; a count
 * beyond MAX_RW_COUNT is capped; a copy that meets an unmapped page stops there (a short count, or EFAULT
 * when nothing moved). */
/* covers: read write pread64 pwrite64 readv writev sendfile */
#include "tap.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/uio.h>

#define HUGE_END 0x7fffffffffff0000ul /* with any user buffer, its end passes the sign bit */

int main(void)
{
    tap_scratch("rwcount");
    char data[100];
    memset(data, 'd', sizeof(data));
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, data, sizeof(data));
    /* one page, then nothing mapped */
    char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(m + PAGE, PAGE);
    memset(m, 'm', PAGE);

    T_ERR("write count SIZE_MAX", SYS(SYS_write, fd, m, SIZE_MAX), EFAULT);
    T_ERR("write count 1 << 63", SYS(SYS_write, fd, m, 1ul << 63), EFAULT);
    T_EQ("write of a huge count wrote nothing", lseek(fd, 0, SEEK_END), 100);
    lseek(fd, 0, SEEK_SET);
    T_ERR("read count SIZE_MAX", SYS(SYS_read, fd, m, SIZE_MAX), EFAULT);
    T_ERR("pread64 count SIZE_MAX", SYS(SYS_pread64, fd, m, SIZE_MAX, 0), EFAULT);
    T_ERR("pwrite64 count SIZE_MAX", SYS(SYS_pwrite64, fd, m, SIZE_MAX, 0), EFAULT);
    T_ERR("write count SIZE_MAX from a NULL buffer", SYS(SYS_write, fd, NULL, SIZE_MAX), EFAULT);
    T_ERR("write count 0 from a kernel address", SYS(SYS_write, fd, KADDR, 0), EFAULT);

    /* a buffer that runs into the unmapped page: the copy stops there */
    T_OK("write stops at the unmapped page", SYS(SYS_pwrite64, fd, m + PAGE - 10, 100, 200), 10);
    T_OK("read stops at the unmapped page", SYS(SYS_pread64, fd, m + PAGE - 20, 100, 0), 20);
    T_ERR("read into a buffer that starts unmapped", SYS(SYS_pread64, fd, m + PAGE, 100, 0), EFAULT);

    int p[2];
    pipe(p);
    T_ERR("write to a pipe count SIZE_MAX", SYS(SYS_write, p[1], m, SIZE_MAX), EFAULT);
    write(p[1], "xy", 2);
    T_ERR("read from a pipe count SIZE_MAX", SYS(SYS_read, p[0], m, SIZE_MAX), EFAULT);
    close(p[0]), close(p[1]);

    struct iovec iov[2] = { { m, 10 }, { m, SIZE_MAX } };
    T_ERR("writev an iovec length SIZE_MAX", SYS(SYS_writev, fd, iov, 2), EINVAL);
    iov[1].iov_len = HUGE_END;
    T_ERR("writev an iovec whose end passes the sign bit", SYS(SYS_writev, fd, iov, 2), EFAULT);
    T_ERR("readv an iovec whose end passes the sign bit", SYS(SYS_readv, fd, iov, 2), EFAULT);
    T_ERR("preadv an iovec whose end passes the sign bit", SYS(SYS_preadv, fd, iov, 2, 0, 0), EFAULT);
    T_ERR("pwritev an iovec whose end passes the sign bit", SYS(SYS_pwritev, fd, iov, 2, 0, 0), EFAULT);
    T_EQ("writev of a bad iovec wrote nothing", lseek(fd, 0, SEEK_END), 210);

    int out = open("g", O_RDWR | O_CREAT | O_TRUNC, 0644);
    off_t off = 0;
    T_ERR("sendfile count SIZE_MAX (the range's end is no offset)", SYS(SYS_sendfile, out, fd, &off, SIZE_MAX), EINVAL);
    T_OK("sendfile count 1 << 62 copies the whole file", SYS(SYS_sendfile, out, fd, &off, 1ul << 62), 210);
    close(out);
    close(fd);
    tap_finish_dir();
    return tap_done();
}
