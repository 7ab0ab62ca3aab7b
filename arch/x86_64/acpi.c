/* arch/x86_64/acpi.c — finding the CPUs: their local APIC IDs (and the I/O APIC) from the ACPI MADT when the
 * firmware gives ACPI tables (pc and q35 machines), else from the MultiProcessor Specification 1.4 table (qboot
 * and SeaBIOS build one for pc), else from `cpus=N` on the command line (microvm, with acpi=off, has neither). Layouts from the ACPI specification 6.x, section 5.2
 * (RSDP, RSDT/XSDT, MADT) and the MP Specification 1.4, chapter 4. Everything is read once, at boot, through
 * the direct map (ACPI tables lie in RAM below 4 GiB, the MP table in the BIOS areas). */
#include "arch.h"
#include "smp.h"
#include "../../kernel/boot.h"
#include "../../kernel/mm.h"

struct smp_info smp_info;

static bool checksum_ok(const void *p, size_t n)
{
    u8 sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += ((const u8 *)p)[i];
    return sum == 0;
}

/* ---------------------------------------------------------------- ACPI */

struct acpi_rsdp {
    char sig[8];            /* "RSD PTR " */
    u8 checksum;            /* the first 20 bytes sum to 0 */
    char oem[6];
    u8 revision;            /* 0: ACPI 1.0 (RSDT only); 2: the fields below exist */
    u32 rsdt;
    u32 length;
    u64 xsdt;
    u8 xchecksum;           /* the whole structure sums to 0 */
    u8 reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout (ACPI 5.2.5.3)");

struct acpi_sdt {
    char sig[4];
    u32 length;
    u8 revision, checksum;
    char oem[6], oem_table[8];
    u32 oem_rev, creator, creator_rev;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_sdt) == 36, "system description table header (ACPI 5.2.6)");

struct mp_floating {
    char sig[4];            /* "_MP_" */
    u32 config;             /* the configuration table's physical address, 0: a default configuration */
    u8 length;              /* in 16-byte units: 1 */
    u8 spec_rev, checksum, feature[5];
} __attribute__((packed));
_Static_assert(sizeof(struct mp_floating) == 16, "MP floating pointer structure (MP spec 4.1)");

/* MADT interrupt controller structure types (ACPI 5.2.12) */
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_LAPIC_ADDR 5
#define MADT_X2APIC 9
#define MADT_ENABLED 1u         /* Local APIC flags: usable now */
#define MADT_ONLINE_CAPABLE 2u  /* may be enabled later (hot-plug): not counted */

/* A signature as the little-endian integer its bytes make: the scans compare one word per position (a
 * memcmp call per position made the boot step ~2.5 ms under TCG). */
#define SIG4(a, b, c, d) ((u32)(a) | (u32)(b) << 8 | (u32)(c) << 16 | (u32)(d) << 24)
#define RSDP_SIG ((u64)SIG4('R', 'S', 'D', ' ') | (u64)SIG4('P', 'T', 'R', ' ') << 32)
#define MP_SIG SIG4('_', 'M', 'P', '_')

static const struct acpi_rsdp *rsdp_at(u64 pa)
{
    const struct acpi_rsdp *r = phys_to_virt(pa);
    if (*(const u64 *)r != RSDP_SIG || !checksum_ok(r, 20))
        return NULL;
    if (r->revision >= 2 && (r->length < sizeof(*r) || !checksum_ok(r, r->length)))
        return NULL;
    return r;
}

static u64 ebda_base(void)
{
    return (u64)*(const u16 *)phys_to_virt(0x40e) << 4; /* BIOS data area: the EBDA's segment */
}

/* What the BIOS areas hold: the ACPI RSDP and the MP floating pointer, each on a 16-byte boundary, in the
 * EBDA's first KiB or the BIOS ROM area (ACPI 5.2.5.1: 0xE0000-0xFFFFF; MP spec 4: 0xF0000-0xFFFFF, or the last
 * KiB of base memory). One pass over each area finds both. */
static const struct acpi_rsdp *found_rsdp;
static const struct mp_floating *found_mp;

static void bios_scan(u64 start, u64 end)
{
    for (u64 pa = start; pa + 16 <= end; pa += 16) {
        const u8 *p = phys_to_virt(pa);
        if (!found_rsdp && *(const u64 *)p == RSDP_SIG && pa + sizeof(struct acpi_rsdp) <= end)
            found_rsdp = rsdp_at(pa);
        else if (!found_mp && *(const u32 *)p == MP_SIG && p[8] == 1 /* length: 16 bytes */ && checksum_ok(p, 16))
            found_mp = (const struct mp_floating *)p;
    }
}

static void bios_areas_scan(void)
{
    u64 ebda = ebda_base();
    if (ebda >= 0x80000 && ebda < 0xa0000)
        bios_scan(ebda, ebda + 1024);
    if (ebda != 0x9fc00)
        bios_scan(0x9fc00, 0xa0000);
    bios_scan(0xe0000, 0x100000);
}

static const struct acpi_sdt *sdt_at(u64 pa, const char *sig)
{
    if (!pa || pa >= (4ull << 30))
        return NULL;
    const struct acpi_sdt *t = phys_to_virt(pa);
    if (memcmp(t->sig, sig, 4) || t->length < sizeof(*t) || t->length > (1u << 20) || !checksum_ok(t, t->length))
        return NULL;
    return t;
}

static const struct acpi_sdt *acpi_find_table(const struct acpi_rsdp *r, const char *sig)
{
    const struct acpi_sdt *root = r->revision >= 2 ? sdt_at(r->xsdt, "XSDT") : NULL;
    bool x = root != NULL;
    if (!root)
        root = sdt_at(r->rsdt, "RSDT");
    if (!root)
        return NULL;
    size_t w = x ? 8 : 4, n = (root->length - sizeof(*root)) / w;
    const u8 *e = (const u8 *)(root + 1);
    for (size_t i = 0; i < n; i++) {
        u64 pa = 0;
        memcpy(&pa, e + i * w, w); /* entries are unaligned in the XSDT */
        const struct acpi_sdt *t = sdt_at(pa, sig);
        if (t)
            return t;
    }
    return NULL;
}

static void cpu_found(u32 apic_id)
{
    for (int i = 0; i < smp_info.ncpus; i++)
        if (smp_info.apic_ids[i] == apic_id)
            return;
    if (smp_info.ncpus < MAX_CPUS)
        smp_info.apic_ids[smp_info.ncpus++] = apic_id;
    else
        smp_info.ignored++;
}

static bool madt_parse(const struct acpi_sdt *m)
{
    const u8 *p = (const u8 *)(m + 1), *end = (const u8 *)m + m->length;
    if (p + 8 > end)
        return false;
    u32 lapic_addr;
    memcpy(&lapic_addr, p, 4);
    smp_info.lapic_phys = lapic_addr;
    for (p += 8; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
        u32 flags, id;
        switch (p[0]) {
        case MADT_LAPIC:
            if (p[1] < 8)
                break;
            memcpy(&flags, p + 4, 4);
            if (flags & MADT_ENABLED)
                cpu_found(p[3]);
            break;
        case MADT_X2APIC:
            if (p[1] < 16)
                break;
            memcpy(&id, p + 4, 4);
            memcpy(&flags, p + 8, 4);
            if (flags & MADT_ENABLED)
                cpu_found(id);
            break;
        case MADT_IOAPIC:
            if (p[1] >= 12 && !smp_info.ioapic_phys) {
                memcpy(&smp_info.ioapic_phys, p + 4, 4);
                smp_info.ioapic_id = p[2];
            }
            break;
        case MADT_LAPIC_ADDR:
            if (p[1] >= 12)
                memcpy(&smp_info.lapic_phys, p + 4, 8);
            break;
        }
    }
    return smp_info.ncpus > 0;
}

/* ---------------------------------------------------------------- MP table */

struct mp_config {
    char sig[4];            /* "PCMP" */
    u16 length;             /* the base table, header included */
    u8 spec_rev, checksum;
    char oem[8], product[12];
    u32 oem_table;
    u16 oem_table_size, count;
    u32 lapic;
    u16 ext_length;
    u8 ext_checksum, reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct mp_config) == 44, "MP configuration table header (MP spec 4.2)");

#define MP_PROCESSOR 0   /* 20 bytes; every other entry type of the base table is 8 */
#define MP_IOAPIC 2
#define MP_CPU_ENABLED 1u

static bool mp_parse(void)
{
    const struct mp_floating *f = found_mp;
    if (!f || !f->config)
        return false; /* a default configuration (2 CPUs, APIC IDs 0 and 1) is not something QEMU makes */
    const struct mp_config *c = phys_to_virt(f->config);
    if (memcmp(c->sig, "PCMP", 4) || c->length < sizeof(*c) || !checksum_ok(c, c->length))
        return false;
    smp_info.lapic_phys = c->lapic;
    const u8 *p = (const u8 *)(c + 1), *end = (const u8 *)c + c->length;
    for (int i = 0; i < c->count && p < end; i++) {
        if (p[0] == MP_PROCESSOR) {
            if (p + 20 > end)
                break;
            if (p[3] & MP_CPU_ENABLED)
                cpu_found(p[1]);
            p += 20;
        } else {
            if (p[0] == MP_IOAPIC && p + 8 <= end && (p[3] & 1) && !smp_info.ioapic_phys) {
                memcpy(&smp_info.ioapic_phys, p + 4, 4);
                smp_info.ioapic_id = p[1];
            }
            p += 8;
        }
    }
    return smp_info.ncpus > 0;
}

/* No table (microvm runs without ACPI, and its firmware writes no MP table): `cpus=N` on the command line (the
 * CLI's --cpus) says how many, and the CPUs are taken to have APIC IDs 0 to N-1, as QEMU numbers them in its
 * default topology (one that does not answer the startup IPI is skipped: smp.c). */
static void cmdline_cpus(void)
{
    const char *v = boot_arg("cpus");
    int n = 0;
    for (; v && *v >= '0' && *v <= '9' && n <= MAX_CPUS; v++)
        n = n * 10 + (*v - '0');
    if (n < 2)
        return;
    for (int i = 0; i < MIN(n, MAX_CPUS); i++)
        cpu_found((u32)i);
    smp_info.ignored = MAX(n - MAX_CPUS, 0);
    smp_info.source = "cpus= on the command line";
}

/* Fills smp_info: the MADT if ACPI is there, else the MP table, else nothing (the boot CPU alone). */
void smp_detect(void)
{
    if (boot.rsdp_paddr) /* PVH's start info names it */
        found_rsdp = rsdp_at(boot.rsdp_paddr);
    if (!found_rsdp)
        bios_areas_scan();
    const struct acpi_sdt *madt = found_rsdp ? acpi_find_table(found_rsdp, "APIC") : NULL;
    if (madt && madt_parse(madt)) {
        smp_info.source = "ACPI MADT";
    } else {
        smp_info.ncpus = 0;
        if (boot.rsdp_paddr && !found_mp)
            bios_areas_scan(); /* ACPI named by PVH but without a MADT: the MP table, if any */
        if (mp_parse()) {
            smp_info.source = "MP table";
        } else {
            smp_info.ncpus = 0;
            cmdline_cpus();
        }
    }
    if (!smp_info.lapic_phys)
        smp_info.lapic_phys = 0xfee00000u;
}
