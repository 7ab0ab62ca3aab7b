/* test/conformance/reboot.c — reboot(2)'s refusals, the only part a test may provoke on the host it runs on:
 * EPERM without CAP_SYS_BOOT (checked before the magic numbers), EINVAL for a wrong magic1 or magic2, EINVAL for
 * a command nobody knows with the right magic (for each of the four magic2 values); and one success that changes
 * nothing: CAD_ON or CAD_OFF, whichever /proc/sys/kernel/ctrl-alt-del already says. What the other commands do is
 * checked in the guest (test/volumes v_poweroff: poweroff -f and reboot -f end the VM, files written back). */
/* covers: reboot */
#include "tap.h"
#include <sys/reboot.h>

#define MAGIC1 0xfee1dead
#define CMD_NOBODY 0x12345678 /* no LINUX_REBOOT_CMD_* has this value */

static long reboot_k(unsigned long m1, unsigned long m2, unsigned long cmd)
{
    return syscall(SYS_reboot, m1, m2, cmd, NULL);
}

/* As nobody: EPERM even with wrong magic (the capability comes first); the exit status says which held. */
static int unprivileged(void)
{
    if (setgid(65534) || setuid(65534))
        return 100;
    int r = 0;
    errno = 0;
    r |= (reboot_k(MAGIC1, 672274793, CMD_NOBODY) == -1 && errno == EPERM) << 0;
    errno = 0;
    r |= (reboot_k(1, 2, CMD_NOBODY) == -1 && errno == EPERM) << 1;
    return r;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int r = tap_child(unprivileged);
    T_TRUE("reboot without CAP_SYS_BOOT -> EPERM", r >= 0 && r < 100 && (r & 1));
    T_TRUE("reboot without CAP_SYS_BOOT, wrong magic -> EPERM first", r >= 0 && r < 100 && (r & 2));
    T_ERR("reboot with a wrong magic1 -> EINVAL", reboot_k(0xfee1deae, 672274793, CMD_NOBODY), EINVAL);
    T_ERR("reboot with a wrong magic2 -> EINVAL", reboot_k(MAGIC1, 12345, CMD_NOBODY), EINVAL);
    static const unsigned long magic2[] = { 672274793, 85072278, 369367448, 537993216 };
    char name[96];
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof(name), "reboot magic2 %lu, a command nobody knows -> EINVAL", magic2[i]);
        T_ERR(name, reboot_k(MAGIC1, magic2[i], CMD_NOBODY), EINVAL);
    }
    /* the Ctrl-Alt-Del setting as it is, set again: a success that leaves the host as it was */
    FILE *f = fopen("/proc/sys/kernel/ctrl-alt-del", "r");
    int cad = -1;
    if (f && fscanf(f, "%d", &cad) != 1)
        cad = -1;
    if (f)
        fclose(f);
    T_TRUE("/proc/sys/kernel/ctrl-alt-del reads 0 or 1", cad == 0 || cad == 1);
    if (cad == 0 || cad == 1)
        T_OK("reboot CAD_ON/CAD_OFF to what it already is", reboot_k(MAGIC1, 672274793, cad ? 0x89abcdef : 0), 0);
    return tap_done();
}
