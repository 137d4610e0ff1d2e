import { render } from "preact";

import { App } from "./app";
import { captureInstallPrompt } from "./app/install";
import { startI18n } from "./i18n";
import { registerServiceWorker } from "./sw-register";
import "./styles.css";

// Before the first render: the language (stored choice, else the browser's) and <html lang>.
startI18n();
// Chromium offers installing once per load, maybe before the first screen: keep the offer.
captureInstallPrompt();

const root = document.getElementById("app");
if (!root) {
  throw new Error("index.html has no #app element");
}
render(<App />, root);

// The service worker exists in production builds only (`npm run dev` serves from Vite).
if (import.meta.env.PROD) {
  window.addEventListener("load", () => void registerServiceWorker());
}
