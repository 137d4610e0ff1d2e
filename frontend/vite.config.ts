/// <reference types="vitest/config" />
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

import serverPaths from "./src/server-paths.json" with { type: "json" };

// Everything that is not the PWA is Django's: in `npm run dev` those paths go to runserver.
const DJANGO = "http://127.0.0.1:8000";
const djangoPaths = serverPaths.paths.map((path) => path.replace(/\/$/, ""));

export default defineConfig({
  base: "/",
  plugins: [
    preact(),
    // The service worker is ours (src/sw.ts, Workbox modules); the plugin builds it to
    // dist/sw.js and injects the precache list of the build into it.
    VitePWA({
      strategies: "injectManifest",
      srcDir: "src",
      filename: "sw.ts",
      registerType: "prompt",
      injectRegister: false, // src/sw-register.ts registers it (workbox-window, lazily)
      manifest: false, // public/manifest.webmanifest is the manifest
      injectManifest: {
        // wasm: the QR decoder of the Scan screen (zxing-wasm), so that scanning works offline.
        globPatterns: ["**/*.{js,css,html,svg,png,ico,webmanifest,wasm}"],
        rollupFormat: "iife",
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Hashed files under dist/assets/ (Vite's default): Django's WHITENOISE_IMMUTABLE_FILE_TEST
    // relies on the `assets/name-<hash>.ext` shape to cache them forever.
    assetsDir: "assets",
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(djangoPaths.map((path) => [path, { target: DJANGO, changeOrigin: false }])),
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
