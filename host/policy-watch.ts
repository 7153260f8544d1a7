/**
 * Machine policy followed while the app runs: the policy file is watched; on Windows the
 * registry is read again every ten minutes (Group Policy itself refreshes every 90 minutes
 * or so). Language, log and reader settings apply at the next start.
 */
import { watch } from "node:fs";
import { dirname } from "node:path";

export function watchPolicy(file: string, reload: () => void, platform: NodeJS.Platform = process.platform): void {
  try {
    const watcher = watch(dirname(file), (_event, name) => {
      if (name && file.endsWith(name)) reload();
    });
    watcher.unref();
  } catch {
    // No policy directory: nothing to watch; a restart picks up a new one.
  }
  if (platform === "win32") setInterval(reload, 10 * 60_000).unref();
}
