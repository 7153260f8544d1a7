/**
 * `npm run icons`: draws the tray icons (one per state, for light and dark taskbars, at 1x
 * and 2x), their Windows ICOs, and the app icon, into assets/. Plain Node: a tiny
 * rasteriser and PNG encoder, so the icons are reproducible from this file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { TRAY_STATES, type TrayState } from "../host/tray-state.js";

type RGBA = [number, number, number, number];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size: number, pixels: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) Buffer.from(pixels.buffer, y * size * 4, size * 4).copy(rows, y * (size * 4 + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
/** An ICO holding PNG images (supported since Windows Vista). */
function ico(images: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4);
    e.writeUInt16LE(32, 6);
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

/** Draws with 4×4 supersampling: a card with a chip, and a badge in the state's colour. */
function draw(size: number, state: TrayState | "app", dark: boolean): Buffer {
  const px = new Uint8Array(size * size * 4);
  const card: RGBA = dark ? [235, 238, 242, 255] : [32, 41, 54, 255];
  const chip: RGBA = [214, 168, 52, 255];
  const badge: Record<string, RGBA | null> = {
    ready: [34, 139, 58, 255],
    low: [222, 142, 0, 255],
    blocked: [196, 18, 36, 255],
    busy: [0, 102, 204, 255],
    "no-card": null,
    "no-reader": [120, 120, 120, 255],
    "no-service": [120, 120, 120, 255],
    unsupported: [120, 120, 120, 255],
    app: [0, 90, 156, 255],
  };
  const s = size;
  const inRoundRect = (x: number, y: number, x0: number, y0: number, x1: number, y1: number, r: number) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
  const faded = state === "no-card" || state === "no-reader" || state === "no-service";
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < s; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const u = (x + (sx + 0.5) / 4) / s;
          const v = (y + (sy + 0.5) / 4) / s;
          let c: RGBA | null = null;
          if (inRoundRect(u, v, 0.06, 0.2, 0.86, 0.78, 0.08)) c = faded ? [card[0], card[1], card[2], 110] : card;
          if (inRoundRect(u, v, 0.17, 0.36, 0.38, 0.55, 0.03)) c = faded ? [chip[0], chip[1], chip[2], 110] : chip;
          const b = badge[state];
          if (b && (u - 0.76) ** 2 + (v - 0.74) ** 2 <= 0.2 ** 2)
            c = (u - 0.76) ** 2 + (v - 0.74) ** 2 <= 0.16 ** 2 ? b : [255, 255, 255, 255];
          if (c) {
            acc[0]! += c[0] * c[3];
            acc[1]! += c[1] * c[3];
            acc[2]! += c[2] * c[3];
            acc[3]! += c[3];
          }
        }
      }
      const i = (y * s + x) * 4;
      const a = acc[3]! / 16;
      px[i] = acc[3] ? Math.round(acc[0]! / acc[3]!) : 0;
      px[i + 1] = acc[3] ? Math.round(acc[1]! / acc[3]!) : 0;
      px[i + 2] = acc[3] ? Math.round(acc[2]! / acc[3]!) : 0;
      px[i + 3] = Math.round(a);
    }
  }
  return png(size, px);
}

mkdirSync("assets/tray", { recursive: true });
for (const state of TRAY_STATES) {
  for (const theme of ["light", "dark"] as const) {
    const one = draw(16, state, theme === "dark");
    const two = draw(32, state, theme === "dark");
    writeFileSync(`assets/tray/${state}-${theme}.png`, one);
    writeFileSync(`assets/tray/${state}-${theme}@2x.png`, two);
    writeFileSync(
      `assets/tray/${state}-${theme}.ico`,
      ico([
        { size: 16, data: one },
        { size: 32, data: two },
        { size: 48, data: draw(48, state, theme === "dark") },
      ]),
    );
  }
}
const appSizes = [16, 32, 48, 256];
writeFileSync("assets/icon.png", draw(512, "app", false));
writeFileSync("assets/icon.ico", ico(appSizes.map((size) => ({ size, data: draw(size, "app", false) }))));
process.stdout.write(`wrote ${TRAY_STATES.length * 6} tray icons and the app icon\n`);
