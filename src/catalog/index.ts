// Catalogue: products, stock and restock detection.
export {
  ensureProducts,
  findProductBySku,
  getProduct,
  type ProductUpsertResult,
  productIdsBySku,
  productToOutput,
  setStock,
  upsertProduct,
} from "./products.js";
export { type ProductInput, productInputSchema, productOutputSchema } from "./schema.js";
