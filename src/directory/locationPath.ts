/**
 * Materialised location paths: the codes from the country down, joined by `/`
 * (`GN/GN-D/GN-D-KINDIA`). Matching widens from a prefecture to its region and country by reading
 * the path alone — no recursive query — and `path LIKE 'GN/GN-D/%'` finds everything below a region.
 */
export const pathSeparator = "/";

/** The path of a location under its parent's path (`null` parent: a country). */
export function childPath(parentPath: string | null, code: string): string {
  return parentPath === null ? code : `${parentPath}${pathSeparator}${code}`;
}

/** Depth of a path: 0 for a country, 1 for a region, 2 for a prefecture or department. */
export function pathDepth(path: string): number {
  return path.split(pathSeparator).length - 1;
}

/**
 * The codes from the location itself up to its country, most local first: the order in which
 * matching widens.
 *
 * @example
 * ancestorCodes("GN/GN-D/GN-D-KINDIA"); // ["GN-D-KINDIA", "GN-D", "GN"]
 */
export function ancestorCodes(path: string): string[] {
  return path.split(pathSeparator).reverse();
}
