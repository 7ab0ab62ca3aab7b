/* syscalls/signalfd.c — signalfd4 and signalfd: a new signalfd, or a new mask for an existing one. */
#include "syscalls.h"

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

static long do_signalfd(int fd, const void *umask, u64 size, u32 flags)
{
    u64 mask;
    if (size != 8)
        return -EINVAL;
    if (copy_from_user(&mask, umask, sizeof(mask)))
        return -EFAULT;
    if (flags & ~(u32)(O_NONBLOCK | O_CLOEXEC))
        return -EINVAL;
    mask &= ~UNBLOCKABLE; /* never read through a signalfd, as on Linux */
    if (fd != -1) {
        struct file *f = fd_file(fd);
        if (!f)
            return -EBADF;
        return signalfd_set_mask(f, mask) ? fd : -EINVAL;
    }
    return fd_install_new(signalfd_create(mask, flags), flags & O_CLOEXEC);
}

SYSCALL(signalfd4) { return do_signalfd((int)a0, (const void *)a1, a2, (u32)a3); }
SYSCALL(signalfd) { return do_signalfd((int)a0, (const void *)a1, a2, 0); }
