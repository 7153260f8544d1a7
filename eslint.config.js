import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "pcsclite", message: "Only native-bridge/pcsc/pcsc-readers.ts talks to pcsclite." }] },
      ],
    },
  },
  {
    files: ["native-bridge/pcsc/pcsc-readers.ts"],
    rules: { "no-restricted-imports": "off" },
  },
);
