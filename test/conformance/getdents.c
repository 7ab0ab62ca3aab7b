/* test/conformance/getdents.c — getdents (78), the struct linux_dirent that old binaries read: every entry once
 * with its name and its type in the record's last byte, offsets that resume, and the error paths (ENOENT: a
 * directory removed while open). */
/* covers: getdents */
#include "tap.h"
#include <dirent.h>
#include <stdint.h>

struct old_dirent { unsigned long ino, off; unsigned short reclen; char name[]; };

/* Reads the whole directory with getdents into "name:type," pairs, in the kernel's order. */
static long list(int fd, char *out, size_t cap, size_t bufsize)
{
    char buf[4096];
    long total = 0, n;
    out[0] = 0;
    while ((n = SYS(SYS_getdents, fd, buf, bufsize)) > 0) {
        for (long at = 0; at < n;) {
            struct old_dirent *d = (struct old_dirent *)(buf + at);
            char item[300];
            snprintf(item, sizeof item, "%s:%d,", d->name, buf[at + d->reclen - 1]);
            strncat(out, item, cap - strlen(out) - 1);
            at += d->reclen;
            total++;
        }
    }
    return n < 0 ? n : total;
}

static int has(const char *all, const char *item)
{
    return strstr(all, item) != NULL;
}

int main(void)
{
    tap_scratch("getdents");
    mkdir("d", 0755);
    mkdir("d/sub", 0755);
    close(open("d/a", O_CREAT | O_WRONLY, 0644));
    close(open("d/bb_longer_name", O_CREAT | O_WRONLY, 0644));
    symlink("a", "d/ln");
    int fd = open("d", O_RDONLY | O_DIRECTORY);
    char all[2048];
    T_OK("getdents lists the directory (6 entries)", list(fd, all, sizeof all, 4096), 6);
    T_TRUE("getdents: . and .. as directories", has(all, ".:4,") && has(all, "..:4,"));
    T_TRUE("getdents: the files with DT_REG, the directory DT_DIR, the symlink DT_LNK",
           has(all, "a:8,") && has(all, "bb_longer_name:8,") && has(all, "sub:4,") && has(all, "ln:10,"));
    T_OK("getdents at the end returns 0", SYS(SYS_getdents, fd, all, sizeof all), 0);
    lseek(fd, 0, SEEK_SET);
    char small[2048];
    T_OK("getdents with a buffer for about one entry at a time", list(fd, small, sizeof small, 48), 6);
    T_TRUE("getdents: the same entries one by one", strlen(small) == strlen(all));
    lseek(fd, 0, SEEK_SET);
    char buf[64];
    T_ERR("getdents with a buffer too small for one entry", SYS(SYS_getdents, fd, buf, 8), EINVAL);
    T_ERR("getdents on a closed fd", SYS(SYS_getdents, 999, buf, sizeof buf), EBADF);
    int file = open("d/a", O_RDONLY);
    T_ERR("getdents on a file", SYS(SYS_getdents, file, buf, sizeof buf), ENOTDIR);
    T_ERR("getdents into a kernel address", SYS(SYS_getdents, fd, KADDR, 4096), EFAULT);
    mkdir("gone", 0755);
    int gone = open("gone", O_RDONLY | O_DIRECTORY);
    rmdir("gone");
    T_ERR("getdents on a directory removed while open", SYS(SYS_getdents, gone, buf, sizeof buf), ENOENT);
    T_ERR("getdents64 on a directory removed while open", SYS(SYS_getdents64, gone, buf, sizeof buf), ENOENT);
    close(gone);
    return tap_done();
}
