/* syscalls/numa.h — nodemasks as the NUMA syscalls take them from user memory and give them back
 * (syscalls/numa.c), for mempolicy.c and numa.c. skiff is one node: node 0. */
#ifndef SKIFF_NUMA_H
#define SKIFF_NUMA_H
#include "syscalls.h"

#define NUMA_NR_NODES 1      /* Linux's nr_node_ids */
#define NUMA_MAX_NODES 1024  /* Linux's MAX_NUMNODES (CONFIG_NODES_SHIFT 10) */

struct numa_mask {
    u64 low;                 /* nodes 0..63 as given */
    bool empty;              /* no bit set at all */
};
long numa_mask_get(u64 umask, u64 maxnode, struct numa_mask *m); /* 0, -EINVAL or -EFAULT */
long numa_mask_put(u64 umask, u64 maxnode, u64 nodes);           /* get_mempolicy's copy out */
#endif
