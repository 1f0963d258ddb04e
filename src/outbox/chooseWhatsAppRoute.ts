/** How a WhatsApp message goes out; recorded in `OutboxItem.route`. */
export type WhatsAppRoute =
  /** Inside the 24-hour customer-service window: a normal message. */
  | { route: "freeform" }
  /** Outside the window: the approved content template, the text as its variable `{{1}}`. */
  | { route: "template"; contentSid: string }
  /** Outside the window, no template configured: the same text by SMS to the contact's phone. */
  | { route: "sms_fallback"; smsAddress: string };

export interface WhatsAppRouteInput {
  /** `ContactAddress.lastInboundAt` of the WhatsApp address; null if the contact never wrote. */
  lastInboundAt: Date | null;
  now: Date;
  /** `TWILIO_WHATSAPP_TEMPLATE_SID`. */
  templateSid: string | undefined;
  /** The contact's SMS address when SMS can be sent to it, else null. */
  smsAddress: string | null;
  /** Taken off the 24 hours, for the time the message may wait in the outbox. Default 10 minutes. */
  marginMs?: number;
}

const windowMs = 24 * 3_600_000;

/**
 * Chooses how to reach a contact on WhatsApp. WhatsApp accepts free-form messages only within 24
 * hours of the contact's last message; after that a business-initiated message must be an approved
 * template. Inside the window → free-form; outside → the template if one is configured, else SMS
 * if the contact has a phone on SMS, else free-form anyway (Twilio then refuses with 63016, which
 * the outbox records as a permanent failure for the admin to see).
 *
 * @example
 * chooseWhatsAppRoute({ lastInboundAt: null, now, templateSid: "HX...", smsAddress: null });
 * // { route: "template", contentSid: "HX..." }
 */
export function chooseWhatsAppRoute(input: WhatsAppRouteInput): WhatsAppRoute {
  if (insideWhatsAppWindow(input)) return { route: "freeform" };
  if (input.templateSid) return { route: "template", contentSid: input.templateSid };
  if (input.smsAddress) return { route: "sms_fallback", smsAddress: input.smsAddress };
  return { route: "freeform" };
}

/** True when a free-form WhatsApp message sent now (plus `marginMs` of waiting) is inside the 24 hours. */
export function insideWhatsAppWindow(input: Pick<WhatsAppRouteInput, "lastInboundAt" | "now" | "marginMs">): boolean {
  const margin = input.marginMs ?? 600_000;
  return input.lastInboundAt !== null && input.now.getTime() - input.lastInboundAt.getTime() < windowMs - margin;
}
