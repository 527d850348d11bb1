// The sandbox chat page: one simulated Telegram user per tab (?user=ID), talking to the bot through
// the sandbox server's control API (/sandbox/api). Plain DOM, no build step, no external resources.
"use strict";

const API = "/sandbox/api";
const $ = (id) => document.getElementById(id);
const state = {
  user: null,        // the simulated user this tab plays
  users: [],
  cursor: 0,         // position in the chat's event stream
  pollGeneration: 0, // bumped to stop an older long-poll loop
  bubbles: new Map(), // message_id -> element
  keyboard: null,    // the reply keyboard the user has open
  keyboardHidden: false,
  uploadAs: "document",
  typingTimer: null,
  bot: null,         // the bot this page talks to ({id, username, first_name})
  menuButton: null,  // the bot's chat menu button (setChatMenuButton)
  webapp: null,      // the Mini App open in the panel: {source, url, buttonText, ready}
  themeChoice: null, // "light" or "dark" chosen in the panel; null follows the system
};

// --- the control API -------------------------------------------------------------------------------

async function api(path, options = {}) {
  const response = await fetch(API + path, options);
  let body = null;
  try { body = await response.json(); } catch { /* an empty or non-JSON body: reported below */ }
  if (!response.ok || !body || body.ok === false) {
    const error = new Error((body && body.error) || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body.result;
}

const postJSON = (path, payload) => api(path, {
  method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(payload),
});

// --- small helpers ---------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function fullName(user) {
  return [user.first_name, user.last_name].filter(Boolean).join(" ");
}

function initials(user) {
  return (user.first_name || "?").slice(0, 1).toUpperCase() + (user.last_name || "").slice(0, 1).toUpperCase();
}

function formatSize(bytes) {
  if (bytes === undefined || bytes === null) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function formatTime(unix) {
  if (!unix) return "";
  return new Date(unix * 1000).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
}

function randomPhone() {
  // Kazakhstan's mobile numbering: +7 70x/74x/77x and seven digits.
  const prefix = ["701", "702", "705", "707", "747", "771", "775", "777"][Math.floor(Math.random() * 8)];
  return "+7" + prefix + String(Math.floor(Math.random() * 1e7)).padStart(7, "0");
}

function toast(text, {alert = false} = {}) {
  const box = el("div", {class: alert ? "toast alert" : "toast", role: alert ? "alertdialog" : "status"}, text);
  const close = () => box.remove();
  if (alert) {
    box.append(el("button", {type: "button", class: "primary", onclick: close}, "OK"));
  } else {
    box.addEventListener("click", close);
    setTimeout(close, 3500);
  }
  $("toasts").append(box);
}

function setStatus(text, kind = "") {
  const status = $("status");
  status.textContent = text;
  status.className = "status " + kind;
}

// --- text with entities ------------------------------------------------------------------------------
// Offsets are UTF-16 code units, which is exactly how JavaScript strings index, so slicing is direct.
// Everything becomes DOM nodes via textContent, so no text from the bot is ever parsed as HTML.

const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:", "tel:", "tg:"]);

function safeUrl(raw) {
  try {
    const url = new URL(raw, window.location.href);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function link(href, external = true) {
  if (!href) return el("span");
  return el("a", {href, target: external ? "_blank" : null, rel: external ? "noopener noreferrer" : null});
}

function entityNode(entity, content) {
  switch (entity.type) {
    case "bold": return el("strong");
    case "italic": return el("em");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "spoiler": {
      const node = el("span", {class: "spoiler", title: "Show"});
      node.addEventListener("click", () => node.classList.add("revealed"));
      return node;
    }
    case "code": return el("code");
    case "pre": return el("pre", {"data-language": entity.language || null});
    case "blockquote": return el("blockquote");
    case "expandable_blockquote": return el("blockquote", {class: "expandable"});
    case "text_link": return link(safeUrl(entity.url));
    case "url": return link(safeUrl(/^[a-z][a-z0-9+.-]*:/i.test(content) ? content : "http://" + content));
    case "email": return link(safeUrl("mailto:" + content), false);
    case "phone_number": return link(safeUrl("tel:" + content.replace(/[^+\d]/g, "")), false);
    case "bot_command": {
      const command = content.split("@")[0];
      return el("span", {class: "command", title: `Send ${command}`, onclick: () => sendText(command)});
    }
    case "mention": case "text_mention": case "hashtag": case "cashtag":
      return el("span", {class: "mention"});
    default: return el("span");
  }
}

// Telegram's apps make /commands in plain text tappable even without an entity; so does the page.
const COMMAND_RE = /(^|[\s(])(\/[a-zA-Z0-9_]{1,32})(?=$|[\s.,;:!?)])/g;

function appendPlain(parent, text) {
  if (parent instanceof Element && parent.closest("a, code, pre, .command")) { parent.append(text); return; }
  let pos = 0;
  for (const match of text.matchAll(COMMAND_RE)) {
    const start = match.index + match[1].length;
    parent.append(text.slice(pos, start));
    const command = match[2];
    parent.append(el("span", {class: "command", title: `Send ${command}`, onclick: () => sendText(command)}, command));
    pos = start + command.length;
  }
  parent.append(text.slice(pos));
}

function renderRich(text, entities) {
  const root = document.createDocumentFragment();
  const sorted = (entities || [])
    .filter((e) => e.length > 0 && e.offset >= 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);

  // Entities nest (Telegram sends them that way); one that starts inside another is its child.
  function build(parent, start, end, list) {
    let pos = start;
    let i = 0;
    while (i < list.length) {
      const entity = list[i];
      if (entity.offset < pos) { i += 1; continue; }
      const stop = Math.min(entity.offset + entity.length, end);
      appendPlain(parent, text.slice(pos, entity.offset));
      const inner = [];
      let j = i + 1;
      while (j < list.length && list[j].offset < stop) { inner.push(list[j]); j += 1; }
      const node = entityNode(entity, text.slice(entity.offset, stop));
      build(node, entity.offset, stop, inner);
      parent.append(node);
      pos = stop;
      i = j;
    }
    appendPlain(parent, text.slice(pos, end));
  }

  build(root, 0, text.length, sorted);
  return root;
}

// --- message bubbles -------------------------------------------------------------------------------

function inlineKeyboard(view) {
  const rows = (view.reply_markup && view.reply_markup.inline_keyboard) || [];
  if (!rows.length) return null;
  const box = el("div", {class: "inline-keyboard"});
  for (const row of rows) {
    const line = el("div", {class: "row"});
    for (const button of row) {
      let node;
      if (button.callback_data !== undefined) {
        node = el("button", {type: "button", class: "ikb", "data-callback": button.callback_data});
        node.addEventListener("click", () => pressButton(view.message_id, button.callback_data, node));
      } else if (button.web_app) {
        node = el("button", {type: "button", class: "ikb opens-app", "data-webapp": button.web_app.url});
        node.addEventListener("click", () => openWebApp({source: "inline", url: button.web_app.url,
          messageId: view.message_id, text: button.text}));
      } else if (button.url) {
        node = el("a", {class: "ikb link", href: safeUrl(button.url), target: "_blank", rel: "noopener noreferrer"});
      } else if (button.copy_text) {
        node = el("button", {type: "button", class: "ikb"});
        node.addEventListener("click", async () => {
          try { await navigator.clipboard.writeText(button.copy_text.text); toast("Copied"); }
          catch { toast(button.copy_text.text); }
        });
      } else {
        node = el("button", {type: "button", class: "ikb", disabled: true, title: "Not available in the sandbox"});
      }
      node.append(button.text);
      line.append(node);
    }
    box.append(line);
  }
  return box;
}

function attachment(view) {
  if (view.photo) {
    return el("a", {class: "photo", href: view.photo.url, target: "_blank", rel: "noopener"},
      el("img", {src: view.photo.url, alt: "photo", loading: "lazy",
        width: view.photo.width || null, height: view.photo.height || null}));
  }
  if (view.document) {
    const doc = view.document;
    const name = doc.file_name || "document";
    return el("a", {class: "document", href: doc.url, download: name, title: `Download ${name}`},
      el("span", {class: "doc-icon", "aria-hidden": "true"}, (name.split(".").pop() || "file").slice(0, 4)),
      el("span", {class: "doc-meta"}, el("span", {class: "doc-name"}, name),
        el("span", {class: "doc-size"}, formatSize(doc.file_size))));
  }
  if (view.contact) {
    const contact = view.contact;
    return el("div", {class: "contact"}, el("span", {class: "avatar small"}, initials(contact)),
      el("span", {class: "doc-meta"}, el("span", {class: "doc-name"}, fullName(contact)),
        el("span", {class: "doc-size"}, contact.phone_number)));
  }
  return null;
}

function serviceLine(view) {
  // What the Telegram apps show when a Mini App's sendData reaches the bot.
  const text = `Data from the “${view.web_app_data.button_text}” button was transferred to the bot.`;
  return el("div", {class: "msg service", "data-id": view.message_id}, el("span", {class: "service-text"}, text));
}

function bubble(view) {
  if (view.web_app_data) return serviceLine(view);
  const mine = view.from === "user";
  const body = el("div", {class: "bubble"});
  const media = attachment(view);
  if (media) body.append(media);
  const text = view.text ?? view.caption;
  if (text) {
    const rich = el("div", {class: "text"});
    rich.append(renderRich(text, view.entities));
    body.append(rich);
  }
  body.append(el("span", {class: "meta"}, view.edit_date ? "edited " : "", formatTime(view.date)));
  const wrap = el("div", {class: `msg ${mine ? "out" : "in"}`, "data-id": view.message_id}, body);
  const keyboard = mine ? null : inlineKeyboard(view);
  if (keyboard) wrap.append(keyboard);
  return wrap;
}

function nearBottom() {
  const box = $("chat");
  return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
}

function scrollToBottom() {
  const box = $("chat");
  box.scrollTop = box.scrollHeight;
}

function upsert(view) {
  const stick = nearBottom() || view.from === "user";
  const node = bubble(view);
  const old = state.bubbles.get(view.message_id);
  if (old) {
    old.replaceWith(node);
  } else {
    // Message ids grow within a chat; insert in order even if events arrive out of order.
    const later = [...state.bubbles.entries()].filter(([id]) => id > view.message_id).sort((a, b) => a[0] - b[0]);
    if (later.length) $("messages").insertBefore(node, later[0][1]);
    else $("messages").append(node);
  }
  state.bubbles.set(view.message_id, node);
  $("empty").hidden = true;
  if (stick && !old) scrollToBottom();
}

function removeMessage(messageId) {
  const node = state.bubbles.get(messageId);
  if (node) node.remove();
  state.bubbles.delete(messageId);
}

// --- reply keyboard and commands ----------------------------------------------------------------------

function renderReplyKeyboard(markup) {
  state.keyboard = markup && markup.keyboard ? markup : null;
  const box = $("reply-keyboard");
  box.replaceChildren();
  $("keyboard-toggle").hidden = !state.keyboard;
  $("text").placeholder = (state.keyboard && state.keyboard.input_field_placeholder) || "Message";
  if (!state.keyboard) { box.hidden = true; return; }
  for (const row of state.keyboard.keyboard) {
    const line = el("div", {class: "row"});
    for (const raw of row) {
      const button = typeof raw === "string" ? {text: raw} : raw;
      const node = el("button", {type: "button", class: "rkb"}, button.text);
      if (button.request_contact) {
        node.classList.add("contact-request");
        node.addEventListener("click", shareContact);
      } else if (button.web_app) {
        node.classList.add("opens-app");
        node.addEventListener("click", () => openWebApp({source: "keyboard", url: button.web_app.url, text: button.text}));
      } else if (button.request_location || button.request_poll || button.request_users || button.request_chat) {
        node.disabled = true;
        node.title = "Not available in the sandbox";
      } else {
        node.addEventListener("click", () => sendText(button.text));
      }
      line.append(node);
    }
    box.append(line);
  }
  box.hidden = state.keyboardHidden;
}

async function toggleCommands() {
  const box = $("commands");
  if (!box.hidden) { box.hidden = true; return; }
  let commands = [];
  try {
    commands = await api(`/commands?user_id=${state.user.id}&language_code=${state.user.language_code || ""}`);
  } catch (error) {
    toast(`Commands unavailable: ${error.message}`);
    return;
  }
  box.replaceChildren();
  if (!commands.length) box.append(el("div", {class: "hint"}, "The bot has not set any commands yet."));
  for (const command of commands) {
    box.append(el("button", {type: "button", class: "cmd", onclick: () => { box.hidden = true; sendText("/" + command.command); }},
      el("span", {class: "cmd-name"}, "/" + command.command), el("span", {class: "cmd-desc"}, command.description)));
  }
  box.hidden = false;
}

// --- what the user does ------------------------------------------------------------------------------

async function run(action) {
  try {
    return await action();
  } catch (error) {
    toast(`Not sent: ${error.message}`, {alert: true});
    return null;
  }
}

function sendText(text) {
  if (!text.trim()) return null;
  return run(() => postJSON(`/chats/${state.user.id}/messages`, {text}));
}

async function pressButton(messageId, data, node) {
  node.classList.add("pending");
  // Telegram shows the press as loading until the bot answers; the answer event clears it.
  setTimeout(() => node.classList.remove("pending"), 10000);
  const result = await run(() => postJSON(`/chats/${state.user.id}/callback`, {message_id: messageId, callback_data: data}));
  if (result === null) node.classList.remove("pending");
}

function askPhone() {
  const dialog = $("phone-dialog");
  $("phone-input").value = randomPhone();
  return new Promise((resolve) => {
    const done = (value) => { dialog.close(); resolve(value); };
    $("phone-cancel").onclick = () => done(null);
    $("phone-form").onsubmit = (event) => { event.preventDefault(); done($("phone-input").value.trim() || null); };
    dialog.showModal();
  });
}

async function shareContact() {
  // A request_contact button shares the user's own contact, as the Telegram apps do.
  const phone = state.user.phone_number || await askPhone();
  if (!phone) return;
  const message = await run(() => postJSON(`/chats/${state.user.id}/contact`, {phone_number: phone}));
  if (message) state.user.phone_number = phone;
}

async function uploadFile(file, as) {
  const form = new FormData();
  form.append("file", file, file.name);
  const caption = $("text").value.trim();
  if (caption) form.append("caption", caption);
  const result = await run(() => api(`/chats/${state.user.id}/${as}`, {method: "POST", body: form}));
  if (result && caption) $("text").value = "";
}

// --- the event stream --------------------------------------------------------------------------------

function handleEvent(event) {
  switch (event.type) {
    case "message":
    case "edit":
      upsert(event.message);
      break;
    case "delete":
      removeMessage(event.message_id);
      break;
    case "callback_answer": {
      const node = state.bubbles.get(event.message_id);
      if (node) node.querySelectorAll(".ikb.pending").forEach((b) => b.classList.remove("pending"));
      if (event.text) toast(event.text, {alert: event.show_alert});
      if (event.url && safeUrl(event.url)) window.open(safeUrl(event.url), "_blank", "noopener");
      break;
    }
    case "chat_action":
      setStatus(event.action === "typing" ? "typing…" : event.action.replace(/_/g, " ") + "…", "busy");
      clearTimeout(state.typingTimer);
      // Telegram shows a chat action for up to five seconds or until the next message.
      state.typingTimer = setTimeout(() => setStatus("online", "ok"), 5000);
      break;
    default:
      break;
  }
  if (event.type === "message" && event.message.from === "bot") {
    clearTimeout(state.typingTimer);
    setStatus("online", "ok");
  }
}

async function loadHistory() {
  const history = await api(`/chats/${state.user.id}/history`);
  $("messages").replaceChildren();
  state.bubbles.clear();
  for (const view of history.messages) upsert(view);
  state.cursor = history.cursor;
  renderReplyKeyboard(history.keyboard);
  renderMenuButton(history.menu_button);
  $("empty").hidden = history.messages.length > 0;
  scrollToBottom();
}

async function poll() {
  const generation = ++state.pollGeneration;
  let synced = true;
  while (generation === state.pollGeneration) {
    try {
      if (!synced) { await loadHistory(); synced = true; }
      const result = await api(`/chats/${state.user.id}/events?cursor=${state.cursor}&timeout=25`);
      if (generation !== state.pollGeneration) break;
      state.cursor = result.cursor;
      result.events.forEach(handleEvent);
      renderReplyKeyboard(result.keyboard);
      renderMenuButton(result.menu_button);
      if (!$("status").classList.contains("busy")) setStatus("online", "ok");
      refreshBotName();
    } catch (error) {
      // The sandbox restarted or is down: retry, then rebuild the chat from its history.
      setStatus("sandbox unreachable — retrying…", "bad");
      synced = false;
      await sleep(2000);
    }
  }
}

async function refreshBotName() {
  if (state.botNamed) return;
  try {
    const bots = await api("/bots");
    if (bots.length) {
      state.bot = bots[0];
      $("bot-name").textContent = bots[0].first_name;
      document.title = `${bots[0].first_name} · ${fullName(state.user)} · sandbox`;
      state.botNamed = true;
    }
  } catch { /* the header keeps its placeholder */ }
}

// --- choosing a user ---------------------------------------------------------------------------------

function userUrl(id) {
  const url = new URL(window.location.href);
  url.search = `?user=${id}`;
  return url.pathname + url.search;
}

async function showPicker(note) {
  state.pollGeneration += 1;
  $("picker").hidden = false;
  $("chat").hidden = true;
  $("composer").hidden = true;
  $("picker-note").hidden = !note;
  $("picker-note").textContent = note || "";
  const form = $("create-form");
  if (!form.phone_number.value) form.phone_number.value = randomPhone();
  try {
    state.users = await api("/users");
  } catch (error) {
    state.users = [];
    setStatus("sandbox unreachable", "bad");
  }
  const list = $("user-list");
  list.replaceChildren();
  if (!state.users.length) list.append(el("li", {class: "hint"}, "No users yet — create one below."));
  for (const user of state.users) {
    list.append(el("li", {},
      el("a", {class: "user-link", href: userUrl(user.id)},
        el("span", {class: "avatar small"}, initials(user)),
        el("span", {class: "user-meta"}, el("span", {class: "user-name"}, fullName(user)),
          el("span", {class: "user-id"}, `id ${user.id} · ${user.language_code || "—"}`))),
      el("a", {class: "new-tab", href: userUrl(user.id), target: "_blank", rel: "noopener", title: "Open in a new tab"}, "↗")));
  }
}

async function createUser(inNewTab) {
  const form = $("create-form");
  if (!form.reportValidity()) return;
  const payload = {
    first_name: form.first_name.value.trim(),
    last_name: form.last_name.value.trim() || null,
    language_code: form.language_code.value,
    phone_number: form.phone_number.value.trim() || null,
  };
  if (form.id.value.trim()) payload.id = Number(form.id.value.trim());
  try {
    const user = await postJSON("/users", payload);
    $("create-error").hidden = true;
    form.reset();
    if (inNewTab) {
      window.open(userUrl(user.id), "_blank", "noopener");
      showPicker();
    } else {
      window.location.href = userUrl(user.id);
    }
  } catch (error) {
    $("create-error").textContent = error.message;
    $("create-error").hidden = false;
  }
}

async function openChat(user) {
  state.user = user;
  $("picker").hidden = true;
  $("chat").hidden = false;
  $("composer").hidden = false;
  $("who-name").textContent = fullName(user);
  $("who-avatar").textContent = initials(user);
  document.title = `${fullName(user)} · sandbox`;
  await loadHistory();
  refreshBotName();
  poll();
  $("text").focus();
}

async function boot() {
  const wanted = new URLSearchParams(window.location.search).get("user");
  if (!wanted) { showPicker(); return; }
  let users = [];
  try {
    users = await api("/users");
  } catch (error) {
    setStatus("sandbox unreachable", "bad");
  }
  const user = users.find((u) => String(u.id) === wanted);
  if (!user) {
    // The sandbox keeps users in memory: after a restart, recreate the same id to continue.
    $("create-form").id.value = /^\d+$/.test(wanted) ? wanted : "";
    showPicker(`There is no user ${wanted} in this sandbox (it forgets users when it restarts). Create one:`);
    return;
  }
  openChat(user);
}

// --- Mini Apps -----------------------------------------------------------------------------------------
// A web_app button opens the app in a phone-sized panel, as Telegram Web does: an iframe whose URL hash
// carries initData signed by the sandbox server, talking to this page with postMessage
// ({eventType, eventData} as JSON); /telegram-web-app.js is the app's side of that protocol.

const WEB_APP_VERSION = "7.10";
const THEMES = {
  light: {
    bg_color: "#ffffff", text_color: "#000000", hint_color: "#707579", link_color: "#3390ec",
    button_color: "#3390ec", button_text_color: "#ffffff", secondary_bg_color: "#f4f4f5",
    header_bg_color: "#ffffff", bottom_bar_bg_color: "#ffffff", accent_text_color: "#3390ec",
    section_bg_color: "#ffffff", section_header_text_color: "#3390ec", section_separator_color: "#e7e7e7",
    subtitle_text_color: "#707579", destructive_text_color: "#e53935",
  },
  dark: {
    bg_color: "#212121", text_color: "#ffffff", hint_color: "#aaaaaa", link_color: "#8774e1",
    button_color: "#8774e1", button_text_color: "#ffffff", secondary_bg_color: "#181818",
    header_bg_color: "#212121", bottom_bar_bg_color: "#212121", accent_text_color: "#8774e1",
    section_bg_color: "#212121", section_header_text_color: "#aaaaaa", section_separator_color: "#0f0f0f",
    subtitle_text_color: "#aaaaaa", destructive_text_color: "#ff595a",
  },
};
const darkQuery = window.matchMedia("(prefers-color-scheme: dark)");

function themeName() {
  return state.themeChoice || (darkQuery.matches ? "dark" : "light");
}

function renderMenuButton(button) {
  state.menuButton = button && button.type === "web_app" && button.web_app ? button : null;
  const node = $("menu-app");
  node.hidden = !state.menuButton;
  if (state.menuButton) node.textContent = state.menuButton.text || "App";
}

function launchUrl(url, initData) {
  const [base, ownHash] = url.split("#", 2);
  const params = new URLSearchParams({
    tgWebAppData: initData, tgWebAppVersion: WEB_APP_VERSION, tgWebAppPlatform: "weba",
    tgWebAppThemeParams: JSON.stringify(THEMES[themeName()]),
  });
  return base + "#" + params.toString() + (ownHash ? "&" + ownHash : "");
}

async function openWebApp({source, url, messageId, text}) {
  if (!/^https?:$/.test(new URL(url, window.location.href).protocol)) {
    toast("This Mini App address is not an http(s) URL", {alert: true});
    return;
  }
  const opened = await run(() => postJSON(`/chats/${state.user.id}/webapp`, {source, url, message_id: messageId}));
  if (!opened) return;
  state.webapp = {source, url, buttonText: opened.button_text || text, ready: false};
  $("webapp-title").textContent = (state.bot && state.bot.first_name) || $("bot-name").textContent;
  $("webapp-sub").textContent = "mini app";
  setupMainButton({is_visible: false});
  $("webapp-back").hidden = true;
  $("webapp-popup").hidden = true;
  paintPanel();
  $("webapp").hidden = false;
  $("webapp-frame").src = launchUrl(url, opened.init_data);
  $("webapp-close").focus();
}

function closeWebApp() {
  if (!state.webapp) return;
  state.webapp = null;
  $("webapp").hidden = true;
  $("webapp-frame").src = "about:blank";
}

function toApp(eventType, eventData = {}) {
  const frame = $("webapp-frame").contentWindow;
  if (state.webapp && frame) frame.postMessage(JSON.stringify({eventType, eventData}), "*");
}

function paintPanel() {
  const theme = THEMES[themeName()];
  const panel = $("webapp");
  panel.style.setProperty("--app-header-bg", theme.header_bg_color);
  panel.style.setProperty("--app-bg", theme.bg_color);
  panel.style.setProperty("--app-text", theme.text_color);
  panel.style.setProperty("--app-hint", theme.hint_color);
  panel.style.setProperty("--app-bar-bg", theme.bottom_bar_bg_color);
  panel.dataset.theme = themeName();
}

function themeChanged() {
  paintPanel();
  toApp("theme_changed", {theme_params: THEMES[themeName()]});
}

function sendViewport() {
  toApp("viewport_changed", {height: $("webapp-frame").clientHeight, is_expanded: true, is_state_stable: true});
}

function setupMainButton(params) {
  const button = $("webapp-main");
  const theme = THEMES[themeName()];
  button.hidden = !params.is_visible || !params.text;
  button.textContent = params.text || "";
  button.disabled = params.is_active === false;
  button.classList.toggle("progress", !!params.is_progress_visible);
  button.style.background = params.color || theme.button_color;
  button.style.color = params.text_color || theme.button_text_color;
}

async function webAppSendData(data) {
  const app = state.webapp;
  if (app.source !== "keyboard") {
    // Telegram delivers sendData only from apps opened by a reply keyboard button.
    toast("sendData works only in a Mini App opened from a keyboard button, as in Telegram", {alert: true});
    return;
  }
  closeWebApp();
  await run(() => postJSON(`/chats/${state.user.id}/webapp-data`, {data: data.data, button_text: app.buttonText}));
}

function webAppTelegramLink(path) {
  const match = /^\/([A-Za-z0-9_]+)\/?(?:\?(.*))?$/.exec(path || "");
  const ownBot = match && state.bot && match[1].toLowerCase() === state.bot.username.toLowerCase();
  if (!ownBot) {
    toast(`t.me${path} is outside this sandbox`, {alert: true});
    return;
  }
  // A link to this bot with ?start=payload sends "/start payload" in its chat, as the Telegram apps do.
  const start = new URLSearchParams(match[2] || "").get("start");
  closeWebApp();
  sendText(start ? `/start ${start}` : "/start");
}

function webAppPopup(params) {
  const box = $("webapp-popup");
  const labels = {ok: "OK", close: "Close", cancel: "Cancel"};
  box.replaceChildren(
    params.title ? el("div", {class: "popup-title"}, params.title) : "",
    el("div", {class: "popup-message"}, params.message || ""),
    el("div", {class: "popup-buttons"}, ...(params.buttons || [{type: "close"}]).map((b) =>
      el("button", {type: "button", class: `popup-button ${b.type || "default"}`, onclick: () => {
        box.hidden = true;
        toApp("popup_closed", b.type === "close" && !b.id ? {} : {button_id: b.id || ""});
      }}, b.text || labels[b.type] || "OK"))),
  );
  box.hidden = false;
}

const WEB_APP_EVENTS = {
  web_app_ready: () => { state.webapp.ready = true; },
  web_app_expand: sendViewport,
  web_app_close: closeWebApp,
  web_app_data_send: webAppSendData,
  web_app_setup_main_button: setupMainButton,
  web_app_setup_back_button: (data) => { $("webapp-back").hidden = !data.is_visible; },
  web_app_open_tg_link: (data) => webAppTelegramLink(data.path_full),
  web_app_open_link: (data) => { if (safeUrl(data.url)) window.open(safeUrl(data.url), "_blank", "noopener"); },
  web_app_request_theme: () => toApp("theme_changed", {theme_params: THEMES[themeName()]}),
  web_app_request_viewport: sendViewport,
  web_app_open_popup: webAppPopup,
};

function onWebAppMessage(event) {
  // Only the app in the panel speaks this protocol; anything else posting to the page is ignored.
  if (!state.webapp || event.source !== $("webapp-frame").contentWindow) return;
  let message = event.data;
  if (typeof message === "string") {
    try { message = JSON.parse(message); } catch { return; }
  }
  const handle = message && WEB_APP_EVENTS[message.eventType];
  if (handle) handle(message.eventData || {});
}

function wireWebApp() {
  window.addEventListener("message", onWebAppMessage);
  $("webapp-close").addEventListener("click", closeWebApp);
  $("webapp-main").addEventListener("click", () => toApp("main_button_pressed"));
  $("webapp-back").addEventListener("click", () => toApp("back_button_pressed"));
  $("webapp-theme").addEventListener("click", () => {
    state.themeChoice = themeName() === "dark" ? "light" : "dark";
    themeChanged();
  });
  darkQuery.addEventListener("change", () => { if (!state.themeChoice) themeChanged(); });
  new ResizeObserver(() => { if (state.webapp) sendViewport(); }).observe($("webapp-frame"));
  $("menu-app").addEventListener("click", () => {
    if (state.menuButton) openWebApp({source: "menu", url: state.menuButton.web_app.url, text: state.menuButton.text});
  });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape" && state.webapp) closeWebApp(); });
}

// --- wiring ------------------------------------------------------------------------------------------

function wire() {
  $("who").addEventListener("click", () => (!$("picker").hidden && state.user ? openChat(state.user) : showPicker()));
  $("create-form").addEventListener("submit", (event) => { event.preventDefault(); createUser(false); });
  $("create-tab").addEventListener("click", () => createUser(true));
  $("start-button").addEventListener("click", () => sendText("/start"));
  $("menu-button").addEventListener("click", toggleCommands);
  $("keyboard-toggle").addEventListener("click", () => {
    state.keyboardHidden = !state.keyboardHidden;
    $("reply-keyboard").hidden = state.keyboardHidden || !state.keyboard;
  });
  $("attach-doc").addEventListener("click", () => { state.uploadAs = "document"; $("file-input").accept = ""; $("file-input").click(); });
  $("attach-photo").addEventListener("click", () => {
    state.uploadAs = "photo";
    $("file-input").accept = "image/png,image/jpeg,image/gif,image/webp";
    $("file-input").click();
  });
  $("file-input").addEventListener("change", async (event) => {
    const input = event.target;
    for (const file of input.files) await uploadFile(file, state.uploadAs);
    input.value = "";
  });
  const text = $("text");
  const grow = () => { text.style.height = "auto"; text.style.height = Math.min(text.scrollHeight, 160) + "px"; };
  text.addEventListener("input", grow);
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("send-form").requestSubmit();
    }
  });
  $("send-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = text.value;
    if (!value.trim()) return;
    text.value = "";
    grow();
    $("commands").hidden = true;
    const sent = await sendText(value);
    if (sent === null) text.value = value;
  });
}

wire();
wireWebApp();
boot();
