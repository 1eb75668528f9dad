// Message templates are code written by shop staff, run by the delivery worker for every recipient. They
// run in a sandbox: no prototype or constructor access, no file system, bounded time, memory and output.
// What would leave the sandbox is refused when the template is saved, naming the field; what cannot be
// known then (a loop over the recipient's data) fails that one message instead of the worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toIso } from "../../src/core/clock.js";
import type { Message } from "../../src/db/index.js";
import { linkBuilder } from "../../src/messaging/links.js";
import { compileTemplate, htmlLiquid, textLiquid } from "../../src/messaging/render/compile.js";
import { Renderer } from "../../src/messaging/render/index.js";
import { renderBounded, TEMPLATE_LIMITS } from "../../src/messaging/render/sandbox.js";
import { loadShopForMessages } from "../../src/shops/profile.js";
import type { TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import { createHostileTestApp } from "./hostile-support.js";

let t: TestApp;
beforeAll(async () => {
  t = await createHostileTestApp();
});
afterAll(async () => t?.close());

function saveTemplate(channel: "email" | "sms", fields: { subject?: string; body: string }, key = "hostile") {
  return t.app.inject({
    method: "PUT",
    url: `/v1/templates/${key}/${channel}/ja`,
    headers: t.secret,
    payload: { messageClass: "transactional", subject: fields.subject ?? "ご案内", body: fields.body },
  });
}

// Each would reach past the scope it is given: the prototype chain, the file system, or unbounded work.
const REFUSED: Array<[string, { subject?: string; body: string }, string, RegExp]> = [
  ["a constructor's name", { body: "{{ customer.constructor.name }}" }, "body", /unknown variable/],
  ["the prototype", { body: "{{ customer.__proto__ }}" }, "body", /unknown variable/],
  ["the constructor by index", { body: '{{ customer["constructor"] }}' }, "body", /unknown variable/],
  [
    "the prototype in the subject",
    { subject: "{{ shop.__proto__.toString }}", body: "x" },
    "subject",
    /unknown/,
  ],
  ["constructor as a filter", { body: '{{ "x" | constructor }}' }, "body", /undefined filter: constructor/],
  [
    "a filter chained into constructor",
    { body: "{{ customer.firstName | append: 1 | constructor }}" },
    "body",
    /undefined filter/,
  ],
  ["an absolute include", { body: '{% include "/etc/passwd" %}' }, "body", /ENOENT/],
  ["a relative include", { body: '{% include "../../../../etc/passwd" %}' }, "body", /ENOENT/],
  // The server's own files: before the sandbox covered saving, the save-time check read this one.
  [
    "an include of a file that exists in the working directory",
    { body: '{% include "package.json" %}' },
    "body",
    /ENOENT/,
  ],
  ["render", { body: '{% render "x" %}' }, "body", /ENOENT/],
  ["layout", { body: '{% layout "x" %}{{ customer.firstName }}' }, "body", /ENOENT/],
  ["an include named by a variable", { body: "{% include customer.firstName %}" }, "body", /file path/],
  [
    "a hundred-million-step loop",
    { body: "{% for i in (1..100000000) %}x{% endfor %}" },
    "body",
    /memory alloc limit/,
  ],
  [
    "a million steps in nested loops",
    { body: "{% for a in (1..1000) %}{% for b in (1..1000) %}x{% endfor %}{% endfor %}" },
    "body",
    /limit exceeded/,
  ],
  [
    "a block repeated into megabytes",
    { body: `{% for i in (1..5000) %}${"<p>big</p>".repeat(100)}{% endfor %}` },
    "body",
    /over 2,000,000 characters/,
  ],
];

describe("saving a template that would leave the sandbox", () => {
  for (const channel of ["email", "sms"] as const) {
    it.each(REFUSED)(
      `${channel}: refuses %s, naming the field, and stores nothing`,
      async (_, fields, field, message) => {
        const before = await countRows(t.ctx.db, "templates");
        const started = performance.now();
        const res = await saveTemplate(channel, fields);
        expect(res.statusCode, res.body).toBe(400);
        // The save-time check is bounded like a render: a refused loop costs about the time bound at most.
        expect(performance.now() - started).toBeLessThan(TEMPLATE_LIMITS.renderMs * 3);
        const { error } = res.json();
        expect(error.code).toBe("validation_failed");
        expect(error.issues).toContainEqual({ field, message: expect.stringMatching(message) });
        expect(await countRows(t.ctx.db, "templates")).toBe(before);
      },
    );
  }
});

describe("what passes the save renders nothing it should not", () => {
  const product = {
    name: "煎茶",
    sku: "A1",
    url: "https://shop.example/p/A1",
    imageUrl: "",
    price: "¥1,980",
  };

  it("a loop variable's constructor and prototype print empty", async () => {
    const body =
      "{% for p in recommendations %}[{{ p.constructor }}|{{ p.constructor.name }}|{{ p.__proto__ }}|{{ p.name.constructor }}|{{ p.hasOwnProperty }}]{% endfor %}" +
      "{% assign n = customer.firstName %}<{{ n.constructor.name }}{{ n.__proto__ }}>";
    const res = await saveTemplate("sms", { body }, "loop-proto");
    expect(res.statusCode, res.body).toBe(200);
    const compiled = await compileTemplate({ channel: "sms", subject: null, body });
    if (compiled.kind !== "text") throw new Error("not a text template");
    const out = renderBounded(textLiquid, compiled.body, {
      customer: { firstName: "花子" },
      recommendations: [product, product],
    });
    expect(out).toBe("[||||][||||]<>");
  });

  it("the engines cannot read a file at render time either, whatever the path", () => {
    for (const source of [
      '{% include "/etc/passwd" %}',
      '{% render "package.json" %}',
      '{% layout "/etc/hosts" %}x',
    ]) {
      for (const engine of [htmlLiquid, textLiquid]) {
        expect(() => renderBounded(engine, engine.parse(source), {}), source).toThrow(/ENOENT/);
      }
    }
  });

  it("a customer's data is printed, never run: Liquid in a name stays text", async () => {
    const body = "{{ customer.lastName }}様";
    const compiled = await compileTemplate({ channel: "sms", subject: null, body });
    if (compiled.kind !== "text") throw new Error("not a text template");
    const name = '{% include "/etc/passwd" %}{{ shop.constructor }}';
    expect(renderBounded(textLiquid, compiled.body, { customer: { lastName: name } })).toBe(`${name}様`);
  });
});

describe("a loop over the recipient's data: bounded per message", () => {
  async function queue(templateKey: string, balance: number): Promise<Message> {
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId: `P-${templateKey}-${balance}`, phone: "09012345678" },
    });
    expect(created.statusCode, created.body).toBe(200);
    const now = toIso(t.clock.now());
    return t.ctx.db
      .insertInto("messages")
      .values({
        shop_id: t.shop.shop.id,
        customer_id: created.json().customer.id,
        channel: "sms",
        template_key: templateKey,
        message_class: "transactional",
        status: "queued",
        status_reason: null,
        idempotency_key: `hostile:${templateKey}:${balance}`,
        scenario_id: null,
        scenario_version: null,
        run_id: null,
        step_id: null,
        campaign_id: null,
        variant: null,
        payload: JSON.stringify({ points: { balance, expiringAmount: 0, expiresAt: null } }),
        queued_at: now,
        sent_at: null,
        opened_at: null,
        clicked_at: null,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async function render(messages: Message[]) {
    const shop = await loadShopForMessages(t.ctx.db, t.shop.shop.id);
    const renderer = new Renderer(t.ctx.db, linkBuilder(t.ctx.secret, "https://crm.example"));
    const started = performance.now();
    const outcomes = await renderer.render(shop!, messages, t.clock.now());
    return { outcomes, ms: performance.now() - started };
  }

  it("a huge range fails that message on the memory bound; a small one renders", async () => {
    const body = "{% for i in (1..points.balance) %}x{% endfor %}";
    expect((await saveTemplate("sms", { body }, "points-loop")).statusCode).toBe(200);
    const huge = await queue("points-loop", 100_000_000);
    const small = await queue("points-loop", 3);
    const { outcomes, ms } = await render([huge, small]);
    expect(outcomes.get(huge.id)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^rendering: memory alloc limit exceeded/),
    });
    expect(outcomes.get(small.id)).toMatchObject({ ok: true, content: { kind: "text", text: "xxx" } });
    expect(ms).toBeLessThan(TEMPLATE_LIMITS.renderMs * 3);
  });

  it("a block repeated past the output bound fails that message before the text is used", async () => {
    const body = `{% for i in (1..points.balance) %}${"ポイント".repeat(250)}{% endfor %}`;
    expect((await saveTemplate("sms", { body }, "points-block")).statusCode).toBe(200);
    const big = await queue("points-block", 5_000);
    const { outcomes, ms } = await render([big]);
    expect(outcomes.get(big.id)).toEqual({
      ok: false,
      reason: "rendering: the rendered text is over 2,000,000 characters",
    });
    expect(ms).toBeLessThan(TEMPLATE_LIMITS.renderMs * 3);
  });
});
