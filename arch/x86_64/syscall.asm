; arch/x86_64/syscall.asm — the SYSCALL entry.
; Register contract on entry (set by the CPU and the Linux ABI):
;   rax = syscall number, rdi rsi rdx r10 r8 r9 = arguments 1-6,
;   rcx = user rip to return to, r11 = user rflags, rsp = still the user stack; IF, DF, TF, AC cleared by FMASK.
; We swap to the kernel GS, park the user rsp in the per-CPU block, switch to the task's kernel stack and build
; a struct regs shaped exactly like an interrupt frame, so the same frame can leave through IRETQ.
; syscall_dispatch(rdi = frame) returns nonzero when SYSRET is safe (rip canonical and in user space,
; rcx == rip, r11 == rflags in the frame), zero to leave through IRETQ.

extern syscall_dispatch, trap_return, smp_active, bkl_lock, bkl_unlock
global syscall_entry

PERCPU_USER_RSP   equ 8                 ; offsetof(struct percpu, user_rsp), pinned in arch.h
PERCPU_KSTACK_TOP equ 16                ; offsetof(struct percpu, kstack_top)
SEL_UDATA         equ 0x1b
SEL_UCODE         equ 0x23
SYSCALL_VECTOR    equ 256

section .text
bits 64
syscall_entry:
    swapgs                              ; gs = per-CPU block
    mov [gs:PERCPU_USER_RSP], rsp       ; save the user rsp
    mov rsp, [gs:PERCPU_KSTACK_TOP]     ; rsp = this task's kernel stack
    push qword SEL_UDATA                ; ss
    push qword [gs:PERCPU_USER_RSP]     ; rsp
    push r11                            ; rflags
    push qword SEL_UCODE                ; cs
    push rcx                            ; rip
    push qword 0                        ; error
    push qword SYSCALL_VECTOR           ; vector
    push rax                            ; the frame's rax: number in, result out
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    cmp byte [rel smp_active], 0        ; several CPUs: the big kernel lock first
    jne .lock
.locked:
    mov rdi, rsp                        ; rdi = struct regs *
    call syscall_dispatch
    test eax, eax
    jz .slow                            ; the frame changed in a way SYSRET cannot restore
    cmp byte [rel smp_active], 0
    jne .unlock
.unlocked:
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11                             ; r11 = rflags for SYSRET
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx                             ; rcx = return rip for SYSRET
    pop rbx
    pop rax                             ; rax = the result
    mov rsp, [rsp + 5 * 8]              ; rsp = user rsp (vector, error, rip, cs, rflags lie below it)
    swapgs                              ; gs = the user's
    o64 sysret
.slow:
    jmp trap_return                     ; IRETQ path (swaps GS, drops the lock, since frame cs is ring 3)
.lock:
    call bkl_lock                       ; rsp = the frame: 16-byte aligned
    jmp .locked
.unlock:
    call bkl_unlock                     ; every register comes back from the frame below
    jmp .unlocked
