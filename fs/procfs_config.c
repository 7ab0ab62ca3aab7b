/* fs/procfs_config.c — /proc/config.gz: skiff's kernel configuration in Linux's .config form (what programs that
 * check for a kernel feature read: container and init system checkers, test suites), gzip-wrapped as Linux's
 * CONFIG_IKCONFIG_PROC serves it. Each line says what skiff really has: "=y" for a feature it implements (its
 * syscalls exist and behave), "is not set" for one that is absent. The gzip stream (RFC 1952) holds the text in
 * stored DEFLATE blocks (RFC 1951, BTYPE 00): no compressor is needed, and every reader accepts it. */
#include "procfs.h"
#include "../kernel/errno.h"

static const char *const config_lines[] = {
    "#", "# Automatically generated file; DO NOT EDIT.", "# skiff 6.1.0-skiff Kernel Configuration", "#",
    "CONFIG_64BIT=y", "CONFIG_X86_64=y", "CONFIG_X86=y", "CONFIG_MMU=y", "# CONFIG_SMP is not set",
    "CONFIG_NR_CPUS=1", "CONFIG_HZ_1000=y", "CONFIG_HZ=1000", "CONFIG_PREEMPT_NONE=y", "# CONFIG_MODULES is not set",
    "CONFIG_IKCONFIG=y", "CONFIG_IKCONFIG_PROC=y", "CONFIG_BINFMT_ELF=y", "CONFIG_BINFMT_SCRIPT=y",
    "# CONFIG_IA32_EMULATION is not set", "# CONFIG_X86_X32_ABI is not set", "CONFIG_X86_UMIP=y",
    "CONFIG_MULTIUSER=y", "CONFIG_SYSVIPC=y", "CONFIG_POSIX_MQUEUE=y", "CONFIG_POSIX_TIMERS=y",
    "CONFIG_FUTEX=y", "CONFIG_EPOLL=y", "CONFIG_SIGNALFD=y", "CONFIG_TIMERFD=y", "CONFIG_EVENTFD=y",
    "CONFIG_SHMEM=y", "CONFIG_MEMFD_CREATE=y", "CONFIG_MEMBARRIER=y", "CONFIG_RSEQ=y", "CONFIG_ADVISE_SYSCALLS=y",
    "CONFIG_FILE_LOCKING=y", "CONFIG_INOTIFY_USER=y", "# CONFIG_FANOTIFY is not set", "CONFIG_AIO=y",
    "CONFIG_NUMA=y", "CONFIG_CACHESTAT_SYSCALL=y",
    "# CONFIG_IO_URING is not set", "# CONFIG_BPF_SYSCALL is not set", "# CONFIG_USERFAULTFD is not set",
    "CONFIG_KCMP=y", "# CONFIG_FHANDLE is not set", "CONFIG_CROSS_MEMORY_ATTACH=y",
    "# CONFIG_PERF_EVENTS is not set", "# CONFIG_KEYS is not set", "# CONFIG_WATCH_QUEUE is not set", "CONFIG_SECCOMP=y", "CONFIG_SECCOMP_FILTER=y",
    "CONFIG_CHECKPOINT_RESTORE=y", "CONFIG_NAMESPACES=y", "CONFIG_UTS_NS=y", "# CONFIG_TIME_NS is not set",
    "# CONFIG_IPC_NS is not set", "# CONFIG_USER_NS is not set", "# CONFIG_PID_NS is not set",
    "# CONFIG_NET_NS is not set", "# CONFIG_CGROUPS is not set",
    "# CONFIG_SECURITY is not set", "# CONFIG_SECURITY_YAMA is not set", "# CONFIG_ANON_VMA_NAME is not set",
    "# CONFIG_TRANSPARENT_HUGEPAGE is not set", "# CONFIG_SWAP is not set", "# CONFIG_BLOCK is not set",
    "CONFIG_PROC_FS=y", "CONFIG_PROC_SYSCTL=y", "CONFIG_SYSCTL=y", "CONFIG_TMPFS=y", "CONFIG_NET=y", "CONFIG_INET=y",
    "CONFIG_IPV6=y", "CONFIG_UNIX=y", "# CONFIG_PACKET is not set", "CONFIG_NET_9P=y", "CONFIG_NET_9P_VIRTIO=y",
    "CONFIG_9P_FS=y", "CONFIG_VIRTIO=y", "CONFIG_VIRTIO_PCI=y", "CONFIG_VIRTIO_MMIO=y", "CONFIG_VIRTIO_NET=y",
    "CONFIG_VIRTIO_CONSOLE=y", "CONFIG_SERIAL_8250=y", "CONFIG_PRINTK=y",
};

static u32 crc32(const u8 *p, size_t n)
{
    u32 c = 0xffffffffu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
    return ~c;
}

static void put32(u8 *o, u32 v)
{
    for (int i = 0; i < 4; i++)
        o[i] = (u8)(v >> (8 * i));
}

/* text (n bytes) as a gzip member of stored blocks into out (room: n + 18 + 5 per 65535 bytes): its length */
static size_t gzip_stored(const u8 *text, size_t n, u8 *out)
{
    static const u8 hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 }; /* deflate, no name, mtime 0, Unix */
    size_t o = sizeof(hdr), at = 0;
    memcpy(out, hdr, sizeof(hdr));
    do {
        u16 len = (u16)MIN(n - at, 65535);
        out[o++] = at + len == n; /* BFINAL on the last, BTYPE 00: stored */
        out[o++] = (u8)len, out[o++] = (u8)(len >> 8);
        out[o++] = (u8)~len, out[o++] = (u8)(~len >> 8);
        memcpy(out + o, text + at, len);
        o += len, at += len;
    } while (at < n);
    put32(out + o, crc32(text, n));
    put32(out + o + 4, (u32)n);
    return o + 8;
}

int procfs_gen_config(char *buf, size_t size)
{
    char *text = kmalloc(PAGE_SIZE * 2);
    if (!text)
        return -ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_SIZE(config_lines); i++)
        n += (size_t)ksnprintf(text + n, PAGE_SIZE * 2 - n, "%s\n", config_lines[i]);
    KASSERT(n < PAGE_SIZE * 2 && n + 64 < size);
    size_t len = gzip_stored((const u8 *)text, n, (u8 *)buf);
    kfree(text);
    return (int)len;
}
