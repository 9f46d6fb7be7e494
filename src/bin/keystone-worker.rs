//! The import worker's entry point (built by Trunk as a no-modules worker next to the app).

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    keystone::worker::run_worker();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("keystone-worker runs inside the browser, started by the app.");
    std::process::exit(2);
}
