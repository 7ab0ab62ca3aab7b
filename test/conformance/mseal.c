/* test/conformance/mseal.c — mseal(2) (Linux 6.10): a sealed mapping cannot be unmapped, moved, resized,
 * reprotected or mapped over (EPERM), and the advice values that discard pages are refused on sealed private
 * anonymous memory the program may not write (madvise EPERM); sealing checks its arguments (EINVAL) and needs
 * the whole range mapped (ENOMEM, nothing sealed). Seals outlive nothing but the address space: a child of
 * fork keeps them. */
/* covers: mseal madvise munmap mprotect mremap mmap */
#include "tap.h"
#include <sys/mman.h>

#ifndef SYS_mseal
#define SYS_mseal 462
#endif
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#endif
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

static long mseal_(void *a, long len, long flags) { return SYS(SYS_mseal, a, len, flags); }

static char *child_area;
static int child_munmap(void) { return munmap(child_area, PAGE) == -1 && errno == EPERM ? 0 : 1; }

int main(void)
{
    char *a = mmap(0, 4 * PAGE, RW, ANON, -1, 0);
    T_ERR("mseal with a flag", mseal_(a, PAGE, 1), EINVAL);
    T_ERR("mseal at an address not page-aligned", mseal_(a + 1, PAGE, 0), EINVAL);
    T_ERR("mseal of a range that wraps around", mseal_(a, -PAGE, 0), EINVAL);
    T_OK("mseal of 0 bytes", mseal_(a, 0, 0), 0);
    T_ERR("mseal of a kernel address", mseal_(KADDR, PAGE, 0), ENOMEM);
    munmap(a + 2 * PAGE, PAGE);
    T_ERR("mseal over a hole", mseal_(a, 4 * PAGE, 0), ENOMEM);
    T_OK("mseal over a hole sealed nothing: munmap works", munmap(a + PAGE, PAGE), 0);
    T_OK("mseal a read-write page (length rounded up)", mseal_(a, 100, 0), 0);
    T_OK("mseal it again", mseal_(a, PAGE, 0), 0);
    a[0] = 5;
    T_ERR("munmap a sealed page", munmap(a, PAGE), EPERM);
    T_ERR("mprotect a sealed page", mprotect(a, PAGE, PROT_READ), EPERM);
    T_ERR("mremap a sealed page bigger", (long)mremap(a, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EPERM);
    T_ERR("mmap MAP_FIXED over a sealed page", (long)mmap(a, PAGE, PROT_READ, ANON | MAP_FIXED, -1, 0), EPERM);
    T_OK("madvise MADV_DONTNEED of sealed memory the program may write", madvise(a, PAGE, MADV_DONTNEED), 0);
    T_OK("madvise MADV_WILLNEED of a sealed page", madvise(a, PAGE, MADV_WILLNEED), 0);
    a[1] = 6;
    T_TRUE("a sealed page stays usable", a[1] == 6);
    child_area = a;
    T_OK("munmap a sealed page in a child of fork", tap_child(child_munmap), 0);

    char *r = mmap(0, 2 * PAGE, PROT_READ, ANON, -1, 0);
    T_OK("mseal a read-only anonymous page", mseal_(r, PAGE, 0), 0);
    T_ERR("madvise MADV_DONTNEED of sealed read-only anonymous memory", madvise(r, PAGE, MADV_DONTNEED), EPERM);
    T_ERR("madvise MADV_FREE of sealed read-only anonymous memory", madvise(r, PAGE, MADV_FREE), EPERM);
    T_ERR("madvise MADV_REMOVE of sealed read-only anonymous memory (before its EINVAL)", madvise(r, PAGE, MADV_REMOVE),
          EPERM);
    T_ERR("madvise MADV_WIPEONFORK of sealed read-only anonymous memory", madvise(r, PAGE, MADV_WIPEONFORK), EPERM);
    T_ERR("madvise MADV_DONTFORK of sealed read-only anonymous memory", madvise(r, PAGE, MADV_DONTFORK), EPERM);
    T_ERR("madvise MADV_DONTNEED of a range that only starts sealed", madvise(r, 2 * PAGE, MADV_DONTNEED), EPERM);
    T_OK("madvise MADV_COLD of sealed read-only memory (keeps the contents)", madvise(r, PAGE, MADV_COLD), 0);
    T_OK("madvise MADV_NORMAL of sealed read-only memory", madvise(r, PAGE, MADV_NORMAL), 0);
    T_OK("madvise MADV_DONTNEED of the unsealed page next to it", madvise(r + PAGE, PAGE, MADV_DONTNEED), 0);
    T_ERR("munmap a range that includes a sealed page", munmap(r, 2 * PAGE), EPERM);
    T_OK("munmap the unsealed page alone", munmap(r + PAGE, PAGE), 0);

    int fd = memfd_create("sealmap", 0);
    ftruncate(fd, PAGE);
    char *f = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    T_OK("mseal a read-only private file mapping", mseal_(f, PAGE, 0), 0);
    T_OK("madvise MADV_DONTNEED of it (the file holds the contents)", madvise(f, PAGE, MADV_DONTNEED), 0);
    T_ERR("munmap it", munmap(f, PAGE), EPERM);
    close(fd);
    return tap_done();
}
