/* kernel/log.c — the kernel log and panic. The log goes to COM3 (the host keeps it unless asked to show
 * it); panic prints the reason, file:line, registers and a backtrace, then powers off with status 125. */
#include "kernel.h"
#include "../drivers/serial.h"
#include "../arch/x86_64/arch.h"

bool klog_verbose;
static bool panicking;

/* The log has a port of its own (COM3). Without it the log would fall back onto COM1, the program's stdout:
 * then only a panic, or a boot with `verbose`, writes there. */
void klog_write(const char *s, size_t n)
{
    if (serial_present(SERIAL_LOG) || klog_verbose || panicking)
        serial_write(SERIAL_LOG, s, n);
}

/* Every message also goes into the ring syslog(2) reads (kernel/logring.c), at its level; klog's reach the
 * serial port only with `verbose`. */
static void vlog(int level, bool out, const char *fmt, va_list ap)
{
    char buf[512];
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    size_t len = MIN((size_t)n, sizeof(buf) - 1);
    klog_ring_add(level, buf, len);
    if (out)
        klog_write(buf, len);
}

void klog(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(LOGLEVEL_INFO, klog_verbose, fmt, ap);
    va_end(ap);
}

void kerr(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(LOGLEVEL_ERR, true, fmt, ap);
    va_end(ap);
}

static void panic_header(const char *file, int line, const char *func, const char *fmt, va_list ap)
{
    __asm__ volatile("cli");
    panicking = true;
    kerr("\nskiff: kernel panic: ");
    vlog(LOGLEVEL_EMERG, true, fmt, ap);
    kerr("\n  at %s:%d (%s)\n", file, line, func);
}

noreturn void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    panic_header(file, line, func, fmt, ap);
    va_end(ap);
    backtrace_dump((u64)__builtin_frame_address(0));
    power_off(EXIT_PANIC);
}

noreturn void panic_regs_at(const char *file, int line, const char *func, const struct regs *r, const char *fmt,
                            ...)
{
    va_list ap;
    va_start(ap, fmt);
    panic_header(file, line, func, fmt, ap);
    va_end(ap);
    regs_dump(r);
    backtrace_dump(r->rbp);
    power_off(EXIT_PANIC);
}
