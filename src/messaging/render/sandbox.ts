// The one place message templates' Liquid is configured: the sandbox every template is analysed, parsed
// and rendered in, and the bounds on what one render may cost. Templates are written by shop staff (and
// on a shared instance by many shops), so they are treated as untrusted code.
import { Liquid, type Template as LiquidTemplate } from "liquidjs";

/**
 * Bounds on one template: a legitimate mail (a hundred recommended products, every variable escaped)
 * renders in milliseconds and stays far below each. `{% for i in (1..100000000) %}` is stopped by the
 * memory bound (a range is charged its length), a slow loop by the time bound, and a loop that repeats
 * a large block by the output bound, checked before anything else touches the text.
 */
export const TEMPLATE_LIMITS = {
  /** Characters parsed per template part (a saved body is at most 500,000; compiled MJML is longer). */
  parseChars: 4_000_000,
  /** Milliseconds one render may take: a render runs on the delivery worker's thread. */
  renderMs: 1_000,
  /** liquidjs's allocation count: range lengths, characters of filtered strings, array sizes. */
  memory: 1_000_000,
  /** Characters one rendered part may have: Gmail clips a mail at 102 KB; this is 20 times that. */
  outputChars: 2_000_000,
} as const;

/**
 * A Liquid engine that can reach only the scope it is given: own properties only (no `constructor`,
 * `__proto__` or prototype methods), no file system (templates: {} is an empty in-memory one, so
 * include, render and layout find nothing, and absolute or relative paths go nowhere), strict filters
 * (an unknown filter is refused when the template is parsed).
 */
export function sandboxLiquid(): Liquid {
  return new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    templates: {},
    relativeReference: false,
    parseLimit: TEMPLATE_LIMITS.parseChars,
    renderLimit: TEMPLATE_LIMITS.renderMs,
    memoryLimit: TEMPLATE_LIMITS.memory,
  });
}

/** Renders within the bounds; throws when the time, memory or output bound is crossed. */
export function renderBounded(engine: Liquid, template: LiquidTemplate[], scope: object): string {
  const output = String(engine.renderSync(template, scope));
  if (output.length > TEMPLATE_LIMITS.outputChars) {
    throw new Error(
      `the rendered text is over ${TEMPLATE_LIMITS.outputChars.toLocaleString("en")} characters`,
    );
  }
  return output;
}
