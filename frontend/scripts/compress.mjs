// After `vite build`: a gzip and a brotli copy beside each hashed asset in dist/assets/
// (name.js → name.js.gz, name.js.br), which whitenoise serves to browsers that accept them —
// Django serves the build, and whitenoise does not compress on the fly. Only the immutable,
// content-hashed files: index.html and sw.js stay as they are (small, revalidated on every
// load, and a copy could fall behind the file if someone edits it in place).
//
//   node scripts/compress.mjs [dist]
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dist = process.argv[2] ?? "dist";
const assets = path.join(dist, "assets");
const COMPRESSIBLE = /\.(js|css|svg|json|wasm|txt)$/;
let written = 0;
for (const name of await readdir(assets)) {
  if (!COMPRESSIBLE.test(name)) continue;
  const file = path.join(assets, name);
  const raw = await readFile(file);
  if (raw.length < 1024) continue;
  const gz = gzipSync(raw, { level: 9 });
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
  // Worth it only when it saves something.
  if (gz.length < raw.length * 0.95) await writeFile(`${file}.gz`, gz), written++;
  if (br.length < raw.length * 0.95) await writeFile(`${file}.br`, br), written++;
}
console.log(`compress: ${written} .gz/.br files in ${assets}`);
