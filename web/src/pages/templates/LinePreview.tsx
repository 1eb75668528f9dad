// A LINE draft as the chat shows it: the text bubble, then the Flex carousel of product cards (image,
// name, price, button) built from the message objects the server would send, scrollable sideways
// inside its own strip like the app's carousel.
import { usePageText } from "../../i18n";

type LineMessage = Record<string, unknown>;
interface FlexText {
  type: string;
  text?: string;
}
interface Bubble {
  hero?: { url?: string };
  body?: { contents?: FlexText[] };
  footer?: { contents?: Array<{ action?: { label?: string; uri?: string } }> };
}

const ja = { carousel: "商品カード", altText: "通知に表示される文" };
const en: typeof ja = { carousel: "Product cards", altText: "Shown in notifications" };

export function LinePreview({ messages }: { messages: LineMessage[] }) {
  const p = usePageText({ ja, en });
  return (
    <div className="line-preview" data-testid="line-preview">
      {messages.map((message, index) => {
        if (message.type === "text")
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity but their order.
            <div key={index} className="template-bubble template-bubble-line">
              <p className="template-bubble-text" data-testid="preview-text">
                {String(message.text ?? "")}
              </p>
            </div>
          );
        if (message.type === "flex") {
          const bubbles = ((message.contents as { contents?: Bubble[] })?.contents ?? []) as Bubble[];
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity but their order.
            <figure key={index} className="line-carousel-wrap">
              <ul className="line-carousel" aria-label={p("carousel")}>
                {bubbles.map((bubble, i) => {
                  const [name, price] = (bubble.body?.contents ?? []).map((c) => c.text ?? "");
                  const action = bubble.footer?.contents?.[0]?.action;
                  return (
                    // biome-ignore lint/suspicious/noArrayIndexKey: cards have no identity but their order.
                    <li key={i} className="line-card" data-testid="line-card">
                      {bubble.hero?.url && <img src={bubble.hero.url} alt="" loading="lazy" />}
                      <strong>{name}</strong>
                      {price && <span>{price}</span>}
                      {action?.label && <span className="line-card-button">{action.label}</span>}
                    </li>
                  );
                })}
              </ul>
              <figcaption>
                {p("altText")}: {String(message.altText ?? "")}
              </figcaption>
            </figure>
          );
        }
        return null;
      })}
    </div>
  );
}
