/* kernel/kernel.h — the basics every kernel file uses: fixed-width types, the kernel log, panic/KASSERT,
 * string helpers and a few macros. */
#ifndef SKIFF_KERNEL_H
#define SKIFF_KERNEL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t i8;
typedef int16_t i16;
typedef int32_t i32;
typedef int64_t i64;
typedef long ssize_t;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((u64)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((u64)(a) - 1))
#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))
#define noreturn __attribute__((noreturn))
#define unused __attribute__((unused))

/* printf-style formatting: %d %i %u %x %X %o %s %c %p %%, with l/ll/z/h length, - 0 # width and .precision. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The kernel log (COM3 or the fallback). klog only writes when booted with `verbose`;
 * kerr always writes (panics, program diagnostics for the host). */
extern bool klog_verbose;
void klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kerr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void klog_write(const char *s, size_t n);
/* kernel/logring.c — the kernel log as syslog(2) and /dev/kmsg readers see it: "<level>[seconds] text" lines */
#define LOGLEVEL_EMERG 0
#define LOGLEVEL_ERR 3
#define LOGLEVEL_INFO 6
#define LOG_RING_SIZE 16384
void klog_ring_add(int level, const char *s, size_t n);
u64 klog_ring_head(void);             /* bytes ever written: the position the next byte gets */
u64 klog_ring_tail(void);             /* the oldest position still held (at a line's start) */
char klog_ring_byte(u64 pos);         /* tail <= pos < head */
u64 klog_ring_tail_seq(void);         /* the record number of the line at tail (/dev/kmsg) */
u64 klog_ring_end(u64 *seq);          /* where the next whole line starts, and its record number */

noreturn void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define panic(...) panic_at(__FILE__, __LINE__, __func__, __VA_ARGS__)
#define KASSERT(e) do { if (!(e)) panic_at(__FILE__, __LINE__, __func__, "assertion failed: %s", #e); } while (0)

void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strcat_k(char *d, const char *s);
char *strcpy_k(char *d, const char *s);
char *kstrdup(const char *s);
char *kstrndup(const char *s, size_t n);

/* Memory (kernel/kmalloc.c): small objects from size-class slabs, large ones as whole pages. */
void *kmalloc(size_t n);
void *kzalloc(size_t n);
void kfree(void *p);
void *krealloc(void *p, size_t n);
void *page_alloc(void);      /* one zeroed 4 KiB page, kernel virtual address */
void page_free(void *page);
void *page_alloc_n(size_t n);  /* n contiguous zeroed pages */
void page_free_n(void *pages, size_t n);

/* Powers the VM off with this exit status (kernel/power.c). */
noreturn void power_off(int status);
int reboot_cad_text(char *buf, size_t size); /* syscalls/reboot.c: /proc/sys/kernel/ctrl-alt-del */

#define EXIT_PANIC 125   /* skiff error: boot failure or kernel panic */
#define EXIT_NOEXEC 126  /* PROGRAM is not a loadable x86_64 ELF */
#define EXIT_NOENT 127   /* PROGRAM does not exist */

#endif
