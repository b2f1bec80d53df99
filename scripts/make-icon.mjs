// Draws media/lambda-dock.png, the Marketplace icon (vsce wants a PNG there), without any image library:
// a lambda and a dock line, antialiased, on a rounded square. Run it again only to change the icon.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 128;
const background = [232, 89, 12];
const strokes = [
  // [x1, y1, x2, y2, half width], in the SVG icon's proportions
  [34, 19, 50, 19, 6],
  [50, 19, 89, 91, 6],
  [66, 52, 40, 91, 6],
  [18, 109, 110, 109, 5],
];

function distanceToSegment(px, py, [x1, y1, x2, y2]) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}

function insideRoundedSquare(x, y, radius) {
  const cx = Math.min(Math.max(x, radius), size - radius);
  const cy = Math.min(Math.max(y, radius), size - radius);
  return Math.hypot(x - cx, y - cy) <= radius;
}

const raw = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) {
  raw[y * (size * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < size; x++) {
    // 4x4 supersampling for smooth edges
    let cover = 0;
    let ink = 0;
    for (let sy = 0; sy < 4; sy++) {
      for (let sx = 0; sx < 4; sx++) {
        const px = x + (sx + 0.5) / 4;
        const py = y + (sy + 0.5) / 4;
        if (!insideRoundedSquare(px, py, 24)) continue;
        cover++;
        if (strokes.some((s) => distanceToSegment(px, py, s) <= s[4])) ink++;
      }
    }
    const o = y * (size * 4 + 1) + 1 + x * 4;
    const white = cover ? ink / cover : 0;
    for (let c = 0; c < 3; c++) raw[o + c] = Math.round(background[c] * (1 - white) + 255 * white);
    raw[o + 3] = Math.round((cover / 16) * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../media/lambda-dock.png', import.meta.url), png);
console.log(`media/lambda-dock.png: ${png.length} bytes`);
