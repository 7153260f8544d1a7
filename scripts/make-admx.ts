/** `npm run admx`: writes assets/policy/Pinwarden.admx and its ADML files from the policy schema. */
import { mkdirSync, writeFileSync } from "node:fs";
import { adml, ADML_LANGUAGES, admx } from "../host/admx.js";

mkdirSync("assets/policy", { recursive: true });
writeFileSync("assets/policy/Pinwarden.admx", admx());
for (const language of ADML_LANGUAGES) {
  mkdirSync(`assets/policy/${language}`, { recursive: true });
  writeFileSync(`assets/policy/${language}/Pinwarden.adml`, adml(language));
}
process.stdout.write("wrote assets/policy/Pinwarden.admx and its ADML files\n");
