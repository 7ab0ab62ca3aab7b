/* fs/procfs_stats.c — /proc's system-wide counters and tables that monitoring tools read: vmstat (procps's
 * vmstat will not start without it), the boot command line, and the block-device, swap, module and device
 * tables, which on skiff hold no disks, no swap and no modules (headers alone, as a Linux without them). */
#include "procfs.h"
#include "../kernel/boot.h"
#include "../kernel/mm.h"
#include "lock.h"

/* /proc/vmstat: one "name value" line each; what skiff does not have (swap, disks, reclaim) is 0. */
static int gen_vmstat(char *buf, size_t size)
{
    size_t n = 0;
    u64 free = pmm_free_pages(), used = pmm_total_pages() - free;
    const struct { const char *name; u64 v; } rows[] = {
        { "nr_free_pages", free },         { "nr_inactive_anon", 0 },   { "nr_active_anon", used },
        { "nr_inactive_file", 0 },         { "nr_active_file", 0 },     { "nr_unevictable", 0 },
        { "nr_mlock", 0 },                 { "nr_anon_pages", used },   { "nr_mapped", 0 },
        { "nr_file_pages", 0 },            { "nr_dirty", 0 },           { "nr_writeback", 0 },
        { "nr_shmem", 0 },                 { "nr_page_table_pages", 0 }, { "nr_dirty_threshold", 0 },
        { "pgpgin", 0 },                   { "pgpgout", 0 },            { "pswpin", 0 },
        { "pswpout", 0 },                  { "pgfault", kstat.pgfault }, { "pgmajfault", kstat.pgmajfault },
        { "pgsteal_kswapd", 0 },           { "pgsteal_direct", 0 },     { "pgscan_kswapd", 0 },
        { "pgscan_direct", 0 },            { "oom_kill", kstat.oom_kills },
    };
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
        OUT("%s %lu\n", rows[i].name, rows[i].v);
    return (int)n;
}

/* The kernel's command line; multiboot loaders (QEMU's -kernel, GRUB) put the image's path first, which Linux's
 * would not show (GRUB's BOOT_IMAGE= aside): left out. */
static int gen_cmdline(char *buf, size_t size)
{
    const char *c = boot.cmdline;
    if (*c == '/') {
        while (*c && *c != ' ')
            c++;
        while (*c == ' ')
            c++;
    }
    return ksnprintf(buf, size, "%s\n", c);
}
static int gen_swaps(char *buf, size_t size)
{
    return ksnprintf(buf, size, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
}
static int gen_partitions(char *buf, size_t size) { return ksnprintf(buf, size, "major minor  #blocks  name\n\n"); }
static int gen_empty(char *buf, size_t size) { (void)buf, (void)size; return 0; }

/* /proc/devices: the character devices' majors devfs has drivers for, by Linux's names; no block devices. */
static int gen_devices(char *buf, size_t size)
{
    static const struct { u32 major; int minor; const char *name; } names[] = { /* minor -1: any */
        { 1, -1, "mem" }, { 4, -1, "tty" }, { 5, 0, "/dev/tty" }, { 5, 1, "/dev/console" }, { 5, 2, "/dev/ptmx" },
        { 10, -1, "misc" }, { 136, -1, "pts" }, /* pts: the slaves of /dev/ptmx's pseudo-terminals */
    };
    size_t n = 0;
    OUT("Character devices:\n");
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        void *priv;
        u32 major = names[i].major == 136 ? 5 : names[i].major; /* pts slaves exist as /dev/ptmx does */
        int minor = names[i].major == 136 ? 2 : names[i].minor;
        bool has = minor < 0 ? devfs_has_major(major) : devfs_driver((u64)major << 8 | (u32)minor, &priv) != NULL;
        if (has)
            OUT("%3u %s\n", names[i].major, names[i].name);
    }
    OUT("\nBlock devices:\n");
    return (int)n;
}

const struct procfs_entry procfs_stat_files[] = {
    { "", "vmstat", gen_vmstat },         { "", "cmdline", gen_cmdline },   { "", "swaps", gen_swaps },
    { "", "partitions", gen_partitions }, { "", "diskstats", gen_empty },   { "", "modules", gen_empty },
    { "", "devices", gen_devices },         { "", "locks", lock_proc_text }, /* fs/lock.c */
};
const size_t procfs_stat_nfiles = ARRAY_SIZE(procfs_stat_files);
