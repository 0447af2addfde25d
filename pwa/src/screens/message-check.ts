// Finding a message verification code in what a person pastes (a whole SMS, a letter's short link, or
// the code alone), and the links in it that lead off the platform. The server decides whether the
// code is one of ours (its check character included); this only picks it out of the text.

const LINK = /\/m\/([0-9A-Za-z]{4}(?:-?[0-9A-Za-z]{4}){3})(?![0-9A-Za-z])/;
const GROUPED = /(?<![0-9A-Za-z])([0-9A-Za-z]{4}(?:[ \-\u2010-\u2015][0-9A-Za-z]{4}){3})(?![0-9A-Za-z])/;
const RUN = /(?<![0-9A-Za-z])([0-9A-Za-z]{16})(?![0-9A-Za-z])/;
const URL_IN_TEXT = /\b(?:https?:\/\/)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:\/[^\s]*)?/gi;

/** The code in the text, as 16 upper-case characters (O read as 0, I and L as 1), or null. */
export function findCode(text: string): string | null {
  for (const pattern of [LINK, GROUPED, RUN]) {
    const match = pattern.exec(text);
    if (match) {
      return match[1]
        .toUpperCase()
        .replace(/[^0-9A-Z]/g, "")
        .replace(/O/g, "0")
        .replace(/[IL]/g, "1");
    }
  }
  return null;
}

/** The web addresses in the text that are not on this origin: a message may lead there only to harm. */
export function foreignLinks(text: string, origin: string): string[] {
  const ours = new URL(origin).host.toLowerCase();
  return (text.match(URL_IN_TEXT) ?? []).filter((link) => {
    try {
      return new URL(/^https?:\/\//i.test(link) ? link : `https://${link}`).host.toLowerCase() !== ours;
    } catch {
      return true;
    }
  });
}

export function groupCode(code: string): string {
  return (code.match(/.{1,4}/g) ?? [code]).join("-");
}
