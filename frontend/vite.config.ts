/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run build` writes dist/, which Django serves: assets under /static/app/ (WhiteNoise),
// index.html from the SPA host view. `npm run dev` serves the sources at :5173 and forwards
// everything Django answers to ARCHIVIST_DEV_BACKEND (default http://127.0.0.1:8000).
const backend = process.env.ARCHIVIST_DEV_BACKEND ?? "http://127.0.0.1:8000";
const proxied = ["/api", "/admin", "/login", "/logout", "/static"];

export default defineConfig(({ command }) => ({
  base: command === "build" ? "/static/app/" : "/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(proxied.map((prefix) => [prefix, { target: backend }])),
  },
  test: { environment: "jsdom", include: ["src/**/*.test.{ts,tsx}"] },
}));
