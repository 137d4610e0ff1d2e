import { afterEach, describe, expect, it, vi } from "vitest";

import { CameraError, closeCamera, hasTorch, openCamera, readQr, setTorch } from "./camera";
import type { QrDetector } from "./decoder";

function track(capabilities: Record<string, unknown> | null) {
  return {
    stopped: false,
    constraints: [] as unknown[],
    getCapabilities: capabilities === null ? undefined : () => capabilities,
    applyConstraints(c: unknown) {
      this.constraints.push(c);
      return Promise.resolve();
    },
    stop() {
      this.stopped = true;
    },
  };
}
const streamOf = (t: ReturnType<typeof track>) => ({ getVideoTracks: () => [t], getTracks: () => [t] }) as unknown as MediaStream;

afterEach(() => vi.unstubAllGlobals());

describe("the torch", () => {
  it("is offered only where the track says it has one, and switched by a constraint", async () => {
    expect(hasTorch(streamOf(track({ torch: true })))).toBe(true);
    expect(hasTorch(streamOf(track({ torch: false })))).toBe(false);
    expect(hasTorch(streamOf(track({})))).toBe(false);
    expect(hasTorch(streamOf(track(null)))).toBe(false); // Firefox: no getCapabilities
    const t = track({ torch: true });
    await setTorch(streamOf(t), true);
    expect(t.constraints).toEqual([{ advanced: [{ torch: true }] }]);
  });

  it("closing the camera stops its tracks", () => {
    const t = track({});
    closeCamera(streamOf(t));
    expect(t.stopped).toBe(true);
    closeCamera(null);
  });
});

describe("asking for the camera", () => {
  const refuse = (name: string) =>
    vi.stubGlobal("navigator", { mediaDevices: { getUserMedia: () => Promise.reject(new DOMException("no", name)) } });

  it("says why not: refused, none, or another failure", async () => {
    refuse("NotAllowedError");
    await expect(openCamera()).rejects.toMatchObject({ problem: "denied" });
    refuse("NotFoundError");
    await expect(openCamera()).rejects.toMatchObject({ problem: "absent" });
    refuse("AbortError");
    await expect(openCamera()).rejects.toMatchObject({ problem: "failed" });
    vi.stubGlobal("navigator", {}); // an insecure page or an old browser: no mediaDevices
    await expect(openCamera()).rejects.toBeInstanceOf(CameraError);
  });

  it("asks for the back camera, video only", async () => {
    const getUserMedia = vi.fn(() => Promise.resolve("stream"));
    vi.stubGlobal("navigator", { mediaDevices: { getUserMedia } });
    expect(await openCamera()).toBe("stream");
    expect(getUserMedia).toHaveBeenCalledWith({ video: { facingMode: { ideal: "environment" } }, audio: false });
  });
});

describe("reading the video", () => {
  it("skips frames not ready or unreadable, returns the first code read", async () => {
    const video = { readyState: 0, videoWidth: 0 } as HTMLVideoElement;
    const answers: (() => Promise<{ rawValue: string }[]>)[] = [
      () => Promise.reject(new Error("torn frame")),
      () => Promise.resolve([]),
      () => Promise.resolve([{ rawValue: "" }, { rawValue: "https://x.example/b/AbCdEfGhIjKl" }]),
    ];
    const detector: QrDetector = { engine: "zxing", detect: vi.fn(() => answers.shift()!()) };
    setTimeout(() => Object.assign(video, { readyState: 4, videoWidth: 640 }), 200);
    expect(await readQr(video, detector, new AbortController().signal)).toBe("https://x.example/b/AbCdEfGhIjKl");
    expect(detector.detect).toHaveBeenCalledTimes(3);
  });

  it("stops with nothing when aborted", async () => {
    const abort = new AbortController();
    const detector: QrDetector = { engine: "native", detect: () => Promise.resolve([]) };
    setTimeout(() => abort.abort(), 300);
    expect(await readQr({ readyState: 4, videoWidth: 640 } as HTMLVideoElement, detector, abort.signal)).toBeNull();
  });
});
