/* test/conformance/fileio.c — open/openat/close, read/write, lseek, pread64/pwrite64, readv/writev. */
/* covers: open openat close read write lseek pread64 pwrite64 readv writev */
#include "tap.h"
#include <sys/uio.h>
#include <sys/mman.h>
#include <limits.h>

static char big[3 * 4096 + 16];

static void sizes(void)
{
    static const long ns[] = { 0, 1, PAGE - 1, PAGE, PAGE + 1 };
    char name[100], back[PAGE + 2];
    for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        long n = ns[i];
        int fd = SYS(SYS_open, "sz", O_RDWR | O_CREAT | O_TRUNC, 0644);
        snprintf(name, sizeof name, "write %ld bytes returns %ld", n, n);
        T_OK(name, SYS(SYS_write, fd, big, n), n);
        snprintf(name, sizeof name, "lseek after writing %ld bytes is at %ld", n, n);
        T_OK(name, SYS(SYS_lseek, fd, 0, SEEK_CUR), n);
        snprintf(name, sizeof name, "fstat size after writing %ld bytes", n);
        T_EQ(name, file_size("sz"), n);
        SYS(SYS_lseek, fd, 0, SEEK_SET);
        memset(back, 0, sizeof back);
        snprintf(name, sizeof name, "read %ld-byte file with a bigger buffer returns %ld", n, n);
        T_OK(name, SYS(SYS_read, fd, back, sizeof back), n);
        snprintf(name, sizeof name, "read back %ld bytes: same content", n);
        T_TRUE(name, memcmp(back, big, n) == 0);
        snprintf(name, sizeof name, "read at EOF of %ld-byte file returns 0", n);
        T_OK(name, SYS(SYS_read, fd, back, sizeof back), 0);
        SYS(SYS_close, fd);
    }
}

int main(void)
{
    tap_scratch("fileio");
    for (unsigned i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7 + 3);
    char buf[8192];

    /* open: success and the state it leaves */
    int fd = SYS(SYS_open, "f", O_RDWR | O_CREAT | O_EXCL, 0640);
    T_TRUE("open O_CREAT|O_EXCL new file gives fd 3", fd == 3);
    struct stat st;
    fstat(fd, &st);
    T_EQ("open O_CREAT mode 0640 & ~umask 022", st.st_mode & 07777, 0640);
    T_TRUE("open O_CREAT makes a regular empty file", S_ISREG(st.st_mode) && st.st_size == 0);
    T_OK("open O_CREAT flags read back by fcntl F_GETFL", SYS(SYS_fcntl, fd, F_GETFL), O_RDWR | 0100000);
    T_OK("close valid fd", SYS(SYS_close, fd), 0);
    T_ERR("close already closed fd", SYS(SYS_close, fd), EBADF);
    T_ERR("close -1", SYS(SYS_close, -1), EBADF);
    T_ERR("close 100000", SYS(SYS_close, 100000), EBADF);

    T_ERR("open O_CREAT|O_EXCL existing", SYS(SYS_open, "f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    T_ERR("open missing file", SYS(SYS_open, "nope", O_RDONLY), ENOENT);
    T_ERR("open O_CREAT in missing directory", SYS(SYS_open, "nodir/f", O_RDWR | O_CREAT, 0644), ENOENT);
    T_ERR("open empty path", SYS(SYS_open, "", O_RDONLY), ENOENT);
    T_ERR("open NULL path", SYS(SYS_open, NULL, O_RDONLY), EFAULT);
    T_ERR("open kernel-address path", SYS(SYS_open, KADDR, O_RDONLY), EFAULT);
    T_ERR("open unmapped user path", SYS(SYS_open, BADUPTR, O_RDONLY), EFAULT);
    T_ERR("open file/child", SYS(SYS_open, "f/x", O_RDONLY), ENOTDIR);
    T_ERR("open file with trailing slash", SYS(SYS_open, "f/", O_RDONLY), ENOTDIR);
    T_ERR("open O_CREAT new name with trailing slash", SYS(SYS_open, "g/", O_RDWR | O_CREAT, 0644), EISDIR);
    T_ERR("open O_DIRECTORY on a file", SYS(SYS_open, "f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    mkdir("d", 0755);
    T_ERR("open directory O_WRONLY", SYS(SYS_open, "d", O_WRONLY), EISDIR);
    T_ERR("open directory O_RDWR", SYS(SYS_open, "d", O_RDWR), EISDIR);
    T_ERR("open directory O_CREAT", SYS(SYS_open, "d", O_RDONLY | O_CREAT, 0644), EISDIR);
    fd = SYS(SYS_open, "d", O_RDONLY | O_DIRECTORY);
    T_TRUE("open directory O_RDONLY|O_DIRECTORY succeeds", fd >= 0);
    T_ERR("read on a directory fd", SYS(SYS_read, fd, buf, 10), EISDIR);
    T_ERR("write on a directory fd", SYS(SYS_write, fd, buf, 10), EBADF);
    close(fd);
    char longname[300];
    memset(longname, 'n', 256);
    longname[256] = 0;
    T_ERR("open 256-byte name component", SYS(SYS_open, longname, O_RDWR | O_CREAT, 0644), ENAMETOOLONG);
    longname[255] = 0;
    fd = SYS(SYS_open, longname, O_RDWR | O_CREAT, 0644);
    T_TRUE("open 255-byte name component succeeds", fd >= 0);
    close(fd);
    unlink(longname);
    static char longpath[PATH_MAX + 10];
    memset(longpath, 0, sizeof longpath);
    for (int i = 0; i < PATH_MAX; i += 2)
        memcpy(longpath + i, "./", 2);
    T_ERR("open path of PATH_MAX bytes", SYS(SYS_open, longpath, O_RDONLY), ENAMETOOLONG);
    longpath[PATH_MAX - 1] = 0;     /* 4095 bytes: "./././.../." */
    fd = SYS(SYS_open, longpath, O_RDONLY);
    T_TRUE("open path of PATH_MAX-1 bytes succeeds", fd >= 0);
    close(fd);

    /* O_TRUNC, O_APPEND */
    put_file("t", "hello world", 11);
    fd = SYS(SYS_open, "t", O_WRONLY | O_TRUNC);
    T_EQ("open O_WRONLY|O_TRUNC empties the file", file_size("t"), 0);
    close(fd);
    put_file("t", "hello world", 11);
    fd = SYS(SYS_open, "t", O_RDONLY | O_TRUNC);
    T_EQ("open O_RDONLY|O_TRUNC empties the file too", file_size("t"), 0);
    close(fd);
    put_file("t", "hello", 5);
    fd = SYS(SYS_open, "t", O_WRONLY | O_APPEND);
    T_OK("open O_APPEND starts at offset 0", SYS(SYS_lseek, fd, 0, SEEK_CUR), 0);
    T_OK("write O_APPEND returns count", SYS(SYS_write, fd, " world", 6), 6);
    T_OK("write O_APPEND leaves offset at the end", SYS(SYS_lseek, fd, 0, SEEK_CUR), 11);
    SYS(SYS_lseek, fd, 0, SEEK_SET);
    SYS(SYS_write, fd, "!", 1);
    T_EQ("write O_APPEND after lseek 0 still appends", file_size("t"), 12);
    T_OK("pwrite64 O_APPEND appends (Linux ignores the offset)", SYS(SYS_pwrite64, fd, "?", 1, 0), 1);
    T_EQ("pwrite64 O_APPEND grew the file", file_size("t"), 13);
    T_ERR("read on O_WRONLY fd", SYS(SYS_read, fd, buf, 1), EBADF);
    T_ERR("pread64 on O_WRONLY fd", SYS(SYS_pread64, fd, buf, 1, 0), EBADF);
    close(fd);
    fd = SYS(SYS_open, "t", O_RDONLY);
    T_ERR("write on O_RDONLY fd", SYS(SYS_write, fd, "x", 1), EBADF);
    T_ERR("pwrite64 on O_RDONLY fd", SYS(SYS_pwrite64, fd, "x", 1, 0), EBADF);
    T_OK("read 5 bytes", SYS(SYS_read, fd, buf, 5), 5);
    T_TRUE("read 5 bytes: content", memcmp(buf, "hello", 5) == 0);
    close(fd);
    fd = SYS(SYS_open, "t", O_PATH);
    T_TRUE("open O_PATH succeeds", fd >= 0);
    T_ERR("read on O_PATH fd", SYS(SYS_read, fd, buf, 1), EBADF);
    T_ERR("write on O_PATH fd", SYS(SYS_write, fd, "x", 1), EBADF);
    close(fd);

    /* openat */
    int dfd = SYS(SYS_open, "d", O_RDONLY | O_DIRECTORY);
    fd = SYS(SYS_openat, dfd, "inner", O_RDWR | O_CREAT, 0600);
    T_TRUE("openat relative to a directory fd creates there", fd >= 0 && file_size("d/inner") == 0);
    close(fd);
    T_ERR("openat with bad dirfd and relative path", SYS(SYS_openat, 999, "inner", O_RDONLY), EBADF);
    int ffd = SYS(SYS_open, "f", O_RDONLY);
    T_ERR("openat with a file as dirfd", SYS(SYS_openat, ffd, "inner", O_RDONLY), ENOTDIR);
    fd = SYS(SYS_openat, 999, "/tmp", O_RDONLY | O_DIRECTORY);
    T_TRUE("openat absolute path ignores a bad dirfd", fd >= 0);
    close(fd);
    fd = SYS(SYS_openat, AT_FDCWD, "f", O_RDONLY);
    T_TRUE("openat AT_FDCWD opens relative to cwd", fd >= 0);
    close(fd);
    T_ERR("openat missing file", SYS(SYS_openat, dfd, "nope", O_RDONLY), ENOENT);
    close(ffd);
    close(dfd);

    sizes();

    /* read/write errors */
    fd = SYS(SYS_open, "rw", O_RDWR | O_CREAT | O_TRUNC, 0644);
    T_ERR("read bad fd", SYS(SYS_read, 999, buf, 1), EBADF);
    T_ERR("read fd -1", SYS(SYS_read, -1, buf, 1), EBADF);
    T_ERR("write bad fd", SYS(SYS_write, 999, buf, 1), EBADF);
    T_ERR("write from NULL", SYS(SYS_write, fd, NULL, 10), EFAULT);
    T_ERR("write from kernel address", SYS(SYS_write, fd, KADDR, 10), EFAULT);
    T_ERR("write from kernel text address", SYS(SYS_write, fd, KADDR2, 10), EFAULT);
    T_EQ("write failed with EFAULT leaves size 0", file_size("rw"), 0);
    T_OK("write 0 bytes returns 0", SYS(SYS_write, fd, buf, 0), 0);
    SYS(SYS_write, fd, big, 3 * PAGE);
    SYS(SYS_lseek, fd, 0, SEEK_SET);
    T_ERR("read into NULL", SYS(SYS_read, fd, NULL, 10), EFAULT);
    T_ERR("read into kernel address", SYS(SYS_read, fd, KADDR, 10), EFAULT);
    T_OK("read after EFAULT: offset unchanged", SYS(SYS_lseek, fd, 0, SEEK_CUR), 0);
    T_OK("read 0 bytes mid-file returns 0", SYS(SYS_read, fd, buf, 0), 0);
    T_OK("read 0 bytes leaves offset", SYS(SYS_lseek, fd, 0, SEEK_CUR), 0);
    /* a buffer whose second part is unmapped: Linux copies up to the fault and returns the count */
    char *two = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(two + PAGE, PAGE);
    T_OK("read spanning into an unmapped page, page-aligned: partial count",
         SYS(SYS_read, fd, two, 2 * PAGE), PAGE);
    SYS(SYS_lseek, fd, 0, SEEK_SET);
    T_OK("read spanning into an unmapped page, unaligned: bytes up to the fault",
         SYS(SYS_read, fd, two + PAGE - 100, 2 * PAGE), 100);
    T_TRUE("read up to the fault: content", memcmp(two + PAGE - 100, big, 100) == 0);
    SYS(SYS_lseek, fd, 0, SEEK_SET);
    T_OK("write from a buffer running into an unmapped page: bytes up to the fault",
         SYS(SYS_write, fd, two + PAGE - 100, 2 * PAGE), 100);
    munmap(two, PAGE);

    /* lseek */
    SYS(SYS_ftruncate, fd, 0);
    SYS(SYS_lseek, fd, 0, SEEK_SET);
    SYS(SYS_write, fd, big, PAGE + 1);
    T_OK("lseek SEEK_SET 10", SYS(SYS_lseek, fd, 10, SEEK_SET), 10);
    T_OK("lseek SEEK_CUR +5", SYS(SYS_lseek, fd, 5, SEEK_CUR), 15);
    T_OK("lseek SEEK_CUR -15", SYS(SYS_lseek, fd, (long)-15, SEEK_CUR), 0);
    T_OK("lseek SEEK_END 0 gives the size", SYS(SYS_lseek, fd, 0, SEEK_END), PAGE + 1);
    T_OK("lseek SEEK_END -1", SYS(SYS_lseek, fd, (long)-1, SEEK_END), PAGE);
    T_OK("lseek SEEK_END +100 (past the end)", SYS(SYS_lseek, fd, 100, SEEK_END), PAGE + 101);
    T_OK("lseek past end: read returns 0", SYS(SYS_read, fd, buf, 10), 0);
    T_ERR("lseek to a negative offset", SYS(SYS_lseek, fd, (long)-1, SEEK_SET), EINVAL);
    T_ERR("lseek SEEK_END before the start", SYS(SYS_lseek, fd, -(PAGE + 2), SEEK_END), EINVAL);
    T_OK("lseek failure leaves the offset", SYS(SYS_lseek, fd, 0, SEEK_CUR), PAGE + 101);
    T_ERR("lseek whence 5", SYS(SYS_lseek, fd, 0, 5), EINVAL);
    T_ERR("lseek whence -1", SYS(SYS_lseek, fd, 0, -1), EINVAL);
    T_ERR("lseek bad fd", SYS(SYS_lseek, 999, 0, SEEK_SET), EBADF);
    T_OK("lseek SEEK_DATA 0", SYS(SYS_lseek, fd, 0, SEEK_DATA), 0);
    T_OK("lseek SEEK_HOLE 0 gives the size", SYS(SYS_lseek, fd, 0, SEEK_HOLE), PAGE + 1);
    T_ERR("lseek SEEK_DATA at the size", SYS(SYS_lseek, fd, PAGE + 1, SEEK_DATA), ENXIO);
    T_ERR("lseek SEEK_HOLE past the size", SYS(SYS_lseek, fd, PAGE + 5, SEEK_HOLE), ENXIO);
    T_OK("lseek SEEK_SET 1 TiB", SYS(SYS_lseek, fd, 1l << 40, SEEK_SET), 1l << 40);
    T_ERR("lseek SEEK_CUR below zero", SYS(SYS_lseek, fd, -(1l << 41), SEEK_CUR), EINVAL);
    /* writing past the end leaves a hole that reads as zeros */
    SYS(SYS_lseek, fd, 3 * PAGE, SEEK_SET);
    T_OK("write after lseek past end", SYS(SYS_write, fd, "Z", 1), 1);
    T_EQ("write past end extends the size", file_size("rw"), 3 * PAGE + 1);
    SYS(SYS_lseek, fd, 2 * PAGE, SEEK_SET);
    memset(buf, 1, sizeof buf);
    T_OK("read over the hole", SYS(SYS_read, fd, buf, PAGE + 1), PAGE + 1);
    int zeros = 1;
    for (int i = 0; i < PAGE; i++)
        zeros &= buf[i] == 0;
    T_TRUE("read over the hole: zeros then data", zeros && buf[PAGE] == 'Z');

    /* pread64 / pwrite64 */
    SYS(SYS_lseek, fd, 7, SEEK_SET);
    T_OK("pread64 10 bytes at 100", SYS(SYS_pread64, fd, buf, 10, 100), 10);
    T_TRUE("pread64 content", memcmp(buf, big + 100, 10) == 0);
    T_OK("pread64 leaves the offset", SYS(SYS_lseek, fd, 0, SEEK_CUR), 7);
    T_OK("pread64 at the size returns 0", SYS(SYS_pread64, fd, buf, 10, 3 * PAGE + 1), 0);
    T_OK("pread64 straddling the end returns the rest", SYS(SYS_pread64, fd, buf, 10, 3 * PAGE - 2), 3);
    T_ERR("pread64 negative offset", SYS(SYS_pread64, fd, buf, 10, (long)-1), EINVAL);
    T_ERR("pread64 bad fd", SYS(SYS_pread64, 999, buf, 10, 0), EBADF);
    T_ERR("pread64 into kernel address", SYS(SYS_pread64, fd, KADDR, 10, 0), EFAULT);
    T_OK("pwrite64 at 1", SYS(SYS_pwrite64, fd, "AB", 2, 1), 2);
    T_OK("pwrite64 leaves the offset", SYS(SYS_lseek, fd, 0, SEEK_CUR), 7);
    SYS(SYS_pread64, fd, buf, 4, 0);
    T_TRUE("pwrite64 content", buf[1] == 'A' && buf[2] == 'B' && buf[0] == big[0] && buf[3] == big[3]);
    T_ERR("pwrite64 negative offset", SYS(SYS_pwrite64, fd, "x", 1, (long)-5), EINVAL);
    T_ERR("pwrite64 from kernel address", SYS(SYS_pwrite64, fd, KADDR, 1, 0), EFAULT);
    T_OK("pwrite64 far out", SYS(SYS_pwrite64, fd, "E", 1, 10 * PAGE), 1);
    T_EQ("pwrite64 far out extends the size", file_size("rw"), 10 * PAGE + 1);
    int dfd2 = SYS(SYS_open, "d", O_RDONLY);
    T_ERR("pread64 on a directory", SYS(SYS_pread64, dfd2, buf, 10, 0), EISDIR);
    close(dfd2);
    int pfd[2];
    if (pipe(pfd) == 0) {
        T_ERR("pread64 on a pipe", SYS(SYS_pread64, pfd[0], buf, 1, 0), ESPIPE);
        close(pfd[0]), close(pfd[1]);
    } else {
        T_SKIP("pread64 on a pipe -> ESPIPE", "no pipe2 in this kernel");
    }

    /* readv / writev */
    SYS(SYS_ftruncate, fd, 0);
    SYS(SYS_lseek, fd, 0, SEEK_SET);
    struct iovec iov[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
    T_OK("writev 3 iovecs (one empty)", SYS(SYS_writev, fd, iov, 3), 8);
    T_OK("writev advances the offset", SYS(SYS_lseek, fd, 0, SEEK_CUR), 8);
    T_OK("writev 0 iovecs", SYS(SYS_writev, fd, iov, 0), 0);
    T_ERR("writev -1 iovecs", SYS(SYS_writev, fd, iov, -1), EINVAL);
    T_ERR("writev 1025 iovecs", SYS(SYS_writev, fd, iov, 1025), EINVAL);
    T_ERR("writev iovec array at kernel address", SYS(SYS_writev, fd, KADDR, 1), EFAULT);
    T_ERR("writev iovec array NULL", SYS(SYS_writev, fd, NULL, 1), EFAULT);
    T_ERR("writev bad fd", SYS(SYS_writev, 999, iov, 1), EBADF);
    struct iovec neg[1] = { { "a", (size_t)-1 } };
    T_ERR("writev negative iov_len", SYS(SYS_writev, fd, neg, 1), EINVAL);
    struct iovec kbad[2] = { { "xy", 2 }, { KADDR, 4 } };
    T_ERR("writev second iovec at a kernel address", SYS(SYS_writev, fd, kbad, 2), EFAULT);
    T_OK("writev failed with EFAULT wrote nothing", SYS(SYS_lseek, fd, 0, SEEK_CUR), 8);
    SYS(SYS_lseek, fd, 0, SEEK_SET);
    char a[2], b[4], c[10];
    struct iovec riov[3] = { { a, 2 }, { b, 4 }, { c, 10 } };
    T_OK("readv 3 iovecs: short at EOF", SYS(SYS_readv, fd, riov, 3), 8);
    T_TRUE("readv content split over iovecs", !memcmp(a, "ab", 2) && !memcmp(b, "cdef", 4) && !memcmp(c, "gh", 2));
    T_OK("readv at EOF", SYS(SYS_readv, fd, riov, 3), 0);
    T_ERR("readv -1 iovecs", SYS(SYS_readv, fd, riov, -1), EINVAL);
    T_ERR("readv 1025 iovecs", SYS(SYS_readv, fd, riov, 1025), EINVAL);
    T_ERR("readv iovec array at kernel address", SYS(SYS_readv, fd, KADDR, 1), EFAULT);
    T_ERR("readv bad fd", SYS(SYS_readv, 999, riov, 1), EBADF);
    SYS(SYS_lseek, fd, 0, SEEK_SET);
    struct iovec rk[1] = { { KADDR, 4 } };
    T_ERR("readv into a kernel address", SYS(SYS_readv, fd, rk, 1), EFAULT);
    close(fd);
    fd = SYS(SYS_open, "rw", O_WRONLY);
    T_ERR("readv on O_WRONLY fd", SYS(SYS_readv, fd, riov, 1), EBADF);
    close(fd);
    fd = SYS(SYS_open, "rw", O_RDONLY);
    T_ERR("writev on O_RDONLY fd", SYS(SYS_writev, fd, iov, 1), EBADF);
    close(fd);

    tap_finish_dir();
    return tap_done();
}
