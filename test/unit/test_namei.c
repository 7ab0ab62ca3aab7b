/* test/unit/test_namei.c — path lookup and ramfs namespace operations, with Linux's errors. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../fs/vfs.h"
#include "../../kernel/errno.h"

static struct inode *look(const char *path, unsigned flags, int *rc)
{
    struct inode *out = NULL;
    *rc = vfs_lookup(vfs_root, path, flags, &out);
    return *rc ? NULL : out;
}

/* Mount points (fs/mount.c, namei.c): a tmpfs over a directory hides it, ".." leaves the mount, paths
 * and the mount table cross it, and the VFS keeps links and renames inside one filesystem. */
static void test_mounts(void)
{
    int rc, err;
    struct inode *mnt = ramfs_mkdir(vfs_root, "mnt", 0755, &err);
    ramfs_create(mnt, "hidden", 0644, &err);
    struct super_block *sb;
    CHECK(tmpfs_type.mount("tmpfs", "mode=700", 0, &sb) == 0, "a tmpfs instance");
    CHECK(vfs_mount_at(mnt, sb) == 0, "mounted on /mnt");
    CHECK(look("/mnt", 0, &rc) == sb->root, "/mnt leads to the mount's root");
    CHECK((sb->root->mode & 07777) == 0700, "mode= set the root's mode");
    CHECK(look("/mnt/hidden", 0, &rc) == NULL && rc == -ENOENT, "what was under the mount point is hidden");
    struct inode *d = vfs_create(sb->root, "d", S_IFDIR | 0755, &err);
    CHECK(d && d->sb == sb, "a directory made inside belongs to the mount (%d)", err);
    CHECK(look("/mnt/d/../..", 0, &rc) == vfs_root, "\"..\" of the mount's root leaves the mount");
    char path[4096];
    CHECK(vfs_path_of(d, path, sizeof(path)) > 0 && !strcmp(path, "/mnt/d"), "path across the mount: %s", path);
    struct inode *f = vfs_create(vfs_root, "outside", S_IFREG | 0644, &err);
    CHECK(vfs_link(sb->root, "ln", f) == -EXDEV, "link across filesystems: EXDEV");
    CHECK(vfs_rename(vfs_root, "outside", sb->root, "moved", 0) == -EXDEV, "rename across filesystems: EXDEV");
    CHECK(vfs_unlink(vfs_root, "mnt", true) == -EBUSY, "rmdir of a mount point: EBUSY");
    char table[1024];
    CHECK(mounts_text(table, sizeof(table)) > 0 && strstr(table, "tmpfs /mnt tmpfs rw,relatime 0 0\n"),
          "/proc/mounts lists it");
    sb->flags |= SB_RDONLY;
    CHECK(vfs_create(sb->root, "x", S_IFREG | 0644, &err) == NULL && err == -EROFS, "read-only: EROFS");
    CHECK(vfs_umount(vfs_root, 0) == -EINVAL, "umount of the root filesystem: EINVAL");
    CHECK(vfs_umount(sb->root, 0) == 0, "umount");
    CHECK(look("/mnt/hidden", 0, &rc) != NULL, "the directory's own file is back");
}

/* Extended attributes of RAM inodes (fs/xattr.c): tmpfs's order, the nr_inodes= space they take; POSIX ACLs
 * (fs/acl.c): the value's form, validity, the mode an ACL sets, inheritance of a default ACL. */
static void test_xattrs(void)
{
    int err;
    struct super_block *sb;
    CHECK(tmpfs_type.mount("tmpfs", "nr_inodes=4", 0, &sb) == 0, "a tmpfs of nr_inodes=4");
    struct inode *f = vfs_create(sb->root, "f", S_IFREG | 0644, &err);
    CHECK(ramfs_free_ispace(sb) == 2048, "root and file take 1 KiB each (%llu left)", (unsigned long long)ramfs_free_ispace(sb));
    static char big[3000];
    CHECK(xattr_ram_set(f, "user.a", big, 2002, 0) == 0 && ramfs_free_ispace(sb) == 0, "40 + name + value fill it");
    CHECK(xattr_ram_set(f, "user.b", "", 0, 0) == -ENOSPC, "then ENOSPC");
    CHECK(xattr_ram_set(f, "user.a", "x", 1, 1) == -ENOSPC, "XATTR_CREATE of a name there when full: ENOSPC first");
    CHECK(xattr_ram_set(f, "user.a", NULL, 0, 0) == 0 && ramfs_free_ispace(sb) == 2048, "removal gives the space back");
    CHECK(xattr_ram_set(f, "user.a", "x", 1, 0) == 0 && ramfs_free_ispace(sb) == 2048 - 47, "a 1-byte value: 47 bytes");
    CHECK(xattr_ram_set(f, "user.a", "y", 1, 1) == -EEXIST && ramfs_free_ispace(sb) == 2048 - 47,
          "XATTR_CREATE of a name there: EEXIST, its reservation returned");
    xattr_ram_set(f, "user.c", "1", 1, 0);
    xattr_ram_set(f, "trusted.z", "1", 1, 0);
    char list[64];
    long n = xattr_ram_list(f, list, sizeof(list));
    CHECK(n == 24 && !strcmp(list, "user.c") && !strcmp(list + 7, "user.a") && !strcmp(list + 14, "trusted.z"),
          "listed in descending order");
    CHECK(xattr_ram_set(f, "user.c", NULL, 0, 0) == 0 && xattr_ram_get(f, "user.c", list, 64) == -ENODATA, "removal");
    struct { u32 v; struct acl_entry e[5]; } val = { 2, { { ACL_USER_OBJ, 6, 9 }, { ACL_USER, 6, 1000 },
        { ACL_GROUP_OBJ, 4, 9 }, { ACL_MASK, 4, 9 }, { ACL_OTHER, 0, 9 } } };
    struct posix_acl *acl;
    CHECK(acl_from_xattr(&val, 44, &acl) == 0 && acl && acl->count == 5 && acl->e[0].id == 0xffffffffu,
          "an ACL's value: unnamed entries' ids become -1");
    CHECK(acl_valid(acl) == 0, "a valid ACL");
    acl->e[3].tag = ACL_OTHER;
    CHECK(acl_valid(acl) == -EINVAL, "two other entries: EINVAL");
    acl->e[3].tag = ACL_MASK;
    acl_set(f, ACL_TYPE_ACCESS, acl, true);
    CHECK((f->mode & 0777) == 0640 && f->acl_access == acl, "set: the mode shows owner, mask, other");
    acl_chmod(f, 0751);
    CHECK(acl->e[0].perm == 7 && acl->e[3].perm == 5 && acl->e[4].perm == 1, "chmod rewrites owner, mask, other");
    val.v = 1;
    CHECK(acl_from_xattr(&val, 44, &acl) == -EOPNOTSUPP, "another version: EOPNOTSUPP");
    val.v = 2;
    CHECK(acl_from_xattr(&val, 43, &acl) == -EINVAL && acl_from_xattr(&val, 4, &acl) == 0 && !acl,
          "a cut entry: EINVAL; a header alone: no ACL");
    struct inode *d = vfs_create(sb->root, "d", S_IFDIR | 0755, &err);
    CHECK(d != NULL, "a directory in the space left (%d)", err);
    if (!d)
        return;
    acl_from_xattr(&val, 44, &acl);
    acl_set(d, ACL_TYPE_DEFAULT, acl, true);
    struct inode *g = vfs_create(d, "g", S_IFREG | 0604, &err);
    CHECK(!g, "no inode space left for another file (%d)", err);
    xattr_ram_set(f, "user.a", NULL, 0, 0);
    xattr_ram_set(f, "trusted.z", NULL, 0, 0);
    g = vfs_create(d, "g", S_IFREG | 0604, &err);
    CHECK(g && g->acl_access && (g->mode & 0777) == 0600 && g->acl_access->e[3].perm == 0 &&
          g->acl_access->e[4].perm == 0, "a new file takes the default ACL masked by its mode");
    CHECK(!g->acl_default, "and no default ACL of its own");
}

int main(void)
{
    int rc, err;
    ramfs_init();
    struct inode *usr = ramfs_mkdir(vfs_root, "usr", 0755, &err);
    struct inode *bin = ramfs_mkdir(usr, "bin", 0755, &err);
    struct inode *prog = ramfs_create(bin, "prog", 0755, &err);
    ramfs_symlink(vfs_root, "bin", "usr/bin", &err);
    ramfs_symlink(vfs_root, "loop", "loop", &err);
    ramfs_symlink(vfs_root, "dangling", "/nowhere", &err);
    ramfs_symlink(bin, "up", "../..", &err);

    CHECK(look("/usr/bin/prog", 0, &rc) == prog, "absolute path");
    CHECK(look("/bin/prog", 0, &rc) == prog, "through a symlinked directory (merged /usr)");
    CHECK(look("usr/./bin/../bin/prog", 0, &rc) == prog, "relative path with . and ..");
    CHECK(look("/..", 0, &rc) == vfs_root, "/.. is /");
    CHECK(look("//usr///bin//", 0, &rc) == bin, "repeated slashes");
    CHECK(look("/usr/bin/up/usr", WALK_FOLLOW, &rc) == usr, "relative symlink resolved from its directory");
    struct inode *l = look("/bin", 0, &rc);
    CHECK(l && S_ISLNK(l->mode), "last component not followed without WALK_FOLLOW");
    CHECK(look("/bin", WALK_FOLLOW, &rc) == bin, "last component followed with WALK_FOLLOW");
    CHECK(look("/bin/", 0, &rc) == bin, "a trailing slash follows the symlink");
    look("/missing/x", 0, &rc);
    CHECK(rc == -ENOENT, "missing directory: ENOENT (got %d)", rc);
    look("/usr/bin/prog/x", 0, &rc);
    CHECK(rc == -ENOTDIR, "file used as a directory: ENOTDIR (got %d)", rc);
    look("/usr/bin/prog/", 0, &rc);
    CHECK(rc == -ENOTDIR, "trailing slash on a file: ENOTDIR (got %d)", rc);
    look("/loop", WALK_FOLLOW, &rc);
    CHECK(rc == -ELOOP, "symlink loop: ELOOP (got %d)", rc);
    look("/dangling", WALK_FOLLOW, &rc);
    CHECK(rc == -ENOENT, "dangling symlink: ENOENT (got %d)", rc);
    look("", 0, &rc);
    CHECK(rc == -ENOENT, "empty path: ENOENT (got %d)", rc);
    char longname[300];
    memset(longname, 'a', 299);
    longname[299] = 0;
    look(longname, 0, &rc);
    CHECK(rc == -ENAMETOOLONG, "component over 255 bytes: ENAMETOOLONG (got %d)", rc);
    char *longpath = malloc(5000);
    memset(longpath, '/', 4999);
    longpath[4999] = 0;
    look(longpath, 0, &rc);
    CHECK(rc == -ENAMETOOLONG, "path over PATH_MAX: ENAMETOOLONG (got %d)", rc);
    free(longpath);

    struct walk w;
    rc = vfs_walk(vfs_root, "/usr/bin/new", 0, &w);
    CHECK(rc == 0 && w.node == NULL && w.dir == bin && !strcmp(w.name, "new"), "walk to a missing last component");

    char path[4096];
    CHECK(vfs_path_of(bin, path, sizeof(path)) > 0 && !strcmp(path, "/usr/bin"), "path of a directory: %s", path);
    CHECK(vfs_path_of(vfs_root, path, sizeof(path)) == 2 && !strcmp(path, "/"), "path of the root");
    CHECK(vfs_path_of(bin, path, 4) == -ERANGE, "path into a short buffer: ERANGE");

    CHECK(ramfs_mkdir(usr, "bin", 0755, &err) == NULL && err == -EEXIST, "mkdir of an existing name: EEXIST");
    CHECK(ramfs_unlink(vfs_root, "usr", true) == -ENOTEMPTY, "rmdir of a non-empty directory: ENOTEMPTY");
    CHECK(ramfs_unlink(bin, "prog", true) == -ENOTDIR, "rmdir of a file: ENOTDIR");
    CHECK(ramfs_unlink(usr, "bin", false) == -EISDIR, "unlink of a directory: EISDIR");
    CHECK(ramfs_rename(bin, "prog", vfs_root, "moved", 0) == 0 && look("/moved", 0, &rc) == prog, "rename a file");
    CHECK(look("/usr/bin/prog", 0, &rc) == NULL && rc == -ENOENT, "the old name is gone");
    CHECK(ramfs_rename(vfs_root, "usr", bin, "x", 0) == -EINVAL, "rename a directory into itself: EINVAL");
    ramfs_create(vfs_root, "other", 0644, &err);
    CHECK(ramfs_rename(vfs_root, "moved", vfs_root, "other", 1) == -EEXIST, "RENAME_NOREPLACE onto a file: EEXIST");
    CHECK(ramfs_rename(vfs_root, "moved", vfs_root, "other", 0) == 0 && look("/other", 0, &rc) == prog,
          "rename replaces the target");
    CHECK(prog->nlink == 1, "nlink stays 1 after rename (got %u)", prog->nlink);
    unsigned before = usr->nlink;
    ramfs_mkdir(usr, "d2", 0755, &err);
    CHECK(usr->nlink == before + 1, "a subdirectory adds a link to its parent");
    CHECK(ramfs_unlink(usr, "d2", true) == 0 && usr->nlink == before, "rmdir removes it again");

    struct inode *f = ramfs_create(vfs_root, "data", 0644, &err);
    char buf[10000];
    memset(buf, 'x', sizeof(buf));
    CHECK(ramfs_pwrite(f, buf, sizeof(buf), 5000) == (ssize_t)sizeof(buf) && f->size == 15000,
          "write past the end extends the file");
    char back[16];
    CHECK(ramfs_pread(f, back, 16, 4990) == 16 && back[0] == 0 && back[9] == 0 && back[10] == 'x',
          "the gap reads as zeros");
    CHECK(ramfs_pread(f, back, 16, 15000) == 0, "read at the end returns 0");
    ramfs_truncate(f, 4);
    CHECK(f->size == 4 && ramfs_pread(f, back, 16, 0) == 4, "truncate shrinks");
    ramfs_truncate(f, 8192);
    CHECK(ramfs_pread(f, back, 16, 4) == 16 && back[0] == 0, "truncate then extend reads zeros");
    test_mounts();
    test_xattrs();
    return unit_done();
}
