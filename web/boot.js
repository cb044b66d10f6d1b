// Starts the SPA. A file rather than an inline script, so that the
// Content-Security-Policy can forbid inline scripts altogether.
import init from "/__PKG__/chapar-web.js";
init({ module_or_path: "/__PKG__/chapar-web_bg.wasm" });
