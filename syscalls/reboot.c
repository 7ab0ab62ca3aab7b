/* syscalls/reboot.c — reboot(2): a privileged program ends the machine. LINUX_REBOOT_CMD_POWER_OFF, HALT, RESTART
 * and RESTART2 power the VM off with status 0 (skiff runs one program per VM and does not start it again; the
 * host sees the VM end, as with a Linux guest's poweroff). Linux leaves syncing to the caller; skiff writes back
 * what its filesystems hold first, because what a program wrote to a host directory must reach the host however
 * it ended. CAD_ON/CAD_OFF only record the choice (no keyboard sends Ctrl-Alt-Del here); KEXEC has no image
 * loaded (EINVAL, as Linux without one); SW_SUSPEND: no hibernation (ENOSYS, as Linux built without it). */
#include "syscalls.h"
#include "../drivers/console.h"

#define LINUX_REBOOT_MAGIC1 0xfee1deadu
#define LINUX_REBOOT_CMD_RESTART 0x01234567u
#define LINUX_REBOOT_CMD_HALT 0xcdef0123u
#define LINUX_REBOOT_CMD_CAD_ON 0x89abcdefu
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcu
#define LINUX_REBOOT_CMD_RESTART2 0xa1b2c3d4u
#define LINUX_REBOOT_CMD_SW_SUSPEND 0xd000fce2u
#define LINUX_REBOOT_CMD_KEXEC 0x45584543u
#define CAP_SYS_BOOT 22

static bool cad_enabled = true; /* Linux boots with Ctrl-Alt-Del rebooting at once */

/* /proc/sys/kernel/ctrl-alt-del (fs/procfs_sys.c): 1 while Ctrl-Alt-Del would reboot at once */
int reboot_cad_text(char *buf, size_t size)
{
    return ksnprintf(buf, size, "%d\n", cad_enabled);
}

static bool magic2_ok(u32 m)
{
    return m == 672274793 || m == 85072278 || m == 369367448 || m == 537993216;
}

static noreturn void reboot_power_off(const char *how)
{
    klog("skiff: the program called reboot(%s): powering the VM off\n", how);
    vfs_sync_all();
    console_flush();
    power_off(0);
}

SYSCALL(reboot) /* (magic1, magic2, cmd, arg) */
{
    if (!capable(CAP_SYS_BOOT))
        return -EPERM;
    if ((u32)a0 != LINUX_REBOOT_MAGIC1 || !magic2_ok((u32)a1))
        return -EINVAL;
    char reason[256];
    switch ((u32)a2) {
    case LINUX_REBOOT_CMD_CAD_ON: cad_enabled = true; return 0;
    case LINUX_REBOOT_CMD_CAD_OFF: cad_enabled = false; return 0;
    case LINUX_REBOOT_CMD_POWER_OFF: reboot_power_off("POWER_OFF");
    case LINUX_REBOOT_CMD_HALT: reboot_power_off("HALT");
    case LINUX_REBOOT_CMD_RESTART: reboot_power_off("RESTART");
    case LINUX_REBOOT_CMD_RESTART2: /* its argument, a command for the firmware, is read first, as Linux */
        if (strncpy_from_user(reason, (const char *)a3, sizeof(reason)) == -EFAULT)
            return -EFAULT; /* a longer one is cut, as Linux */
        reboot_power_off("RESTART2");
    case LINUX_REBOOT_CMD_KEXEC: return -EINVAL;
    case LINUX_REBOOT_CMD_SW_SUSPEND:
        kerr("skiff: reboot(SW_SUSPEND): no hibernation: ENOSYS\n");
        return -ENOSYS;
    default: return -EINVAL;
    }
}
