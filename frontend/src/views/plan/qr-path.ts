/** A QR code's modules as one SVG path (one square per dark module, runs merged per row). */
export function qrPath(modules: readonly (readonly boolean[])[]): string {
  const parts: string[] = [];
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const from = x;
      while (row[x]) x++;
      parts.push(`M${from} ${y}h${x - from}v1h-${x - from}z`);
    }
  });
  return parts.join("");
}
