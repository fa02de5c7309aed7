// What several browser tests start: Debian's Chromium, headless, and Ralph,
// the real LRS, on loopback.

import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/// Chromium's flags for the tests: no sandbox (containers), no GPU, and
/// nothing that reaches beyond the machine.
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/// Debian's Chromium (or `$CHROMIUM`), headless.
export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

/// Starts Ralph on 127.0.0.1:`port` with a fresh store and one user (see
/// scripts/lrs-serve), allowing `origin` for a browser if given; resolves
/// once it answers. `get(query)` reads its statements resource.
export async function startRalph({ port, user, password, origin }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandlab-e2e-lrs-"));
  const args = [path.join(root, "scripts/lrs-serve"), dir, String(port), user, password];
  if (origin) args.push(origin);
  const child = spawn("bash", args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/__heartbeat__`)).ok) break;
    } catch {
      // not up yet
    }
    assert.ok(Date.now() < deadline && child.exitCode === null, `Ralph did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const url = `http://127.0.0.1:${port}`;
  const auth = "Basic " + Buffer.from(`${user}:${password}`).toString("base64");
  return {
    url,
    auth,
    async get(query) {
      const r = await fetch(`${url}/xAPI/statements?${query}`, { headers: { Authorization: auth, "X-Experience-API-Version": "1.0.3" } });
      assert.equal(r.status, 200);
      return (await r.json()).statements;
    },
    async stop() {
      child.kill();
      await new Promise((r) => child.once("exit", r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
