// `kizuna customer export|erase`: a customer's data as one JSON document, and erasure on request (APPI,
// GDPR). Mirrors GET /v1/customers/:id/export and DELETE /v1/customers/:id; the customer is named by
// external id or "#<id>". Erasure cannot be undone, so it asks for --yes.
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { ValidationError } from "../../core/errors.js";
import { customerByRef, customerExport, eraseCustomer } from "../../privacy/index.js";
import { resolveShop } from "../../shops/index.js";
import { ensureInstanceSecret } from "../../shops/instance.js";
import { withInstance } from "../instance.js";
import { printJson } from "../output.js";

/** Writes the chunks with backpressure, so a large export never piles up in memory. */
async function writeAll(out: Writable, chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) if (!out.write(chunk)) await once(out, "drain");
  if (!out.write("\n")) await once(out, "drain");
}

export function registerCustomerCommand(program: Command): void {
  const customer = program
    .command("customer")
    .description("a customer's personal data: export it, or erase it on request");

  customer
    .command("export")
    .argument("<id>", 'external id, or "#" and the numeric id')
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--out <file>", "write the JSON to this file instead of stdout")
    .description("everything stored about the customer, as one JSON document")
    .action(async (ref: string, opts: { shop?: string; out?: string }) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const found = await customerByRef(db, shop.id, ref);
        const chunks = customerExport(db, systemClock, shop.id, found);
        if (!opts.out) return writeAll(process.stdout, chunks);
        // Only the owner may read it: it is everything about a person.
        await pipeline(Readable.from(chunks), createWriteStream(opts.out, { mode: 0o600 }));
        process.stderr.write(`customer #${found.id} exported to ${opts.out}\n`);
      });
    });

  customer
    .command("erase")
    .argument("<id>", 'external id, or "#" and the numeric id')
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--yes", "really erase (it cannot be undone)")
    .description(
      "erase the customer: personal data removed in one transaction, orders and statistics kept anonymous",
    )
    .action(async (ref: string, opts: { shop?: string; yes?: boolean }) => {
      if (!opts.yes) {
        throw ValidationError.field(
          "yes",
          `erasing customer ${ref} cannot be undone; run again with --yes to erase (export it first if it is asked for)`,
        );
      }
      await withInstance(async ({ db, config }) => {
        const shop = await resolveShop(db, opts.shop);
        const found = await customerByRef(db, shop.id, ref);
        const secret = await ensureInstanceSecret(db, config.secret);
        printJson({
          erased: await eraseCustomer(db, systemClock, shop.id, found, { source: "cli", secret }),
        });
      });
    });
}
