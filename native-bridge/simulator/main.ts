/**
 * `npm run sim -- --profile pkcs15|piv|openpgp [--port 35963] [--pin 123456]
 *  [--sign-pin 654321] [--puk 12345678] [--apdu-log FILE]`
 *  openpgp only: [--kdf sha256|sha512] (a KDF-DO: the card stores hashed codes)
 *  [--reset-code CODE] (a resetting code is set; none by default)
 *  pkcs15 only: [--quirks a,b,c] (counts-empty-verify, no-pad-char, pins-in-subdf,
 *  local-refs, ef-dir-only, bcd, no-puk-entry; see pkcs15-card.ts)
 *  piv only: [--global-pin] (a non-YubiKey card whose Discovery object makes the global
 *  PIN, reference 00, primary; --pin sets it) [--openpgp] (a security key: PIV and OpenPGP
 *  side by side on one card with the YubiKey 5 ATR; see composite-card.ts)
 *  every family: [--cert-days N] (the card's certificates, made by a test CA with openssl,
 *  expire at the end of the UTC day N days from now; 0 = today, negative = expired)
 * Inserts a virtual card into vpcd's reader until the process is stopped.
 * (The codes given here configure a test card; they are not anybody's real codes.)
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { findOpenssl } from "../certs/test-ca.js";
import { FAMILIES, isFamily } from "../../contract/families.js";
import { createCard, type SimProfile } from "./cards.js";
import { isPkcs15Quirk, PKCS15_QUIRKS } from "./pkcs15-card.js";
import { insertIntoVpcd, VPCD_PORT } from "./vpcd-client.js";

const { values } = parseArgs({
  options: {
    profile: { type: "string", default: "pkcs15" },
    port: { type: "string", default: String(VPCD_PORT) },
    host: { type: "string", default: "127.0.0.1" },
    pin: { type: "string" },
    "sign-pin": { type: "string" },
    puk: { type: "string" },
    "apdu-log": { type: "string" },
    kdf: { type: "string" },
    "reset-code": { type: "string" },
    quirks: { type: "string" },
    "global-pin": { type: "boolean" },
    openpgp: { type: "boolean" },
    "cert-days": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  process.stdout.write(
    "usage: npm run sim -- --profile pkcs15|piv|openpgp [--port 35963] [--pin CODE] [--sign-pin CODE] [--puk CODE] [--apdu-log FILE]\n" +
      "       openpgp only: [--kdf sha256|sha512] [--reset-code CODE]\n" +
      `       pkcs15 only: [--quirks a,b,c] (${PKCS15_QUIRKS.join(", ")})\n` +
      "       piv only: [--global-pin] [--openpgp] (PIV and OpenPGP on one card)\n" +
      "       every profile: [--cert-days N] (its certificates expire N days from now; default 730)\n",
  );
  process.exit(0);
}
const profile = values.profile as SimProfile;
if (!isFamily(profile)) {
  process.stderr.write(`unknown profile ${JSON.stringify(profile)}: use ${FAMILIES.join(", ")}\n`);
  process.exit(2);
}
const kdf = values.kdf;
if (kdf !== undefined && (profile !== "openpgp" || (kdf !== "sha256" && kdf !== "sha512"))) {
  process.stderr.write("--kdf takes sha256 or sha512, with --profile openpgp\n");
  process.exit(2);
}
if (values["reset-code"] !== undefined && profile !== "openpgp") {
  process.stderr.write("--reset-code is for --profile openpgp\n");
  process.exit(2);
}
const quirks = values.quirks === undefined ? undefined : values.quirks.split(",").filter((q) => q.length > 0);
if (quirks !== undefined && (profile !== "pkcs15" || !quirks.every(isPkcs15Quirk))) {
  process.stderr.write(`--quirks is for --profile pkcs15 and takes: ${PKCS15_QUIRKS.join(", ")}\n`);
  process.exit(2);
}
if ((values["global-pin"] || values.openpgp) && profile !== "piv") {
  process.stderr.write("--global-pin and --openpgp are for --profile piv\n");
  process.exit(2);
}
if (values["global-pin"] && values.openpgp) {
  // --openpgp is a YubiKey, and a YubiKey's PIV has no global PIN (see piv-card.ts).
  process.stderr.write("--global-pin and --openpgp do not combine: the security key has no global PIN\n");
  process.exit(2);
}
const certDays = values["cert-days"] === undefined ? undefined : Number(values["cert-days"]);
if (certDays !== undefined && !Number.isInteger(certDays)) {
  process.stderr.write("--cert-days takes a whole number of days (negative: expired that many days ago)\n");
  process.exit(2);
}
const logFile = values["apdu-log"];
if (logFile) writeFileSync(logFile, "");
const card = createCard(
  profile,
  { pin: values.pin, signPin: values["sign-pin"], puk: values.puk, resetCode: values["reset-code"] },
  {
    ...(logFile ? { apduLog: (line: string) => appendFileSync(logFile, line + "\n") } : {}),
    ...(kdf ? { kdf } : {}),
    ...(quirks ? { quirks: quirks.filter(isPkcs15Quirk) } : {}),
    ...(values["global-pin"] ? { globalPin: true } : {}),
    ...(values.openpgp ? { openpgp: true } : {}),
    ...(certDays !== undefined ? { certDays } : {}),
  },
);
// Made now, not at the first read: the first APDU is not slowed down, and the dates show.
type WithCertificates = { certificates?: { location: string; certificate: { notAfter: Date } }[] };
// A security key (--openpgp) holds them in its two applets.
const holders = [card, (card as { piv?: unknown }).piv, (card as { openpgp?: unknown }).openpgp] as (WithCertificates | undefined)[];
const certificates = holders.flatMap((h) => h?.certificates ?? []);
if (certificates.length === 0 && !findOpenssl()) process.stdout.write("no openssl on PATH: the card carries no certificates\n");
for (const c of certificates) process.stdout.write(`certificate ${c.location} expires ${c.certificate.notAfter.toISOString()}\n`);

const port = Number(values.port);
try {
  const inserted = await insertIntoVpcd(card, { host: values.host, port });
  process.stdout.write(`virtual ${profile} card inserted into vpcd at ${values.host}:${port}\n`);
  const stop = () => void inserted.remove().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  await inserted.removed;
  process.stdout.write("vpcd closed the connection: card removed\n");
} catch (error) {
  process.stderr.write(
    `cannot reach vpcd at ${values.host}:${port} (${(error as Error).message}); is pcscd with vsmartcard-vpcd running?\n`,
  );
  process.exit(1);
}
