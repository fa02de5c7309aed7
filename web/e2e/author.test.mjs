// The instructor's side, end to end, with the real `sandlab` binary (the
// app inside it) and headless Chromium: `sandlab new` writes a course,
// `sandlab serve` previews it and follows every save (the open page
// refreshes by itself, shows problems with file:line, keeps the last good
// version and the learner's code), `sandlab build` writes a site any
// static server serves. Run by scripts/e2e.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawn, spawnSync } from "node:child_process";
import { launchChromium } from "./support/peers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const sandlab = process.env.SANDLAB_BIN ?? path.join(root, "target/debug/sandlab");
const shots = path.join(root, "target/screenshots");

let browser;
let work;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  work = fs.mkdtempSync(path.join(os.tmpdir(), "sandlab-author-"));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/// A free port on 127.0.0.1.
async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/// Starts `sandlab serve DIR --port PORT`; resolves once it serves.
async function serve(dir, port) {
  const child = spawn(sandlab, ["serve", dir, "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const deadline = Date.now() + 120_000;
  while (!/serving http/.test(log)) {
    assert.ok(Date.now() < deadline && child.exitCode === null, `sandlab serve did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    log: () => log,
    async stop() {
      child.kill();
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/// Writes `text` to `file` so the server's next look sees a change.
function save(file, text) {
  fs.writeFileSync(file, text);
  // Some filesystems keep whole-second times: make sure the time moves.
  const later = new Date(Date.now() + 2000);
  fs.utimesSync(file, later, later);
}

test("sandlab new, then serve: every save reaches the open page, problems show with their line, the learner's code stays", async () => {
  const course = path.join(work, "intro-course");
  const made = spawnSync(sandlab, ["new", course], { encoding: "utf8" });
  assert.equal(made.status, 0, made.stderr);
  assert.match(made.stdout, /sandlab serve/);
  // As written, the new course passes `sandlab check`.
  const checked = spawnSync(sandlab, ["check", course], { encoding: "utf8" });
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
  // And `sandlab new` never writes over an author's files.
  const again = spawnSync(sandlab, ["new", course], { encoding: "utf8" });
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already has files/);

  const port = await freePort();
  const server = await serve(course, port);
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  try {
    await page.goto(`http://127.0.0.1:${port}/#/lab/intro-course/first-lab`);
    await page.waitForSelector(".cm-content");
    assert.match(await page.textContent(".instructions"), /Your first lab/);

    // The learner's code, typed before the author's edits.
    await page.click(".cm-content");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText("def greet(name):\n    return 'learner was here'\n");
    await page.waitForSelector(".storage.saved");

    // An edit to the instructions shows without a reload.
    const readme = path.join(course, "first-lab", "README.md");
    save(readme, fs.readFileSync(readme, "utf8") + "\n## A section added while previewing\n");
    await page.waitForSelector("text=A section added while previewing", { timeout: 30_000 });

    // A broken lab.toml: the page names the file and line, and keeps the lab.
    const toml = path.join(course, "first-lab", "lab.toml");
    const good = fs.readFileSync(toml, "utf8");
    save(toml, good.replace('minutes = 10', 'minutes = 10\nminuets = 3'));
    await page.waitForSelector(".live-problems", { timeout: 30_000 });
    const problems = await page.textContent(".live-problems");
    assert.match(problems, /first-lab\/lab\.toml:\d+:\d+: .*minuets/);
    assert.match(await page.textContent(".instructions"), /A section added while previewing/);
    await page.screenshot({ path: path.join(shots, "serve-problems.png"), fullPage: true });
    assert.match(server.log(), /minuets/);

    // Fixed: the problems go, the lab is back as saved, the code stayed.
    save(toml, good.replace('title = "Your first lab"', 'title = "Greetings"'));
    await page.waitForSelector(".live-problems", { state: "detached", timeout: 30_000 });
    await page.waitForSelector("h1:has-text('Greetings')", { timeout: 30_000 });
    assert.match(await page.textContent(".cm-content"), /learner was here/);
    // The learner is told the lab changed under their code, which stays.
    await page.waitForSelector(".lab-changed");
    await page.click(".lab-changed button");
    await page.waitForSelector(".lab-changed", { state: "detached" });

    // An image beside the instructions shows; the reference solution is
    // never served.
    const png = Buffer.from(
      "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
        "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082",
      "hex",
    );
    fs.writeFileSync(path.join(course, "first-lab", "dot.png"), png);
    save(readme, fs.readFileSync(readme, "utf8") + "\n![a dot](dot.png)\n");
    await page.waitForSelector("img[alt='a dot']", { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector("img[alt='a dot']").naturalWidth === 1);
    const solution = await fetch(`http://127.0.0.1:${port}/files/first-lab/solution.py`);
    assert.equal(solution.status, 404);

    // A second server on the same port says so and stops.
    const busy = spawnSync(sandlab, ["serve", course, "--port", String(port)], { encoding: "utf8", timeout: 60_000 });
    assert.equal(busy.status, 2);
    assert.match(busy.stderr, /port \d+ is in use/);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await server.stop();
  }
});

test("sandlab build writes a site a plain static server serves, and refuses to write into the course", async () => {
  const course = path.join(work, "built-course");
  assert.equal(spawnSync(sandlab, ["new", course]).status, 0);
  const inside = spawnSync(sandlab, ["build", course, "--out", path.join(course, "site")], { encoding: "utf8" });
  assert.equal(inside.status, 2);
  assert.match(inside.stderr, /inside the course folder/);

  const site = path.join(work, "site");
  const built = spawnSync(sandlab, ["build", course, "--out", site], { encoding: "utf8" });
  assert.equal(built.status, 0, built.stderr);
  for (const f of ["index.html", "courses.json", "worker.js"]) assert.ok(fs.existsSync(path.join(site, f)), f);
  assert.ok(fs.readdirSync(path.join(site, "runtimes")).some((f) => /^python-.*\.wasm\.gz$/.test(f)));
  // No reference solution anywhere in the site.
  const solutionLine = 'return f"Hello, {name}!"';
  for (const f of fs.readdirSync(site, { recursive: true })) {
    const full = path.join(site, f);
    if (fs.statSync(full).isFile() && !f.endsWith(".gz")) assert.ok(!fs.readFileSync(full, "utf8").includes(solutionLine), f);
  }
  // A folder with files `sandlab build` did not write is left alone...
  const other = path.join(work, "someone-elses");
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, "notes.txt"), "mine");
  const refused = spawnSync(sandlab, ["build", course, "--out", other], { encoding: "utf8" });
  assert.equal(refused.status, 2);
  assert.equal(fs.readFileSync(path.join(other, "notes.txt"), "utf8"), "mine");
  // ...and its own last site is replaced.
  assert.equal(spawnSync(sandlab, ["build", course, "--out", site]).status, 0);

  // Any static server: here Node's, serving the folder as it is.
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let file = path.join(site, decodeURIComponent(url.pathname));
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!file.startsWith(site) || !fs.existsSync(file)) return res.writeHead(404).end();
    const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json" };
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const context = await browser.newContext();
  const port = server.address().port;
  const lab = `http://127.0.0.1:${port}/#/lab/built-course/first-lab`;
  const answer = 'def greet(name):\n    return f"Hello, {name}!"\n\n\nif __name__ == "__main__":\n    print(greet(input()))\n';
  try {
    let page = await context.newPage();
    await page.goto(lab);
    await page.waitForSelector(".lab-page[data-runtime=ready]", { timeout: 120_000 });
    await page.click(".cm-content");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(answer);
    await page.click("button.primary");
    await page.waitForSelector("text=Lab passed", { timeout: 60_000 });
    // After this one visit the site is cached for offline use.
    await page.waitForSelector("body[data-offline=ready]", { timeout: 60_000 });
    await page.close();

    // Offline for real: the server is gone. A cold start opens the lab
    // from the cache, with the learner's code, and grades it.
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    page = await context.newPage();
    await page.goto(lab);
    await page.waitForSelector(".lab-page[data-runtime=ready]", { timeout: 60_000 });
    assert.match(await page.textContent(".cm-content"), /Hello, \{name\}/);
    assert.equal(await page.textContent("[data-testid=lab-status]"), "passed");
    await page.click(".cm-content");
    await page.keyboard.press("Control+End");
    await page.keyboard.insertText("\n# checked offline\n");
    await page.click("button.primary");
    await page.waitForFunction(() => Number(document.querySelector(".results")?.dataset.finished ?? 0) > 0, null, { timeout: 60_000 });
    assert.match(await page.textContent(".report-summary"), /Lab passed/);

    // A new version published: the next visit online shows it (the page
    // and the courses come from the network first), the code stays.
    const toml = path.join(course, "first-lab", "lab.toml");
    fs.writeFileSync(toml, fs.readFileSync(toml, "utf8").replace('title = "Your first lab"', 'title = "Greetings, version two"'));
    assert.equal(spawnSync(sandlab, ["build", course, "--out", site]).status, 0);
    await new Promise((r) => server.listen(port, "127.0.0.1", r));
    await page.reload();
    await page.waitForSelector("h1:has-text('Greetings, version two')", { timeout: 60_000 });
    assert.match(await page.textContent(".cm-content"), /checked offline/);
    await page.close();
  } finally {
    await context.close();
    server.close();
  }
});
