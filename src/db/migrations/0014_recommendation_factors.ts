// Implicit ALS joined the models a shop's history chooses from; when it is chosen, serving folds each
// customer's history into the products' factors, so the factors are stored with the products.
import type { Kysely } from "kysely";
import { columnTypes, type EngineMigration } from "./types.js";

export const recommendationFactors: EngineMigration = {
  async up(db: Kysely<unknown>, engine) {
    const t = columnTypes(engine);
    /** JSON [number, …]: the product's ALS factors; null unless the shop's model is ALS. */
    await db.schema.alterTable("recommendation_products").addColumn("factors", t.json).execute();
  },
};
