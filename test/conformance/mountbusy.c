/* test/conformance/mountbusy.c — names that are mount points (unlink(2), rename(2), rmdir(2), mount(2) MS_BIND):
 * a file bind-mounted onto a file shows the source's inode and contents, and the covered name cannot be
 * unlinked, renamed or renamed over (EBUSY) until umount2, while the source's own name can; a bind mount of a
 * file onto a directory or of a directory onto a file is ENOTDIR; a tmpfs's mount point cannot be rmdir'd,
 * renamed or replaced by a rename (EBUSY), and unlink of it is EISDIR. Natively everything is mounted in a
 * private mount namespace of the program's own (unshare CLONE_NEWNS, / made private), so the host is untouched. */
/* covers: unlink rename rmdir mount umount2 */
#include "tap.h"
#include <sched.h>
#include <sys/mount.h>

static void put(const char *name, const char *text)
{
    int fd = open(name, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    write(fd, text, strlen(text));
    close(fd);
}

static int holds(const char *name, const char *text)
{
    char buf[64];
    return tap_read_file(name, buf, sizeof buf) >= 0 && !strcmp(buf, text);
}

static void file_bind(void)
{
    put("src", "source\n");
    put("pt", "covered\n");
    put("other", "other\n");
    mkdir("dir", 0755);
    T_OK("mount MS_BIND of a file onto a file", mount("src", "pt", NULL, MS_BIND, NULL), 0);
    T_TRUE("read the bind mount point: the source's contents", holds("pt", "source\n"));
    struct stat a, b;
    T_TRUE("stat the bind mount point: the source's inode", !stat("src", &a) && !stat("pt", &b) &&
           a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    T_ERR("unlink a file that is a mount point", unlink("pt"), EBUSY);
    T_ERR("unlinkat a file that is a mount point", unlinkat(AT_FDCWD, "pt", 0), EBUSY);
    T_ERR("rename a file that is a mount point", rename("pt", "moved"), EBUSY);
    T_ERR("rename a file over a mount point", rename("other", "pt"), EBUSY);
    T_ERR("rmdir a file that is a mount point", rmdir("pt"), ENOTDIR);
    T_ERR("mount MS_BIND of a file onto a directory", mount("src", "dir", NULL, MS_BIND, NULL), ENOTDIR);
    T_ERR("mount MS_BIND of a directory onto a file", mount("dir", "other", NULL, MS_BIND, NULL), ENOTDIR);
    T_ERR("mount MS_BIND of a missing file", mount("nosuch", "other", NULL, MS_BIND, NULL), ENOENT);
    put("pt2", "second\n");
    T_OK("mount MS_BIND of the same file onto a second file", mount("src", "pt2", NULL, MS_BIND, NULL), 0);
    T_OK("umount2 the first of two binds of one file", umount2("pt", 0), 0);
    T_TRUE("read the first name after its umount2: its own file", holds("pt", "covered\n"));
    T_TRUE("read the second name: still the bound file", holds("pt2", "source\n"));
    T_OK("umount2 the second bind", umount2("pt2", 0), 0);
    T_TRUE("read the second name after its umount2: its own file", holds("pt2", "second\n"));
    unlink("pt2");
    T_OK("mount MS_BIND again", mount("src", "pt", NULL, MS_BIND, NULL), 0);
    T_OK("unlink the source of a bind mount", unlink("src"), 0);
    T_TRUE("read the bind mount point after its source's unlink", holds("pt", "source\n"));
    T_OK("umount2 a file bind mount", umount2("pt", 0), 0);
    T_TRUE("read the name after umount2: the covered file again", holds("pt", "covered\n"));
    T_ERR("umount2 a file that is no longer a mount point", umount2("pt", 0), EINVAL);
    T_OK("rename a file once unmounted", rename("pt", "moved"), 0);
    T_OK("unlink a file once unmounted", unlink("moved"), 0);
    unlink("other");
    rmdir("dir");
}

static void dir_mount(void)
{
    mkdir("m", 0755);
    mkdir("e", 0755);
    T_OK("mount a tmpfs on a directory", mount("skifftest", "m", "tmpfs", 0, NULL), 0);
    T_ERR("rmdir a directory that is a mount point", rmdir("m"), EBUSY);
    T_ERR("rename a directory that is a mount point", rename("m", "n"), EBUSY);
    T_ERR("rename a directory over a mount point", rename("e", "m"), EBUSY);
    T_ERR("unlink a directory that is a mount point", unlink("m"), EISDIR);
    T_OK("umount2 the tmpfs", umount2("m", 0), 0);
    T_OK("rename a directory once unmounted", rename("m", "n"), 0);
    rmdir("n");
    rmdir("e");
}

int main(void)
{
    T_OK("unshare CLONE_NEWNS", unshare(CLONE_NEWNS), 0);
    T_OK("mount MS_REC|MS_PRIVATE of / (the host sees none of what follows)",
         mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
    if (tap_failed)
        return tap_done(); /* never mount in the host's namespace */
    tap_scratch("mountbusy");
    file_bind();
    dir_mount();
    tap_finish_dir();
    return tap_done();
}
