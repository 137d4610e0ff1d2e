/**
 * Photos are downscaled on the device before they are stored and queued: a phone's 12–48 MP
 * picture is 3–15 MB, the server keeps at most 4096 px along the longer edge (PHOTO_MAX_EDGE,
 * planner/images.py) and refuses over 10 MB. 2048 px keeps a poster's small print readable
 * and makes a photo ~0.5 MB, so a day of them fits in IndexedDB and uploads on venue Wi-Fi.
 */

export const PHOTO_MAX_EDGE = 2048;
export const PHOTO_QUALITY = 0.85;

export interface Size {
  width: number;
  height: number;
}

/** The size that fits within `maxEdge` along the longer edge, keeping the aspect ratio; a
 * smaller image is kept as it is (never upscaled). Sides are whole pixels, at least 1. */
export function fitWithin(size: Size, maxEdge: number = PHOTO_MAX_EDGE): Size {
  const longer = Math.max(size.width, size.height);
  if (longer <= maxEdge) return { width: size.width, height: size.height };
  const scale = maxEdge / longer;
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}

type Canvas2d = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

function canvasOf(size: Size): { context: Canvas2d; toBlob: () => Promise<Blob> } {
  if (typeof OffscreenCanvas !== "undefined") {
    const canvas = new OffscreenCanvas(size.width, size.height);
    const context = canvas.getContext("2d");
    if (!context) throw new Error("No 2D canvas");
    return { context, toBlob: () => canvas.convertToBlob({ type: "image/jpeg", quality: PHOTO_QUALITY }) };
  }
  const canvas = document.createElement("canvas");
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("No 2D canvas");
  const toBlob = () =>
    new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("Encoding failed"))), "image/jpeg", PHOTO_QUALITY),
    );
  return { context, toBlob };
}

/** The picked file as a JPEG at most PHOTO_MAX_EDGE px long, upright (the bitmap applies the
 * EXIF orientation) and without metadata (a canvas keeps none, so no location leaves the phone). */
export async function downscale(file: Blob): Promise<Blob> {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  try {
    const size = fitWithin({ width: bitmap.width, height: bitmap.height });
    const { context, toBlob } = canvasOf(size);
    // JPEG has no alpha: a transparent PNG would turn black without a background.
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, size.width, size.height);
    context.drawImage(bitmap, 0, 0, size.width, size.height);
    return await toBlob();
  } finally {
    bitmap.close();
  }
}
