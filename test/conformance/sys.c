/* test/conformance/sys.c — whole-system and accounting queries and the process's place among others:
 * sysinfo, statfs/fstatfs, getrusage, times, getcpu; process groups and sessions (getpgid getpgrp getsid
 * setpgid setsid); prctl's name; priorities and scheduler queries; supplementary groups and the set*id family
 * as root. Host-dependent values (memory sizes, nice, group lists, filesystem type) are checked only for sanity.
 * A pid no process has: 0x7fffffff (above any pid_max). No call here changes our ids for real: as root we set
 * them to what they are (0) or pass -1 ("no change"). */
/* covers: sysinfo statfs fstatfs getrusage times getcpu getpgid getpgrp getsid setpgid setsid prctl getpriority setpriority sched_getscheduler sched_getparam sched_setaffinity getgroups setgroups setuid setgid setreuid setregid setresuid setresgid getresuid getresgid */
#include "tap.h"
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/statfs.h>
#include <sys/times.h>
#include <sched.h>

#define NOPID 0x7fffffff

int main(void)
{
    tap_scratch("sys");
    long pid = getpid();

    /* sysinfo */
    struct sysinfo si;
    T_OK("sysinfo", SYS(SYS_sysinfo, &si), 0);
    T_TRUE("sysinfo: some RAM, some free, at least one process",
           si.totalram > 0 && si.freeram <= si.totalram && si.procs >= 1 && si.mem_unit >= 1);
    T_ERR("sysinfo into a kernel address", SYS(SYS_sysinfo, KADDR), EFAULT);
    T_ERR("sysinfo into an unmapped address", SYS(SYS_sysinfo, BADUPTR), EFAULT);

    /* statfs, fstatfs */
    struct statfs sf;
    T_OK("statfs the scratch directory", SYS(SYS_statfs, ".", &sf), 0);
    T_TRUE("statfs: block size and name length", sf.f_bsize > 0 && sf.f_namelen == 255);
    T_ERR("statfs a missing path", SYS(SYS_statfs, "missing", &sf), ENOENT);
    T_ERR("statfs into a kernel address", SYS(SYS_statfs, ".", KADDR), EFAULT);
    T_ERR("statfs path at a kernel address", SYS(SYS_statfs, KADDR, &sf), EFAULT);
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    struct statfs sf2;
    T_OK("fstatfs", SYS(SYS_fstatfs, fd, &sf2), 0);
    T_TRUE("fstatfs: the same filesystem as statfs", sf2.f_type == sf.f_type && sf2.f_bsize == sf.f_bsize);
    T_ERR("fstatfs a closed fd", SYS(SYS_fstatfs, 999, &sf2), EBADF);
    T_ERR("fstatfs into a kernel address", SYS(SYS_fstatfs, fd, KADDR), EFAULT);
    close(fd);

    /* getrusage, times */
    struct rusage ru;
    T_OK("getrusage RUSAGE_SELF", SYS(SYS_getrusage, RUSAGE_SELF, &ru), 0);
    T_TRUE("getrusage: times are normalised", ru.ru_utime.tv_usec < 1000000 && ru.ru_stime.tv_usec < 1000000);
    T_OK("getrusage RUSAGE_CHILDREN", SYS(SYS_getrusage, RUSAGE_CHILDREN, &ru), 0);
    T_TRUE("getrusage RUSAGE_CHILDREN: no children, no time", ru.ru_utime.tv_sec == 0 && ru.ru_stime.tv_sec == 0);
    T_OK("getrusage RUSAGE_THREAD", SYS(SYS_getrusage, 1, &ru), 0);
    T_ERR("getrusage who 5", SYS(SYS_getrusage, 5, &ru), EINVAL);
    T_ERR("getrusage into a kernel address", SYS(SYS_getrusage, RUSAGE_SELF, KADDR), EFAULT);
    struct tms tm;
    long t = SYS(SYS_times, &tm);
    T_TRUE("times returns a tick count", t != -1);
    T_TRUE("times: no children", tm.tms_cutime == 0 && tm.tms_cstime == 0);
    T_TRUE("times with NULL", SYS(SYS_times, NULL) != -1);
    T_ERR("times into a kernel address", SYS(SYS_times, KADDR), EFAULT);

    /* getcpu */
    unsigned cpu = 99999, node = 99999;
    T_OK("getcpu", SYS(SYS_getcpu, &cpu, &node, NULL), 0);
    T_TRUE("getcpu: a CPU we may run on", cpu < 4096 && node < 4096);
    T_OK("getcpu with NULLs", SYS(SYS_getcpu, NULL, NULL, NULL), 0);
    T_ERR("getcpu into a kernel address", SYS(SYS_getcpu, KADDR, NULL, NULL), EFAULT);

    /* sessions and process groups. Under skiff the program is pid 1, leading its session and group (as init);
     * the runner starts the native run under setsid(1) so that it leads its own session there too, whatever
     * session and group the runner itself was started in. */
    T_OK("getpgrp equals getpgid(0)", SYS(SYS_getpgrp), SYS(SYS_getpgid, 0));
    T_OK("getpgid of ourselves by pid", SYS(SYS_getpgid, pid), SYS(SYS_getpgid, 0));
    T_ERR("getpgid of no process", SYS(SYS_getpgid, NOPID), ESRCH);
    T_TRUE("getsid of ourselves is a pid", SYS(SYS_getsid, 0) > 0);
    T_ERR("getsid of no process", SYS(SYS_getsid, NOPID), ESRCH);
    T_ERR("setpgid into our own group as a session leader", SYS(SYS_setpgid, 0, SYS(SYS_getpgid, 0)), EPERM);
    T_TRUE("setsid leaves us leading our session and group",
           SYS(SYS_getsid, 0) == pid && SYS(SYS_getpgid, 0) == pid && SYS(SYS_getpgrp) == pid);
    T_ERR("setsid as a process group leader", SYS(SYS_setsid), EPERM);
    T_ERR("setpgid as a session leader", SYS(SYS_setpgid, 0, 0), EPERM);
    T_ERR("setpgid negative pgid", SYS(SYS_setpgid, 0, -1), EINVAL);
    T_ERR("setpgid of no process", SYS(SYS_setpgid, NOPID, 0), ESRCH);

    /* prctl */
    char name[32];
    T_OK("prctl PR_SET_NAME", SYS(SYS_prctl, PR_SET_NAME, "conf-sys-name", 0, 0, 0), 0);
    memset(name, 'x', sizeof name);
    T_OK("prctl PR_GET_NAME", SYS(SYS_prctl, PR_GET_NAME, name, 0, 0, 0), 0);
    T_TRUE("prctl PR_GET_NAME reads it back", !strcmp(name, "conf-sys-name"));
    T_OK("prctl PR_SET_NAME truncates to 15 bytes", SYS(SYS_prctl, PR_SET_NAME, "0123456789abcdefghij", 0, 0, 0), 0);
    SYS(SYS_prctl, PR_GET_NAME, name, 0, 0, 0);
    T_TRUE("prctl PR_GET_NAME: 15 bytes and a NUL", !strcmp(name, "0123456789abcde"));
    T_ERR("prctl PR_SET_NAME from a kernel address", SYS(SYS_prctl, PR_SET_NAME, KADDR, 0, 0, 0), EFAULT);
    T_ERR("prctl PR_GET_NAME into a kernel address", SYS(SYS_prctl, PR_GET_NAME, KADDR, 0, 0, 0), EFAULT);
    T_ERR("prctl unknown option", SYS(SYS_prctl, 0x7fff1234, 0, 0, 0, 0), EINVAL);

    /* priorities */
    long prio = SYS(SYS_getpriority, PRIO_PROCESS, 0);
    T_TRUE("getpriority: 20 - nice, within 1..40", prio >= 1 && prio <= 40);
    T_OK("getpriority by our own pid", SYS(SYS_getpriority, PRIO_PROCESS, pid), prio);
    T_TRUE("getpriority PRIO_PGRP 0", SYS(SYS_getpriority, PRIO_PGRP, 0) >= 1);
    T_ERR("getpriority bad which", SYS(SYS_getpriority, 3, 0), EINVAL);
    T_ERR("getpriority of no process", SYS(SYS_getpriority, PRIO_PROCESS, NOPID), ESRCH);
    T_OK("setpriority to the current nice", SYS(SYS_setpriority, PRIO_PROCESS, 0, 20 - prio), 0);
    T_OK("setpriority: unchanged", SYS(SYS_getpriority, PRIO_PROCESS, 0), prio);
    T_ERR("setpriority bad which", SYS(SYS_setpriority, 3, 0, 0), EINVAL);
    T_ERR("setpriority of no process", SYS(SYS_setpriority, PRIO_PROCESS, NOPID, 0), ESRCH);

    /* scheduler */
    T_OK("sched_getscheduler is SCHED_OTHER", SYS(SYS_sched_getscheduler, 0), SCHED_OTHER);
    T_ERR("sched_getscheduler of no process", SYS(SYS_sched_getscheduler, NOPID), ESRCH);
    T_ERR("sched_getscheduler negative pid", SYS(SYS_sched_getscheduler, -1), EINVAL);
    struct sched_param sp;
    memset(&sp, 0, sizeof sp);
    sp.sched_priority = 99;
    T_OK("sched_getparam", SYS(SYS_sched_getparam, 0, &sp), 0);
    T_EQ("sched_getparam: priority 0 for SCHED_OTHER", sp.sched_priority, 0);
    T_ERR("sched_getparam NULL", SYS(SYS_sched_getparam, 0, NULL), EINVAL);
    T_ERR("sched_getparam of no process", SYS(SYS_sched_getparam, NOPID, &sp), ESRCH);
    T_ERR("sched_getparam into a kernel address", SYS(SYS_sched_getparam, 0, KADDR), EFAULT);
    uint64_t mask[16] = { 0 };
    long msz = SYS(SYS_sched_getaffinity, 0, sizeof mask, mask);
    T_TRUE("sched_setaffinity: the current mask can be read", msz >= 8);
    T_OK("sched_setaffinity to the current mask", SYS(SYS_sched_setaffinity, 0, msz, mask), 0);
    uint64_t none[16] = { 0 };
    T_ERR("sched_setaffinity empty mask", SYS(SYS_sched_setaffinity, 0, msz, none), EINVAL);
    T_ERR("sched_setaffinity of no process", SYS(SYS_sched_setaffinity, NOPID, msz, mask), ESRCH);
    T_ERR("sched_setaffinity mask at a kernel address", SYS(SYS_sched_setaffinity, 0, 8, KADDR), EFAULT);

    /* groups */
    long ng = SYS(SYS_getgroups, 0, NULL);
    T_TRUE("getgroups size 0 counts the groups", ng >= 0 && ng <= 65536);
    T_ERR("getgroups negative size", SYS(SYS_getgroups, -1, NULL), EINVAL);
    T_OK("setgroups to none", SYS(SYS_setgroups, 0, NULL), 0);
    T_OK("setgroups: getgroups counts none", SYS(SYS_getgroups, 0, NULL), 0);
    T_ERR("setgroups negative size", SYS(SYS_setgroups, -1, NULL), EINVAL);
    T_ERR("setgroups above NGROUPS_MAX", SYS(SYS_setgroups, 65537, NULL), EINVAL);

    /* set*id and getres*id as root */
    T_OK("setuid 0", SYS(SYS_setuid, 0), 0);
    T_ERR("setuid -1", SYS(SYS_setuid, -1), EINVAL);
    T_OK("setgid 0", SYS(SYS_setgid, 0), 0);
    T_ERR("setgid -1", SYS(SYS_setgid, -1), EINVAL);
    T_OK("setreuid -1 -1", SYS(SYS_setreuid, -1, -1), 0);
    T_OK("setreuid 0 0", SYS(SYS_setreuid, 0, 0), 0);
    T_OK("setregid -1 -1", SYS(SYS_setregid, -1, -1), 0);
    T_OK("setregid 0 0", SYS(SYS_setregid, 0, 0), 0);
    T_OK("setresuid -1 -1 -1", SYS(SYS_setresuid, -1, -1, -1), 0);
    T_OK("setresuid 0 0 0", SYS(SYS_setresuid, 0, 0, 0), 0);
    T_OK("setresgid -1 -1 -1", SYS(SYS_setresgid, -1, -1, -1), 0);
    T_OK("setresgid 0 0 0", SYS(SYS_setresgid, 0, 0, 0), 0);
    unsigned r = 9, e = 9, s = 9;
    T_OK("getresuid", SYS(SYS_getresuid, &r, &e, &s), 0);
    T_TRUE("getresuid: all root", r == 0 && e == 0 && s == 0);
    T_ERR("getresuid into a kernel address", SYS(SYS_getresuid, &r, KADDR, &s), EFAULT);
    r = e = s = 9;
    T_OK("getresgid", SYS(SYS_getresgid, &r, &e, &s), 0);
    T_TRUE("getresgid: all root", r == 0 && e == 0 && s == 0);
    T_ERR("getresgid into a kernel address", SYS(SYS_getresgid, KADDR, &e, &s), EFAULT);
    T_OK("getuid still root", SYS(SYS_getuid), 0);

    tap_finish_dir();
    return tap_done();
}
