// What a fault must not break, checked after the worker has finished the seeded shop's work (see
// seedFaultShop): every scenario step happened exactly once per run, every campaign member entered once,
// every message is sent and arrived at the SMTP server, and the only repeats there are the same mails
// again (same Message-ID, same recipient), no more of them than the bound.
import { expect } from "vitest";
import type { Db } from "../../src/db/index.js";
import type { SmtpSink } from "../support/smtp.js";
import { count, type FaultShop, SCENARIO_STEPS } from "./support.js";

export interface FaultSizes {
  scenarioCustomers: number;
  campaignCustomers: number;
}

/** Every scenario run ended, the campaign entered its whole audience, and no message is open. */
export async function workDone(db: Db, shop: FaultShop, sizes: FaultSizes): Promise<boolean> {
  const open = await count(
    db,
    `select count(*) as n from messages
     where shop_id = ${shop.shopId} and status in ('queued', 'rendering', 'sending', 'deferred')`,
  );
  const scenario = await db
    .selectFrom("scenario_runs")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("scenario_id", "=", shop.scenarioId)
    .groupBy("status")
    .execute();
  const runs = scenario.reduce((sum, r) => sum + Number(r.n), 0);
  const active = Number(scenario.find((r) => r.status === "active")?.n ?? 0);
  if (open > 0 || active > 0 || runs < sizes.scenarioCustomers) return false;
  if (shop.campaignId === null) return true;
  const campaign = await db
    .selectFrom("campaigns")
    .select(["status", "scenario_id"])
    .where("id", "=", shop.campaignId)
    .executeTakeFirstOrThrow();
  if (campaign.status !== "sent") return false;
  // The campaign's runs wait out the conversion window at "observe" once their send is done.
  const pending = await count(
    db,
    `select count(*) as n from scenario_runs where scenario_id = ${campaign.scenario_id} and step_id <> 'observe'`,
  );
  return pending === 0;
}

/** Message-IDs that reached the SMTP server but are not recorded as sent: the mails a fault can repeat. */
export async function unrecordedAtSink(db: Db, shop: FaultShop, sink: SmtpSink): Promise<number> {
  const sent = await db
    .selectFrom("messages")
    .select("id")
    .where("shop_id", "=", shop.shopId)
    .where("status", "=", "sent")
    .execute();
  const recorded = new Set(sent.map((m) => shop.messageId(m.id)));
  return new Set(sink.received.map((m) => m.messageId).filter((id) => !recorded.has(id!))).size;
}

/** Asserts the outcome; returns the number of messages and of repeats at the server. */
export async function expectNothingLostOrRepeated(
  db: Db,
  shop: FaultShop,
  sink: SmtpSink,
  sizes: FaultSizes,
  repeatBound: number,
): Promise<{ messages: number; repeats: number }> {
  // Scenario: every run completed, its step log 1…5 with no gap and no repeat.
  expect(
    await count(
      db,
      `select count(*) as n from scenario_runs where scenario_id = ${shop.scenarioId} and status = 'completed'`,
    ),
  ).toBe(sizes.scenarioCustomers);
  const badScenarioRuns = await count(
    db,
    `select count(*) as n from (
       select run_id from scenario_run_steps where scenario_id = ${shop.scenarioId} group by run_id
       having count(*) <> ${SCENARIO_STEPS} or count(distinct seq) <> ${SCENARIO_STEPS}
         or min(seq) <> 1 or max(seq) <> ${SCENARIO_STEPS}
     ) as bad`,
  );
  expect(badScenarioRuns).toBe(0);
  expect(
    await count(db, `select count(*) as n from scenario_run_steps where scenario_id = ${shop.scenarioId}`),
  ).toBe(sizes.scenarioCustomers * SCENARIO_STEPS);
  // The branch went the right way for everyone: VIPs (every third customer) got the VIP mail.
  const branchOutcomes = await db
    .selectFrom("messages")
    .innerJoin("customers", "customers.id", "messages.customer_id")
    .select(["messages.template_key", "customers.attributes"])
    .where("messages.shop_id", "=", shop.shopId)
    .where("messages.step_id", "in", ["vip", "regular"])
    .execute();
  expect(branchOutcomes).toHaveLength(sizes.scenarioCustomers);
  const wrongBranch = branchOutcomes.filter(
    (row) =>
      row.template_key !==
      ((JSON.parse(row.attributes) as { vip: boolean }).vip ? "welcome.vip" : "welcome.regular"),
  );
  expect(wrongBranch).toEqual([]);

  // Campaign: every member of the segment entered once; the split, then (outside the holdout) the send.
  let held = 0;
  if (shop.campaignId !== null) {
    const campaign = await db
      .selectFrom("campaigns")
      .select("scenario_id")
      .where("id", "=", shop.campaignId)
      .executeTakeFirstOrThrow();
    const runs = await db
      .selectFrom("scenario_runs")
      .select(["holdout", "customer_id"])
      .where("scenario_id", "=", campaign.scenario_id!)
      .execute();
    expect(runs).toHaveLength(sizes.campaignCustomers);
    expect(new Set(runs.map((r) => r.customer_id)).size).toBe(sizes.campaignCustomers);
    held = runs.filter((r) => r.holdout === 1).length;
    expect(held).toBeGreaterThan(0);
    const badCampaignRuns = await count(
      db,
      `select count(*) as n from (
         select s.run_id from scenario_run_steps s join scenario_runs r on r.id = s.run_id
         where r.scenario_id = ${campaign.scenario_id} group by s.run_id
         having count(*) <> count(distinct s.seq) or min(s.seq) <> 1
           or count(*) <> (case when max(r.holdout) = 1 then 1 else 2 end)
           or max(s.seq) <> (case when max(r.holdout) = 1 then 1 else 2 end)
       ) as bad`,
    );
    expect(badCampaignRuns).toBe(0);
  }

  // The outbox: one message per send step taken, every one sent.
  const messages = await db
    .selectFrom("messages")
    .select(["id", "status", "status_reason"])
    .where("shop_id", "=", shop.shopId)
    .execute();
  const expected = sizes.scenarioCustomers * 2 + (sizes.campaignCustomers - held);
  expect(messages).toHaveLength(expected);
  expect(messages.filter((m) => m.status !== "sent").slice(0, 5)).toEqual([]);

  // At the SMTP server: every message at least once, nothing else, repeats within the bound.
  const expectedIds = new Set(messages.map((m) => shop.messageId(m.id)));
  const arrived = sink.received.map((m) => m.messageId);
  const distinct = new Set(arrived);
  expect([...expectedIds].filter((id) => !distinct.has(id))).toEqual([]);
  expect([...distinct].filter((id) => !expectedIds.has(id!))).toEqual([]);
  const repeats = arrived.length - distinct.size;
  expect(repeats).toBeLessThanOrEqual(repeatBound);
  // A repeat is the same mail again: the same Message-ID (so a receiver can drop it), to the same address.
  const recipientOf = new Map<string, string>();
  const changedRecipient: string[] = [];
  for (const mail of sink.received) {
    const first = recipientOf.get(mail.messageId!);
    if (first === undefined) recipientOf.set(mail.messageId!, mail.envelopeTo.join(","));
    else if (first !== mail.envelopeTo.join(",")) changedRecipient.push(mail.messageId!);
  }
  expect(changedRecipient).toEqual([]);
  return { messages: expected, repeats };
}
