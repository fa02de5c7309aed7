// Turns bench/run's measurements into the Markdown tables of BENCHMARKS.md.
//
//   node bench/report.mjs OUT_DIR PYODIDE_PACKAGE_DIR
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import os from "node:os";

const [dir, pyodideDir] = process.argv.slice(2);
const native = fs.readFileSync(path.join(dir, "native.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
const browser = JSON.parse(fs.readFileSync(path.join(dir, "browser.json"), "utf8"));
const verify = JSON.parse(fs.readFileSync(path.join(dir, "verify.json"), "utf8"));
const authorFile = path.join(dir, "author.json");
const author = fs.existsSync(authorFile) ? JSON.parse(fs.readFileSync(authorFile, "utf8")) : null;
const pyVerifyFile = path.join(dir, "verify-python.json");
const pyVerify = fs.existsSync(pyVerifyFile) ? JSON.parse(fs.readFileSync(pyVerifyFile, "utf8")) : null;
const jsVerifyFile = path.join(dir, "verify-javascript.json");
const jsVerify = fs.existsSync(jsVerifyFile) ? JSON.parse(fs.readFileSync(jsVerifyFile, "utf8")) : null;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x, d = 1) => x.toFixed(d);
const kb = (n) => (n >= 1e6 ? `${f(n / 1e6, 2)} MB` : `${f(n / 1e3, 0)} KB`);
const lines = [];
const p = (s = "") => lines.push(s);

p(`Measured ${new Date().toISOString().slice(0, 10)} by \`bench/run\` on ${os.cpus().length} cores (${os.cpus()[0].model.trim()}), Chromium headless.`);
p();
p("### 1. Execution speed");
p();
p("Median of 5 runs in Chromium (7 native) after a warm-up. (a) wasmi inside the page, on the instrumented module; (f) the fast path: the instrumented module on Chromium's engine, a fresh instance per run with the metering globals set and WASI served by the sandbox's Rust, as the grading worker runs a check; (b) Chromium's engine on the plain module, one instance, the call alone; (c) the sandbox in the native CLI. Fuel is the metering pass's count, the same on every engine (the bench page fails if the fast path's fuel or result differs from wasmi's).");
p();
p("| module | fuel | (a) wasmi in Chromium | (f) fast path | (b) Chromium, plain | (c) native sandbox | **f/b** | a/f | a/c | Minstr/s (f) |");
p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const fb = [], af = [], ac = [], mips = [];
for (const s of browser.speed) {
  const n = native.find((x) => x.name === s.name);
  if (n.result !== s.result) throw new Error(`${s.name}: native and browser results differ`);
  if (n.fuel !== s.fuel) throw new Error(`${s.name}: native and browser fuel differ`);
  const r1 = s.fast_ms / s.browser_ms, r2 = s.sandbox_ms / s.fast_ms, r3 = s.sandbox_ms / n.sandbox_ms, m = s.fuel / s.fast_ms / 1000;
  fb.push(r1); af.push(r2); ac.push(r3); mips.push(m);
  p(`| ${s.name} | ${s.fuel.toLocaleString("en")} | ${f(s.sandbox_ms)} ms | ${f(s.fast_ms, 2)} ms | ${f(s.browser_ms, 2)} ms | ${f(n.sandbox_ms)} ms | **${f(r1, 2)}** | ${f(r2, 0)} | ${f(r3, 1)} | ${f(m, 0)} |`);
}
p(`| **median** | | | | | | **${f(median(fb), 2)}** | **${f(median(af), 0)}** | **${f(median(ac), 1)}** | **${f(median(mips), 0)}** |`);
p();
if (browser.pyodide) {
  const fib = browser.speed.find((s) => s.name === "fib");
  const py = browser.pyodide;
  p(`**fib(27) beside Python.** In the same Chromium, Pyodide runs Python's recursive \`fib(27)\` (= ${py.result}) in a median ${f(py.fib27_ms, 0)} ms (after ${f(py.load_ms, 0)} ms to load); the same recursion in WAT takes ${f(fib.fast_ms, 1)} ms on the fast path (${f(py.fib27_ms / fib.fast_ms, 0)}x faster) and ${f(fib.sandbox_ms, 0)} ms on wasmi in the page.`);
  p();
}
p("### 2. Metering cost (native)");
p();
p("Bare wasmi, median of 7 runs: the plain module with wasmi's own fuel metering on and off, and the module as the metering pass instruments it (wasmi's fuel off):");
p();
p("| module | wasmi fuel on | plain | instrumented | on/plain | **instrumented/plain** |");
p("| --- | ---: | ---: | ---: | ---: | ---: |");
const fo = [], mo = [];
for (const n of native) {
  const r = n.wasmi_fuel_ms / n.wasmi_nofuel_ms, q = n.wasmi_metered_ms / n.wasmi_nofuel_ms;
  fo.push(r); mo.push(q);
  p(`| ${n.name} | ${f(n.wasmi_fuel_ms)} ms | ${f(n.wasmi_nofuel_ms)} ms | ${f(n.wasmi_metered_ms)} ms | ${f(r, 2)} | **${f(q, 2)}** |`);
}
p(`| **median** | | | | **${f(median(fo), 2)}** | **${f(median(mo), 2)}** |`);
p();
p("### 3. Check latency (Chromium)");
p();
p(`Check clicked to every verdict shown (the next frame after the report is in the DOM), the reference solution of each lab of the built-in course, ${browser.check[0].runs} Checks after a warm-up: as shipped (each run first tried on the page's wasmi for 200,000 steps, then sent to the grading worker), with every run in the worker on the browser's engine (\`?engine=browser\`), and with every run on the page's wasmi (\`?engine=page\`). "engines" says which ran the shipped Checks.`);
p();
p("| lab | shipped p50 | shipped p95 | engines | worker p50 | worker p95 | page p50 | page p95 |");
p("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |");
for (const c of browser.check) {
  const w = browser.check_fast.find((x) => x.lab === c.lab);
  const g = browser.check_page.find((x) => x.lab === c.lab);
  p(`| ${c.lab} | ${f(c.p50)} ms | ${f(c.p95)} ms | ${c.engine} | ${f(w.p50)} ms | ${f(w.p95)} ms | ${f(g.p50)} ms | ${f(g.p95)} ms |`);
}
const worst = (rows) => rows.reduce((a, b) => (b.p95 > a.p95 ? b : a));
const ws = worst(browser.check), wf = worst(browser.check_fast), wp = worst(browser.check_page);
p(`| **worst p95** | | **${f(ws.p95)} ms** (${ws.lab}) | | | **${f(wf.p95)} ms** (${wf.lab}) | | **${f(wp.p95)} ms** (${wp.lab}) |`);
p();
p("### 4. Responsiveness during a long run (Chromium)");
p();
const describe = (lt) => {
  const longest = lt.long_tasks.reduce((a, b) => (b.ms > (a?.ms ?? 0) ? b : a), null);
  return `${f(lt.run_ms, 0)} ms in all; long tasks (over 50 ms): ${lt.long_tasks.length}${longest ? `, the longest ${f(longest.ms, 0)} ms, starting ${f(longest.at, 0)} ms after the click` : ""}`;
};
p(`An endless loop checked in the \`add\` lab, every check running to its fuel limit (on the fast path: in the worker). First Check after the page loaded: ${describe(browser.longtask[0])}. The same Check again: ${describe(browser.longtask[1])}.`);
p();
if (browser.first_check_tasks) {
  p("### 4b. Long tasks of the first Check of every lab (Chromium)");
  p();
  p("Every lab of the built-in courses with code, each in a fresh browser context: the longest main-thread task while the page loads, and from the click of the first Check until its verdicts show, its reference solution typed in.");
  p();
  p("| course | labs | longest task while the page loads: median (max) | longest task during the first Check: median (max) | first Checks with a task over 50 ms | engines |");
  p("| --- | ---: | ---: | ---: | ---: | --- |");
  const by = {};
  for (const r of browser.first_check_tasks) (by[r.course] ??= []).push(r);
  for (const [course, rows] of Object.entries(by)) {
    const load = rows.map((r) => r.load_ms), check = rows.map((r) => r.check_ms);
    const engines = [...new Set(rows.map((r) => r.engine))].join(", ");
    p(`| ${course} | ${rows.length} | ${f(median(load), 0)} ms (${f(Math.max(...load), 0)}) | ${f(median(check), 0)} ms (${f(Math.max(...check), 0)}) | ${check.filter((x) => x > 50).length} | ${engines} |`);
  }
  p();
}
p("### 5. Load");
p();
p("| file | raw | gzip -9 |");
p("| --- | ---: | ---: |");
let raw = 0, gz = 0;
for (const file of browser.load.files.sort((a, b) => b.gzip - a.gzip)) {
  raw += file.raw; gz += file.gzip;
  p(`| ${file.name.replace(/-[0-9a-f]{16}/, "-…")} | ${kb(file.raw)} | ${kb(file.gzip)} |`);
}
p(`| **total** | **${kb(raw)}** | **${kb(gz)}** |`);
p();
const it = browser.load.interactive_ms;
p(`Navigation to an interactive catalog (first course link in the DOM), fresh browser context each time, served from localhost: median ${f(median(it), 0)} ms (${it.map((x) => f(x, 0)).join(", ")}).`);
p();
if (pyodideDir && fs.existsSync(pyodideDir)) {
  const pkg = JSON.parse(fs.readFileSync(path.join(pyodideDir, "package.json"), "utf8"));
  p(`For scale, what a Pyodide page downloads before it runs Python (npm \`pyodide@${pkg.version}\`, same gzip):`);
  p();
  p("| file | raw | gzip -9 |");
  p("| --- | ---: | ---: |");
  let praw = 0, pgz = 0;
  for (const name of ["pyodide.asm.wasm", "python_stdlib.zip", "pyodide.asm.mjs", "pyodide.mjs", "pyodide-lock.json"]) {
    const full = path.join(pyodideDir, name);
    if (!fs.existsSync(full)) continue;
    const bytes = fs.readFileSync(full);
    const g = zlib.gzipSync(bytes, { level: 9 }).length;
    praw += bytes.length; pgz += g;
    p(`| ${name} | ${kb(bytes.length)} | ${kb(g)} |`);
  }
  p(`| **total** | **${kb(praw)}** | **${kb(pgz)}** |`);
  p();
}
p("### 6. Re-grade throughput (CLI)");
p();
p(`\`sandlab verify\` on 1,000 generated records of the built-in course (every lab, reference solutions; ${verify.verified} lab verifications):`);
p();
p("| threads | time | records/s |");
p("| ---: | ---: | ---: |");
p(`| 1 | ${f(verify.one, 2)} s | ${f(1000 / verify.one, 0)} |`);
p(`| 2 | ${f(verify.two, 2)} s | ${f(1000 / verify.two, 0)} (x${f(verify.one / verify.two, 2)}) |`);
if (pyVerify) {
  p();
  p(`The Python course, ${pyVerify.records} records (${pyVerify.verified} lab verifications, each running CPython for every check):`);
  p();
  p("| threads | time | records/s |");
  p("| ---: | ---: | ---: |");
  p(`| 1 | ${f(pyVerify.one, 2)} s | ${f(pyVerify.records / pyVerify.one, 2)} |`);
  p(`| 2 | ${f(pyVerify.two, 2)} s | ${f(pyVerify.records / pyVerify.two, 2)} (x${f(pyVerify.one / pyVerify.two, 2)}) |`);
}
if (browser.python) {
  const py = browser.python;
  p();
  p("### 7. Python labs (Chromium)");
  p();
  const appGz = browser.load.files.reduce((a, b) => a + b.gzip, 0);
  let pyodideGz = null;
  if (pyodideDir && fs.existsSync(pyodideDir)) {
    pyodideGz = 0;
    for (const name of ["pyodide.asm.wasm", "python_stdlib.zip", "pyodide.asm.mjs", "pyodide.mjs", "pyodide-lock.json"]) {
      const full = path.join(pyodideDir, name);
      if (fs.existsSync(full)) pyodideGz += zlib.gzipSync(fs.readFileSync(full), { level: 9 }).length;
    }
  }
  p(`**Download.** The Python runtime (CPython 3.11 with the course's standard library, started and snapshotted) is one file served gzipped: ${kb(py.runtime_gz)}, fetched only when a Python lab opens; with the app (${kb(appGz)}) a Python lab downloads ${kb(py.runtime_gz + appGz)}${pyodideGz ? `, against Pyodide's ${kb(pyodideGz)} before it runs Python (x${f(pyodideGz / py.runtime_gz, 2)} the runtime)` : ""}.`);
  p();
  const cold = py.first_verdict.cold.map((x) => x.verdict_ms), warm = py.first_verdict.warm.map((x) => x.verdict_ms);
  const coldReady = py.first_verdict.cold.map((x) => x.ready_ms);
  p(`**First verdict.** Navigation to the \`functions\` lab until the first Check's verdicts show (Check pressed as soon as it is enabled; served from localhost, ${cold.length} runs): nothing cached, median ${f(median(cold), 0)} ms (${cold.map((x) => f(x, 0)).join(", ")}; Check enabled at ${f(median(coldReady), 0)} ms); the runtime cached, median ${f(median(warm), 0)} ms (${warm.map((x) => f(x, 0)).join(", ")})${browser.pyodide ? `. Pyodide, loaded in the same Chromium, is ready to run Python after ${f(browser.pyodide.load_ms, 0)} ms (its cold load; x${f(browser.pyodide.load_ms / median(cold), 2)} sandlab's first verdict)` : ""}.`);
  p();
  if (py.first_check_after_reading_ms) {
    const r = py.first_check_after_reading_ms;
    p(`A learner who reads for a moment: the first Check of a fresh page pressed 3 s after the runtime is ready (the worker has warmed the interpreter up meanwhile) takes a median ${f(median(r), 0)} ms from click to verdicts (${r.map((x) => f(x, 0)).join(", ")}).`);
    p();
  }
  p(`**Check latency**, every lab of the Python course with its reference solution, as shipped (${py.check[0].runs} Checks after a warm-up; each run in the grading worker on the browser's engine):`);
  p();
  p("| lab | p50 | p95 | engines |");
  p("| --- | ---: | ---: | --- |");
  for (const c of py.check) p(`| ${c.lab} | ${f(c.p50)} ms | ${f(c.p95)} ms | ${c.engine} |`);
  const w = worst(py.check);
  p(`| **worst p95** | | **${f(w.p95)} ms** (${w.lab}) | |`);
  p();
  const later = median(py.fib27.later_ms), empty = median(py.fib27.empty_ms);
  p(`**fib(27).** Recursive \`fib(27)\` in a Python lab by Run, on the ${py.fib27.engine} engine, metering included: the first Run of the page ${f(py.fib27.first_ms, 0)} ms, later Runs a median ${f(later, 0)} ms (a Run of \`print\` alone: ${f(empty, 0)} ms)${browser.pyodide ? `; Pyodide's fib(27) in the same Chromium ${f(browser.pyodide.fib27_ms, 0)} ms: x${f(later / browser.pyodide.fib27_ms, 2)} (first Run x${f(py.fib27.first_ms / browser.pyodide.fib27_ms, 2)})` : ""}.`);
}
if (browser.javascript) {
  const js = browser.javascript;
  p();
  p("### 7b. JavaScript labs (Chromium)");
  p();
  const appGz = browser.load ? browser.load.files.reduce((a, b) => a + b.gzip, 0) : null;
  p(`**Download.** The JavaScript runtime (QuickJS-NG 0.17 with sandlab's harness, started and snapshotted) is one file served gzipped: ${kb(js.runtime_gz)}, fetched only when a JavaScript lab opens${appGz ? `; with the app (${kb(appGz)}) a JavaScript lab downloads ${kb(js.runtime_gz + appGz)}` : ""}${browser.python ? ` (a Python lab: ${kb(browser.python.runtime_gz)} of runtime)` : ""}.`);
  p();
  const cold = js.first_verdict.cold.map((x) => x.verdict_ms), warm = js.first_verdict.warm.map((x) => x.verdict_ms);
  const coldReady = js.first_verdict.cold.map((x) => x.ready_ms);
  p(`**First verdict.** Navigation to the \`functions\` lab until the first Check's verdicts show (Check pressed as soon as it is enabled; served from localhost, ${cold.length} runs): nothing cached, median ${f(median(cold), 0)} ms (${cold.map((x) => f(x, 0)).join(", ")}; Check enabled at ${f(median(coldReady), 0)} ms); the runtime cached, median ${f(median(warm), 0)} ms (${warm.map((x) => f(x, 0)).join(", ")})${browser.python ? `; the Python course's, ${f(median(browser.python.first_verdict.cold.map((x) => x.verdict_ms)), 0)} and ${f(median(browser.python.first_verdict.warm.map((x) => x.verdict_ms)), 0)} ms` : ""}.`);
  p();
  const r = js.first_check_after_reading_ms;
  p(`A learner who reads for a moment: the first Check of a fresh page pressed 3 s after the runtime is ready takes a median ${f(median(r), 0)} ms from click to verdicts (${r.map((x) => f(x, 0)).join(", ")}).`);
  p();
  p(`**Check latency**, every lab of the JavaScript course with its reference solution, as shipped (${js.check[0].runs} Checks after a warm-up):`);
  p();
  p("| lab | p50 | p95 | engines |");
  p("| --- | ---: | ---: | --- |");
  for (const c of js.check) p(`| ${c.lab} | ${f(c.p50)} ms | ${f(c.p95)} ms | ${c.engine} |`);
  const w = worst(js.check);
  p(`| **worst p95** | | **${f(w.p95)} ms** (${w.lab}) | |`);
  p();
  const later = median(js.fib27.later_ms), empty = median(js.fib27.empty_ms);
  const py = browser.python ? median(browser.python.fib27.later_ms) : null;
  if (jsVerify) {
    p(`**\`sandlab verify\`** of ${jsVerify.records} records of the JavaScript course (every lab, its reference solution; ${jsVerify.verified} verified): ${f(jsVerify.records / jsVerify.one, 2)} records/s on 1 thread, ${f(jsVerify.records / jsVerify.two, 2)} on 2${pyVerify ? ` (the Python course's: ${f(pyVerify.records / pyVerify.one, 2)} and ${f(pyVerify.records / pyVerify.two, 2)})` : ""}.`);
    p();
  }
  p(`**fib(27).** Recursive \`fib(27)\` in a JavaScript lab by Run, on the ${js.fib27.engine} engine, metering included: the first Run of the page ${f(js.fib27.first_ms, 0)} ms, later Runs a median ${f(later, 0)} ms (a Run of \`console.log\` alone: ${f(empty, 0)} ms). The browser's own JavaScript (V8, the page) runs fib(27) in ${f(js.native_fib27_ms, 1)} ms: x${f(later / js.native_fib27_ms, 0)}${py ? `; the Python course's fib(27) in the same run ${f(py, 0)} ms (JavaScript x${f(py / later, 2)} faster)` : ""}.`);
}
if (author) {
  p();
  p("### 8. The instructor's tool");
  p();
  const b = author.build_ms;
  p(`**\`sandlab build labs\`** (the built-in courses: every lab proved, its Python runtime written; release binary): median ${f(median(b) / 1000, 2)} s (${b.map((x) => f(x / 1000, 2)).join(", ")}).`);
  p();
  const s = author.save_to_page_ms;
  p(`**Save to page** under \`sandlab serve\` (a copy of the Python course; a README saved, until the open page shows it, without a reload; ${s.all.length} saves): p50 ${f(s.p50, 0)} ms, p95 ${f(s.p95, 0)} ms.`);
  p();
  p("**What a page downloads** from a site `sandlab build` wrote (gzip -9 of each file the page fetched; a runtime is stored gzipped):");
  p();
  p("| page | files | gzip |");
  p("| --- | ---: | ---: |");
  for (const [name, d] of Object.entries(author.download)) p(`| ${name.replace("_", " ")} | ${d.files.length} | ${kb(d.gzip)} |`);
}
console.log(lines.join("\n"));
