/* Forced include for the wasm32-wasi build of Lua: no setjmp/longjmp in
   wasi-libc and no exception handling in the sandbox, so a raised error
   cannot unwind: it prints the message and exits (see wasi_lua.c). */
#ifndef WASI_LUA_H
#define WASI_LUA_H
struct lua_State;
_Noreturn void wasi_lua_throw(struct lua_State *L, int status);
#define LUAI_THROW(L,c)    wasi_lua_throw(L, (c)->status)
#define LUAI_TRY(L,c,a)    { a }
#define luai_jmpbuf        int
/* os.tmpname: no tmpnam in wasi-libc; it raises "unable to generate a unique filename". */
#define lua_tmpnam(b,e)    { (b)[0] = '\0'; e = 1; }
#define LUA_TMPNAMBUFSIZE  32
#endif
