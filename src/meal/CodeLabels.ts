import { loadServices } from "../reference/loadReference.js";
import type { LocationDirectory } from "./LocationDirectory.js";
import { pickText } from "./loadLogframe.js";
import type { Localized, Logframe } from "./logframeSchema.js";

const unknownLabel: Localized = { fr: "Non renseigné", en: "Not recorded", sw: "Haijarekodiwa" };

/**
 * Human labels for the codes in tables, charts and exports: places from the location directory,
 * services from the taxonomy, anything else from the logframe's `labels` section; the code itself
 * otherwise.
 */
export class CodeLabels {
  constructor(
    private readonly logframe: Logframe,
    private readonly places: LocationDirectory,
    private readonly services: ReadonlyMap<string, Localized>,
  ) {}

  static async load(logframe: Logframe, places: LocationDirectory): Promise<CodeLabels> {
    const services = new Map(
      (await loadServices()).map((s) => [s.code, { fr: s.labels.fr, en: s.labels.en, sw: s.labels.sw }]),
    );
    return new CodeLabels(logframe, places, services);
  }

  label(dimension: string, code: string, language: string): string {
    if (code === "unknown") return pickText(unknownLabel, language);
    if (dimension === "location") return this.places.name(code) ?? code;
    if (dimension === "service") {
      const service = this.services.get(code);
      if (service) return pickText(service, language);
    }
    const own = this.logframe.labels[dimension]?.[code];
    return own ? pickText(own, language) : code;
  }

  /** The name of a breakdown itself (`location` → "Lieu (ETD)"). */
  dimension(dimension: string, language: string): string {
    const own = this.logframe.labels.dimensions?.[dimension];
    return own ? pickText(own, language) : dimension;
  }
}
