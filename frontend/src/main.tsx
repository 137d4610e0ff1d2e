import { render } from "preact";

import { App } from "./app";
import { startI18n } from "./i18n";
import "./styles.css";

// Before the first render: the language (stored choice, else the browser's) and <html lang>.
startI18n();

const root = document.getElementById("app");
if (!root) {
  throw new Error("index.html has no #app element");
}
render(<App />, root);
