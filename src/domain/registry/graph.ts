/** Graph helpers for the resolver: cycles to report and an install order. */

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Every elementary cycle found by one DFS, each as [a, b, …, a], starting at its smallest ref; once each. */
export function findCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found = new Map<string, string[]>();
  const visit = (v: string): void => {
    state.set(v, 'open');
    stack.push(v);
    for (const w of [...(edges.get(v) ?? [])].sort(byText)) {
      if (state.get(w) === 'open') {
        const loop = stack.slice(stack.indexOf(w));
        const start = loop.indexOf([...loop].sort(byText)[0] as string);
        const rotated = [...loop.slice(start), ...loop.slice(0, start)];
        const key = rotated.join('\u0000');
        if (!found.has(key)) found.set(key, [...rotated, rotated[0] as string]);
      } else if (!state.has(w)) {
        visit(w);
      }
    }
    stack.pop();
    state.set(v, 'done');
  };
  for (const v of [...edges.keys()].sort(byText)) if (!state.has(v)) visit(v);
  return [...found.values()].sort((a, b) => byText(a.join(' '), b.join(' ')));
}

/** Dependencies first; ties alphabetical; a cycle (already reported) is broken at its first ref. */
export function installOrder(nodes: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const sorted = [...nodes].sort(byText);
  const members = new Set(sorted);
  const placed = new Set<string>();
  const order: string[] = [];
  const ready = (n: string): boolean => [...(edges.get(n) ?? [])].every((d) => d === n || !members.has(d) || placed.has(d));
  while (order.length < sorted.length) {
    const next = sorted.find((n) => !placed.has(n) && ready(n)) ?? (sorted.find((n) => !placed.has(n)) as string);
    placed.add(next);
    order.push(next);
  }
  return order;
}
