// sandlab's harness: what the interpreter runs around a learner's code.
//
// This file is one expression: a function of the host functions
// (runtimes/javascript/sandlab_entry.c) that sets up the globals a learner
// expects (console, readline, prompt, timers, assert), keeps everything it
// needs itself in this closure (where learners' code cannot reach or
// replace it), and returns the function every run calls with its
// arguments. It runs once, when the runtime is built; the snapshot sandlab
// takes afterwards keeps all of it.
//
// A run is the learner's `main.js` as a global script, then its promises
// and timers (on a clock of its own: a timer fires when nothing else is
// left, at once), or one check's job (`.sandlab/job.json`): a call of one
// function of the learner's script, or one test function of the
// instructor's test file. What a run found goes to `.sandlab/result.json`,
// which the grader reads; an uncaught error also goes there (type,
// message, line, the learner's own stack), and to stderr. The harness's
// own frames are never shown.
(function (host) {
  "use strict";
  const JOB = ".sandlab/job.json";
  const RESULT = ".sandlab/result.json";
  const HARNESS = "<sandlab>";

  // What the harness uses, taken before any learner's code runs.
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const isArray = Array.isArray;
  const keys = Object.keys;
  const getPrototypeOf = Object.getPrototypeOf;
  const defineProperty = Object.defineProperty;
  const ObjectProto = Object.prototype;
  const MapProto = Map.prototype;
  const SetProto = Set.prototype;
  const ErrorProto = Error.prototype;
  const PromiseProto = Promise.prototype;
  const FunctionProto = Function.prototype;
  const call = FunctionProto.call.bind(FunctionProto.call);
  const mapEntries = MapProto.entries;
  const setValues = SetProto.values;
  const mapSize = Object.getOwnPropertyDescriptor(MapProto, "size").get;
  const setSize = Object.getOwnPropertyDescriptor(SetProto, "size").get;
  const then = PromiseProto.then;
  const split = String.prototype.split;
  const trim = String.prototype.trim;
  const slice = String.prototype.slice;
  const join = Array.prototype.join;
  const push = Array.prototype.push;
  const test = RegExp.prototype.test;
  const exec = RegExp.prototype.exec;
  const isNaN_ = Number.isNaN;
  const abs = Math.abs;
  const objectIs = Object.is;
  const apply = Reflect.apply;
  const Error_ = Error;
  const RealDate = Date;
  const getTime = Date.prototype.getTime;
  const toISOString = Date.prototype.toISOString;
  const replace = String.prototype.replace;

  let token = null;
  let fuel = null;
  // The learner's file this run (argv[1]).
  let mainFile = "main.js";

  // `list` without the items `drop` picks: an index loop, for a learner's
  // own Array.prototype.filter (a classic exercise) must not break timers.
  function without(list, drop) {
    const kept = [];
    for (let i = 0; i < list.length; i++) if (!drop(list[i])) kept[kept.length] = list[i];
    return kept;
  }

  // --- Showing values -------------------------------------------------------

  const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

  function isPlainObject(value) {
    const proto = getPrototypeOf(value);
    return proto === ObjectProto || proto === null;
  }

  function className(value) {
    try {
      const proto = getPrototypeOf(value);
      const ctor = proto && proto.constructor;
      return ctor && typeof ctor.name === "string" && ctor.name ? ctor.name : "Object";
    } catch (e) {
      return "Object";
    }
  }

  function key(k) {
    return call(test, IDENTIFIER, k) ? k : stringify(k);
  }

  function shorten(text, limit = 500) {
    if (text.length <= limit) return text;
    const half = limit >> 1;
    return call(slice, text, 0, half) + " … (" + text.length + " characters) … " + call(slice, text, -half);
  }

  function number(n) {
    return objectIs(n, -0) ? "-0" : "" + n;
  }

  // A value as a JavaScript literal a learner could type (`[1, "a"]`,
  // `{x: 1}`, `new Map([[1, 2]])`), or, for what has no literal, as close
  // as can be said (`Point {x: 1}`, `[Function: add]`). `literal` is set
  // to false when the text would not read back as the same value.
  function show(value, state = { literal: true, seen: [], depth: 0 }) {
    switch (typeof value) {
      case "string":
        return stringify(value);
      case "number":
        return number(value);
      case "bigint":
        return value + "n";
      case "boolean":
        return "" + value;
      case "undefined":
        return "undefined";
      case "symbol":
        state.literal = false;
        return value.toString();
      case "function":
        state.literal = false;
        return "[Function: " + (value.name || "(anonymous)") + "]";
    }
    if (value === null) return "null";
    for (let i = 0; i < state.seen.length; i++) {
      if (state.seen[i] === value) {
        state.literal = false;
        return "[Circular]";
      }
    }
    if (state.depth > 20) {
      state.literal = false;
      return "[…]";
    }
    state.seen[state.seen.length] = value;
    state.depth++;
    try {
      const parts = [];
      if (isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          call(push, parts, i in value ? show(value[i], state) : "undefined");
        }
        return "[" + call(join, parts, ", ") + "]";
      }
      const proto = getPrototypeOf(value);
      if (proto === MapProto) {
        for (const [k, v] of call(mapEntries, value)) {
          call(push, parts, "[" + show(k, state) + ", " + show(v, state) + "]");
        }
        return "new Map([" + call(join, parts, ", ") + "])";
      }
      if (proto === SetProto) {
        for (const v of call(setValues, value)) call(push, parts, show(v, state));
        return "new Set([" + call(join, parts, ", ") + "])";
      }
      if (value instanceof Error_) {
        state.literal = false;
        return value.name + ": " + value.message;
      }
      // Dates, regular expressions and typed arrays as Node shows them;
      // none reads back as the same value, so none is a literal here.
      if (value instanceof RealDate) {
        state.literal = false;
        const time = call(getTime, value);
        return isNaN_(time) ? "Invalid Date" : call(toISOString, value);
      }
      if (value instanceof RegExp) {
        state.literal = false;
        return "" + value;
      }
      if (ArrayBuffer.isView(value) && typeof value.length === "number") {
        state.literal = false;
        for (let i = 0; i < value.length; i++) call(push, parts, show(value[i], state));
        return className(value) + " [" + call(join, parts, ", ") + "]";
      }
      if (proto === PromiseProto) {
        state.literal = false;
        return "Promise { … }";
      }
      const names = keys(value);
      for (let i = 0; i < names.length; i++) call(push, parts, key(names[i]) + ": " + show(value[names[i]], state));
      const body = parts.length ? "{" + call(join, parts, ", ") + "}" : "{}";
      if (isPlainObject(value)) return body;
      state.literal = false;
      return className(value) + " " + body;
    } finally {
      state.seen.length--;
      state.depth--;
    }
  }

  // How console.log writes a value: strings as they are at the top level,
  // everything else as a literal.
  // A first string argument with `%s`, `%d`, `%i`, `%f`, `%o`, `%O`, `%j`
  // takes the next arguments into it, as in browsers and Node.
  function print(args) {
    const parts = [];
    let from = 0;
    if (typeof args[0] === "string" && call(test, /%[sdifoOjc%]/, args[0])) {
      let next = 1;
      call(push, parts, call(replace, args[0], /%([sdifoOjc%])/g, (all, kind) => {
        if (kind === "%") return "%";
        if (next >= args.length) return all;
        const a = args[next++];
        if (kind === "c") return "";
        if (kind === "s") return typeof a === "string" ? a : show(a);
        if (kind === "d" || kind === "i") return typeof a === "bigint" ? a + "n" : number(kind === "i" ? Math.trunc(Number(a)) : Number(a));
        if (kind === "f") return number(Number(a));
        return show(a);
      }));
      from = next;
    }
    for (let i = from; i < args.length; i++) {
      const a = args[i];
      call(push, parts, typeof a === "string" ? a : a instanceof Error_ && typeof a.stack === "string" ? errorText(a) : show(a));
    }
    return indent + call(join, parts, " ") + "\n";
  }
  // console.group's indentation.
  let indent = "";

  // --- Values of the lab file, and comparing ---------------------------------

  function fromJson(value) {
    if (isArray(value)) {
      const out = [];
      for (let i = 0; i < value.length; i++) out[i] = fromJson(value[i]);
      return out;
    }
    if (value !== null && typeof value === "object") {
      const names = keys(value);
      if (names.length === 1 && names[0] === "$float") {
        return { nan: NaN, inf: Infinity, "-inf": -Infinity }[value.$float];
      }
      const out = {};
      for (let i = 0; i < names.length; i++) out[names[i]] = fromJson(value[names[i]]);
      return out;
    }
    return value;
  }

  // Deep equality as learners expect: numbers within `tolerance` (NaN equal
  // to NaN), arrays item by item, plain objects key by key (in any order),
  // maps and sets by their entries; everything else `===`.
  function same(actual, expected, tolerance) {
    if (typeof expected === "number") {
      if (typeof actual !== "number") return false;
      if (isNaN_(expected) || isNaN_(actual)) return isNaN_(expected) && isNaN_(actual);
      return actual === expected || abs(actual - expected) <= tolerance;
    }
    if (isArray(expected)) {
      if (!isArray(actual) || actual.length !== expected.length) return false;
      for (let i = 0; i < expected.length; i++) {
        if (!same(actual[i], expected[i], tolerance)) return false;
      }
      return true;
    }
    if (expected !== null && typeof expected === "object") {
      if (actual === null || typeof actual !== "object" || isArray(actual)) return false;
      const proto = getPrototypeOf(expected);
      if (proto === MapProto || proto === SetProto) {
        if (getPrototypeOf(actual) !== proto) return false;
        const size = proto === MapProto ? mapSize : setSize;
        if (call(size, actual) !== call(size, expected)) return false;
        return same(show(actual), show(expected), tolerance);
      }
      const want = keys(expected);
      const got = keys(actual);
      if (want.length !== got.length) return false;
      for (let i = 0; i < want.length; i++) {
        const k = want[i];
        if (!(k in actual) || !same(actual[k], expected[k], tolerance)) return false;
      }
      return true;
    }
    return actual === expected;
  }

  // --- Errors ----------------------------------------------------------------

  // A stack's frames: `    at f (main.js:3:5)` or `    at main.js:3:5`.
  const FRAME = /^\s*at (?:(.*) \()?([^()]*?):(\d+):(\d+)\)?$/;

  function frames(error) {
    const found = [];
    const stack = error !== null && typeof error === "object" && typeof error.stack === "string" ? error.stack : "";
    const lines = call(split, stack, "\n");
    for (let i = 0; i < lines.length; i++) {
      const m = call(exec, FRAME, lines[i]);
      if (!m || m[2] === HARNESS || m[2][0] === "<" || m[2] === "native") continue;
      // The engine names a script's top level `<eval>`: Node leaves it unnamed.
      const name = m[1] === "<eval>" ? "" : m[1] || "";
      call(push, found, { name, file: m[2], line: +m[3], column: +m[4] });
    }
    return found;
  }

  // The engine says only "not a function": the call it failed on names
  // what was not (`s.toUppercase is not a function`), read from the source
  // at the error's place, as Node says it.
  const explained = new WeakSet();
  function explain(error) {
    if (!(error instanceof TypeError) || error.message !== "not a function" || explained.has(error)) return;
    explained.add(error);
    const at = frames(error)[0];
    const source = at && host.readFile(at.file);
    if (!source) return;
    const line = call(split, source, "\n")[at.line - 1] || "";
    const name = call(exec, /^[A-Za-z_$][\w$]*/, call(slice, line, at.column - 1));
    if (!name) return;
    const before = call(exec, /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\.\s*$/, call(slice, line, 0, at.column - 1));
    try {
      error.message = (before ? before[1] + "." : "") + name[0] + " is not a function";
    } catch (e) {
      // A frozen error keeps the engine's words.
    }
  }

  // The error as Node prints an uncaught one, the harness's frames left
  // out, a run of the same frame cut after three.
  function errorText(error) {
    explain(error);
    const head = error instanceof Error_ || (error && typeof error === "object" && "message" in error)
      ? (error.name || "Error") + (error.message ? ": " + error.message : "")
      : "Uncaught " + show(error);
    const lines = [head];
    let last = null;
    let repeated = 0;
    const flush = () => {
      if (repeated > 0) call(push, lines, "    [previous line repeated " + repeated + " more time" + (repeated > 1 ? "s" : "") + "]");
      repeated = 0;
    };
    let run = 0;
    const found = frames(error);
    for (let i = 0; i < found.length; i++) {
      const f = found[i];
      const text = "    at " + (f.name ? f.name + " (" + f.file + ":" + f.line + ":" + f.column + ")" : f.file + ":" + f.line + ":" + f.column);
      run = text === last ? run + 1 : 1;
      if (text !== last) flush();
      last = text;
      if (run > 3) {
        repeated++;
        continue;
      }
      call(push, lines, text);
    }
    flush();
    return call(join, lines, "\n");
  }

  function report(error) {
    const text = errorText(error);
    host.write(2, text + "\n");
    const found = frames(error);
    const isError = error instanceof Error_;
    // The line a verdict names (and the editor marks) is in the learner's
    // file: the innermost frame there, else the innermost of all.
    let at = found[0] || null;
    for (let i = 0; i < found.length; i++) {
      if (found[i].file === mainFile) {
        at = found[i];
        break;
      }
    }
    const exception = {
      type: isError ? error.name || "Error" : "Uncaught",
      message: isError ? "" + error.message : show(error),
      line: at && at.file === mainFile ? at.line : null,
      column: at && at.file === mainFile ? at.column : null,
      file: at ? at.file : null,
      traceback: text + "\n",
      // Said always: a SyntaxError thrown as the code runs
      // (`JSON.parse("x")`) is an error of the run, not of the source.
      compile: false,
    };
    // An error of compiling a file, before any of it ran (the host marks it).
    if (isError && error.sandlabCompile === true) exception.compile = true;
    writeResult({ exception });
    return 1;
  }

  function writeResult(result) {
    if (token !== null) result.token = token;
    if (fuel !== null) result.fuel = fuel;
    host.makeDir(".sandlab");
    host.writeFile(RESULT, stringify(result));
  }

  // --- The learner's globals --------------------------------------------------

  const out = (...args) => host.write(1, print(args));
  const err = (...args) => host.write(2, print(args));
  const counts = new Map();
  const started = new Map();
  const console = {
    log: out,
    info: out,
    debug: out,
    dir: (value) => out(value),
    table: (value) => out(value),
    error: err,
    warn: err,
    trace: err,
    assert: (ok, ...args) => {
      if (!ok) err("Assertion failed" + (args.length ? ":" : ""), ...args);
    },
    count: (label = "default") => {
      const n = (counts.get(label) || 0) + 1;
      counts.set(label, n);
      out(label + ": " + n);
    },
    countReset: (label = "default") => counts.delete(label),
    group: (...args) => {
      if (args.length) out(...args);
      indent += "  ";
    },
    groupEnd: () => {
      indent = call(slice, indent, 2);
    },
    // On the run's own clock: what the timers moved it by.
    time: (label = "default") => started.set(label, now),
    timeEnd: (label = "default") => {
      if (started.has(label)) out(label + ": " + (now - started.get(label)) + "ms");
      started.delete(label);
    },
  };
  console.groupCollapsed = console.group;
  console.timeLog = (label = "default") => {
    if (started.has(label)) out(label + ": " + (now - started.get(label)) + "ms");
  };
  defineProperty(globalThis, "console", { value: console, writable: true, configurable: true });
  // A line of stdin without its end (`\r\n` too), or null at the end.
  const readLine = () => {
    const line = host.readLine();
    return line !== null && line[line.length - 1] === "\r" ? call(slice, line, 0, -1) : line;
  };
  globalThis.readline = readLine;
  globalThis.prompt = (message) => {
    if (message !== undefined) host.write(1, "" + message);
    return readLine();
  };
  globalThis.alert = (message) => host.write(1, (message === undefined ? "" : "" + message) + "\n");
  // A deep copy of data: arrays, plain objects, maps, sets, dates.
  globalThis.structuredClone = function structuredClone(value, seen = new Map()) {
    if (value === null || typeof value !== "object") {
      if (typeof value === "function" || typeof value === "symbol") throw new TypeError(show(value) + " could not be cloned");
      return value;
    }
    if (seen.has(value)) return seen.get(value);
    let copy;
    if (isArray(value)) {
      copy = [];
      seen.set(value, copy);
      for (let i = 0; i < value.length; i++) copy[i] = structuredClone(value[i], seen);
    } else if (value instanceof RealDate) {
      copy = new RealDate(call(getTime, value));
    } else if (getPrototypeOf(value) === MapProto) {
      copy = new Map();
      seen.set(value, copy);
      for (const [k, v] of call(mapEntries, value)) copy.set(structuredClone(k, seen), structuredClone(v, seen));
    } else if (getPrototypeOf(value) === SetProto) {
      copy = new Set();
      seen.set(value, copy);
      for (const v of call(setValues, value)) copy.add(structuredClone(v, seen));
    } else {
      copy = {};
      seen.set(value, copy);
      const names = keys(value);
      for (let i = 0; i < names.length; i++) copy[names[i]] = structuredClone(value[names[i]], seen);
    }
    return copy;
  };

  // What Node programs reach for most: their arguments, exiting with a
  // code, writing without a newline. `process.exit` unwinds to the harness
  // (an Exit no learner's catch sees as an Error).
  let exiting = null;
  class Exit {
    constructor(code) {
      this.code = code;
    }
  }
  const process = {
    argv: ["qjs", "main.js"],
    env: {},
    exit(code = 0) {
      // Remembered, for a catch around it cannot undo it: the run ends
      // with this code when the script is done.
      exiting = (code | 0) & 0xff;
      throw new Exit(exiting);
    },
    stdout: { write: (text) => (host.write(1, "" + text), true) },
    stderr: { write: (text) => (host.write(2, "" + text), true) },
  };
  globalThis.process = process;

  // Timers on a clock of the run's own: each fires, in order of when it
  // is due, once nothing else is left to run.
  let timers = [];
  let nextTimer = 1;
  let now = 0;
  function addTimer(fn, ms, args, every) {
    const id = nextTimer++;
    const delay = ms > 0 ? +ms : 0;
    call(push, timers, { id, due: now + delay, fn, args, every: every ? delay : null });
    return id;
  }
  // The clocks a program reads move with the timers: after
  // `await new Promise((r) => setTimeout(r, 1000))`, Date.now() is 1000 on.
  // (The engine's Date.now cannot be redefined: Date is replaced by a
  // function that makes the engine's dates, with its prototype and statics.)
  const dateNow = Date.now;
  const later = { writable: true, configurable: true, enumerable: false };
  function VirtualDate(...args) {
    if (new.target === undefined) return new RealDate(dateNow() + now).toString();
    return Reflect.construct(RealDate, args.length ? args : [dateNow() + now], new.target);
  }
  VirtualDate.prototype = RealDate.prototype;
  Object.setPrototypeOf(VirtualDate, RealDate);
  defineProperty(VirtualDate, "now", { ...later, value: () => dateNow() + now });
  defineProperty(VirtualDate, "name", { value: "Date", configurable: true });
  defineProperty(globalThis, "Date", { ...later, value: VirtualDate });
  if (typeof performance === "object" && typeof performance.now === "function") {
    const performanceNow = performance.now.bind(performance);
    try {
      defineProperty(performance, "now", { ...later, value: () => performanceNow() + now });
    } catch (e) {
      // Left as the engine has it.
    }
  }
  globalThis.setTimeout = (fn, ms, ...args) => addTimer(fn, ms, args, false);
  globalThis.setInterval = (fn, ms, ...args) => addTimer(fn, ms, args, true);
  globalThis.clearTimeout = globalThis.clearInterval = (id) => {
    timers = without(timers, (t) => t.id === id);
  };
  globalThis.queueMicrotask = (fn) => {
    call(then, Promise.resolve(), fn);
  };

  // Promises and timers until none is left; throws what one threw.
  function settle() {
    host.runJobs();
    while (timers.length) {
      let first = 0;
      for (let i = 1; i < timers.length; i++) {
        const t = timers[i];
        const f = timers[first];
        if (t.due < f.due || (t.due === f.due && t.id < f.id)) first = i;
      }
      const timer = timers[first];
      timers = without(timers, (t) => t === timer);
      now = timer.due;
      if (timer.every !== null) {
        call(push, timers, { id: timer.id, due: now + timer.every, fn: timer.fn, args: timer.args, every: timer.every });
      }
      if (typeof timer.fn === "function") apply(timer.fn, undefined, timer.args);
      host.runJobs();
    }
  }

  // The value a call returned, its promise's once settled.
  function awaited(value) {
    if (value === null || typeof value !== "object" || getPrototypeOf(value) !== PromiseProto) return value;
    let state = "pending";
    let result;
    call(then, value, (v) => { state = "fulfilled"; result = v; }, (e) => { state = "rejected"; result = e; });
    settle();
    if (state === "rejected") throw result;
    if (state === "pending") throw new Error_("the promise it returned never settled");
    return result;
  }

  // --- Assertions for tests ------------------------------------------------------

  class AssertionError extends Error_ {
    constructor(message, values) {
      super(message);
      this.name = "AssertionError";
      this.values = values;
    }
  }
  function fail(message, values, given) {
    throw new AssertionError(given !== undefined ? "" + given : message, values);
  }
  const assert = (value, message) => {
    if (!value) fail("the assertion failed", [shorten(show(value))], message);
  };
  assert.ok = assert;
  assert.equal = assert.strictEqual = (actual, expected, message) => {
    if (!(actual === expected || (actual !== actual && expected !== expected))) {
      fail("not equal", [shorten(show(actual))], message);
    }
  };
  assert.notEqual = assert.notStrictEqual = (actual, expected, message) => {
    if (actual === expected) fail("equal", ["both are " + shorten(show(actual))], message);
  };
  assert.deepEqual = assert.deepStrictEqual = (actual, expected, message) => {
    if (!same(actual, expected, 0)) {
      fail("not deeply equal", [shorten(show(actual))], message);
    }
  };
  assert.notDeepEqual = assert.notDeepStrictEqual = (actual, expected, message) => {
    if (same(actual, expected, 0)) fail("deeply equal", ["both are " + shorten(show(actual))], message);
  };
  assert.closeTo = (actual, expected, tolerance = 1e-9, message) => {
    if (!same(actual, expected, tolerance)) {
      fail("not close", [shorten(show(actual))], message);
    }
  };
  // assert.throws(fn), (fn, TypeError), (fn, "TypeError") or (fn, /message/).
  assert.throws = (fn, expected, message) => {
    try {
      fn();
    } catch (e) {
      if (expected === undefined) return;
      const name = e instanceof Error_ ? e.name : show(e);
      const ok = typeof expected === "function" ? e instanceof expected
        : typeof expected === "string" ? name === expected
        : expected instanceof RegExp ? call(test, expected, e instanceof Error_ ? e.message : "" + e)
        : false;
      if (!ok) fail("threw something else", ["it threw " + shorten(e instanceof Error_ ? name + ": " + e.message : show(e))], message);
      return;
    }
    fail("did not throw", ["it returned without throwing"], message);
  };
  globalThis.assert = assert;

  // --- Runs -----------------------------------------------------------------------

  function load(path) {
    const source = host.readFile(path);
    if (source === null) throw new Error_("cannot read " + path);
    return host.evalScript(source, path);
  }

  // Promises rejected with no handler (yet), as the engine reports them:
  // after a script has settled, the first left is an uncaught error, as
  // in Node, not silence.
  const rejections = new Map();
  const mapSet = Map.prototype.set;
  const mapDelete = Map.prototype.delete;
  const mapClear = Map.prototype.clear;
  host.trackRejections((promise, reason, handled) => {
    if (handled) call(mapDelete, rejections, promise);
    else call(mapSet, rejections, promise, reason);
  });

  // The script's promises and timers run out; an exit or an unhandled
  // rejection on the way ends it.
  function settleAll() {
    settle();
    if (exiting !== null) throw new Exit(exiting);
    const first = call(mapEntries, rejections).next();
    if (!first.done) throw first.value[1];
  }

  function timed(fn, args) {
    const start = host.fuel();
    try {
      return awaited(apply(fn, undefined, args));
    } finally {
      fuel = host.fuel() - start;
    }
  }

  function runScript(path) {
    try {
      load(path);
      settleAll();
    } catch (e) {
      if (e instanceof Exit || exiting !== null) return exiting !== null ? exiting : e.code;
      return report(e);
    }
    return 0;
  }

  // The function the learner's script defined as `name` (a function
  // declaration, or a `const`, `let` or `var` holding one), or undefined.
  function lookUp(name) {
    if (!call(test, IDENTIFIER, name)) return undefined;
    try {
      return host.evalScript("typeof " + name + " === 'function' ? " + name + " : undefined", HARNESS);
    } catch (e) {
      return undefined;
    }
  }

  // The learner's script, run before a check calls into it; true if it ran
  // to its end (else the result says why).
  function loaded(path) {
    try {
      load(path);
      settleAll();
      return true;
    } catch (e) {
      if (e instanceof Exit || exiting !== null) {
        writeResult({ exit: exiting !== null ? exiting : e.code, by: "process.exit" });
        return false;
      }
      report(e);
      return false;
    }
  }

  function callJob(job) {
    if (!loaded(job.module)) return 0;
    const fn = lookUp(job.function);
    if (typeof fn !== "function") {
      writeResult({ missing: job.function, how: "function " + job.function + "(...) { ... }" });
      return 0;
    }
    const args = fromJson(job.args);
    const shownArgs = [];
    for (let i = 0; i < args.length; i++) shownArgs[i] = show(args[i]);
    const shown = job.function + "(" + call(join, shownArgs, ", ") + ")";
    let expected;
    if ("expect" in job) expected = fromJson(job.expect);
    else if ("expect_text" in job) expected = host.evalScript("(" + job.expect_text + ")", HARNESS);
    const raises = job.raises;
    let actual;
    try {
      actual = timed(fn, args);
      if (exiting !== null) throw new Exit(exiting);
    } catch (e) {
      if (e instanceof Exit || exiting !== null) {
        writeResult({ exit: exiting !== null ? exiting : e.code, by: "process.exit", call: shown });
        return 0;
      }
      const name = e instanceof Error_ ? e.name : undefined;
      const ctor = e !== null && typeof e === "object" ? className(e) : undefined;
      if (raises && (name === raises || ctor === raises)) {
        writeResult({ passed: true, call: shown });
        return 0;
      }
      return report(e);
    }
    if (raises) {
      writeResult({ passed: false, call: shorten(shown), actual: "returned " + shorten(show(actual)), expected: "to throw " + raises });
      return 0;
    }
    if (!("expect" in job) && !("expect_text" in job)) {
      const state = { literal: true, seen: [], depth: 0 };
      const text = show(actual, state);
      if (!state.literal) {
        writeResult({ unrepresentable: call(slice, text, 0, 200), call: shown });
        return 0;
      }
      writeResult({ passed: true, actual: text, call: shown });
      return 0;
    }
    writeResult({
      passed: same(actual, expected, "tolerance" in job ? job.tolerance : 1e-9),
      call: shorten(shown),
      actual: shorten(show(actual)),
      expected: shorten(show(expected)),
    });
    return 0;
  }

  // The test file runs in a scope of its own, given the harness's assert:
  // a learner's script that defines an `assert` of its own (a habit from
  // Python) does not replace the one the tests use. Its first line holds
  // the opening, so its lines keep their numbers.
  function testFunction(path, name) {
    const source = host.readFile(path);
    if (source === null) throw new Error_("cannot read " + path);
    const scope = host.evalScript(
      "(function (assert) {" + source + "\n;return function (name) { try { return eval(name); } catch (e) { return undefined; } };\n})",
      path,
    );
    const found = call(test, IDENTIFIER, name) ? scope(assert)(name) : undefined;
    if (typeof found !== "function") throw new Error_("the test file has no function " + name);
    return found;
  }

  function testJob(job) {
    const path = job.file;
    if (!loaded(mainFile)) return 0;
    try {
      timed(testFunction(path, job.test), []);
      if (exiting !== null) throw new Exit(exiting);
    } catch (e) {
      if (e instanceof Exit || exiting !== null) {
        writeResult({ exit: exiting !== null ? exiting : e.code, by: "process.exit" });
        return 0;
      }
      if (e instanceof AssertionError) {
        const at = without(frames(e), (f) => f.file !== path);
        const line = at.length ? at[0].line : 0;
        const source = host.readFile(path) || "";
        let statement = line ? call(trim, call(split, source, "\n")[line - 1] || "") : "";
        if (statement[statement.length - 1] === ";") statement = call(slice, statement, 0, -1);
        writeResult({ passed: false, failed: { statement: statement || e.message, assertion: e.message, values: e.values, line, message: e.message } });
        return 0;
      }
      return report(e);
    }
    writeResult({ passed: true });
    return 0;
  }

  return function run(argv) {
    const args = ["qjs"];
    for (let i = 1; i < argv.length; i++) args[i] = argv[i];
    process.argv = args;
    mainFile = argv[1] || "main.js";
    token = null;
    fuel = null;
    timers = [];
    now = 0;
    exiting = null;
    indent = "";
    call(mapClear, rejections);
    const text = host.readFile(JOB);
    let job = null;
    if (text !== null) {
      host.remove(JOB);
      job = parse(text);
      token = job.token === undefined ? null : job.token;
    }
    if (job === null) return runScript(mainFile);
    if (job.kind === "call") return callJob(job);
    if (job.kind === "test") return testJob(job);
    throw new Error_("unknown job kind " + job.kind);
  };
})
