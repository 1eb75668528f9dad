// Turns one step's copy (per locale: an email, a LINE message and an SMS) into its six LibraryTemplates,
// so every scenario module gets the same frame, escaping and opt-out without repeating them.
import { emailDocument, escapeOutputs } from "./layout.js";
import { smsText } from "./snippets.js";
import type { LibraryLocale, LibraryTemplate, MessageClass } from "./types.js";

export interface EmailCopy {
  subject: string;
  preheader: string;
  /** The message's sections, built with blocks.ts. */
  sections: string[];
}

export interface LocaleCopy {
  email: EmailCopy;
  /** Plain text; the shop's LINE account already shows who it is from. */
  line: string;
  /** Plain text without the sender name and opt-out, which smsText adds. */
  sms: string;
}

export interface StepCopy {
  /** Defaults to "promotional". */
  messageClass?: MessageClass;
  ja: LocaleCopy;
  en: LocaleCopy;
}

const LOCALES: LibraryLocale[] = ["ja", "en"];

export function defineStep(scenario: string, step: string, copy: StepCopy): LibraryTemplate[] {
  const messageClass = copy.messageClass ?? "promotional";
  return LOCALES.flatMap((locale): LibraryTemplate[] => {
    const { email, line, sms } = copy[locale];
    const base = { scenario, step, locale, messageClass };
    return [
      {
        ...base,
        channel: "email",
        subject: email.subject,
        preheader: email.preheader,
        body: escapeOutputs(
          emailDocument({ locale, messageClass, preheader: email.preheader, sections: email.sections }),
        ),
      },
      { ...base, channel: "line", body: line.trim() },
      { ...base, channel: "sms", body: smsText(locale, messageClass, sms.trim()) },
    ];
  });
}
