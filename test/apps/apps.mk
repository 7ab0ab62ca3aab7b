# test/apps/apps.mk — programs for the application tests (test/apps/run.sh): an execve chain (exec_a execs
# exec_b), both dynamic glibc PIEs, and a dynamically linked musl program. Included from the top Makefile.
APPS_DIR  := $(BUILD)/apps
APPS_BINS := $(APPS_DIR)/exec_a $(APPS_DIR)/exec_b $(APPS_DIR)/hello_musl $(APPS_DIR)/threads

.PHONY: apps-bin apps-test
apps-bin: $(APPS_BINS)

$(APPS_DIR)/exec_%: test/apps/progs/exec_%.c | deps-build
	@mkdir -p $(APPS_DIR)
	$(CC) -O2 -Wall -Wextra -fPIE -pie -o $@ $<

$(APPS_DIR)/threads: test/apps/progs/threads.c | deps-build
	@mkdir -p $(APPS_DIR)
	$(CC) -O2 -Wall -Wextra -fPIE -pie -o $@ $<

$(APPS_DIR)/hello_musl: test/apps/progs/hello_musl.c | deps-build deps-test
	@mkdir -p $(APPS_DIR)
	musl-gcc -O2 -Wall -Wextra -o $@ $<

apps-test: kernel apps-bin deps-test
	sh test/apps/run.sh
