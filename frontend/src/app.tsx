import { UpdatePrompt } from "./components/UpdatePrompt";
import { Home } from "./views/home/Home";

/** The app shell: header, the current view, footer. Routing arrives with the real screens. */
export function App() {
  return (
    <div class="shell">
      <header class="shell__header">
        <a class="shell__brand" href="/">
          <img src="/icons/icon.svg" alt="" width="28" height="28" />
          Boardwalk
        </a>
      </header>
      <main class="shell__main">
        <Home />
      </main>
      <footer class="shell__footer">
        <a href="/admin/">Organizer admin</a>
        <a href="/api/v1/docs/">API docs</a>
      </footer>
      <UpdatePrompt />
    </div>
  );
}
