import "./scan.css";

import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";

import { getDb, useMe, useProgramVersion } from "../../app/runtime";
import { bundleMetaGet, bundleRows, bundleRowsByIds, type BundleRows, type Stored } from "../../db";
import { errorMessage } from "../../i18n/errors";
import { useTranslation } from "../../i18n/hooks";
import { conversationPath, logBadge, meetupPath } from "./actions";
import { CameraError, closeCamera, hasTorch, openCamera, readQr, setTorch, type CameraProblem } from "./camera";
import { classifyScan, postersOnBoard } from "./classify";

type Poster = Stored<BundleRows["posters"]>;
type CameraState = "off" | "starting" | "on" | CameraProblem | "decoder";
type Message = { tone: "info" | "error"; text: string; link?: { href: string; label: string } };
/** A poster on the typed board: its paper's title and its session (a board is reused by
 * several sessions). */
type Choice = { id: number; board: string; title: string; session: string };

async function describeChoices(slug: string, found: Poster[]): Promise<Choice[]> {
  const db = await getDb();
  const [papers, sessions] = await Promise.all([
    bundleRowsByIds(db, "papers", slug, found.flatMap((p) => (p.paper == null ? [] : [p.paper]))),
    bundleRowsByIds(db, "sessions", slug, found.flatMap((p) => (p.session == null ? [] : [p.session]))),
  ]);
  return found.map((p) => ({
    id: p.id,
    board: p.board ?? "",
    title: (p.paper != null ? papers.get(p.paper)?.title : undefined) || p.title || "",
    session: (p.session != null ? sessions.get(p.session)?.title : undefined) ?? "",
  }));
}

/** `/conferences/:slug/scan`: read a badge or a poster board's QR with the camera, or type a
 * board number / paste a link (`?code=<link>` fills it in). The camera is asked for only when "Start camera" is pressed,
 * and stopped when leaving the screen or when the page is hidden. */
export function Scan() {
  const { t } = useTranslation();
  const { params } = useRoute();
  const { route, query } = useLocation();
  const slug = params.slug ?? "";
  const me = useMe();
  const version = useProgramVersion(slug);
  const [posters, setPosters] = useState<Poster[] | null>(null);
  const [camera, setCamera] = useState<CameraState>("off");
  const [torch, setTorchOn] = useState<boolean | null>(null); // null: no torch
  const [message, setMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  // `?code=`: a badge link opened outside the app (/b/<token>), filled in to log with one tap.
  const [typed, setTyped] = useState(() => query.code ?? "");
  const [choices, setChoices] = useState<Choice[]>([]);
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const reading = useRef<AbortController | null>(null);
  const manual = useRef<HTMLInputElement>(null);
  /** Bumped by every start and stop: a camera granted after a stop (or after leaving the
   * screen) is closed at once. */
  const attempt = useRef(0);
  const cameraNow = useRef(camera);
  cameraNow.current = camera;

  useEffect(() => {
    if (version == null) return;
    void getDb().then(async (db) => setPosters((await bundleMetaGet(db, slug)) ? await bundleRows(db, "posters", slug) : null));
  }, [slug, version]);

  function stop(next: CameraState = "off") {
    attempt.current++;
    reading.current?.abort();
    reading.current = null;
    closeCamera(stream.current);
    stream.current = null;
    if (video.current) video.current.srcObject = null;
    setTorchOn(null);
    setCamera(next);
  }

  // Leaving the screen or hiding the page (another app, the phone locked) turns the camera off.
  useEffect(() => {
    const hidden = () => {
      if (document.visibilityState === "hidden" && (cameraNow.current === "on" || cameraNow.current === "starting")) stop();
    };
    document.addEventListener("visibilitychange", hidden);
    return () => {
      document.removeEventListener("visibilitychange", hidden);
      attempt.current++;
      reading.current?.abort();
      closeCamera(stream.current);
    };
  }, []);

  async function start() {
    setMessage(null);
    setChoices([]);
    const mine = ++attempt.current;
    setCamera("starting");
    // The decoder (its chunk, then its .wasm) loads while the camera starts; a failure is
    // handled where it is awaited.
    const detecting = import("./decoder").then((m) => m.qrDetector());
    detecting.catch(() => undefined);
    let granted: MediaStream;
    try {
      granted = await openCamera();
    } catch (error) {
      if (mine !== attempt.current) return;
      stop(error instanceof CameraError ? error.problem : "failed");
      manual.current?.focus();
      return;
    }
    if (mine !== attempt.current || !video.current) {
      closeCamera(granted); // stopped, hidden or left while the browser asked
      return;
    }
    stream.current = granted;
    const el = video.current;
    el.srcObject = stream.current;
    await el.play().catch(() => undefined);
    setTorchOn(hasTorch(stream.current) ? false : null);
    let detector;
    try {
      detector = await detecting;
    } catch {
      if (mine === attempt.current) stop("decoder");
      return;
    }
    if (mine !== attempt.current) return;
    setCamera("on");
    const abort = new AbortController();
    reading.current = abort;
    const text = await readQr(el, detector, abort.signal);
    if (text === null) return;
    stop();
    await handle(text);
  }

  async function toggleTorch() {
    if (!stream.current || torch === null) return;
    try {
      await setTorch(stream.current, !torch);
      setTorchOn(!torch);
    } catch {
      setTorchOn(null);
    }
  }

  async function handle(text: string) {
    const code = classifyScan(text, slug);
    setChoices([]);
    if (code.kind === "poster") {
      if (posters && !posters.some((p) => p.id === code.id)) {
        setMessage({ tone: "error", text: t("scan.posterUnknown") });
        return;
      }
      route(conversationPath(slug, code.id));
      return;
    }
    if (code.kind === "otherConference") {
      setMessage({ tone: "error", text: t("scan.otherConference", { slug: code.slug }), link: { href: `/conferences/${encodeURIComponent(code.slug)}/`, label: t("scan.openOther") } });
      return;
    }
    if (code.kind === "unknown") {
      setMessage({ tone: "error", text: t("scan.unknownCode") });
      return;
    }
    if (!me) {
      setMessage({ tone: "error", text: t("scan.signInToLog"), link: { href: "/signin", label: t("auth.signIn") } });
      return;
    }
    setBusy(true);
    setMessage({ tone: "info", text: t("scan.logging") });
    try {
      const outcome = await logBadge(slug, text);
      if (outcome.kind === "refused") {
        setMessage({ tone: "error", text: outcome.detail || t("scan.refused") });
        return;
      }
      route(`${meetupPath(slug, outcome.id)}${outcome.again ? "?again=1" : ""}`);
    } catch (error) {
      setMessage({ tone: "error", text: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  }

  async function submitManual(e: Event) {
    e.preventDefault();
    const text = typed.trim();
    if (!text) return;
    if (/^https?:\/\//i.test(text)) {
      void handle(text);
      return;
    }
    setMessage(null);
    if (!posters) {
      setChoices([]);
      setMessage({ tone: "error", text: t("scan.needProgram") });
      return;
    }
    const found = postersOnBoard(posters, text);
    if (found.length === 1) route(conversationPath(slug, found[0]!.id));
    else if (found.length === 0) {
      setChoices([]);
      setMessage({ tone: "error", text: t("scan.noBoard", { board: text }) });
    } else setChoices(await describeChoices(slug, found));
  }

  const problem: Record<string, string> = {
    denied: t("scan.denied"),
    absent: t("scan.absent"),
    failed: t("scan.failed"),
    decoder: t("scan.decoderFailed"),
  };
  const live = camera === "on" || camera === "starting";
  return (
    <section class="scan" aria-labelledby="scan-title">
      <h1 id="scan-title">{t("scan.title")}</h1>
      <p class="muted">{t("scan.hint")}</p>
      <div class={`scan__viewport${live ? " scan__viewport--live" : ""}`}>
        <video ref={video} class="scan__video" muted playsInline aria-label={t("scan.preview")} hidden={!live} />
        {live && <div class="scan__frame" aria-hidden="true" />}
      </div>
      <div class="scan__controls">
        {live ? (
          <button type="button" class="button scan__stop" onClick={() => stop()}>
            {t("scan.stop")}
          </button>
        ) : (
          <button type="button" class="button button--primary scan__start" onClick={() => void start()} disabled={busy}>
            {t("scan.start")}
          </button>
        )}
        {torch !== null && (
          <button type="button" class="button scan__torch" aria-pressed={torch} onClick={() => void toggleTorch()}>
            {t("scan.torch")}
          </button>
        )}
      </div>
      <p class="scan__status" role="status">
        {camera === "starting" ? t("scan.starting") : camera === "on" ? t("scan.looking") : ""}
      </p>
      {problem[camera] && (
        <p class="notice notice--error scan__problem" role="alert">
          {problem[camera]}
        </p>
      )}
      {message && (
        <p class={`notice scan__message${message.tone === "error" ? " notice--error" : ""}`} role={message.tone === "error" ? "alert" : "status"}>
          {message.text} {message.link && <a href={message.link.href}>{message.link.label}</a>}
        </p>
      )}
      <form class="form scan__manual" onSubmit={(e) => void submitManual(e)} noValidate>
        <h2>{t("scan.manualTitle")}</h2>
        <div class="field">
          <label for="scan-manual">{t("scan.manualLabel")}</label>
          <span class="field__hint" id="scan-manual-hint">
            {t("scan.manualHint")}
          </span>
          <input
            ref={manual}
            id="scan-manual"
            type="text"
            inputMode="text"
            autocomplete="off"
            autocapitalize="off"
            spellcheck={false}
            aria-describedby="scan-manual-hint"
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        </div>
        <div class="form__actions">
          <button type="submit" class="button button--primary scan__go" disabled={busy || !typed.trim()}>
            {t("scan.manualSubmit")}
          </button>
        </div>
      </form>
      {choices.length > 0 && (
        <section class="scan__choices" aria-labelledby="scan-choices-title">
          <h2 id="scan-choices-title">{t("scan.boardChoices", { board: typed.trim(), count: choices.length })}</h2>
          <ul>
            {choices.map((poster) => (
              <li key={poster.id}>
                <a href={conversationPath(slug, poster.id)}>
                  <span class="scan__choice-title">
                    <span class="scan__board">{poster.board}</span> {poster.title}
                  </span>
                  {poster.session && <span class="scan__choice-session">{poster.session}</span>}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
