// Starts the wasm app. Kept as a file, not inline, so the Content-Security-Policy needs no
// 'unsafe-inline'; paths are relative so dist/ works under any sub-path.
import init from './keystone.js';

await init({ module_or_path: new URL('./keystone_bg.wasm', import.meta.url) });
