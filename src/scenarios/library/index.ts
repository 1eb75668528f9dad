// The one-click library: switching a ready-made scenario on adds its default templates (never
// overwriting ones the shop has edited) and creates the scenario, active, under the library key.
import type { Clock } from "../../core/clock.js";
import { NotFoundError } from "../../core/errors.js";
import type { Db } from "../../db/index.js";
import type { ScenarioDefinitionInput } from "../definition.js";
import { createScenario, getScenario, type ScenarioView, setScenarioStatus } from "../store.js";
import { ensureTemplates } from "../templates.js";
import { LIBRARY_TEMPLATES } from "./content/index.js";
import { LIBRARY, type LibraryScenario, libraryScenario } from "./definitions.js";

export { LIBRARY, type LibraryScenario, libraryScenario } from "./definitions.js";

/** Template keys a definition's send steps use. */
function templateKeys(definition: ScenarioDefinitionInput): string[] {
  return [...new Set(definition.steps.flatMap((s) => (s.type === "send" ? [s.template] : [])))];
}

/** The definition with each send step's class taken from its default templates (e.g. warranty notices are service messages). */
function withTemplateClasses(definition: ScenarioDefinitionInput): ScenarioDefinitionInput {
  return {
    ...definition,
    steps: definition.steps.map((step) => {
      if (step.type !== "send") return step;
      const template = LIBRARY_TEMPLATES.find((t) => `${t.scenario}.${t.step}` === step.template);
      return template ? { ...step, messageClass: template.messageClass } : step;
    }),
  };
}

/** The library's definition of a scenario, as a shop would get it. */
export function libraryDefinition(entry: LibraryScenario): ScenarioDefinitionInput {
  return withTemplateClasses(entry.definition);
}

/** Switches a library scenario on for a shop: its templates, then the scenario, active. Idempotent. */
export async function enableLibraryScenario(
  db: Db,
  clock: Clock,
  shopId: number,
  key: string,
): Promise<ScenarioView> {
  const entry = libraryScenario(key);
  if (!entry) throw new NotFoundError(`library scenario "${key}"`);
  const keys = new Set(templateKeys(entry.definition));
  await ensureTemplates(
    db,
    clock,
    shopId,
    LIBRARY_TEMPLATES.filter((t) => keys.has(`${t.scenario}.${t.step}`)).map((t) => ({
      key: `${t.scenario}.${t.step}`,
      channel: t.channel,
      locale: t.locale,
      messageClass: t.messageClass,
      subject: t.subject ?? null,
      preheader: t.preheader ?? null,
      body: t.body,
    })),
  );
  try {
    const existing = await getScenario(db, shopId, key);
    return existing.status === "active" ? existing : setScenarioStatus(db, clock, shopId, key, "active");
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  return createScenario(db, clock, shopId, {
    key,
    definition: libraryDefinition(entry),
    libraryKey: key,
    activate: true,
  });
}

/** Switches on every library scenario (simulate --enable-all). */
export async function enableWholeLibrary(db: Db, clock: Clock, shopId: number): Promise<ScenarioView[]> {
  const out: ScenarioView[] = [];
  for (const entry of LIBRARY) out.push(await enableLibraryScenario(db, clock, shopId, entry.key));
  return out;
}
