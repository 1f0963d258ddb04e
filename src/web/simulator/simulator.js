// Relais web simulator: vanilla JS, no build step. Loaded as a module from /simulator/assets/ (the
// Content-Security-Policy allows scripts from this origin only: no inline scripts or handlers).

const api = "/simulator/api";
const pollMs = 700;
// Replies written in one transaction share their instant, and a later commit may carry an earlier
// timestamp than the last one seen: ask again for a short overlap and drop what is already shown.
const overlapMs = 2_000;
const channelNames = { sms: "SMS", whatsapp: "WhatsApp", telegram: "Telegram" };
const languageNames = { fr: "Français", en: "English", sw: "Kiswahili" };

const el = {
  contactForm: byId("contact-form"),
  channel: byId("channel"),
  phone: byId("phone"),
  phoneLabel: byId("phone-label"),
  phoneHelp: byId("phone-help"),
  phoneError: byId("phone-error"),
  newContact: byId("new-contact"),
  quickField: byId("quick-contacts-field"),
  quick: byId("quick-contacts"),
  status: byId("contact-status"),
  chatChannel: byId("chat-channel"),
  chatAddress: byId("chat-address"),
  log: byId("chat-log"),
  empty: byId("chat-empty"),
  composer: byId("composer"),
  message: byId("message"),
  send: byId("send"),
  sendError: byId("send-error"),
  locationBox: byId("location-box"),
  latitude: byId("latitude"),
  longitude: byId("longitude"),
  sendLocation: byId("send-location"),
};

/** The conversation on screen. `generation` changes with the contact, so late answers are dropped. */
const state = {
  channel: "sms",
  phone: "",
  generation: 0,
  shown: new Set(),
  lastAt: null,
  pollTimer: null,
  polling: false,
  /** Inbound message id → the label of the Telegram button that sent it (shown instead of "1"). */
  pressed: new Map(),
};

function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`simulator: #${id} is missing from the page`);
  return node;
}

// ---------------------------------------------------------------------------------------------
// Contacts: one remembered number per channel, kept in this browser.

function storageKey(channel) {
  return `relais-sim-phone-${channel}`;
}

function randomDigits(count) {
  let digits = "";
  for (let i = 0; i < count; i++) digits += String(Math.floor(Math.random() * 10));
  return digits;
}

/** A fresh number in the fictional range used by the demo data (+243 99...) or a Telegram chat id. */
function newAddress(channel) {
  return channel === "telegram" ? `7${randomDigits(8)}` : `+24399${randomDigits(7)}`;
}

function rememberedAddress(channel) {
  try {
    return localStorage.getItem(storageKey(channel));
  } catch {
    return null;
  }
}

function remember(channel, phone) {
  try {
    localStorage.setItem(storageKey(channel), phone);
  } catch {
    // Private mode: the number is simply not remembered.
  }
}

function normalisePhone(channel, raw) {
  const value = raw.trim();
  if (channel === "telegram") return /^\d{1,15}$/.test(value) ? value : null;
  const compact = value.replace(/[\s.()-]/g, "");
  if (!/^\+?[1-9]\d{6,14}$/.test(compact)) return null;
  return compact.startsWith("+") ? compact : `+${compact}`;
}

function describePhoneField(channel) {
  const telegram = channel === "telegram";
  el.phoneLabel.textContent = telegram ? "Telegram chat id" : "Phone number";
  el.phoneHelp.textContent = telegram ? "Digits, for example 712345678." : "E.164, for example +243990000001.";
  el.phone.inputMode = telegram ? "numeric" : "tel";
}

/** Opens the conversation of (channel, phone): clears the log and polls it from the start. */
function openConversation(channel, phone) {
  state.channel = channel;
  state.phone = phone;
  state.generation += 1;
  state.shown = new Set();
  state.lastAt = null;
  remember(channel, phone);

  el.channel.value = channel;
  el.phone.value = phone;
  el.phoneError.textContent = "";
  el.sendError.textContent = "";
  el.status.textContent = "";
  describePhoneField(channel);
  el.chatChannel.textContent = channelNames[channel];
  el.chatAddress.textContent = phone;
  el.log.className = `chat-log ${channel}`;
  el.log.dataset.channel = channel;
  for (const node of [...el.log.querySelectorAll(".bubble")]) node.remove();
  el.empty.hidden = false;
  el.locationBox.hidden = channel === "sms";
  el.message.placeholder = channel === "telegram" ? "Message" : "Type a message";
  syncQuickContact();
  schedulePoll(0);
}

function applyContactForm() {
  const channel = el.channel.value;
  const phone = normalisePhone(channel, el.phone.value);
  if (!phone) {
    el.phoneError.textContent =
      channel === "telegram" ? "A Telegram chat id is digits only." : "Enter a phone number such as +243990000001.";
    el.phone.setAttribute("aria-invalid", "true");
    el.phone.focus();
    return;
  }
  el.phone.removeAttribute("aria-invalid");
  openConversation(channel, phone);
}

// ---------------------------------------------------------------------------------------------
// Quick contacts: focal points that have a simulator address.

let quickContacts = [];

async function loadQuickContacts() {
  try {
    const response = await fetch(`${api}/contacts`, { headers: { accept: "application/json" } });
    if (!response.ok) return;
    const body = await response.json();
    quickContacts = Array.isArray(body.contacts) ? body.contacts : [];
  } catch {
    quickContacts = [];
  }
  for (const [index, contact] of quickContacts.entries()) {
    const option = document.createElement("option");
    option.value = String(index);
    option.textContent = `${contact.name} — ${contact.role} (${channelNames[contact.channel] ?? contact.channel} ${contact.phone})`;
    el.quick.append(option);
  }
  el.quickField.hidden = quickContacts.length === 0;
  syncQuickContact();
}

function syncQuickContact() {
  const index = quickContacts.findIndex((c) => c.channel === state.channel && c.phone === state.phone);
  el.quick.value = index >= 0 ? String(index) : "";
}

// ---------------------------------------------------------------------------------------------
// Sending.

async function send(payload, options = {}) {
  const generation = state.generation;
  el.sendError.textContent = "";
  el.send.disabled = true;
  el.sendLocation.disabled = true;
  try {
    const response = await fetch(`${api}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ channel: state.channel, phone: state.phone, ...payload }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      el.sendError.textContent = describeError(body);
      return false;
    }
    if (options.pressed && body.messageId && generation === state.generation) {
      state.pressed.set(body.messageId, options.pressed);
      // A poll may have drawn the message before this answer came back.
      const drawn = el.log.querySelector(`.bubble[data-id="${CSS.escape(body.messageId)}"] .text`);
      if (drawn) showPressed(drawn, options.pressed, payload.text ?? "");
    }
    return true;
  } catch {
    el.sendError.textContent = "The service did not answer. Is it running?";
    return false;
  } finally {
    el.send.disabled = false;
    el.sendLocation.disabled = false;
    if (generation === state.generation) schedulePoll(0);
  }
}

function describeError(body) {
  if (Array.isArray(body.details) && body.details.length > 0) {
    return body.details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join("; ");
  }
  return body.message ?? "The message was refused.";
}

async function sendText() {
  const text = el.message.value;
  if (text.trim() === "") {
    el.message.focus();
    return;
  }
  el.message.value = "";
  const sent = await send({ text });
  if (!sent && el.message.value === "") el.message.value = text;
  el.message.focus();
}

async function sendLocation() {
  const latitude = Number(el.latitude.value);
  const longitude = Number(el.longitude.value);
  if (
    !Number.isFinite(latitude) ||
    !Number.isFinite(longitude) ||
    el.latitude.value === "" ||
    el.longitude.value === ""
  ) {
    el.sendError.textContent = "Enter a latitude and a longitude.";
    return;
  }
  await send({ location: { latitude, longitude } });
}

// ---------------------------------------------------------------------------------------------
// Polling and drawing.

function schedulePoll(delay) {
  clearTimeout(state.pollTimer);
  state.pollTimer = setTimeout(poll, delay);
}

async function poll() {
  if (document.visibilityState !== "visible") return; // resumed by visibilitychange
  if (state.polling) {
    schedulePoll(pollMs);
    return;
  }
  state.polling = true;
  const generation = state.generation;
  try {
    const params = new URLSearchParams({ channel: state.channel, phone: state.phone });
    if (state.lastAt) params.set("after", new Date(Date.parse(state.lastAt) - overlapMs).toISOString());
    const response = await fetch(`${api}/messages?${params}`, { headers: { accept: "application/json" } });
    if (response.ok && generation === state.generation) {
      const body = await response.json();
      showContact(body.contact);
      for (const message of body.messages) showMessage(message);
    }
  } catch {
    // The service is restarting or unreachable: try again at the next tick.
  } finally {
    state.polling = false;
    if (generation === state.generation) schedulePoll(pollMs);
  }
}

function showContact(contact) {
  el.status.replaceChildren();
  if (!contact) {
    el.status.textContent = "New contact: nothing sent yet.";
    return;
  }
  const language = contact.language ? (languageNames[contact.language] ?? contact.language) : "not chosen yet";
  el.status.append(`Language: ${language}`);
  if (contact.optedOut) {
    const flag = document.createElement("span");
    flag.className = "opted-out";
    flag.textContent = "Opted out (STOP): nothing is sent until START";
    el.status.append(" · ", flag);
  }
}

function showMessage(message) {
  if (state.shown.has(message.id)) return;
  state.shown.add(message.id);
  if (!state.lastAt || message.at > state.lastAt) state.lastAt = message.at;

  const stick = el.log.scrollHeight - el.log.scrollTop - el.log.clientHeight < 40;
  el.empty.hidden = true;
  el.log.append(drawMessage(message));
  if (stick || message.direction === "inbound") el.log.scrollTop = el.log.scrollHeight;
}

function drawMessage(message) {
  const bubble = document.createElement("div");
  bubble.className = `bubble ${state.channel}`;
  bubble.dataset.testid = "message";
  bubble.dataset.direction = message.direction;
  bubble.dataset.id = message.id;

  const who = document.createElement("span");
  who.className = "visually-hidden";
  who.textContent = message.direction === "inbound" ? "You: " : "Relais: ";
  bubble.append(who);

  const rendered = message.rendered;
  const text = document.createElement("span");
  text.className = "text";
  text.dataset.testid = "message-text";
  const pressed = state.pressed.get(message.id);
  if (pressed) {
    showPressed(text, pressed, message.text);
  } else {
    text.textContent = rendered ? rendered.text : message.text;
  }
  bubble.append(text);

  if (rendered?.kind === "telegram" && rendered.buttons.length > 0) bubble.append(drawKeyboard(rendered.buttons));

  const meta = document.createElement("span");
  meta.className = "meta";
  if (rendered?.kind === "text" && rendered.sms) meta.append(drawSmsBadge(rendered.sms));
  if (message.status === "failed" || message.status === "dead" || message.status === "undelivered") {
    const failed = document.createElement("span");
    failed.className = "badge";
    failed.textContent = message.status;
    meta.append(failed);
  }
  const time = document.createElement("time");
  time.dateTime = message.at;
  time.textContent = new Date(message.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  meta.append(time);
  bubble.append(meta);
  return bubble;
}

/** A Telegram button press is not a typed message: show the button's label, keep the data in a title. */
function showPressed(node, label, callbackData) {
  node.classList.add("pressed");
  node.textContent = `▸ ${label}`;
  node.title = `Button pressed (callback data "${callbackData}")`;
}

function drawSmsBadge(sms) {
  const badge = document.createElement("span");
  badge.className = sms.encoding === "UCS-2" ? "badge ucs2" : "badge";
  badge.dataset.testid = "sms-badge";
  badge.dataset.segments = String(sms.segments);
  badge.dataset.encoding = sms.encoding;
  badge.textContent = `${sms.segments} segment${sms.segments === 1 ? "" : "s"} · ${sms.encoding}`;
  const unit = sms.encoding === "UCS-2" ? "UTF-16 code units" : "septets";
  badge.title = `${sms.length} ${unit}`;
  return badge;
}

function drawKeyboard(rows) {
  const keyboard = document.createElement("div");
  keyboard.className = "tg-keyboard";
  keyboard.setAttribute("role", "group");
  keyboard.setAttribute("aria-label", "Reply buttons");
  for (const row of rows) {
    const line = document.createElement("div");
    line.className = "tg-row";
    for (const button of row) {
      const node = document.createElement("button");
      node.type = "button";
      node.dataset.testid = "tg-button";
      node.dataset.callback = button.callback_data;
      node.textContent = button.text;
      line.append(node);
    }
    keyboard.append(line);
  }
  return keyboard;
}

// ---------------------------------------------------------------------------------------------
// Wiring.

el.contactForm.addEventListener("submit", (event) => {
  event.preventDefault();
  applyContactForm();
});

el.channel.addEventListener("change", () => {
  const channel = el.channel.value;
  openConversation(channel, rememberedAddress(channel) ?? newAddress(channel));
});

el.newContact.addEventListener("click", () => {
  const channel = el.channel.value;
  openConversation(channel, newAddress(channel));
  el.message.focus();
});

el.quick.addEventListener("change", () => {
  const contact = quickContacts[Number(el.quick.value)];
  if (el.quick.value !== "" && contact) openConversation(contact.channel, contact.phone);
});

el.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  void sendText();
});

el.message.addEventListener("keydown", (event) => {
  // Enter sends, Shift+Enter adds a line (as in messaging apps).
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    void sendText();
  }
});

el.sendLocation.addEventListener("click", () => void sendLocation());

// A Telegram button press sends its callback_data, as a callback query would.
el.log.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-testid='tg-button']") : null;
  if (!target || !(target instanceof HTMLButtonElement)) return;
  void send({ text: target.dataset.callback ?? "" }, { pressed: target.textContent ?? "" });
});

for (const button of document.querySelectorAll(".keyword")) {
  button.addEventListener("click", () => {
    el.message.value = button.getAttribute("data-keyword") ?? "";
    el.message.focus();
  });
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") schedulePoll(0);
});

const initialChannel = "sms";
openConversation(initialChannel, rememberedAddress(initialChannel) ?? newAddress(initialChannel));
void loadQuickContacts();
