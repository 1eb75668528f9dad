// Click and open tracking: every http(s) link of a rendered email (HTML and text part) is replaced by a
// signed redirect to it, and an invisible pixel reports the open. The link to Kizuna's own unsubscribe
// page is left alone: mail clients and RFC 8058 know it as it is. A visit to the preference centre
// counts as a click (it is engagement; the sunset policy needs to see it).
import type { LinkBuilder } from "../links.js";

const HTML_ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&quot;": '"',
  "&#39;": "'",
  "&lt;": "<",
  "&gt;": ">",
};

function decodeAttribute(value: string): string {
  return value.replace(/&(amp|quot|#39|lt|gt);/g, (e) => HTML_ENTITIES[e]);
}

export class LinkTracker {
  private readonly tracked = new Map<string, string>();

  constructor(
    private readonly links: LinkBuilder,
    private readonly shopId: number,
    private readonly messageId: number,
    /** URLs not to track (the message's unsubscribe link). */
    private readonly untracked: ReadonlySet<string>,
  ) {}

  /** The tracked form of a URL; the same URL gets the same tracked link in HTML and text. */
  track(url: string): string {
    if (!/^https?:\/\//i.test(url) || this.untracked.has(url)) return url;
    let t = this.tracked.get(url);
    if (!t) {
      t = this.links.clickUrl(this.shopId, this.messageId, url);
      this.tracked.set(url, t);
    }
    return t;
  }

  html(html: string): string {
    const withLinks = html.replace(
      /(<a\b[^>]*?\shref=")([^"]+)(")/gi,
      (_, before: string, href: string, after: string) => {
        return `${before}${this.track(decodeAttribute(href))}${after}`;
      },
    );
    const pixel = `<img src="${this.links.openPixelUrl(this.shopId, this.messageId)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;" />`;
    const end = withLinks.lastIndexOf("</body>");
    return end < 0 ? withLinks + pixel : `${withLinks.slice(0, end)}${pixel}${withLinks.slice(end)}`;
  }

  /** Bare links in a chat message (LINE), up to the first space or non-ASCII character. */
  bare(text: string): string {
    return text.replace(/https?:\/\/[\x21-\x7e]+/g, (url) => this.track(url));
  }

  /** Links in a text part, as html-to-text writes them: <https://…>. */
  text(text: string): string {
    return text.replace(/<(https?:\/\/[^>\s]+)>/g, (_, url: string) => `<${this.track(url)}>`);
  }
}
