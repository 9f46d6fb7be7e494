//! The one place that calls `postMessage`: typed messages in an envelope, with their bulk bytes
//! attached and transferred, between the page and its workers.
//!
//! A message is one of the closed enums of [`super::protocol`], as JSON; beside it travel file
//! handles (never their contents) and byte buffers, moved rather than copied. A message that
//! cannot be encoded or decoded is an error for the receiver's handler, never an empty message.

use super::protocol::{ToWorker, WorkerReply};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The worker script, relative to the page so any sub-path works.
const WORKER_URL: &str = "./keystone-worker-start.js";

/// What travels beside a message's JSON.
#[derive(Default)]
pub struct Attachments {
    /// Picked files, as handles: the receiver reads them itself.
    pub files: Vec<web_sys::File>,
    /// Column chunks `(key, bytes)`, transferred.
    pub chunks: Vec<(String, js_sys::Uint8Array)>,
    /// A finished file (a workbook), transferred.
    pub bytes: Option<js_sys::Uint8Array>,
}

impl Attachments {
    /// Only chunks.
    pub fn chunks(chunks: Vec<(String, js_sys::Uint8Array)>) -> Attachments {
        Attachments {
            chunks,
            ..Attachments::default()
        }
    }

    /// Only files.
    pub fn files(files: Vec<web_sys::File>) -> Attachments {
        Attachments {
            files,
            ..Attachments::default()
        }
    }
}

/// A property of a JavaScript object (`undefined` when absent).
pub(super) fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn set(object: &js_sys::Object, name: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(object, &name.into(), value);
}

/// The envelope of `message` and its attachments, and the buffers to transfer with it.
fn envelope(
    message: &impl Serialize,
    attachments: Attachments,
) -> Result<(js_sys::Object, js_sys::Array), String> {
    let json = serde_json::to_string(message).map_err(|e| format!("message not sent: {e}"))?;
    let object = js_sys::Object::new();
    let transfer = js_sys::Array::new();
    set(&object, "json", &json.into());
    let files = js_sys::Array::new();
    for file in &attachments.files {
        files.push(file);
    }
    set(&object, "files", &files);
    let (keys, buffers) = (js_sys::Array::new(), js_sys::Array::new());
    for (key, bytes) in &attachments.chunks {
        keys.push(&key.into());
        buffers.push(&bytes.buffer());
        transfer.push(&bytes.buffer());
    }
    set(&object, "keys", &keys);
    set(&object, "buffers", &buffers);
    if let Some(bytes) = &attachments.bytes {
        set(&object, "bytes", &bytes.buffer());
        transfer.push(&bytes.buffer());
    }
    Ok((object, transfer))
}

/// Opens an envelope: the message and its attachments.
fn open<T: DeserializeOwned>(data: &JsValue) -> Result<(T, Attachments), String> {
    let json = field(data, "json")
        .as_string()
        .ok_or("a message without a body")?;
    let message = serde_json::from_str(&json).map_err(|e| format!("malformed message: {e}"))?;
    let files = js_sys::Array::from(&field(data, "files"))
        .iter()
        .map(JsCast::unchecked_into)
        .collect();
    let keys = js_sys::Array::from(&field(data, "keys"));
    let buffers = js_sys::Array::from(&field(data, "buffers"));
    let chunks = (0..keys.length())
        .map(|i| {
            let key = keys.get(i).as_string().unwrap_or_default();
            (key, js_sys::Uint8Array::new(&buffers.get(i)))
        })
        .collect();
    let bytes = field(data, "bytes");
    let bytes = (!bytes.is_undefined()).then(|| js_sys::Uint8Array::new(&bytes));
    Ok((
        message,
        Attachments {
            files,
            chunks,
            bytes,
        },
    ))
}

/// A message handler's input: the message and its attachments, or why it could not be read.
pub type Received<T> = Result<(T, Attachments), String>;

// The worker's side.

fn scope() -> web_sys::DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// In a worker: sends `reply` to the page. A reply that cannot be encoded becomes `failed`'s.
pub fn reply(reply: &WorkerReply, attachments: Attachments) {
    let sent = envelope(reply, attachments).and_then(|(object, transfer)| {
        scope()
            .post_message_with_transfer(&object, &transfer)
            .map_err(|e| format!("{e:?}"))
    });
    if let Err(why) = sent {
        if let Some(failed) = reply.failed(why) {
            if let Ok((object, transfer)) = envelope(&failed, Attachments::default()) {
                let _ = scope().post_message_with_transfer(&object, &transfer);
            }
        }
    }
}

/// In a worker: hands every message from the page to `handler`, then tells the page it is
/// ready (messages sent before the handler existed would be lost, so the page waits for it).
pub fn listen(mut handler: impl FnMut(Received<ToWorker>) + 'static) {
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            handler(open(&event.data()))
        });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as its scope; the handler must too.
    on_message.forget();
    reply(&WorkerReply::Ready, Attachments::default());
}

// The page's side.

/// The page's handler of a worker's replies.
type OnReply = Rc<dyn Fn(&web_sys::Worker, Received<WorkerReply>)>;

/// Messages waiting for the worker to be ready: `None` once it is.
type Outbox = Rc<RefCell<Option<Vec<(js_sys::Object, js_sys::Array)>>>>;

/// A started worker: messages to it wait until it says it is ready; its replies go to the
/// handler given at the start, and so does any failure to send. Dropping the port terminates
/// the worker.
pub struct WorkerPort {
    worker: web_sys::Worker,
    outbox: Outbox,
    on_reply: OnReply,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl WorkerPort {
    /// Starts a worker; `on_reply` gets the worker and each of its replies but `Ready`.
    pub fn start(
        on_reply: impl Fn(&web_sys::Worker, Received<WorkerReply>) + 'static,
    ) -> Result<WorkerPort, String> {
        let worker = web_sys::Worker::new(WORKER_URL).map_err(|e| format!("{e:?}"))?;
        let outbox: Outbox = Rc::new(RefCell::new(Some(Vec::new())));
        let on_reply: OnReply = Rc::new(on_reply);
        let (flush_worker, flush_outbox, handler) =
            (worker.clone(), outbox.clone(), on_reply.clone());
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| match open::<WorkerReply>(&event.data()) {
                Ok((WorkerReply::Ready, _)) => {
                    let queued = flush_outbox.borrow_mut().take().unwrap_or_default();
                    for (object, transfer) in queued {
                        let _ = flush_worker.post_message_with_transfer(&object, &transfer);
                    }
                }
                received => handler(&flush_worker, received),
            },
        );
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // A worker that dies (a panic aborts it) says nothing more: its error event is the
        // job's end, so no progress bar waits for it forever.
        let (error_worker, error_handler) = (worker.clone(), on_reply.clone());
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
                event.prevent_default();
                error_handler(
                    &error_worker,
                    Ok((
                        WorkerReply::Stopped(event.message()),
                        Attachments::default(),
                    )),
                );
            });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerPort {
            worker,
            outbox,
            on_reply,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Sends now if the worker is ready, or queues until it says so. A message that cannot
    /// be sent goes to the handler as an error.
    pub fn send(&self, message: &ToWorker, attachments: Attachments) {
        let (object, transfer) = match envelope(message, attachments) {
            Ok(envelope) => envelope,
            Err(why) => return (self.on_reply)(&self.worker, Err(why)),
        };
        match self.outbox.borrow_mut().as_mut() {
            Some(queue) => queue.push((object, transfer)),
            None => {
                if let Err(error) = self.worker.post_message_with_transfer(&object, &transfer) {
                    (self.on_reply)(&self.worker, Err(format!("{error:?}")));
                }
            }
        }
    }
}

impl Drop for WorkerPort {
    /// The worker stops at once, whatever it was doing: that is how a job is cancelled.
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Frees an `ArrayBuffer`'s bytes now rather than at the next garbage collection, which in a
/// busy worker may come only after hundreds of megabytes of spent file slices, and on an idle
/// page not for seconds. `transfer(0)` is not enough for buffers the browser made (file reads,
/// messages): it detaches the script's handle, but the browser's own wrapper keeps the bytes
/// until it is collected. Moving the buffer into a message does take them from that wrapper;
/// posted through a channel closed at once, the message and its bytes are dropped.
pub fn release(buffer: &JsValue) {
    if let Ok(channel) = web_sys::MessageChannel::new() {
        let moved = channel
            .port1()
            .post_message_with_transferable(&JsValue::NULL, &js_sys::Array::of1(buffer));
        channel.port1().close();
        channel.port2().close();
        if moved.is_ok() {
            return;
        }
    }
    if let Some(transfer) = field(buffer, "transfer").dyn_ref::<js_sys::Function>() {
        let _ = transfer.call1(buffer, &JsValue::from(0));
    }
}
