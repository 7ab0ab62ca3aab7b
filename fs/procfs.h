/* fs/procfs.h — what the parts of /proc share (procfs.c: the tree, the system files, /proc/PID's links and
 * fd/; procfs_task.c: the files that describe a process or one of its threads, and task/). Not for other
 * subsystems: they see procfs_init/procfs_add_pid/procfs_remove_pid in vfs.h. */
#ifndef SKIFF_PROCFS_H
#define SKIFF_PROCFS_H

#include "vfs.h"
#include "../kernel/proc.h"

#define GEN_SIZE (16 * PAGE_SIZE) /* the most text one file generates */
#define OUT(...) (n += ksnprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))

/* Every node under /proc/<pid> knows its pid (and what it is among its kind) in its inode's priv. */
#define PID_PRIV(pid, low) ((void *)(((u64)(u32)(pid) << 32) | (u32)(low)))

struct gen_text {
    char *buf;
    size_t len;
    bool read_since; /* a read from the start has used this text: the next one generates it anew */
};

/* A generated file: its text made at open (n bytes in buf, GEN_SIZE long, now owned by f), then read. */
int procfs_keep_text(struct file *f, char *buf, int n);
ssize_t procfs_read(struct file *f, void *ubuf, size_t n, u64 *off);
void procfs_release(struct file *f);

struct inode *procfs_magic_link(struct inode *dir, const char *name, const char *target,
                                struct inode *(*resolve)(struct inode *), void (*refresh)(struct inode *));
void procfs_remove_tree(struct inode *dir, const char *name);
void procfs_add_file(struct inode *dir, const char *name, const struct file_ops *ops, void *priv);
int procfs_pid_file(struct inode *d, const char *name, u32 mode, const struct file_ops *ops, int pid); /* or -ENOMEM */
struct inode *procfs_dir(struct inode *root, const char *path);   /* made where missing */

/* A system file's generator: its text into buf (size bytes); the length it wanted. procfs_sys.c's table. */
typedef int (*proc_gen)(char *buf, size_t size);
struct procfs_entry {
    const char *dir, *name; /* directory under /proc ("" for /proc itself), file name */
    proc_gen gen;
};
extern const struct procfs_entry procfs_sys_files[];
extern const size_t procfs_sys_nfiles;
extern const struct procfs_entry procfs_stat_files[]; /* procfs_stats.c */
extern const size_t procfs_stat_nfiles;

/* The whole process's files, shown for a thread too (procfs.c) */
int procfs_gen_maps(struct proc *p, char *buf, size_t size);
size_t procfs_maps_line(const struct vm_area *a, char *buf, size_t size); /* one area's line */
int procfs_gen_cmdline(struct proc *p, char *buf, size_t size);
int procfs_gen_environ(struct proc *p, char *buf, size_t size);
int procfs_gen_auxv(struct proc *p, char *buf, size_t size);
int procfs_gen_config(char *buf, size_t size); /* procfs_config.c: /proc/config.gz */

int procfs_pagemap_add(struct inode *d, int pid); /* procfs_pagemap.c: /proc/<pid>/pagemap; 0 or -ENOMEM */
int procfs_mem_add(struct inode *d, int pid);     /* procfs_mem.c: /proc/<pid>/mem; 0 or -ENOMEM */
int procfs_fdinfo_add(struct inode *d, int pid);  /* procfs_fdinfo.c: /proc/<pid>/fdinfo/; 0 or -ENOMEM */
int procfs_oom_add(struct inode *d, int pid);     /* procfs_oom.c: oom_score_adj, oom_score; 0 or -ENOMEM */
int procfs_smaps_add(struct inode *d, int pid);   /* procfs_smaps.c: smaps, smaps_rollup; 0 or -ENOMEM */
int procfs_ns_add(struct inode *d, int pid);      /* procfs_ns.c: ns/mnt, ns/uts; 0 or -ENOMEM */

/* procfs_task.c: stat, status, statm, comm and task/ in the new /proc/<pid> d; 0 or -ENOMEM */
int procfs_task_files(struct inode *d, int pid);

#endif
