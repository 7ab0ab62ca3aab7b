/* kernel/boot.c — reading the multiboot information (command line, memory map, the initrd module; the PVH
 * start info is read by boot_pvh.c) and setting up memory from it: the page allocator over usable RAM, minus the kernel image and the initrd. */
#include "boot.h"
#include "mm.h"
#include "../arch/x86_64/arch.h"

#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS (1u << 3)
#define MBI_FLAG_MMAP (1u << 6)
#define MMAP_AVAILABLE 1

struct mb_info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    u32 syms[4];
    u32 mmap_length, mmap_addr;
} __attribute__((packed));
_Static_assert(offsetof(struct mb_info, mmap_addr) == 48, "multiboot info layout (spec section 3.3)");

struct mb_module { u32 start, end, string, reserved; };
struct mb_mmap { u32 size; u64 base, len; u32 type; } __attribute__((packed));

struct boot_info boot;
extern char __kernel_end[];

static void boot_parse_multiboot(u32 mbi_phys)
{
    const struct mb_info *mbi = phys_to_virt(mbi_phys);
    if (mbi->flags & MBI_FLAG_CMDLINE) {
        const char *c = phys_to_virt(mbi->cmdline);
        size_t n = strnlen(c, sizeof(boot.cmdline) - 1);
        memcpy(boot.cmdline, c, n);
    }
    if ((mbi->flags & MBI_FLAG_MODS) && mbi->mods_count) {
        const struct mb_module *m = phys_to_virt(mbi->mods_addr);
        boot.initrd_start = m->start;
        boot.initrd_end = m->end;
    }
    if (!(mbi->flags & MBI_FLAG_MMAP))
        panic("the boot loader gave no memory map");
    for (u32 off = 0; off < mbi->mmap_length && boot.nmmap < (int)ARRAY_SIZE(boot.mmap);) {
        const struct mb_mmap *e = phys_to_virt(mbi->mmap_addr + off);
        boot.mmap[boot.nmmap++] = (struct boot_mmap_entry){ e->base, e->len, e->type };
        off += e->size + 4;
    }
}

void boot_parse(u32 magic, u32 info_phys)
{
    boot.multiboot = magic == BOOT_MAGIC_MULTIBOOT;
    if (boot.multiboot)
        boot_parse_multiboot(info_phys);
    else if (magic == BOOT_MAGIC_PVH)
        boot_parse_pvh(info_phys);
    else
        panic("not started by a multiboot or PVH loader (eax %x)", magic);
    klog_verbose = boot_flag("verbose");
    klog("skiff: booted by %s: %s\n", boot.multiboot ? "multiboot" : "PVH", boot.cmdline);
}

static bool overlaps(u64 a, u64 b, u64 c, u64 d) { return a < d && c < b; }

/* Where to keep the page allocator's bitmap: usable RAM below 4 GiB (reachable through the boot tables)
 * that is neither the kernel nor the initrd. */
static u64 place_bitmap(u64 bytes)
{
    u64 kend = ALIGN_UP((u64)__kernel_end - KERNEL_VMA, PAGE_SIZE);
    u64 iend = ALIGN_UP(boot.initrd_end, PAGE_SIZE);
    for (int i = 0; i < boot.nmmap; i++) {
        const struct boot_mmap_entry *m = &boot.mmap[i];
        if (m->type != MMAP_AVAILABLE)
            continue;
        /* the region's start, just past the kernel or the initrd, just below the initrd or the region's end:
         * a large initrd may leave room only in one of these gaps */
        u64 top = ALIGN_DOWN(m->base + m->len, PAGE_SIZE), istart = ALIGN_DOWN(boot.initrd_start, PAGE_SIZE);
        u64 cands[5] = { ALIGN_UP(m->base, PAGE_SIZE), kend, iend, istart - ALIGN_UP(bytes, PAGE_SIZE),
                         top - ALIGN_UP(bytes, PAGE_SIZE) };
        for (int c = 0; c < 5; c++) {
            u64 s = MAX(cands[c], 0x100000ull), e = s + bytes;
            if (e < s || s < m->base || e > m->base + m->len || e > (4ull << 30)) /* e < s: wrapped */
                continue;
            if (overlaps(s, e, 0x100000, kend) || overlaps(s, e, boot.initrd_start, iend))
                continue;
            return s;
        }
    }
    panic("no room for the page allocator's bitmap");
}

void mm_init(void)
{
    u64 max_phys = 0;
    for (int i = 0; i < boot.nmmap; i++)
        if (boot.mmap[i].type == MMAP_AVAILABLE)
            max_phys = MAX(max_phys, boot.mmap[i].base + boot.mmap[i].len);
    u64 bytes = pmm_bitmap_bytes(max_phys);
    u64 bm = place_bitmap(bytes);
    pmm_init(max_phys, phys_to_virt(bm));
    for (int i = 0; i < boot.nmmap; i++)
        if (boot.mmap[i].type == MMAP_AVAILABLE)
            pmm_add_range(boot.mmap[i].base, boot.mmap[i].base + boot.mmap[i].len);
    pmm_reserve_range(0, 0x100000);  /* real-mode area, BIOS data: left alone */
    pmm_reserve_range(0x100000, (u64)__kernel_end - KERNEL_VMA);
    pmm_reserve_range(bm, bm + bytes);
    if (boot.initrd_end)
        pmm_reserve_range(boot.initrd_start, boot.initrd_end);
    paging_init();
    klog("skiff: memory: %lu KiB usable, %lu KiB free\n", pmm_total_pages() * 4, pmm_free_pages() * 4);
}

/* Command-line words are separated by spaces; the first word may be the kernel's own path. */
static const char *find_word(const char *w, size_t len)
{
    for (const char *p = boot.cmdline; *p;) {
        while (*p == ' ')
            p++;
        const char *s = p;
        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - s) >= len && memcmp(s, w, len) == 0 && (p - s == (long)len || s[len] == '='))
            return s;
    }
    return NULL;
}

bool boot_flag(const char *word)
{
    const char *s = find_word(word, strlen(word));
    return s && s[strlen(word)] != '=';
}

const char *boot_arg(const char *key)
{
    static char value[256];
    size_t k = strlen(key);
    const char *s = find_word(key, k);
    if (!s || s[k] != '=')
        return NULL;
    s += k + 1;
    size_t n = 0;
    while (s[n] && s[n] != ' ' && n < sizeof(value) - 1)
        n++;
    memcpy(value, s, n);
    value[n] = 0;
    return value;
}

/* Notes that a boot step ended (/proc/skiff/boot_phases lists each step's time). Only while booting: the
 * program's first instruction (user_entry_tsc set) ends the list, so later execs do not add to it. */
void boot_mark(const char *name)
{
    if (boot.user_entry_tsc || boot.nphases >= (int)ARRAY_SIZE(boot.phase_tsc))
        return;
    boot.phase_name[boot.nphases] = name;
    boot.phase_tsc[boot.nphases++] = rdtsc();
}
