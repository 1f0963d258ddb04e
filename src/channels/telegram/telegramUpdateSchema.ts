import { z } from "zod";

const chatId = z.number().int();
const location = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });

/**
 * The parts of a Telegram `Update` Relais reads: a private message (text, location, venue) or an
 * inline button press. Other update kinds and fields pass through unread, so a newer Bot API
 * version does not break parsing.
 */
export const telegramUpdateSchema = z.object({
  update_id: z.number().int().nonnegative(),
  message: z
    .object({
      message_id: z.number().int(),
      chat: z.object({ id: chatId }),
      text: z.string().max(4096).optional(),
      location: location.optional(),
      venue: z.object({ location, title: z.string().max(500), address: z.string().max(500) }).optional(),
    })
    .optional(),
  callback_query: z
    .object({
      id: z.string().min(1).max(200),
      from: z.object({ id: chatId }),
      message: z.object({ chat: z.object({ id: chatId }) }).optional(),
      data: z.string().max(256).optional(),
    })
    .optional(),
});

export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;
