import type { UserFromGetMe } from "grammy/types";

/**
 * A bot description built from the token alone (its id is the part before the colon), so grammY
 * needs no `getMe` call at start: the service starts offline and tests need no fake for it.
 * Relais parses commands itself, so the placeholder username is never relied upon.
 *
 * @example
 * new Bot(token, { botInfo: staticBotInfo(token), client: { apiRoot } });
 */
export function staticBotInfo(token: string): UserFromGetMe {
  const id = Number.parseInt(token.split(":")[0] ?? "", 10);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error("Telegram bot token must look like 123456:ABC...");
  return {
    id,
    is_bot: true,
    first_name: "Relais",
    username: "relais_bot",
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}
