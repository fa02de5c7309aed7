// The grading worker. It loads the page's own wasm (the compiled module is
// posted to it, so nothing is fetched or compiled twice) and runs each job
// there: the learner's program runs on the browser's WebAssembly engine,
// off the page's thread, and Stop simply terminates this worker.
let bindings = null;

onmessage = async (event) => {
  const message = event.data;
  if (message.init) {
    try {
      bindings = await import(message.init.glue);
      await bindings.default({ module_or_path: message.init.module });
      postMessage({ ready: true });
    } catch (error) {
      postMessage({ failed: String(error && error.message || error) });
    }
    return;
  }
  if (message.warm) {
    // Runs that only warm the engine up: nobody waits for their outcomes.
    for (let i = 0; i < message.warm; i++) {
      try {
        bindings.worker_run(message.module, (i === 0 && message.wasm) || new Uint8Array(0), message.depth, message.request);
      } catch (error) {
        break;
      }
    }
    postMessage({ warmed: true });
    return;
  }
  let reply;
  try {
    reply = bindings.worker_run(message.module, message.wasm || new Uint8Array(0), message.depth, message.request);
  } catch (error) {
    reply = JSON.stringify({ error: String(error && error.message || error) });
  }
  postMessage({ id: message.id, reply });
};
