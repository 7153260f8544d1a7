/**
 * Certificates on the card (issue 14): where each one is, and what a person needs to know
 * about it. Reading them needs no PIN: certificates are public objects on every family.
 */
import type { CertificateRole } from "../../contract/api.js";
import type { CardLayout } from "../profiles/profile.js";
import type { Family } from "../../contract/families.js";
import type { ApduChannel } from "../pcsc/channel.js";

/**
 * X.509 KeyUsage names (RFC 5280 §4.2.1.3) and, after them, extended key usage names
 * (RFC 5280 §4.2.1.12; Microsoft's smart-card logon) or the OID where no name is known.
 */
export type CertificateUsage = string;

/** identification: log-in (PKCS#15 authentication key, PIV 9A, OpenPGP AUT); the contract's list. */
export type { CertificateRole };

/** Where a certificate is on the card, learned before it is read. */
export interface CertificateSlot {
  app: Family;
  /** PKCS#15: the EF's path in hex; PIV: the key slot (9A, 9C, 9D, 9E); OpenPGP: 7F21. */
  location: string;
  /** PKCS#15: the certificate object's label; PIV / OpenPGP: the slot's name. */
  label: string;
  /** The code that protects the certificate's private key; null: none (PIV 9E) or not known. */
  codeId: string | null;
  /** What the card says the key is for (PrKDF key usage, PIV slot, OpenPGP key). */
  usage: CertificateUsage[];
  /** What the person uses it for; the text names it ("Underskrift", "Signing"). */
  role: CertificateRole;
  /** A CA certificate (PKCS#15 CommonCertificateAttributes.authority): never warned about. */
  authority: boolean;
  /** The certificate itself, where the card's directory holds it (PKCS#15 direct value). */
  inline?: Buffer;
  /** Only this part of the file (PKCS#15 Path.index and Path.length). */
  range?: { index: number; length: number };
}

export interface CardCertificate {
  app: Family;
  location: string;
  label: string;
  /** The subject's common name, or the whole subject where it has none. */
  subject: string;
  issuer: string;
  /** Hex, upper case, as Node's X509Certificate gives it. */
  serial: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter, rounded down; negative once expired. */
  daysLeft: number;
  usage: CertificateUsage[];
  codeId: string | null;
  role: CertificateRole;
  authority: boolean;
  /** SHA-256 of the DER, hex with colons (what OpenSC and yubico-piv-tool can be held to). */
  fingerprint: string;
}

/** One certificate to warn about: the contract's (status --json, the window, the support report). */
export type { CertificateWarning } from "../../contract/api.js";

/** A certificate the card holds but Pinwarden could not read as X.509. */
export interface CertificateProblem {
  app: Family;
  location: string;
  reason: "not-x509" | "unreadable";
  technical?: string;
}

export interface CertificateList {
  reader: string;
  certificates: CardCertificate[];
  problems: CertificateProblem[];
}

/** One family's certificates: where they are, and how one is read. */
export interface CertificateSource<L extends CardLayout = CardLayout> {
  readonly family: Family;
  /**
   * The certificates' slots. PKCS#15 reads EF.ODF, the CDF and the PrKDF for them (and
   * selects the application as it needs); PIV and OpenPGP know theirs without an APDU.
   */
  locate(channel: ApduChannel, layout: L): Promise<CertificateSlot[]>;
  /**
   * One certificate's DER; null: the slot is empty. Selects what it needs itself (a read
   * runs in a transaction of its own, after whatever another program selected).
   */
  read(channel: ApduChannel, layout: L, slot: CertificateSlot): Promise<Buffer | null>;
}
