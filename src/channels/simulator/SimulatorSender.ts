import type { ChannelSender, OutboundSend, SendResult } from "../../outbox/OutboundBody.js";

/** Recipients of the web simulator have addresses starting with this prefix, on any channel. */
export const simulatorPrefix = "sim:";

/**
 * The web simulator's way out: no network at all. Each item counts as sent at once, with
 * `sim-<outboxId>` as its provider id; `deliver` lets the simulator push it to the open page.
 *
 * @example
 * const simulator = new SimulatorSender((item) => simulatorHub.push(item.recipient, item.body));
 */
export class SimulatorSender implements ChannelSender {
  readonly #deliver: ((item: OutboundSend) => void) | undefined;

  constructor(deliver?: (item: OutboundSend) => void) {
    this.#deliver = deliver;
  }

  async send(item: OutboundSend): Promise<SendResult> {
    this.#deliver?.(item);
    return { status: "sent", providerMessageId: `sim-${item.outboxId}` };
  }
}
