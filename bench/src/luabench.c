/* bench/src/luabench.c — a Lua 5.4 numeric loop: Debian's liblua5.4.a linked statically into a minimal host
 * (luaL_newstate + luaL_openlibs + one chunk), since Debian ships the lua5.4 interpreter only dynamic.
 *
 *   luabench [N]   (default 3000000)
 *
 * Runs: local s = 0; for i = 1, N do s = s + (i % 7) * 0.5 + math.sqrt(i) end; print(s) */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 3000000;
    char chunk[256];
    snprintf(chunk, sizeof chunk,
             "local s = 0 for i = 1, %ld do s = s + (i %% 7) * 0.5 + math.sqrt(i) end "
             "print(string.format('luabench n=%ld s=%%.3f', s))",
             n, n);
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    if (luaL_dostring(L, chunk)) {
        fprintf(stderr, "luabench: %s\n", lua_tostring(L, -1));
        return 1;
    }
    lua_close(L);
    return 0;
}
