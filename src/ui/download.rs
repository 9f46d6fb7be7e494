//! Offering bytes as a file download, without any network request (a `blob:` URL on an anchor).

use leptos::prelude::document;
use wasm_bindgen::JsCast;

/// Offers `bytes` to the user as a file named `file_name`.
pub fn download_bytes(file_name: &str, mime: &str, bytes: &[u8]) {
    download_array(file_name, mime, &js_sys::Uint8Array::from(bytes));
}

/// Offers bytes already outside wasm memory (a worker's transferred buffer) as a file.
pub fn download_array(file_name: &str, mime: &str, array: &js_sys::Uint8Array) {
    let parts = js_sys::Array::of1(array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(anchor) = document().create_element("a") {
        let _ = anchor.set_attribute("href", &url);
        let _ = anchor.set_attribute("download", file_name);
        if let Some(anchor) = anchor.dyn_ref::<web_sys::HtmlElement>() {
            anchor.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
