/* bench/src/linit.c — /init of the Linux guest's initramfs (static, PID 1).
 *
 *   rdinit=/linit -- PROGRAM [ARGS...]
 *
 * Notes CLOCK_BOOTTIME at its first line, mounts /proc and devtmpfs on /dev, runs PROGRAM (fork + execve) with
 * the console as stdin/stdout/stderr, then prints
 *   linit: init_us=I run_us=R status=S
 * (I: CLOCK_BOOTTIME when /init started; R: PROGRAM's wall time from fork to reaped, measured in the guest) and
 * powers off through QEMU's isa-debug-exit device with PROGRAM's status (QEMU exits with (S << 1) | 1), falling
 * back to an ACPI power-off. Without PROGRAM it runs /bin/sh. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
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

int main(int argc, char **argv)
{
    long long init_ns = ns(CLOCK_BOOTTIME);
    mount("proc", "/proc", "proc", 0, NULL);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    if (fcntl(1, F_GETFD) < 0) { /* no console opened by the kernel */
        int fd = open("/dev/console", O_RDWR);
        dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
    }
    char *sh[] = { "/bin/sh", NULL };
    char **prog = argc > 1 ? argv + 1 : sh;
    char *envp[] = { "PATH=/bin:/sbin:/usr/bin", "HOME=/", "TERM=linux", NULL };
    long long t0 = ns(CLOCK_MONOTONIC);
    pid_t pid = fork();
    if (pid == 0) {
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
