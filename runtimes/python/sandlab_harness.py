"""sandlab's harness: what the interpreter runs around a learner's code.

`init` runs once, when the runtime is built: it loads the course's standard
library into memory and imports the modules most programs use, and the
snapshot sandlab takes afterwards keeps all of it, so no run pays for
start-up or reads the library from files. `run` runs in every run of the
snapshot, with the run's arguments: the learner's script as `__main__`, or
one check's job (`.sandlab/job.json`): a call of one function of the
learner's module, or one test function of the instructor's tests.

What a run found goes to `.sandlab/result.json`, which the grader reads; an
uncaught exception also goes there (type, message, line, the learner's own
traceback), and to stderr as Python prints it. The harness's own frames are
never shown.

The learner's code runs in this same interpreter, so code written to fool
the harness could: grading in-process, as every Python autograder does. A
record is re-run by `sandlab verify`, and the instructor sees the code.
"""

import _frozen_importlib
import ast
import builtins
import gc
import json
import linecache
import marshal
import math
import os
import sys
import time
import traceback
import types

# Imported when the runtime is built, so no run pays for them: what CS1
# programs use most (the harness's own imports come too). Each costs
# download size; scripts/python-runtime's measurements chose these.
PRELOAD = ["collections", "functools", "random", "re"]

# The standard library, by module name: (marshalled code, is a package).
STDLIB = {}
# Where the learner's files and the check's job live (the sandbox's
# preopened directory).
JOB = ".sandlab/job.json"
RESULT = ".sandlab/result.json"
# The job's token, copied into the result: the grader ignores a result
# without it (one the learner's code wrote). The job's file is deleted
# before the learner's code runs.
TOKEN = None
# The fuel the learner's call (or test) spent, for the result: the
# sandbox's CPU clock reads fuel, so a budget counts the learner's code and
# not this harness or the loading of the module.
FUEL = None
# The learner's files: frames in other files (this harness, the standard
# library) are left out of the tracebacks a learner sees.
HARNESS = __file__ if "__file__" in globals() else "<sandlab>"


class StdlibImporter:
    """Imports the standard library from memory (`STDLIB`)."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        entry = STDLIB.get(name)
        if entry is None:
            return None
        spec = _frozen_importlib.ModuleSpec(name, cls, origin="<stdlib>", is_package=entry[1])
        if entry[1]:
            spec.submodule_search_locations = []
        return spec

    @staticmethod
    def create_module(spec):
        return None

    @staticmethod
    def exec_module(module):
        code = marshal.loads(STDLIB[module.__spec__.name][0])
        exec(code, module.__dict__)


def init(manifest, preload):
    """Loads the standard library listed in `manifest` (paths of sourceless
    .pyc files under the library's folder, one per line) into memory, makes
    it importable from there only, and imports `preload` (module names)."""
    root = manifest.rsplit("/", 1)[0]
    with open(manifest, encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.strip()]
    for path in paths:
        if not path.endswith(".pyc"):
            continue
        with open(root + "/" + path, "rb") as f:
            data = f.read()
        name = path[: -len(".pyc")].replace("/", ".")
        package = name.endswith(".__init__")
        if package:
            name = name[: -len(".__init__")]
        # A .pyc is a 16-byte header and the marshalled code.
        STDLIB[name] = (data[16:], package)
    sys.meta_path.insert(0, StdlibImporter)
    # Only the learner's folder is searched on disk from now on.
    sys.path[:] = [""]
    sys.path_importer_cache.clear()
    for name in preload:
        __import__(name)
    linecache.clearcache()
    # What start-up made lives as long as the snapshot: the collector need
    # not look at it again in every run.
    gc.collect()
    gc.freeze()


def run(argv):
    """One run: returns its exit code."""
    global TOKEN, FUEL
    FUEL = None
    sys.argv = list(argv[1:]) or [""]
    try:
        with open(JOB, encoding="utf-8") as f:
            job = json.load(f)
        os.remove(JOB)
    except OSError:
        job = None
    TOKEN = job.get("token") if job else None
    try:
        if job is None:
            return run_script(sys.argv[0])
        if job["kind"] == "call":
            return call(job)
        if job["kind"] == "test":
            return test(job)
        raise ValueError("unknown job kind " + repr(job["kind"]))
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass


def write_result(result):
    if TOKEN is not None:
        result["token"] = TOKEN
    if FUEL is not None:
        result["fuel"] = FUEL
    os.makedirs(RESULT.rsplit("/", 1)[0], exist_ok=True)
    with open(RESULT, "w", encoding="utf-8") as f:
        json.dump(result, f)


def learner_frames(tb):
    """The traceback's frames in the learner's files, and after each, how
    many identical frames were left out. Python prints a run of the same
    line three times and then "[Previous line repeated N more times]"; the
    frames left out are not even extracted, because extracting one reads
    and parses its line (a RecursionError's 600 frames cost seconds).
    (`_walk_tb_with_full_positions` keeps the columns Python 3.11 marks
    with `^^^`; the interpreter is pinned, so its private API is too.)"""
    picked, repeats, last, run = [], [], None, 0
    for frame, positions in traceback._walk_tb_with_full_positions(tb):
        filename = frame.f_code.co_filename
        if filename == HARNESS or filename.startswith("<"):
            continue
        key = (filename, positions[0], frame.f_code.co_name)
        run = run + 1 if key == last else 1
        last = key
        if run > 3:
            repeats[-1] += 1
            continue
        picked.append((frame, positions))
        repeats.append(0)
    frames = traceback.StackSummary._extract_from_extended_frame_gen(
        iter(picked), limit=None, lookup_lines=True, capture_locals=False
    )
    return frames, repeats


def format_frames(frames, repeats):
    """The frames as Python prints them."""
    lines = []
    for frame, left_out in zip(frames, repeats):
        lines.append(frames.format_frame_summary(frame))
        if left_out:
            lines.append(
                "  [Previous line repeated %d more time%s]\n" % (left_out, "s" if left_out > 1 else "")
            )
    return lines


def shorten(text, limit=500):
    """`text`, cut in the middle when it is longer than `limit`: a value a
    learner reads in a verdict, never one that is compared."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return "%s … (%d characters) … %s" % (text[:half], len(text), text[-half:])


def report_exception(error):
    """Prints `error` as Python would, without the harness's frames, and
    records it for the grader. Returns the exit code."""
    if isinstance(error, SyntaxError) and error.filename not in (None, HARNESS):
        lines = traceback.format_exception_only(type(error), error)
        line, column = error.lineno, error.offset
        frames = []
    else:
        frames, repeats = learner_frames(error.__traceback__)
        lines = traceback.format_exception_only(type(error), error)
        if frames:
            lines = (
                ["Traceback (most recent call last):\n"]
                + format_frames(frames, repeats)
                + lines
            )
        line = frames[-1].lineno if frames else None
        column = None
    text = "".join(lines)
    sys.stderr.write(text)
    write_result(
        {
            "exception": {
                "type": type(error).__name__,
                "message": str(error) if not isinstance(error, SyntaxError) else error.msg,
                "line": line,
                "column": column,
                "file": frames[-1].filename if frames else getattr(error, "filename", None),
                "traceback": text,
            }
        }
    )
    return 1


def exit_code(exit):
    """The exit code of a `SystemExit`, printing its message as Python does."""
    code = exit.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    sys.stderr.write(str(code) + "\n")
    return 1


def load(path, name):
    """Compiles and runs the learner's file `path` as module `name`."""
    with open(path, encoding="utf-8") as f:
        source = f.read()
    code = compile(source, path, "exec")
    module = types.ModuleType(name)
    module.__file__ = path
    module.__builtins__ = builtins
    sys.modules[name] = module
    exec(code, module.__dict__)
    return module


def run_script(path):
    try:
        load(path, "__main__")
    except SystemExit as exit:
        return exit_code(exit)
    except BaseException as error:
        return report_exception(error)
    return 0


def from_json(value):
    """A value of the lab file (JSON; NaN and infinities spelled out) as
    Python's own."""
    if isinstance(value, dict):
        if set(value) == {"$float"}:
            return float(value["$float"])
        return {k: from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


def same(actual, expected, tolerance):
    """`==`, with floats equal within `tolerance` (NaN equal to NaN), in
    lists, tuples and dicts too. A list in the lab file (which has no
    tuples) matches a tuple of the same items."""
    if isinstance(expected, float) or (
        isinstance(actual, float) and isinstance(expected, int) and not isinstance(expected, bool)
    ):
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            return False
        if math.isnan(expected) or math.isnan(actual):
            return math.isnan(expected) and math.isnan(actual)
        return actual == expected or abs(actual - expected) <= tolerance
    if isinstance(expected, list):
        return (
            isinstance(actual, (list, tuple))
            and len(actual) == len(expected)
            and all(same(a, e, tolerance) for a, e in zip(actual, expected))
        )
    if isinstance(expected, tuple):
        return (
            type(actual) is tuple
            and len(actual) == len(expected)
            and all(same(a, e, tolerance) for a, e in zip(actual, expected))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(same(actual[k], expected[k], tolerance) for k in expected)
        )
    return actual == expected


def timed(function, *args):
    """Calls `function`, keeping the fuel it spent in `FUEL`, even when it
    raises."""
    global FUEL
    start = time.process_time_ns()
    try:
        return function(*args)
    finally:
        FUEL = time.process_time_ns() - start


def call(job):
    """Calls one function of the learner's module with the lab's arguments
    and compares what it returns, or raises, with what is expected. Without
    an expectation (the reference solution's run) it records the value's
    text instead, which later runs compare against."""
    try:
        module = load(job["module"], job["module"].rsplit(".", 1)[0])
    except SystemExit as exit:
        write_result({"exit": exit_code(exit)})
        return 0
    except BaseException as error:
        return report_exception(error)
    function = getattr(module, job["function"], None)
    if not callable(function):
        write_result({"missing": job["function"]})
        return 0
    args = [from_json(a) for a in job["args"]]
    shown = "%s(%s)" % (job["function"], ", ".join(repr(a) for a in args))
    if "expect" in job:
        expected = from_json(job["expect"])
    elif "expect_text" in job:
        expected = ast.literal_eval(job["expect_text"])
    raises = job.get("raises")
    try:
        actual = timed(function, *args)
    except SystemExit as exit:
        write_result({"exit": exit_code(exit), "call": shown})
        return 0
    except BaseException as error:
        if raises and type(error).__name__ == raises:
            write_result({"passed": True, "call": shown})
            return 0
        return report_exception(error)
    if raises:
        write_result(
            {"passed": False, "call": shown, "actual": "returned " + repr(actual),
             "expected": "to raise " + raises}
        )
        return 0
    if "expect" not in job and "expect_text" not in job:
        text = repr(actual)
        try:
            ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            write_result({"unrepresentable": text[:200], "call": shown})
            return 0
        write_result({"passed": True, "actual": text, "call": shown})
        return 0
    passed = same(actual, expected, job.get("tolerance", 1e-9))
    write_result(
        {
            "passed": passed,
            "call": shorten(shown),
            "actual": shorten(repr(actual)),
            "expected": shorten(repr(expected)),
        }
    )
    return 0


def is_literal(node):
    """Whether `node` is a value written out (`3`, `[3, 4]`): saying that
    it is itself tells the learner nothing."""
    try:
        ast.literal_eval(node)
        return True
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False


def explain_assert(error, path, source):
    """What a failed `assert` compared: its expression, and the values of
    its parts in the test's frame."""
    tb = error.__traceback__
    frame, line = None, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            frame, line = tb.tb_frame, tb.tb_lineno
        tb = tb.tb_next
    if frame is None:
        return None
    node = next(
        (
            n
            for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Assert) and n.lineno <= line <= (n.end_lineno or n.lineno)
        ),
        None,
    )
    if node is None:
        return None
    lines = source.splitlines(True)

    def segment(part):
        """The source of `part`, from the lines split once (each call of
        `ast.get_source_segment` splits the whole file again)."""
        if part.end_lineno is None or part.end_col_offset is None:
            return None
        first = lines[part.lineno - 1].encode()
        if part.lineno == part.end_lineno:
            return first[part.col_offset : part.end_col_offset].decode()
        middle = [l.encode() for l in lines[part.lineno : part.end_lineno - 1]]
        last = lines[part.end_lineno - 1].encode()[: part.end_col_offset]
        return b"".join([first[part.col_offset :]] + middle + [last]).decode()

    text = segment(node.test) or ""
    parts = []
    test = node.test
    shown = []
    if isinstance(test, ast.Compare) and len(test.comparators) == 1:
        shown = [test.left, test.comparators[0]]
    elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        shown = [test.operand]
    elif isinstance(test, ast.Call):
        shown = [test]
    for part in shown:
        source_text = segment(part)
        if source_text is None or is_literal(part):
            continue
        try:
            value = eval(compile(ast.Expression(part), path, "eval"), frame.f_globals, frame.f_locals)
            parts.append(shorten("%s is %r" % (source_text, value)))
        except BaseException as e:
            parts.append("%s raised %s" % (source_text, type(e).__name__))
    return {"assertion": text, "values": parts, "line": line, "message": str(error)}


def test(job):
    """Runs one test function of the instructor's test file."""
    path = job["file"]
    try:
        module = load(path, path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
        function = getattr(module, job["test"])
        timed(function)
    except SystemExit as exit:
        write_result({"exit": exit_code(exit)})
        return 0
    except AssertionError as error:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        explained = explain_assert(error, path, source)
        if explained is not None:
            write_result({"passed": False, "failed": explained})
            return 0
        return report_exception(error)
    except BaseException as error:
        return report_exception(error)
    write_result({"passed": True})
    return 0
