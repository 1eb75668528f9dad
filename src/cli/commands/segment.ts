// `kizuna segment`: segments from the command line; a segment is a JSON file {key, name, rule}.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { csvLine } from "../../core/csv.js";
import { ValidationError } from "../../core/errors.js";
import {
  archiveSegment,
  findSegment,
  installStarterSegments,
  listSegments,
  previewRule,
  refreshSegment,
  saveSegment,
  segmentMembers,
  toSegmentView,
} from "../../segments/index.js";
import { resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";

interface Options {
  shop?: string;
  json?: boolean;
  limit?: string;
}

function readJsonFile(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (err) {
    throw ValidationError.field("file", `cannot read ${file} as JSON: ${(err as Error).message}`);
  }
}

export function registerSegmentCommand(program: Command): void {
  const segment = program.command("segment").description("customer segments: rules, counts and members");
  const withShop = (c: Command) => c.option("--shop <id>", "shop id (default: the only shop)");

  withShop(segment.command("list"))
    .option("--json", "print as JSON")
    .description("the shop's segments with their member counts")
    .action(async (opts: Options) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const segments = await listSegments(db, shop.id);
        if (opts.json) return printJson({ segments });
        console.log(
          formatTable(
            segments.map((s) => ({
              key: s.key,
              name: s.name,
              status: s.status,
              members: s.members,
              version: s.version,
              refreshed: s.refreshedAt ?? "",
            })),
          ),
        );
      });
    });

  withShop(segment.command("preview").argument("<file>", "a segment JSON {key, name, rule} or a bare rule"))
    .option("--json", "print as JSON")
    .option("--limit <n>", "how many matching customers to show", "10")
    .description("how many customers the rule matches now, and the first of them (nothing is saved)")
    .action(async (file: string, opts: Options) => {
      const json = readJsonFile(file);
      const rule = "rule" in json ? json.rule : json;
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const preview = await previewRule(db, systemClock, shop.id, rule, Number(opts.limit ?? 10));
        if (opts.json) return printJson(preview);
        console.log(`${preview.count} customers match`);
        if (preview.sample.length > 0)
          console.log(
            formatTable(
              preview.sample.map((c) => ({
                ...c,
                name: c.name ?? "",
                email: c.email ?? "",
                externalId: c.externalId ?? "",
              })),
            ),
          );
      });
    });

  withShop(segment.command("save").argument("<file>", "segment JSON {key, name, description?, rule}"))
    .option("--json", "print the segment as JSON")
    .description("create the segment or change it (a new version), and refresh its members")
    .action(async (file: string, opts: Options) => {
      const input = readJsonFile(file);
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const saved = await saveSegment(db, systemClock, shop.id, input);
        if (opts.json) return printJson(saved);
        console.log(`segment ${saved.key} v${saved.version}: ${saved.members} members`);
      });
    });

  withShop(segment.command("starter"))
    .description("install the ready-made segments the shop does not have yet (VIP, F2 candidates, dormant…)")
    .action(async (opts: Options) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const installed = await installStarterSegments(db, systemClock, shop.id);
        console.log(
          installed.length === 0
            ? "every starter segment is installed already"
            : formatTable(installed.map((s) => ({ key: s.key, name: s.name, members: s.members }))),
        );
      });
    });

  withShop(segment.command("show").argument("<key>"))
    .description("one segment with its rule, as JSON")
    .action(async (key: string, opts: Options) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        printJson(toSegmentView(await findSegment(db, shop.id, key)));
      });
    });

  withShop(segment.command("refresh").argument("<key>"))
    .option("--json", "print as JSON")
    .description("re-evaluate the rule now: who entered, who left")
    .action(async (key: string, opts: Options) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const result = await refreshSegment(db, systemClock, await findSegment(db, shop.id, key));
        if (opts.json) return printJson(result);
        console.log(formatTable([{ ...result }]));
      });
    });

  withShop(segment.command("members").argument("<key>"))
    .option("--json", "print as JSON lines")
    .option("--limit <n>", "at most this many (default: all)")
    .description("the current members as CSV (customer id, external id, entered at)")
    .action(async (key: string, opts: Options) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const limit = opts.limit === undefined ? Number.POSITIVE_INFINITY : Number(opts.limit);
        if (!(limit > 0)) throw ValidationError.field("limit", "must be a positive number");
        if (!opts.json) console.log("customer_id,external_id,entered_at");
        let after = 0;
        let printed = 0;
        while (printed < limit) {
          const page = await segmentMembers(db, shop.id, key, {
            after,
            limit: Math.min(1000, limit - printed),
          });
          for (const m of page) {
            if (opts.json) printJson(m);
            else console.log(csvLine([m.customerId, m.externalId, m.enteredAt]));
          }
          printed += page.length;
          if (page.length === 0) break;
          after = page[page.length - 1].customerId;
        }
      });
    });

  withShop(segment.command("archive").argument("<key>"))
    .description("archive the segment: every member exits now")
    .action(async (key: string, opts: Options) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        await archiveSegment(db, systemClock, shop.id, key);
        console.log(`segment ${key} archived`);
      });
    });
}
