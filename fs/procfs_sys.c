/* fs/procfs_sys.c — the files of /proc that describe the system rather than one process: uptime, loadavg,
 * meminfo, stat, cpuinfo, version, mounts, filesystems, skiff/boot_*, sys/kernel/..., net/..., sysvipc/...
 * Each is a generator called when the file is opened (fs/procfs.c makes the tree from the table at the end). */
#include "procfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/boot.h"
#include "../arch/x86_64/arch.h"
#include "../arch/x86_64/smp.h"
#include "../net/net.h"
#include "../ipc/ipc.h"

/* Time since boot and the time the CPUs spent halted with nothing to run, summed over them as Linux does (with
 * N CPUs it grows up to N times as fast as the uptime). */
static int gen_uptime(char *buf, size_t size)
{
    u64 ns = clock_monotonic_ns(), idle = MIN(sched_idle_ns(), ns * ncpus_online);
    return ksnprintf(buf, size, "%lu.%02lu %lu.%02lu\n", ns / 1000000000, ns / 10000000 % 100,
                     idle / 1000000000, idle / 10000000 % 100);
}

static int gen_loadavg(char *buf, size_t size)
{
    return acct_loadavg(buf, size);
}

static int gen_version(char *buf, size_t size)
{
    return ksnprintf(buf, size, "Linux version 6.1.0-skiff (skiff) #1 SMP skiff\n");
}

static int gen_mounts(char *buf, size_t size)
{
    return mounts_text(buf, size); /* fs/mount.c: the mount table as it is now */
}

static int gen_filesystems(char *buf, size_t size)
{
    return ksnprintf(buf, size, "nodev\ttmpfs\nnodev\tsysfs\nnodev\tproc\nnodev\tdevtmpfs\nnodev\t9p\n");
}

static const char *const cpu_flag_names[32] = {
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL, "sep", "mtrr", "pge", "mca",
    "cmov", "pat", "pse36", NULL, "clflush", NULL, NULL, NULL, "mmx", "fxsr", "sse", "sse2", "ss", "ht", NULL, NULL,
    NULL,
};
static const char *const cpu_flag_names_ecx[32] = {
    "pni", "pclmulqdq", NULL, NULL, NULL, "vmx", NULL, NULL, NULL, "ssse3", NULL, NULL, "fma", "cx16", NULL, NULL,
    NULL, "pcid", NULL, "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt", NULL, "aes", "xsave", NULL, "avx", "f16c",
    "rdrand", "hypervisor",
};

static int gen_cpuinfo(char *buf, size_t size)
{
    u32 a, b, c, d, vendor[3];
    size_t n = 0;
    cpuid(0, 0, &a, &vendor[0], &vendor[2], &vendor[1]);
    cpuid(1, 0, &a, &b, &c, &d);
    char brand[49] = "unknown";
    u32 max_ext, *bp = (u32 *)brand;
    cpuid(0x80000000, 0, &max_ext, &b, &c, &d);
    if (max_ext >= 0x80000004) {
        for (u32 leaf = 0; leaf < 3; leaf++)
            cpuid(0x80000002 + leaf, 0, &bp[leaf * 4], &bp[leaf * 4 + 1], &bp[leaf * 4 + 2], &bp[leaf * 4 + 3]);
        brand[48] = 0;
    }
    for (int cpu_i = 0; cpu_i < ncpus_online; cpu_i++) {
        cpuid(1, 0, &a, &b, &c, &d);
        OUT("processor\t: %d\nvendor_id\t: %.12s\ncpu family\t: %u\nmodel\t\t: %u\nmodel name\t: %s\n",
            cpu_i, (const char *)vendor, ((a >> 8) & 0xf) + ((a >> 20) & 0xff),
            ((a >> 4) & 0xf) | ((a >> 12) & 0xf0), brand);
        OUT("stepping\t: %u\ncpu MHz\t\t: %lu.000\ncache size\t: 512 KB\nphysical id\t: 0\nsiblings\t: %d\n"
            "core id\t\t: %d\ncpu cores\t: %d\napicid\t\t: %u\nfpu\t\t: yes\ncpuid level\t: 13\nwp\t\t: yes\n"
            "flags\t\t:",
            a & 0xf, clock_tsc_hz() / 1000000, ncpus_online, cpu_i, ncpus_online, cpus[cpu_i].apic_id);
        for (int i = 0; i < 32; i++)
            if ((d >> i & 1) && cpu_flag_names[i])
                OUT(" %s", cpu_flag_names[i]);
        OUT(" syscall nx lm");
        for (int i = 0; i < 32; i++)
            if ((c >> i & 1) && cpu_flag_names_ecx[i])
                OUT(" %s", cpu_flag_names_ecx[i]);
        cpuid(7, 0, &a, &b, &c, &d);
        if (b & (1u << 5)) OUT(" avx2");
        if (b & (1u << 3)) OUT(" bmi1");
        if (b & (1u << 8)) OUT(" bmi2");
        if (b & (1u << 16)) OUT(" avx512f");
        if (b & (1u << 18)) OUT(" rdseed");
        if (b & (1u << 7)) OUT(" smep");
        if (b & (1u << 20)) OUT(" smap");
        OUT("\nbogomips\t: 4000.00\nclflush size\t: 64\ncache_alignment\t: 64\n"
            "address sizes\t: 40 bits physical, 48 bits virtual\n\n");
    }
    return (int)n;
}

static int gen_meminfo(char *buf, size_t size)
{
    u64 total = pmm_total_pages() * 4, free = pmm_free_pages() * 4;
    /* no page cache apart from the RAM file system, no swap: the rest are zeros, present for readers (htop,
     * free) that expect every line */
    return ksnprintf(buf, size, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
                     "Buffers:               0 kB\nCached:                0 kB\nSwapCached:            0 kB\n"
                     "Shmem:                 0 kB\nSReclaimable:          0 kB\nSwapTotal:             0 kB\n"
                     "SwapFree:              0 kB\n", total, free, free);
}

/* /proc/stat: each CPU (cpuN lines); user and system time as charged to the processes (kernel/cputime.c), what else the
 * CPU did while not halted (boot, interrupts) as system time, in USER_HZ (100) ticks. */
static int gen_stat_all(char *buf, size_t size)
{
    u64 up = clock_monotonic_ns(), idle = MIN(sched_idle_ns(), up * ncpus_online), un, sn;
    int running;
    acct_system(&un, &sn, &running);
    u64 user = MIN(un, up * ncpus_online - idle) / 10000000, sys = (up * ncpus_online - idle) / 10000000 - user;
    u64 intr = 0;
    for (int i = 0; i < ncpus_online; i++)
        intr += cpus[i].irqs;
    u64 btime = (clock_realtime_ns() - up) / 1000000000;
    size_t n = 0;
    OUT("cpu  %lu 0 %lu %lu 0 0 0 0 0 0\n", user, sys, idle / 10000000);
    /* each CPU's idle time is its own; user and system time are kept per task, not per CPU, so each CPU's busy
     * time is split between them in the machine-wide proportion */
    for (int i = 0; i < ncpus_online; i++) {
        u64 ci = MIN(sched_cpu_idle_ns(i), up), busy = (up - ci) / 10000000;
        u64 cu = user + sys ? busy * user / (user + sys) : 0;
        OUT("cpu%d %lu 0 %lu %lu 0 0 0 0 0 0\n", i, cu, busy - cu, ci / 10000000);
    }
    /* processes: tasks made since boot (Linux's total_forks), not how many there are */
    OUT("intr %lu\nctxt %lu\nbtime %lu\nprocesses %lu\nprocs_running %d\nprocs_blocked 0\n"
        "softirq 0 0 0 0 0 0 0 0 0 0 0\n", intr, kstat.ctxt, btime, kstat.forks, running);
    return (int)n;
}

static int gen_boot_us(char *buf, size_t size)
{
    return ksnprintf(buf, size, "%lu\n", clock_tsc_to_ns(boot.user_entry_tsc - boot.entry_tsc) / 1000);
}

/* Where the boot time went: each init step of kmain, then loading the program, in microseconds. */
static int gen_boot_phases(char *buf, size_t size)
{
    size_t n = 0;
    u64 prev = boot.boot_tsc;
    OUT("%-28s %6lu\n", "entry_to_kmain", clock_tsc_to_ns(boot.boot_tsc - boot.entry_tsc) / 1000);
    for (int i = 0; i < boot.nphases; i++) {
        OUT("%-28s %6lu\n", boot.phase_name[i], clock_tsc_to_ns(boot.phase_tsc[i] - prev) / 1000);
        prev = boot.phase_tsc[i];
    }
    OUT("%-28s %6lu\n", "enter the program", clock_tsc_to_ns(boot.user_entry_tsc - prev) / 1000);
    OUT("%-28s %6lu\n", "total", clock_tsc_to_ns(boot.user_entry_tsc - boot.entry_tsc) / 1000);
    return (int)n;
}

static int gen_osrelease(char *buf, size_t size) { return ksnprintf(buf, size, "6.1.0-skiff\n"); }
static int gen_ostype(char *buf, size_t size) { return ksnprintf(buf, size, "Linux\n"); }
static int gen_hostname(char *buf, size_t size) { return ksnprintf(buf, size, "%s\n", uts_nodename()); }
static int gen_domainname(char *buf, size_t size) { return ksnprintf(buf, size, "%s\n", uts_domainname()); }
static int gen_pid_max(char *buf, size_t size) { return ksnprintf(buf, size, "4194304\n"); }
/* fs/inotify.c's limits */
static int gen_in_watches(char *buf, size_t size) { return ksnprintf(buf, size, "65536\n"); }
static int gen_in_instances(char *buf, size_t size) { return ksnprintf(buf, size, "128\n"); }
static int gen_in_queued(char *buf, size_t size) { return ksnprintf(buf, size, "16384\n"); }
static int gen_threads_max(char *buf, size_t size) { return ksnprintf(buf, size, "%lu\n", threads_max()); }
static int gen_zero(char *buf, size_t size) { return ksnprintf(buf, size, "0\n"); }
/* Limits skiff keeps as Linux's defaults: listen's backlog cap (net/tcp.c), the ephemeral ports TCP and UDP
 * choose from (net/tcp.h, net/udp.c), the RLIMIT_NOFILE ceiling (fs/vfs.h), the last capability (cred.h); no
 * address-space randomisation (every program's layout is the same: 0, as randomize_va_space=0), no swap. */
static int gen_somaxconn(char *buf, size_t size) { return ksnprintf(buf, size, "4096\n"); }
static int gen_port_range(char *buf, size_t size) { return ksnprintf(buf, size, "49152\t65535\n"); }
static int gen_nr_open(char *buf, size_t size) { return ksnprintf(buf, size, "%d\n", FD_NR_OPEN); }
static int gen_cap_last(char *buf, size_t size) { return ksnprintf(buf, size, "%d\n", CAP_LAST_CAP); }
static int gen_swappiness(char *buf, size_t size) { return ksnprintf(buf, size, "60\n"); }
static int gen_overcommit_ratio(char *buf, size_t size) { return ksnprintf(buf, size, "50\n"); }
/* Linux 5.18+: the input pool is always full and 256 bits (random(4)) */
static int gen_entropy(char *buf, size_t size) { return ksnprintf(buf, size, "256\n"); }
/* kernel/sched.c's real-time throttling and SCHED_RR round (Linux's defaults; read-only here) */
static int gen_rt_period(char *buf, size_t size) { return ksnprintf(buf, size, "1000000\n"); }
static int gen_rt_runtime(char *buf, size_t size) { return ksnprintf(buf, size, "950000\n"); }
static int gen_rr_slice(char *buf, size_t size) { return ksnprintf(buf, size, "100\n"); }
static int gen_ngroups(char *buf, size_t size) { return ksnprintf(buf, size, "65536\n"); }
static int uuid_text(char *buf, size_t size, const u8 r[16])
{
    return ksnprintf(buf, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n", r[0], r[1],
                     r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

static void uuid_new(u8 r[16])
{
    random_fill(r, 16);
    r[6] = (r[6] & 0x0f) | 0x40; /* version 4 */
    r[8] = (r[8] & 0x3f) | 0x80; /* RFC 4122 variant */
}

/* random/uuid: a new one at each read; random/boot_id: one for the whole boot (made at its first read). */
static int gen_uuid(char *buf, size_t size)
{
    u8 r[16];
    uuid_new(r);
    return uuid_text(buf, size, r);
}

static int gen_boot_id(char *buf, size_t size)
{
    static u8 id[16];
    static bool made;
    if (!made) {
        uuid_new(id);
        made = true;
    }
    return uuid_text(buf, size, id);
}

/* The files of /proc that do not belong to a process: directory (under /proc), name, generator. */
const struct procfs_entry procfs_sys_files[] = {
    { "", "uptime", gen_uptime },           { "", "meminfo", gen_meminfo },     { "", "stat", gen_stat_all },
    { "", "cpuinfo", gen_cpuinfo },         { "", "loadavg", gen_loadavg },
    { "", "version", gen_version },         { "", "mounts", gen_mounts },
    { "", "filesystems", gen_filesystems }, { "skiff", "boot_us", gen_boot_us },
    { "", "config.gz", procfs_gen_config },
    { "skiff", "boot_phases", gen_boot_phases },
    { "skiff", "poll", epoll_proc_stats }, /* epoll's and poll's work: what a wake examined (fs/epoll.c) */
    { "sys/kernel", "osrelease", gen_osrelease }, { "sys/kernel", "ostype", gen_ostype },
    { "sys/kernel", "hostname", gen_hostname },   { "sys/kernel", "pid_max", gen_pid_max },
    { "sys/kernel", "domainname", gen_domainname },
    { "sys/fs/inotify", "max_user_watches", gen_in_watches },
    { "sys/fs/inotify", "max_user_instances", gen_in_instances },
    { "sys/fs/inotify", "max_queued_events", gen_in_queued },
    { "sys/kernel", "threads-max", gen_threads_max },
    { "sys/kernel", "ngroups_max", gen_ngroups },
    { "sys/kernel/random", "uuid", gen_uuid },    { "sys/kernel/random", "boot_id", gen_boot_id },
    { "sys/kernel/random", "entropy_avail", gen_entropy }, { "sys/kernel/random", "poolsize", gen_entropy },
    { "sys/vm", "overcommit_memory", gen_zero },
    { "sys/kernel", "ctrl-alt-del", reboot_cad_text }, /* syscalls/reboot.c: what reboot(CAD_ON/OFF) chose */
    { "sys/fs", "suid_dumpable", gen_zero }, /* what PR_GET_DUMPABLE says after ids changed (syscalls/prctl.c) */
    { "sys/kernel", "tainted", gen_zero },
    { "sys/kernel", "sched_rt_period_us", gen_rt_period }, { "sys/kernel", "sched_rt_runtime_us", gen_rt_runtime },
    { "sys/kernel", "sched_rr_timeslice_ms", gen_rr_slice },
    { "sys/net/core", "somaxconn", gen_somaxconn },  { "sys/net/ipv4", "ip_local_port_range", gen_port_range },
    { "sys/fs", "nr_open", gen_nr_open },            { "sys/kernel", "cap_last_cap", gen_cap_last },
    { "sys/kernel", "randomize_va_space", gen_zero }, { "sys/vm", "swappiness", gen_swappiness },
    { "sys/vm", "overcommit_ratio", gen_overcommit_ratio },
    { "sys/fs", "pipe-max-size", pipe_sysctl_max_size },
    { "sys/fs", "file-nr", files_sysctl_nr },
    { "sys/fs", "aio-nr", aio_sysctl_nr },  { "sys/fs", "aio-max-nr", aio_sysctl_max_nr }, /* syscalls/aio.c */ /* fs/file.c; file-max is a sysctl one may set (procfs.c) */
    { "sys/kernel", "msgmax", ipc_sysctl_msgmax }, { "sys/kernel", "msgmnb", ipc_sysctl_msgmnb },
    { "sys/kernel", "msgmni", ipc_sysctl_msgmni }, { "sys/kernel", "shmmax", ipc_sysctl_shmmax },
    { "sys/kernel", "shmall", ipc_sysctl_shmall }, { "sys/kernel", "shmmni", ipc_sysctl_shmmni },
    { "sys/kernel", "sem", ipc_sysctl_sem },
    { "sys/fs/mqueue", "msg_max", mq_sysctl_msg },          { "sys/fs/mqueue", "msg_default", mq_sysctl_msg },
    { "sys/fs/mqueue", "msgsize_max", mq_sysctl_msgsize },  { "sys/fs/mqueue", "msgsize_default", mq_sysctl_msgsize },
    { "sys/fs/mqueue", "queues_max", mq_sysctl_queues },
    { "net", "skiff", net_proc_counters },  /* the network stack's state and counters (net/net.c) */
    { "net", "route", net_proc_route },     { "net", "dev", net_proc_dev },
    { "sysvipc", "shm", ipc_proc_shm },     { "sysvipc", "sem", ipc_proc_sem }, { "sysvipc", "msg", ipc_proc_msg },
    { "net", "if_inet6", net_proc_if_inet6 },
    { "net", "tcp", net_proc_tcp },         { "net", "tcp6", net_proc_tcp6 }, /* net/procnet.c */
    { "net", "udp", net_proc_udp },         { "net", "udp6", net_proc_udp6 },   { "net", "unix", net_proc_unix },
};
const size_t procfs_sys_nfiles = ARRAY_SIZE(procfs_sys_files);
