// The admin SPA: built into dist/web, which the Kizuna server serves at "/".
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    // Small enough to read in the browser's dev tools when a shop reports a problem.
    sourcemap: true,
  },
  logLevel: "warn",
});
