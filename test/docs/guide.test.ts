// The user guide stays whole: the same pages in Japanese and English, and every relative link (file and
// #heading) in it, and in the README's link to it, leads somewhere.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const GUIDE = "docs/guide";
const LANGUAGES = ["ja", "en"];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsIn(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const m = !fenced && line.match(/^#{1,6}\s+(.*)$/);
    if (!m) continue;
    const base = anchorOf(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

function brokenLinks(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  const broken: string[] = [];
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue;
    const [path, anchor] = target.split("#");
    const goal = path ? resolve(dirname(file), path) : resolve(file);
    if (!existsSync(goal)) broken.push(`${file}: ${target} (no such file)`);
    else if (anchor && goal.endsWith(".md") && !anchorsIn(goal).has(decodeURIComponent(anchor)))
      broken.push(`${file}: ${target} (no such heading)`);
  }
  return broken;
}

describe("the user guide", () => {
  it("has the same pages in Japanese and English", () => {
    const [ja, en] = LANGUAGES.map((l) => readdirSync(join(GUIDE, l)).sort());
    expect(ja.length).toBeGreaterThanOrEqual(6);
    expect(en).toEqual(ja);
  });

  it("has no broken relative link, from the README down to every heading", () => {
    const files = [
      "README.md",
      join(GUIDE, "README.md"),
      ...LANGUAGES.flatMap((l) => readdirSync(join(GUIDE, l)).map((f) => join(GUIDE, l, f))),
    ];
    expect(files.flatMap(brokenLinks)).toEqual([]);
  });
});
