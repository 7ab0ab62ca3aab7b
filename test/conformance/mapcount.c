/* test/conformance/mapcount.c — vm.max_map_count (proc(5), 65530 by default): mprotect that would split an area
 * past it fails with ENOMEM, as munmap of a page in the middle of an area does; mmap fails with ENOMEM once the
 * process holds more areas than it (Linux checks "more than", so one mmap still succeeds at the limit). */
/* covers: mprotect munmap mmap */
#include "tap.h"
#include <string.h>
#include <sys/mman.h>

#define PAGES 70000

int main(void)
{
    char b[32] = "";
    tap_read_file("/proc/sys/vm/max_map_count", b, sizeof b);
    T_TRUE("vm.max_map_count is 65530", !strcmp(b, "65530\n"));
    char *r = mmap(NULL, (size_t)PAGES * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    T_TRUE("reserve 70000 pages", r != MAP_FAILED);
    long ok = 0, err = 0;
    for (long i = 1; i < PAGES - 1; i += 2) { /* every other page readable: two more areas each time */
        if (mprotect(r + i * 4096, 4096, PROT_READ)) {
            err = errno;
            break;
        }
        ok++;
    }
    T_EQ("mprotect splitting areas past the limit: ENOMEM", err, ENOMEM);
    T_TRUE("about 32,700 splits succeeded before it", ok > 32000 && ok < 32766);
    /* the last page mprotect'ed sits between two PROT_NONE ones: unmapping the middle of the next one splits */
    T_ERR("munmap of a page in the middle of an area at the limit", munmap(r + (2 * ok + 4) * 4096, 4096), ENOMEM);
    void *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void *c = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int e = errno;
    T_TRUE("an mmap at the limit succeeds, the next is ENOMEM",
           a != MAP_FAILED && (c == MAP_FAILED ? e == ENOMEM : 0));
    if (a != MAP_FAILED)
        munmap(a, 4096);
    munmap(r, (size_t)PAGES * 4096);
    void *d = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_TRUE("after unmapping the reservation, mmap works again", d != MAP_FAILED);
    return tap_done();
}
