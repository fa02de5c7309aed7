/*
 * sandlab's entry points into CPython, linked with the unmodified
 * libpython into a WASI reactor (scripts/build-python):
 *
 *   sandlab_init  starts the interpreter deterministically (fixed hash seed,
 *                 isolated, no site, no bytecode written, unbuffered) with the
 *                 standard library at /lib/python3.11, and calls the harness's
 *                 init (runtimes/python/sandlab_harness.py), which loads the
 *                 library into memory and imports what most programs use.
 *                 sandlab runs it once and snapshots the instance
 *                 (src/snapshot): every run starts after it.
 *   _start        one run: the harness's run with the WASI arguments; its
 *                 result is the exit code (proc_exit unless 0), so a run is
 *                 an ordinary WASI command to sandlab's sandbox.
 *
 * The module is a reactor: _initialize (wasi-libc's constructors) runs
 * before sandlab_init, and never again.
 */
#include <Python.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static PyObject *harness_run;

static void fail(const char *what) {
    fprintf(stderr, "sandlab python runtime: %s\n", what);
    if (PyErr_Occurred()) {
        PyErr_Print();
    }
    __wasi_proc_exit(70);
}

__attribute__((export_name("sandlab_init"))) void sandlab_init(void) {
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.site_import = 0;
    config.write_bytecode = 0;
    config.use_hash_seed = 1;
    config.hash_seed = 0;
    config.buffered_stdio = 0;
    config.install_signal_handlers = 0;
    config.pathconfig_warnings = 0;
    config.module_search_paths_set = 1;
    PyStatus status = PyConfig_SetString(&config, &config.home, L"/");
    if (!PyStatus_Exception(status)) {
        status = PyWideStringList_Append(&config.module_search_paths, L"/lib/python3.11");
    }
    if (!PyStatus_Exception(status)) {
        status = PyConfig_SetString(&config, &config.program_name, L"python");
    }
    if (!PyStatus_Exception(status)) {
        status = Py_InitializeFromConfig(&config);
    }
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        fprintf(stderr, "sandlab python runtime: %s\n", status.err_msg ? status.err_msg : "start-up failed");
        __wasi_proc_exit(70);
    }
    PyObject *harness = PyImport_ImportModule("sandlab_harness");
    if (harness == NULL) {
        fail("cannot import sandlab_harness");
    }
    harness_run = PyObject_GetAttrString(harness, "run");
    PyObject *init = PyObject_GetAttrString(harness, "init");
    PyObject *preload = PyObject_GetAttrString(harness, "PRELOAD");
    if (harness_run == NULL || init == NULL || preload == NULL) {
        fail("the harness lacks run, init or PRELOAD");
    }
    PyObject *done = PyObject_CallFunction(init, "sO", "/lib/python3.11/stdlib.txt", preload);
    if (done == NULL) {
        fail("the harness's init failed");
    }
    Py_DECREF(done);
    Py_DECREF(init);
    Py_DECREF(preload);
    Py_DECREF(harness);
}

/* The run's arguments as a Python list of str. */
static PyObject *arguments(void) {
    __wasi_size_t count = 0, size = 0;
    if (__wasi_args_sizes_get(&count, &size) != 0) {
        return PyList_New(0);
    }
    char **argv = calloc(count + 1, sizeof(char *));
    char *buffer = malloc(size + 1);
    PyObject *list = PyList_New(0);
    if (argv && buffer && list && __wasi_args_get((uint8_t **)argv, (uint8_t *)buffer) == 0) {
        for (__wasi_size_t i = 0; i < count; i++) {
            PyObject *arg = PyUnicode_DecodeUTF8(argv[i], strlen(argv[i]), "surrogateescape");
            if (arg) {
                PyList_Append(list, arg);
                Py_DECREF(arg);
            }
        }
    }
    free(argv);
    free(buffer);
    return list;
}

__attribute__((export_name("_start"))) void sandlab_start(void) {
    if (harness_run == NULL) {
        fail("sandlab_init has not run");
    }
    PyObject *argv = arguments();
    PyObject *code = PyObject_CallOneArg(harness_run, argv);
    Py_XDECREF(argv);
    long exit = 1;
    if (code == NULL) {
        PyErr_Print();
    } else {
        exit = PyLong_AsLong(code);
        Py_DECREF(code);
    }
    if (exit != 0) {
        __wasi_proc_exit((__wasi_exitcode_t)exit);
    }
}
