/**
 * The QR decoder: the browser's own `BarcodeDetector` where it reads QR codes (Chrome on
 * Android, Safari 17+ with the flag…), else the `barcode-detector` ponyfill on zxing-wasm.
 * Its .wasm is ours: bundled by Vite (`?url`, a hashed file under /assets/, precached by the
 * service worker so scanning works offline) and handed to zxing-wasm through `locateFile`;
 * the package would otherwise fetch it from a CDN, which the CSP refuses anyway. This module
 * is imported only by the Scan screen (a lazy chunk): nothing of the decoder is in the
 * initial JS.
 */

import wasmUrl from "zxing-wasm/reader/zxing_reader.wasm?url";

export interface Detected {
  rawValue: string;
}

export interface QrDetector {
  /** "native" or "zxing": which one reads (shown nowhere, reported to tests). */
  readonly engine: "native" | "zxing";
  detect(source: ImageBitmapSource): Promise<Detected[]>;
}

interface NativeDetectorClass {
  new (options: { formats: string[] }): { detect(source: ImageBitmapSource): Promise<Detected[]> };
  getSupportedFormats(): Promise<string[]>;
}

let loading: Promise<QrDetector> | null = null;

async function native(): Promise<QrDetector | null> {
  const Native = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
  if (!Native) return null;
  try {
    if (!(await Native.getSupportedFormats()).includes("qr_code")) return null;
    const detector = new Native({ formats: ["qr_code"] });
    return { engine: "native", detect: (source) => detector.detect(source) };
  } catch {
    return null;
  }
}

async function zxing(): Promise<QrDetector> {
  const { BarcodeDetector, prepareZXingModule } = await import("barcode-detector/ponyfill");
  // The .wasm from our own origin (absolute: locateFile's prefix would be the chunk's folder).
  const url = new URL(wasmUrl, location.href).href;
  await prepareZXingModule({
    overrides: { locateFile: (path: string, prefix: string) => (path.endsWith(".wasm") ? url : prefix + path) },
    fireImmediately: true,
  });
  const detector = new BarcodeDetector({ formats: ["qr_code"] });
  return { engine: "zxing", detect: (source) => detector.detect(source) };
}

/** One decoder per page, made on first use. A failed load is tried again on the next call. */
export function qrDetector(): Promise<QrDetector> {
  loading ??= (async () => (await native()) ?? (await zxing()))().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}
