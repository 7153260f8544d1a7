import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The layers (docs/architecture.md), from the bottom:
 *   contract/        types, error classes, code rules, the table of calls: no Node, no Electron
 *   native-bridge/   the card layer (core → apdu → pcsc → profiles/certs → service; simulator)
 *   host/            the Electron-free application: policy, logging, support, handlers
 *   electron/ cli/   the two shells; scripts/ (preview bridge, bench) sit beside them
 *   renderer/        the page: it sees the contract and nothing else
 * An import that runs up a layer fails the lint (and so `npm test`).
 */
const PCSCLITE = { name: "pcsclite", message: "Only native-bridge/pcsc/pcsc-readers.ts talks to pcsclite." };
const ELECTRON = { name: "electron", message: "Only electron/ imports Electron." };
const up = (folder, why) => ({ regex: `(^|/)${folder}/`, message: why });
const NODE = { regex: "^(node:|fs$|path$|os$|crypto$|child_process$)", message: "The contract and the renderer run without Node." };

/** The same rule for `import("…")`, which no-restricted-imports does not see (the CLI loads most modules so). */
const escape = (regex) => regex.replaceAll("/", "\\/");
const dynamic = (paths, patterns) => [
  ...paths.map((p) => ({ selector: `ImportExpression[source.value='${p.name}']`, message: p.message })),
  ...patterns.map((p) => ({ selector: `ImportExpression[source.value=/${escape(p.regex)}/]`, message: p.message })),
];

/** One rule pair per layer (flat config replaces a rule's options, so each lists all). */
function layer(files, patterns, paths = [PCSCLITE, ELECTRON]) {
  return {
    files,
    rules: {
      "no-restricted-imports": ["error", { paths, patterns }],
      "no-restricted-syntax": ["error", ...dynamic(paths, patterns)],
    },
  };
}

const NOT_SHELLS = [
  up("electron", "Nothing imports the Electron shell: move what you need to host/."),
  up("cli", "Nothing imports the CLI shell."),
  up("renderer", "Nothing imports the renderer: shared types live in contract/."),
];

export default tseslint.config(
  { ignores: ["node_modules", "dist", "out", "test-results", "coverage"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        Buffer: "readonly",
        console: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setImmediate: "readonly",
        NodeJS: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "no-restricted-imports": ["error", { paths: [PCSCLITE] }],
    },
  },
  layer(
    ["contract/**"],
    [NODE, up("native-bridge", "The contract is the bottom layer."), up("host", "The contract is the bottom layer."), ...NOT_SHELLS],
  ),
  layer(
    ["renderer/**"],
    [
      NODE,
      up("native-bridge", "The renderer sees only contract/."),
      up("host", "The renderer sees only contract/."),
      up("electron", "The renderer sees only contract/."),
      up("cli", "The renderer sees only contract/."),
    ],
  ),
  layer(["native-bridge/**"], [up("host", "native-bridge never imports the host."), ...NOT_SHELLS]),
  // Below the service: errors and secrets come from core/, never from service/.
  layer(
    ["native-bridge/core/**", "native-bridge/apdu/**", "native-bridge/pcsc/**", "native-bridge/profiles/**", "native-bridge/certs/**"],
    [
      up("service", "The card layers below the service import core/, not service/."),
      up("host", "native-bridge never imports the host."),
      ...NOT_SHELLS,
    ],
  ),
  layer(
    ["native-bridge/pcsc/pcsc-readers.ts"],
    [
      up("service", "The card layers below the service import core/, not service/."),
      up("host", "native-bridge never imports the host."),
      ...NOT_SHELLS,
    ],
    [ELECTRON],
  ),
  layer(["host/**"], NOT_SHELLS),
  layer(["cli/**"], [up("electron", "The CLI uses host/, never the Electron shell."), up("renderer", "Nothing imports the renderer.")]),
  layer(
    ["electron/**"],
    [up("cli", "Nothing imports the CLI shell."), up("renderer", "The shell sees the renderer only through contract/.")],
    [PCSCLITE],
  ),
);
