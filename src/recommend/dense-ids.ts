// Ids (customers', products') numbered 0, 1, 2… in the order they are first seen, so that per-id values
// can live in typed arrays instead of maps.
export class DenseIds {
  readonly ids: number[] = [];
  readonly index = new Map<number, number>();

  /** The id's number, giving it the next one if it has none. */
  add(id: number): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.index.set(id, i);
      this.ids.push(id);
    }
    return i;
  }

  indexOf(id: number): number | undefined {
    return this.index.get(id);
  }

  get size(): number {
    return this.ids.length;
  }
}
