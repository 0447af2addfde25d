// Scam warnings and reports on the citizen's side: whether pasted text names a host or sender that a
// published warning covers, and a report's body as the API takes it (docs/genuine-messages.md).
import type { Schema } from "../api";
import type { Language } from "../i18n";
import { fieldProblem, INVISIBLE, NOT_VALID, TOO_LONG } from "../ui/field-problem";
import { foreignLinks } from "./message-check";

export type ScamWarning = Schema<"ScamWarning">;

export const MAX_SCREENSHOT_BYTES = 2 * 1024 * 1024;

function hostOf(link: string): string | null {
  try {
    return new URL(/^https?:\/\//i.test(link) ? link : `https://${link}`).hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return null;
  }
}

/** A sender as the server keeps it: a phone number's digits (+66 as 0), anything else lower case. */
export function senderKey(sender: string): string {
  const spaced = sender.trim().replace(/\s+/g, " ");
  if (/^\+?[0-9][0-9 ().-]{5,20}$/.test(spaced)) {
    const digits = spaced.replace(/\D/g, "");
    return spaced.startsWith("+66") || (digits.startsWith("66") && digits.length === 11) ? `0${digits.slice(2)}` : digits;
  }
  return spaced.toLowerCase();
}

/** The warning in force that covers a link in the text (its host or a subdomain) or the sender. */
export function knownScam(text: string, sender: string, warnings: ScamWarning[], origin: string): ScamWarning | null {
  const hosts = foreignLinks(text, origin).map(hostOf).filter((host): host is string => host !== null);
  const key = sender ? senderKey(sender) : "";
  const phones = (text.match(/\+?[0-9][0-9 -]{7,14}[0-9]/g) ?? []).map(senderKey);
  return (
    warnings.find((warning) =>
      warning.link_host
        ? hosts.some((host) => host === warning.link_host || host.endsWith(`.${warning.link_host}`))
        : warning.sender !== null && (warning.sender === key || phones.includes(warning.sender)),
    ) ?? null
  );
}

/** Pasted text as the API accepts it: Windows line ends made plain, and the invisible characters
 * scammers slip between letters to dodge filters taken out (the server refuses text that has them). */
export function plainText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u00AD\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/g, "");
}

/** Why a chosen screenshot cannot be sent, or null: PNG or JPEG, up to 2 MB (the server checks its bytes). */
export function screenshotProblem(file: { type: string; size: number }): { th: string; en: string } | null {
  if (file.type !== "image/png" && file.type !== "image/jpeg") {
    return { th: "รับเฉพาะรูปภาพ PNG หรือ JPEG", en: "Only PNG or JPEG images are accepted." };
  }
  if (file.size > MAX_SCREENSHOT_BYTES) return { th: "รูปภาพใหญ่เกิน 2 MB", en: "The image is larger than 2 MB." };
  return null;
}

/** The file's bytes as base64, as the JSON body carries them. */
export async function base64Of(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

/** A field's problem as the report form shows it: the server's "Thai · English", or said in words. */
export function reportFieldMessage(language: Language, message: string): string {
  return fieldProblem(language, message, [INVISIBLE, TOO_LONG], NOT_VALID);
}
