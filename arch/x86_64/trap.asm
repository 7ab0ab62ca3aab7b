; arch/x86_64/trap.asm — exception entry stubs and the return path to ring 3.
; Each stub makes the stack hold a struct regs (arch.h): it pushes a zero error code when the CPU does not,
; then the vector; trap_common swaps GS when we came from ring 3, pushes rax..r15 and calls
; trap_handler(rdi = frame). The frame is 22 qwords (176 bytes), so rsp stays 16-byte aligned at the call.

extern trap_handler, irq_dispatch, irq_return_check, smp_active, bkl_lock, bkl_unlock, smp_flush_ipi
extern irq_enter_kernel, irq_exit_kernel, smp_wake_fast
global trap_return, arch_enter_user, arch_return_to_user, isr_table, irq_stubs, ipi_flush_stub
global ipi_wake_stub, lapic_timer_stub

%define FRAME_CS 18 * 8                 ; offsetof(struct regs, cs)

%macro ISR_NOERR 1
isr%1:
    push qword 0                        ; error: none for this vector
    push qword %1                       ; vector
    jmp trap_common
%endmacro
%macro ISR_ERR 1
isr%1:
    push qword %1                       ; vector (the CPU pushed the error code)
    jmp trap_common
%endmacro

section .text
bits 64
ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR   21
%assign v 22
%rep 10
ISR_NOERR v
%assign v v + 1
%endrep

%macro PUSH_GPRS 0
    push rax
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
%endmacro
%macro POP_GPRS 0
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
%endmacro

; Device interrupts: the same frame (vector = 32 + IRQ), then irq_dispatch(rdi = IRQ). IRQs 0-15 come from
; the PICs (vectors 32-47), 16-31 are MSI-X vectors 48-63 delivered by the local APIC.
%assign n 0
%rep 32
irqstub %+ n:
    push qword 0                        ; error: none
    push qword 32 + n                   ; vector
    jmp irq_common
%assign n n + 1
%endrep

; Vectors nothing should raise (64-255, e.g. a local APIC spurious interrupt): logged, acknowledged, ignored.
%assign n 64
%rep 192
vecstub %+ n:
    push qword 0                        ; error: none
    push qword n                        ; vector
    jmp irq_common
%assign n n + 1
%endrep

irq_common:
    test byte [rsp + 24], 3             ; from ring 3?
    jz .from_kernel
    swapgs
.from_kernel:
    PUSH_GPRS
    cld
    cmp byte [rel smp_active], 0        ; several CPUs: the big lock (from ring 0: unless a driver's wait holds it)
    je .nolock
    test byte [rsp + FRAME_CS], 3
    jz .kernel
    call bkl_lock
    jmp .nolock
.kernel:
    call irq_enter_kernel
.nolock:
    mov rdi, [rsp + 15 * 8]             ; rdi = vector
    sub rdi, 32                         ; rdi = IRQ number
    call irq_dispatch
    mov rdi, rsp                        ; rdi = struct regs *: signals raised by the IRQ (^C) act on the way out
    call irq_return_check
    test byte [rsp + FRAME_CS], 3
    jnz trap_return                     ; to ring 3: trap_return drops the lock
    cmp byte [rel smp_active], 0
    je trap_return
    call irq_exit_kernel                ; back into the wait it interrupted
    jmp trap_return

; The registers a C call may change (System V ABI), saved around the IPI stubs' calls: nine pushes on the
; CPU's five-qword frame keep the call 16-byte aligned.
%macro push_scratch 0
    push rax
    push rcx
    push rdx
    push rsi
    push rdi
    push r8
    push r9
    push r10
    push r11
%endmacro
%macro pop_scratch 0
    pop r11
    pop r10
    pop r9
    pop r8
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rax
%endmacro

; IPI_FLUSH (smp_lock.c): a TLB shootdown, answered without the big lock (its sender holds it and waits for us).
; The CPU pushed 5 qwords onto a 16-byte aligned stack; 9 more keep the call aligned.
ipi_flush_stub:
    test byte [rsp + 8], 3              ; cs
    jz .k1
    swapgs
.k1:
    push_scratch
    cld
    call smp_flush_ipi
    pop_scratch
    test byte [rsp + 8], 3
    jz .k2
    swapgs
.k2:
    iretq

;  IPI_WAKE and an AP's timer tick. From ring 3 they end the time slice: irq_common, with the big lock. In ring 0
; the CPU waits: halted in the scheduler's idle wait, which takes the lock itself right after, smp_wake_fast only
; notes it, without the lock (taking it there made every wake-up two hand-overs of the lock); in a driver's
; wait (smp_wake_fast says no) the usual path. 9 pushes keep the call 16-byte aligned, as ipi_flush_stub.
%macro wakestub 1
    test byte [rsp + 8], 3              ; cs
    jnz %%slow
    push_scratch
    cld
    call smp_wake_fast
    test al, al                         ; the pops leave the flags alone
    pop_scratch
    jz %%slow
    iretq
%%slow:
    push qword 0                        ; error: none
    push qword %1                       ; vector
    jmp irq_common
%endmacro
ipi_wake_stub:
    wakestub 0xee                       ; IPI_WAKE (smp.h)
lapic_timer_stub:
    wakestub 0xef                       ; LAPIC_TIMER_VEC (smp.h)

trap_common:
    test byte [rsp + 24], 3             ; [rsp+24] = saved cs (vector, error, rip below it)
    jz .from_kernel
    swapgs                              ; gs = the kernel's per-CPU block
.from_kernel:
    PUSH_GPRS
    cld
    test byte [rsp + FRAME_CS], 3       ; from ring 3 with several CPUs: the big lock first
    jz .locked
    cmp byte [rel smp_active], 0
    je .locked
    call bkl_lock
.locked:
    mov rdi, rsp                        ; rdi = struct regs *
    call trap_handler
trap_return:                            ; rsp = struct regs * to restore
    test byte [rsp + FRAME_CS], 3       ; to ring 3 with several CPUs: drop the big lock
    jz .pop
    cmp byte [rel smp_active], 0
    je .pop
    call bkl_unlock
.pop:
    POP_GPRS
    test byte [rsp + 24], 3             ; returning to ring 3?
    jz .to_kernel
    swapgs                              ; gs = the user's again
.to_kernel:
    add rsp, 16                         ; drop vector and error code
    iretq

; noreturn arch_enter_user(rdi = struct regs *): restore a whole user frame through iretq.
; Used for the first entry into a program and whenever a syscall cannot leave through SYSRET.
arch_enter_user:
arch_return_to_user:
    mov rsp, rdi                        ; rsp = the frame (it lives on this task's kernel stack)
    jmp trap_return

section .rodata
align 8
irq_stubs:                              ; irq_stubs[i] = address of the stub for IRQ i (vector 32 + i)
%assign n 0
%rep 32
    dq irqstub %+ n
%assign n n + 1
%endrep
%assign n 64
%rep 192
    dq vecstub %+ n
%assign n n + 1
%endrep
isr_table:                              ; isr_table[v] = address of the stub for vector v
%assign v 0
%rep 32
    dq isr %+ v
%assign v v + 1
%endrep
