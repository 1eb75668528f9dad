// Builds what a LINE message says: the rendered text as a text message and, when there are products to
// recommend, a Flex carousel of product cards (image, name, price, a button to the product page).
// LINE refuses a whole request over one field beyond its limits, so the limits are checked here, where
// the message is made, rather than discovered as a 400 at sending time.
import { ValidationError } from "../../../core/errors.js";

/** Limits from LINE's Messaging API reference. */
export const LINE_LIMITS = {
  messagesPerRequest: 5,
  textLength: 5000,
  /**
   * Alternative text shown in notifications and the chat list. 400 is LINE's limit for template
   * messages (Flex takes more); a notification shows far less anyway.
   */
  altTextLength: 400,
  /** LINE takes 12 bubbles; 10 keeps the carousel browsable. */
  carouselBubbles: 10,
  uriLength: 1000,
  imageUrlLength: 2000,
  buttonLabelLength: 40,
} as const;

/** Cards stay small (LINE caps a bubble's and a carousel's JSON size): long names are cut. */
const NAME_LENGTH = 100;
const PRICE_LENGTH = 40;

export interface LineProduct {
  name: string;
  /** The price as the customer should read it, already formatted (e.g. "¥3,980"). */
  price: string;
  /** The product page (tracked click URL); must be https. */
  url: string;
  /** A JPEG or PNG image; must be https. */
  imageUrl: string;
}

export interface LineMessageOptions {
  /** The card button's text; "View" unless the shop's language wants another. */
  buttonLabel?: string;
}

/** A LINE message object, as the Messaging API takes it. */
export type LineMessage = Record<string, unknown> & { type: string };

function isHttpsUrl(value: string, maxLength: number): boolean {
  if (value.length === 0 || value.length > maxLength) return false;
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

function clip(value: string, length: number): string {
  const chars = Array.from(value.trim());
  return chars.length <= length ? chars.join("") : `${chars.slice(0, length - 1).join("")}…`;
}

function productBubble(product: LineProduct, buttonLabel: string): Record<string, unknown> {
  const details: Array<Record<string, unknown>> = [
    {
      type: "text",
      text: clip(product.name, NAME_LENGTH),
      weight: "bold",
      size: "sm",
      wrap: true,
      maxLines: 2,
    },
  ];
  const price = clip(product.price, PRICE_LENGTH);
  if (price) details.push({ type: "text", text: price, size: "sm", color: "#555555" });
  return {
    type: "bubble",
    size: "kilo",
    hero: {
      type: "image",
      url: product.imageUrl,
      size: "full",
      aspectRatio: "1:1",
      aspectMode: "cover",
      action: { type: "uri", uri: product.url },
    },
    body: { type: "box", layout: "vertical", spacing: "sm", contents: details },
    footer: {
      type: "box",
      layout: "vertical",
      contents: [
        {
          type: "button",
          style: "primary",
          height: "sm",
          action: { type: "uri", label: buttonLabel, uri: product.url },
        },
      ],
    },
  };
}

/** Products LINE would accept on a card: a name and https links within the length limits. */
export function cardableProducts(products: readonly LineProduct[]): LineProduct[] {
  return products.filter(
    (p) =>
      p.name.trim() !== "" &&
      isHttpsUrl(p.url, LINE_LIMITS.uriLength) &&
      isHttpsUrl(p.imageUrl, LINE_LIMITS.imageUrlLength),
  );
}

/**
 * The messages of one LINE send: the text, then a carousel of up to 10 product cards when there are
 * products. Products LINE would refuse (no name, a link that is not https or too long) are left out
 * rather than failing the message; text and altText beyond LINE's limits are the template's fault and
 * throw a ValidationError.
 */
export function lineMessages(
  text: string,
  products: readonly LineProduct[],
  altText: string,
  options: LineMessageOptions = {},
): LineMessage[] {
  if (text.trim() === "") throw ValidationError.field("text", "is empty");
  if (text.length > LINE_LIMITS.textLength) {
    throw ValidationError.field(
      "text",
      `is ${text.length} characters; LINE takes at most ${LINE_LIMITS.textLength}`,
    );
  }
  const messages: LineMessage[] = [{ type: "text", text }];
  const cards = cardableProducts(products).slice(0, LINE_LIMITS.carouselBubbles);
  if (cards.length === 0) return messages;

  if (altText.trim() === "") throw ValidationError.field("altText", "is required with product cards");
  if (altText.length > LINE_LIMITS.altTextLength) {
    throw ValidationError.field(
      "altText",
      `is ${altText.length} characters; at most ${LINE_LIMITS.altTextLength} are allowed`,
    );
  }
  const buttonLabel = clip(options.buttonLabel ?? "View", LINE_LIMITS.buttonLabelLength);
  if (buttonLabel === "") throw ValidationError.field("buttonLabel", "is empty");
  messages.push({
    type: "flex",
    altText,
    contents: { type: "carousel", contents: cards.map((p) => productBubble(p, buttonLabel)) },
  });
  return messages;
}

/** What is wrong with a list of message objects for one LINE request, or null when nothing is. */
export function lineMessagesProblem(messages: ReadonlyArray<Record<string, unknown>>): string | null {
  if (messages.length === 0) return "no LINE messages to send";
  if (messages.length > LINE_LIMITS.messagesPerRequest) {
    return `${messages.length} LINE messages; one request takes at most ${LINE_LIMITS.messagesPerRequest}`;
  }
  for (const [i, m] of messages.entries()) {
    if (typeof m.type !== "string") return `messages[${i}] has no type`;
    if (m.type === "text" && (typeof m.text !== "string" || m.text.length > LINE_LIMITS.textLength)) {
      return `messages[${i}].text is missing or longer than ${LINE_LIMITS.textLength} characters`;
    }
  }
  return null;
}
