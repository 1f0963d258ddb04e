/** Any value that survives a round trip through JSON (conversation variables are stored as JSON). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The channels a conversation can run on. The engine only uses this to pass it on to actions. */
export type Channel = "sms" | "whatsapp" | "telegram";

/** Where a `goto` with `return` comes back to once the called flow ends. */
export interface StackFrame {
  flowId: string;
  stepId: string;
}

/**
 * The whole state of a running conversation: what the caller persists between two inbound
 * messages (the `Conversation` row). `attempts` counts invalid replies to the current step.
 */
export interface ConversationState {
  flowId: string;
  stepId: string;
  variables: Record<string, JsonValue>;
  stack: StackFrame[];
  attempts: number;
}

/**
 * One inbound message, already translated from the provider payload by the channel.
 * `start` is a `/start` deep link or a missed call: it opens `flowId` (or the welcome/menu flow).
 */
export type Inbound =
  | { kind: "text"; text: string }
  | { kind: "location"; latitude: number; longitude: number; label?: string }
  | { kind: "media"; url: string; contentType: string }
  | { kind: "start"; flowId?: string };

/** One choice of a menu, already translated. Channels number them from 1. */
export interface OutChoice {
  value: string;
  label: string;
}

/** One outbound message, channel-neutral and already translated into the contact's language. */
export interface OutMessage {
  text: string;
  choices?: OutChoice[];
}

/** What the engine needs to know about the contact. */
export interface EngineContact {
  id: string;
  language: string | null;
  optedOut: boolean;
}

/** The context of one engine call. `now` is injected so that tests and replays are deterministic. */
export interface EngineContext {
  contact: EngineContact;
  channel: Channel;
  now: Date;
}

/** The MEAL event types the engine drafts. */
export type MealEventType =
  | "conversation.started"
  | "flow.result"
  | "conversation.ended"
  | "contact.opted_out"
  | "contact.opted_in"
  | "language.set";

/**
 * A MEAL event for the caller to append in the same transaction as the state change.
 * Never holds free text or phone numbers: free-text answers are reported as `free_text: true`.
 */
export interface MealEventDraft {
  type: MealEventType;
  flowId: string | null;
  data: Record<string, JsonValue>;
}

/** Changes to the contact that the caller must persist. */
export interface ContactPatch {
  optedOut?: boolean;
  language?: string;
}

/** The outcome of one engine call: everything the caller must persist and send, in one transaction. */
export interface EngineResult {
  /** The state to persist; `null` means the conversation has ended (or none was started). */
  state: ConversationState | null;
  /** When the conversation should be considered expired, from the current flow's `expiresAfterHours`. */
  expiresAt: Date | null;
  /** Replies to send, in order. Empty while the contact is opted out. */
  replies: OutMessage[];
  events: MealEventDraft[];
  contact?: ContactPatch;
  /** How many flow steps ran during this call, the step that read the reply included (metrics, benchmark). */
  steps: number;
}

/** What a domain action receives. */
export interface ActionInput {
  variables: Readonly<Record<string, JsonValue>>;
  contact: EngineContact;
  channel: Channel;
  language: string;
  now: Date;
  flow: { id: string; stepId: string; sensitive: boolean; anonymous: boolean };
}

/** What a domain action returns: an optional outcome picking the next step, and variables to merge. */
export interface ActionOutput {
  outcome?: string;
  variables?: Record<string, JsonValue>;
}

/** A named domain action registered in code (e.g. `feedback.create`), called by `action` steps. */
export type ActionHandler = (input: ActionInput) => Promise<ActionOutput>;

/** The registry of actions, by name. */
export type ActionRegistry = Readonly<Record<string, ActionHandler>>;
