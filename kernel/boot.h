/* kernel/boot.h — what the boot loader told us (multiboot v1 or Xen PVH), copied out before memory is reused. */
#ifndef SKIFF_BOOT_H
#define SKIFF_BOOT_H
#include "kernel.h"

struct boot_mmap_entry { u64 base, len; u32 type; };

struct boot_info {
    char cmdline[2048];
    u64 initrd_start, initrd_end;   /* physical; 0/0 without a module */
    bool multiboot;                 /* booted by a multiboot loader (else PVH) */
    struct boot_mmap_entry mmap[64];
    int nmmap;
    u64 entry_tsc;                  /* TSC at the kernel's first instructions (boot/boot.asm): the boot figure's start */
    u64 boot_tsc;                   /* TSC at the kernel's first C instruction: the monotonic clock's zero */
    u64 user_entry_tsc;             /* TSC just before the program's first instruction */
    const char *phase_name[40];     /* kmain's init steps and the TSC when each ended */
    u64 phase_tsc[40];
    int nphases;
    u64 rsdp_paddr;                 /* ACPI RSDP from PVH's start info (0: search the BIOS areas) */
};
extern struct boot_info boot;

#define BOOT_MAGIC_MULTIBOOT 0x2badb002u /* eax from a multiboot loader */
#define BOOT_MAGIC_PVH 0x336ec578u       /* boot/boot.asm's PVH entry passes hvm_start_info.magic's value */
void boot_parse(u32 magic, u32 info_phys);  /* info_phys: the multiboot info or the PVH start info */
void boot_parse_pvh(u32 info_phys);         /* boot_pvh.c */
void mm_init(void);
const char *boot_arg(const char *key);  /* "key=value" on the command line: value (static copy) or NULL */
bool boot_flag(const char *word);       /* a bare word on the command line */
void boot_mark(const char *name);          /* a boot step ended: /proc/skiff/boot_phases */

/* clock.c */
void clock_init(void);
u64 clock_monotonic_ns(void);
bool clock_surely_before_ns(u64 ns);     /* without calibrating the TSC when nothing did yet */
u64 clock_realtime_ns(void);
void clock_realtime_set(u64 ns);
void clock_get_tz(int *minuteswest, int *dsttime);
void clock_set_tz(int minuteswest, int dsttime);
u64 clock_realtime_coarse_ns(void);
u64 clock_tsc_to_ns(u64 ticks);
bool clock_ready(void);                  /* calibrated: clock_monotonic_ns costs nothing more */
void clock_vdso_sync(void);              /* vdso_init: the clock, if calibrated already */
u64 rdtsc_now(void);
u64 clock_tsc_hz(void);
u64 clock_sleep_ns(u64 ns);   /* the time left if a signal ended it early */

/* random.c */
void random_fill(void *buf, size_t n);

#endif
