/** `pinwarden policy [--json]`: the machine policy in force, each key with where it came from. */
import { REGISTRY_KEY } from "../../host/policy-defaults.js";
import { EXIT } from "../../native-bridge/service/error-catalog.js";
import type { CommandContext } from "../context.js";

export async function policyCommand({ values, loaded, io }: CommandContext): Promise<number> {
  if (values.json) {
    io.out(
      JSON.stringify({
        policy: loaded.policy,
        sources: loaded.sources,
        problems: loaded.problems,
        file: loaded.file,
        registryKey: REGISTRY_KEY,
      }) + "\n",
    );
  } else {
    io.out(`policy file: ${loaded.file}\nregistry key: ${REGISTRY_KEY}\n`);
    const { POLICY_KEYS } = await import("../../host/policy.js");
    for (const key of Object.keys(POLICY_KEYS) as (keyof typeof POLICY_KEYS)[]) {
      io.out(`  ${key.padEnd(17)} ${JSON.stringify(loaded.policy[key])}  (${loaded.sources[key]})\n`);
    }
    for (const p of loaded.problems) io.out(`  ignored: ${p.key} from the ${p.source}: ${p.message}\n`);
  }
  return EXIT.ok;
}
