import { render } from "preact";

import { App } from "./app";
import { registerServiceWorker } from "./sw-register";
import "./styles.css";

const root = document.getElementById("app");
if (!root) {
  throw new Error("index.html has no #app element");
}
render(<App />, root);

// The service worker exists in production builds only (`npm run dev` serves from Vite).
if (import.meta.env.PROD) {
  window.addEventListener("load", () => void registerServiceWorker());
}
