; boot/boot.asm — the two 32-bit entries: multiboot (v1) and Xen PVH.
; Multiboot (GRUB, QEMU -kernel when the file has a multiboot header in its first 8 KiB) enters _start32 in
; 32-bit protected mode with paging off: eax = 0x2BADB002, ebx = physical address of the multiboot info.
; PVH (QEMU -kernel of an image whose multiboot header is disabled: build/skiff-pvh.elf, see
; tools/mkpvh.sh) enters _start_pvh, named by the XEN_ELFNOTE_PHYS32_ENTRY note, in the same mode with
; ebx = physical address of struct hvm_start_info (kernel/boot_pvh.c); eax is not defined, so the entry
; passes PVH_MAGIC on for kmain to tell the two apart.
; Both then check for long mode, build boot page tables (identity 0-4 GiB, the same at the direct map base and
; the first GiB at KERNEL_VMA), enable PAE + LME (+NXE) + paging, and jump to the higher-half kernel:
;   kmain(rdi = magic, rsi = info physical address, rdx = the TSC at the entry's first instructions).
; kmain replaces these tables with its own (arch/x86_64/paging.c).

KERNEL_VMA  equ 0xFFFFFFFF80000000
MB_MAGIC    equ 0x1BADB002
MB_FLAGS    equ (1 << 0) | (1 << 1) | (1 << 16) ; page-aligned modules, memory map, address fields valid
COM1        equ 0x3F8
DEBUG_EXIT  equ 0xF4
PVH_MAGIC   equ 0x336EC578                      ; hvm_start_info.magic ("xEn3"), kernel/boot.h BOOT_MAGIC_PVH
XEN_ELFNOTE_PHYS32_ENTRY equ 18

extern __load_start_phys, __load_end_phys, __bss_end_phys, kmain, boot_kstack

section .multiboot
align 4
mb_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)           ; checksum: the three fields sum to zero
    dd mb_header                        ; header_addr (.boot is linked at its physical address)
    dd __load_start_phys                ; load_addr: file is copied from here...
    dd __load_end_phys                  ; load_end_addr: ...to here
    dd __bss_end_phys                   ; bss_end_addr: the loader zeroes up to here
    dd _start32                         ; entry_addr

; The PVH entry point, an ELF note that linker.ld puts in a PT_NOTE segment of 4-byte alignment. QEMU reads
; the descriptor as a 64-bit value, so it is a dq (the address is below 4 GiB: 32-bit code).
section .note.pvh
align 4
    dd 4                                ; namesz: "Xen" and its NUL
    dd 8                                ; descsz
    dd XEN_ELFNOTE_PHYS32_ENTRY         ; type
    db "Xen", 0
    dq _start_pvh

section .boot.text
bits 32
global _start32, _start_pvh
_start_pvh:
    cli
    cld
    rdtsc
    mov [boot_entry_tsc], eax           ; the kernel's first instruction: the boot figure starts here
    mov [boot_entry_tsc + 4], edx
    mov esp, boot_stack32_top           ; esp = a small identity-mapped stack
    mov edi, PVH_MAGIC                  ; edi = which entry, kept for kmain
    mov esi, ebx                        ; esi = hvm_start_info physical address, kept for kmain
    jmp boot_common

_start32:
    cli
    cld
    mov edi, eax                        ; edi = multiboot magic, kept for kmain
    rdtsc
    mov [boot_entry_tsc], eax           ; the kernel's first instruction: the boot figure starts here
    mov [boot_entry_tsc + 4], edx
    mov esp, boot_stack32_top           ; esp = a small identity-mapped stack
    mov esi, ebx                        ; esi = mbi physical address, kept for kmain

boot_common:
    mov eax, 0x80000000                 ; eax = highest extended CPUID leaf
    cpuid
    cmp eax, 0x80000001
    jb no_long_mode
    mov eax, 0x80000001
    cpuid                               ; edx = extended feature flags
    test edx, 1 << 29                   ; LM: long mode
    jz no_long_mode
    mov ebp, edx                        ; ebp = extended features (bit 20: NX), kept for EFER below

    ; PML4: [0] identity, [256] direct map (0xFFFF800000000000), [511] kernel (-2 GiB); all present+writable.
    mov eax, boot_pdpt_lo + 3
    mov [boot_pml4], eax
    mov [boot_pml4 + 256 * 8], eax
    mov eax, boot_pdpt_hi + 3
    mov [boot_pml4 + 511 * 8], eax
    ; pdpt_lo[0..3] -> the four page directories (0-4 GiB); pdpt_hi[510] -> the first (KERNEL_VMA = -2 GiB).
    mov eax, boot_pd + 3
    mov [boot_pdpt_lo + 0 * 8], eax
    mov [boot_pdpt_hi + 510 * 8], eax
    add eax, 4096
    mov [boot_pdpt_lo + 1 * 8], eax
    add eax, 4096
    mov [boot_pdpt_lo + 2 * 8], eax
    add eax, 4096
    mov [boot_pdpt_lo + 3 * 8], eax
    ; 2048 2-MiB pages: entry i maps physical i * 2 MiB, present + writable + page size.
    xor ecx, ecx                        ; ecx = entry index
.fill:
    mov eax, ecx
    shl eax, 21                         ; eax = physical address of the 2 MiB page
    or eax, 0x83                        ; P | RW | PS
    mov [boot_pd + ecx * 8], eax
    inc ecx
    cmp ecx, 2048
    jb .fill

    mov eax, cr4
    or eax, 1 << 5                      ; CR4.PAE
    mov cr4, eax
    mov eax, boot_pml4
    mov cr3, eax                        ; cr3 = boot PML4
    mov ecx, 0xC0000080                 ; ecx = IA32_EFER
    rdmsr
    or eax, 1 << 8                      ; EFER.LME: long mode enable
    test ebp, 1 << 20
    jz .no_nx
    or eax, 1 << 11                     ; EFER.NXE: the NX bit is honoured in page tables
.no_nx:
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1   ; CR0.PG | CR0.WP | CR0.PE
    mov cr0, eax
    lgdt [boot_gdt_ptr]
    jmp 0x08:long_entry                 ; cs = 64-bit code: we are in long mode

no_long_mode:
    mov esi, msg_no_lm                  ; esi = message to print on COM1
.next:
    lodsb
    test al, al
    jz .off
    mov dx, COM1
    out dx, al
    jmp .next
.off:
    mov dx, DEBUG_EXIT
    mov eax, 125                        ; status 125: skiff could not boot
    out dx, eax
.halt:
    hlt
    jmp .halt

bits 64
long_entry:
    mov ax, 0x10                        ; ax = 64-bit data selector
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov edi, edi                        ; rdi = magic (upper halves are undefined after the mode switch)
    mov esi, esi                        ; rsi = mbi physical address
    mov rdx, [boot_entry_tsc]           ; rdx = the TSC at the entry (still identity-mapped)
    mov rax, higher_half
    jmp rax                             ; leave the identity map

section .boot.data
align 16
msg_no_lm:      db "skiff: this CPU has no long mode (x86_64); cannot boot", 10, 0
align 8
boot_gdt:
    dq 0                                ; null
    dq 0x00AF9A000000FFFF               ; 0x08: 64-bit code, ring 0 (L=1)
    dq 0x00CF92000000FFFF               ; 0x10: data, ring 0
boot_gdt_end:
boot_gdt_ptr:
    dw boot_gdt_end - boot_gdt - 1
    dd boot_gdt
align 8
boot_entry_tsc: dq 0
align 4096
boot_pml4:      times 4096 db 0
boot_pdpt_lo:   times 4096 db 0
boot_pdpt_hi:   times 4096 db 0
boot_pd:        times 4 * 4096 db 0
boot_stack32:   times 1024 db 0
boot_stack32_top:

section .text
bits 64
higher_half:
    mov rsp, boot_kstack + 16384        ; rsp = top of the boot kernel stack (kernel/main.c, higher half)
    xor ebp, ebp                        ; rbp = 0 ends backtraces here
    call kmain                          ; kmain(rdi = magic, rsi = mbi, rdx = entry TSC) never returns
.hang:
    cli
    hlt
    jmp .hang
