// Turns a validated CustomerInput into column values: normalised contact points, checked fields.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { ValidationError } from "../core/errors.js";
import type { CustomerTable } from "../db/index.js";
import {
  normalizeBirthday,
  normalizeEmail,
  normalizeGender,
  normalizeKana,
  normalizePhone,
  normalizePostalCode,
  normalizePrefecture,
} from "./normalize.js";
import type { CustomerInput } from "./schema.js";

type ProfileColumns = Partial<
  Omit<CustomerTable, "id" | "shop_id" | "attributes" | "merged_into_id" | "created_at" | "updated_at">
>;

export interface NormalizedCustomer {
  /** Only the columns the input mentions: undefined leaves a stored value alone, null clears it. */
  columns: ProfileColumns;
  attributes?: Record<string, unknown>;
  consents?: CustomerInput["consents"];
  createdAt?: string;
}

const LINE_USER_ID = /^U[0-9a-f]{32}$/;

function blankToNull(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const t = value.trim();
  return t === "" ? null : t;
}

/** `prefix` names where the customer sits in a larger body, e.g. "customers[3]." or "customer.". */
export function normalizeCustomerInput(input: CustomerInput, clock: Clock, prefix = ""): NormalizedCustomer {
  const f = (name: string) => `${prefix}${name}`;
  const columns: ProfileColumns = {};
  const set = <K extends keyof ProfileColumns>(
    key: K,
    raw: string | null | undefined,
    fn?: (v: string) => string,
  ) => {
    const v = blankToNull(raw);
    if (v === undefined) return;
    columns[key] = (v === null ? null : fn ? fn(v) : v) as ProfileColumns[K];
  };

  if (input.externalId !== undefined) {
    const id = input.externalId.trim();
    if (!id) throw ValidationError.field(f("externalId"), "must not be blank");
    columns.external_id = id;
  }
  set("email", input.email, (v) => normalizeEmail(v, f("email")));
  set("phone", input.phone, (v) => normalizePhone(v, f("phone")));
  set("line_user_id", input.lineUserId, (v) => {
    if (!LINE_USER_ID.test(v))
      throw ValidationError.field(f("lineUserId"), "must be U followed by 32 hex digits");
    return v;
  });
  set("first_name", input.firstName);
  set("last_name", input.lastName);
  set("first_name_kana", input.firstNameKana, (v) => normalizeKana(v, f("firstNameKana")));
  set("last_name_kana", input.lastNameKana, (v) => normalizeKana(v, f("lastNameKana")));
  set("birthday", input.birthday, (v) => normalizeBirthday(v, clock.now(), f("birthday")));
  set("gender", input.gender, (v) => normalizeGender(v, f("gender")));
  set("postal_code", input.postalCode, (v) => normalizePostalCode(v, f("postalCode")));
  set("prefecture", input.prefecture, (v) => normalizePrefecture(v, f("prefecture")));
  set("address", input.address);
  set("member_rank", input.memberRank);

  const identifies = columns.external_id || columns.email || columns.phone || columns.line_user_id;
  if (!identifies) {
    throw ValidationError.field(
      f("externalId"),
      "a customer needs at least one of externalId, email, phone, lineUserId",
    );
  }
  return {
    columns,
    attributes: input.attributes,
    consents: input.consents,
    createdAt: input.createdAt ? toIso(input.createdAt) : undefined,
  };
}
