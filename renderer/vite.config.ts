import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: __dirname,
  // Relative URLs: Electron loads the page from file://.
  base: "./",
  plugins: [react()],
  build: { outDir: "../dist/renderer", emptyOutDir: true },
  server: { host: "127.0.0.1", strictPort: true },
});
