/**
 * Real certificates for the virtual cards: a test CA and one leaf per key, made by Debian's
 * `openssl` (Node's crypto makes keys but not certificates). Made once per process for a
 * given set of requests and expiry, and only when a card is first asked for one, so a test
 * that never reads a certificate never starts openssl. Test material, not anybody's keys.
 *
 * A card made with `certDays: N` holds leaves that expire at the end of the UTC day N days
 * from now (23:59:59Z): "expires in N days" for the whole of today, as a person counts
 * it, and Pinwarden's daysLeft (whole days, rounded down) says N. N may be 0 (expires
 * today) or negative (expired N days ago).
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** Two years: a fresh card's certificates, well outside any warning. */
export const DEFAULT_CERT_DAYS = 730;

export interface TestCertificateRequest {
  commonName: string;
  /** openssl's keyUsage extension value, e.g. "critical, digitalSignature, nonRepudiation". */
  keyUsage: string;
  extendedKeyUsage?: string;
}

export interface TestCertificate {
  der: Buffer;
  pem: string;
  notBefore: Date;
  notAfter: Date;
}

export const TEST_CA_NAME = "Pinwarden Test CA";

let opensslPath: string | null | undefined;

/** Where `openssl` is on PATH; null where it is not (the virtual cards then carry no certificates). */
export function findOpenssl(): string | null {
  if (opensslPath !== undefined) return opensslPath;
  const names = process.platform === "win32" ? ["openssl.exe"] : ["openssl"];
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of names) if (existsSync(join(dir, name))) return (opensslPath = join(dir, name));
  }
  return (opensslPath = null);
}

/** OpenSSL `ca -startdate/-enddate` form: YYMMDDHHMMSSZ (UTCTime). */
function asn1Time(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

/** The validity a card made now with `days` gets. */
export function validityFor(days: number, now: Date = new Date()): { notBefore: Date; notAfter: Date } {
  const notAfter = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, 23, 59, 59));
  const yesterday = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const notBefore = notAfter > yesterday ? yesterday : new Date(notAfter.getTime() - 365 * 24 * 60 * 60 * 1000);
  return { notBefore: new Date(Math.floor(notBefore.getTime() / 1000) * 1000), notAfter };
}

const made = new Map<string, TestCertificate[] | null>();

/**
 * One certificate per request, issued by the test CA, valid per `validityFor(days)`.
 * null where openssl is not installed. Cached per process by (requests, days).
 */
export function testCertificates(requests: readonly TestCertificateRequest[], days: number = DEFAULT_CERT_DAYS): TestCertificate[] | null {
  const key = JSON.stringify([requests, days]);
  if (made.has(key)) return made.get(key)!;
  const openssl = findOpenssl();
  const result = openssl ? issue(openssl, requests, days) : null;
  made.set(key, result);
  return result;
}

function issue(openssl: string, requests: readonly TestCertificateRequest[], days: number): TestCertificate[] {
  const dir = mkdtempSync(join(tmpdir(), "pinwarden-test-ca-"));
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  try {
    const extensions = requests
      .map(
        (r, i) =>
          `[leaf${i}]\nbasicConstraints = CA:FALSE\nkeyUsage = ${r.keyUsage}\n` +
          (r.extendedKeyUsage ? `extendedKeyUsage = ${r.extendedKeyUsage}\n` : "") +
          "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n",
      )
      .join("\n");
    writeFileSync(
      join(dir, "ca.cnf"),
      `[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n` +
        `default_md = sha256\npolicy = anything\nunique_subject = no\nemail_in_dn = no\ncopy_extensions = none\n` +
        `[anything]\ncommonName = supplied\norganizationName = optional\ncountryName = optional\n` +
        `[req]\ndistinguished_name = dn\n[dn]\n[ca_ext]\nbasicConstraints = critical, CA:TRUE\n` +
        `keyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n\n${extensions}`,
    );
    writeFileSync(join(dir, "index.txt"), "");
    writeFileSync(join(dir, "serial"), `${(BigInt(Date.now()) * 4096n).toString(16).toUpperCase()}01\n`);
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    run(
      "req",
      "-config",
      "ca.cnf",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "3650",
      "-subj",
      `/O=Pinwarden/CN=${TEST_CA_NAME}`,
      "-extensions",
      "ca_ext",
    );
    const { notBefore, notAfter } = validityFor(days);
    return requests.map((r, i) => {
      run(
        "req",
        "-config",
        "ca.cnf",
        "-new",
        ...ec,
        "-keyout",
        `leaf${i}.key`,
        "-out",
        `leaf${i}.csr`,
        "-subj",
        `/O=Pinwarden/CN=${r.commonName}`,
      );
      run(
        "ca",
        "-batch",
        "-config",
        "ca.cnf",
        "-cert",
        "ca.pem",
        "-keyfile",
        "ca.key",
        "-in",
        `leaf${i}.csr`,
        "-out",
        `leaf${i}.pem`,
        "-notext",
        "-startdate",
        asn1Time(notBefore),
        "-enddate",
        asn1Time(notAfter),
        "-extensions",
        `leaf${i}`,
      );
      const pem = readFileSync(join(dir, `leaf${i}.pem`), "utf8");
      const x509 = new X509Certificate(pem);
      return { der: x509.raw, pem: x509.toString(), notBefore: new Date(x509.validFrom), notAfter: new Date(x509.validTo) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Answers longer than the command's Le the way a short-APDU card gives them: the first
 * part with 61xx, the rest through GET RESPONSE (ISO 7816-4 §5.3.4; OpenSC, GnuPG and
 * yubico-piv-tool send GET RESPONSE on 61xx). The virtual PIV and OpenPGP cards use it
 * for certificates, which are longer than one short answer.
 */
export class ResponseChain {
  #pending: Buffer | undefined;

  /** `data` for a command that asked for `le` bytes (undefined / 256: a short Le of 00). */
  answer(data: Buffer, le: number | undefined): { data?: Buffer; sw: number } {
    const max = le ?? 256;
    if (data.length <= max) {
      this.#pending = undefined;
      return { data, sw: 0x9000 };
    }
    this.#pending = data.subarray(max);
    return { data: data.subarray(0, max), sw: 0x6100 | Math.min(this.#pending.length, 0xff) };
  }

  /**
   * GET RESPONSE: the next part. With nothing pending the command is out of place: 6985,
   * "conditions of use not satisfied" (ISO 7816-4 §5.6, table 6); no client sends it then
   * (OpenSC apdu.c and Pinwarden's channel.ts send GET RESPONSE only after 61xx).
   */
  next(le: number | undefined): { data?: Buffer; sw: number } {
    const pending = this.#pending;
    if (!pending) return { sw: 0x6985 };
    return this.answer(pending, le);
  }

  clear(): void {
    this.#pending = undefined;
  }
}
