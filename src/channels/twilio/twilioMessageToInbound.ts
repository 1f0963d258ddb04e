import type { InboundMessage } from "../../conversations/InboundMessage.js";
import type { Inbound } from "../../engine/types.js";
import type { TwilioMessage } from "./twilioMessageSchema.js";

const whatsappPrefix = "whatsapp:";

/**
 * Translates a parsed Twilio inbound message into Relais' one inbound shape: WhatsApp is recognised
 * by the `whatsapp:` prefix on `From` (stored without it); a location pin, then media, then a
 * template button, then the text body.
 *
 * @example
 * twilioMessageToInbound({ MessageSid: "SM...", From: "whatsapp:+243990000001", Body: "Bonjour", ... }, new Date());
 * // { channel: "whatsapp", address: "+243990000001", providerMessageId: "SM...", content: { kind: "text", text: "Bonjour" } }
 */
export function twilioMessageToInbound(message: TwilioMessage, receivedAt: Date): InboundMessage {
  const whatsapp = message.From.startsWith(whatsappPrefix);
  return {
    channel: whatsapp ? "whatsapp" : "sms",
    address: whatsapp ? message.From.slice(whatsappPrefix.length) : message.From,
    providerMessageId: message.MessageSid,
    receivedAt,
    content: contentOf(message),
  };
}

function contentOf(message: TwilioMessage): Inbound {
  if (message.Latitude !== undefined && message.Longitude !== undefined) {
    const label = message.Label || message.Address;
    return {
      kind: "location",
      latitude: message.Latitude,
      longitude: message.Longitude,
      ...(label ? { label } : {}),
    };
  }
  if (message.NumMedia > 0 && message.MediaUrl0 && message.MediaContentType0) {
    return { kind: "media", url: message.MediaUrl0, contentType: message.MediaContentType0 };
  }
  if (message.ButtonPayload) return { kind: "text", text: message.ButtonPayload };
  return { kind: "text", text: message.Body };
}
