/** Small byte helpers shared by the APDU layer, the profiles and the virtual cards. */

export function hex(bytes: Uint8Array | readonly number[]): string {
  return Buffer.from(bytes as Uint8Array)
    .toString("hex")
    .toUpperCase();
}

/** Parses "00 A4 04 00" or "00a40400" into bytes; throws on odd length or non-hex. */
export function fromHex(text: string): Buffer {
  const clean = text.replace(/[\s:]/g, "");
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new Error(`not a hex string: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Buffer.from(clean, "hex");
}

/** Zero-fills every buffer given; used on every buffer that held a code. */
export function wipe(...buffers: (Uint8Array | undefined | null)[]): void {
  for (const b of buffers) b?.fill(0);
}

export function concat(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}
