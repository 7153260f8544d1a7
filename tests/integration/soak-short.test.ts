/** The short soak: a few insert/remove cycles and status reads on pcscd (npm run soak runs 1000/10000). */
import { expect, it } from "vitest";
import { runSoak } from "../../scripts/soak.js";

it("misses and duplicates no card event, moves no counter, leaves nothing unhandled", async () => {
  const r = await runSoak(8, 300);
  expect(r).toMatchObject({
    inserted: 8,
    removed: 8,
    insertionsInOrder: true,
    countersUnchanged: true,
    failedReads: 0,
    unhandledRejections: 0,
  });
}, 120_000);
