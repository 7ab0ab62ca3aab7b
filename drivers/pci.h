/* drivers/pci.h — PCI configuration space (mechanism #1), BARs, capabilities, and a driver registry:
 * a driver says which functions it takes (match, from the IDs in configuration space) and is probed for each
 * of them once its BARs are known and enabled. */
#ifndef SKIFF_PCI_H
#define SKIFF_PCI_H
#include "../kernel/kernel.h"

struct pci_dev {
    u8 bus, dev, fn;
    u16 vendor, device;
    u8 irq_line;          /* the ISA IRQ the BIOS routed INTx to */
    u64 bar[6];           /* physical base of each memory BAR (0 when absent or I/O); not sized: drivers map
                           * the parts they use */
};

struct pci_driver {
    const char *name;
    bool (*match)(const struct pci_dev *d);  /* d has bus/dev/fn, vendor and device filled in */
    int (*probe)(struct pci_dev *d);
};

u32 pci_read32(const struct pci_dev *d, u8 off);
u16 pci_read16(const struct pci_dev *d, u8 off);
u8 pci_read8(const struct pci_dev *d, u8 off);
void pci_write16(const struct pci_dev *d, u8 off, u16 v);
u8 pci_find_cap(const struct pci_dev *d, u8 id, u8 start); /* offset of the next capability id after start */
void pci_init(void);                                       /* enumerate and probe every registered driver */
bool pci_present(void);                                    /* false on a machine without PCI (microvm) */
int pci_msix_enable(struct pci_dev *d, int n, void (*const fns[])(void *), void *ctx);

#endif
