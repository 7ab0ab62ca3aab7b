/* test/conformance/mount.c — mount(2) and umount2(2) with tmpfs: a mount covers its directory and crosses
 * both ways (".." leaves it), has its own st_dev, is listed in /proc/self/mounts, keeps links and renames
 * inside itself (EXDEV), refuses rmdir of its mount point (EBUSY) and unmounting while a cwd holds it; and the
 * error paths: an unknown type, a mount point that is not a directory, umount2 of what is not a mount. */
/* covers: mount umount2 */
#include "tap.h"
#include <sys/mount.h>

static int listed(const char *dir)
{
    FILE *f = fopen("/proc/self/mounts", "r");
    char line[512], want[300];
    int found = 0;
    snprintf(want, sizeof want, " %s tmpfs ", dir);
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, want))
            found = 1;
    if (f)
        fclose(f);
    return found;
}

int main(void)
{
    tap_scratch("mount");
    char mnt[300];
    snprintf(mnt, sizeof mnt, "%s/m", tap_dir);
    mkdir("m", 0755);
    close(open("m/under", O_CREAT | O_WRONLY, 0644));
    close(open("plain", O_CREAT | O_WRONLY, 0644));
    struct stat before, after, top;
    stat("m", &before);
    T_OK("mount a tmpfs on a directory", mount("skifftest", "m", "tmpfs", 0, "mode=0750"), 0);
    stat("m", &after);
    stat(".", &top);
    T_TRUE("the mount has its own st_dev", after.st_dev != before.st_dev && after.st_dev != top.st_dev);
    T_EQ("mode= sets the root's mode", after.st_mode & 07777, 0750);
    T_ERR("what was in the directory is hidden", access("m/under", F_OK), ENOENT);
    T_TRUE("/proc/self/mounts lists it", listed(mnt));
    T_OK("a file made inside it", close(open("m/f", O_CREAT | O_WRONLY, 0644)), 0);
    struct stat f;
    stat("m/f", &f);
    T_TRUE("the file is on the mount's device", f.st_dev == after.st_dev);
    T_ERR("link across filesystems: EXDEV", link("plain", "m/plain"), EXDEV);
    T_ERR("rename across filesystems: EXDEV", rename("m/f", "f"), EXDEV);
    T_ERR("rmdir of the mount point: EBUSY", rmdir("m"), EBUSY);
    T_OK("chdir into the mount", chdir("m"), 0);
    struct stat up;
    stat("..", &up);
    T_TRUE("\"..\" of the mount's root leaves it", up.st_ino == top.st_ino && up.st_dev == top.st_dev);
    T_ERR("umount2 while it is the cwd: EBUSY", umount2(mnt, 0), EBUSY);
    chdir("..");
    T_ERR("umount2 of a directory that is not a mount: EINVAL", umount2(tap_dir, 0), EINVAL);
    T_ERR("umount2 with unknown flags: EINVAL", umount2(mnt, 0x100), EINVAL);
    T_OK("umount2", umount2(mnt, 0), 0);
    T_OK("the directory's own file is back", access("m/under", F_OK), 0);
    T_TRUE("/proc/self/mounts no longer lists it", !listed(mnt));
    T_ERR("mount of an unknown filesystem type: ENODEV", mount("x", "m", "nosuchfs-skiff", 0, NULL), ENODEV);
    T_ERR("mount on a file: ENOTDIR", mount("x", "plain", "tmpfs", 0, NULL), ENOTDIR);
    T_ERR("mount on a missing path: ENOENT", mount("x", "missing", "tmpfs", 0, NULL), ENOENT);
    T_ERR("mount with a bad target pointer: EFAULT", mount("x", KADDR, "tmpfs", 0, NULL), EFAULT);
    T_OK("a read-only tmpfs", mount("x", "m", "tmpfs", MS_RDONLY, NULL), 0);
    T_ERR("creating in it: EROFS", open("m/g", O_CREAT | O_WRONLY, 0644), EROFS);
    T_ERR("mkdir in it: EROFS", mkdir("m/d", 0755), EROFS);
    T_OK("remounted read-write", mount(NULL, "m", NULL, MS_REMOUNT, NULL), 0);
    T_OK("creating in it works then", close(open("m/g", O_CREAT | O_WRONLY, 0644)), 0);
    T_OK("umount2 with MNT_DETACH", umount2(mnt, MNT_DETACH), 0);
    return tap_done();
}
