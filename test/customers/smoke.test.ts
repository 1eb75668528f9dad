import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";

describe("customer upsert, smoke", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it("creates, normalises, and reads back", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: {
        externalId: "M1",
        email: " Hanako@Example.JP ",
        phone: "090-1234-5678",
        lastNameKana: "やまだ",
        prefecture: "東京",
        postalCode: "〒150-0001",
        consents: { email: true },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().customer).toMatchObject({
      email: "hanako@example.jp",
      phone: "+819012345678",
      lastNameKana: "ヤマダ",
      prefecture: "東京都",
      postalCode: "1500001",
    });
    const got = await t.app.inject({ method: "GET", url: "/v1/customers/M1", headers: t.secret });
    expect(got.json().consents.email.granted).toBe(true);
    const bad = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId: "M2", postalCode: "123" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].field).toBe("postalCode");
  });
});
