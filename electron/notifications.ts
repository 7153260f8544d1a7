/**
 * The app's notifications: a card arrives whose PIN is blocked or has one try left (in any
 * application), and certificates about to expire (once a day a card at most). Each opens
 * the view that helps; none is shown where policy turns notifications off.
 */
import { join } from "node:path";
import type * as ElectronModule from "electron";
import type { Logger } from "winston";
import type { CardStatus, Language, NavigateEvent } from "../contract/api.js";
import { applicationsOf, unblockedByPuk } from "../contract/codes.js";
import { cardKey, CERTIFICATE_NOTICES_FILE, noticeDue } from "../host/certificate-notices.js";
import { certificateLine, codeName, TRAY, trayText } from "../native-bridge/service/error-catalog.js";

export interface NotifierOptions {
  language: Language;
  enabled: () => boolean;
  /** Opens a view of the window (a notification was clicked). */
  show: (view: NavigateEvent) => void;
  userDataDir: () => string;
  log: Pick<Logger, "warn">;
}

export interface Notifier {
  aboutCodes(status: CardStatus | null): void;
  aboutCertificates(status: CardStatus): void;
}

export function createNotifier(Notification: (typeof ElectronModule)["Notification"], options: NotifierOptions): Notifier {
  const { language } = options;
  const text = TRAY[language].notify;
  const may = () => options.enabled() && Notification.isSupported();
  const say = (body: string, view: NavigateEvent) => {
    const note = new Notification({ title: text.title, body });
    note.on("click", () => options.show(view));
    note.show();
  };
  return {
    aboutCodes(status) {
      if (!status || !may()) return;
      const pins = applicationsOf(status).flatMap((a) =>
        a.codes.filter((c) => c.kind === "pin").map((c) => ({ app: a.app, code: c, codes: a.codes })),
      );
      const found = pins.find((p) => p.code.state === "blocked") ?? pins.find((p) => p.code.state === "low");
      if (!found) return;
      const { code: pin, app: family } = found;
      const blocked = pin.state === "blocked";
      // The name the window uses for this code in this language, not the card's own label.
      const name = codeName({ ...pin, app: family }, language);
      const sentence = !blocked ? text.low : unblockedByPuk(pin, found.codes) ? text.blocked : text.blockedNoPuk;
      say(trayText(sentence, { code: name }), { type: "navigate", view: blocked ? "unlock" : "change", pinId: pin.id, app: family });
    },
    aboutCertificates(status) {
      const first = status.certificateWarnings?.[0];
      if (!first || !may()) return;
      const file = join(options.userDataDir(), CERTIFICATE_NOTICES_FILE);
      const due = noticeDue(file, cardKey(status), new Date(), (e) =>
        // Not remembered: the next start may say it again today; say it now all the same.
        options.log.warn("certificate notice not saved", { error: e instanceof Error ? e.name : typeof e }),
      );
      if (due) say(trayText(text.certificate, { line: certificateLine(first, language) }), { type: "navigate", view: "status" });
    },
  };
}
