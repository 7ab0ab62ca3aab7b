/* kernel/boot_pvh.c — reading the Xen PVH start information (the direct-boot ABI that QEMU's microvm and pc
 * machines use for an ELF image with a XEN_ELFNOTE_PHYS32_ENTRY note, boot/boot.asm): the command line, the
 * first module (the initrd) and the memory map, copied into struct boot_info like the multiboot ones.
 * Layout from Xen's public header arch-x86/hvm/start_info.h (version 1 adds the memory map). */
#include "boot.h"
#include "mm.h"

struct pvh_start_info {
    u32 magic;              /* BOOT_MAGIC_PVH */
    u32 version;
    u32 flags;
    u32 nr_modules;
    u64 modlist_paddr;      /* struct pvh_module[nr_modules] */
    u64 cmdline_paddr;      /* NUL-terminated, 0 when there is none */
    u64 rsdp_paddr;
    u64 memmap_paddr;       /* version >= 1: struct pvh_memmap[memmap_entries] */
    u32 memmap_entries;
    u32 reserved;
};
_Static_assert(offsetof(struct pvh_start_info, memmap_paddr) == 40, "hvm_start_info layout");
_Static_assert(sizeof(struct pvh_start_info) == 56, "hvm_start_info layout");

struct pvh_module { u64 paddr, size, cmdline_paddr, reserved; };
_Static_assert(sizeof(struct pvh_module) == 32, "hvm_modlist_entry layout");

struct pvh_memmap { u64 addr, size; u32 type, reserved; };  /* type: E820's (1 = RAM) */
_Static_assert(sizeof(struct pvh_memmap) == 24, "hvm_memmap_table_entry layout");

void boot_parse_pvh(u32 info_phys)
{
    const struct pvh_start_info *si = phys_to_virt(info_phys);
    if (si->magic != BOOT_MAGIC_PVH)
        panic("PVH entry without a start info (magic %x)", si->magic);
    if (si->cmdline_paddr) {
        const char *c = phys_to_virt(si->cmdline_paddr);
        size_t n = strnlen(c, sizeof(boot.cmdline) - 1);
        memcpy(boot.cmdline, c, n);
    }
    boot.rsdp_paddr = si->rsdp_paddr;
    if (si->nr_modules && si->modlist_paddr) {
        const struct pvh_module *m = phys_to_virt(si->modlist_paddr);
        if (m->size) {
            boot.initrd_start = m->paddr;
            boot.initrd_end = m->paddr + m->size;
        }
    }
    if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries)
        panic("the PVH start info has no memory map (version %u)", si->version);
    const struct pvh_memmap *e = phys_to_virt(si->memmap_paddr);
    for (u32 i = 0; i < si->memmap_entries && boot.nmmap < (int)ARRAY_SIZE(boot.mmap); i++)
        boot.mmap[boot.nmmap++] = (struct boot_mmap_entry){ e[i].addr, e[i].size, e[i].type };
}
