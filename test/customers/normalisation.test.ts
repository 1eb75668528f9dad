// Contact points and profile fields arrive in every spelling Japanese shops produce; they are stored
// in one form so that matching and segments compare like with like.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { type CustomerApi, customerApi, rejects, upserted } from "./steps.js";

describe("normalising what the shop sends", () => {
  let t: TestApp;
  let api: CustomerApi;
  let n = 0;
  /** Creates a fresh member with `fields` and returns the stored profile. */
  const stored = async (fields: Record<string, unknown>) =>
    (await upserted(api, { externalId: `N${++n}`, ...fields })).customer;
  const rejected = async (fields: Record<string, unknown>, field: string) =>
    rejects(await api.upsert({ externalId: `N${++n}`, ...fields }), field);

  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    api = customerApi(t);
  });
  afterAll(async () => t.close());

  it.each([
    [" Hanako@Example.JP ", "hanako@example.jp"],
    ["TARO.YAMADA+shop@GMAIL.COM", "taro.yamada+shop@gmail.com"],
    ["ｊｉｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "jiro@example.jp"],
  ])("stores the email %j as %j", async (email, expected) => {
    expect((await stored({ email })).email).toBe(expected);
  });

  it.each(["hanako", "hanako@", "@example.jp", "hanako@example", "han ako@example.jp", "a@b@example.jp"])(
    "rejects the email %j, naming the field",
    async (email) => {
      expect(await rejected({ email }, "email")).toContain(email);
    },
  );

  it.each([
    ["090-1234-5678", "+819012345678"],
    ["09012345678", "+819012345678"],
    ["090 1234 5678", "+819012345678"],
    ["０９０－１２３４－５６７８", "+819012345678"],
    ["+81 90-1234-5678", "+819012345678"],
    ["+819012345678", "+819012345678"],
    ["03-1234-5678", "+81312345678"],
    ["(03)1234-5678", "+81312345678"],
    ["06-6123-4567", "+81661234567"],
    ["0120-123-456", "+81120123456"],
    ["050-1234-5678", "+815012345678"],
  ])("stores the phone %j as %j (E.164)", async (phone, expected) => {
    expect((await stored({ phone })).phone).toBe(expected);
  });

  it.each([
    "12345",
    "phone",
    "090-1234-56789",
    // One digit short of a mobile number: not a number anyone can be reached on.
    "090-1234-567",
    "03-1234-567",
  ])("rejects the phone %j, naming the field", async (phone) => {
    expect(await rejected({ phone }, "phone")).toContain("phone number");
  });

  it.each([
    ["〒150-0001", "1500001"],
    ["150-0001", "1500001"],
    ["1500001", "1500001"],
    ["〒 150 0001", "1500001"],
    ["１５０－０００１", "1500001"],
    // Hyphen look-alikes Japanese input methods produce: the minus sign and the long vowel mark.
    ["150−0001", "1500001"],
    ["150ー0001", "1500001"],
  ])("stores the postal code %j as %j", async (postalCode, expected) => {
    expect((await stored({ postalCode })).postalCode).toBe(expected);
  });

  it.each(["123", "150-00011", "abc-defg", "〒"])("rejects the postal code %j", async (postalCode) => {
    expect(await rejected({ postalCode }, "postalCode")).toContain("7-digit");
  });

  it.each([
    ["東京都", "東京都"],
    ["東京", "東京都"],
    ["Tokyo", "東京都"],
    ["TOKYO", "東京都"],
    ["tokyo-to", "東京都"],
    ["13", "東京都"],
    ["１３", "東京都"],
    ["北海道", "北海道"],
    ["Hokkaido", "北海道"],
    ["01", "北海道"],
    ["1", "北海道"],
    ["大阪", "大阪府"],
    ["Osaka-fu", "大阪府"],
    ["京都", "京都府"],
    ["神奈川", "神奈川県"],
    ["kanagawa-ken", "神奈川県"],
    ["鹿児島", "鹿児島県"],
    ["47", "沖縄県"],
    [" 沖縄県 ", "沖縄県"],
  ])("stores the prefecture %j as %j", async (prefecture, expected) => {
    expect((await stored({ prefecture })).prefecture).toBe(expected);
  });

  it.each(["0", "48", "Tokio", "東京府", "関東"])("rejects the prefecture %j", async (prefecture) => {
    expect(await rejected({ prefecture }, "prefecture")).toContain("prefectures");
  });

  it.each([
    [
      { lastNameKana: "やまだ", firstNameKana: "はなこ" },
      { lastNameKana: "ヤマダ", firstNameKana: "ハナコ" },
    ],
    [
      { lastNameKana: "ﾔﾏﾀﾞ", firstNameKana: "ｷｮｳｺ" },
      { lastNameKana: "ヤマダ", firstNameKana: "キョウコ" },
    ],
    [
      { lastNameKana: "スズキ", firstNameKana: "ゆうこ" },
      { lastNameKana: "スズキ", firstNameKana: "ユウコ" },
    ],
    [{ lastNameKana: "ヴぁーぐ" }, { lastNameKana: "ヴァーグ" }],
  ])("stores the kana %j in full-width katakana", async (kana, expected) => {
    expect(await stored(kana)).toMatchObject(expected);
  });

  it.each([
    ["lastNameKana", "山田"],
    ["firstNameKana", "Hanako"],
  ])("rejects %s that is not kana (%j)", async (field, value) => {
    expect(await rejected({ [field]: value }, field)).toContain("kana");
  });

  it.each([
    ["1990-04-01", "1990-04-01"],
    ["1990/4/1", "1990-04-01"],
    ["１９９０－０４－０１", "1990-04-01"],
    ["2000-02-29", "2000-02-29"],
    ["2026-06-01", "2026-06-01"],
  ])("stores the birthday %j as %j", async (birthday, expected) => {
    expect((await stored({ birthday })).birthday).toBe(expected);
  });

  it.each([
    ["not a date", "not a date"],
    ["1990-4", "not a date"],
    ["2001-02-29", "not a calendar date"],
    ["1990-02-30", "not a calendar date"],
    ["1990-13-01", "not a calendar date"],
    ["2026-06-02", "future"],
    ["1850-01-01", "1900"],
  ])("rejects the birthday %j (%s)", async (birthday, reason) => {
    expect(await rejected({ birthday }, "birthday")).toContain(reason);
  });

  it("rejects a birthday longer than a date before looking at it", async () => {
    await rejected({ birthday: "1990-04-01T00:00:00Z" }, "birthday");
  });

  it.each([
    ["female", "female"],
    ["F", "female"],
    ["Woman", "female"],
    ["女性", "female"],
    ["女", "female"],
    ["M", "male"],
    ["男性", "male"],
    ["その他", "other"],
    ["other", "other"],
    ["未回答", "unknown"],
    ["不明", "unknown"],
  ])("stores the gender %j as %j", async (gender, expected) => {
    expect((await stored({ gender })).gender).toBe(expected);
  });

  it("rejects a gender it does not know", async () => {
    expect(await rejected({ gender: "x" }, "gender")).toContain("female, male, other, unknown");
  });

  it("accepts a LINE user id of U and 32 hex digits, and nothing else", async () => {
    const line = `U${"0123456789abcdef".repeat(2)}`;
    expect((await stored({ lineUserId: line })).lineUserId).toBe(line);
    await rejected({ lineUserId: "U123" }, "lineUserId");
    await rejected({ lineUserId: `X${"0123456789abcdef".repeat(2)}` }, "lineUserId");
  });

  it("trims names and the external id", async () => {
    const c = (await upserted(api, { externalId: "  N-trim ", firstName: " 花子 ", lastName: "山田　" }))
      .customer;
    expect(c).toMatchObject({ externalId: "N-trim", firstName: "花子", lastName: "山田" });
  });

  it("matches a later update whatever spelling it uses", async () => {
    const first = await stored({ email: "match@example.jp", phone: "090-9999-8888" });
    const byEmail = await upserted(api, { email: "ＭＡＴＣＨ@example.jp", firstName: "一" });
    const byPhone = await upserted(api, { phone: "+81 (90) 9999 8888", lastName: "二" });
    expect(byEmail.customer.id).toBe(first.id);
    expect(byPhone.customer).toMatchObject({ id: first.id, firstName: "一", lastName: "二" });
  });
});
