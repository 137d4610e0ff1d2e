/// <reference types="vitest/config" />
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// Everything that is not the PWA is Django's: in `npm run dev` those paths go to runserver.
const DJANGO = "http://127.0.0.1:8000";
const djangoPaths = ["/api", "/admin", "/feeds", "/static", "/healthz"];

export default defineConfig({
  base: "/",
  plugins: [preact()],
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
