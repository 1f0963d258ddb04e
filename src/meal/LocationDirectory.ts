import type { PrismaClient } from "../generated/prisma/client.js";
import { loadLocations } from "../reference/loadReference.js";

/** One place as the dashboard shows it. */
export interface Place {
  code: string;
  name: string;
  level: string;
  parent: string | null;
  depth: number;
}

/**
 * Names and hierarchy of location codes (reference files, plus `Location` rows imported later),
 * so a filter on a territory covers its ETDs and tables show names beside codes.
 */
export class LocationDirectory {
  private readonly byCode = new Map<string, Place>();
  private readonly children = new Map<string, string[]>();

  constructor(places: readonly Omit<Place, "depth">[]) {
    for (const p of places) this.byCode.set(p.code, { ...p, depth: 0 });
    for (const p of this.byCode.values()) {
      if (p.parent === null) continue;
      const list = this.children.get(p.parent) ?? [];
      list.push(p.code);
      this.children.set(p.parent, list);
    }
    for (const p of this.byCode.values()) p.depth = this.ancestors(p.code).length;
  }

  /** The reference locations and any `Location` rows of the database. */
  static async load(prisma?: Pick<PrismaClient, "location">): Promise<LocationDirectory> {
    const reference = (await loadLocations()).map((l) => ({
      code: l.code,
      name: l.name,
      level: l.level,
      parent: l.parent,
    }));
    const known = new Set(reference.map((l) => l.code));
    const rows = prisma
      ? await prisma.location.findMany({
          select: { code: true, name: true, level: true, parent: { select: { code: true } } },
        })
      : [];
    const extra = rows
      .filter((r) => !known.has(r.code))
      .map((r) => ({ code: r.code, name: r.name, level: r.level, parent: r.parent?.code ?? null }));
    return new LocationDirectory([...reference, ...extra]);
  }

  /** The code itself and every place below it. */
  descendants(code: string): string[] {
    const out: string[] = [];
    const stack = [code];
    while (stack.length > 0) {
      const next = stack.pop();
      if (next === undefined || out.includes(next)) continue;
      out.push(next);
      stack.push(...(this.children.get(next) ?? []));
    }
    return out;
  }

  ancestors(code: string): string[] {
    const out: string[] = [];
    let parent = this.byCode.get(code)?.parent ?? null;
    while (parent !== null && !out.includes(parent)) {
      out.push(parent);
      parent = this.byCode.get(parent)?.parent ?? null;
    }
    return out;
  }

  name(code: string): string | undefined {
    return this.byCode.get(code)?.name;
  }

  /** Every place, depth-first from the countries (for a filter list). */
  list(): Place[] {
    const roots = [...this.byCode.values()].filter((p) => p.parent === null).map((p) => p.code);
    const out: Place[] = [];
    const visit = (code: string) => {
      const place = this.byCode.get(code);
      if (!place) return;
      out.push(place);
      for (const child of [...(this.children.get(code) ?? [])].sort((a, b) =>
        (this.name(a) ?? a).localeCompare(this.name(b) ?? b),
      ))
        visit(child);
    };
    for (const root of roots) visit(root);
    return out;
  }
}
