/* test/conformance/tap_abi.h — kernel ABI the tests use that musl's headers lack (it ships no <linux/...>
 * headers): struct statx and the memfd seal commands, spelled out from <linux/stat.h> and <linux/fcntl.h>. */
#ifndef CONFORMANCE_TAP_ABI_H
#define CONFORMANCE_TAP_ABI_H
#include <stdint.h>

struct sx_ts { int64_t tv_sec; uint32_t tv_nsec; int32_t pad; };
struct sx {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, pad1;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct sx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t spare[14];
};

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 1
#define F_SEAL_SHRINK 2
#define F_SEAL_GROW 4
#define F_SEAL_WRITE 8
#endif
#endif
