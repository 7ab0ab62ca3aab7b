/* fs/9pfs_xattr.c — extended attributes of a 9p volume's files, kept by the host (9P2000.L): a get or a list
 * walks a fresh fid to the attribute (Txattrwalk; the name "" gives the list) and reads it; a set clones the
 * inode's fid, makes it an attribute fid (Txattrcreate with the size and XATTR_CREATE/REPLACE), writes the
 * value and clunks it, which is when the host sets it (and reports its error). A size of 0 removes the
 * attribute: QEMU's server, like Linux's 9p client, cannot keep an empty value. */
#include "vfs.h"
#include "p9.h"
#include "../kernel/errno.h"

/* name's value ("" : the names) into kbuf; size 0: only its length; ERANGE when it does not fit */
static long p9x_read(struct inode *ino, const char *name, void *kbuf, size_t size)
{
    struct p9_client *c = p9fs_client(ino);
    u32 nf = p9_fid_alloc(c);
    u64 len;
    int rc = p9_xattrwalk(c, p9fs_ino(ino)->fid, nf, name, &len);
    if (rc) {
        p9_fid_free(c, nf); /* the server made no fid */
        return rc;
    }
    long r = !size ? (long)len : len > size ? -ERANGE : p9_read(c, nf, 0, kbuf, len);
    p9_clunk(c, nf);
    return r;
}

long p9fs_getxattr(struct inode *ino, const char *name, void *kbuf, size_t size)
{
    return p9x_read(ino, name, kbuf, size);
}

long p9fs_listxattr(struct inode *ino, char *kbuf, size_t size)
{
    return p9x_read(ino, "", kbuf, size);
}

int p9fs_setxattr(struct inode *ino, const char *name, const void *value, size_t len, int flags)
{
    struct p9_client *c = p9fs_client(ino);
    u32 nf = p9_fid_alloc(c);
    int rc = p9_walk(c, p9fs_ino(ino)->fid, nf, 0, NULL, NULL); /* a clone: the inode keeps its own fid */
    if (rc) {
        p9_fid_free(c, nf);
        return rc;
    }
    size_t size = value ? len : 0;
    rc = p9_xattrcreate(c, nf, name, size, (u32)flags);
    if (!rc && size) {
        long w = p9_write(c, nf, 0, value, size);
        rc = w < 0 ? (int)w : (size_t)w != size ? -EIO : 0;
    }
    int crc = p9_clunk(c, nf); /* the host sets (or removes) it now */
    return rc ? rc : crc;
}
