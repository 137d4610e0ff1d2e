/**
 * The camera for the Scan screen: the back camera asked for only when the user presses
 * "Start camera", why it could not be had (refused, none, not a secure page), the torch where
 * the track offers one, and a decode loop over the live video.
 */

import type { QrDetector } from "./decoder";

export type CameraProblem = "denied" | "absent" | "failed";

export class CameraError extends Error {
  constructor(readonly problem: CameraProblem, cause?: unknown) {
    super(`camera: ${problem}`, { cause });
  }
}

/** The back camera's stream; throws CameraError saying why not. */
export async function openCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraError("absent");
  try {
    return await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
  } catch (error) {
    const name = error instanceof DOMException ? error.name : "";
    if (name === "NotAllowedError" || name === "SecurityError") throw new CameraError("denied", error);
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "NotReadableError") throw new CameraError("absent", error);
    throw new CameraError("failed", error);
  }
}

export function closeCamera(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Whether the stream's video track has a torch (Chrome on Android; not Safari, not desktops). */
export function hasTorch(stream: MediaStream): boolean {
  const track = stream.getVideoTracks()[0];
  const capabilities = track?.getCapabilities?.() as (MediaTrackCapabilities & { torch?: boolean }) | undefined;
  return capabilities?.torch === true;
}

export async function setTorch(stream: MediaStream, on: boolean): Promise<void> {
  const track = stream.getVideoTracks()[0];
  await track?.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
}

const FRAME_GAP_MS = 150;
const HAVE_CURRENT_DATA = 2; // HTMLMediaElement.HAVE_CURRENT_DATA

/**
 * Decode frames of `video` until a QR code is read (resolves with its text) or `signal`
 * aborts (resolves with null). A frame the decoder fails on is skipped.
 */
export async function readQr(video: HTMLVideoElement, detector: QrDetector, signal: AbortSignal): Promise<string | null> {
  while (!signal.aborted) {
    if (video.readyState >= HAVE_CURRENT_DATA && video.videoWidth > 0) {
      try {
        const found = (await detector.detect(video)).find((code) => code.rawValue);
        if (found && !signal.aborted) return found.rawValue;
      } catch {
        // a frame it could not read (the video resizing, a torn frame): try the next one
      }
    }
    await new Promise((resolve) => setTimeout(resolve, FRAME_GAP_MS));
  }
  return null;
}
