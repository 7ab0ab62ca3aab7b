/* test/conformance/mountflags.c — the mount flags as /proc/self/mounts shows them (proc(5)): ro or rw, then
 * sync, nosuid, nodev, noexec, noatime, nodiratime and relatime (the default unless MS_NOATIME or
 * MS_STRICTATIME), for a tmpfs mounted with each, and after a remount (which replaces all but the atime ones).
 * Only the flag words are compared: tmpfs's own options (size=, inode64) are not. */
/* covers: mount */
#include "tap.h"
#include <sys/mount.h>

/* The flag words of the mount at dir, comma-joined, into out ("" when it is not listed). */
static void flags_of(const char *dir, char *out, size_t size)
{
    static const char *known[] = { "ro", "rw", "sync", "nosuid", "nodev", "noexec", "noatime", "nodiratime",
                                   "relatime", NULL };
    FILE *f = fopen("/proc/self/mounts", "r");
    char line[512], want[300];
    snprintf(want, sizeof want, " %s tmpfs ", dir);
    out[0] = 0;
    while (f && fgets(line, sizeof line, f)) {
        char *p = strstr(line, want);
        if (!p)
            continue;
        out[0] = 0;
        char *opts = p + strlen(want), *save = NULL;
        opts[strcspn(opts, " ")] = 0;
        for (char *w = strtok_r(opts, ",", &save); w; w = strtok_r(NULL, ",", &save))
            for (int i = 0; known[i]; i++)
                if (!strcmp(w, known[i]) && strlen(out) + strlen(w) + 2 < size)
                    strcat(strcat(out, out[0] ? "," : ""), w);
    }
    if (f)
        fclose(f);
}

static void one(const char *mnt, unsigned long fl, const char *flname, const char *want, const char *after_remount)
{
    char name[200], got[200];
    snprintf(name, sizeof name, "mount tmpfs %s", flname);
    if (mount("skifftest", "m", "tmpfs", fl, NULL)) {
        T_OK(name, -1, 0);
        return;
    }
    flags_of(mnt, got, sizeof got);
    snprintf(name, sizeof name, "mount tmpfs %s: /proc/self/mounts says %s", flname, want);
    T_TRUE(name, !strcmp(got, want));
    mount(NULL, "m", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID, NULL);
    flags_of(mnt, got, sizeof got);
    snprintf(name, sizeof name, "mount MS_REMOUNT|MS_RDONLY|MS_NOSUID of %s: %s", flname, after_remount);
    T_TRUE(name, !strcmp(got, after_remount));
    umount2(mnt, 0);
}

int main(void)
{
    tap_scratch("mountflags");
    char mnt[300];
    snprintf(mnt, sizeof mnt, "%s/m", tap_dir);
    mkdir("m", 0755);
    one(mnt, 0, "no flags", "rw,relatime", "ro,nosuid,relatime");
    one(mnt, MS_RDONLY, "MS_RDONLY", "ro,relatime", "ro,nosuid,relatime");
    one(mnt, MS_NOSUID | MS_NODEV | MS_NOEXEC, "MS_NOSUID|MS_NODEV|MS_NOEXEC", "rw,nosuid,nodev,noexec,relatime",
        "ro,nosuid,relatime");
    one(mnt, MS_NOATIME, "MS_NOATIME", "rw,noatime", "ro,nosuid,noatime");
    one(mnt, MS_STRICTATIME, "MS_STRICTATIME", "rw", "ro,nosuid");
    one(mnt, MS_SYNCHRONOUS | MS_NODIRATIME, "MS_SYNCHRONOUS|MS_NODIRATIME", "rw,sync,nodiratime,relatime",
        "ro,nosuid,nodiratime,relatime");
    rmdir("m");
    return tap_done();
}
