/* bench/src/sqlbench.c — the sqlite3 workload, linked statically with Debian's libsqlite3.a.
 *
 *   sqlbench [ROWS [DBPATH]]   (defaults 100000 and /tmp/bench.db; ":memory:" for an in-memory database)
 *
 * Creates a table, inserts ROWS rows in one transaction through a prepared statement, then aggregates them
 * (GROUP BY over 1000 keys, plus a total), and prints "sqlbench rows=N groups=G sum=S". The database file is
 * in the guest's RAM file system; journal in memory and synchronous=OFF, so no fsync is needed. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "sqlbench: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    exit(1);
}

int main(int argc, char **argv)
{
    long rows = argc > 1 ? atol(argv[1]) : 100000;
    const char *path = argc > 2 ? argv[2] : "/tmp/bench.db";
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die(db, "open");
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
                     "CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT);",
                     NULL, NULL, NULL) != SQLITE_OK)
        die(db, "create");
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        die(db, "begin");
    if (sqlite3_prepare_v2(db, "INSERT INTO t(k, v) VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
        die(db, "prepare");
    char text[64];
    for (long i = 0; i < rows; i++) {
        int len = snprintf(text, sizeof text, "row %ld value %ld", i, i * 2654435761u % 1000003);
        sqlite3_bind_int64(st, 1, i * 7919 % 1000);
        sqlite3_bind_text(st, 2, text, len, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            die(db, "insert");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        die(db, "commit");
    if (sqlite3_prepare_v2(db, "SELECT k, count(*), sum(id), avg(length(v)) FROM t GROUP BY k ORDER BY k", -1,
                           &st, NULL) != SQLITE_OK)
        die(db, "prepare select");
    long groups = 0, count = 0;
    long long sum = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        groups++;
        count += sqlite3_column_int64(st, 1);
        sum += sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    printf("sqlbench rows=%ld groups=%ld sum=%lld\n", count, groups, sum);
    return count == rows ? 0 : 1;
}
