/**
 * The card side of a command: the reader backend (the PC/SC service, or the built-in
 * virtual card with --demo), a recording of the conversation with --record, and the card
 * service under the machine policy. Loaded only by commands that talk to a card.
 */
import { serviceOptionsOf } from "../host/apply-policy.js";
import type { ReaderBackend } from "../native-bridge/pcsc/types.js";
import type { RecordingReaders } from "../native-bridge/pcsc/recording.js";
import type { CardService } from "../native-bridge/service/card-service.js";
import type { CommandContext } from "./context.js";

export interface CardSession {
  backend: ReaderBackend;
  service: CardService;
  close(): Promise<void>;
}

/** The session, or the exit code of the usage error that prevents it (a --record file that cannot be written). */
export async function openSession(ctx: CommandContext): Promise<CardSession | number> {
  const { values, loaded, command } = ctx;
  let backend: ReaderBackend;
  if (values.demo) {
    const [{ InProcessReaders }, { createCard }] = await Promise.all([
      import("../native-bridge/simulator/in-process-readers.js"),
      import("../native-bridge/simulator/cards.js"),
    ]);
    const demo = new InProcessReaders(["Pinwarden Demo Reader"]);
    demo.insert(createCard("pkcs15"));
    backend = demo;
  } else {
    const { PcscReaders } = await import("../native-bridge/pcsc/pcsc-readers.js");
    backend = new PcscReaders(loaded.policy.readerFilter ? { readerFilter: loaded.policy.readerFilter } : {});
  }
  // --record FILE: a transcript of the card conversation, codes masked (pcsc/recording.ts).
  let recorder: RecordingReaders | undefined;
  if (values.record !== undefined) {
    const { RecordingReaders } = await import("../native-bridge/pcsc/recording.js");
    try {
      recorder = RecordingReaders.toFile(backend, values.record, [`recorded by pinwarden ${command}${values.demo ? " --demo" : ""}`]);
    } catch (error) {
      return ctx.usage({
        error: "CANNOT_WRITE",
        values: { file: values.record, reason: (error as NodeJS.ErrnoException).code ?? "error" },
        command,
      });
    }
    backend = recorder;
  }
  const { CardService } = await import("../native-bridge/service/card-service.js");
  const service = new CardService(backend, serviceOptionsOf(loaded.policy));
  return {
    backend,
    service,
    async close() {
      service.close();
      // The pcsclite binding can block joining its watcher threads on close; a CLI that
      // is about to exit has nothing to release, so only the in-process backend is closed.
      if (values.demo) await backend.close();
      recorder?.stopRecording();
    },
  };
}
