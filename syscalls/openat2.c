/* syscalls/openat2.c — openat2(2): openat with its arguments in an extensible struct open_how, which checks what
 * open(2) silently ignores (unknown flags, a mode without O_CREAT, O_PATH with other flags: EINVAL) and adds the
 * RESOLVE_* restrictions on the path walk (fs/namei.c). */
#include "syscalls.h"

#define OPEN_HOW_SIZE_VER0 24
#define O_DSYNC_ 010000
#define O_SYNC_BIT 04000000 /* __O_SYNC: O_SYNC is it with O_DSYNC */
#define O_TMPFILE_BIT 020000000
/* What open(2) knows: the access mode through O_TMPFILE's bit, less the four unused bits above the mode */
#define OPEN_VALID (03 | 037777700)
#define OPEN_PATH_ALLOWED (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)
#define RESOLVE_VALID 0x3f

struct open_how_k {
    u64 flags, mode, resolve;
};

/* Linux's build_open_flags order: flags, resolve, the scoping pair, the mode, O_CREAT|O_DIRECTORY, O_TMPFILE,
 * O_PATH, then RESOLVE_CACHED, which cannot create or truncate without I/O (EAGAIN). */
static long how_check(const struct open_how_k *h)
{
    u64 f = h->flags;
    if ((f & ~(u64)OPEN_VALID) || (h->resolve & ~(u64)RESOLVE_VALID))
        return -EINVAL;
    if ((h->resolve & RESOLVE_BENEATH) && (h->resolve & RESOLVE_IN_ROOT))
        return -EINVAL;
    if ((f & (O_CREAT | O_TMPFILE_BIT)) ? (h->mode & ~07777ull) : h->mode)
        return -EINVAL;
    if ((f & (O_DIRECTORY | O_CREAT)) == (O_DIRECTORY | O_CREAT))
        return -EINVAL;
    if ((f & O_TMPFILE_BIT) && (!(f & O_DIRECTORY) || (f & O_ACCMODE) == O_RDONLY))
        return -EINVAL;
    if ((f & O_PATH) && (f & ~(u64)OPEN_PATH_ALLOWED))
        return -EINVAL;
    if ((h->resolve & RESOLVE_CACHED) && (f & (O_TRUNC | O_CREAT | O_TMPFILE_BIT)))
        return -EAGAIN;
    return 0;
}

SYSCALL(openat2) /* (dirfd, path, how, size) */
{
    struct open_how_k h;
    if (a3 < OPEN_HOW_SIZE_VER0)
        return -EINVAL;
    if (a3 > PAGE_SIZE)
        return -E2BIG;
    long rc = copy_struct_from_user(&h, sizeof(h), (const void *)a2, a3);
    if (rc)
        return rc;
    if ((rc = how_check(&h)))
        return rc;
    u32 flags = (u32)h.flags;
    if (flags & O_SYNC_BIT)
        flags |= O_DSYNC_;
    return do_openat((int)a0, (const char *)a1, flags, (u32)h.mode, (unsigned)h.resolve & ~RESOLVE_CACHED);
}
