/* test/unit/host_shim.c — what the kernel's pure files need from the kernel, provided by libc on the host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../fs/vfs.h"

void *kmalloc(size_t n) { return malloc(n ? n : 1); }
void *kzalloc(size_t n) { return calloc(1, n ? n : 1); }
void kfree(void *p) { free(p); }
void *krealloc(void *p, size_t n) { return realloc(p, n); }
void *page_alloc(void) { return calloc(1, 4096); }
void page_free(void *p) { free(p); }
long copy_to_user(void *udst, const void *src, size_t n) { memcpy(udst, src, n); return 0; } /* the host: one address space */
u64 pmm_total_pages(void) { return 32768; }
u64 pmm_free_pages(void) { return 16384; } /* a 128 MiB machine: tmpfs sizes default to half */
char *kstrndup(const char *s, size_t n) { return strndup(s, n); }
char *kstrdup(const char *s) { return strdup(s); }
char *strcat_k(char *d, const char *s) { return strcat(d, s); }
char *strcpy_k(char *d, const char *s) { return strcpy(d, s); }
struct timespec64 vfs_now(void) { return (struct timespec64){ 1000, 0 }; }
const struct file_ops ramfs_file_ops, ramfs_dir_ops, fifo_ops;
/* inotify: nothing watches on the host */
void fsnotify(struct inode *dir, const char *name, struct inode *ino, u32 mask, u32 cookie)
{
    (void)dir, (void)name, (void)ino, (void)mask, (void)cookie;
}
void fsnotify_gone(struct inode *ino) { (void)ino; }
u32 fsnotify_cookie(void) { return 1; }
void dnotify_event(struct inode *dir, u32 fsn) { (void)dir, (void)fsn; }
int watches_total; /* open() is not exercised on the host */
struct inode *vfs_task_root(void) { return NULL; } /* no chroot on the host */
/* permissions: the unit tests run as root with every capability */
int perm_inode(struct inode *ino, int mask) { (void)ino, (void)mask; return 0; }
void perm_init_owner(struct inode *ino) { ino->uid = ino->gid = 0; }
void perm_new_inode(struct inode *dir, struct inode *ino) { (void)dir, perm_init_owner(ino); }
int perm_may_create(struct inode *dir) { (void)dir; return 0; }
int perm_may_delete(struct inode *dir, struct inode *victim) { (void)dir, (void)victim; return 0; }
int perm_may_link(struct inode *target) { (void)target; return 0; }

void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
{
    fprintf(stderr, "panic at %s:%d (%s): %s\n", file, line, func, fmt);
    abort();
}
