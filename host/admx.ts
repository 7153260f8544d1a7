/**
 * The Group Policy templates (ADMX and its ADML in en-US and sv-SE), generated from the
 * policy schema so the docs, the templates and the code cannot drift. `npm run admx` writes
 * them to assets/policy/; a test regenerates them and compares.
 */
import { POLICY_KEYS, type PolicyKey } from "./policy.js";

const NS = "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions";
const KEY = "SOFTWARE\\Policies\\Pinwarden";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

type Kind = "boolean" | "text" | "list" | "enum" | "lengths";
function kindOf(key: PolicyKey): Kind {
  const spec = POLICY_KEYS[key];
  if (spec.type === "boolean") return "boolean";
  if (key === "pin" || key === "puk") return "lengths";
  if (key === "language" || key === "logLevel") return "enum";
  if (Array.isArray(spec.default)) return "list";
  return "text";
}

const ENUMS: Partial<Record<PolicyKey, string[]>> = { language: ["sv", "en"], logLevel: ["error", "warn", "info", "debug"] };

function policyXml(key: PolicyKey): string {
  const head = `displayName="$(string.${key})" explainText="$(string.${key}_Help)"`;
  const common = `<parentCategory ref="Pinwarden" /><supportedOn ref="SUPPORTED_Pinwarden" />`;
  switch (kindOf(key)) {
    case "boolean":
      return `    <policy name="${key}" class="Machine" ${head} key="${KEY}" valueName="${key}">
      ${common}
      <enabledValue><decimal value="1" /></enabledValue>
      <disabledValue><decimal value="0" /></disabledValue>
    </policy>`;
    case "lengths":
      return `    <policy name="${key}" class="Machine" ${head} key="${KEY}\\${key}" presentation="$(presentation.${key})">
      ${common}
      <elements>
        <decimal id="${key}_minLength" valueName="minLength" minValue="4" maxValue="16" required="true" />
        <decimal id="${key}_maxLength" valueName="maxLength" minValue="4" maxValue="16" required="true" />
      </elements>
    </policy>`;
    case "enum":
      return `    <policy name="${key}" class="Machine" ${head} key="${KEY}" presentation="$(presentation.${key})">
      ${common}
      <elements>
        <enum id="${key}" valueName="${key}" required="true">
${ENUMS[key]!.map((v) => `          <item displayName="$(string.${key}_${v})"><value><string>${v}</string></value></item>`).join("\n")}
        </enum>
      </elements>
    </policy>`;
    case "list":
      return `    <policy name="${key}" class="Machine" ${head} key="${KEY}" presentation="$(presentation.${key})">
      ${common}
      <elements>
        <multiText id="${key}" valueName="${key}" />
      </elements>
    </policy>`;
    case "text":
      return `    <policy name="${key}" class="Machine" ${head} key="${KEY}" presentation="$(presentation.${key})">
      ${common}
      <elements>
        <text id="${key}" valueName="${key}" maxLength="260" />
      </elements>
    </policy>`;
  }
}

export function admx(): string {
  const keys = Object.keys(POLICY_KEYS) as PolicyKey[];
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from host/policy.ts by npm run admx. Do not edit by hand. -->
<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="${NS}">
  <policyNamespaces>
    <target prefix="pinwarden" namespace="Pinwarden.Policies.Pinwarden" />
    <using prefix="windows" namespace="Microsoft.Policies.Windows" />
  </policyNamespaces>
  <resources minRequiredRevision="1.0" />
  <supportedOn>
    <definitions>
      <definition name="SUPPORTED_Pinwarden" displayName="$(string.SUPPORTED_Pinwarden)" />
    </definitions>
  </supportedOn>
  <categories>
    <category name="Pinwarden" displayName="$(string.Pinwarden)" />
  </categories>
  <policies>
${keys.map(policyXml).join("\n")}
  </policies>
</policyDefinitions>
`;
}

const WORDS = {
  "en-US": {
    category: "Pinwarden",
    supported: "Pinwarden 0.1 and later",
    description: "Machine policy for Pinwarden, the smart-card PIN manager.",
    values: { sv: "Swedish", en: "English", error: "Errors", warn: "Warnings", info: "Information", debug: "Debug" },
    min: "Shortest",
    max: "Longest",
    list: "One value per line",
  },
  "sv-SE": {
    category: "Pinwarden",
    supported: "Pinwarden 0.1 och senare",
    description: "Datorprincip för Pinwarden, hanteraren för säkerhetskoder på smarta kort.",
    values: { sv: "Svenska", en: "Engelska", error: "Fel", warn: "Varningar", info: "Information", debug: "Felsökning" },
    min: "Kortast",
    max: "Längst",
    list: "Ett värde per rad",
  },
} as const;

export type AdmlLanguage = keyof typeof WORDS;
export const ADML_LANGUAGES = Object.keys(WORDS) as AdmlLanguage[];

export function adml(language: AdmlLanguage): string {
  const w = WORDS[language];
  const lang = language === "sv-SE" ? "sv" : "en";
  const keys = Object.keys(POLICY_KEYS) as PolicyKey[];
  const strings: string[] = [
    `<string id="Pinwarden">${esc(w.category)}</string>`,
    `<string id="SUPPORTED_Pinwarden">${esc(w.supported)}</string>`,
  ];
  const presentations: string[] = [];
  for (const key of keys) {
    const text = POLICY_KEYS[key][lang];
    strings.push(`<string id="${key}">${esc(key)}: ${esc(text.replace(/\.$/, ""))}</string>`);
    strings.push(`<string id="${key}_Help">${esc(text)} (${esc(key)})</string>`);
    const kind = kindOf(key);
    if (kind === "enum") {
      for (const v of ENUMS[key]!) strings.push(`<string id="${key}_${v}">${esc(w.values[v as keyof typeof w.values])}</string>`);
      presentations.push(`<presentation id="${key}"><dropdownList refId="${key}" noSort="true">${esc(key)}</dropdownList></presentation>`);
    } else if (kind === "lengths") {
      const d = POLICY_KEYS[key as "pin" | "puk"].default;
      presentations.push(
        `<presentation id="${key}"><decimalTextBox refId="${key}_minLength" defaultValue="${d.minLength}">${esc(w.min)}</decimalTextBox><decimalTextBox refId="${key}_maxLength" defaultValue="${d.maxLength}">${esc(w.max)}</decimalTextBox></presentation>`,
      );
    } else if (kind === "list") {
      presentations.push(`<presentation id="${key}"><multiTextBox refId="${key}">${esc(w.list)}</multiTextBox></presentation>`);
    } else if (kind === "text") {
      presentations.push(`<presentation id="${key}"><textBox refId="${key}"><label>${esc(key)}</label></textBox></presentation>`);
    }
  }
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from host/policy.ts by npm run admx. Do not edit by hand. -->
<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="${NS}">
  <displayName>Pinwarden</displayName>
  <description>${esc(w.description)}</description>
  <resources>
    <stringTable>
${strings.map((x) => `      ${x}`).join("\n")}
    </stringTable>
    <presentationTable>
${presentations.map((x) => `      ${x}`).join("\n")}
    </presentationTable>
  </resources>
</policyDefinitionResources>
`;
}
