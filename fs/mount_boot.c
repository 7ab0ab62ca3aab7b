/* fs/mount_boot.c — the mounts tools/skiff asks for before the program starts (kernel/proc.c reads
 * /.skiff/mounts; the format is in docs/host-interface.md). Kernel-only: it needs the 9P client. */
#include "vfs.h"
#include "../kernel/errno.h"

static bool strstr_opt(const char *opts, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = opts; *p; p++)
        if ((p == opts || p[-1] == ',') && !strncmp(p, word, n) && (p[n] == ',' || !p[n]))
            return true;
    return false;
}

static int boot_mount_one(const char *type, const char *source, const char *target, const char *opts)
{
    if (strcmp(type, "9p"))
        return -ENODEV;
    bool ro = !strncmp(opts, "ro", 2);
    struct super_block *sb;
    int rc = p9fs_type.mount(source, NULL, ro ? 1 : 0, &sb);
    if (rc)
        return rc;
    if (strcmp(target, "/"))
        return vfs_mount_path(target, sb);
    if (strstr_opt(opts, "overlay") && (rc = overlay_mount(sb, &sb)))
        return rc; /* a read-only DIR with the program's writes kept in memory */
    struct super_block *dev = vfs_mounted_type("devtmpfs"), *proc = vfs_mounted_type("proc");
    struct super_block *sys = vfs_mounted_type("sysfs"), *tmp;
    rc = vfs_mount_at(vfs_root, sb);
    /* The host's /dev, /proc and /sys describe the host (its /sys its CPUs: glibc's sysconf counted 2 where
     * the guest had 1, nginx's worker_processes auto started 2): the kernel's own move over them. */
    if (!rc)
        rc = dev ? vfs_move_mount(dev, "/dev") : 0;
    if (!rc)
        rc = proc ? vfs_move_mount(proc, "/proc") : 0;
    if (!rc)
        rc = sys ? vfs_move_mount(sys, "/sys") : 0;
    if (!rc && !(rc = tmpfs_type.mount("tmpfs", "mode=1777", 0, &tmp)))
        rc = vfs_mount_path("/tmp", tmp);
    return rc;
}

int vfs_boot_mounts(const char *buf, size_t len, const char **why)
{
    const char *f[4];
    size_t at = 0;
    while (at < len) {
        for (int i = 0; i < 4; i++) {
            const char *end = buf + at;
            while (end < buf + len && *end)
                end++;
            if (end >= buf + len) {
                *why = "a record is cut short";
                return -EINVAL;
            }
            f[i] = buf + at;
            at = (size_t)(end - buf) + 1;
        }
        *why = f[2];
        if (f[2][0] != '/')
            return -EINVAL;
        int rc = boot_mount_one(f[0], f[1], f[2], f[3]);
        if (rc)
            return rc;
    }
    return 0;
}
