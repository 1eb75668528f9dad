// Scenarios: definitions and versions, triggers that enter customers, the worker's step pass, and the
// library of ready-made scenarios.
export { advanceDueRuns } from "./advance.js";
export { type Condition, conditionSchema, evaluateCondition } from "./conditions.js";
export {
  type ScenarioDefinition,
  type ScenarioDefinitionInput,
  type Step,
  scenarioDefinitionSchema,
  successors,
  type Trigger,
} from "./definition.js";
export { SETTLE_MS } from "./feed.js";
export { DEFAULT_GUARDRAILS } from "./guardrails.js";
export {
  enableLibraryScenario,
  enableWholeLibrary,
  LIBRARY,
  type LibraryScenario,
  libraryDefinition,
  libraryScenario,
} from "./library/index.js";
export {
  createScenario,
  getScenario,
  listScenarios,
  loadDefinition,
  type ScenarioView,
  setScenarioStatus,
  updateScenario,
} from "./store.js";
export { ensureTemplates, type TemplateInput } from "./templates.js";
export { runTriggers } from "./triggers.js";
export { validateDefinition } from "./validate.js";
export { wakeWaitingRuns } from "./wakeups.js";
