import { loadFlowDefinitions } from "../../src/dashboard/loadFlowDefinitions.js";
import type { Feature } from "../../src/service/Feature.js";
import { features } from "../../src/service/features.js";

/**
 * The service's features, plus a stand-in declaring any action a flow in `flows/` uses that no
 * feature registers yet (features are built in parallel: a flow may land before its actions). The
 * stand-in's actions are never run by these tests.
 */
export function serviceFeatures(): readonly Feature[] {
  const registered = new Set(features.flatMap((f) => f.actionNames ?? []));
  const used = loadFlowDefinitions().flatMap((d) =>
    Object.values(d.flow.steps).flatMap((step) => (step.kind === "action" ? [step.action] : [])),
  );
  const missing = [...new Set(used.filter((name) => !registered.has(name)))];
  if (missing.length === 0) return features;
  return [...features, { name: "test-missing-actions", actionNames: missing }];
}
