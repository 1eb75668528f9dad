// Per-step counts of a scenario for the flow view and reports: how many runs passed each step, what
// its messages did, and the conversions credited to them. All versions together, keyed by step id.
import type { Db } from "../db/index.js";
import type { ScenarioView } from "./store.js";

export interface StepStats {
  stepId: string;
  type: string;
  entered: number;
  sent: number;
  suppressed: number;
  opened: number;
  clicked: number;
  converted: number;
  revenue: number;
}

export async function scenarioStepStats(
  db: Db,
  shopId: number,
  scenario: ScenarioView,
): Promise<StepStats[]> {
  const passed = await db
    .selectFrom("scenario_run_steps")
    .select(["step_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("scenario_id", "=", scenario.id)
    .groupBy("step_id")
    .execute();
  const messages = await db
    .selectFrom("messages")
    .select([
      "step_id",
      "status",
      (eb) => eb.fn.countAll<number>().as("n"),
      (eb) => eb.fn.count<number>("opened_at").as("opened"),
      (eb) => eb.fn.count<number>("clicked_at").as("clicked"),
    ])
    .where("shop_id", "=", shopId)
    .where("scenario_id", "=", scenario.id)
    .groupBy(["step_id", "status"])
    .execute();
  const conversions = await db
    .selectFrom("conversions")
    .select([
      "step_id",
      (eb) => eb.fn.countAll<number>().as("n"),
      (eb) => eb.fn.sum<number>("revenue").as("revenue"),
    ])
    .where("scenario_id", "=", scenario.id)
    .groupBy("step_id")
    .execute();

  return scenario.definition.steps.map((step) => {
    const mine = messages.filter((m) => m.step_id === step.id);
    const converted = conversions.find((c) => c.step_id === step.id);
    return {
      stepId: step.id,
      type: step.type,
      entered: Number(passed.find((p) => p.step_id === step.id)?.n ?? 0),
      sent: mine.filter((m) => m.status !== "suppressed").reduce((s, m) => s + Number(m.n), 0),
      suppressed: mine.filter((m) => m.status === "suppressed").reduce((s, m) => s + Number(m.n), 0),
      opened: mine.reduce((s, m) => s + Number(m.opened), 0),
      clicked: mine.reduce((s, m) => s + Number(m.clicked), 0),
      converted: Number(converted?.n ?? 0),
      revenue: Number(converted?.revenue ?? 0),
    };
  });
}
