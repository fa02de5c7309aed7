// A small cmi5 LMS for the tests, on 127.0.0.1: it serves a package, plays
// the LMS's part of a launch as the cmi5 spec prescribes (a registration, a
// session id, LMS.LaunchData in the State API, the `launched` statement, an
// auth token handed out once through `fetch`), serves the State API (Ralph
// has none: it implements only the statements resource), and passes the
// AU's statements on to Ralph, the real LRS, checking the session's token.
// The statements the test judges are the ones Ralph stored.

import http from "node:http";
import path from "node:path";
import crypto from "node:crypto";

const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json", ".gz": "application/gzip" };

/// An agent as a key: the same agent however its keys are ordered.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  return JSON.stringify(value);
}

export async function startLms({ ralph, ralphAuth }) {
  /// Package files by path under /pkg/.
  const files = new Map();
  /// State documents by `activityId|agent|registration|stateId`.
  const state = new Map();
  /// Sessions by fetch id: { token, used, terminated, registration }.
  const sessions = new Map();
  /// Every request the AU made to the xAPI side, in order, for the tests.
  const requests = [];
  const lms = { files, state, sessions, requests, statementsDown: false, stateDown: false };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    const body = await new Promise((r) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => r(Buffer.concat(chunks)));
    });
    const send = (status, text, type = "application/json") => {
      if (url.pathname.startsWith("/xapi/")) requests.at(-1).status = status;
      res.writeHead(status, { "content-type": type });
      res.end(text);
    };
    if (url.pathname.startsWith("/pkg/")) {
      const file = files.get(url.pathname.slice(5));
      if (file === undefined) return send(404, "not found", "text/plain");
      return send(200, file, types[path.extname(url.pathname)] ?? "application/octet-stream");
    }
    if (url.pathname.startsWith("/fetch/")) {
      const session = sessions.get(url.pathname.slice(7));
      // cmi5 §8.2: POST only; a second call gets error 1, with HTTP 200.
      if (req.method !== "POST" || session === undefined) return send(400, JSON.stringify({ "error-code": "3", "error-text": "no such launch" }));
      if (session.used) return send(200, JSON.stringify({ "error-code": "1", "error-text": "This token was already handed out" }));
      session.used = true;
      return send(200, JSON.stringify({ "auth-token": session.token }));
    }
    if (url.pathname.startsWith("/xapi/")) {
      requests.push({ method: req.method, path: url.pathname, query: url.search, body: body.toString() });
      if (req.method === "OPTIONS") return send(204, "");
      const auth = req.headers.authorization ?? "";
      const session = [...sessions.values()].find((s) => `Basic ${s.token}` === auth);
      if (session === undefined) return send(401, JSON.stringify({ detail: "unknown or missing auth token" }));
      if (url.pathname === "/xapi/activities/state") {
        const q = url.searchParams;
        const key = [q.get("activityId"), canonical(JSON.parse(q.get("agent") ?? "null")), q.get("registration"), q.get("stateId")].join("|");
        if (lms.stateDown) return send(503, JSON.stringify({ detail: "down" }));
        if (req.method === "GET") return state.has(key) ? send(200, state.get(key)) : send(404, JSON.stringify({ detail: "no such document" }));
        if (req.method === "PUT" || req.method === "POST") {
          if (q.get("stateId") === "LMS.LaunchData") return send(403, JSON.stringify({ detail: "LMS.LaunchData is the LMS's" }));
          state.set(key, body.toString());
          return send(204, "");
        }
        return send(405, "");
      }
      if (url.pathname === "/xapi/statements" && req.method === "POST") {
        if (lms.statementsDown) return send(503, JSON.stringify({ detail: "the LRS is down" }));
        if (session.terminated) return send(403, JSON.stringify({ detail: "this session has ended" }));
        const list = [].concat(JSON.parse(body.toString()));
        if (session.refuseVerb && list.some((s) => s.verb?.id?.endsWith(`/${session.refuseVerb}`))) {
          return send(400, JSON.stringify({ detail: `this LMS does not take ${session.refuseVerb} statements` }));
        }
        const r = await fetch(`${ralph}/xAPI/statements`, {
          method: "POST",
          headers: { Authorization: ralphAuth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json" },
          body: JSON.stringify(list),
        });
        if (list.some((s) => s.verb?.id === "http://adlnet.gov/expapi/verbs/terminated") && r.ok) session.terminated = true;
        const answer = await r.text();
        return send(r.status, answer);
      }
      if (url.pathname === "/xapi/agents/profile") return send(404, JSON.stringify({ detail: "no profile" }));
      return send(404, JSON.stringify({ detail: "not served" }));
    }
    if (url.pathname === "/returned") return send(200, "<!doctype html><title>Back in the LMS</title><h1>Back in the LMS</h1>", "text/html");
    send(404, "not found", "text/plain");
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  lms.base = base;

  /// Launches `au` (its id and url from cmi5.xml) for `actor` as the spec
  /// says; returns the launch URL and what the LMS set up.
  /// `omit` leaves launch parameters out; `launchData: false` stores none.
  lms.launch = async ({ au, actor, registration = crypto.randomUUID(), launchMode = "Normal", masteryScore, moveOn = "CompletedOrPassed", launchData = true, omit = [], returnURL, refuseVerb }) => {
    const sessionId = crypto.randomUUID();
    const fetchId = crypto.randomUUID();
    const token = crypto.randomBytes(18).toString("base64");
    sessions.set(fetchId, { token, used: false, terminated: false, registration, refuseVerb });
    const contextTemplate = {
      contextActivities: { grouping: [{ id: au.id }] },
      extensions: { "https://w3id.org/xapi/cmi5/context/extensions/sessionid": sessionId },
    };
    const key = (stateId) => [au.id, canonical(actor), registration, stateId].join("|");
    if (launchData) {
      const doc = { contextTemplate, launchMode, moveOn };
      if (masteryScore !== undefined) doc.masteryScore = masteryScore;
      if (returnURL !== undefined) doc.returnURL = returnURL;
      state.set(key("LMS.LaunchData"), JSON.stringify(doc));
    }
    const launched = {
      id: crypto.randomUUID(),
      actor,
      verb: { id: "http://adlnet.gov/expapi/verbs/launched", display: { "en-US": "launched" } },
      object: { objectType: "Activity", id: au.id },
      context: {
        ...contextTemplate,
        registration,
        contextActivities: { ...contextTemplate.contextActivities, category: [{ id: "https://w3id.org/xapi/cmi5/context/categories/cmi5" }] },
        extensions: { ...contextTemplate.extensions, "https://w3id.org/xapi/cmi5/context/extensions/launchmode": launchMode, "https://w3id.org/xapi/cmi5/context/extensions/moveon": moveOn, "https://w3id.org/xapi/cmi5/context/extensions/launchurl": `${base}/pkg/${au.url}` },
      },
      timestamp: new Date().toISOString(),
    };
    const r = await fetch(`${ralph}/xAPI/statements`, {
      method: "POST",
      headers: { Authorization: ralphAuth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json" },
      body: JSON.stringify(launched),
    });
    if (!r.ok) throw new Error(`Ralph refused launched: ${r.status} ${await r.text()}`);
    const params = { endpoint: `${base}/xapi/`, fetch: `${base}/fetch/${fetchId}`, actor: JSON.stringify(actor), registration, activityId: au.id };
    const query = Object.entries(params)
      .filter(([k]) => !omit.includes(k))
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join("&");
    return { url: `${base}/pkg/${au.url}&${query}`, registration, sessionId, token, fetchId };
  };

  lms.close = () => new Promise((r) => server.close(r));
  return lms;
}
