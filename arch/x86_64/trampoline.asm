; arch/x86_64/trampoline.asm — where an application processor starts (Intel SDM vol. 3, 8.4 "Multiple-Processor
; (MP) Initialization", and 9.8 "Initializing IA-32e Mode"). The startup IPI starts it in real mode at
; CS:IP = (vector << 8):0, so smp.c copies these bytes to TRAMP_PHYS (below 1 MiB, page-aligned) and fills in the
; data block at the end. The code runs only from that copy: every address in it is TRAMP_PHYS + an offset.
; Real mode -> protected mode (a flat GDT of its own) -> PAE, EFER (LME, NXE, SCE as on the boot CPU), the boot
; CPU's CR0 (PG: long mode) -> 64-bit code still at the low copy, on page tables that map it 1:1 and share the
; kernel's upper half -> a call into ap_main(cpu, kernel_cr3) on the AP's own stack, in the kernel's upper half.

global tramp_start, tramp_end, tramp_cr0, tramp_efer, tramp_pml4, tramp_stack, tramp_entry, tramp_cpu, tramp_kcr3

TRAMP_PHYS equ 0x8000                   ; smp.c's TRAMP_PHYS; SIPI vector 0x08
%define A(x) (TRAMP_PHYS + (x) - tramp_start)

section .rodata                         ; never run in place: smp.c copies it
align 4096
bits 16
tramp_start:
    cli
    cld
    xor ax, ax
    mov ds, ax                          ; ds = 0: the data below is at its physical address
    lgdt [A(tgdt_ptr)]
    mov eax, cr0
    or eax, 1                           ; CR0.PE
    mov cr0, eax
    jmp dword 0x08:A(pm32)              ; flush the prefetch queue, CS = 32-bit code

bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, cr4
    or eax, 1 << 5                      ; CR4.PAE: long mode needs it
    mov cr4, eax
    mov eax, [A(tramp_pml4)]
    mov cr3, eax
    mov ecx, 0xC0000080                 ; IA32_EFER
    mov eax, [A(tramp_efer)]            ; the boot CPU's: LME, NXE (the kernel's tables set NX), SCE
    xor edx, edx
    wrmsr
    mov eax, [A(tramp_cr0)]             ; the boot CPU's CR0: PG turns long mode on, WP, NE, MP, AM
    mov cr0, eax
    jmp 0x18:A(lm64)                    ; CS = 64-bit code

bits 64
lm64:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsp, [A(tramp_stack)]
    mov rdi, [A(tramp_cpu)]             ; ap_main(struct percpu *, kernel CR3)
    mov rsi, [A(tramp_kcr3)]
    mov rax, [A(tramp_entry)]
    call rax                            ; never returns
.hang:
    cli
    hlt
    jmp .hang

align 16
tgdt:
    dq 0
    dq 0x00cf9a000000ffff               ; 0x08: 32-bit code, flat
    dq 0x00cf92000000ffff               ; 0x10: data, flat
    dq 0x00af9a000000ffff               ; 0x18: 64-bit code
tgdt_ptr:
    dw 4 * 8 - 1
    dd A(tgdt)
align 8
tramp_cr0:   dd 0
tramp_efer:  dd 0
tramp_pml4:  dd 0                       ; physical, below 4 GiB: loaded in 32-bit mode
             dd 0
tramp_stack: dq 0
tramp_entry: dq 0
tramp_cpu:   dq 0
tramp_kcr3:  dq 0
tramp_end:
