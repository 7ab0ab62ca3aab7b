/* test/conformance/tmpfs_scratch.h — a scratch directory on a tmpfs of the test's own, for checks of tmpfs's
 * own behaviour (xattrs, ACLs) that the host's /tmp (ext4 here) would answer differently: the scratch
 * directory, a private mount namespace (natively the host's mounts stay untouched), a tmpfs on "m" in it, and
 * the working directory there, open to all. tmpfs_scratch_done unmounts it before tap_finish_dir. */
#include "tap.h"
#include <sched.h>
#include <sys/mount.h>

static void tmpfs_scratch(const char *family)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    tap_scratch(family);
    if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
        printf("Bail out! no private mount namespace\n");
        exit(2);
    }
    mkdir("m", 0755);
    if (mount("skifftest", "m", "tmpfs", 0, NULL) || chdir("m")) {
        printf("Bail out! cannot mount a tmpfs\n");
        exit(2);
    }
    chmod(".", 0777);
}

static void tmpfs_scratch_done(void)
{
    chdir("..");
    umount2("m", MNT_DETACH);
    tap_finish_dir();
}
