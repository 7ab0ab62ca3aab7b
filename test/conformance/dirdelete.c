/* test/conformance/dirdelete.c — getdents64 offsets in a directory whose entries go while it is listed: a
 * program that unlinks each batch it reads (scandir + unlink, fts, find -delete) sees every entry exactly
 * once, and a listing resumed at a saved offset goes on after that entry, however many entries before it were
 * removed (offsets that were positions skipped as many entries as had gone). */
/* covers: getdents64 lseek */
#include "tap.h"
#include <stdint.h>

struct d64 { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; };

#define N 1500

int main(void)
{
    tap_scratch("dirdelete");
    mkdir("d", 0755);
    for (int i = 0; i < N; i++) {
        char p[32];
        snprintf(p, sizeof p, "d/f%04d", i);
        close(open(p, O_CREAT | O_WRONLY, 0644));
    }
    int fd = open("d", O_RDONLY | O_DIRECTORY);
    static char seen[N];
    char buf[1024];
    long r;
    int files = 0, twice = 0, calls = 0;
    while ((r = SYS(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        calls++;
        for (long at = 0; at < r;) {
            struct d64 *d = (struct d64 *)(buf + at);
            int i;
            if (sscanf(d->name, "f%d", &i) == 1 && i >= 0 && i < N) {
                twice += seen[i]++ > 0;
                files++;
                char p[64];
                snprintf(p, sizeof p, "d/%s", d->name);
                unlink(p);
            }
            at += d->reclen;
        }
    }
    T_OK("getdents64 while unlinking each batch: the listing ends without an error", r, 0);
    T_TRUE("getdents64 while unlinking each batch: more than one call (the batches are small)", calls > 10);
    T_OK("getdents64 while unlinking each batch: every file seen", files, N);
    T_OK("getdents64 while unlinking each batch: no file seen twice", twice, 0);
    T_OK("rmdir of the directory emptied that way", rmdir("d"), 0);
    close(fd);

    /* a saved offset, then the entries before it removed: the listing goes on after the saved entry */
    mkdir("e", 0755);
    for (int i = 0; i < 200; i++) {
        char p[32];
        snprintf(p, sizeof p, "e/g%03d", i);
        close(open(p, O_CREAT | O_WRONLY, 0644));
    }
    fd = open("e", O_RDONLY | O_DIRECTORY);
    char names[220][16];
    int64_t offs[220];
    int n = 0;
    while ((r = SYS(SYS_getdents64, fd, buf, sizeof buf)) > 0)
        for (long at = 0; at < r && n < 220; n++) {
            struct d64 *d = (struct d64 *)(buf + at);
            snprintf(names[n], sizeof names[n], "%s", d->name);
            offs[n] = d->off;
            at += d->reclen;
        }
    T_OK("getdents64 lists 200 files and the dots", n, 202);
    int mid = n / 2, removed = 0;
    for (int i = 0; i <= mid; i++)
        if (names[i][0] == 'g') {
            char p[32];
            snprintf(p, sizeof p, "e/%s", names[i]);
            removed += unlink(p) == 0;
        }
    T_OK("lseek to the offset saved after entry 101", lseek(fd, offs[mid], SEEK_SET), offs[mid]);
    r = SYS(SYS_getdents64, fd, buf, sizeof buf);
    struct d64 *first = (struct d64 *)buf;
    T_TRUE("getdents64 there, after removing the entries before it: the entry that followed it then",
           r > 0 && strcmp(first->name, names[mid + 1]) == 0);
    T_TRUE("the files removed were the ones listed before it", removed >= 99);
    close(fd);
    return tap_done();
}
