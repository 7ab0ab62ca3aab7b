/* test/conformance/uts.c — sethostname(2) and setdomainname(2): the names uname and gethostname/getdomainname
 * tell, set (to what they already are: the host running this natively keeps its names), and the errors in
 * Linux's order: EPERM without CAP_SYS_ADMIN, EINVAL past 64 bytes, EFAULT. /proc/sys/kernel/hostname and
 * domainname tell the same names. (test/guest t_hostname changes the name and reads it back.) */
/* covers: sethostname setdomainname uname */
#include "tap.h"
#include <sys/utsname.h>

static int unprivileged(void) /* 1: sethostname EPERM, 2: setdomainname EPERM */
{
    if (setresuid(54321, 54321, 54321))
        return 128;
    int r = 0;
    errno = 0;
    if (sethostname("x", 1) == -1 && errno == EPERM)
        r |= 1;
    errno = 0;
    if (setdomainname("x", 1) == -1 && errno == EPERM)
        r |= 2;
    return r;
}

static int proc_is(const char *path, const char *want)
{
    char buf[128] = { 0 };
    FILE *f = fopen(path, "r");
    if (!f || !fgets(buf, sizeof buf, f))
        return f ? fclose(f), 0 : 0;
    fclose(f);
    buf[strcspn(buf, "\n")] = 0;
    return !strcmp(buf, want);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct utsname u;
    char host[128] = { 0 }, dom[128] = { 0 }, big[80];
    memset(big, 'a', sizeof big);
    T_OK("uname", uname(&u), 0);
    T_OK("uname gethostname", gethostname(host, sizeof host), 0);
    T_TRUE("uname gethostname is the nodename", !strcmp(host, u.nodename));
    T_OK("uname getdomainname", getdomainname(dom, sizeof dom), 0);
    T_TRUE("uname getdomainname is the domainname", !strcmp(dom, u.domainname));
    T_TRUE("uname /proc/sys/kernel/hostname is the nodename", proc_is("/proc/sys/kernel/hostname", u.nodename));
    T_TRUE("uname /proc/sys/kernel/domainname is the domainname", proc_is("/proc/sys/kernel/domainname", u.domainname));
    T_OK("sethostname to its own name", sethostname(host, strlen(host)), 0);
    T_TRUE("sethostname uname tells it", uname(&u) == 0 && !strcmp(u.nodename, host));
    T_OK("setdomainname to its own name", setdomainname(dom, strlen(dom)), 0);
    T_TRUE("setdomainname uname tells it", uname(&u) == 0 && !strcmp(u.domainname, dom));
    T_ERR("sethostname 65 bytes", sethostname(big, 65), EINVAL);
    T_ERR("setdomainname 65 bytes", setdomainname(big, 65), EINVAL);
    T_ERR("sethostname a bad pointer", sethostname(BADUPTR, 4), EFAULT);
    T_ERR("setdomainname a bad pointer", setdomainname(BADUPTR, 4), EFAULT);
    T_TRUE("sethostname the failures changed nothing", uname(&u) == 0 && !strcmp(u.nodename, host) &&
           !strcmp(u.domainname, dom));
    int r = tap_child(unprivileged);
    T_TRUE("sethostname without CAP_SYS_ADMIN -> EPERM", r >= 0 && r < 128 && (r & 1));
    T_TRUE("setdomainname without CAP_SYS_ADMIN -> EPERM", r >= 0 && r < 128 && (r & 2));
    return tap_done();
}
