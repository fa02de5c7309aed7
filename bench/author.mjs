// The instructor's tool, measured (bench/run calls it; prints JSON):
// `sandlab build` of the built-in courses, the preview's save-to-page
// latency under `sandlab serve`, and what the catalog and a lab page
// download (gzip -9 of each file the page fetched from the built site).
//
//   node bench/author.mjs SANDLAB
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { spawn, spawnSync } from "node:child_process";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const require = createRequire(path.join(root, "web/package.json"));
const { chromium } = require("playwright-core");
const [sandlab] = process.argv.slice(2).map((p) => path.resolve(p));
const SAVES = Number(process.env.SAVES ?? 20);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "sandlab-bench-author-"));
const out = {};

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

// `sandlab build` of the built-in courses (every lab proved, the runtime
// written): three runs.
const site = path.join(work, "site");
out.build_ms = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const r = spawnSync(sandlab, ["build", path.join(root, "labs"), "--out", site], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  out.build_ms.push(performance.now() - t);
}
console.error(`build: ${out.build_ms.map((x) => x.toFixed(0)).join(", ")} ms`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// What a page downloads from the built site: gzip of each file fetched.
{
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json" };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let file = path.join(site, decodeURIComponent(url.pathname));
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!file.startsWith(site) || !fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}/`;
  const download = async (hash, ready) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const files = new Set();
    page.on("request", (r) => files.add(new URL(r.url()).pathname));
    await page.goto(base + hash);
    await page.waitForSelector(ready, { timeout: 120_000 });
    await page.waitForTimeout(500);
    await context.close();
    let gz = 0;
    const list = [];
    for (const f of files) {
      const full = path.join(site, f === "/" ? "index.html" : f);
      if (!fs.existsSync(full) || fs.statSync(full).isDirectory()) continue;
      const bytes = fs.readFileSync(full);
      // A runtime is stored gzipped already.
      const size = f.endsWith(".gz") ? bytes.length : zlib.gzipSync(bytes, { level: 9 }).length;
      gz += size;
      list.push({ file: f, gzip: size });
    }
    return { gzip: gz, files: list };
  };
  out.download = {
    catalog: await download("", ".course a"),
    wat_lab: await download("#/lab/wasm-from-scratch/add", ".cm-content"),
    python_lab: await download("#/lab/python-from-scratch/functions", ".lab-page[data-runtime=ready]"),
  };
  server.close();
}

// Save → the open page shows it, under `sandlab serve`, on a copy of a
// built-in Python course: the README edited SAVES times.
{
  const course = path.join(work, "course");
  fs.cpSync(path.join(root, "labs/python-from-scratch"), course, { recursive: true });
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, "127.0.0.1", r));
  const port = probe.address().port;
  await new Promise((r) => probe.close(r));
  const child = spawn(sandlab, ["serve", course, "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  while (!/serving http/.test(log)) {
    if (child.exitCode !== null) throw new Error(log);
    await new Promise((r) => setTimeout(r, 100));
  }
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/#/lab/python-from-scratch/loops`);
  await page.waitForSelector(".instructions");
  const readme = path.join(course, "loops", "README.md");
  const original = fs.readFileSync(readme, "utf8");
  const ms = [];
  for (let i = 0; i < SAVES; i++) {
    const marker = `Saved edit number ${i} of the bench`;
    const t = Date.now();
    fs.writeFileSync(readme, `${original}\n${marker}\n`);
    await page.waitForFunction((m) => document.querySelector(".instructions")?.textContent.includes(m), marker, { timeout: 60_000 });
    ms.push(Date.now() - t);
    await page.waitForTimeout(300);
  }
  out.save_to_page_ms = { p50: percentile(ms, 50), p95: percentile(ms, 95), all: ms };
  console.error(`save to page: p50 ${out.save_to_page_ms.p50} ms, p95 ${out.save_to_page_ms.p95} ms`);
  child.kill();
  await page.close();
}

await browser.close();
fs.rmSync(work, { recursive: true, force: true });
console.log(JSON.stringify(out));
