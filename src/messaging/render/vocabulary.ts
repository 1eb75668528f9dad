// The variables a message template may use, and the check that runs when a template is saved: a name
// outside this list (a typo, or data Kizuna does not provide) is refused then, not found at send time.
import { sandboxLiquid } from "./sandbox.js";

/** Every variable the renderer puts in scope (arrays may also be asked for their `size`). */
export const TEMPLATE_VARIABLES: ReadonlySet<string> = new Set([
  "customer.firstName",
  "customer.lastName",
  "customer.firstNameKana",
  "customer.lastNameKana",
  "shop.name",
  "shop.url",
  "shop.address",
  "shop.email",
  "shop.phone",
  "shop.memberPageUrl",
  "unsubscribeUrl",
  "preferencesUrl",
  /** Double opt-in confirmation messages only. */
  "confirmUrl",
  "coupon.code",
  "coupon.label",
  "coupon.expiresAt",
  "points.balance",
  "points.expiringAmount",
  "points.expiresAt",
  "cart.items",
  "cart.items.size",
  "cart.url",
  "product.name",
  "product.sku",
  "product.url",
  "product.imageUrl",
  "product.price",
  "order.number",
  "order.orderedAt",
  "order.shippedAt",
  "order.items",
  "order.items.size",
  "order.total",
  "warranty.endsAt",
  "subscription.deliveryCount",
  "recommendations",
  "recommendations.size",
  "anniversary.years",
]);

// The sandbox, not a default engine: analysing `{% include "x" %}` loads the partial, and a default
// engine would read it from the working directory.
const analyser = sandboxLiquid();

export class TemplateSourceError extends Error {
  constructor(
    /** Which part of the template: subject, preheader or body. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/**
 * The global variables a template source uses that Kizuna does not provide. Loop variables (`item`,
 * `p`) are local and not reported; a syntax error is thrown as a TemplateSourceError.
 */
export function unknownVariables(field: string, source: string): string[] {
  let used: string[];
  try {
    used = analyser.globalFullVariablesSync(source);
  } catch (err) {
    throw new TemplateSourceError(field, (err as Error).message.split("\n")[0]);
  }
  return [...new Set(used.filter((v) => !TEMPLATE_VARIABLES.has(v)))];
}
