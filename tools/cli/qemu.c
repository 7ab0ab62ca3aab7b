/* tools/cli/qemu.c — QEMU's command line (docs/host-interface.md): four serial ports (COM1 and COM2 the kernel's
 * early stdout and stderr, COM3 its log, COM4 the control port with the `exit N` line), the program's stdio on
 * virtio-console ports (skiff.stdout, skiff.stderr, skiff.stdin, or skiff.tty both ways at a terminal), the
 * signal port, a user-mode network card, the 9P volumes, and the machine: microvm (virtio-mmio, no PCI, no
 * firmware tables; the default), pc or q35 (virtio on PCI). Word for word what tools/skiff.sh gives QEMU. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

static bool executable(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

/* `command -v NAME`: a path with a slash as it is, else the first in PATH. */
static bool in_path(const char *name)
{
    if (strchr(name, '/'))
        return executable(name);
    const char *path = getenv("PATH");
    char *list = xstrdup(path ? path : ""), *save = NULL;
    bool found = false;
    for (char *d = strtok_r(list, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *f = xasprintf("%s/%s", *d ? d : ".", name);
        found = executable(f);
        free(f);
    }
    free(list);
    return found;
}

static const char *qemu_bin(void)
{
    const char *q = getenv("SKIFF_QEMU");
    return q && *q ? q : "qemu-system-x86_64";
}

void qemu_check(struct run *r)
{
    if (!r->kernel)
        r->kernel = cli_data_file("skiff.elf");
    struct stat st;
    if (stat(r->kernel, &st) != 0 || !S_ISREG(st.st_mode))
        cli_fail(EX_FAIL, "kernel not found: %s (run make)", r->kernel);
    if (!in_path(qemu_bin()))
        cli_fail(EX_FAIL, "%s not found (package qemu-system-x86)", qemu_bin());
    if (!strcmp(r->accel, "kvm") && access("/dev/kvm", R_OK | W_OK) != 0)
        cli_fail(EX_FAIL, "--accel kvm: /dev/kvm is missing or not accessible");
}

/* A QEMU option value: a comma is written twice. */
static char *opt_escape(const char *s)
{
    char *o = xmalloc(2 * strlen(s) + 1), *p = o;
    for (; *s; s++) {
        *p++ = *s;
        if (*s == ',')
            *p++ = ',';
    }
    *p = 0;
    return o;
}

/* The words, single-quoted where needed, for a log line that can be pasted back into a shell. */
char *quote_args(char *const *v, size_t n)
{
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += 4 * strlen(v[i]) + 3;
    char *o = xmalloc(cap), *p = o;
    for (size_t i = 0; i < n; i++) {
        const char *a = v[i];
        bool plain = *a && a[strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,:=/+-")] == 0;
        if (!plain)
            *p++ = '\'';
        for (; *a; a++) {
            if (*a == '\'' && !plain) {
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *a;
            }
        }
        if (!plain)
            *p++ = '\'';
        *p++ = ' ';
    }
    *p = 0;
    return o;
}

/* serial_port N: chardev sN as the guest's COMN. */
static void serial(struct run *r, struct strv *a, int n)
{
    if (!strcmp(r->machine, "microvm")) {
        strv_add(a, "-device");
        strv_addf(a, "isa-serial,chardev=s%d,index=%d", n, n - 1);
    } else {
        strv_add(a, "-serial");
        strv_addf(a, "chardev:s%d", n);
    }
}

static void add2(struct strv *a, const char *x, const char *y)
{
    strv_add(a, x);
    strv_add(a, y);
}

/* The firmware: qboot starts ~60 ms sooner than SeaBIOS; microvm without qboot gets SeaBIOS's microvm build. */
static void firmware(struct run *r, struct strv *a)
{
    const char *q = getenv("SKIFF_QBOOT");
    const char *rom = q && *q ? q : "/usr/share/qemu/qboot.rom";
    if (!strcmp(r->firmware, "qboot") || (!strcmp(r->firmware, "auto") && access(rom, R_OK) == 0)) {
        if (access(rom, R_OK) != 0)
            cli_fail(EX_FAIL, "--firmware qboot: %s is missing (package qemu-system-data)", rom);
        add2(a, "-bios", rom);
    } else if (!strcmp(r->machine, "microvm")) {
        add2(a, "-bios", "/usr/share/seabios/bios-microvm.bin");
    }
}

void qemu_argv(struct run *r, struct strv *a, bool tty_port)
{
    bool micro = !strcmp(r->machine, "microvm");
    /* microvm: no ACPI, so QEMU names the virtio-mmio transports on the kernel command line; ioapic2=off keeps
     * the IRQs below 16 (the kernel takes them from the PICs); one ISA serial port unless more are added. */
    const char *bus = micro ? "-device" : "-pci", *rom = micro ? "" : ",romfile=";
    const char *w = r->work;
    strv_add(a, qemu_bin());
    add2(a, "-M", micro ? "microvm,acpi=off,ioapic2=off,pic=on,pit=on,rtc=on,isa-serial=off" : r->machine);
    add2(a, "-m", r->mem);
    strv_add(a, "-chardev");
    strv_addf(a, "file,id=s1,path=%s/com1,append=on", w);
    serial(r, a, 1);
    strv_add(a, "-chardev");
    strv_addf(a, "file,id=s2,path=%s/com2,append=on", w);
    serial(r, a, 2);
    strv_add(a, "-chardev");
    if (r->verbose || r->strace)
        strv_addf(a, "file,id=s3,path=%s/com3,append=on", w);
    else
        strv_addf(a, "file,id=s3,path=%s/klog", w);
    serial(r, a, 3);
    strv_add(a, "-chardev");
    strv_addf(a, "file,id=s4,path=%s/control", w);
    serial(r, a, 4);
    strv_add(a, "-device");
    strv_addf(a, "virtio-serial%s,max_ports=5", bus);
    strv_add(a, "-chardev");
    strv_addf(a, "file,id=v2,path=%s/com2,append=on", w);
    add2(a, "-device", "virtserialport,chardev=v2,name=skiff.stderr,nr=2");
    add2(a, "-chardev", "stdio,id=v0,signal=off");
    strv_add(a, "-chardev");
    strv_addf(a, "pipe,id=v4,path=%s/signal", w);
    add2(a, "-device", "virtserialport,chardev=v4,name=skiff.signal,nr=4");
    if (tty_port) {
        add2(a, "-device", "virtserialport,chardev=v0,name=skiff.tty,nr=1");
    } else {
        strv_add(a, "-chardev");
        strv_addf(a, "file,id=v1,path=%s/com1,append=on", w);
        add2(a, "-device", "virtserialport,chardev=v1,name=skiff.stdout,nr=1");
        add2(a, "-device", "virtserialport,chardev=v0,name=skiff.stdin,nr=3");
    }
    if (r->net) { /* slirp: 10.0.2.15 by DHCP, the host 10.0.2.2, DNS 10.0.2.3; IPv6 fec0::/64 by SLAAC (both
                   * named: one alone turns the other off); --port's hostfwd rules */
        strv_add(a, "-netdev");
        strv_addf(a, "user,id=n0,ipv4=on,ipv6=on%s", r->hostfwds ? r->hostfwds : "");
        strv_add(a, "-device");
        strv_addf(a, "virtio-net%s,netdev=n0%s", bus, rom);
    }
    for (int i = 0; i < r->nvols; i++) { /* the kernel mounts them from /.skiff/mounts */
        const struct volume *v = &r->vols[i];
        char *h = opt_escape(v->host);
        bool ro = !strcmp(v->mode, "ro") || !strncmp(v->mode, "ro,", 3);
        strv_add(a, "-fsdev");
        strv_addf(a, "local,id=%s,path=%s,security_model=none,multidevs=remap%s", v->tag, h, ro ? ",readonly=on" : "");
        strv_add(a, "-device");
        strv_addf(a, "virtio-9p%s,fsdev=%s,mount_tag=%s", bus, v->tag, v->tag);
        free(h);
    }
    if (micro)
        add2(a, "-global", "virtio-mmio.force-legacy=false");
    if (!strcmp(r->accel, "kvm")) {
        /* arch-capabilities off: under nested KVM QEMU 7.2 aborts writing MSR 0x10a with plain -cpu host */
        add2(a, "-accel", "kvm");
        add2(a, "-cpu", "host,-arch-capabilities");
    } else {
        const char *cpu = getenv("SKIFF_CPU");
        add2(a, "-accel", r->cpus > 1 ? "tcg,thread=multi" : "tcg"); /* a host thread per CPU */
        add2(a, "-cpu", cpu && *cpu ? cpu : "max");
    }
    if (r->cpus > 1) {
        strv_add(a, "-smp");
        strv_addf(a, "%d", r->cpus);
    }
    strv_add(a, "-nodefaults");
    strv_add(a, "-no-reboot");
    add2(a, "-display", "none");
    add2(a, "-monitor", "none");
    add2(a, "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");
    add2(a, "-kernel", r->kernel);
    add2(a, "-initrd", r->initrd);
    add2(a, "-append", r->cmdline);
    firmware(r, a);
}
