#!/usr/bin/env node
// The installed `pinwarden` command: runs the TypeScript CLI through tsx's loader.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../native-bridge/cli.ts");
runCli(process.argv.slice(2));
