// A course inside an LMS, end to end: `sandlab package` writes SCORM 1.2
// and 2004 packages (their manifests validated against the published
// schemas by a real XML schema validator: libxml2 in xmllint-wasm); an LMS
// page built on scorm-again (the LMS side of SCORM, a real runtime library)
// launches the package's SCO as its manifest says, in a frame; the learner
// passes one lab and fails another; the LMS's data model is checked; a
// fresh browser finds the learner's code again from what the LMS kept; and
// the faults (no LMS, an LMS that refuses) are told to the learner.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { spawnSync, execFileSync } from "node:child_process";
import { launchChromium } from "./support/peers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const require = createRequire(import.meta.url);
const sandlab = process.env.SANDLAB_BIN ?? path.join(root, "target/debug/sandlab");
const shots = path.join(root, "target/screenshots");
const scormAgain = fs.readFileSync(path.join(path.dirname(require.resolve("scorm-again")), "scorm-again.min.js"), "utf8");

let browser;
let work;
let server;
let base;
/// Files served by the test's LMS, by path (the packages, unzipped).
const served = new Map();

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  work = fs.mkdtempSync(path.join(os.tmpdir(), "sandlab-lms-"));
  browser = await launchChromium();
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json" };
  server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const file = served.get(url.pathname);
    if (file === undefined) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[path.extname(url.pathname)] ?? "application/octet-stream" });
    res.end(file);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  await browser?.close();
  server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/// A course of two WAT labs: `add` and `sub`.
function course() {
  const dir = path.join(work, "arith");
  if (fs.existsSync(dir)) return dir;
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "course.toml"), 'format = 1\nid = "arith"\ntitle = "Arithmetic"\nlabs = ["add", "sub"]\n');
  for (const [id, op] of [["add", "add"], ["sub", "sub"]]) {
    fs.mkdirSync(path.join(dir, id));
    fs.writeFileSync(
      path.join(dir, id, "lab.toml"),
      `format = 1\nid = "${id}"\ntitle = "${op} two numbers"\nlanguage = "wat"\n\n[exports]\n${op} = "(i32, i32) -> i32"\n\n[[check]]\nname = "7 ${op} 2"\nkind = "call"\nfunction = "${op}"\nargs = [7, 2]\nexpect = ${op === "add" ? 9 : 5}\n`,
    );
    fs.writeFileSync(path.join(dir, id, "README.md"), `# ${op}\n\nExport \`${op}\`.\n`);
    fs.writeFileSync(path.join(dir, id, "starter.wat"), `(module\n  (func (export "${op}") (param i32 i32) (result i32)\n    i32.const 0))\n`);
    fs.writeFileSync(path.join(dir, id, "solution.wat"), wat(op, op));
  }
  return dir;
}

const wat = (name, op) => `(module\n  (func (export "${name}") (param i32 i32) (result i32)\n    local.get 0\n    local.get 1\n    i32.${op}))\n`;

/// Packages the course for `lms` and serves it under /pkg-LMS/; returns
/// the manifest's text.
function packageFor(lms) {
  const zip = path.join(work, `arith-${lms}.zip`);
  const made = spawnSync(sandlab, ["package", course(), "--lms", lms, "--out", zip], { encoding: "utf8" });
  assert.equal(made.status, 0, made.stderr);
  // A real unzipper: Python's zipfile.
  const dir = path.join(work, `unzipped-${lms}`);
  execFileSync("python3", ["-m", "zipfile", "-e", zip, dir]);
  for (const f of fs.readdirSync(dir, { recursive: true })) {
    const full = path.join(dir, f);
    if (fs.statSync(full).isFile()) served.set(`/pkg-${lms}/${f.split(path.sep).join("/")}`, fs.readFileSync(full));
  }
  return fs.readFileSync(path.join(dir, "imsmanifest.xml"), "utf8");
}

/// The published SCORM schemas, as scripts/install-web-tools fetched them
/// from the registry (pinned by hash), fixed as the notes below say, with a
/// wrapper that imports each namespace.
async function schemas(edition) {
  const defs = path.join(here, "../node_modules/.scorm-xsd/definitionFiles", edition);
  assert.ok(fs.existsSync(defs), `no SCORM schemas at ${defs}: run scripts/install-web-tools`);
  const files = fs
    .readdirSync(defs)
    .filter((f) => /\.(xsd|dtd)$/.test(f))
    .map((f) => ({ fileName: f, contents: fs.readFileSync(path.join(defs, f), "utf8") }));
  let imports;
  if (edition === "scorm12edition") {
    // ims_xml.xsd makes the xml namespace its default, which libxml2
    // refuses; every name in it is prefixed, so dropping that is harmless.
    for (const f of files) {
      if (f.fileName === "ims_xml.xsd") f.contents = f.contents.replace('xmlns="http://www.w3.org/XML/1998/namespace" ', "");
    }
    imports = [
      ["http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"],
      ["http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd"],
    ];
  } else {
    imports = [
      ["http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"],
      ["http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"],
      ["http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"],
      ["http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"],
      ["http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd"],
    ];
  }
  const wrapper = `<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">${imports
    .map(([ns, loc]) => `<xsd:import namespace="${ns}" schemaLocation="${loc}"/>`)
    .join("")}</xsd:schema>`;
  return { schema: [{ fileName: "all.xsd", contents: wrapper }], preload: files };
}

async function validate(manifest, edition) {
  const { validateXML } = require("xmllint-wasm");
  const { schema, preload } = await schemas(edition);
  return validateXML({ xml: [{ fileName: "imsmanifest.xml", contents: manifest }], schema, preload });
}

/// The LMS's page: scorm-again's API on the window, the SCO in a frame.
function lmsPage(lms, launch, preload) {
  const api = lms === "scorm12" ? "API" : "API_1484_11";
  const cls = lms === "scorm12" ? "Scorm12API" : "Scorm2004API";
  served.set(
    `/lms-${lms}.html`,
    Buffer.from(`<!doctype html><html><head><script>${scormAgain}</script><script>
      window.${api} = new ${cls}({ autocommit: false, lmsCommitUrl: false, logLevel: 5 });
      window.${api}.loadFromJSON(${JSON.stringify(preload)});
      window.commits = 0;
      window.${api}.on("${lms === "scorm12" ? "LMSCommit" : "Commit"}", () => window.commits++);
    </script></head><body><iframe id="sco" style="width:1200px;height:900px" src="${launch}"></iframe></body></html>`),
  );
  return `${base}/lms-${lms}.html`;
}

/// The SCO's launch address, from the manifest: its resource's href and
/// its (first) item's parameters.
function launchOf(manifest, lms) {
  const href = manifest.match(/<resource [^>]*href="([^"]+)"/)[1];
  const parameters = manifest.match(/parameters="([^"]+)"/)[1].replaceAll("&amp;", "&");
  return `/pkg-${lms}/${href}${parameters}`;
}

async function typeCode(frame, code) {
  await frame.click(".cm-content");
  await frame.press(".cm-content", "Control+A");
  await frame.press(".cm-content", "Delete");
  await frame.page().keyboard.insertText(code);
}

async function check(frame) {
  const before = Number((await frame.getAttribute(".results", "data-finished")) ?? 0);
  await frame.click("button.primary");
  await frame.waitForFunction((n) => Number(document.querySelector(".results")?.dataset.finished ?? 0) > n, before);
}

test("SCORM 1.2: a valid package; the LMS gets the learner's score and status, never a false pass, and keeps their code for another browser", async () => {
  const manifest = packageFor("scorm12");
  const valid = await validate(manifest, "scorm12edition");
  assert.ok(valid.valid, JSON.stringify(valid.errors?.slice(0, 3)));
  // The validator refuses what the schema does not allow.
  const broken = await validate(manifest.replace("<organizations", "<organisations").replace("</organizations", "</organisations"), "scorm12edition");
  assert.equal(broken.valid, false);
  const launch = launchOf(manifest, "scorm12");
  assert.match(launch, /index\.html\?lms=scorm12$/);

  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(lmsPage("scorm12", launch, { core: { student_id: "u42", student_name: "Doe, Jane" } }));
  const frame = page.frame({ url: /index\.html/ });
  await frame.waitForSelector(".course a");
  // The lab "add": passed.
  await frame.goto(`${base}${launch}#/lab/arith/add`);
  await frame.waitForSelector(".cm-content");
  await typeCode(frame, wat("add", "add"));
  await check(frame);
  assert.match(await frame.textContent(".report-summary"), /Lab passed/);
  await page.waitForFunction(() => window.API.cmi.core.score.raw === "50");
  assert.equal(await page.evaluate(() => window.API.cmi.core.lesson_status), "incomplete");
  // The lab "sub": failed. Still incomplete, never passed or failed.
  await frame.goto(`${base}${launch}#/lab/arith/sub`);
  await frame.waitForSelector(".cm-content");
  await typeCode(frame, wat("sub", "add"));
  await check(frame);
  assert.match(await frame.textContent(".report-summary"), /failed/);
  await page.waitForFunction(() => window.API.cmi.suspend_data.length > 0 && window.commits >= 2);
  const model = await page.evaluate(() => ({
    status: window.API.cmi.core.lesson_status,
    raw: window.API.cmi.core.score.raw,
    max: window.API.cmi.core.score.max,
    suspend: window.API.cmi.suspend_data,
  }));
  assert.deepEqual([model.status, model.raw, model.max], ["incomplete", "50", "100"]);
  assert.ok(model.suspend.length <= 4096 && /^[A-Za-z0-9._-]+$/.test(model.suspend), model.suspend);
  // The learner's name came from the LMS.
  await frame.goto(`${base}${launch}#/results`);
  await frame.waitForSelector(".results-page");
  assert.equal(await frame.inputValue("input[type=text]"), "Doe, Jane");
  // Leaving: session time, exit and finish reach the LMS.
  await frame.goto("about:blank");
  await page.waitForFunction(() => window.API.isTerminated());
  const flat = await page.evaluate(() => window.API.getFlattenedCMI());
  assert.equal(flat["cmi.core.exit"], "suspend");
  assert.match(flat["cmi.core.session_time"], /^\d{2,4}:\d{2}:\d{2}/);
  assert.deepEqual(errors, []);
  await context.close();

  // Another browser, the same learner: the LMS's copy brings the code back.
  const fresh = await browser.newContext();
  const again = await fresh.newPage();
  await again.goto(
    lmsPage("scorm12", `${launch}#/lab/arith/sub`, {
      core: { student_id: "u42", student_name: "Doe, Jane", entry: "resume", lesson_status: "incomplete" },
      suspend_data: model.suspend,
    }),
  );
  const frame2 = again.frame({ url: /index\.html/ });
  await frame2.waitForSelector(".cm-content");
  await frame2.waitForFunction(() => document.querySelector(".cm-content").textContent.includes("i32.add"));
  assert.equal(await frame2.textContent("[data-testid=lab-status]"), "in progress");
  await again.screenshot({ path: path.join(shots, "lms-scorm12.png") });
  await fresh.close();
});

test("SCORM 2004: a valid package, one unit per lab; completion, success and the scaled score follow the learner", async () => {
  const zip = path.join(work, "arith-2004-labs.zip");
  assert.equal(spawnSync(sandlab, ["package", course(), "--lms", "scorm2004", "--per-lab", "--out", zip]).status, 0);
  const manifest = packageFor("scorm2004");
  const valid = await validate(manifest, "scorm20044thedition");
  assert.ok(valid.valid, JSON.stringify(valid.errors?.slice(0, 3)));
  // The per-lab package validates too and has one item per lab.
  const dir = path.join(work, "unzipped-2004-labs");
  execFileSync("python3", ["-m", "zipfile", "-e", zip, dir]);
  const perLab = fs.readFileSync(path.join(dir, "imsmanifest.xml"), "utf8");
  assert.equal((perLab.match(/<item /g) ?? []).length, 2);
  assert.ok((await validate(perLab, "scorm20044thedition")).valid);

  const launch = launchOf(manifest, "scorm2004");
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(lmsPage("scorm2004", launch, { learner_id: "u7", learner_name: "Lovelace, Ada" }));
  const frame = page.frame({ url: /index\.html/ });
  for (const op of ["add", "sub"]) {
    await frame.goto(`${base}${launch}#/lab/arith/${op}`);
    await frame.waitForSelector(".cm-content");
    await typeCode(frame, wat(op, op));
    await check(frame);
  }
  await page.waitForFunction(() => window.API_1484_11.cmi.completion_status === "completed");
  const model = await page.evaluate(() => ({
    success: window.API_1484_11.cmi.success_status,
    scaled: window.API_1484_11.cmi.score.scaled,
  }));
  assert.equal(model.success, "passed");
  assert.equal(Number(model.scaled), 1);
  await context.close();
});

test("Outside an LMS, with an LMS that refuses, a slow LMS, a damaged copy: the learner is told, and their work stays", async () => {
  packageFor("scorm12");
  const launch = launchOf(fs.readFileSync(path.join(work, "unzipped-scorm12", "imsmanifest.xml"), "utf8"), "scorm12");
  // No LMS at all: the package opened on its own.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}${launch}#/lab/arith/add`);
  await page.waitForSelector(".notice.lms");
  assert.match(await page.textContent(".notice.lms"), /no LMS answers/);
  await typeCode(page.mainFrame(), wat("add", "add"));
  await check(page.mainFrame());
  assert.match(await page.textContent(".report-summary"), /Lab passed/);
  await page.close();

  // An LMS whose every LMSSetValue fails with error 301.
  served.set(
    "/lms-refusing.html",
    Buffer.from(`<!doctype html><html><head><script>
      window.API = {
        LMSInitialize: () => "true", LMSFinish: () => "true", LMSCommit: () => "true",
        LMSGetValue: () => "", LMSSetValue: () => "false",
        LMSGetLastError: () => "301", LMSGetErrorString: () => "Not initialized", LMSGetDiagnostic: () => "",
      };
    </script></head><body><iframe id="sco" style="width:1200px;height:900px" src="${launch}#/lab/arith/sub"></iframe></body></html>`),
  );
  const refused = await context.newPage();
  await refused.goto(`${base}/lms-refusing.html`);
  const frame = refused.frame({ url: /index\.html/ });
  await frame.waitForSelector(".cm-content");
  await typeCode(frame, wat("sub", "sub"));
  await check(frame);
  await frame.waitForSelector(".notice.lms.error");
  assert.match(await frame.textContent(".notice.lms"), /error 301: Not initialized/);
  assert.match(await frame.textContent(".report-summary"), /Lab passed/);
  await context.close();

  // A slow LMS: every call takes 250 ms (as a commit over a slow network
  // does; SCORM's calls are synchronous). The learner's Check still gets
  // its verdict, and the results still arrive.
  served.set(
    "/lms-slow.html",
    Buffer.from(`<!doctype html><html><head><script>${scormAgain}</script><script>
      const api = new Scorm12API({ autocommit: false, lmsCommitUrl: false, logLevel: 5 });
      api.loadFromJSON({ core: { student_id: "u9", student_name: "Slow, Sam" } });
      const wait = () => { const end = Date.now() + 250; while (Date.now() < end) {} };
      window.API = {};
      for (const name of ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"]) {
        window.API[name] = (...args) => { if (name === "LMSSetValue" || name === "LMSCommit") wait(); return api[name](...args); };
      }
      window.slow = api;
    </script></head><body><iframe id="sco" style="width:1200px;height:900px" src="${launch}#/lab/arith/add"></iframe></body></html>`),
  );
  const slowContext = await browser.newContext();
  const slow = await slowContext.newPage();
  await slow.goto(`${base}/lms-slow.html`);
  const slowFrame = slow.frame({ url: /index\.html/ });
  await slowFrame.waitForSelector(".cm-content");
  await typeCode(slowFrame, wat("add", "add"));
  await check(slowFrame);
  assert.match(await slowFrame.textContent(".report-summary"), /Lab passed/);
  await slow.waitForFunction(() => window.slow.cmi.core.score.raw === "50", null, { timeout: 15_000 });
  assert.equal(await slowFrame.$(".notice.lms.error"), null);
  await slowContext.close();

  // An LMS that kept damaged (cut short) suspend_data: the learner is told,
  // the notice stays, and their new work replaces the unreadable copy.
  const cut = await browser.newContext();
  const page3 = await cut.newPage();
  const errors3 = [];
  page3.on("pageerror", (e) => errors3.push(String(e)));
  await page3.goto(
    lmsPage("scorm12", `${launch}#/lab/arith/add`, {
      core: { student_id: "u42", student_name: "Doe, Jane", entry: "resume", lesson_status: "incomplete" },
      suspend_data: "s1.eJyrVkrLz1eyUkrKzFWqBQAR9gNj",
    }),
  );
  const frame3 = page3.frame({ url: /index\.html/ });
  await frame3.waitForSelector(".notice.lms.error");
  assert.match(await frame3.textContent(".notice.lms"), /could not be read/);
  await typeCode(frame3, wat("add", "add"));
  await check(frame3);
  await page3.waitForFunction(() => window.API.cmi.core.score.raw === "50");
  assert.match(await frame3.textContent(".notice.lms"), /could not be read/);
  const replaced = await page3.evaluate(() => window.API.cmi.suspend_data);
  assert.notEqual(replaced, "s1.eJyrVkrLz1eyUkrKzFWqBQAR9gNj");
  assert.deepEqual(errors3, []);
  await cut.close();
});

test("Every built-in course packages for each SCORM edition with a valid manifest; bad requests are refused with a reason", async () => {
  for (const name of fs.readdirSync(path.join(root, "labs"))) {
    for (const [lms, edition] of [["scorm12", "scorm12edition"], ["scorm2004", "scorm20044thedition"]]) {
      const zip = path.join(work, `${name}-${lms}.zip`);
      const made = spawnSync(sandlab, ["package", path.join(root, "labs", name), "--lms", lms, "--per-lab", "--out", zip], { encoding: "utf8" });
      assert.equal(made.status, 0, made.stderr);
      const manifest = execFileSync("python3", ["-c", "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('imsmanifest.xml').decode())", zip], { encoding: "utf8" });
      const valid = await validate(manifest, edition);
      assert.ok(valid.valid, `${name} ${lms}: ${JSON.stringify(valid.errors?.slice(0, 3))}`);
      // No lab's solution is in the package.
      const names = execFileSync("python3", ["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", zip], { encoding: "utf8" });
      assert.ok(!/solution/.test(names), names);
      assert.match(names, /^imsmanifest\.xml\n/);
    }
  }
  const refused = (args) => spawnSync(sandlab, ["package", ...args], { encoding: "utf8" });
  let r = refused([path.join(root, "labs"), "--lms", "scorm12", "--out", path.join(work, "all.zip")]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /a package holds one/);
  r = refused([course(), "--lms", "scorm12", "--mastery", "80", "--out", path.join(work, "m.zip")]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /from 0 to 1/);
  r = refused([course(), "--lms", "aicc", "--out", path.join(work, "a.zip")]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not an LMS standard/);
  // A course with a broken lab: its problem with file and line, no package.
  const broken = path.join(work, "broken");
  fs.cpSync(course(), broken, { recursive: true });
  fs.writeFileSync(path.join(broken, "add", "lab.toml"), 'format = 1\nid = "add"\ntitle = "add"\nlanguage = "wat"\nfule = 3\n');
  r = refused([broken, "--lms", "cmi5", "--out", path.join(work, "b.zip")]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /add\/lab\.toml:5:1: .*fule/);
  assert.match(r.stderr, /no package was written/);
  assert.ok(!fs.existsSync(path.join(work, "all.zip")) && !fs.existsSync(path.join(work, "m.zip")) && !fs.existsSync(path.join(work, "b.zip")));
});
