/**
 * Reading codes for the CLI without them ever being a JS string or in argv: a hidden
 * terminal prompt, or lines on standard input. Both give Secrets backed by Buffers.
 */
import { Secret } from "../native-bridge/core/secret.js";

const MAX_CODE = 64;

/** Asks for one code on the terminal with echo off. Resolves null on Ctrl-C / Ctrl-D. */
export function promptHidden(question: string): Promise<Secret | null> {
  const input = process.stdin;
  return new Promise((resolve) => {
    const buf = Buffer.alloc(MAX_CODE);
    let len = 0;
    // Echo off before the question shows, so nothing typed ahead of it is echoed.
    input.setRawMode(true);
    process.stderr.write(question);
    input.resume();
    const finish = (value: Secret | null) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      process.stderr.write("\n");
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const byte of chunk) {
        if (byte === 0x03 || byte === 0x04) {
          buf.fill(0);
          chunk.fill(0);
          return finish(null);
        }
        if (byte === 0x0d || byte === 0x0a) {
          const out = Buffer.from(buf.subarray(0, len));
          buf.fill(0);
          chunk.fill(0);
          return finish(Secret.fromBuffer(out));
        }
        if (byte === 0x7f || byte === 0x08) {
          if (len > 0) buf[--len] = 0;
        } else if (len < MAX_CODE && byte >= 0x20) {
          buf[len++] = byte;
        }
      }
      chunk.fill(0);
    };
    input.on("data", onData);
  });
}

/** Asks a yes/no question on the terminal, answered visibly. Resolves null at end of input. */
export function promptVisible(question: string): Promise<string | null> {
  const input = process.stdin;
  return new Promise((resolve) => {
    process.stderr.write(question);
    const onEnd = () => resolve(null);
    input.resume();
    input.once("end", onEnd);
    input.once("data", (d: Buffer) => {
      input.pause();
      input.off("end", onEnd);
      resolve(d.toString("utf8"));
    });
  });
}

/** Reads `count` codes, one per line, from standard input. */
export async function readCodesFromStdin(count: number): Promise<Secret[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  for (const c of chunks) c.fill(0);
  const codes: Secret[] = [];
  let start = 0;
  for (let i = 0; i <= all.length && codes.length < count; i++) {
    if (i === all.length || all[i] === 0x0a) {
      let end = i;
      if (end > start && all[end - 1] === 0x0d) end--;
      if (end > start || i < all.length) codes.push(Secret.fromBuffer(Buffer.from(all.subarray(start, end))));
      start = i + 1;
    }
  }
  all.fill(0);
  return codes;
}
