// `kizuna policy`: the shop's delivery policies (attribution windows, sunset, pause thresholds, double
// opt-in). Mirrors GET/PATCH /v1/shop/policies: `show` prints each setting beside its default, `set`
// changes only the options given, `--reset <part>` puts a part back to its defaults.
import type { Command } from "commander";
import { ValidationError } from "../../core/errors.js";
import { parseOrThrow } from "../../core/zod-errors.js";
import {
  changeShopPolicies,
  DEFAULT_POLICIES,
  type DeliveryPolicies,
  POLICY_PARTS,
  type PoliciesChange,
  type PolicyPart,
  policiesChangeSchema,
  shopPolicies,
} from "../../messaging/policies.js";
import { resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";

type Kind = "days" | "count" | "rate" | "switch";

/** Each option and the policy field it sets; the table `show` prints follows this order. */
const OPTIONS: Array<{ option: string; key: string; part: PolicyPart; field: string; kind: Kind }> = [
  { option: "--click-days", key: "clickDays", part: "attribution", field: "clickDays", kind: "days" },
  { option: "--open-days", key: "openDays", part: "attribution", field: "openDays", kind: "days" },
  { option: "--sunset", key: "sunset", part: "sunset", field: "enabled", kind: "switch" },
  { option: "--sunset-days", key: "sunsetDays", part: "sunset", field: "days", kind: "days" },
  {
    option: "--max-bounce-rate",
    key: "maxBounceRate",
    part: "deliverability",
    field: "maxBounceRate",
    kind: "rate",
  },
  {
    option: "--max-complaint-rate",
    key: "maxComplaintRate",
    part: "deliverability",
    field: "maxComplaintRate",
    kind: "rate",
  },
  {
    option: "--max-unsubscribe-rate",
    key: "maxUnsubscribeRate",
    part: "deliverability",
    field: "maxUnsubscribeRate",
    kind: "rate",
  },
  { option: "--min-sends", key: "minSends", part: "deliverability", field: "minSends", kind: "count" },
  { option: "--double-opt-in", key: "doubleOptIn", part: "doubleOptIn", field: "email", kind: "switch" },
];

/** "on"/"off", a number, or a rate as "0.05" or "5%"; anything else is refused naming the option. */
function parseValue(option: string, kind: Kind, raw: string): number | boolean {
  const text = raw.trim().toLowerCase();
  if (kind === "switch") {
    if (["on", "true", "yes"].includes(text)) return true;
    if (["off", "false", "no"].includes(text)) return false;
    throw ValidationError.field(option, `must be on or off, not "${raw}"`);
  }
  const percent = kind === "rate" && text.endsWith("%");
  const value = Number(percent ? text.slice(0, -1) : text);
  if (text === "" || !Number.isFinite(value))
    throw ValidationError.field(option, `must be a number, not "${raw}"`);
  return percent ? value / 100 : value;
}

function changeFrom(opts: Record<string, string | undefined>, reset: string[]): PoliciesChange {
  const change: Record<string, Record<string, unknown> | null> = {};
  for (const part of reset) {
    if (!(POLICY_PARTS as string[]).includes(part))
      throw ValidationError.field("--reset", `unknown part "${part}" (one of ${POLICY_PARTS.join(", ")})`);
    change[part] = null;
  }
  for (const o of OPTIONS) {
    const raw = opts[o.key];
    if (raw === undefined) continue;
    if (change[o.part] === null)
      throw ValidationError.field(o.option, `cannot be given with --reset ${o.part}`);
    change[o.part] = { ...change[o.part], [o.field]: parseValue(o.option, o.kind, raw) };
  }
  if (Object.keys(change).length === 0)
    throw ValidationError.field("options", "name at least one setting to change, or --reset <part>");
  return parseOrThrow(policiesChangeSchema, change);
}

/** A field the policies module names ("sunset.days") as the option that sets it. */
function asOptions(err: unknown): unknown {
  if (!(err instanceof ValidationError)) return err;
  return new ValidationError(
    err.issues.map((issue) => {
      const o = OPTIONS.find((x) => `${x.part}.${x.field}` === issue.field);
      return o ? { field: o.option, message: issue.message } : issue;
    }),
  );
}

function shown(kind: Kind, value: number | boolean): string {
  if (kind === "switch") return value ? "on" : "off";
  if (kind === "rate") return `${Number(((value as number) * 100).toFixed(3))}%`;
  return kind === "days" ? `${value} days` : String(value);
}

function printPolicies(shopId: number, name: string, policies: DeliveryPolicies): void {
  console.log(`shop ${shopId} "${name}": delivery policies`);
  const value = (p: DeliveryPolicies, o: (typeof OPTIONS)[number]) =>
    (p[o.part] as Record<string, number | boolean>)[o.field];
  console.log(
    formatTable(
      OPTIONS.map((o) => ({
        setting: o.option.slice(2),
        value: shown(o.kind, value(policies, o)),
        default: shown(o.kind, value(DEFAULT_POLICIES, o)),
      })),
    ),
  );
}

export function registerPolicyCommand(program: Command): void {
  const policy = program
    .command("policy")
    .description(
      "the shop's delivery policies: attribution windows, sunset, pause thresholds, double opt-in",
    );

  policy
    .command("show")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--json", "print the policies as JSON")
    .description("show each policy beside its default")
    .action(async (opts: { shop?: string; json?: boolean }) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const policies = await shopPolicies(db, shop.id);
        if (opts.json) return printJson(policies);
        printPolicies(shop.id, shop.name, policies);
      });
    });

  policy
    .command("set")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--click-days <days>", "an order this many days after a click is credited to the message (0–90)")
    .option("--open-days <days>", "without such a click: this many days after an open (0–90)")
    .option("--sunset <on|off>", "stop promotional email to addresses that stopped opening and clicking")
    .option("--sunset-days <days>", "days without an open or click before that (30–1095)")
    .option("--max-bounce-rate <rate>", 'bounce rate over the last day that pauses email ("0.05" or "5%")')
    .option("--max-complaint-rate <rate>", "complaint rate that pauses email")
    .option("--max-unsubscribe-rate <rate>", "unsubscribe rate that pauses email")
    .option("--min-sends <count>", "no pause until the day's sends reach this")
    .option("--double-opt-in <on|off>", "a new email consent waits for the customer to confirm it")
    .option(
      "--reset <part>",
      `put a part back to its defaults (${POLICY_PARTS.join(", ")}); repeatable`,
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option("--json", "print the policies now in force as JSON")
    .description("change the options given; the others keep their values")
    .action(async (opts: Record<string, string | undefined> & { reset: string[]; json?: boolean }) => {
      let change: PoliciesChange;
      try {
        change = changeFrom(opts, opts.reset);
      } catch (err) {
        throw asOptions(err);
      }
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const policies = await changeShopPolicies(db, shop.id, change).catch((err) => {
          throw asOptions(err);
        });
        if (opts.json) return printJson(policies);
        printPolicies(shop.id, shop.name, policies);
      });
    });
}
