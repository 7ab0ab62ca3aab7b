; arch/x86_64/switch.asm — switching kernel stacks between tasks.
; void switch_stacks(rdi = u64 *save_ksp, rsi = u64 new_ksp): pushes the callee-saved registers the System V
; ABI says survive a call (rbx rbp r12-r15), stores rsp in *save_ksp, loads new_ksp, pops the other task's
; registers and returns into wherever that task called switch_stacks (or task_start for a new task).

global switch_stacks, task_start
extern task_start_c

section .text
bits 64
switch_stacks:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp                      ; *save_ksp = this task's kernel stack
    mov rsp, rsi                        ; rsp = the other task's
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; A new task's first switch lands here (sched.c builds its stack so): r12 = its user frame.
task_start:
    mov rdi, r12                        ; rdi = struct regs * on the new task's kernel stack
    call task_start_c                   ; finishes the switch, then enters ring 3; never returns
