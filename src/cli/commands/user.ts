// `kizuna user …`: the people who sign in to the admin, from the server's shell (the first owner of a
// new instance, a locked-out owner, a forgotten password); and `kizuna audit`: who changed what.
import type { Command } from "commander";
import { CLI_ACTOR, listAudit, recordAudit } from "../../accounts/audit.js";
import {
  addMember,
  findMember,
  findUserByEmail,
  listMembers,
  removeMember,
  resetPassword,
  setMemberRole,
  unlockUser,
} from "../../accounts/users.js";
import { systemClock } from "../../core/clock.js";
import { toCsv } from "../../core/csv.js";
import { NotFoundError, ValidationError } from "../../core/errors.js";
import type { Db } from "../../db/index.js";
import { resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";

async function audit(db: Db, shopId: number | null, action: string, target: Record<string, unknown>) {
  await recordAudit(db, systemClock, { shopId, actor: CLI_ACTOR, action, target });
}

export function registerUserCommand(program: Command): void {
  const user = program
    .command("user")
    .description("people who sign in to the admin, and their roles per shop");

  user
    .command("add")
    .argument("<email>", "their sign-in address")
    .requiredOption("--role <role>", "owner, marketer or analyst")
    .option("--name <name>", "how the admin shows them")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--json", "print {userId, email, role, created, password} as JSON")
    .description("add a person to a shop; a new account gets a generated password, printed once")
    .action(async (email: string, opts: { role: string; name?: string; shop?: string; json?: boolean }) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const added = await addMember(db, systemClock, shop.id, { email, role: opts.role, name: opts.name });
        await audit(db, shop.id, "user.add", { userId: added.member.userId, role: added.member.role });
        const { member, created, initialPassword } = added;
        if (opts.json)
          return printJson({
            userId: member.userId,
            email: member.email,
            role: member.role,
            created,
            password: initialPassword ?? null,
          });
        console.log(`${member.email} is ${member.role} of shop ${shop.id} "${shop.name}"`);
        if (initialPassword)
          console.log(`password (shown once; they can change it after signing in): ${initialPassword}`);
        else console.log("(an existing account: their password is unchanged)");
      });
    });

  user
    .command("list")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--json", "print as JSON")
    .description("the shop's members, their roles and last sign-in")
    .action(async (opts: { shop?: string; json?: boolean }) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const members = await listMembers(db, shop.id);
        if (opts.json) return printJson({ users: members });
        console.log(
          formatTable(
            members.map((m) => ({
              id: m.userId,
              email: m.email,
              name: m.name,
              role: m.role,
              "last sign-in": m.lastLoginAt ?? "",
              locked: m.lockedUntil ? `until ${m.lockedUntil}` : "",
            })),
          ),
        );
      });
    });

  user
    .command("role")
    .argument("<email>", "the member's address (or user id)")
    .argument("<role>", "owner, marketer or analyst")
    .option("--shop <id>", "shop id (default: the only shop)")
    .description("change a member's role (a shop keeps at least one owner)")
    .action(async (who: string, role: string, opts: { shop?: string }) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const member = await findMember(db, shop.id, who);
        const changed = await setMemberRole(db, shop.id, member.userId, role);
        await audit(db, shop.id, "user.role", { userId: member.userId, role: changed.role });
        console.log(`${changed.email} is now ${changed.role} of shop ${shop.id}`);
      });
    });

  user
    .command("remove")
    .argument("<email>", "the member's address (or user id)")
    .option("--shop <id>", "shop id (default: the only shop)")
    .description("take a person off a shop (their account stays for their other shops)")
    .action(async (who: string, opts: { shop?: string }) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const member = await findMember(db, shop.id, who);
        await removeMember(db, shop.id, member.userId);
        await audit(db, shop.id, "user.remove", { userId: member.userId });
        console.log(`${member.email} removed from shop ${shop.id}`);
      });
    });

  user
    .command("unlock")
    .argument("<email>", "their sign-in address")
    .description("lift a lockout after failed sign-ins")
    .action(async (email: string) => {
      await withInstance(async ({ db }) => {
        const found = await findUserByEmail(db, email);
        if (!found) throw new NotFoundError(`user ${email}`);
        await unlockUser(db, found.id);
        await audit(db, null, "user.unlock", { userId: found.id });
        console.log(`${found.email} can sign in again`);
      });
    });

  user
    .command("password")
    .argument("<email>", "their sign-in address")
    .option("--json", "print {email, password} as JSON")
    .description("set a new generated password (printed once) and sign them out everywhere")
    .action(async (email: string, opts: { json?: boolean }) => {
      await withInstance(async ({ db }) => {
        const found = await findUserByEmail(db, email);
        if (!found) throw new NotFoundError(`user ${email}`);
        const { generatedPassword } = await resetPassword(db, found.id);
        await audit(db, null, "user.password_reset", { userId: found.id });
        if (opts.json) return printJson({ email: found.email, password: generatedPassword });
        console.log(`new password for ${found.email} (shown once): ${generatedPassword}`);
      });
    });

  program
    .command("audit")
    .description("who changed or sent what in a shop, newest first")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--limit <n>", "entries", "50")
    .option("--format <format>", "table, csv or json", "table")
    .action(async (opts: { shop?: string; limit: string; format: string }) => {
      if (!["table", "csv", "json"].includes(opts.format))
        throw ValidationError.field("format", "one of table, csv, json");
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const entries = await listAudit(db, shop.id, { limit: Number(opts.limit) || 50 });
        if (opts.format === "json") return printJson({ entries });
        const rows = entries.map((e) => ({
          at: e.at,
          actor: e.actor,
          action: e.action,
          target: JSON.stringify(e.target),
          status: e.status ?? "",
        }));
        if (opts.format === "csv") {
          const columns = ["at", "actor", "action", "target", "status"] as const;
          process.stdout.write(toCsv([[...columns], ...rows.map((r) => columns.map((c) => r[c]))]));
        } else console.log(formatTable(rows));
      });
    });
}
