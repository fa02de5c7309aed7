/* What a Lua error does in this build: see wasi_lua.h. */
#include <stdio.h>
#include <stdlib.h>
#include "lua.h"
#include "lauxlib.h"

static int throwing = 0;

_Noreturn void wasi_lua_throw(lua_State *L, int status) {
  const char *msg = NULL;
  fflush(stdout);
  if (status == LUA_YIELD) {
    fputs("lua: coroutine.yield is not supported in this build (no setjmp/longjmp)\n", stderr);
    exit(1);
  }
  if (status == LUA_ERRMEM) msg = "not enough memory";
  else if (!throwing) {
    throwing = 1;  /* an error while reporting one must not loop */
    /* (a traceback, if any, was added by lua.c's message handler) */
    msg = lua_tostring(L, -1);
    if (msg == NULL) {
      if (luaL_callmeta(L, -1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
        msg = lua_tostring(L, -1);
      else
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, -1));
    }
  }
  fprintf(stderr, "lua: %s\n", msg ? msg : "error while reporting an error");
  fflush(stderr);
  exit(1);
}

/* os.execute: WASI has no processes; wasi-libc declares system() only. */
int system(const char *cmd) { return cmd == NULL ? 0 : -1; }

/* io.tmpfile: declared (deprecated) but not defined in wasi-libc. */
#define tmpfile wasi_lua_tmpfile_unused
#include <errno.h>
#undef tmpfile
FILE *tmpfile(void) { errno = ENOSYS; return NULL; }
