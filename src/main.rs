//! Entry point: mounts the app in the browser; the native build only points at the right tools.

#[cfg(target_arch = "wasm32")]
fn main() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        keystone::ui::show_crash_screen();
    }));
    leptos::mount::mount_to_body(keystone::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Keystone runs in the browser: `make serve` builds and serves it.");
    std::process::exit(2);
}
