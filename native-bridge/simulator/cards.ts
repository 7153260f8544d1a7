/** Creates a virtual card of a family with the simulator's default codes. */
import { OpenPgpCard, type OpenPgpKdf } from "./openpgp-card.js";
import { Pkcs15Card, type Pkcs15Quirk } from "./pkcs15-card.js";
import { CompositeCard } from "./composite-card.js";
import { PivCard } from "./piv-card.js";
import type { VirtualCard, VirtualCardOptions } from "./virtual-card.js";
import type { Family } from "../../contract/families.js";

/** A virtual card per family (contract/families.ts): `Record<Family, …>` below misses none. */
export type SimProfile = Family;

export interface SimCodes {
  /** pkcs15: identification PIN; piv: PIN; openpgp: PW1. */
  pin?: string | undefined;
  /** pkcs15 only: signing PIN. */
  signPin?: string | undefined;
  /** pkcs15/piv: PUK; openpgp: PW3 (admin PIN). */
  puk?: string | undefined;
  /** openpgp only: the resetting code (unset unless given). */
  resetCode?: string | undefined;
}

/** openpgp only: the card's KDF-DO (`--kdf sha256|sha512`), see openpgp-card.ts. */
export interface SimOpenPgpOptions {
  kdf?: OpenPgpKdf | undefined;
}

/** pkcs15 only: the card's quirks (`--quirks a,b,c`), see pkcs15-card.ts. */
export interface SimPkcs15Options {
  quirks?: readonly Pkcs15Quirk[] | undefined;
}

/**
 * piv only: `--global-pin`, a non-YubiKey PIV card whose Discovery object makes the global
 * PIN primary (the PIN given is the global PIN); `--openpgp`, a security key carrying PIV
 * and OpenPGP side by side (composite-card.ts). See piv-card.ts.
 */
export interface SimPivOptions {
  globalPin?: boolean | undefined;
  openpgp?: boolean | undefined;
}

/**
 * Every family: the certificates (made by a test CA with openssl, certs/test-ca.ts) expire
 * at the end of the UTC day `certDays` from now (`--cert-days N`; default two years).
 */
export interface SimCertificateOptions {
  certDays?: number | undefined;
}

export function createCard(
  profile: SimProfile,
  codes: SimCodes = {},
  options: VirtualCardOptions & SimOpenPgpOptions & SimPkcs15Options & SimPivOptions & SimCertificateOptions = {},
): VirtualCard {
  const certs = options.certDays !== undefined ? { certDays: options.certDays } : {};
  switch (profile) {
    case "pkcs15":
      return new Pkcs15Card({
        ...options,
        pin: codes.pin,
        signPin: codes.signPin,
        puk: codes.puk,
        ...(options.quirks ? { quirks: options.quirks } : {}),
      });
    case "piv":
      if (options.openpgp) {
        return new CompositeCard({
          ...pick(options),
          // A YubiKey: no global PIN (piv-card.ts), so `globalPin` does not combine with it.
          piv: { pin: codes.pin, puk: codes.puk, ...certs },
          openpgp: {
            pin: codes.pin,
            adminPin: codes.puk,
            resetCode: codes.resetCode,
            ...(options.kdf ? { kdf: options.kdf } : {}),
            ...certs,
          },
        });
      }
      if (options.globalPin) return new PivCard({ ...pick(options), globalPin: true, global: codes.pin, puk: codes.puk, ...certs });
      return new PivCard({ ...pick(options), pin: codes.pin, puk: codes.puk, ...certs });
    case "openpgp":
      return new OpenPgpCard({ ...options, pin: codes.pin, adminPin: codes.puk, resetCode: codes.resetCode });
  }
}

/** The options every virtual card takes. */
function pick(options: VirtualCardOptions): VirtualCardOptions {
  return { ...(options.apduLog ? { apduLog: options.apduLog } : {}), ...(options.faults ? { faults: options.faults } : {}) };
}
