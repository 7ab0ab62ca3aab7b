/* test/conformance/procfields.c — /proc/PID/stat's priority (20 + nice), nice and policy fields as
 * setpriority(2) and sched_setscheduler(2) change them (in the process's and the thread's stat), and
 * /proc/PID/status's VmLck: the bytes mlock(2) and MAP_LOCKED hold locked, back to 0 after munlock. */
/* covers: setpriority sched_setscheduler mlock munlock */
#include "tap.h"
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>

/* Field n (1-based, as proc(5) numbers them) of a stat file, or -999. */
static long stat_field(const char *path, int n)
{
    char buf[1024];
    if (tap_read_file(path, buf, sizeof buf) < 0)
        return -999;
    char *p = strrchr(buf, ')'); /* the comm may hold spaces */
    if (!p)
        return -999;
    p += 2;
    for (int i = 3; i < n && p; i++) {
        p = strchr(p, ' ');
        p = p ? p + 1 : NULL;
    }
    return p ? strtol(p, NULL, 10) : -999;
}

static long vmlck_kb(void)
{
    char buf[4096];
    if (tap_read_file("/proc/self/status", buf, sizeof buf) < 0)
        return -1;
    char *p = strstr(buf, "\nVmLck:");
    return p ? strtol(p + 7, NULL, 10) : -1;
}

static void t_stat(void)
{
    char task[64];
    snprintf(task, sizeof task, "/proc/self/task/%d/stat", (int)gettid());
    T_TRUE("setpriority: /proc/self/stat priority 20 and nice 0 at first",
           stat_field("/proc/self/stat", 18) == 20 && stat_field("/proc/self/stat", 19) == 0);
    T_OK("setpriority PRIO_PROCESS nice 7", setpriority(PRIO_PROCESS, 0, 7), 0);
    T_TRUE("setpriority: /proc/self/stat priority 27, nice 7",
           stat_field("/proc/self/stat", 18) == 27 && stat_field("/proc/self/stat", 19) == 7);
    T_TRUE("setpriority: the thread's stat too", stat_field(task, 18) == 27 && stat_field(task, 19) == 7);
    setpriority(PRIO_PROCESS, 0, -3);
    T_TRUE("setpriority nice -3: priority 17", stat_field("/proc/self/stat", 18) == 17 &&
           stat_field("/proc/self/stat", 19) == -3);
    T_EQ("sched_setscheduler: /proc/self/stat policy 0 (SCHED_OTHER)", stat_field("/proc/self/stat", 41), 0);
    struct sched_param sp = { 0 };
    T_OK("sched_setscheduler SCHED_BATCH", syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &sp) /* musl's wrapper is ENOSYS */, 0);
    T_EQ("sched_setscheduler: /proc/self/stat policy 3 (SCHED_BATCH)", stat_field("/proc/self/stat", 41), SCHED_BATCH);
    T_EQ("sched_setscheduler: rt_priority 0", stat_field("/proc/self/stat", 40), 0);
    syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp);
    setpriority(PRIO_PROCESS, 0, 0);
}

static void t_vmlck(void)
{
    T_EQ("mlock: VmLck 0 kB at first", vmlck_kb(), 0);
    char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK("mlock 3 of 4 pages", mlock(p, 3 * PAGE), 0);
    T_EQ("mlock: VmLck 12 kB", vmlck_kb(), 12);
    char *q = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    T_EQ("mmap MAP_LOCKED 2 pages: VmLck 20 kB", vmlck_kb(), 20);
    T_OK("munlock 1 page", munlock(p, PAGE), 0);
    T_EQ("munlock: VmLck 16 kB", vmlck_kb(), 16);
    munmap(q, 2 * PAGE);
    T_EQ("munmap of the MAP_LOCKED pages: VmLck 8 kB", vmlck_kb(), 8);
    munmap(p, 4 * PAGE);
    T_EQ("munmap: VmLck 0 kB", vmlck_kb(), 0);
}

int main(void)
{
    t_stat();
    t_vmlck();
    return tap_done();
}
