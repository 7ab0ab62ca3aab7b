; bench/src/floor.asm — QEMU's floor: the smallest multiboot kernel. It writes one byte ("!") to COM1, so the
; stopwatch sees a first output, then writes 0 to the isa-debug-exit port (QEMU exits with status 1).
; Flat binary, multiboot v1 with the a.out-kludge address fields (flag 16): nasm -f bin.
bits 32
org 0x100000

MB_MAGIC equ 0x1BADB002
MB_FLAGS equ (1 << 16)

header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)
    dd header          ; header_addr
    dd header          ; load_addr
    dd end             ; load_end_addr
    dd end             ; bss_end_addr
    dd start           ; entry_addr

start:
    mov dx, 0x3f8
    mov al, '!'
    out dx, al
    mov al, 10
    out dx, al
    xor eax, eax
    out 0xf4, al       ; isa-debug-exit: QEMU exits now
.hang:
    cli
    hlt
    jmp .hang
end:
