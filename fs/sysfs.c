/* fs/sysfs.c — /sys: what Linux programs read there to learn the machine's CPUs and NUMA nodes.
 * glibc's sysconf(_SC_NPROCESSORS_ONLN/CONF) reads devices/system/cpu/online and possible, lscpu and
 * hwloc read cpuN/topology, libnuma reads devices/system/node. skiff's machine is one package of one-thread
 * cores on one node, as QEMU's -smp N is. Files are generated when opened (fs/procfs.c's machinery); the
 * tree is made once, at boot, for the CPUs the firmware lists. Nothing else of Linux's /sys is here: a
 * program that looks for a device or a cgroup file finds none, as in a container without /sys mounted. */
#include "procfs.h"
#include "../kernel/errno.h"
#include "../arch/x86_64/smp.h"

enum sys_kind {
    SYS_ONLINE, SYS_PRESENT, SYS_OFFLINE, SYS_EMPTY, SYS_KERNEL_MAX, SYS_ONE, SYS_ZERO, SYS_CPU_N,
    SYS_CPU_MASK, SYS_CPU_LIST, SYS_ALL_MASK, SYS_ALL_LIST, SYS_NO_ID, SYS_DISTANCE,
};
#define SYS_PRIV(kind, cpu) ((void *)(u64)((u32)(cpu) << 8 | (kind)))

static int sys_present(void)
{
    return MAX(1, smp_info.ncpus);
}

/* "0", "0-3": the cpulist format of Linux's /sys (CPUs 0..n-1) */
static int cpu_range(char *buf, size_t size, int n)
{
    return n <= 0 ? ksnprintf(buf, size, "\n") : n == 1 ? ksnprintf(buf, size, "0\n")
                                                        : ksnprintf(buf, size, "0-%d\n", n - 1);
}

static int sys_gen(u32 kind, int cpu, char *buf, size_t size)
{
    switch (kind) {
    case SYS_ONLINE: return cpu_range(buf, size, ncpus_online);
    case SYS_PRESENT: return cpu_range(buf, size, sys_present());
    case SYS_OFFLINE:
        return ncpus_online >= sys_present() ? ksnprintf(buf, size, "\n")
               : ncpus_online + 1 == sys_present() ? ksnprintf(buf, size, "%d\n", ncpus_online)
                                                   : ksnprintf(buf, size, "%d-%d\n", ncpus_online, sys_present() - 1);
    case SYS_EMPTY: return ksnprintf(buf, size, "\n");
    case SYS_KERNEL_MAX: return ksnprintf(buf, size, "%d\n", MAX_CPUS - 1);
    case SYS_ONE: return ksnprintf(buf, size, "%d\n", cpu < ncpus_online);
    case SYS_ZERO: return ksnprintf(buf, size, "0\n");
    case SYS_CPU_N: return ksnprintf(buf, size, "%d\n", cpu);
    case SYS_CPU_MASK: return ksnprintf(buf, size, "%x\n", 1u << cpu);
    case SYS_CPU_LIST: return ksnprintf(buf, size, "%d\n", cpu);
    case SYS_ALL_MASK: return ksnprintf(buf, size, "%x\n", (1u << sys_present()) - 1);
    case SYS_ALL_LIST: return cpu_range(buf, size, sys_present());
    case SYS_NO_ID: return ksnprintf(buf, size, "65535\n"); /* no cluster level, as on the host */
    case SYS_DISTANCE: return ksnprintf(buf, size, "10\n");   /* a node's distance to itself */
    }
    return 0;
}

static int sys_open(struct file *f)
{
    u64 priv = (u64)f->inode->priv;
    char *buf = kmalloc(GEN_SIZE);
    return buf ? procfs_keep_text(f, buf, sys_gen(priv & 0xff, (int)(priv >> 8), buf, GEN_SIZE)) : -ENOMEM;
}

static const struct file_ops sys_ops = { .open = sys_open, .read = procfs_read, .release = procfs_release };

static void sys_file(struct inode *dir, const char *name, enum sys_kind kind, int cpu)
{
    procfs_add_file(dir, name, &sys_ops, SYS_PRIV(kind, cpu));
}

/* devices/system/cpu/cpuN: cpu0 has no online file (it cannot be taken down), as on Linux x86 */
static void sys_cpu_dir(struct inode *cpus, int cpu)
{
    char name[16];
    ksnprintf(name, sizeof(name), "cpu%d", cpu);
    struct inode *d = procfs_dir(cpus, name), *t = procfs_dir(d, "topology");
    if (cpu)
        sys_file(d, "online", SYS_ONE, cpu);
    static const struct { const char *name; enum sys_kind kind; } topo[] = {
        { "core_id", SYS_CPU_N },           { "physical_package_id", SYS_ZERO }, { "die_id", SYS_ZERO },
        { "cluster_id", SYS_NO_ID },        { "core_cpus", SYS_CPU_MASK },      { "core_cpus_list", SYS_CPU_LIST },
        { "thread_siblings", SYS_CPU_MASK }, { "thread_siblings_list", SYS_CPU_LIST },
        { "cluster_cpus", SYS_CPU_MASK },   { "cluster_cpus_list", SYS_CPU_LIST },
        { "core_siblings", SYS_ALL_MASK },  { "core_siblings_list", SYS_ALL_LIST },
        { "die_cpus", SYS_ALL_MASK },       { "die_cpus_list", SYS_ALL_LIST },
        { "package_cpus", SYS_ALL_MASK },   { "package_cpus_list", SYS_ALL_LIST },
    };
    for (size_t i = 0; i < ARRAY_SIZE(topo); i++)
        sys_file(t, topo[i].name, topo[i].kind, cpu);
}

/* The tree under /sys, built the first time anything looks inside (sysfs_init leaves this hook on the root): a
 * program that never reads /sys does not wait for it at boot. */
static void sysfs_populate(struct inode *sys)
{
    sys->refresh = NULL;
    struct timespec64 made = sys->mtime;
    vfs_now_fixed(&made);
    struct inode *cpus = procfs_dir(sys, "devices/system/cpu"), *node = procfs_dir(sys, "devices/system/node");
    sys_file(cpus, "online", SYS_ONLINE, 0);
    sys_file(cpus, "possible", SYS_PRESENT, 0);
    sys_file(cpus, "present", SYS_PRESENT, 0);
    sys_file(cpus, "offline", SYS_OFFLINE, 0);
    sys_file(cpus, "isolated", SYS_EMPTY, 0);
    sys_file(cpus, "kernel_max", SYS_KERNEL_MAX, 0);
    for (int cpu = 0; cpu < sys_present(); cpu++)
        sys_cpu_dir(cpus, cpu);
    static const char *const node_files[] = { "online", "possible", "has_cpu", "has_memory", "has_normal_memory" };
    for (size_t i = 0; i < ARRAY_SIZE(node_files); i++)
        sys_file(node, node_files[i], SYS_ZERO, 0);
    struct inode *node0 = procfs_dir(node, "node0");
    sys_file(node0, "cpulist", SYS_ALL_LIST, 0);
    sys_file(node0, "cpumap", SYS_ALL_MASK, 0);
    sys_file(node0, "distance", SYS_DISTANCE, 0);
    /* no disks: the block device lists exist and are empty, as on a Linux without any (lsblk lists nothing) */
    procfs_dir(sys, "dev/block");
    procfs_dir(sys, "dev/char");
    procfs_dir(sys, "block");
    procfs_dir(sys, "class/block");
    vfs_now_fixed(NULL);
}

void sysfs_init(void)
{
    struct super_block *sb = sb_new("sysfs", "sysfs");
    struct inode *sys = sb ? ramfs_new_root(sb) : NULL;
    if (!sys || (sb->root = sys, sys->mode = S_IFDIR | 0555, vfs_mount_path("/sys", sb)))
        panic("cannot mount /sys");
    sb->flags |= SB_NOSUID | SB_NODEV | SB_NOEXEC; /* as Linux mounts it: rw,nosuid,nodev,noexec,relatime */
    sys->refresh = sysfs_populate;
}
