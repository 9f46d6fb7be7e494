// Starts a worker: the wasm-bindgen glue, then its wasm. Kept as a file of our own rather than
// Trunk's loader shim because a start that fails (a damaged or missing .wasm, no memory to
// instantiate it) must reach the page: a rejected promise in a worker is never reported to
// its page, while an uncaught error is, as the Worker's `error` event, which ends the job
// waiting on it with a message instead of a progress bar that never moves.
importScripts('./keystone-worker.js');
wasm_bindgen('./keystone-worker_bg.wasm').catch((error) => {
  setTimeout(() => {
    throw error;
  });
});
