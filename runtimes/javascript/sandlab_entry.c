/*
 * sandlab's entry points into QuickJS-NG, linked with the unmodified
 * engine (quickjs.c, libregexp.c, libunicode.c, dtoa.c) into a WASI reactor
 * (scripts/build-javascript):
 *
 *   sandlab_init  makes the runtime and context, sets the engine's own stack
 *                 limit (so deep recursion is a RangeError with the learner's
 *                 line, not a crash of the interpreter), gives the harness
 *                 (runtimes/javascript/sandlab_harness.js, read from the
 *                 world at /sandlab_harness.js) the few host functions below,
 *                 and keeps the function the harness returns. sandlab runs it
 *                 once and snapshots the instance (src/snapshot): every run
 *                 starts after it.
 *   _start        one run: the harness's function with the WASI arguments;
 *                 its result is the exit code (proc_exit unless 0), so a run
 *                 is an ordinary WASI command to sandlab's sandbox.
 *
 * The host functions are all the harness can do outside the engine: write
 * to stdout/stderr, read a line of stdin, read, write and remove a file,
 * make a folder,
 * read the fuel spent (the sandbox's CPU clock), evaluate a script under a
 * file name, run the engine's pending jobs (promises), and hear of promises
 * rejected with no handler. Learners never
 * see them: the harness keeps them in a closure.
 */
#include "quickjs.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

/* The C stack the link gives the module (-z stack-size, scripts/build-javascript),
 * and what the engine may use of it: the rest is room for the C code the
 * engine calls once it has said no (printing the RangeError). */
#ifndef SANDLAB_STACK
#define SANDLAB_STACK (4 << 20)
#endif
#define ENGINE_STACK (SANDLAB_STACK - (256 << 10))

static JSRuntime *rt;
static JSContext *ctx;
static JSValue harness_run;
/* The harness's function told of each promise rejected with no handler,
 * and of each that gets one later (see trackRejections). */
static JSValue rejection_handler;

static void fail(const char *what) {
    fprintf(stderr, "sandlab javascript runtime: %s\n", what);
    if (ctx) {
        JSValue e = JS_GetException(ctx);
        const char *text = JS_ToCString(ctx, e);
        if (text) {
            fprintf(stderr, "%s\n", text);
            JS_FreeCString(ctx, text);
        }
        JS_FreeValue(ctx, e);
    }
    __wasi_proc_exit(70);
}

static char *read_all(FILE *f, size_t *len) {
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger) {
                free(buf);
                return NULL;
            }
            buf = bigger;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    *len = n;
    return buf;
}

/* write(fd, text): all of it, unbuffered, so output and errors keep their
 * order and nothing waits in a buffer when a limit ends the run. */
static JSValue host_write(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    int fd;
    size_t len;
    if (JS_ToInt32(c, &fd, argv[0])) {
        return JS_EXCEPTION;
    }
    const char *text = JS_ToCStringLen(c, &len, argv[1]);
    if (!text) {
        return JS_EXCEPTION;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd == 2 ? 2 : 1, text + done, len - done);
        if (n <= 0) {
            break;
        }
        done += (size_t)n;
    }
    JS_FreeCString(c, text);
    return JS_UNDEFINED;
}

/* readLine(): the next line of stdin without its newline, or null at its end. */
static JSValue host_read_line(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    size_t cap = 256, n = 0;
    char *buf = malloc(cap);
    int ch = EOF;
    if (!buf) {
        return JS_ThrowOutOfMemory(c);
    }
    while ((ch = getchar()) != EOF && ch != '\n') {
        if (n + 1 >= cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger) {
                free(buf);
                return JS_ThrowOutOfMemory(c);
            }
            buf = bigger;
        }
        buf[n++] = (char)ch;
    }
    JSValue line = (ch == EOF && n == 0) ? JS_NULL : JS_NewStringLen(c, buf, n);
    free(buf);
    return line;
}

/* readFile(path): its text, or null if it cannot be read. */
static JSValue host_read_file(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    const char *path = JS_ToCString(c, argv[0]);
    if (!path) {
        return JS_EXCEPTION;
    }
    FILE *f = fopen(path, "rb");
    JS_FreeCString(c, path);
    if (!f) {
        return JS_NULL;
    }
    size_t len = 0;
    char *buf = read_all(f, &len);
    fclose(f);
    if (!buf) {
        return JS_ThrowOutOfMemory(c);
    }
    JSValue text = JS_NewStringLen(c, buf, len);
    free(buf);
    return text;
}

/* writeFile(path, text): whether it was written. */
static JSValue host_write_file(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    size_t len;
    const char *path = JS_ToCString(c, argv[0]);
    if (!path) {
        return JS_EXCEPTION;
    }
    const char *text = JS_ToCStringLen(c, &len, argv[1]);
    if (!text) {
        JS_FreeCString(c, path);
        return JS_EXCEPTION;
    }
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(text, 1, len, f) == len;
    if (f) {
        ok = fclose(f) == 0 && ok;
    }
    JS_FreeCString(c, path);
    JS_FreeCString(c, text);
    return JS_NewBool(c, ok);
}

/* remove(path): whether it was removed. */
static JSValue host_remove(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    const char *path = JS_ToCString(c, argv[0]);
    if (!path) {
        return JS_EXCEPTION;
    }
    int r = remove(path);
    JS_FreeCString(c, path);
    return JS_NewBool(c, r == 0);
}

/* makeDir(path): whether the folder is there now. */
static JSValue host_make_dir(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    const char *path = JS_ToCString(c, argv[0]);
    if (!path) {
        return JS_EXCEPTION;
    }
    struct stat st;
    int r = mkdir(path, 0777) == 0 || (stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    JS_FreeCString(c, path);
    return JS_NewBool(c, r);
}

/* fuel(): the fuel spent so far (the sandbox's CPU clock reads fuel). */
static JSValue host_fuel(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return JS_NewFloat64(c, (double)t.tv_sec * 1e9 + (double)t.tv_nsec);
}

/* evalScript(source, file): runs `source` as a global script named `file`,
 * so errors and stacks name the learner's file and line. */
static JSValue host_eval_script(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    size_t len;
    const char *file = JS_ToCString(c, argv[1]);
    if (!file) {
        return JS_EXCEPTION;
    }
    const char *source = JS_ToCStringLen(c, &len, argv[0]);
    if (!source) {
        JS_FreeCString(c, file);
        return JS_EXCEPTION;
    }
    /* Compiled first, then run: an error of the compile is marked (a
     * property the harness reads), for a SyntaxError can also be thrown as
     * the code runs (`JSON.parse("x")`), and only the first is the
     * source's fault, shown on its line in the editor. */
    JSValue compiled = JS_Eval(c, source, len, file, JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY);
    JS_FreeCString(c, source);
    JS_FreeCString(c, file);
    if (JS_IsException(compiled)) {
        JSValue e = JS_GetException(c);
        if (JS_IsObject(e)) {
            JS_DefinePropertyValueStr(c, e, "sandlabCompile", JS_TRUE, 0);
        }
        return JS_Throw(c, e);
    }
    return JS_EvalFunction(c, compiled);
}

/* runJobs(): runs the pending jobs (promise reactions) until none is left;
 * throws the first error a job threw. */
static JSValue host_run_jobs(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    JSContext *job_ctx;
    for (;;) {
        int r = JS_ExecutePendingJob(JS_GetRuntime(c), &job_ctx);
        if (r == 0) {
            return JS_UNDEFINED;
        }
        if (r < 0) {
            return JS_Throw(c, JS_GetException(job_ctx));
        }
    }
}

static void track_rejection(JSContext *c, JSValueConst promise, JSValueConst reason,
                            bool is_handled, void *opaque) {
    if (!JS_IsFunction(c, rejection_handler)) {
        return;
    }
    JSValueConst args[3] = {promise, reason, JS_NewBool(c, is_handled)};
    JSValue r = JS_Call(c, rejection_handler, JS_UNDEFINED, 3, args);
    if (JS_IsException(r)) {
        JS_FreeValue(c, JS_GetException(c));
    }
    JS_FreeValue(c, r);
}

/* trackRejections(fn): fn(promise, reason, handled) is called as the
 * engine learns of a rejection without a handler (handled false) and of a
 * handler added later (true). */
static JSValue host_track_rejections(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    JS_FreeValue(c, rejection_handler);
    rejection_handler = JS_DupValue(c, argv[0]);
    JS_SetHostPromiseRejectionTracker(JS_GetRuntime(c), track_rejection, NULL);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry host_functions[] = {
    JS_CFUNC_DEF("write", 2, host_write),
    JS_CFUNC_DEF("readLine", 0, host_read_line),
    JS_CFUNC_DEF("readFile", 1, host_read_file),
    JS_CFUNC_DEF("writeFile", 2, host_write_file),
    JS_CFUNC_DEF("remove", 1, host_remove),
    JS_CFUNC_DEF("makeDir", 1, host_make_dir),
    JS_CFUNC_DEF("fuel", 0, host_fuel),
    JS_CFUNC_DEF("evalScript", 2, host_eval_script),
    JS_CFUNC_DEF("runJobs", 0, host_run_jobs),
    JS_CFUNC_DEF("trackRejections", 1, host_track_rejections),
};

__attribute__((export_name("sandlab_init"))) void sandlab_init(void) {
    rt = JS_NewRuntime();
    if (!rt) {
        fail("no memory for the runtime");
    }
    JS_SetMaxStackSize(rt, ENGINE_STACK);
    rejection_handler = JS_UNDEFINED;
    ctx = JS_NewContext(rt);
    if (!ctx) {
        fail("no memory for the context");
    }
    FILE *f = fopen("/sandlab_harness.js", "rb");
    if (!f) {
        fail("cannot read /sandlab_harness.js");
    }
    size_t len = 0;
    char *source = read_all(f, &len);
    fclose(f);
    if (!source) {
        fail("no memory for the harness");
    }
    /* The harness is an expression: a function of the host functions
     * that returns the function each run calls. */
    JSValue make = JS_Eval(ctx, source, len, "<sandlab>", JS_EVAL_TYPE_GLOBAL);
    free(source);
    if (JS_IsException(make)) {
        fail("the harness does not compile");
    }
    JSValue host = JS_NewObject(ctx);
    JS_SetPropertyFunctionList(ctx, host, host_functions,
                               sizeof(host_functions) / sizeof(host_functions[0]));
    JSValue global = JS_GetGlobalObject(ctx);
    harness_run = JS_Call(ctx, make, global, 1, (JSValueConst *)&host);
    JS_FreeValue(ctx, global);
    JS_FreeValue(ctx, host);
    JS_FreeValue(ctx, make);
    if (JS_IsException(harness_run) || !JS_IsFunction(ctx, harness_run)) {
        fail("the harness's set-up failed");
    }
    /* What start-up made lives as long as the snapshot. */
    JS_RunGC(rt);
}

/* The run's arguments as a JavaScript array of strings. */
static JSValue arguments(void) {
    JSValue list = JS_NewArray(ctx);
    __wasi_size_t count = 0, size = 0;
    if (__wasi_args_sizes_get(&count, &size) != 0) {
        return list;
    }
    char **argv = calloc(count + 1, sizeof(char *));
    char *buffer = malloc(size + 1);
    if (argv && buffer && __wasi_args_get((uint8_t **)argv, (uint8_t *)buffer) == 0) {
        for (__wasi_size_t i = 0; i < count; i++) {
            JS_SetPropertyUint32(ctx, list, i, JS_NewString(ctx, argv[i]));
        }
    }
    free(argv);
    free(buffer);
    return list;
}

__attribute__((export_name("_start"))) void sandlab_start(void) {
    if (!ctx) {
        fail("sandlab_init has not run");
    }
    /* The stack the engine measures from: this run's, not start-up's. */
    JS_UpdateStackTop(rt);
    JSValue argv = arguments();
    JSValue code = JS_Call(ctx, harness_run, JS_UNDEFINED, 1, (JSValueConst *)&argv);
    JS_FreeValue(ctx, argv);
    int exit = 1;
    if (JS_IsException(code)) {
        fail("the harness failed");
    }
    JS_ToInt32(ctx, &exit, code);
    JS_FreeValue(ctx, code);
    if (exit != 0) {
        __wasi_proc_exit((__wasi_exitcode_t)exit);
    }
}
