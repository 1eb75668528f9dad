// The visual rule builder: groups of conditions joined by "all" or "any", each condition excludable
// (NOT) and groups nestable, edited as the JSON tree the API takes. Every input has a label; an error
// the server names by path (rule.conditions[1].withinDays) is shown beside that input.
import type { ReactElement } from "react";
import type { ApiIssue } from "../../api";
import { useI18n, usePageText } from "../../i18n";
import { asGroup, type FieldSpec, LEAF_KINDS, type Leaf, leafKind, RULE_WORDS, type Rule } from "./leaves";

type Group = { type: "all" | "any"; conditions: Rule[] };

export interface BuilderContext {
  readOnly: boolean;
  issues: ApiIssue[];
  /** Other segments of the shop, for "member of another segment". */
  segments: Array<{ key: string; name: string }>;
  /** Minor units per major unit of the shop's currency (1 for yen, 100 for dollars). */
  moneyFactor: number;
  currency: string;
}

const ja = {
  all: "すべての条件を満たす",
  any: "いずれかの条件を満たす",
  and: "かつ",
  or: "または",
  exclude: "除外（NOT）",
  addCondition: "条件を追加",
  addGroup: "グループを追加",
  removeCondition: "この条件を削除",
  removeGroup: "このグループを削除",
  kind: "条件の種類",
  match: "結合",
  empty: "条件がありません。「条件を追加」から始めてください。",
  chooseSegment: "選択してください",
};
const en: typeof ja = {
  all: "Match all conditions",
  any: "Match any condition",
  and: "and",
  or: "or",
  exclude: "Exclude (NOT)",
  addCondition: "Add a condition",
  addGroup: "Add a group",
  removeCondition: "Remove this condition",
  removeGroup: "Remove this group",
  kind: "Kind of condition",
  match: "Match",
  empty: "No conditions yet. Start with “Add a condition”.",
  chooseSegment: "Choose…",
};

const idOf = (path: string, name = "") => `seg-${path}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-");

function useWords() {
  const { language } = useI18n();
  const words = RULE_WORDS[language];
  return (key: string) => words[key] ?? key.replace(/^[a-z]+\./, "");
}

function issuesAt(issues: ApiIssue[], path: string, exact = false): ApiIssue[] {
  return issues.filter((i) => i.field === path || (!exact && i.field.startsWith(`${path}.`)));
}

function FieldIssues({ id, issues }: { id: string; issues: ApiIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="error field-issues" role="alert">
      {issues.map((i) => (
        <li key={`${i.field}:${i.message}`}>{i.message}</li>
      ))}
    </ul>
  );
}

export function RuleBuilder({
  rule,
  onChange,
  context,
}: {
  rule: Rule;
  onChange(rule: Rule): void;
  context: BuilderContext;
}) {
  return <GroupEditor group={asGroup(rule)} path="rule" onChange={onChange} context={context} depth={0} />;
}

function GroupEditor({
  group,
  path,
  onChange,
  onRemove,
  context,
  depth,
}: {
  group: Group;
  path: string;
  onChange(group: Group): void;
  onRemove?(): void;
  context: BuilderContext;
  depth: number;
}) {
  const p = usePageText({ ja, en });
  const setCondition = (index: number, next: Rule | null) => {
    const conditions = [...group.conditions];
    if (next === null) conditions.splice(index, 1);
    else conditions[index] = next;
    onChange({ ...group, conditions });
  };
  const add = (condition: Rule) => onChange({ ...group, conditions: [...group.conditions, condition] });
  const joinWord = group.type === "all" ? p("and") : p("or");
  const ownIssues = issuesAt(context.issues, `${path}.conditions`, true).concat(
    issuesAt(context.issues, path, true),
  );
  return (
    <fieldset className={`segments-group depth-${depth}`}>
      <legend>
        <label>
          <span className="visually-hidden">{p("match")}</span>
          <select
            value={group.type}
            disabled={context.readOnly}
            onChange={(e) => onChange({ ...group, type: e.target.value as Group["type"] })}
          >
            <option value="all">{p("all")}</option>
            <option value="any">{p("any")}</option>
          </select>
        </label>
      </legend>
      {group.conditions.length === 0 && <p className="segments-empty">{p("empty")}</p>}
      <ol className="segments-conditions">
        {group.conditions.map((condition, index) => {
          const childPath = `${path}.conditions[${index}]`;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their place.
            <li key={index} className="segments-condition">
              {index > 0 && <span className="segments-join">{joinWord}</span>}
              <ConditionEditor
                condition={condition}
                path={childPath}
                onChange={(next) => setCondition(index, next)}
                context={context}
                depth={depth}
              />
            </li>
          );
        })}
      </ol>
      <FieldIssues id={idOf(path, "issues")} issues={ownIssues} />
      {!context.readOnly && (
        <div className="segments-group-actions">
          <button type="button" onClick={() => add({ ...LEAF_KINDS[0].initial })}>
            {p("addCondition")}
          </button>
          {depth < 2 && (
            <button
              type="button"
              onClick={() =>
                add({
                  type: group.type === "all" ? "any" : "all",
                  conditions: [{ ...LEAF_KINDS[0].initial }],
                })
              }
            >
              {p("addGroup")}
            </button>
          )}
          {onRemove && (
            <button type="button" className="danger" onClick={onRemove}>
              {p("removeGroup")}
            </button>
          )}
        </div>
      )}
    </fieldset>
  );
}

/** One entry of a group: a leaf or a nested group, either of them possibly wrapped in NOT. */
function ConditionEditor({
  condition,
  path,
  onChange,
  context,
  depth,
}: {
  condition: Rule;
  path: string;
  onChange(next: Rule | null): void;
  context: BuilderContext;
  depth: number;
}) {
  const p = usePageText({ ja, en });
  const negated = condition.type === "not";
  const inner = negated ? (condition as { condition: Rule }).condition : condition;
  const innerPath = negated ? `${path}.condition` : path;
  const wrap = (next: Rule): Rule => (negated ? { type: "not", condition: next } : next);
  const isGroup = inner.type === "all" || inner.type === "any";
  return (
    <div className={`segments-entry${negated ? " negated" : ""}`}>
      <label className="segments-not">
        <input
          type="checkbox"
          checked={negated}
          disabled={context.readOnly}
          onChange={(e) => onChange(e.target.checked ? { type: "not", condition: inner } : inner)}
        />{" "}
        {p("exclude")}
      </label>
      {isGroup ? (
        <GroupEditor
          group={inner as Group}
          path={innerPath}
          onChange={(next) => onChange(wrap(next))}
          onRemove={() => onChange(null)}
          context={context}
          depth={depth + 1}
        />
      ) : (
        <LeafEditor
          leaf={inner as Leaf}
          path={innerPath}
          onChange={(next) => onChange(wrap(next))}
          onRemove={() => onChange(null)}
          context={context}
        />
      )}
    </div>
  );
}

function LeafEditor({
  leaf,
  path,
  onChange,
  onRemove,
  context,
}: {
  leaf: Leaf;
  path: string;
  onChange(leaf: Leaf): void;
  onRemove(): void;
  context: BuilderContext;
}) {
  const p = usePageText({ ja, en });
  const w = useWords();
  const kind = leafKind(leaf.type);
  const typeId = idOf(path, "type");
  const fieldNames = new Set(kind?.fields.map((f) => f.name) ?? []);
  // Issues about the node itself or a field the builder does not show (e.g. "give min, max or both").
  const nodeIssues = context.issues.filter(
    (i) =>
      i.field === path ||
      i.field === `${path}.type` ||
      (i.field.startsWith(`${path}.`) &&
        !fieldNames.has(i.field.slice(path.length + 1).replace(/\[.*$/, "")) &&
        !i.field.slice(path.length + 1).startsWith("condition")),
  );
  return (
    <div className="segments-leaf">
      <div className="segments-leaf-head">
        <label htmlFor={typeId}>{p("kind")}</label>
        <select
          id={typeId}
          value={leaf.type}
          disabled={context.readOnly}
          onChange={(e) => onChange({ ...(leafKind(e.target.value)?.initial ?? { type: e.target.value }) })}
        >
          {!kind && <option value={leaf.type}>{leaf.type}</option>}
          {LEAF_KINDS.map((k) => (
            <option key={k.type} value={k.type}>
              {w(`kind.${k.type}`)}
            </option>
          ))}
        </select>
        {!context.readOnly && (
          <button type="button" className="danger" onClick={onRemove} aria-label={p("removeCondition")}>
            ×
          </button>
        )}
      </div>
      <div className="segments-fields">
        {kind?.fields
          .filter((f) => !f.showIf || f.showIf(leaf))
          .map((field) => (
            <FieldEditor
              key={`${field.name}-${field.kind}`}
              field={field}
              leaf={leaf}
              path={path}
              onChange={onChange}
              context={context}
            />
          ))}
      </div>
      <FieldIssues id={idOf(path, "node-issues")} issues={nodeIssues} />
    </div>
  );
}

function FieldEditor({
  field,
  leaf,
  path,
  onChange,
  context,
}: {
  field: FieldSpec;
  leaf: Leaf;
  path: string;
  onChange(leaf: Leaf): void;
  context: BuilderContext;
}) {
  const w = useWords();
  const p = usePageText({ ja, en });
  const { language } = useI18n();
  const id = idOf(path, field.name);
  const issues = issuesAt(context.issues, `${path}.${field.name}`).concat(
    context.issues.filter((i) => i.field.startsWith(`${path}.${field.name}[`)),
  );
  const describedBy = issues.length > 0 ? `${id}-issues` : undefined;
  const value = leaf[field.name];
  const set = (next: unknown) => {
    const copy: Leaf = { ...leaf };
    if (next === undefined) delete copy[field.name];
    else copy[field.name] = next;
    onChange(copy);
  };
  const money = field.kind === "number" && field.money?.(leaf);
  let label = w(`field.${field.name}`);
  if (money) label = `${label} (${context.currency})`;
  const common = {
    id,
    disabled: context.readOnly,
    "aria-describedby": describedBy,
    "aria-invalid": !!describedBy,
  };

  let input: ReactElement;
  switch (field.kind) {
    case "select":
      input = (
        <select {...common} value={String(value ?? "")} onChange={(e) => set(e.target.value || undefined)}>
          {field.optional && <option value="">{w("opt.any")}</option>}
          {field.options.map((o) => (
            <option key={o} value={o}>
              {w(`opt.${o}`)}
            </option>
          ))}
        </select>
      );
      break;
    case "segment":
      input = (
        <select {...common} value={String(value ?? "")} onChange={(e) => set(e.target.value)}>
          <option value="">{p("chooseSegment")}</option>
          {context.segments.map((s) => (
            <option key={s.key} value={s.key}>
              {s.name}
            </option>
          ))}
        </select>
      );
      break;
    case "number": {
      const factor = money ? context.moneyFactor : 1;
      const shown = typeof value === "number" ? value / factor : "";
      input = (
        <input
          {...common}
          type="number"
          inputMode="decimal"
          step="any"
          min={field.min}
          value={shown}
          onChange={(e) => {
            if (e.target.value === "") set(field.optional ? undefined : "");
            else set(Math.round(Number(e.target.value) * factor * 1e6) / 1e6);
          }}
        />
      );
      break;
    }
    case "text":
      input = (
        <input {...common} type="text" value={String(value ?? "")} onChange={(e) => set(e.target.value)} />
      );
      break;
    case "list":
      input = (
        <input
          {...common}
          type="text"
          value={Array.isArray(value) ? value.join(", ") : String(value ?? "")}
          onChange={(e) => {
            const items = e.target.value
              .split(/[,、，]/)
              .map((s) => s.trim())
              .filter((s) => s.length > 0);
            set(items.length > 0 ? items : field.optional ? undefined : []);
          }}
        />
      );
      break;
    case "bool":
      input = (
        <select
          {...common}
          value={value === true ? "yes" : value === false ? "no" : ""}
          onChange={(e) => set(e.target.value === "" ? undefined : e.target.value === "yes")}
        >
          {field.optional && <option value="">{w("opt.any")}</option>}
          <option value="yes">{w("opt.yes")}</option>
          <option value="no">{w("opt.no")}</option>
        </select>
      );
      break;
    case "checks": {
      const chosen = new Set(Array.isArray(value) ? (value as Array<string | number>) : []);
      return (
        <fieldset className="segments-checks" aria-describedby={describedBy}>
          <legend>{label}</legend>
          {field.options.map((o) => (
            <label key={o}>
              <input
                type="checkbox"
                disabled={context.readOnly}
                checked={chosen.has(o)}
                onChange={(e) => {
                  const next = field.options.filter((x) => (x === o ? e.target.checked : chosen.has(x)));
                  set(next.length > 0 ? next : field.optional ? undefined : []);
                }}
              />{" "}
              {field.name === "months"
                ? new Intl.DateTimeFormat(language, { month: "short" }).format(
                    new Date(2020, Number(o) - 1, 1),
                  )
                : typeof o === "number"
                  ? o
                  : w(`opt.${o}`)}
            </label>
          ))}
          <FieldIssues id={`${id}-issues`} issues={issues} />
        </fieldset>
      );
    }
  }
  return (
    <div className="segments-field">
      <label htmlFor={id}>{label}</label>
      {input}
      <FieldIssues id={`${id}-issues`} issues={issues} />
    </div>
  );
}
