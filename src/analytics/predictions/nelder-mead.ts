// Derivative-free minimisation for the model fits: Nelder–Mead with the dimension-adapted coefficients
// of Gao and Han (2012), restarted from its own answer until a restart no longer improves it, the usual
// remedy for the simplex collapsing early on a ridge. The fits pass log-parameters, so it runs
// unconstrained.

export interface MinimizeOptions {
  /** Initial step along each coordinate (in log-parameter space 0.5 is a factor of about 1.6). */
  step?: number;
  /** Converged when the simplex's values differ by less than this (absolute, plus relative)… */
  tolerance?: number;
  /** …and its vertices by less than this in every coordinate. */
  xTolerance?: number;
  maxEvaluations?: number;
  maxRestarts?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  evaluations: number;
  /** Whether the last restart ended on the tolerance, not on the evaluation budget. */
  converged: boolean;
}

interface Vertex {
  x: number[];
  f: number;
}

const finiteOr = (value: number): number => (Number.isFinite(value) ? value : Number.POSITIVE_INFINITY);

export function minimize(
  objective: (x: number[]) => number,
  start: number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const {
    step = 0.5,
    tolerance = 1e-11,
    xTolerance = 1e-6,
    maxEvaluations = 20_000,
    maxRestarts = 10,
  } = options;
  let evaluations = 0;
  const f = (x: number[]) => {
    evaluations++;
    return finiteOr(objective(x));
  };
  let best: Vertex = { x: start.slice(), f: f(start) };
  let converged = false;
  for (let restart = 0; restart <= maxRestarts; restart++) {
    const run = simplexSearch(f, best, step, tolerance, xTolerance, () => evaluations >= maxEvaluations);
    const improvement = best.f - run.best.f;
    const previous = best;
    best = run.best.f <= best.f ? run.best : best;
    converged = run.converged;
    if (!run.converged) break;
    // A restart that moves neither the value nor the point means the minimum is found.
    const moved = Math.max(...best.x.map((v, i) => Math.abs(v - previous.x[i])));
    if (restart > 0 && improvement <= tolerance * (1 + Math.abs(best.f)) && moved < xTolerance * 10) break;
  }
  return { x: best.x, value: best.f, evaluations, converged };
}

function simplexSearch(
  f: (x: number[]) => number,
  start: Vertex,
  step: number,
  tolerance: number,
  xTolerance: number,
  exhausted: () => boolean,
): { best: Vertex; converged: boolean } {
  const n = start.x.length;
  const reflectC = 1;
  const expandC = 1 + 2 / n;
  const contractC = 0.75 - 1 / (2 * n);
  const shrinkC = 1 - 1 / n;
  const simplex: Vertex[] = [start];
  for (let i = 0; i < n; i++) {
    const x = start.x.slice();
    x[i] += step;
    simplex.push({ x, f: f(x) });
  }
  const along = (from: number[], to: number[], t: number) => from.map((v, i) => v + t * (to[i] - v));
  while (!exhausted()) {
    simplex.sort((p, q) => p.f - q.f);
    const bestF = simplex[0].f;
    const worst = simplex[n];
    const width = Math.max(
      ...simplex.map((v) => Math.max(...v.x.map((c, i) => Math.abs(c - simplex[0].x[i])))),
    );
    if (Math.abs(worst.f - bestF) <= tolerance * (1 + Math.abs(bestF)) && width <= xTolerance) {
      return { best: simplex[0], converged: true };
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i].x[j] / n;
    const reflected = along(centroid, worst.x, -reflectC);
    const fr = f(reflected);
    if (fr < bestF) {
      const expanded = along(centroid, worst.x, -expandC);
      const fe = f(expanded);
      simplex[n] = fe < fr ? { x: expanded, f: fe } : { x: reflected, f: fr };
      continue;
    }
    if (fr < simplex[n - 1].f) {
      simplex[n] = { x: reflected, f: fr };
      continue;
    }
    // Contract towards the better of the reflected point and the worst one.
    const outside = fr < worst.f;
    const contracted = along(centroid, outside ? reflected : worst.x, contractC);
    const fc = f(contracted);
    if (fc < (outside ? fr : worst.f)) {
      simplex[n] = { x: contracted, f: fc };
      continue;
    }
    for (let i = 1; i <= n; i++) {
      const x = along(simplex[0].x, simplex[i].x, shrinkC);
      simplex[i] = { x, f: f(x) };
    }
  }
  simplex.sort((p, q) => p.f - q.f);
  return { best: simplex[0], converged: false };
}
