; arch/x86_64/vdso_image.asm — the vDSO's ELF image (build/vdso/vdso.so, made from arch/x86_64/vdso/ by the
; Makefile) as bytes in the kernel's read-only data, between vdso_image and vdso_image_end.
section .rodata
align 4096
global vdso_image, vdso_image_end
vdso_image:
    incbin VDSO_SO          ; the path comes from the Makefile (-DVDSO_SO='"..."')
vdso_image_end:
