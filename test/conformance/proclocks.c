/* test/conformance/proclocks.c — /proc/locks as proc(5) describes it (what lslocks reads): a POSIX write lock
 * on bytes 5..14 ("POSIX  ADVISORY  WRITE pid major:minor:inode 5 14"), a read lock to EOF, an flock lock
 * ("FLOCK  ADVISORY  WRITE ... 0 EOF"), an OFD lock (pid -1); gone once released. Lines are found by inode:
 * the host has locks of its own. */
/* covers: fcntl flock */
#include "tap.h"
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static char text[1 << 17];

/* The part of the /proc/locks line for the file st describes after its "N: ", or "" when there is none. */
static const char *line_st(const struct stat *sp, char *out, size_t size)
{
    struct stat st = *sp;
    char key[64];
    snprintf(key, sizeof key, " %02x:%02x:%lu ", major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
    out[0] = 0;
    if (tap_read_file("/proc/locks", text, sizeof text) < 0)
        return out;
    for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        size_t len = strcspn(l, "\n");
        char copy[256];
        snprintf(copy, sizeof copy, "%.*s", (int)len, l);
        if (strstr(copy, key) && !strstr(copy, "->")) {
            char *sp = strchr(copy, ' ');
            snprintf(out, size, "%s", sp ? sp + 1 : copy);
            return out;
        }
    }
    return out;
}

static const char *line_for(int fd, char *out, size_t size)
{
    struct stat st;
    fstat(fd, &st);
    return line_st(&st, out, size);
}

static void expect(const char *name, int fd, const char *kind, const char *type, long pid, const char *range)
{
    struct stat st;
    fstat(fd, &st);
    char want[160], got[256];
    snprintf(want, sizeof want, "%s ADVISORY  %s %ld %02x:%02x:%lu %s", kind, type, pid, major(st.st_dev),
             minor(st.st_dev), (unsigned long)st.st_ino, range);
    line_for(fd, got, sizeof got);
    T_TRUE(name, !strcmp(got, want));
    if (strcmp(got, want))
        printf("# got '%s'\n# want '%s'\n", got, want);
}

int main(void)
{
    tap_scratch("proclocks");
    char p1[300], p2[300], p3[300];
    snprintf(p1, sizeof p1, "%s/a", tap_dir);
    snprintf(p2, sizeof p2, "%s/b", tap_dir);
    snprintf(p3, sizeof p3, "%s/c", tap_dir);
    int a = open(p1, O_RDWR | O_CREAT, 0600), b = open(p2, O_RDWR | O_CREAT, 0600), c = open(p3, O_RDWR | O_CREAT, 0600);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 10 };
    T_OK("F_SETLK a write lock on bytes 5..14", fcntl(a, F_SETLK, &fl), 0);
    expect("/proc/locks: the POSIX write lock", a, "POSIX ", "WRITE", getpid(), "5 14");
    fl = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    T_OK("F_SETLK a read lock to EOF", fcntl(b, F_SETLK, &fl), 0);
    expect("/proc/locks: the POSIX read lock to EOF", b, "POSIX ", "READ", getpid(), "0 EOF");
    T_OK("flock LOCK_EX", flock(c, LOCK_EX), 0);
    expect("/proc/locks: the flock lock", c, "FLOCK ", "WRITE", getpid(), "0 EOF");
    fl = (struct flock){ .l_type = F_UNLCK, .l_whence = SEEK_SET };
    T_OK("F_SETLK unlock", fcntl(a, F_SETLK, &fl), 0);
    char got[256];
    T_TRUE("/proc/locks: no line once unlocked", line_for(a, got, sizeof got)[0] == 0);
    fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 100, .l_len = 1 };
    T_OK("F_OFD_SETLK a write lock on byte 100", fcntl(a, F_OFD_SETLK, &fl), 0);
    expect("/proc/locks: the OFD lock, pid -1", a, "OFDLCK", "WRITE", -1, "100 100");
    struct stat sb, sc;
    fstat(b, &sb), fstat(c, &sc);
    close(a), close(b), close(c);
    T_TRUE("/proc/locks: the read lock gone after close", line_st(&sb, got, sizeof got)[0] == 0);
    T_TRUE("/proc/locks: the flock lock gone after close", line_st(&sc, got, sizeof got)[0] == 0);
    unlink(p1), unlink(p2), unlink(p3);
    tap_finish_dir();
    return tap_done();
}
