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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x, d = 1) => x.toFixed(d);
const kb = (n) => (n >= 1e6 ? `${f(n / 1e6, 2)} MB` : `${f(n / 1e3, 0)} KB`);
const lines = [];
const p = (s = "") => lines.push(s);

p(`Measured ${new Date().toISOString().slice(0, 10)} by \`bench/run\` on ${os.cpus().length} cores (${os.cpus()[0].model.trim()}), Chromium headless.`);
p();
p("### 1. Execution speed");
p();
p("Median of 5 runs in Chromium (7 native) after a warm-up. (a) sandlab's sandbox inside the page, (b) Chromium's own WebAssembly engine on the same module, (c) the sandbox in the native CLI. Fuel is wasmi's count, about one per instruction.");
p();
p("| module | fuel | (a) sandbox in Chromium | (b) Chromium's engine | (c) native sandbox | a/b | a/c | Minstr/s in Chromium |");
p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const ab = [], ac = [], mips = [];
for (const s of browser.speed) {
  const n = native.find((x) => x.name === s.name);
  if (n.result !== s.result) throw new Error(`${s.name}: native and browser results differ`);
  const r1 = s.sandbox_ms / s.browser_ms, r2 = s.sandbox_ms / n.sandbox_ms, m = s.fuel / s.sandbox_ms / 1000;
  ab.push(r1); ac.push(r2); mips.push(m);
  p(`| ${s.name} | ${s.fuel.toLocaleString("en")} | ${f(s.sandbox_ms)} ms | ${f(s.browser_ms, 2)} ms | ${f(n.sandbox_ms)} ms | ${f(r1, 0)} | ${f(r2, 1)} | ${f(m, 0)} |`);
}
p(`| **median** | | | | | **${f(median(ab), 0)}** | **${f(median(ac), 1)}** | **${f(median(mips), 0)}** |`);
p();
p("### 2. Fuel metering cost (native)");
p();
p("Bare wasmi configured as the sandbox, with fuel metering on and off, median of 7 runs:");
p();
p("| module | fuel on | fuel off | on/off |");
p("| --- | ---: | ---: | ---: |");
const fo = [];
for (const n of native) {
  const r = n.wasmi_fuel_ms / n.wasmi_nofuel_ms;
  fo.push(r);
  p(`| ${n.name} | ${f(n.wasmi_fuel_ms)} ms | ${f(n.wasmi_nofuel_ms)} ms | ${f(r, 2)} |`);
}
p(`| **median** | | | **${f(median(fo), 2)}** |`);
p();
p("### 3. Check latency (Chromium)");
p();
p(`Check clicked to every verdict shown (the next frame after the report is in the DOM), the reference solution of each lab of the built-in course, ${browser.check[0].runs} Checks after a warm-up:`);
p();
p("| lab | p50 | p95 |");
p("| --- | ---: | ---: |");
for (const c of browser.check) p(`| ${c.lab} | ${f(c.p50)} ms | ${f(c.p95)} ms |`);
const worst = browser.check.reduce((a, b) => (b.p95 > a.p95 ? b : a));
p(`| **worst p95** | | **${f(worst.p95)} ms** (${worst.lab}) |`);
p();
p("### 4. Responsiveness during a long run (Chromium)");
p();
const describe = (lt) => {
  const longest = lt.long_tasks.reduce((a, b) => (b.ms > (a?.ms ?? 0) ? b : a), null);
  return `${f(lt.run_ms, 0)} ms in all; long tasks (over 50 ms): ${lt.long_tasks.length}${longest ? `, the longest ${f(longest.ms, 0)} ms, starting ${f(longest.at, 0)} ms after the click` : ""}`;
};
p(`An endless loop checked in the \`add\` lab, every check running to its fuel limit. First Check after the page loaded: ${describe(browser.longtask[0])}. The same Check again: ${describe(browser.longtask[1])}.`);
p();
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
console.log(lines.join("\n"));
