/* test/conformance/uname.c — uname and getrandom. The release, version and host name differ between the
 * host and skiff; only their shape is checked. */
/* covers: uname getrandom */
#include "tap.h"
#include <sys/utsname.h>
#include <sys/mman.h>

#ifndef GRND_NONBLOCK
#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#endif
#define GRND_INSECURE 4

static int terminated(const char *f) { return memchr(f, 0, 65) != NULL; }

int main(void)
{
    struct utsname u;
    memset(&u, 0xff, sizeof u);
    T_OK("uname", SYS(SYS_uname, &u), 0);
    T_TRUE("uname: sysname Linux", strcmp(u.sysname, "Linux") == 0);
    T_TRUE("uname: machine x86_64", strcmp(u.machine, "x86_64") == 0);
    T_TRUE("uname: every field NUL-terminated", terminated(u.sysname) && terminated(u.nodename) &&
           terminated(u.release) && terminated(u.version) && terminated(u.machine) && terminated(u.domainname));
    int maj = 0, min = 0;
    T_TRUE("uname: release starts with MAJOR.MINOR, at least 3.2", sscanf(u.release, "%d.%d", &maj, &min) == 2 &&
           (maj > 3 || (maj == 3 && min >= 2)));
    T_TRUE("uname: nodename not empty", u.nodename[0] != 0);
    T_ERR("uname into NULL", SYS(SYS_uname, NULL), EFAULT);
    T_ERR("uname into a kernel address", SYS(SYS_uname, KADDR), EFAULT);

    static unsigned char buf[3 * 4096], buf2[64];
    static const long sizes[] = { 0, 1, PAGE - 1, PAGE, PAGE + 1, 2 * PAGE + 7 };
    char name[100];
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        snprintf(name, sizeof name, "getrandom %ld bytes", sizes[i]);
        T_OK(name, SYS(SYS_getrandom, buf, sizes[i], 0), sizes[i]);
    }
    memset(buf, 0, 64);
    SYS(SYS_getrandom, buf, 64, 0);
    SYS(SYS_getrandom, buf2, 64, 0);
    T_TRUE("getrandom: two calls differ", memcmp(buf, buf2, 64) != 0);
    int nz = 0;
    for (int i = 0; i < 64; i++)
        nz += buf[i] != 0;
    T_TRUE("getrandom: not all zeros", nz > 32);
    memset(buf, 0xee, 16);
    SYS(SYS_getrandom, buf, 8, 0);
    T_TRUE("getrandom: bytes past the count untouched", buf[8] == 0xee && buf[15] == 0xee);
    T_OK("getrandom GRND_NONBLOCK", SYS(SYS_getrandom, buf, 16, GRND_NONBLOCK), 16);
    T_OK("getrandom GRND_RANDOM", SYS(SYS_getrandom, buf, 16, GRND_RANDOM), 16);
    T_OK("getrandom GRND_INSECURE", SYS(SYS_getrandom, buf, 16, GRND_INSECURE), 16);
    T_ERR("getrandom GRND_RANDOM|GRND_INSECURE", SYS(SYS_getrandom, buf, 16, GRND_RANDOM | GRND_INSECURE), EINVAL);
    T_ERR("getrandom unknown flag", SYS(SYS_getrandom, buf, 16, 0x8), EINVAL);
    T_ERR("getrandom into NULL", SYS(SYS_getrandom, NULL, 16, 0), EFAULT);
    T_ERR("getrandom into a kernel address", SYS(SYS_getrandom, KADDR, 16, 0), EFAULT);
    T_OK("getrandom 0 bytes into NULL", SYS(SYS_getrandom, NULL, 0, 0), 0);
    char *two = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(two + PAGE, PAGE);
    T_OK("getrandom into a buffer running into an unmapped page: the bytes that fit",
         SYS(SYS_getrandom, two + PAGE - 256, 1024, 0), 256);
    munmap(two, PAGE);
    return tap_done();
}
