/* test/conformance/exec.c — execve and execveat. The error paths first (ENOENT, EFAULT, EACCES, ENOEXEC, a
 * missing #! interpreter); then a real execve of the program itself (the path /proc/self/exe names), whose new
 * image carries on the TAP numbering (argv: "--after-execve" N FAILED) and checks what arrived, then an
 * execveat into a third image that ends the plan. A failure before the exec is reported, and the program ends
 * there. */
/* covers: execve execveat */
#include "tap.h"

static char *const noenv[] = { NULL };

static void finish_from(int argc, char **argv)
{
    tap_n = atoi(argv[2]);
    tap_failed = atoi(argv[3]);
    (void)argc;
}

int main(int argc, char **argv, char **envp)
{
    char n[16], f[16];
    if (argc == 4 && !strcmp(argv[1], "--after-execve")) {
        finish_from(argc, argv);
        T_TRUE("execve gave the new image its argv", !strcmp(argv[0], "exec-conf"));
        T_TRUE("execve gave the new image its envp", envp[0] && !strcmp(envp[0], "SKIFF_CONF=1") && !envp[1]);
        T_TRUE("execve keeps the cwd", access("x644", F_OK) == 0);
        snprintf(n, sizeof n, "%d", tap_n);
        snprintf(f, sizeof f, "%d", tap_failed);
        char *const av[] = { "exec-conf2", "--after-execveat", n, f, NULL };
        char self[512];
        long k = readlink("/proc/self/exe", self, sizeof self - 1);
        self[k > 0 ? k : 0] = 0;
        SYS(SYS_execveat, AT_FDCWD, self, av, noenv, 0);
        T_TRUE("execveat the program itself", 0);
        tap_finish_dir();
        return tap_done();
    }
    if (argc == 4 && !strcmp(argv[1], "--after-execveat")) {
        finish_from(argc, argv);
        T_TRUE("execveat gave the new image its argv", !strcmp(argv[0], "exec-conf2") && argc == 4);
        T_TRUE("execveat gave an empty environment", envp[0] == NULL);
        char cwd[512];
        if (getcwd(cwd, sizeof cwd) && strstr(cwd, "/skiff-conf-exec-"))
            tap_cleanup_dir(cwd);
        return tap_done();
    }

    tap_scratch("exec");
    put_file("x644", "#!/bin/sh\n", 10);
    chmod("x644", 0644);
    put_file("text", "just some text\n", 15);
    chmod("text", 0755);
    put_file("badinterp", "#!/no/such/interpreter\n", 23);
    chmod("badinterp", 0755);
    mkdir("dir", 0755);
    char *const av[] = { "x", NULL };
    T_ERR("execve a missing file", SYS(SYS_execve, "missing", av, noenv), ENOENT);
    T_ERR("execve in a missing directory", SYS(SYS_execve, "nodir/x", av, noenv), ENOENT);
    T_ERR("execve path at a kernel address", SYS(SYS_execve, KADDR, av, noenv), EFAULT);
    T_ERR("execve empty path", SYS(SYS_execve, "", av, noenv), ENOENT);
    T_ERR("execve a file without x bits", SYS(SYS_execve, "x644", av, noenv), EACCES);
    T_ERR("execve a directory", SYS(SYS_execve, "dir", av, noenv), EACCES);
    T_ERR("execve an executable text file without #!", SYS(SYS_execve, "text", av, noenv), ENOEXEC);
    T_ERR("execve a script whose interpreter is missing", SYS(SYS_execve, "badinterp", av, noenv), ENOENT);
    T_ERR("execve argv at a kernel address", SYS(SYS_execve, "badinterp", KADDR, noenv), EFAULT);
    T_ERR("execve envp at a kernel address", SYS(SYS_execve, "badinterp", av, KADDR), EFAULT);
    T_ERR("execveat a missing file", SYS(SYS_execveat, AT_FDCWD, "missing", av, noenv, 0), ENOENT);
    T_ERR("execveat unknown flag", SYS(SYS_execveat, AT_FDCWD, "text", av, noenv, 1), EINVAL);
    T_ERR("execveat a file without x bits", SYS(SYS_execveat, AT_FDCWD, "x644", av, noenv, 0), EACCES);
    T_ERR("execveat an executable text file without #!", SYS(SYS_execveat, AT_FDCWD, "text", av, noenv, 0), ENOEXEC);

    snprintf(n, sizeof n, "%d", tap_n + 1);
    snprintf(f, sizeof f, "%d", tap_failed);
    char *const next[] = { "exec-conf", "--after-execve", n, f, NULL };
    char *const env[] = { "SKIFF_CONF=1", NULL };
    /* the path /proc/self/exe names, not the link itself: skiff's procfs resolves it through the new
     * program's own path while exec is half done (a kernel bug being reported) */
    char self[512];
    long k = readlink("/proc/self/exe", self, sizeof self - 1);
    self[k > 0 ? k : 0] = 0;
    printf("ok %d execve the program itself replaces it\n", tap_n + 1);
    fflush(stdout);
    SYS(SYS_execve, self, next, env);
    printf("Bail out! execve %s failed (errno %d)\n", self, errno);
    return 1;
}
