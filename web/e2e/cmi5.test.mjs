// A course as a cmi5 package, end to end: `sandlab package --lms cmi5`
// writes the course structure; a loopback LMS (support/cmi5-lms.mjs) plays
// the launch as the cmi5 spec prescribes and passes statements on to Ralph,
// the real LRS; the app, launched in Chromium, fetches its token, reads
// LMS.LaunchData, keeps the learner's work in the State API, and sends
// initialized, passed, completed and terminated. Every statement Ralph
// stored is checked against cmi5's rules; then the faults: a launch missing
// a parameter, a token used already, no launch data, the LRS down, Browse
// mode.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { startLms } from "./support/cmi5-lms.mjs";
import { launchChromium, startRalph } from "./support/peers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const sandlab = process.env.SANDLAB_BIN ?? path.join(root, "target/debug/sandlab");
const shots = path.join(root, "target/screenshots");
const require = createRequire(import.meta.url);
let structure;

const CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
const MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
const SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
const MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
const verb = (name) => `http://adlnet.gov/expapi/verbs/${name}`;

let browser, work, ralph, lms, aus;
const actor = { objectType: "Agent", name: "Ada Lovelace", account: { homePage: "http://lms.example", name: "u7" } };

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

/// Ralph on loopback with a fresh store; `statements(registration)` in the
/// order they were stored (Ralph's file store answers in that order),
/// checked against their timestamps.
async function startLrs() {
  const lrs = await startRalph({ port: await freePort(), user: "lms", password: "lms-secret" });
  return {
    ...lrs,
    async statements(registration) {
      const list = await lrs.get(`limit=500&registration=${registration}`);
      for (let i = 1; i < list.length; i++) assert.ok(Date.parse(list[i - 1].timestamp) <= Date.parse(list[i].timestamp), `stored in the order they happened: ${list.map((s) => s.timestamp)}`);
      return list;
    },
  };
}

const wat = (name, op) => `(module\n  (func (export "${name}") (param i32 i32) (result i32)\n    local.get 0\n    local.get 1\n    i32.${op}))\n`;

function course() {
  const dir = path.join(work, "arith");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "course.toml"), 'format = 1\nid = "arith"\ntitle = "Arithmetic"\nlabs = ["add", "sub"]\n');
  for (const [id, expect] of [["add", 9], ["sub", 5]]) {
    fs.mkdirSync(path.join(dir, id));
    fs.writeFileSync(
      path.join(dir, id, "lab.toml"),
      `format = 1\nid = "${id}"\ntitle = "${id} two numbers"\nlanguage = "wat"\n\n[exports]\n${id} = "(i32, i32) -> i32"\n\n[[check]]\nname = "7 ${id} 2"\nkind = "call"\nfunction = "${id}"\nargs = [7, 2]\nexpect = ${expect}\n\n[[check]]\nname = "1 ${id} 1"\nkind = "call"\nfunction = "${id}"\nargs = [1, 1]\nexpect = ${id === "add" ? 2 : 0}\n`,
    );
    fs.writeFileSync(path.join(dir, id, "README.md"), `# ${id}\n\nExport \`${id}\`.\n`);
    fs.writeFileSync(path.join(dir, id, "starter.wat"), `(module\n  (func (export "${id}") (param i32 i32) (result i32)\n    i32.const 0))\n`);
    fs.writeFileSync(path.join(dir, id, "solution.wat"), wat(id, id));
  }
  return dir;
}

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  work = fs.mkdtempSync(path.join(os.tmpdir(), "sandlab-cmi5-"));
  const zip = path.join(work, "arith-cmi5.zip");
  const made = spawnSync(sandlab, ["package", course(), "--lms", "cmi5", "--per-lab", "--out", zip], { encoding: "utf8" });
  assert.equal(made.status, 0, made.stderr);
  const dir = path.join(work, "unzipped");
  execFileSync("python3", ["-m", "zipfile", "-e", zip, dir]);
  ralph = await startLrs();
  lms = await startLms({ ralph: ralph.url, ralphAuth: ralph.auth });
  for (const f of fs.readdirSync(dir, { recursive: true })) {
    const full = path.join(dir, f);
    if (fs.statSync(full).isFile()) lms.files.set(f.split(path.sep).join("/"), fs.readFileSync(full));
  }
  structure = fs.readFileSync(path.join(dir, "cmi5.xml"), "utf8");
  aus = [...structure.matchAll(/<au id="([^"]+)"[^>]*>[\s\S]*?<url>([^<]+)<\/url>/g)].map(([, id, url]) => ({ id, url: url.replaceAll("&amp;", "&") }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await lms?.close();
  await ralph?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function typeCode(page, code) {
  await page.click(".cm-content");
  await page.press(".cm-content", "Control+A");
  await page.press(".cm-content", "Delete");
  await page.keyboard.insertText(code);
}

async function check(page) {
  const before = Number((await page.getAttribute(".results", "data-finished")) ?? 0);
  await page.click("button.primary");
  await page.waitForFunction((n) => Number(document.querySelector(".results")?.dataset.finished ?? 0) > n, before);
}

async function until(what, probe, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const verbs = (list) => list.map((s) => s.verb.id.split("/").pop());

/// cmi5's rules (§9) for the statements an AU sent in one session.
function assertCmi5(statements, { au, registration, sessionId, masteryScore }) {
  const byAu = statements.filter((s) => s.verb.id !== verb("launched"));
  assert.equal(byAu[0].verb.id, verb("initialized"), "initialized comes first");
  assert.equal(byAu.at(-1).verb.id, verb("terminated"), "terminated comes last");
  assert.equal(byAu.filter((s) => s.verb.id === verb("passed")).length <= 1, true);
  assert.equal(byAu.some((s) => s.verb.id === verb("failed")), false, "never failed");
  for (const s of byAu) {
    assert.equal(s.object.id, au.id);
    assert.deepEqual(s.actor, actor);
    assert.equal(s.context.registration, registration);
    assert.equal(s.context.extensions[SESSION], sessionId);
    assert.deepEqual(s.context.contextActivities.grouping, [{ id: au.id }]);
    const categories = s.context.contextActivities.category.map((c) => c.id);
    assert.ok(categories.includes(CMI5));
    const judged = s.result?.success !== undefined || s.result?.completion !== undefined;
    assert.equal(categories.includes(MOVEON), judged, `moveon category only with success or completion: ${s.verb.id}`);
    assert.match(s.timestamp, /Z$|\+00:00$/);
    if (s.verb.id !== verb("initialized")) assert.match(s.result.duration, /^PT/);
    if (s.verb.id === verb("passed")) {
      assert.equal(s.result.success, true);
      assert.ok(s.result.score.scaled >= (masteryScore ?? 0));
      assert.ok(s.result.score.raw >= s.result.score.min && s.result.score.raw <= s.result.score.max);
      if (masteryScore !== undefined) assert.equal(s.context.extensions[MASTERY], masteryScore);
    } else {
      assert.equal(s.result?.score, undefined);
      assert.equal(s.result?.success, undefined);
    }
    if (s.verb.id === verb("completed")) assert.equal(s.result.completion, true);
  }
}

async function validate(xml) {
  const { validateXML } = require("xmllint-wasm");
  const xsd = fs.readFileSync(path.join(here, "support/cmi5-course-structure.xsd"), "utf8");
  return validateXML({ xml: [{ fileName: "cmi5.xml", contents: xml }], schema: [{ fileName: "cs.xsd", contents: xsd }] });
}

test("cmi5.xml of every built-in course, per lab and whole, with a mastery score, is a valid course structure", async () => {
  assert.ok((await validate(structure)).valid, JSON.stringify((await validate(structure)).errors));
  // The schema refuses what the spec does not allow.
  assert.equal((await validate(structure.replace('moveOn="CompletedOrPassed"', 'moveOn="Whenever"'))).valid, false);
  assert.equal((await validate(structure.replace(/<url>[^<]*<\/url>/, ""))).valid, false);
  for (const name of fs.readdirSync(path.join(root, "labs"))) {
    for (const extra of [[], ["--per-lab", "--mastery", "0.8"]]) {
      const zip = path.join(work, `${name}-cmi5.zip`);
      const made = spawnSync(sandlab, ["package", path.join(root, "labs", name), "--lms", "cmi5", ...extra, "--out", zip], { encoding: "utf8" });
      assert.equal(made.status, 0, made.stderr);
      const xml = execFileSync("python3", ["-c", "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('cmi5.xml').decode())", zip], { encoding: "utf8" });
      const valid = await validate(xml);
      assert.ok(valid.valid, `${name} ${extra}: ${JSON.stringify(valid.errors?.slice(0, 3))}`);
    }
  }
});

test("cmi5: the package's AU reports to a cmi5 LMS and Ralph as the spec says, and the learner's work comes back in a fresh browser", async () => {
  assert.equal(aus.length, 2);
  const au = aus[0];
  assert.match(au.url, /^index\.html\?lms=cmi5&lab=add$/);
  const launch = await lms.launch({ au, actor, masteryScore: 0.5 });
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(launch.url);
  await page.waitForSelector(".cm-content");
  await until("initialized", async () => verbs(await ralph.statements(launch.registration)).includes("initialized"));
  // The learner's name came from the LMS's actor.
  await typeCode(page, wat("add", "add"));
  await check(page);
  assert.match(await page.textContent(".report-summary"), /Lab passed/);
  await until("passed and completed", async () => {
    const v = verbs(await ralph.statements(launch.registration));
    return v.includes("passed") && v.includes("completed");
  });
  // Checking again sends no second passed or completed.
  await check(page);
  await new Promise((r) => setTimeout(r, 1500));
  // The work is in the LMS's State API.
  const kept = [...lms.state.entries()].find(([k]) => k.endsWith("|https://sandlab.dev/xapi/state/progress"));
  assert.ok(kept, "a state document of the learner's work");
  assert.deepEqual(JSON.parse(kept[1]).sent, { passed: true, completed: true });
  // Leaving: terminated, sent as the page goes.
  await page.close({ runBeforeUnload: true });

  const all = await until("terminated", async () => {
    const list = await ralph.statements(launch.registration);
    return verbs(list).includes("terminated") && list;
  });
  assert.deepEqual(verbs(all), ["launched", "initialized", "passed", "completed", "terminated"]);
  assertCmi5(all, { au, registration: launch.registration, sessionId: launch.sessionId, masteryScore: 0.5 });
  assert.deepEqual(errors, []);
  await context.close();

  // The same learner and registration in another browser: a new launch
  // brings the code back from the State API; nothing is passed twice.
  const again = await lms.launch({ au, actor, registration: launch.registration, masteryScore: 0.5 });
  const fresh = await browser.newContext();
  const page2 = await fresh.newPage();
  await page2.goto(again.url);
  await page2.waitForSelector(".cm-content");
  await page2.waitForFunction(() => document.querySelector(".cm-content").textContent.includes("i32.add"));
  await until("the second session's initialized", async () =>
    (await ralph.statements(launch.registration)).some((s) => s.context?.extensions?.[SESSION] === again.sessionId && s.verb.id === verb("initialized")),
  );
  assert.equal(await page2.textContent("[data-testid=lab-status]"), "passed");
  await page2.evaluate(() => (location.hash = "#/results"));
  await page2.waitForSelector(".results-page");
  assert.equal(await page2.inputValue("input[type=text]"), "Ada Lovelace");
  await page2.screenshot({ path: path.join(shots, "lms-cmi5.png") });
  await page2.close({ runBeforeUnload: true });
  const second = await until("the second session's terminated", async () => {
    const list = (await ralph.statements(launch.registration)).filter((s) => s.context?.extensions?.[SESSION] === again.sessionId);
    return verbs(list).includes("terminated") && list;
  });
  assert.deepEqual(verbs(second), ["launched", "initialized", "terminated"]);
  await fresh.close();

  // A launch with a return address: the page offers the way back, and
  // going back ends the session first.
  const back = await lms.launch({ au, actor, registration: launch.registration, masteryScore: 0.5, returnURL: `${lms.base}/returned` });
  const third = await browser.newContext();
  const page3 = await third.newPage();
  await page3.goto(back.url);
  await page3.waitForSelector("button.lms-exit");
  await until("the third session's initialized", async () =>
    (await ralph.statements(launch.registration)).some((s) => s.context?.extensions?.[SESSION] === back.sessionId && s.verb.id === verb("initialized")),
  );
  await page3.screenshot({ path: path.join(shots, "lms-cmi5-return.png") });
  await page3.click("button.lms-exit");
  await page3.waitForURL(`${lms.base}/returned`);
  const ended = (await ralph.statements(launch.registration)).filter((s) => s.context?.extensions?.[SESSION] === back.sessionId);
  assert.deepEqual(verbs(ended), ["launched", "initialized", "terminated"], "terminated is stored before the page leaves");
  await third.close();
});

test("cmi5 faults: a missing parameter, a used token, no launch data, Browse mode, the LRS down: each told, nothing false, nothing lost", async () => {
  const au = aus[1];
  const context = await browser.newContext();
  const open = async (url) => {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector(".notice.lms");
    return page;
  };
  // A launch without `fetch`.
  let launch = await lms.launch({ au, actor, omit: ["fetch"] });
  let page = await open(launch.url);
  assert.match(await page.textContent(".notice.lms"), /without fetch/);
  await page.close();

  // A token handed out already (the launch URL opened twice).
  launch = await lms.launch({ au, actor });
  page = await context.newPage();
  await page.goto(launch.url);
  await until("the first token", async () => lms.sessions.get(launch.fetchId).used);
  const reused = await open(launch.url);
  assert.match(await reused.textContent(".notice.lms.error"), /used already or has expired.*error 1/);
  await reused.close();
  await page.close();

  // No LMS.LaunchData: no statement at all, the learner told.
  launch = await lms.launch({ au, actor, launchData: false });
  page = await open(launch.url);

  assert.match(await page.textContent(".notice.lms.error"), /no launch data/);
  await typeCode(page, wat("sub", "sub"));
  await check(page);
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(verbs(await ralph.statements(launch.registration)), ["launched"]);
  await page.close();

  // Browse mode: initialized and terminated only, and the learner told.
  launch = await lms.launch({ au, actor, launchMode: "Browse" });
  page = await open(launch.url);
  assert.match(await page.textContent(".notice.lms"), /Browse mode/);
  await typeCode(page, wat("sub", "sub"));
  await check(page);
  await page.close({ runBeforeUnload: true });
  const browsed = await until("terminated", async () => {
    const list = await ralph.statements(launch.registration);
    return verbs(list).includes("terminated") && list;
  });
  assert.deepEqual(verbs(browsed), ["launched", "initialized", "terminated"]);

  // An LMS that refuses passed statements for good (HTTP 400): the batch
  // is sent again one by one, the refused one set aside, the learner told,
  // and the statements after it still go.
  launch = await lms.launch({ au, actor, refuseVerb: "passed" });
  const refusing = await context.newPage();
  await refusing.goto(launch.url);
  await refusing.waitForSelector(".cm-content");
  await until("initialized", async () => verbs(await ralph.statements(launch.registration)).includes("initialized"));
  await typeCode(refusing, wat("sub", "sub"));
  await check(refusing);
  await refusing.waitForSelector(".notice.lms.error");
  assert.match(await refusing.textContent(".notice.lms"), /refused 1 statement\(s\).*kept in this browser/);
  const aside = await refusing.evaluate((r) => JSON.parse(localStorage.getItem(`sandlab.cmi5.refused.${r}`)), launch.registration);
  assert.deepEqual(aside.map((s) => s.verb.id.split("/").pop()), ["passed"]);
  await refusing.close({ runBeforeUnload: true });
  const afterRefusal = await until("terminated", async () => {
    const l = await ralph.statements(launch.registration);
    return verbs(l).includes("terminated") && l;
  });
  // Only the refused one is missing: completed went on without it.
  assert.deepEqual(verbs(afterRefusal), ["launched", "initialized", "completed", "terminated"]);

  // The LRS down while the learner passes: told, queued, sent in order
  // once it is back.
  launch = await lms.launch({ au, actor });
  const down = await context.newPage();
  await down.goto(launch.url);
  await down.waitForSelector(".cm-content");
  await until("initialized", async () => verbs(await ralph.statements(launch.registration)).includes("initialized"));
  lms.statementsDown = true;
  await typeCode(down, wat("sub", "sub"));
  await check(down);
  await down.waitForSelector(".notice.lms.error");
  assert.match(await down.textContent(".notice.lms"), /did not reach the LMS.*HTTP 503.*2 statement\(s\) wait/);
  assert.deepEqual(verbs(await ralph.statements(launch.registration)), ["launched", "initialized"]);
  lms.statementsDown = false;
  await until("the queued statements", async () => {
    const v = verbs(await ralph.statements(launch.registration));
    return v.includes("completed") && v;
  });
  await down.waitForFunction(() => !document.querySelector(".notice.lms"));
  await down.close({ runBeforeUnload: true });
  const list = await until("terminated", async () => {
    const l = await ralph.statements(launch.registration);
    return verbs(l).includes("terminated") && l;
  });
  assert.deepEqual(verbs(list), ["launched", "initialized", "passed", "completed", "terminated"]);
  assertCmi5(list, { au, registration: launch.registration, sessionId: launch.sessionId });
  await context.close();
});
