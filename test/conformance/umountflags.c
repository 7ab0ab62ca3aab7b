/* test/conformance/umountflags.c — umount2(2)'s flags: MNT_EXPIRE marks an idle mount (EAGAIN) and a second
 * call unmounts it, a path walk into the mount in between (a stat, an open) starts over, a busy mount is
 * EBUSY; UMOUNT_NOFOLLOW does not follow a symlink to the mount point (EINVAL: not a mount); MNT_FORCE on a
 * busy tmpfs is EBUSY, on an idle one it unmounts; MNT_DETACH unmounts a busy one; MNT_EXPIRE with MNT_FORCE
 * or MNT_DETACH is EINVAL. Runs as root. */
/* covers: umount2 */
#include "tap.h"
#include <sys/mount.h>

static int mnt(void) { return mount("skifftest", "m", "tmpfs", 0, NULL); }

int main(void)
{
    tap_scratch("umountflags");
    mkdir("m", 0755);
    if (symlink("m", "ln"))
        return 2;
    struct stat st;
    T_OK("mount a tmpfs", mnt(), 0);
    T_ERR("umount2 MNT_EXPIRE of an idle mount marks it", umount2("m", MNT_EXPIRE), EAGAIN);
    T_OK("umount2 MNT_EXPIRE again unmounts it", umount2("m", MNT_EXPIRE), 0);
    T_ERR("umount2 after MNT_EXPIRE unmounted it: not a mount", umount2("m", 0), EINVAL);
    mnt();
    T_ERR("umount2 MNT_EXPIRE marks", umount2("m", MNT_EXPIRE), EAGAIN);
    stat("m/.", &st);
    T_ERR("umount2 MNT_EXPIRE after a stat inside: marks again", umount2("m", MNT_EXPIRE), EAGAIN);
    int fd = open("m", O_RDONLY | O_DIRECTORY);
    T_ERR("umount2 MNT_EXPIRE while a file is open in it", umount2("m", MNT_EXPIRE), EBUSY);
    T_ERR("umount2 MNT_FORCE of a busy tmpfs", umount2("m", MNT_FORCE), EBUSY);
    T_ERR("umount2 MNT_EXPIRE|MNT_FORCE", umount2("m", MNT_EXPIRE | MNT_FORCE), EINVAL);
    T_ERR("umount2 MNT_EXPIRE|MNT_DETACH", umount2("m", MNT_EXPIRE | MNT_DETACH), EINVAL);
    T_OK("umount2 MNT_DETACH of a busy mount", umount2("m", MNT_DETACH), 0);
    close(fd);
    mnt();
    T_ERR("umount2 UMOUNT_NOFOLLOW of a symlink to the mount point", umount2("ln", UMOUNT_NOFOLLOW), EINVAL);
    T_OK("umount2 of the symlink without UMOUNT_NOFOLLOW follows it", umount2("ln", 0), 0);
    mnt();
    T_OK("umount2 MNT_FORCE of an idle tmpfs", umount2("m", MNT_FORCE), 0);
    unlink("ln");
    rmdir("m");
    return tap_done();
}
