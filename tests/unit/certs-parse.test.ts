/**
 * The parsing behind certificates (issue 14): EF.ODF's certificate entries, EF.CDF objects
 * (path, part of a file, value held in the CDF, CA flag), the PrKDF key's iD, PIV
 * certificate objects (gzip by CertInfo), and days left. Malformed card data is a
 * ParseError, never anything else.
 */
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeCertificateObject,
  encodeOdf,
  encodePrivateKey,
  parseCdf,
  parseOdf,
  parsePrkdf,
  type OdfEntry,
} from "../../native-bridge/apdu/pkcs15.js";
import { DER, ParseError, tlv } from "../../native-bridge/apdu/tlv.js";
import { certificateWarnings } from "../../native-bridge/certs/index.js";
import { certificateFromPivObject } from "../../native-bridge/certs/piv.js";
import { testCertificates } from "../../native-bridge/certs/test-ca.js";
import { commonName, describeCertificate } from "../../native-bridge/certs/x509.js";
import { daysLeft } from "../../native-bridge/certs/warnings.js";
import type { CertificateSlot } from "../../native-bridge/certs/types.js";

const hex = (h: string) => Buffer.from(h, "hex");

describe("EF.ODF and EF.CDF", () => {
  it("tells certificates (A4), trusted (A5) and useful (A6) certificates from keys and PINs", () => {
    const odf: OdfEntry[] = [
      { kind: "privateKeys", path: hex("3F0050154402") },
      { kind: "certificates", path: hex("3F0050154403") },
      { kind: "trustedCertificates", path: hex("3F0050154404") },
      { kind: "usefulCertificates", path: hex("3F0050154405") },
      { kind: "authObjects", path: hex("3F0050154401") },
    ];
    const encoded = encodeOdf(odf);
    expect([...encoded].filter((_, i) => i % 12 === 0)).toEqual([0xa0, 0xa4, 0xa5, 0xa6, 0xa8]);
    expect(parseOdf(encoded)).toEqual(odf);
  });

  it("reads a certificate object's label, iD and path, and its CA flag", () => {
    const cdf = Buffer.concat([
      encodeCertificateObject({ label: "Underskrift", id: hex("4502"), path: hex("3F0050154332") }),
      encodeCertificateObject({ label: "CA", id: hex("99"), path: hex("4333"), authority: true }),
    ]);
    expect(parseCdf(cdf)).toEqual([
      { label: "Underskrift", id: hex("4502"), authority: false, path: hex("3F0050154332") },
      { label: "CA", id: hex("99"), authority: true, path: hex("4333") },
    ]);
  });

  it("reads a certificate that is part of a file (Path.index, length) or held in the CDF itself, and skips other types", () => {
    const common = tlv(DER.SEQUENCE, tlv(DER.UTF8_STRING, Buffer.from("X")));
    const attrs = tlv(DER.SEQUENCE, tlv(DER.OCTET_STRING, hex("01")));
    const partPath = tlv(DER.SEQUENCE, tlv(DER.OCTET_STRING, hex("4331")), tlv(DER.INTEGER, hex("10")), tlv(0x80, hex("0200")));
    const inPart = tlv(DER.SEQUENCE, common, attrs, tlv(0xa1, tlv(DER.SEQUENCE, partPath)));
    const direct = tlv(DER.SEQUENCE, common, attrs, tlv(0xa1, tlv(DER.SEQUENCE, tlv(0xa0, hex("3003020101")))));
    const attributeCertificate = tlv(0xa0, common);
    const [part, value] = parseCdf(Buffer.concat([inPart, attributeCertificate, direct]));
    expect(part).toMatchObject({ path: hex("4331"), index: 16, length: 512 });
    expect(value).toMatchObject({ value: hex("3003020101") });
  });

  it("gives the PrKDF key's iD, which ties a certificate to it", () => {
    const prkdf = encodePrivateKey({
      label: "Underskrift",
      id: hex("4502"),
      authId: hex("02"),
      usage: { sign: false, decrypt: false, nonRepudiation: true },
    });
    expect(parsePrkdf(prkdf)[0]).toMatchObject({ id: hex("4502"), authId: hex("02") });
  });

  it("fails with ParseError, never anything else, on random CDF data", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        try {
          parseCdf(bytes);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
    );
  });
});

describe("PIV certificate objects", () => {
  const der = testCertificates([{ commonName: "Parse Test", keyUsage: "critical, digitalSignature" }], 10)![0]!.der;

  it("gives the certificate as stored, or gunzipped where CertInfo bit 01 says so", () => {
    expect(certificateFromPivObject(tlv(0x53, tlv(0x70, der), tlv(0x71, hex("00")), tlv(0xfe)))).toEqual(der);
    expect(certificateFromPivObject(tlv(0x53, tlv(0x70, gzipSync(der)), tlv(0x71, hex("01")), tlv(0xfe)))).toEqual(der);
    expect(certificateFromPivObject(tlv(0x53, tlv(0x70), tlv(0x71, hex("00"))))).toBeNull();
  });

  it("says ParseError for a CertInfo that claims gzip over data that is not", () => {
    expect(() => certificateFromPivObject(tlv(0x53, tlv(0x70, der), tlv(0x71, hex("01"))))).toThrow(ParseError);
    expect(() => certificateFromPivObject(tlv(0x70, der))).toThrow(ParseError);
  });
});

const der = () => testCertificates([{ commonName: "Parse Test", keyUsage: "critical, digitalSignature" }], 10)![0]!.der;

describe("what a person reads about a certificate", () => {
  const slot: CertificateSlot = {
    app: "piv",
    location: "9C",
    label: "x",
    codeId: "auth",
    role: "signing",
    usage: ["nonRepudiation"],
    authority: false,
  };

  it("counts whole days left, rounded down: 0 on the last day, negative once expired", () => {
    const notAfter = new Date("2027-01-04T23:59:59Z");
    expect(daysLeft(notAfter, new Date("2026-11-24T10:00:00Z"))).toBe(41);
    expect(daysLeft(notAfter, new Date("2027-01-04T00:00:01Z"))).toBe(0);
    expect(daysLeft(notAfter, new Date("2027-01-05T00:00:00Z"))).toBe(-1);
  });

  it("names the subject and issuer by their common name, else by the whole name", () => {
    expect(commonName("C=SE\nO=Region\nCN=Anna Andersson")).toBe("Anna Andersson");
    expect(commonName("C=SE\nO=Region")).toBe("C=SE, O=Region");
  });

  it("refuses data that is not X.509 with an error, and describes a certificate from Node's parser", () => {
    expect(() => describeCertificate(hex("300302010a"), slot)).toThrow();
    const der = testCertificates(
      [{ commonName: "Parse Test", keyUsage: "critical, digitalSignature", extendedKeyUsage: "clientAuth" }],
      10,
    )![0]!.der;
    const c = describeCertificate(der, slot);
    expect(c).toMatchObject({ subject: "Parse Test", issuer: "Pinwarden Test CA", daysLeft: 10, codeId: "auth", role: "signing" });
    expect(c.usage).toEqual(["nonRepudiation", "clientAuth"]);
  });

  it("warns about a person's own certificates within the days or expired, soonest first, never a CA's", () => {
    const c = (daysLeft: number, codeId: string | null, authority = false) =>
      ({ ...describeCertificate(der(), slot), daysLeft, codeId, authority }) as ReturnType<typeof describeCertificate>;
    const warned = certificateWarnings([c(61, "auth"), c(60, "sign"), c(-1, "auth"), c(3, null, true)], 60);
    expect(warned.map((w) => ({ codeId: w.codeId, daysLeft: w.daysLeft, expired: w.expired }))).toEqual([
      { codeId: "auth", daysLeft: -1, expired: true },
      { codeId: "sign", daysLeft: 60, expired: false },
    ]);
    expect(warned[0]).toMatchObject({ app: slot.app, subject: "Parse Test", notAfter: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    // The policy's warning off: none.
    expect(certificateWarnings([c(-1, "auth")], null)).toEqual([]);
  });
});
