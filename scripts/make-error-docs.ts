/** `npm run docs:errors`: writes docs/error-codes.md from the error catalogue. */
import { writeFileSync } from "node:fs";
import { errorCodesMarkdown } from "../native-bridge/service/error-docs.js";

writeFileSync("docs/error-codes.md", errorCodesMarkdown());
process.stdout.write("wrote docs/error-codes.md\n");
