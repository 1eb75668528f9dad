// `kizuna template`: the shop's message templates — list, show, set from a file, or check one without
// saving. A template is checked in full before it is stored (unknown variables, Liquid and MJML errors,
// the opt-out link and sender identity of promotional mail), each problem named by its field.
// Mirrors /v1/templates.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { systemClock } from "../../core/clock.js";
import { KizunaError, NotFoundError, ValidationError } from "../../core/errors.js";
import { parseOrThrow } from "../../core/zod-errors.js";
import { CHANNELS, type Template } from "../../db/index.js";
import { saveTemplate, type TemplateInput, validateTemplate } from "../../messaging/templates.js";
import { resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";

const LOCALES = ["ja", "en"] as const;
const MESSAGE_CLASSES = ["promotional", "transactional"] as const;

// Keys are the options' names, so an issue names the option to fix (`class`, not `messageClass`).
const templateOptions = z.object({
  key: z.string().min(1).max(128),
  channel: z.enum(CHANNELS),
  locale: z.enum(LOCALES),
  class: z.enum(MESSAGE_CLASSES),
  subject: z.string().max(500).optional(),
  preheader: z.string().max(500).optional(),
  body: z.string().min(1, "the body file is empty").max(500_000),
});

interface ShopOptions {
  shop?: string;
  json?: boolean;
}

interface TemplateOptions extends ShopOptions {
  channel: string;
  locale: string;
  class: string;
  subject?: string;
  preheader?: string;
  bodyFile: string;
}

function readBody(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw ValidationError.field("body", `cannot read ${file}: ${(err as Error).message}`);
  }
}

function templateInput(key: string, opts: TemplateOptions): TemplateInput {
  const parsed = parseOrThrow(templateOptions, {
    key,
    channel: opts.channel,
    locale: opts.locale,
    class: opts.class,
    subject: opts.subject,
    preheader: opts.preheader,
    body: readBody(opts.bodyFile),
  });
  const { class: messageClass, ...rest } = parsed;
  return { ...rest, messageClass };
}

function templateView(t: Template) {
  return {
    key: t.key,
    channel: t.channel,
    locale: t.locale,
    messageClass: t.message_class,
    subject: t.subject,
    preheader: t.preheader,
    body: t.body,
    updatedAt: t.updated_at,
  };
}

/**
 * A template's problems one per line (an MJML error alone can be long); still a validation error, so it
 * exits as every refused input does.
 */
async function refusingEachProblem<T>(key: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof ValidationError) || err.issues.length < 2) throw err;
    const lines = err.issues.map((i) => `  ${i.field}: ${i.message}`);
    throw new KizunaError(
      `template "${key}" has ${err.issues.length} problems:\n${lines.join("\n")}`,
      err.code,
      err.status,
      err.issues,
    );
  }
}

/** The options `set` and `check` share, so a checked command line can be turned into a save. */
function withTemplateOptions(c: Command): Command {
  return c
    .argument("<key>", "template key, e.g. cart-reminder")
    .option("--shop <id>", "shop id (default: the only shop)")
    .requiredOption("--channel <channel>", CHANNELS.join(", "))
    .requiredOption("--locale <locale>", LOCALES.join(" or "))
    .requiredOption("--class <class>", MESSAGE_CLASSES.join(" or "))
    .option("--subject <subject>", "subject (required for email; Liquid)")
    .option("--preheader <preheader>", "email preheader (Liquid)")
    .requiredOption("--body-file <file>", "the body: HTML, MJML or text with Liquid variables");
}

export function registerTemplateCommand(program: Command): void {
  const template = program.command("template").description("the shop's message templates");

  template
    .command("list")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--json", "print as JSON")
    .description("list the shop's templates")
    .action(async (opts: ShopOptions) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const rows = await db
          .selectFrom("templates")
          .selectAll()
          .where("shop_id", "=", shop.id)
          .orderBy("key")
          .orderBy("channel")
          .orderBy("locale")
          .execute();
        const templates = rows.map((t) => {
          const { body: _body, ...view } = templateView(t);
          return view;
        });
        if (opts.json) return printJson({ templates });
        console.log(
          formatTable(
            templates.map((t) => ({
              key: t.key,
              channel: t.channel,
              locale: t.locale,
              class: t.messageClass,
              subject: t.subject ?? "",
              updated: t.updatedAt,
            })),
          ),
        );
      });
    });

  template
    .command("show")
    .argument("<key>", "template key")
    .option("--shop <id>", "shop id (default: the only shop)")
    .requiredOption("--channel <channel>", CHANNELS.join(", "))
    .requiredOption("--locale <locale>", LOCALES.join(" or "))
    .option("--json", "print the whole template as JSON")
    .description("print a template's body (as `set --body-file` takes it back)")
    .action(async (key: string, opts: ShopOptions & { channel: string; locale: string }) => {
      const wanted = parseOrThrow(templateOptions.pick({ key: true, channel: true, locale: true }), {
        key,
        channel: opts.channel,
        locale: opts.locale,
      });
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const row = await db
          .selectFrom("templates")
          .selectAll()
          .where("shop_id", "=", shop.id)
          .where("key", "=", wanted.key)
          .where("channel", "=", wanted.channel)
          .where("locale", "=", wanted.locale)
          .executeTakeFirst();
        if (!row) throw new NotFoundError(`template "${key}" (${wanted.channel}, ${wanted.locale})`);
        if (opts.json) return printJson(templateView(row));
        process.stdout.write(row.body.endsWith("\n") ? row.body : `${row.body}\n`);
      });
    });

  withTemplateOptions(template.command("set"))
    .option("--json", "print the stored template as JSON")
    .description(
      "create or replace a template; refused, naming each problem's field, if it could not be sent",
    )
    .action((key: string, opts: TemplateOptions) =>
      refusingEachProblem(key, async () => {
        const input = templateInput(key, opts);
        await withInstance(async ({ db }) => {
          const shop = await resolveShop(db, opts.shop);
          const saved = await saveTemplate(db, systemClock, shop.id, input);
          if (opts.json) return printJson(templateView(saved));
          console.log(`template "${saved.key}" (${saved.channel}, ${saved.locale}) saved in shop ${shop.id}`);
        });
      }),
    );

  withTemplateOptions(template.command("check"))
    .description("check a template as `set` would, without saving it")
    .action((key: string, opts: TemplateOptions) =>
      refusingEachProblem(key, async () => {
        // The checks read no shop data, so this needs no database (--shop is accepted to match `set`).
        await validateTemplate(templateInput(key, opts));
        console.log("ok");
      }),
    );
}
