/* tools/cli/rm.c — rm -rf of the work directory with system calls alone (openat, getdents64, unlinkat): a signal
 * before QEMU starts ends skiff in its handler (main.c), where readdir's and nftw's allocations are not safe. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cli.h"

struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Empties the directory dfd (closes it); depth bounds the recursion (the work directory is shallow). */
static void rm_in(int dfd, int depth)
{
    char buf[4096] __attribute__((aligned(8)));
    long n;
    int removed = 1;
    /* Again from the start while a pass removed something: removing entries while reading them may skip some. */
    for (int pass = 0; removed && pass < 8; pass++) {
      removed = 0;
      lseek(dfd, 0, SEEK_SET);
      while ((n = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < n;) {
            struct linux_dirent64 *e = (void *)(buf + off);
            off += e->d_reclen;
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            removed = 1;
            if (unlinkat(dfd, e->d_name, 0) == 0)
                continue;
            int sub = depth < 16 ? openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
            if (sub >= 0)
                rm_in(sub, depth + 1);
            if (unlinkat(dfd, e->d_name, AT_REMOVEDIR) != 0)
                removed = 0; /* cannot go: do not loop on it */
        }
      }
    }
    close(dfd);
}

void rm_tree(const char *path)
{
    int d = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d >= 0)
        rm_in(d, 0);
    rmdir(path);
}
