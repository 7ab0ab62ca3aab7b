/* bench/src/bootinfo.c — the in-guest boot figure, read by the program itself at its first line.
 * Prints "bootinfo: boottime_us=B skiff_boot_us=K kmsg_init_us=M" (-1 where unknown):
 *   B: CLOCK_BOOTTIME at main() (Linux: time since its clock started early in boot; skiff: since its clock start);
 *   K: /proc/skiff/boot_us (skiff's own TSC measure, kernel first instruction to program first instruction);
 *   M: the Linux printk timestamp of "Run /... as init process" (read from /dev/kmsg; needs devtmpfs).
 * On skiff it then copies /proc/skiff/boot_phases, one "bootphase NAME US" line per init step (NAME without
 * its call's arguments, spaces as '_').
 * As PID 1 of a Linux guest (rdinit=/bootinfo) it then powers off through isa-debug-exit. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    long long boottime_us = ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
    long long skiff_us = -1, kmsg_us = -1;
    char buf[4096];
    int fd = open("/proc/skiff/boot_us", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        if (n > 0) {
            buf[n] = 0;
            skiff_us = atoll(buf);
        }
        close(fd);
    }
    if (skiff_us < 0 && getpid() == 1) {
        mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
        fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
        ssize_t n;
        while (fd >= 0 && (n = read(fd, buf, sizeof buf - 1)) > 0) {
            buf[n] = 0; /* "prio,seq,usec,flags;text" */
            char *text = strchr(buf, ';');
            if (text && strstr(text, "as init process")) {
                char *p = strchr(buf, ',');
                p = p ? strchr(p + 1, ',') : NULL;
                if (p)
                    kmsg_us = atoll(p + 1);
            }
        }
    }
    printf("bootinfo: boottime_us=%lld skiff_boot_us=%lld kmsg_init_us=%lld\n", boottime_us, skiff_us, kmsg_us);
    fd = open("/proc/skiff/boot_phases", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        buf[n > 0 ? n : 0] = 0;
        for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
            char *end = line + strlen(line);
            while (end > line && end[-1] == ' ')
                end--;
            char *num = end;
            while (num > line && num[-1] >= '0' && num[-1] <= '9')
                num--;
            char *name_end = num;
            while (name_end > line && name_end[-1] == ' ')
                name_end--;
            *name_end = 0;
            char *paren = strchr(line, '(');
            if (paren)
                *paren = 0;
            for (char *p = line; *p; p++)
                if (*p == ' ')
                    *p = '_';
            *end = 0;
            printf("bootphase %s %s\n", line, num);
        }
    }
    fflush(stdout);
    if (skiff_us < 0 && getpid() == 1) {
        if (ioperm(0xf4, 4, 1) == 0)
            outb(0, 0xf4);
        reboot(RB_POWER_OFF);
    }
    return 0;
}
