; arch/x86_64/copy_user.asm — the only code that dereferences user pointers.
; Callers (kernel/uaccess.c) have already checked that the range lies in user space; a page fault here that
; the VM cannot resolve makes trap_handler jump to the fixup address from .extable: arch_copy_user then returns
; the number of bytes left uncopied (as Linux's raw copy does), arch_strncpy_user -EFAULT.
; With SMAP, setting and clearing RFLAGS.AC opens and closes the window in which supervisor code may touch user
; pages. We do it with pushf/popf rather than stac/clac: nested KVM was seen to fail emulating stac
; ("emulation failure"), while popf is handled everywhere.

global arch_copy_user, arch_strncpy_user
extern cpu_has_smap

EFAULT equ 14

AC_BIT equ 1 << 18                      ; RFLAGS.AC

%macro USER_OPEN 0
    cmp byte [rel cpu_has_smap], 0
    je %%skip
    pushfq
    or qword [rsp], AC_BIT              ; AC = 1: supervisor access to user pages allowed
    popfq
%%skip:
%endmacro
%macro USER_CLOSE 0
    cmp byte [rel cpu_has_smap], 0
    je %%skip
    pushfq
    and qword [rsp], ~AC_BIT            ; AC = 0: SMAP in force again
    popfq
%%skip:
%endmacro

section .text
bits 64
; long arch_copy_user(rdi = dst, rsi = src, rdx = n): the number of bytes NOT copied: 0 when all n were.
; rep movsb faults precisely: the bytes before the faulting one have been moved and rcx counts the rest, which
; the fixup returns (the trap frame restores every register but rip).
arch_copy_user:
    mov rcx, rdx
    shr rcx, 3                          ; rcx = whole qwords (8x fewer iterations where rep is emulated, as in TCG)
    and edx, 7                          ; rdx = the bytes after them
    USER_OPEN
.copyq:
    rep movsq
    mov ecx, edx                        ; rcx = tail bytes
.copyb:
    rep movsb
    USER_CLOSE
    xor eax, eax
    ret
.faultq:
    lea rcx, [rcx * 8 + rdx]            ; a qword crossed into a bad page: redo every byte left one by one,
    jmp .copyb                          ; so the copy stops exactly at the first bad byte
.faultb:
    USER_CLOSE
    mov rax, rcx                        ; bytes left uncopied
    ret

; long arch_strncpy_user(rdi = dst, rsi = src, rdx = max): length without the NUL (max when none was found
; within max bytes), or -EFAULT. dst receives the bytes copied, NUL included when found.
arch_strncpy_user:
    xor eax, eax                        ; rax = bytes copied so far
    USER_OPEN
.loop:
    cmp rax, rdx
    jae .done
.load:
    mov cl, [rsi + rax]                 ; cl = next user byte (may fault)
    mov [rdi + rax], cl
    test cl, cl
    jz .done
    inc rax
    jmp .loop
.done:
    USER_CLOSE
    ret
.fault:
    USER_CLOSE
    mov rax, -EFAULT
    ret

section .extable
align 8
    dq arch_copy_user.copyq, arch_copy_user.faultq
    dq arch_copy_user.copyb, arch_copy_user.faultb
    dq arch_strncpy_user.load, arch_strncpy_user.fault
