# test/elf/elf.mk — the ELF mutant test (issue 15), included from the top Makefile.
#   make elf-bin   the mutant maker and runner (elfmut) and the program it mutates, in the shapes skiff loads:
#                  static (ET_EXEC), static-PIE glibc, static-PIE musl, dynamic glibc PIE (for PT_INTERP)
ELF_OUT  := $(BUILD)/elf
ELF_BINS := $(ELF_OUT)/elfmut $(ELF_OUT)/static $(ELF_OUT)/pie $(ELF_OUT)/musl $(ELF_OUT)/dyn

.PHONY: elf-bin
elf-bin: $(ELF_BINS)

$(ELF_OUT)/elfmut: test/elf/elfmut.c | deps-build
	@mkdir -p $(ELF_OUT)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(ELF_OUT)/static: test/elf/target.c | deps-build
	@mkdir -p $(ELF_OUT)
	$(CC) -static -O2 -o $@ $<

$(ELF_OUT)/pie: test/elf/target.c | deps-build
	@mkdir -p $(ELF_OUT)
	$(CC) -static-pie -fPIE -O2 -o $@ $<

$(ELF_OUT)/dyn: test/elf/target.c | deps-build
	@mkdir -p $(ELF_OUT)
	$(CC) -pie -fPIE -O2 -o $@ $<

$(ELF_OUT)/musl: test/elf/target.c | deps-build deps-test
	@mkdir -p $(ELF_OUT)
	musl-gcc -fPIE -O2 -c -o $@.o $<
	$(LD) -static -pie --no-dynamic-linker -z text -o $@ $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $@.o \
	    -L$(MUSL_LIB) -lc $(MUSL_LIB)/crtn.o
