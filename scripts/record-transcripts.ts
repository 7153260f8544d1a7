/**
 * `npm run transcripts`: rewrites tests/fixtures/transcripts/*.apdu from the in-process
 * virtual cards. Each fixture is one session (status, change, a wrong change, unblock,
 * status) through a fresh CardService, recorded by RecordingReaders with codes masked.
 *
 * tests/unit/replay.test.ts replays each fixture through a fresh CardService. When
 * CardService or a profile changes the APDUs it sends, that test fails and says to run
 * this script; review the diff of the fixtures before committing it.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RecordingReaders } from "../native-bridge/pcsc/recording.js";
import { ReplayReaders, type ReplayOptions } from "../native-bridge/pcsc/replay.js";
import type { ReaderBackend } from "../native-bridge/pcsc/types.js";
import { CardService } from "../native-bridge/service/card-service.js";
import { Secret } from "../native-bridge/core/secret.js";
import type { CardStatus, Result } from "../native-bridge/service/types.js";
import { createCard, type SimProfile } from "../native-bridge/simulator/cards.js";
import { InProcessReaders } from "../native-bridge/simulator/in-process-readers.js";
import type { VirtualCard } from "../native-bridge/simulator/virtual-card.js";

export const TRANSCRIPT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "tests", "fixtures", "transcripts");
export const READER = "Pinwarden Virtual Reader";
export const REGENERATE = "If CardService is meant to send these APDUs now, run `npm run transcripts` and review the fixtures' diff.";

export interface SessionCodes {
  pin: string;
  puk: string;
  newPin: string;
  /** A wrong current PIN for the failed change, and the (valid) new PIN it asks for. */
  wrongPin: string;
  otherPin: string;
  /** The PIN the unblock sets. */
  unblockedPin: string;
}

export interface TranscriptSession {
  /** File name under tests/fixtures/transcripts/. */
  file: string;
  profile: SimProfile;
  pinId: string;
  /** The code unblockPin names with `using` (OpenPGP: "admin"), if any. */
  using?: string;
  codes: SessionCodes;
}

const DEFAULT_CODES: SessionCodes = {
  pin: "123456",
  puk: "12345678",
  newPin: "246810",
  wrongPin: "999999",
  otherPin: "470319",
  unblockedPin: "135790",
};

/** One session per family, on the simulator's default cards and codes. */
export const SESSIONS: TranscriptSession[] = [
  { file: "pkcs15-session.apdu", profile: "pkcs15", pinId: "auth", codes: DEFAULT_CODES },
  { file: "piv-session.apdu", profile: "piv", pinId: "auth", codes: DEFAULT_CODES },
  { file: "openpgp-session.apdu", profile: "openpgp", pinId: "user", using: "admin", codes: DEFAULT_CODES },
];

const s = (text: string) => Secret.fromString(text);

export type Note = (text: string) => void;

/**
 * The session's operations, in order: status, change, a change with a wrong current PIN,
 * unblock, status. `note` marks each in the transcript.
 */
export async function runSession(session: TranscriptSession, service: CardService, note: Note = () => undefined) {
  const { pinId, codes } = session;
  const results: Result<CardStatus>[] = [];
  note("status");
  results.push(await service.status());
  note(`change-pin ${pinId}`);
  results.push(await service.changePin(pinId, s(codes.pin), s(codes.newPin)));
  note(`change-pin ${pinId}, with a wrong current PIN`);
  results.push(await service.changePin(pinId, s(codes.wrongPin), s(codes.otherPin)));
  note(`unblock-pin ${pinId}${session.using ? ` --with ${session.using}` : ""}`);
  results.push(await service.unblockPin(pinId, s(codes.puk), s(codes.unblockedPin), session.using ? { using: session.using } : {}));
  note("status");
  results.push(await service.status());
  return results;
}

export function cardFor(session: TranscriptSession): VirtualCard {
  const { codes } = session;
  return createCard(session.profile, { pin: codes.pin, puk: codes.puk });
}

/** Runs the session on a fresh virtual card, recording it. */
export async function recordSession(session: TranscriptSession, card: VirtualCard = cardFor(session)) {
  const readers = new InProcessReaders([READER]);
  readers.insert(card);
  const lines: string[] = [];
  const recorder = new RecordingReaders(readers, (line) => lines.push(line), [
    `Recorded from the in-process virtual ${session.profile} card (native-bridge/simulator,`,
    "not a real card) by `npm run transcripts` (scripts/record-transcripts.ts). Do not edit:",
    "regenerate. Codes are masked; the session: status, change, a wrong change, unblock, status.",
  ]);
  const service = new CardService(recorder);
  try {
    const results = await runSession(session, service, (t) => recorder.comment(t));
    return { text: lines.join("\n") + "\n", results, card };
  } finally {
    service.close();
    await recorder.close();
  }
}

/** Replays the session's operations through a fresh CardService on `backend`. */
export async function replaySession(session: TranscriptSession, backend: ReaderBackend) {
  const service = new CardService(backend);
  try {
    return await runSession(session, service);
  } finally {
    service.close();
  }
}

export function replayOf(text: string, source: string, options: ReplayOptions = {}): ReplayReaders {
  return new ReplayReaders(text, { source, hint: REGENERATE, ...options });
}

async function main(): Promise<void> {
  for (const session of SESSIONS) {
    const { text } = await recordSession(session);
    const path = join(TRANSCRIPT_DIR, session.file);
    writeFileSync(path, text);
    process.stdout.write(`${path}: ${text.split("\n").filter((l) => l.startsWith("=>")).length} APDUs\n`);
  }
}

if (process.argv[1] && /record-transcripts\.ts$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
