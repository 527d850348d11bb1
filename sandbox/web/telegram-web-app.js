// The sandbox's stand-in for Telegram's telegram-web-app.js: the public window.Telegram.WebApp API over the
// iframe protocol Telegram Web uses (JSON {eventType, eventData} posted between the app and the chat page).
// Written for the sandbox from Telegram's public Mini App documentation; not a copy of Telegram's script.
(function () {
  "use strict";
  if (window.Telegram && window.Telegram.WebApp) return;

  const VERSION = "7.10";
  const THEME_VARIABLES = [
    "bg_color", "text_color", "hint_color", "link_color", "button_color", "button_text_color",
    "secondary_bg_color", "header_bg_color", "bottom_bar_bg_color", "accent_text_color", "section_bg_color",
    "section_header_text_color", "section_separator_color", "subtitle_text_color", "destructive_text_color",
  ];

  // --- launch parameters (the URL hash the chat page opened the iframe with) ---------------------------

  function hashParams() {
    const params = {};
    const hash = window.location.hash.replace(/^#/, "");
    for (const [key, value] of new URLSearchParams(hash)) params[key] = value;
    return params;
  }

  function parseJSON(text, fallback) {
    try { return text ? JSON.parse(text) : fallback; } catch { return fallback; }
  }

  function parseInitData(initData) {
    const unsafe = {};
    for (const [key, value] of new URLSearchParams(initData)) {
      if (key === "user" || key === "receiver" || key === "chat") unsafe[key] = parseJSON(value, null);
      else if (key === "auth_date" || key === "can_send_after") unsafe[key] = Number(value);
      else unsafe[key] = value;
    }
    return unsafe;
  }

  const launch = hashParams();
  const initData = launch.tgWebAppData || "";

  // --- talking to the chat page ------------------------------------------------------------------------

  function postEvent(eventType, eventData) {
    if (window.parent === window) return;  // opened outside a chat: nobody to tell
    window.parent.postMessage(JSON.stringify({eventType, eventData: eventData ?? ""}), "*");
  }

  const handlers = {};

  function emit(eventType, ...args) {
    for (const handler of (handlers[eventType] || []).slice()) {
      try { handler.apply(WebApp, args); } catch (error) { console.error(error); }
    }
  }

  function onEvent(eventType, handler) {
    (handlers[eventType] = handlers[eventType] || []).push(handler);
  }

  function offEvent(eventType, handler) {
    handlers[eventType] = (handlers[eventType] || []).filter((h) => h !== handler);
  }

  // --- theme and viewport ------------------------------------------------------------------------------

  let themeParams = {};
  let colorScheme = "light";

  function luminance(hex) {
    const match = /^#?([0-9a-f]{6})$/i.exec(hex || "");
    if (!match) return 1;
    const n = parseInt(match[1], 16);
    return (0.2126 * (n >> 16) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255)) / 255;
  }

  function applyTheme(params) {
    themeParams = Object.assign({}, params || {});
    colorScheme = luminance(themeParams.bg_color) < 0.5 ? "dark" : "light";
    const style = document.documentElement.style;
    for (const key of THEME_VARIABLES) {
      const name = "--tg-theme-" + key.replace(/_/g, "-");
      if (themeParams[key]) style.setProperty(name, themeParams[key]);
      else style.removeProperty(name);
    }
    style.setProperty("--tg-color-scheme", colorScheme);
  }

  let viewportHeight = window.innerHeight;
  let viewportStableHeight = window.innerHeight;
  let isExpanded = true;

  function applyViewport(height, stable) {
    if (height > 0) viewportHeight = height;
    if (stable) viewportStableHeight = viewportHeight;
    const style = document.documentElement.style;
    style.setProperty("--tg-viewport-height", viewportHeight + "px");
    style.setProperty("--tg-viewport-stable-height", viewportStableHeight + "px");
  }

  // --- buttons -----------------------------------------------------------------------------------------

  function mainButton() {
    const button = {text: "Continue", isVisible: false, isActive: true, isProgressVisible: false};
    // Colours the app did not set follow the theme, so they change with it.
    const chosen = {color: "", textColor: ""};
    Object.defineProperty(button, "color", {
      get: () => chosen.color || themeParams.button_color || "#3390ec", set: (v) => { chosen.color = v || ""; },
    });
    Object.defineProperty(button, "textColor", {
      get: () => chosen.textColor || themeParams.button_text_color || "#ffffff",
      set: (v) => { chosen.textColor = v || ""; },
    });
    const sync = () => {
      postEvent("web_app_setup_main_button", {
        is_visible: button.isVisible && !!button.text, is_active: button.isActive,
        is_progress_visible: button.isProgressVisible, text: button.text,
        color: button.color, text_color: button.textColor,
      });
      return button;
    };
    onEvent("themeChanged", () => { if (button.isVisible) sync(); });
    Object.assign(button, {
      setText(text) { button.text = String(text).trim(); return sync(); },
      show() { button.isVisible = true; return sync(); },
      hide() { button.isVisible = false; return sync(); },
      enable() { button.isActive = true; return sync(); },
      disable() { button.isActive = false; return sync(); },
      showProgress() { button.isProgressVisible = true; return sync(); },
      hideProgress() { button.isProgressVisible = false; return sync(); },
      onClick(handler) { onEvent("mainButtonClicked", handler); return button; },
      offClick(handler) { offEvent("mainButtonClicked", handler); return button; },
      setParams(params) {
        if ("text" in params) button.text = String(params.text).trim();
        if ("color" in params) button.color = params.color;
        if ("text_color" in params) button.textColor = params.text_color;
        if ("is_visible" in params) button.isVisible = !!params.is_visible;
        if ("is_active" in params) button.isActive = !!params.is_active;
        return sync();
      },
    });
    return button;
  }

  function backButton() {
    const button = {isVisible: false};
    const sync = () => { postEvent("web_app_setup_back_button", {is_visible: button.isVisible}); return button; };
    Object.assign(button, {
      show() { button.isVisible = true; return sync(); },
      hide() { button.isVisible = false; return sync(); },
      onClick(handler) { onEvent("backButtonClicked", handler); return button; },
      offClick(handler) { offEvent("backButtonClicked", handler); return button; },
    });
    return button;
  }

  // --- popups ------------------------------------------------------------------------------------------

  let popupCallback = null;

  function showPopup(params, callback) {
    if (popupCallback) throw new Error("WebAppPopupOpened");
    const buttons = (params.buttons && params.buttons.length ? params.buttons : [{type: "close"}])
      .map((b) => ({id: b.id || "", type: b.type || "default", text: b.text || ""}));
    popupCallback = callback || (() => {});
    postEvent("web_app_open_popup", {title: params.title || "", message: String(params.message), buttons});
  }

  const noop = () => {};
  const haptics = {
    impactOccurred() { return haptics; }, notificationOccurred() { return haptics; },
    selectionChanged() { return haptics; },
  };

  // --- the API -----------------------------------------------------------------------------------------

  const WebApp = {
    initData,
    initDataUnsafe: parseInitData(initData),
    version: launch.tgWebAppVersion || VERSION,
    platform: launch.tgWebAppPlatform || "unknown",
    get colorScheme() { return colorScheme; },
    get themeParams() { return Object.assign({}, themeParams); },
    get viewportHeight() { return viewportHeight; },
    get viewportStableHeight() { return viewportStableHeight; },
    get isExpanded() { return isExpanded; },
    headerColor: "", backgroundColor: "",
    isClosingConfirmationEnabled: false,
    MainButton: mainButton(),
    BackButton: backButton(),
    HapticFeedback: haptics,
    isVersionAtLeast(version) {
      const [a, b] = [String(WebApp.version), String(version)].map((v) => v.split(".").map(Number));
      for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
        if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
      }
      return true;
    },
    onEvent, offEvent,
    ready() { postEvent("web_app_ready"); },
    expand() { postEvent("web_app_expand"); },
    close() { postEvent("web_app_close"); },
    sendData(data) {
      const text = String(data ?? "");
      if (!text.length || new TextEncoder().encode(text).length > 4096) throw new Error("WebAppDataInvalid");
      postEvent("web_app_data_send", {data: text});
    },
    openTelegramLink(url) {
      const parsed = new URL(url, "https://t.me");
      if (parsed.hostname !== "t.me") throw new Error("WebAppTgUrlInvalid");
      postEvent("web_app_open_tg_link", {path_full: parsed.pathname + parsed.search});
    },
    openLink(url) {
      const parsed = new URL(url);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("WebAppInvalidUrl");
      postEvent("web_app_open_link", {url: parsed.href});
    },
    showPopup,
    showAlert(message, callback) {
      showPopup({message, buttons: [{type: "close"}]}, () => { if (callback) callback(); });
    },
    showConfirm(message, callback) {
      showPopup({message, buttons: [{id: "ok", type: "ok"}, {id: "cancel", type: "cancel"}]},
        (id) => { if (callback) callback(id === "ok"); });
    },
    setHeaderColor(color) { WebApp.headerColor = color; },
    setBackgroundColor(color) { WebApp.backgroundColor = color; },
    enableClosingConfirmation() { WebApp.isClosingConfirmationEnabled = true; },
    disableClosingConfirmation() { WebApp.isClosingConfirmationEnabled = false; },
    enableVerticalSwipes: noop, disableVerticalSwipes: noop,
  };

  // --- events from the chat page -----------------------------------------------------------------------

  const received = {
    theme_changed(data) { applyTheme(data.theme_params); emit("themeChanged"); },
    viewport_changed(data) {
      isExpanded = data.is_expanded !== false;
      applyViewport(Number(data.height), !!data.is_state_stable);
      emit("viewportChanged", {isStateStable: !!data.is_state_stable});
    },
    main_button_pressed() { emit("mainButtonClicked"); },
    back_button_pressed() { emit("backButtonClicked"); },
    popup_closed(data) {
      const callback = popupCallback;
      popupCallback = null;
      if (callback) callback(data.button_id || null);
      emit("popupClosed", {button_id: data.button_id || null});
    },
  };

  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return;
    const message = typeof event.data === "string" ? parseJSON(event.data, null) : event.data;
    if (!message || typeof message.eventType !== "string") return;
    const handle = received[message.eventType];
    if (handle) handle(message.eventData || {});
  });

  applyTheme(parseJSON(launch.tgWebAppThemeParams, {}));
  applyViewport(window.innerHeight, true);
  window.addEventListener("resize", () => applyViewport(window.innerHeight, true));

  window.Telegram = Object.assign(window.Telegram || {}, {WebApp});
  // Telegram's script asks the app's host for the current theme and viewport as it loads.
  postEvent("web_app_request_theme");
  postEvent("web_app_request_viewport");
})();
