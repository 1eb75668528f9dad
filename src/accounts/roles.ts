// Who may do what. Every API route falls into one area by its method and path; each role is granted a
// set of areas. Routes no rule names fall into "settings" (owners only): a new endpoint is closed to
// marketers and analysts until someone decides otherwise here.
export const ROLES = ["owner", "marketer", "analyst"] as const;
export type Role = (typeof ROLES)[number];

/**
 * reports: read figures and definitions (no personal data); personal: read customers and anything
 * naming them; marketing: change scenarios, segments, templates and campaigns, and send; data: write
 * customers, orders, products, events; privacy: export or erase a customer; settings: channels, shop
 * profile, integrations, users, API keys, the audit log.
 */
export type Area = "reports" | "personal" | "marketing" | "data" | "privacy" | "settings";

const GRANTS: Record<Role, ReadonlySet<Area>> = {
  owner: new Set<Area>(["reports", "personal", "marketing", "data", "privacy", "settings"]),
  marketer: new Set<Area>(["reports", "personal", "marketing"]),
  analyst: new Set<Area>(["reports"]),
};

export const ROLE_LABELS: Record<Role, { ja: string; en: string }> = {
  owner: { ja: "オーナー", en: "Owner" },
  marketer: { ja: "マーケター", en: "Marketer" },
  analyst: { ja: "アナリスト", en: "Analyst" },
};

type Methods = "read" | "write" | "any";
interface Rule {
  methods: Methods;
  /** Matched against the route's pattern (`/v1/customers/:externalId/export`), not the raw URL. */
  pattern: RegExp;
  area: Area;
}

// First match wins; more specific patterns first.
const RULES: Rule[] = [
  { methods: "read", pattern: /^\/v1\/customers\/[^/]+\/export$/, area: "privacy" },
  { methods: "read", pattern: /^\/v1\/customers(\/|$)/, area: "personal" },
  { methods: "write", pattern: /^\/v1\/(customers|orders|products|events|identify)(\/|$)/, area: "data" },
  { methods: "read", pattern: /^\/v1\/(orders|messages|postal)(\/|$)/, area: "personal" },
  { methods: "read", pattern: /^\/v1\/segments\/[^/]+\/members$/, area: "personal" },
  { methods: "write", pattern: /^\/v1\/segments\/preview$/, area: "marketing" },
  { methods: "read", pattern: /^\/v1\/(products|reports|ad-costs|deliverability)(\/|$)/, area: "reports" },
  {
    methods: "read",
    pattern: /^\/v1\/(scenarios|scenario-library|segments|campaigns|templates)(\/|$)/,
    area: "reports",
  },
  {
    methods: "read",
    pattern: /^\/v1\/(channels|shop\/(profile|guardrails|policies))(\/|$)/,
    area: "reports",
  },
  // The shop's default caps and quiet hours are marketing policy, as a scenario's own overrides are.
  { methods: "write", pattern: /^\/v1\/shop\/guardrails$/, area: "marketing" },
  {
    methods: "write",
    pattern: /^\/v1\/(scenarios|segments|campaigns|templates|postal|ad-costs)(\/|$)/,
    area: "marketing",
  },
];

/** Erasing a customer is a privacy act, whatever the generic customer rule says. */
function erasure(method: string, pattern: string): boolean {
  return method === "DELETE" && /^\/v1\/customers\/[^/]+$/.test(pattern);
}

export function areaOf(method: string, routePattern: string): Area {
  if (erasure(method, routePattern)) return "privacy";
  const read = method === "GET" || method === "HEAD";
  for (const rule of RULES) {
    if (rule.methods === "read" && !read) continue;
    if (rule.methods === "write" && read) continue;
    if (rule.pattern.test(routePattern)) return rule.area;
  }
  return "settings";
}

export function roleMayAct(role: Role, area: Area): boolean {
  return GRANTS[role].has(area);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

const AREA_WORDS: Record<Area, string> = {
  reports: "read reports",
  personal: "read customers' personal data",
  marketing: "change scenarios, segments, templates or campaigns",
  data: "change customer, order or product data",
  privacy: "export or erase a customer",
  settings: "change the shop's settings, users or API keys",
};

export function forbiddenMessage(role: Role, area: Area): string {
  return `the ${role} role may not ${AREA_WORDS[area]}`;
}
