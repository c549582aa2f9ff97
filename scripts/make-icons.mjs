// Writes the app icons (public/icons/icon-{192,512}.png and maskable variants) from a tiny
// vector description of the WebProg chip mark, rasterised here so no image tool is needed.
// Run: node scripts/make-icons.mjs (the PNGs are committed).
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BG = [0x0f, 0x17, 0x2a];
const FG = [0x3d, 0x8b, 0xfd];

/** Is the point (x, y) in a 16×16 design space covered by the mark? */
function covered(x, y) {
  const inRect = (x0, y0, x1, y1) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
  const body = inRect(3, 3, 13, 13) && !inRect(4.4, 4.4, 11.6, 11.6);
  const core = inRect(6, 6, 10, 10);
  const pins = [6, 10].some(
    (p) =>
      inRect(p - 0.7, 1, p + 0.7, 3) ||
      inRect(p - 0.7, 13, p + 0.7, 15) ||
      inRect(1, p - 0.7, 3, p + 0.7) ||
      inRect(13, p - 0.7, 15, p + 0.7),
  );
  return body || core || pins;
}

function png(size, padding) {
  const rows = [];
  for (let py = 0; py < size; py++) {
    const row = [0];
    for (let px = 0; px < size; px++) {
      // Supersample 4×4 for smooth edges.
      let hits = 0;
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++) {
          const u = ((px + (sx + 0.5) / 4) / size - padding) / (1 - 2 * padding);
          const v = ((py + (sy + 0.5) / 4) / size - padding) / (1 - 2 * padding);
          if (u >= 0 && u <= 1 && v >= 0 && v <= 1 && covered(u * 16, v * 16)) hits++;
        }
      const a = hits / 16;
      row.push(...BG.map((b, i) => Math.round(b + (FG[i] - b) * a)), 255);
    }
    rows.push(Buffer.from(row));
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

for (const size of [192, 512]) {
  writeFileSync(`public/icons/icon-${size}.png`, png(size, 0.08));
  writeFileSync(`public/icons/maskable-${size}.png`, png(size, 0.2));
}
