/* test/unit/unit.h — a tiny TAP harness for the host-built unit tests: CHECK(cond, name) prints
 * `ok N name` or `not ok N name`, and unit_done() prints the plan and `N passed, N failed`. */
#ifndef SKIFF_UNIT_H
#define SKIFF_UNIT_H
#include <stdio.h>

static int unit_n, unit_failed;

#define CHECK(cond, ...) unit_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

__attribute__((format(printf, 4, 5))) static void unit_check(int ok, const char *file, int line, const char *fmt,
                                                             ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%sok %d ", ok ? "" : "not ", ++unit_n);
    vprintf(fmt, ap);
    if (!ok)
        printf(" # failed at %s:%d", file, line);
    printf("\n");
    va_end(ap);
    unit_failed += !ok;
}

static int unit_done(void)
{
    printf("1..%d\n%d passed, %d failed\n", unit_n, unit_n - unit_failed, unit_failed);
    return unit_failed != 0;
}
#endif
