// The Mini App page: the sheet as a form (live total from the server) or the checklist (?view=checklist).
// Only Telegram's public WebApp API is used; every text comes from the server, in her language.
(function () {
  "use strict";

  var tg = (window.Telegram && window.Telegram.WebApp) || null;
  var script = document.currentScript || document.querySelector('script[src$="static/app.js"]');
  var BASE = new URL("../", script.src); // the page's folder (/app/), wherever a proxy puts it
  var VIEW = new URLSearchParams(window.location.search).get("view") === "checklist" ? "checklist" : "sheet";
  var app = document.getElementById("app");
  var S = {}; // the page's labels, from the server
  var state = { sheet: null, criteria: [], values: {}, result: null, pending: 0 };

  // --- Telegram: theme, viewport, buttons ---------------------------------------------------------
  function applyTheme() {
    if (!tg) return;
    var params = tg.themeParams || {};
    Object.keys(params).forEach(function (key) {
      document.documentElement.style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), params[key]);
    });
    document.documentElement.setAttribute("data-scheme", tg.colorScheme === "dark" ? "dark" : "light");
  }

  function setupTelegram() {
    if (!tg) return;
    applyTheme();
    tg.onEvent("themeChanged", applyTheme);
    tg.ready();
    tg.expand();
  }

  function showMainButton() {
    if (!tg || !tg.MainButton || !S.back_to_chat) return;
    tg.MainButton.setText(S.back_to_chat);
    tg.MainButton.onClick(function () { tg.close(); });
    tg.MainButton.show();
  }

  // --- small DOM helpers (textContent only: file names and answers are never HTML) ----------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function fmt(template, params) {
    return String(template).replace(/\{(\w+)\}/g, function (m, key) {
      return params[key] !== undefined ? params[key] : m;
    });
  }

  var toastTimer = null;
  function toast(text) {
    var box = document.getElementById("toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { box.hidden = true; }, 1800);
  }

  function fail(message) {
    app.setAttribute("aria-busy", "false");
    app.replaceChildren(el("p", { id: "error", className: "error", role: "alert", text: message }));
  }

  // --- the API ------------------------------------------------------------------------------------
  function api(path, body) {
    var init = { method: body === undefined ? "GET" : "POST", cache: "no-store",
                 headers: { "Authorization": "tma " + (tg ? tg.initData : "") } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(new URL(path, BASE), init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    }, function () {
      return { ok: false, status: 0, data: { message: S.network || "…" } };
    });
  }

  // --- the result at the top ----------------------------------------------------------------------
  function renderSummary(result) {
    var top = Math.max.apply(null, result.thresholds.map(function (t) { return t.points; }).concat([1]));
    var fill = Math.min(100, 100 * result.total_number / top);
    var bar = el("div", { id: "bar", className: "bar" }, [el("div", { className: "bar-fill", style: "width:" + fill + "%" })]
      .concat(result.thresholds.map(function (t) {
        return el("span", { className: "tick" + (t.claimed ? " claimed" : ""), style: "left:" + (100 * t.points / top) + "%" });
      })));
    var thresholds = el("ul", { id: "thresholds", className: "thresholds", "aria-label": S.thresholds },
      result.thresholds.map(function (t) {
        return el("li", { className: "threshold" + (t.reached ? " reached" : "") + (t.claimed ? " claimed" : ""),
                          text: (t.reached ? "✓ " : "") + t.category + " " + t.points });
      }));
    var answered = state.criteria.filter(function (c) { return c.answered; }).length;
    return el("header", { id: "summary", className: "summary" }, [
      el("div", { className: "total-row" }, [
        el("span", { id: "total", className: "total", "data-total": result.total_number, text: result.total }),
        el("span", { id: "category", className: "category", text: result.category || "" })
      ]),
      el("div", { id: "total-line", className: "hint", text: result.total_line + " · " +
        fmt(S.answered, { done: answered, total: state.criteria.length }) }),
      bar, thresholds
    ]);
  }

  // The chat summary's own lines (what is missing, the claim, the fewest improvements, the files to attach).
  function renderDetails(result, open) {
    var lines = result.lines.concat(result.evidence);
    return el("details", { id: "summary-details", className: "summary-details", open: open }, [
      el("summary", { text: S.summary }),
      el("ul", { id: "summary-lines", className: "lines" }, lines.map(function (line) { return el("li", { text: line }); }))
    ]);
  }

  function refreshSummary() {
    var details = document.getElementById("summary-details");
    details.replaceWith(renderDetails(state.result, details.open));
    document.getElementById("summary").replaceWith(renderSummary(state.result));
  }

  // --- one criterion ------------------------------------------------------------------------------
  function pending(step) {
    state.pending += step;
    app.setAttribute("data-pending", String(state.pending)); // saves still on their way (0: all shown)
  }

  function save(criterion, answer) {
    var body = { sheet: state.sheet.id, criterion: criterion.id, answer: answer };
    pending(1);
    return api("api/sheet/answer", body).then(function (reply) {
      pending(-1);
      if (reply.ok) {
        replaceCriterion(reply.data.criterion);
        state.result = reply.data.result;
        refreshSummary();
        renderCriterion(reply.data.criterion);
        toast(reply.data.message);
      } else {
        renderCriterion(criterion, reply.data.message || S.network);
      }
    });
  }

  function replaceCriterion(fresh) {
    state.criteria = state.criteria.map(function (c) { return c.id === fresh.id ? fresh : c; });
    state.values[fresh.id] = fresh.value;
  }

  function levelSelect(input, kind, onChange) {
    var options = [el("option", { value: "", text: S.choose_level, disabled: true, selected: !kind.level })];
    input.levels.forEach(function (level) {
      var points = fmt(input.counted ? S.per_event : S.points, { points: level.points });
      options.push(el("option", { value: level.name, selected: level.name === kind.level, text: level.label + " — " + points }));
    });
    return el("select", { className: "level", "aria-label": S.choose_level, onchange: onChange }, options);
  }

  function levelOf(input, name) {
    return input.levels.filter(function (l) { return l.name === name; })[0] || null;
  }

  function kindsControls(criterion, value) {
    var input = criterion.input;
    var kinds = (value && value.kinds && value.kinds.length ? value.kinds : [{}]).map(function (k) { return Object.assign({}, k); });
    var bonus = input.bonus ? Boolean(value && value[input.bonus.key]) : false;
    function post() {
      if (kinds.some(function (k) { return !k.level; })) return; // a new kind waits for its level
      var answer = { kinds: kinds.map(function (k) {
        var out = { level: k.level };
        var level = levelOf(input, k.level);
        if (input.counted) out.count = Math.min(k.count || 1, (level && level.max_count) || 1);
        if (k.coauthored && level && level.coauthored_points !== null) out.coauthored = true;
        return out;
      }) };
      if (input.bonus && bonus) answer[input.bonus.key] = true;
      save(criterion, answer);
    }
    var blocks = kinds.map(function (kind, index) {
      var level = levelOf(input, kind.level);
      var parts = [];
      if (input.kinds_add_up && kinds.length > 1) {
        parts.push(el("div", { className: "kind-label", text: fmt(S.kind, { n: index + 1 }) }));
      }
      parts.push(levelSelect(input, kind, function (event) { kind.level = event.target.value; post(); }));
      if (input.counted && level && level.max_count > 1) {
        var counts = [];
        for (var n = 1; n <= level.max_count; n++) {
          counts.push(el("option", { value: String(n), selected: n === (kind.count || 1), text: "×" + n }));
        }
        parts.push(el("label", { className: "hint", text: S.events }));
        parts.push(el("select", { className: "count", "aria-label": S.events,
          onchange: function (event) { kind.count = Number(event.target.value); post(); } }, counts));
      }
      if (input.coauthored && level && level.coauthored_points !== null) {
        parts.push(el("label", { className: "check" }, [
          el("input", { type: "checkbox", className: "coauthored", checked: Boolean(kind.coauthored),
            onchange: function (event) { kind.coauthored = event.target.checked; post(); } }),
          el("span", { text: S.coauthored })]));
      }
      if (kinds.length > 1) {
        parts.push(el("button", { type: "button", className: "link remove-kind", text: "✖ " + S.remove_kind,
          onclick: function () { kinds.splice(index, 1); post(); } }));
      }
      return el("div", { className: "kind", "data-kind": String(index) }, parts);
    });
    var extra = [];
    var complete = kinds.every(function (k) { return k.level; });
    if (input.kinds_add_up && complete && kinds.length < input.max_kinds) {
      extra.push(el("button", { type: "button", className: "secondary add-kind", text: S.another_kind,
        onclick: function () {
          var draft = { kinds: kinds.concat([{}]) };
          if (input.bonus) draft[input.bonus.key] = bonus;
          renderCriterion(criterion, null, draft);
        } }));
    }
    if (input.bonus) {
      extra.push(el("label", { className: "check" }, [
        el("input", { type: "checkbox", className: "bonus", checked: bonus, disabled: !(value && value.kinds && value.kinds.length),
          onchange: function (event) { bonus = event.target.checked; post(); } }),
        el("span", { text: input.bonus.label })]));
    }
    return blocks.concat(extra);
  }

  function flagControls(criterion, value) {
    var input = criterion.input;
    var met = Boolean(value && value.met);
    var bonus = input.bonus ? Boolean(value && value[input.bonus.key]) : false;
    function post() {
      var answer = { met: met };
      if (input.bonus) answer[input.bonus.key] = met && bonus;
      save(criterion, answer);
    }
    var parts = [el("label", { className: "check" }, [
      el("input", { type: "checkbox", className: "met", checked: met,
        onchange: function (event) { met = event.target.checked; post(); } }),
      el("span", { text: S.met + " (" + fmt(S.points, { points: input.points }) + ")" })])];
    if (input.bonus) {
      parts.push(el("label", { className: "check" }, [
        el("input", { type: "checkbox", className: "bonus", checked: bonus, disabled: !met,
          onchange: function (event) { bonus = event.target.checked; post(); } }),
        el("span", { text: input.bonus.label })]));
    }
    return parts;
  }

  function typedControls(criterion, value) {
    var field = el("input", { type: "text", className: "typed", inputmode: "decimal", autocomplete: "off",
      value: value && value.text ? value.text : "", "aria-label": criterion.input.prompt });
    function post() { save(criterion, { text: field.value }); }
    field.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); post(); } });
    return [el("p", { className: "hint", text: criterion.input.prompt }),
            el("div", { className: "typed-row" }, [field,
              el("button", { type: "button", className: "save", text: S.save, onclick: post })])];
  }

  function controlsOf(criterion, draft) {
    var value = state.values[criterion.id];
    var kind = criterion.input.kind;
    if (kind === "level" || kind === "count") {
      return kindsControls(criterion, draft || value);
    }
    if (kind === "flag") return flagControls(criterion, value);
    return typedControls(criterion, value);
  }

  function renderCriterion(criterion, error, draft) {
    var result = state.result.criteria[criterion.id] || { points: "0", why: "" };
    var more = [el("p", { text: criterion.evidence })]
      .concat(criterion.notes.map(function (note) { return el("p", { className: "hint", text: note }); }))
      .concat([el("p", { className: "hint clause", text: fmt(S.clause, { ref: criterion.clause }) })]);
    var node = el("article", { className: "criterion" + (criterion.answered ? " answered" : ""),
                               "data-criterion": criterion.id, "data-answered": criterion.answered ? "yes" : "no" }, [
      el("div", { className: "crit-head" }, [
        el("h2", { className: "crit-title", text: criterion.id + ". " + criterion.title }),
        el("span", { className: "crit-points", "data-points": result.points, text: fmt(S.points, { points: result.points }) })
      ]),
      el("p", { className: "crit-why", text: criterion.answered ? result.why : S.not_answered }),
      el("details", { className: "crit-more" }, [el("summary", { text: "ⓘ " + criterion.clause })].concat(more)),
      el("div", { className: "controls" }, controlsOf(criterion, draft)),
      error ? el("p", { className: "crit-error", role: "alert", text: error }) : null,
      el("div", { className: "buttons" }, [
        el("button", { type: "button", className: "secondary none", text: S.none,
          onclick: function () { save(criterion, null); } })])
    ]);
    var old = app.querySelector('[data-criterion="' + CSS.escape(criterion.id) + '"]');
    if (old) old.replaceWith(node);
    return node;
  }

  // --- the sheet ----------------------------------------------------------------------------------
  function renderSheet(data) {
    S = data.strings;
    document.documentElement.lang = data.locale;
    document.title = data.sheet.title;
    state.sheet = data.sheet;
    state.criteria = data.criteria;
    state.result = data.result;
    state.values = {};
    data.criteria.forEach(function (c) { state.values[c.id] = c.value; });
    var parts = [renderSummary(data.result), renderDetails(data.result, false),
                 el("h1", { id: "sheet-title", text: data.sheet.title })];
    if (data.variants.length) {
      parts.push(el("label", { className: "hint", text: S.variant }));
      parts.push(el("select", { id: "variant", onchange: function (event) { load(event.target.value); } },
        data.variants.map(function (v) { return el("option", { value: v.id, selected: v.id === data.sheet.id, text: v.title }); })));
    }
    data.sheet.notes.forEach(function (note) { parts.push(el("p", { className: "hint", text: note })); });
    var list = el("section", { id: "criteria" });
    parts.push(list);
    app.replaceChildren.apply(app, parts);
    data.criteria.forEach(function (c) { list.appendChild(renderCriterion(c)); });
    app.setAttribute("aria-busy", "false");
    app.setAttribute("data-sheet", data.sheet.id);
    app.setAttribute("data-pending", String(state.pending));
    showMainButton();
  }

  function load(sheetId) {
    var path = "api/sheet" + (sheetId ? "?sheet=" + encodeURIComponent(sheetId) : "");
    return api(path).then(function (reply) {
      if (reply.ok) renderSheet(reply.data); else fail(reply.data.message || "…");
    });
  }

  // --- the checklist ------------------------------------------------------------------------------
  function renderChecklist(data) {
    S = data.strings;
    document.documentElement.lang = data.locale;
    document.title = data.title;
    var items = el("ul", { id: "items", className: "plain" }, data.items.map(function (item) {
      return el("li", { className: "item", "data-item": item.id, "data-state": item.state }, [
        el("div", { className: "item-head" }, [
          el("span", { className: "item-icon", "aria-hidden": "true", text: item.icon }),
          el("div", {}, [el("h2", { className: "item-title", text: item.title }),
                         el("div", { className: "item-status", text: item.status })])]),
        el("p", { className: "item-reason", text: item.reason }),
        item.files.length ? el("p", { className: "hint", text: S.files }) : null,
        item.files.length ? el("ul", { className: "item-files" },
          item.files.map(function (name) { return el("li", { className: "item-file", text: name }); })) : null,
        el("div", { className: "buttons" }, [el("button", { type: "button", className: "open-in-chat",
          text: S.open_in_chat, "data-link": item.link, onclick: function () { openInChat(item.link); } })])
      ]);
    }));
    // replaceChildren would print a null as the text "null": only the parts that exist.
    app.replaceChildren.apply(app, [
      el("h1", { id: "checklist-title", text: data.title }),
      el("p", { id: "progress", className: "progress", text: data.progress }),
      data.frozen ? el("p", { id: "frozen", className: "hint", text: data.frozen }) : null,
      items].filter(Boolean));
    app.setAttribute("aria-busy", "false");
    showMainButton();
  }

  function openInChat(link) {
    if (tg && tg.openTelegramLink) {
      tg.openTelegramLink(link);
      tg.close();
    } else {
      window.location.href = link;
    }
  }

  function loadChecklist() {
    return api("api/checklist").then(function (reply) {
      if (reply.ok) renderChecklist(reply.data); else fail(reply.data.message || "…");
    });
  }

  setupTelegram();
  if (VIEW === "checklist") loadChecklist(); else load(null);
})();
