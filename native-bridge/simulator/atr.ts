/** Builds an ATR offering T=0 and T=1 with the given historical bytes (and its TCK). */
export function makeAtr(historical: string): Buffer {
  const hist = Buffer.from(historical, "ascii");
  if (hist.length > 15) throw new RangeError("at most 15 historical bytes");
  const body = Buffer.concat([Buffer.from([0x80 | hist.length, 0x80, 0x01]), hist]);
  const tck = body.reduce((x, b) => x ^ b, 0);
  return Buffer.concat([Buffer.from([0x3b]), body, Buffer.from([tck])]);
}
