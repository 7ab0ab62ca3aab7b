/* arch/x86_64/vdso/vdso_data.h — the page the kernel shares read-only with every process beside the vDSO
 * ([vvar]): what the vDSO needs to read the clocks without entering the kernel. Included by the kernel
 * (arch/x86_64/vdso.c) and by the vDSO itself (arch/x86_64/vdso/vdso.c), so the layout is pinned below. */
#pragma once

#define VDSO_IMAGE_MAX 0x2000   /* the vDSO image's room: its ELF file, at most two pages */
#define VDSO_VVAR_OFFSET 0x2000 /* the data page follows the image: base + this */
#define VDSO_PAGES 3            /* two of image, one of data */

struct vdso_data {
    unsigned int seq;           /* odd while the kernel changes the fields below: readers retry */
    unsigned int ready;         /* 0 until the TSC is calibrated: then the vDSO makes the real syscall */
    unsigned long long boot_tsc;        /* the TSC at boot: the monotonic clock's zero */
    unsigned long long ns_mult;         /* ns = ticks * ns_mult >> 32 */
    unsigned long long realtime_base_ns; /* CLOCK_REALTIME = this + CLOCK_MONOTONIC */
    unsigned int ncpus;                 /* CPUs that run tasks: above 1, getcpu asks the kernel */
    unsigned int reserved;
    int tz_minuteswest, tz_dsttime;     /* settimeofday's timezone, which gettimeofday gives back */
};

_Static_assert(sizeof(struct vdso_data) == 48, "vdso_data layout is shared by the kernel and the vDSO");
_Static_assert(__builtin_offsetof(struct vdso_data, boot_tsc) == 8, "vdso_data layout");
_Static_assert(__builtin_offsetof(struct vdso_data, ns_mult) == 16, "vdso_data layout");
_Static_assert(__builtin_offsetof(struct vdso_data, realtime_base_ns) == 24, "vdso_data layout");
_Static_assert(__builtin_offsetof(struct vdso_data, tz_minuteswest) == 40, "vdso_data layout");
