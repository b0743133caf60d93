// Bundle the web editor (Decap CMS from node_modules, never a CDN) into one script.
// Usage: node admin/build.mjs cache/admin/bantin-admin.js   (make admin runs it when stale)
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const outfile = process.argv[2] || "cache/admin/bantin-admin.js";
const started = Date.now();
await build({
  entryPoints: [fileURLToPath(new URL("main.js", import.meta.url))],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  outfile,
  loader: { ".js": "jsx" },
  define: { "process.env.NODE_ENV": '"production"', global: "window" },
  logLevel: "warning",
});
console.log(`Đã đóng gói trình soạn thảo: ${outfile} (${((Date.now() - started) / 1000).toFixed(1)} giây)`);
