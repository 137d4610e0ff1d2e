import { useEffect, useState } from "preact/hooks";

import { useTranslation } from "../../i18n/hooks";
import { qrPath } from "./qr-path";

interface Drawn {
  text: string;
  size: number;
  path: string;
}

/**
 * The QR code of `text` as inline SVG, dark on white in both themes (scanners want contrast).
 * The encoder (uqr) is loaded only when a QR is shown: it stays out of the initial bundle.
 */
export function Qr({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation();
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  useEffect(() => {
    let gone = false;
    void import("uqr").then(({ encode }) => {
      // Medium error correction: a phone screen photographed at an angle, with glare.
      const qr = encode(text, { ecc: "M", border: 2 });
      if (!gone) setDrawn({ text, size: qr.size, path: qrPath(qr.data) });
    });
    return () => {
      gone = true;
    };
  }, [text]);
  if (drawn?.text !== text) return <p class="muted qr qr--loading">{t("calendar.qrLoading")}</p>;
  return (
    <svg class="qr" viewBox={`0 0 ${drawn.size} ${drawn.size}`} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width={drawn.size} height={drawn.size} fill="#ffffff" />
      <path d={drawn.path} fill="#000000" />
    </svg>
  );
}
