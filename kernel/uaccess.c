/* kernel/uaccess.c — checked access to user memory. The range check keeps kernel addresses out (EFAULT, as
 * Linux); the copy itself runs in copy_user.asm, where a fault stops the copy instead of panicking and
 * arch_copy_user returns the bytes left uncopied. copy_{from,to}_user are all-or-nothing (0 or -EFAULT);
 * the _partial variants return how many bytes were copied before a fault (read/write return that count). */
#include "mm.h"
#include "errno.h"
#include "proc.h"
#include "../arch/x86_64/arch.h"

/* A user range, or any range while the kernel moves its own buffers through a file's ops (sendfile):
 * per task, since such a write may block and let other tasks run. */
static bool range_ok(const void *p, size_t n)
{
    return vm_range_ok((u64)p, n) || (current && current->uaccess_kernel);
}

long copy_from_user(void *dst, const void *usrc, size_t n)
{
    if (!range_ok(usrc, n))
        return -EFAULT;
    return n && arch_copy_user(dst, usrc, n) ? -EFAULT : 0;
}

long copy_to_user(void *udst, const void *src, size_t n)
{
    if (!range_ok(udst, n))
        return -EFAULT;
    return n && arch_copy_user(udst, src, n) ? -EFAULT : 0;
}

size_t copy_from_user_partial(void *dst, const void *usrc, size_t n)
{
    if (!n || !range_ok(usrc, n))
        return 0;
    return n - (size_t)arch_copy_user(dst, usrc, n);
}

size_t copy_to_user_partial(void *udst, const void *src, size_t n)
{
    if (!n || !range_ok(udst, n))
        return 0;
    return n - (size_t)arch_copy_user(udst, src, n);
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
    u64 at = (u64)usrc;
    if (at >= USER_TOP)
        return -EFAULT;
    size_t lim = MIN(max, USER_TOP - at);
    long n = arch_strncpy_user(dst, usrc, lim);
    if (n < 0)
        return n;
    if ((size_t)n == max)
        return -ENAMETOOLONG;
    if ((size_t)n == lim)
        return -EFAULT; /* ran into the end of user space without a NUL */
    return n;
}

long clear_user(void *udst, size_t n)
{
    static const u8 zeros[256];
    u8 *p = udst;
    while (n) {
        size_t c = MIN(n, sizeof(zeros));
        long rc = copy_to_user(p, zeros, c);
        if (rc)
            return rc;
        p += c;
        n -= c;
    }
    return 0;
}

/* An extensible struct (openat2's open_how, sched_setattr's sched_attr) of usize bytes at usrc into a ksize-byte
 * dst: a shorter one is zero-extended, a longer one is taken when its extra bytes, fields of a newer ABI, are
 * all zero (else E2BIG, as Linux's copy_struct_from_user); EFAULT when any of it cannot be read. */
long copy_struct_from_user(void *dst, size_t ksize, const void *usrc, size_t usize)
{
    for (size_t off = ksize; off < usize;) {
        u8 buf[64];
        size_t n = MIN(usize - off, sizeof(buf));
        if (copy_from_user(buf, (const u8 *)usrc + off, n))
            return -EFAULT;
        for (size_t i = 0; i < n; i++)
            if (buf[i])
                return -E2BIG;
        off += n;
    }
    memset(dst, 0, ksize);
    return copy_from_user(dst, usrc, MIN(ksize, usize)) ? -EFAULT : 0;
}
