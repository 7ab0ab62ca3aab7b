/* bench/src/linit.c — /init of the Linux guest's initramfs (static, PID 1).
 *
 *   rdinit=/linit -- [-o FILE] PROGRAM [ARGS...]
 *   rdinit=/linit -- [-o FILE] @ARGVFILE
 *
 * -o FILE: PROGRAM's stdout goes to FILE (e.g. /dev/null) instead of the console. @ARGVFILE: PROGRAM and its
 * arguments come from ARGVFILE, each followed by a NUL byte (the format of skiff's /.skiff/argv, so both guests
 * run the very same command line, spaces and quotes included), and the environment from the file "env" beside
 * it in the same format when there is one (skiff's /.skiff/env).
 *
 * Notes CLOCK_BOOTTIME at its first line, mounts /proc and devtmpfs on /dev, brings lo up, runs PROGRAM (fork + execve) with
 * the console as stdin/stdout/stderr, then prints
 *   linit: init_us=I run_us=R status=S
 * (I: CLOCK_BOOTTIME when /init started; R: PROGRAM's wall time from fork to reaped, measured in the guest) and
 * powers off through QEMU's isa-debug-exit device with PROGRAM's status (QEMU exits with (S << 1) | 1), falling
 * back to an ACPI power-off. Without PROGRAM it runs /bin/sh. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/io.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void power_off(int status)
{
    if (ioperm(0xf4, 4, 1) == 0)
        outb((unsigned char)status, 0xf4);
    sync();
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}

/* read_list PATH: a NUL-separated list (argv or environment), NULL-terminated; NULL if unreadable */
static char **read_list(const char *path)
{
    static char buf[1 << 16];
    static int used;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    char *start = buf + used;
    ssize_t n, len = 0;
    while ((n = read(fd, start + len, sizeof buf - used - len - 1)) > 0)
        len += n;
    close(fd);
    start[len] = 0;
    used += len + 1;
    int count = 0;
    for (ssize_t i = 0; i < len; i++)
        count += start[i] == 0;
    char **list = calloc(count + 2, sizeof *list);
    int k = 0;
    for (char *p = start; p < start + len; p += strlen(p) + 1)
        list[k++] = p;
    list[k] = NULL;
    return list;
}

/* The loopback interface up, as any Linux init does (skiff's is always up): the TCP round-trip rows use it */
static void lo_up(void)
{
    struct ifreq ifr = { 0 };
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    strcpy(ifr.ifr_name, "lo");
    if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    if (fd >= 0)
        close(fd);
}

int main(int argc, char **argv)
{
    long long init_ns = ns(CLOCK_BOOTTIME);
    mount("proc", "/proc", "proc", 0, NULL);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    lo_up();
    if (fcntl(1, F_GETFD) < 0) { /* no console opened by the kernel */
        int fd = open("/dev/console", O_RDWR);
        dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
    }
    char *sh[] = { "/bin/sh", NULL };
    char *defenv[] = { "PATH=/bin:/sbin:/usr/bin", "HOME=/", "TERM=linux", NULL };
    char **envp = defenv;
    const char *out = NULL;
    argv++, argc--;
    if (argc >= 2 && !strcmp(argv[0], "-o"))
        out = argv[1], argv += 2, argc -= 2;
    char **prog = argc > 0 ? argv : sh;
    if (argc > 0 && argv[0][0] == '@') {
        prog = read_list(argv[0] + 1);
        if (!prog || !prog[0]) {
            printf("linit: cannot read %s\n", argv[0] + 1);
            fflush(stdout);
            power_off(127);
        }
        char envpath[256];
        snprintf(envpath, sizeof envpath, "%s", argv[0] + 1);
        char *slash = strrchr(envpath, '/');
        snprintf(slash ? slash + 1 : envpath, sizeof envpath - (slash ? slash + 1 - envpath : 0), "env");
        char **e = read_list(envpath);
        if (e)
            envp = e;
    }
    long long t0 = ns(CLOCK_MONOTONIC);
    pid_t pid = fork();
    if (pid == 0) {
        if (out) {
            int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0)
                dup2(fd, 1), close(fd);
        }
        execve(prog[0], prog, envp);
        perror(prog[0]);
        _exit(127);
    }
    int st = 0, status;
    while (waitpid(pid, &st, 0) != pid)
        ;
    long long run = ns(CLOCK_MONOTONIC) - t0;
    status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    printf("linit: init_us=%lld run_us=%lld status=%d\n", init_ns / 1000, run / 1000, status);
    fflush(stdout);
    power_off(status);
    return 0;
}
