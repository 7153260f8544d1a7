/**
 * The Windows side of machine policy: `reg query` on HKLM\SOFTWARE\Policies\Pinwarden and
 * the conversion of what Group Policy wrote (REG_SZ, REG_DWORD, REG_MULTI_SZ, subkeys for
 * pin and puk) into policy values. Parsing is separate from running `reg` so it is tested
 * on any machine.
 */
import { execFileSync } from "node:child_process";
import { POLICY_KEYS, REGISTRY_KEY, type RegistryReader } from "./policy.js";

type RegValue = string | number | string[];
export type RegTree = { values: Record<string, RegValue>; subkeys: Record<string, RegTree> };

/** Parses `reg query KEY /s` output into a tree under KEY. */
export function parseRegQuery(output: string, root = REGISTRY_KEY): RegTree {
  const tree: RegTree = { values: {}, subkeys: {} };
  const rootLong = root.replace(/^HKLM\\/i, "HKEY_LOCAL_MACHINE\\").toLowerCase();
  let current: RegTree | undefined;
  for (const raw of output.split(/\r?\n/)) {
    if (/^HKEY_/i.test(raw)) {
      const path = raw.trim().toLowerCase();
      if (!path.startsWith(rootLong)) {
        current = undefined;
        continue;
      }
      current = tree;
      for (const part of raw.trim().slice(rootLong.length).split("\\").filter(Boolean)) {
        current = current.subkeys[part] ??= { values: {}, subkeys: {} };
      }
      continue;
    }
    const m = /^\s+(.+?)\s{4}(REG_[A-Z_]+)\s{4}?(.*)$/.exec(raw);
    if (!m || !current) continue;
    const [, name, type, data = ""] = m;
    if (type === "REG_DWORD" || type === "REG_QWORD") current.values[name!] = Number(data.trim());
    else if (type === "REG_MULTI_SZ") current.values[name!] = data.split("\\0").filter((s) => s.length > 0);
    else current.values[name!] = data;
  }
  return tree;
}

/** Registry values → policy values, by each key's declared type (DWORD 0/1 → boolean …). */
export function registryToPolicy(tree: RegTree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree.values)) {
    const spec = POLICY_KEYS[key as keyof typeof POLICY_KEYS];
    if (!spec) {
      out[key] = value;
      continue;
    }
    if (spec.type === "boolean" && typeof value === "number") out[key] = value !== 0;
    else if (Array.isArray(spec.default) && typeof value === "string")
      out[key] = value
        .split(/[;\n]/)
        .map((s) => s.trim())
        .filter(Boolean);
    else if (spec.default === null && value === "") out[key] = null;
    else out[key] = value;
  }
  for (const [name, sub] of Object.entries(tree.subkeys)) {
    const key = Object.keys(POLICY_KEYS).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    out[key] = { ...sub.values };
  }
  return out;
}

/** Reads the policy key with `reg query`; null off Windows or where the key does not exist. */
export const windowsRegistry: RegistryReader = () => {
  if (process.platform !== "win32") return null;
  try {
    const output = execFileSync("reg", ["query", REGISTRY_KEY, "/s"], { encoding: "utf8", windowsHide: true, timeout: 5000 });
    return registryToPolicy(parseRegQuery(output));
  } catch {
    return null;
  }
};
