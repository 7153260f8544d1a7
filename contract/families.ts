/**
 * The card families Pinwarden drives, in their default order: the one list every registry
 * derives from (the profiles, the certificate readers, the virtual cards, the policy's
 * `cardFamilies`, the IPC schemas, the names shown for each). A new family is a row here,
 * its profile (native-bridge/profiles/), its virtual-card twin (native-bridge/simulator/)
 * and its names in the catalogues; the `Record<Family, …>` tables fail to compile until
 * each has one (docs/architecture.md).
 */
export const FAMILIES = ["pkcs15", "piv", "openpgp"] as const;
export type Family = (typeof FAMILIES)[number];

export const isFamily = (value: string): value is Family => (FAMILIES as readonly string[]).includes(value);
