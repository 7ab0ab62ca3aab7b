/* test/conformance/procfdinfo.c — /proc/PID/fdinfo/N as proc(5) describes it: pos (the file offset), flags
 * (octal: the open flags, O_LARGEFILE for what open() opened on a 64-bit kernel, O_CLOEXEC when the descriptor
 * has it, O_NONBLOCK after fcntl F_SETFL), ino (stat's st_ino); one entry per open descriptor; ENOENT for a
 * closed one. Only the first lines are compared: Linux adds lines per file type. */
/* covers: open lseek fcntl pipe2 dup3 */
#include "tap.h"
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

static char buf[4096];

/* fdinfo's "key:\t" value for fd (as a string, into out), or 0. */
static int info(int fd, const char *key, char *out, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    if (tap_read_file(path, buf, sizeof buf) < 0)
        return 0;
    size_t k = strlen(key);
    for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (!strncmp(l, key, k) && l[k] == ':' && l[k + 1] == '\t') {
            size_t n = strcspn(l + k + 2, "\n");
            snprintf(out, size, "%.*s", (int)n, l + k + 2);
            return 1;
        }
    return 0;
}

static void check(const char *name, int fd, const char *key, const char *want)
{
    char got[64] = "";
    int ok = info(fd, key, got, sizeof got);
    char d[200];
    snprintf(d, sizeof d, "%s: %s %s", name, key, strcmp(key, "ino") ? want : "is st_ino");
    T_TRUE(d, ok && !strcmp(got, want));
}

int main(void)
{
    tap_scratch("procfdinfo");
    char path[300];
    snprintf(path, sizeof path, "%s/f", tap_dir);
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (write(fd, "0123456789", 10) != 10)
        T_TRUE("write", 0);
    check("a file opened O_RDWR|O_APPEND|O_CLOEXEC", fd, "flags", "02102002");
    check("after a 10-byte write with O_APPEND", fd, "pos", "10");
    T_OK("lseek to 3", lseek(fd, 3, SEEK_SET), 3);
    check("after lseek", fd, "pos", "3");
    struct stat st;
    fstat(fd, &st);
    char ino[32];
    snprintf(ino, sizeof ino, "%lu", (unsigned long)st.st_ino);
    check("a file", fd, "ino", ino);
    T_OK("fcntl F_SETFL O_NONBLOCK", fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    check("F_SETFL O_NONBLOCK replaced O_APPEND", fd, "flags", "02104002");
    int d = dup3(fd, 40, 0);
    T_EQ("dup3 to 40", d, 40);
    check("a dup without O_CLOEXEC", d, "flags", "0104002");
    check("a dup shares the offset", d, "pos", "3");
    int rdonly = open(path, O_RDONLY);
    check("O_RDONLY", rdonly, "flags", "0100000");
    int p[2];
    T_OK("pipe2 O_NONBLOCK", pipe2(p, O_NONBLOCK), 0);
    check("a pipe's read end", p[0], "flags", "04000");
    check("a pipe's write end", p[1], "flags", "04001");
    check("a pipe", p[0], "pos", "0");
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    check("a socket made with SOCK_CLOEXEC", s, "flags", "02000002");
    int count = 0, match = 1;
    DIR *dir = opendir("/proc/self/fdinfo");
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        count++;
        if (fcntl(atoi(e->d_name), F_GETFD) < 0 && atoi(e->d_name) != dirfd(dir))
            match = 0;
    }
    if (dir)
        closedir(dir);
    T_TRUE("every fdinfo entry is an open descriptor", match && count >= 7);
    close(d);
    char path2[64];
    snprintf(path2, sizeof path2, "/proc/self/fdinfo/%d", d);
    T_ERR("fdinfo of a closed descriptor", open(path2, O_RDONLY), ENOENT);
    close(fd), close(rdonly), close(p[0]), close(p[1]), close(s);
    unlink(path);
    tap_finish_dir();
    return tap_done();
}
