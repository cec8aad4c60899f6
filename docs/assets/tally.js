/* The 计票 page: ballot counts per member, checks as they are typed, double entry, the grading proposal.
   Everything stays in this browser (localStorage, one key per edition); export and import go through local
   files in the format of TALLY.md. Ballot-by-ballot entry is kept in memory only, for undo: what is saved
   and exported are totals, so the ballots stay anonymous. No modules, no fetch: works on file://. */
(function () {
  "use strict";

  var FIELDS = ["issued", "returned", "valid"];
  var core = window.zzshhTallyCore;
  // Checks that concern one counter's entry: evaluated for the second counter too, with a prefix.
  var COUNTER_CHECKS = ["ballot-not-integer", "returned-over-issued", "valid-over-returned", "count-not-integer", "marks-over-valid"];
  // Bases as earlier versions of this page stored them.
  var OLD_BASES = { graded: "正式党员", all: "党员总数" };

  function el(tag, props, kids) {
    var e = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === "text") e.textContent = props[k];
      else if (k === "cls") e.className = props[k];
      else e.setAttribute(k, props[k]);
    });
    (kids || []).forEach(function (c) {
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }

  /* Write only what changed: a key press must not re-lay out the whole page. */
  function setText(e, text) {
    if (e.textContent !== text) e.textContent = text;
  }

  function emptyBallots() {
    return { issued: "", returned: "", valid: "" };
  }

  function emptyCounts() {
    return ["", "", "", ""];
  }

  function blankState() {
    return {
      branch: "",
      ballots: emptyBallots(),
      members: [],
      double: false,
      second: { ballots: emptyBallots(), counts: [], from: "" },
      mode: "totals",
      counter: 1,
      base: "",
      pos: { 1: { ballot: 1, idx: 0 }, 2: { ballot: 1, idx: 0 } },
      namesText: ""
    };
  }

  /* Full-width digits and signs (typed with a Chinese input method) read as ASCII. */
  function ascii(s) {
    return String(s == null ? "" : s)
      .replace(/[\uff10-\uff19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .replace(/\uff0d/g, "-").replace(/\uff0e/g, ".").trim();
  }

  /* A typed count: {ok, value}; empty reads as `empty` (0 for counts, null for ballot totals). */
  function parseCount(raw, empty) {
    var s = ascii(raw);
    if (s === "") return { ok: true, value: empty };
    if (/^\d+$/.test(s)) return { ok: true, value: parseInt(s, 10) };
    return { ok: false, value: null };
  }

  function Tally(root) {
    this.root = root;
    this.year = root.getAttribute("data-year");
    this.label = root.getAttribute("data-label");
    // The tally contract's data (editions/common.yml `tally`, grades, the ⅓ rule's sources), embedded at build time.
    this.vocab = JSON.parse(root.getAttribute("data-vocab"));
    this.grades = this.vocab.grades;
    this.kind = this.vocab.kind;
    this.version = Math.max.apply(null, this.vocab.versions);
    this.key = "zzshh:" + this.year + ":tally";
    this.log = { 1: [], 2: [] };
    this.S = blankState();
    this.S.branch = root.getAttribute("data-branch") || "";
    // The unit profile's 优秀比例基数 (local/unit.yml), else the sources' words, sets the default base.
    this.S.base = root.getAttribute("data-base") || this.vocab.cap.default_base;
  }

  var T = Tally.prototype;

  T.$ = function (sel) { return this.root.querySelector(sel); };
  T.$$ = function (sel) { return Array.prototype.slice.call(this.root.querySelectorAll(sel)); };

  T.status = function (text) { setText(this.$(".zt-status"), text); };

  /* Store the state; false (and a message) when the browser refuses: storage blocked or full. */
  T.save = function () {
    try {
      window.localStorage.setItem(this.key, JSON.stringify(this.S));
      return true;
    } catch (e) {
      this.lastStorageError = e;
      this.status(window.zzshhFiles.storageProblem(e) + "刷新页面后录入的内容会丢失；请用“导出”保存为文件。");
      return false;
    }
  };

  T.restore = function () {
    var raw;
    try {
      raw = window.localStorage.getItem(this.key);
    } catch (e) {
      return;
    }
    if (!raw) return;
    try {
      var s = JSON.parse(raw);
      var b = blankState();
      Object.keys(b).forEach(function (k) { if (s[k] !== undefined) b[k] = s[k]; });
      b.base = OLD_BASES[b.base] || (this.vocab.cap.bases[b.base] ? b.base : this.S.base);
      this.S = b;
      this.status("已恢复上次在这台电脑上录入的内容。");
    } catch (e) {
      this.status("本机保存的计票内容已损坏，无法恢复；如有导出的文件，请用“导入”恢复。");
    }
  };

  /* ------------------------------------------------------------------ the active counter's data */

  T.counts = function (counter) {
    var S = this.S;
    return counter === 2 ? S.second.counts : S.members.map(function (m) { return m.counts; });
  };

  T.ballots = function (counter) {
    return counter === 2 ? this.S.second.ballots : this.S.ballots;
  };

  T.active = function () {
    return this.S.double ? Number(this.S.counter) : 1;
  };

  /* Valid ballots: the number typed, else the largest row total (tally-core's numbers, as handbook results). */
  T.validOf = function (counter) {
    var n = core.numbers(this.dataOf(counter), this.vocab, this.S.base);
    return { value: n.valid, derived: n.estimated };
  };

  /* ------------------------------------------------------------------ the member list */

  T.parseNames = function (text) {
    var out = [];
    text.split(/\r?\n/).forEach(function (line) {
      var cells = line.split(/\t|,|，|\s{2,}/).map(function (c) { return c.trim(); }).filter(Boolean);
      if (!cells.length) return;
      var prob = cells.some(function (c) { return /预备/.test(c); });
      var name = "";
      cells.forEach(function (c) {
        if (name || /^\d+[.、．]?$/.test(c) || /^(正式党员|预备党员|党员类别|正式|预备)$/.test(c)) return;
        name = c;
      });
      name = name.replace(/^\d+[.、．]\s*/, "").replace(/\s*([（(]\s*预备(党员)?\s*[）)]|\*|＊)$/, "").trim();
      if (name) out.push({ name: name, probationary: prob });
    });
    return out;
  };

  T.namesText = function () {
    return this.S.members.map(function (m) { return m.name + (m.probationary ? "（预备）" : ""); }).join("\n");
  };

  /* A new list; counts, proposals and notes are kept for names already there. */
  T.useNames = function (list) {
    var S = this.S;
    var old = {};
    S.members.forEach(function (m, i) {
      if (!old[m.name]) old[m.name] = { m: m, second: S.second.counts[i] };
    });
    S.members = list.map(function (n) {
      var o = old[n.name];
      return {
        name: n.name,
        probationary: n.probationary,
        group: n.group || "",
        mobile: !!n.mobile,
        counts: o ? o.m.counts : emptyCounts(),
        proposal: o ? o.m.proposal : "",
        decided: o ? o.m.decided : "",
        note: o ? o.m.note : ""
      };
    });
    S.second.counts = list.map(function (n) {
      var o = old[n.name];
      return o && o.second ? o.second : emptyCounts();
    });
    S.pos = { 1: { ballot: 1, idx: 0 }, 2: { ballot: 1, idx: 0 } };
    this.log = { 1: [], 2: [] };
    S.namesText = this.namesText();
  };

  /* ------------------------------------------------------------------ checks (TALLY.md: tally-core.js) */

  T.who = function (i) {
    return "第" + (i + 1) + "行“" + this.S.members[i].name + "”";
  };

  /* The input a finding names, for marking it. */
  T.cellOf = function (f, counter) {
    if (f.key) return { ballot: f.key, counter: counter };
    if (!f.row) return null;
    var i = f.row - 1;
    if (f.id === "count-not-integer") return { i: i, g: this.grades.indexOf(f.grade), counter: counter };
    if (f.id === "marks-over-valid") return { i: i, g: 0, counter: counter };
    if (f.field) return { i: i, field: f.field };
    return null;
  };

  /* The table's checks over what is entered (the file the page would export), as `handbook results` runs them. */
  T.checks = function () {
    var self = this, S = this.S, out = [];
    var r = core.evaluate(this.data(), this.vocab, S.base);
    r.findings.forEach(function (f) {
      // The two counters' differences have their own section on screen; the print sheet lists them.
      if (f.id === "second-differs") return;
      var counterOnly = COUNTER_CHECKS.indexOf(f.id) >= 0;
      out.push({ id: f.id, level: f.level, text: (S.double && counterOnly ? "第一计票人：" : "") + f.text, cell: self.cellOf(f, 1) });
    });
    if (S.double) {
      core.evaluate(this.dataOf(2), this.vocab, S.base).findings.forEach(function (f) {
        if (COUNTER_CHECKS.indexOf(f.id) < 0) return;
        out.push({ id: f.id, level: f.level, text: "第二计票人：" + f.text, cell: self.cellOf(f, 2) });
      });
    }
    return out;
  };

  T.figures = function () {
    return core.numbers(this.data(), this.vocab, this.S.base);
  };

  /* Where the two counters differ, by member and field (tally-core's second_diffs). */
  T.diffs = function () {
    var self = this;
    if (!this.S.double) return [];
    var data = this.data();
    return core.secondDiffs(data, this.vocab, core.lines(data, this.vocab)).map(function (d) {
      return { text: d.text, cell: d.key ? { ballot: d.key } : { i: d.row - 1, g: self.grades.indexOf(d.grade) } };
    });
  };

  /* ------------------------------------------------------------------ drawing */

  T.buildRows = function () {
    var self = this, S = this.S;
    var body = this.$(".zt-table tbody");
    body.textContent = "";
    if (!S.members.length) {
      body.appendChild(el("tr", {}, [el("td", { colspan: String(8 + self.grades.length), cls: "zt-empty", text: "还没有名单：请在上面粘贴党员名单后点“按此名单建表”，或导入计票名单文件。" })]));
      return;
    }
    S.members.forEach(function (m, i) {
      var tr = el("tr", { "data-i": String(i) });
      tr.appendChild(el("td", { cls: "zt-no", text: String(i + 1) }));
      tr.appendChild(el("th", { scope: "row", cls: "zt-name", text: m.name }));
      var box = el("input", { type: "checkbox", cls: "zt-prob", "aria-label": m.name + "：预备党员" });
      box.checked = !!m.probationary;
      tr.appendChild(el("td", { cls: "zt-c" }, [box]));
      self.grades.forEach(function (g, gi) {
        var inp = el("input", { type: "text", inputmode: "numeric", cls: "zt-num zt-count", "data-g": String(gi), autocomplete: "off", "aria-label": m.name + "：“" + g + "”票数" });
        tr.appendChild(el("td", { cls: "zt-g" }, [inp, el("span", { cls: "zt-share" })]));
      });
      tr.appendChild(el("td", { cls: "zt-sum" }));
      tr.appendChild(el("td", { cls: "zt-blank" }));
      ["proposal", "decided"].forEach(function (f) {
        var sel = el("select", { cls: "zt-" + f, "aria-label": m.name + "：" + (f === "proposal" ? "支委会建议等次" : "评定等次") });
        sel.appendChild(el("option", { value: "", text: "—" }));
        self.grades.forEach(function (g) { sel.appendChild(el("option", { value: g, text: g })); });
        tr.appendChild(el("td", {}, [sel]));
      });
      tr.appendChild(el("td", {}, [el("input", { type: "text", cls: "zt-note", autocomplete: "off", "aria-label": m.name + "：备注" })]));
      body.appendChild(tr);
    });
  };

  /* Put the state's values into the inputs (never while the person is typing in that input). */
  T.fill = function () {
    var self = this, S = this.S, counter = this.active();
    var typing = document.activeElement;
    function put(inp, v) {
      v = v == null ? "" : String(v);
      if (inp !== typing && inp.value !== v) inp.value = v;
    }
    put(this.$("#zt-branch"), S.branch);
    put(this.$("#zt-names"), S.namesText);
    var b = this.ballots(counter);
    this.$$("[data-ballot]").forEach(function (inp) { put(inp, b[inp.getAttribute("data-ballot")]); });
    var counts = this.counts(counter);
    this.$$(".zt-table tbody tr[data-i]").forEach(function (tr) {
      var i = Number(tr.getAttribute("data-i"));
      var m = S.members[i];
      var box = tr.querySelector(".zt-prob");
      if (box.checked !== !!m.probationary) box.checked = !!m.probationary;
      tr.classList.toggle("zt-probrow", !!m.probationary);
      tr.querySelectorAll(".zt-count").forEach(function (inp) { put(inp, counts[i][Number(inp.getAttribute("data-g"))]); });
      put(tr.querySelector(".zt-proposal"), m.proposal);
      put(tr.querySelector(".zt-decided"), m.decided);
      put(tr.querySelector(".zt-note"), m.note);
    });
    this.$$("input[name=zt-mode]").forEach(function (r) { r.checked = r.value === S.mode; });
    this.$$("input[name=zt-counter]").forEach(function (r) { r.checked = Number(r.value) === Number(S.counter); });
    this.$$("input[name=zt-base]").forEach(function (r) { r.checked = r.value === S.base; });
    this.$(".zt-double").checked = !!S.double;
  };

  /* Everything computed from the state: sums, shares, checks, differences, the key pad, the print sheet. */
  T.update = function () {
    var self = this, S = this.S, counter = this.active();
    var valid = this.validOf(counter);
    var counts = this.counts(counter);
    this.$(".zt-counter-set").hidden = !S.double;
    this.$(".zt-keys").hidden = S.mode !== "keys";
    this.$(".zt-diffsec").hidden = !S.double;
    var who = S.double ? (counter === 2 ? "（第二计票人录入）" : "（第一计票人录入）") : "";
    this.$$(".zt-who").forEach(function (w) { setText(w, who); });
    var cur = S.mode === "keys" ? this.current(counter) : -1;
    this.$$(".zt-table tbody tr[data-i]").forEach(function (tr) {
      var i = Number(tr.getAttribute("data-i"));
      var sum = 0, ok = true;
      counts[i].forEach(function (raw, g) {
        var p = parseCount(raw, 0);
        var share = tr.querySelectorAll(".zt-share")[g];
        if (p.ok) {
          sum += p.value;
          setText(share, valid.value > 0 && p.value > 0 ? (p.value / valid.value * 100).toFixed(1) + "%" : "");
        } else {
          ok = false;
          setText(share, "");
        }
      });
      setText(tr.querySelector(".zt-sum"), ok ? String(sum) : "?");
      setText(tr.querySelector(".zt-blank"), ok && !S.members[i].probationary ? String(Math.max(valid.value - sum, 0)) : "");
      tr.classList.toggle("zt-cur", i === cur);
    });
    // Checks, with the cells they name marked for assistive technology and the eye.
    var found = this.checks();
    var diffs = this.diffs();
    var invalid = [], differ = [];
    found.forEach(function (c) {
      var inp = c.level === "错误" ? self.cellInput(c.cell, counter) : null;
      if (inp) invalid.push(inp);
    });
    diffs.forEach(function (d) {
      var inp = self.cellInput(d.cell, counter);
      if (inp) differ.push(inp);
    });
    this.$$(".zt-num, .zt-proposal, .zt-decided").forEach(function (inp) {
      var bad = invalid.indexOf(inp) >= 0;
      inp.classList.toggle("zt-invalid", bad);
      if (bad !== inp.hasAttribute("aria-invalid")) {
        if (bad) inp.setAttribute("aria-invalid", "true");
        else inp.removeAttribute("aria-invalid");
      }
      inp.classList.toggle("zt-diff", differ.indexOf(inp) >= 0);
    });
    var errors = found.filter(function (c) { return c.level === "错误"; }).length;
    var tips = found.length - errors;
    this.list(this.$(".zt-checks"),
      found.length ? "错误" + errors + "处，提示" + tips + "处。" : (S.members.length ? "未发现问题。" : "还没有录入内容。"),
      errors > 0,
      found.map(function (c) { return { cls: c.level === "错误" ? "zt-err" : "zt-tip", lead: c.level + "：", text: c.text }; }));
    if (S.double) {
      this.list(this.$(".zt-diffs"),
        diffs.length ? "两人录入有" + diffs.length + "处不一致，请核对测评表后改正：" : "两人录入一致。",
        diffs.length > 0,
        diffs.map(function (d) { return { cls: "zt-err", lead: "", text: d.text }; }));
    }
    this.summary();
    this.updatePad();
    // The print sheet follows once typing pauses (and always just before printing).
    this.sheetDirty = true;
    clearTimeout(this.sheetTimer);
    this.sheetTimer = setTimeout(function () { self.sheet(); }, 300);
  };

  /* A heading line and a list of messages, redrawn only when their text changed. */
  T.list = function (box, head, bad, items) {
    var key = head + "\n" + items.map(function (it) { return it.lead + it.text; }).join("\n");
    if (box.getAttribute("data-shown") === key) return;
    box.setAttribute("data-shown", key);
    box.textContent = "";
    box.appendChild(el("p", { cls: bad ? "zt-bad" : "zt-good", text: head }));
    if (items.length) {
      box.appendChild(el("ul", {}, items.map(function (it) {
        return el("li", { cls: it.cls }, it.lead ? [el("strong", { text: it.lead }), it.text] : [it.text]);
      })));
    }
  };

  T.cellInput = function (cell, counter) {
    if (!cell || (cell.counter && cell.counter !== counter)) return null;
    if (cell.ballot) return this.$("[data-ballot=" + cell.ballot + "]");
    var tr = this.$(".zt-table tbody tr[data-i='" + cell.i + "']");
    if (!tr) return null;
    if (cell.field) return tr.querySelector(".zt-" + cell.field);
    return tr.querySelector(".zt-count[data-g='" + cell.g + "']");
  };

  T.tally = function (field) {
    var S = this.S;
    return this.grades.map(function (g) {
      return S.members.filter(function (m) { return !m.probationary && m[field] === g; }).length;
    });
  };

  T.baseText = function () {
    return this.figures().figure.sentence + "。";
  };

  T.summary = function () {
    var self = this;
    var parts = [this.baseText()];
    [["proposal", "支委会建议"], ["decided", "评定等次"]].forEach(function (p) {
      var t = self.tally(p[0]);
      if (t.some(Boolean)) {
        parts.push(p[1] + "：" + self.grades.map(function (g, i) { return g + t[i] + "人"; }).join("，") + "。");
      }
    });
    setText(this.$(".zt-summary"), parts.join(""));
  };

  /* ------------------------------------------------------------------ ballot-by-ballot entry */

  T.order = function () {
    var out = [];
    this.S.members.forEach(function (m, i) { if (!m.probationary) out.push(i); });
    return out;
  };

  T.current = function (counter) {
    var order = this.order();
    var pos = this.S.pos[counter];
    return order.length ? order[Math.min(pos.idx, order.length - 1)] : -1;
  };

  /* The counter's place on the current ballot; a shorter list (a member marked 预备党员) restarts the row. */
  T.place = function (counter) {
    var pos = this.S.pos[counter];
    if (pos.idx >= this.order().length) pos.idx = 0;
    return pos;
  };

  T.updatePad = function () {
    if (this.S.mode !== "keys") return;
    var counter = this.active();
    var order = this.order();
    var pos = this.place(counter);
    var now = this.$(".zt-now");
    if (!order.length) {
      setText(now, "还没有可以评定等次的党员：请先建立名单。");
      return;
    }
    var i = order[pos.idx];
    var done = this.entered(counter) || 0;
    var valid = parseCount(this.ballots(counter).valid, null);
    var of = valid.ok && valid.value !== null ? "，有效票数" + valid.value + "张" + (done > valid.value ? "：已超过有效票数，请核对" : "") : "";
    setText(now, "第" + pos.ballot + "张测评表，第" + (pos.idx + 1) + "/" + order.length + "人：" + (i + 1) + ". " + this.S.members[i].name +
      "（已录完" + done + "张" + of + "）");
  };

  T.press = function (key) {
    var S = this.S, counter = this.active();
    var order = this.order();
    if (!order.length) {
      this.status("请先建立名单，再逐张录入。");
      return;
    }
    var pos = this.place(counter);
    var counts = this.counts(counter);
    if (key === "Backspace") return this.undo(counter, false);
    if (key === "u" || key === "U") return this.undo(counter, true);
    var g = key === " " ? 0 : Number(key);
    var i = order[pos.idx];
    if (g > 0) {
      var p = parseCount(counts[i][g - 1], 0);
      if (!p.ok) {
        this.status("没有录入：" + this.who(i) + "的“" + this.grades[g - 1] + "”格里是“" + counts[i][g - 1] + "”，不是整数，请先改正这一格。");
        return;
      }
      counts[i][g - 1] = String(p.value + 1);
    }
    var last = pos.idx === order.length - 1;
    this.log[counter].push({ ballot: pos.ballot, idx: pos.idx, i: i, g: g, last: last });
    if (last) {
      this.status("第" + pos.ballot + "张测评表已录完。");
      pos.ballot += 1;
      pos.idx = 0;
    } else {
      pos.idx += 1;
    }
    this.changed();
  };

  T.undo = function (counter, wholeBallot) {
    var log = this.log[counter];
    var pos = this.S.pos[counter];
    var counts = this.counts(counter);
    if (!log.length) {
      this.status("没有可撤销的录入：逐张的记录只保存在本页内存中，刷新页面后不再保留；如需更正，请直接修改合计。");
      return;
    }
    var target = wholeBallot ? (pos.idx > 0 ? pos.ballot : log[log.length - 1].ballot) : null;
    var undone = 0;
    while (log.length) {
      var e = log[log.length - 1];
      if (target !== null && e.ballot !== target) break;
      log.pop();
      if (e.g > 0) {
        var p = parseCount(counts[e.i][e.g - 1], 0);
        counts[e.i][e.g - 1] = String(Math.max((p.ok ? p.value : 1) - 1, 0));
      }
      pos.ballot = e.ballot;
      pos.idx = e.idx;
      undone += 1;
      if (target === null) break;
    }
    this.status(target === null ? "已撤销上一格（第" + pos.ballot + "张，" + this.who(this.order()[pos.idx]) + "）。" : "已撤销第" + target + "张测评表（" + undone + "格）。");
    this.changed();
  };

  /* ------------------------------------------------------------------ the print sheet */

  T.sheet = function () {
    var self = this, S = this.S;
    if (!this.sheetDirty) return;
    this.sheetDirty = false;
    var found = this.checks(), diffs = this.diffs(), fig = this.figures();
    var box = this.$(".zt-sheet");
    box.textContent = "";
    var valid = this.validOf(1);
    function num(raw) {
      var p = parseCount(raw, null);
      return p.ok && p.value !== null ? String(p.value) : "＿＿";
    }
    box.appendChild(el("p", { cls: "zt-s-edition", text: this.root.getAttribute("data-title") }));
    box.appendChild(el("h2", { text: this.label + "民主评议党员民主测评计票结果" }));
    box.appendChild(el("p", { text: "党支部：" + (S.branch || "＿＿＿＿＿＿＿＿") }));
    var line = "发出测评表" + num(S.ballots.issued) + "张，收回" + num(S.ballots.returned) + "张，其中有效" + num(S.ballots.valid) + "张。";
    if (valid.derived && S.members.length) line += "（有效票数未填写，按票数合计最多的党员计为" + valid.value + "张。）";
    var entered = this.entered(1);
    if (entered !== null) line += "逐张录入" + entered + "张。";
    box.appendChild(el("p", { text: line }));
    // 支委会建议等次 on two lines at the word's seam, so that 备注 keeps room to write in on portrait A4.
    var head = [el("th", { text: "序号" }), el("th", { text: "姓名" })].concat(
      this.grades.map(function (g) { return el("th", { text: g }); }),
      [el("th", { text: "未勾选" }), el("th", {}, ["支委会", el("br"), "建议等次"]), el("th", { text: "评定等次" }),
        el("th", { cls: "zt-s-note", text: "备注" })]);
    var table = el("table", { cls: "zt-s-table" }, [el("thead", {}, [el("tr", {}, head)])]);
    var tbody = el("tbody");
    S.members.forEach(function (m, i) {
      var tr = el("tr", {}, [el("td", { text: String(i + 1) }), el("td", { text: m.name + (m.probationary ? "（预备党员）" : "") })]);
      if (m.probationary) {
        tr.appendChild(el("td", { colspan: String(self.grades.length + 3), cls: "zt-s-na", text: "参加测评，不评定等次" }));
      } else {
        var sum = 0;
        m.counts.forEach(function (raw) {
          var p = parseCount(raw, 0);
          sum += p.ok ? p.value : 0;
          var share = p.ok && p.value > 0 && valid.value > 0 ? "（" + (p.value / valid.value * 100).toFixed(1) + "%）" : "";
          tr.appendChild(el("td", { cls: "zt-s-count" }, [p.ok ? String(p.value) : String(raw), el("span", { cls: "zt-s-share", text: share })]));
        });
        tr.appendChild(el("td", { text: String(Math.max(valid.value - sum, 0)) }));
        tr.appendChild(el("td", { text: m.proposal || "" }));
        tr.appendChild(el("td", { text: m.decided || "" }));
      }
      tr.appendChild(el("td", { text: m.note || "" }));
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    box.appendChild(table);
    box.appendChild(el("p", { text: "百分数为占有效票数的比例。" + this.$(".zt-summary").textContent + "（" + fig.figure.sources.join("、") + "）" }));
    var errors = found.filter(function (c) { return c.level === "错误"; });
    var tips = found.filter(function (c) { return c.level === "提示"; });
    function listed(title, items) {
      box.appendChild(el("p", { cls: "zt-s-warn", text: title }));
      box.appendChild(el("ol", { cls: "zt-s-list" }, items.map(function (t) { return el("li", { text: t }); })));
    }
    if (errors.length) listed("注意：本结果尚有" + errors.length + "处错误未改正：", errors.map(function (c) { return c.text; }));
    if (diffs.length) listed("注意：两名计票人的录入尚有" + diffs.length + "处不一致：", diffs.map(function (d) { return d.text; }));
    if (tips.length) listed("提示（" + tips.length + "处）：", tips.map(function (c) { return c.text; }));
    if (!errors.length && !diffs.length) box.appendChild(el("p", { text: "本页检查未发现错误。" }));
    box.appendChild(el("p", { cls: "zt-s-sign", text: "计票人（签名）：＿＿＿＿＿＿　　计票人（签名）：＿＿＿＿＿＿　　监票人（签名）：＿＿＿＿＿＿" }));
    box.appendChild(el("p", { cls: "zt-s-sign", text: "＿＿＿＿年＿＿月＿＿日" }));
  };

  /* ------------------------------------------------------------------ export and import */

  function countOut(raw) {
    var s = ascii(raw);
    if (s === "") return 0;
    if (/^\d+$/.test(s)) return parseInt(s, 10);
    var n = Number(s);
    // Kept as typed, so `handbook results` names the same member and field as the page does.
    return isFinite(n) ? n : String(raw);
  }

  function ballotOut(raw) {
    return ascii(raw) === "" ? null : countOut(raw);
  }

  T.data = function () {
    var self = this, S = this.S;
    function countsObj(row) {
      var o = {};
      self.grades.forEach(function (g, i) { o[g] = countOut(row[i]); });
      return o;
    }
    function ballotsObj(b) {
      var o = {};
      FIELDS.forEach(function (f) { o[f] = ballotOut(b[f]); });
      return o;
    }
    var data = {
      kind: this.kind,
      version: this.version,
      edition: Number(this.year),
      branch: S.branch,
      ballots: ballotsObj(S.ballots),
      members: S.members.map(function (m) {
        var out = { name: m.name, probationary: !!m.probationary, counts: countsObj(m.counts), proposal: m.proposal || null, decided: m.decided || null, note: m.note || "" };
        // From the 本支部 member list when it gives them: --collect counts 流动党员 from these.
        if (m.group) out.group = m.group;
        if (m.mobile) out.mobile = true;
        return out;
      })
    };
    var entered = this.entered(1);
    if (entered !== null) data.entered = entered;
    if (S.double) {
      data.second = {
        ballots: ballotsObj(S.second.ballots),
        members: S.members.map(function (m, i) { return { name: m.name, counts: countsObj(S.second.counts[i] || emptyCounts()) }; })
      };
      if (this.entered(2) !== null) data.second.entered = this.entered(2);
      if (S.second.from) data.second.from = S.second.from;
    }
    return data;
  };

  /* Ballots completed one by one by this counter (null when the counter typed totals). */
  T.entered = function (counter) {
    var pos = this.S.pos[counter];
    return pos && pos.ballot > 1 ? pos.ballot - 1 : null;
  };

  /* One counter's entry as a tally file (the second counter's: its ballots and counts, the first's names). */
  T.dataOf = function (counter) {
    var data = this.data();
    if (counter !== 2) return data;
    var second = data.second || { ballots: {}, members: [] };
    return {
      kind: data.kind, version: data.version, edition: data.edition, branch: data.branch,
      ballots: second.ballots,
      entered: second.entered,
      members: data.members.map(function (m, i) {
        var o = second.members[i] || {};
        return { name: m.name, probationary: m.probationary, counts: o.counts || {}, proposal: null, decided: null, note: "" };
      })
    };
  };

  T.exportFile = function () {
    var errors = this.checks().filter(function (c) { return c.level === "错误"; }).length;
    if (errors && !window.confirm("计票结果还有" + errors + "处错误（见“检查结果”）。仍然导出吗？导出的文件会保留这些错误，供以后改正。")) {
      this.status("未导出：请先改正错误，或再点“导出”并确认。");
      return;
    }
    var name = "tally-" + this.year + ".json";
    window.zzshhFiles.download(this.data(), name);
    this.status("已导出为文件 " + name + "（只含各等次合计，不含逐张记录）。");
  };

  /* The file the 党委's `handbook results --collect` reads: this tally, named after the branch. */
  T.exportReport = function () {
    var S = this.S;
    if (!S.branch.trim()) {
      this.status("请先在“党支部”一栏填写本支部的名称，上报文件要写明是哪个支部的。");
      this.$("#zt-branch").focus();
      return;
    }
    var errors = this.checks().filter(function (c) { return c.level === "错误"; }).length;
    if (errors) {
      this.status("还有" + errors + "处错误（见“检查结果”），改正后才能导出上报文件。");
      return;
    }
    var name = S.branch.trim().replace(/[\\/:*?"<>|\s]+/g, "") + "-" + this.label + "计票上报.json";
    window.zzshhFiles.download(this.data(), name);
    this.status("已导出上报文件 " + name + "：交给上级党组织，由上级用 handbook results --collect 汇总。");
  };

  function text(v) {
    return v == null ? "" : String(v);
  }

  /* A file's data as page state; returns an error message instead when the file is not a tally. */
  T.fromData = function (data) {
    var self = this;
    if (!data || typeof data !== "object" || Array.isArray(data)) return "文件内容不是计票文件。";
    if (data.kind !== this.kind) {
      if (data.form) return "这个文件是表格“" + data.form + "”导出的内容，不是计票文件。";
      return "这不是计票文件（文件的 kind 是“" + text(data.kind) + "”，应为“" + this.kind + "”）。";
    }
    var problem = this.fileProblem(data);
    if (problem) return problem;
    var bad = [];
    var members = data.members.map(function (m, i) {
      m = m && typeof m === "object" ? m : {};
      if (!text(m.name).trim()) bad.push(i + 1);
      var c = m.counts;
      return {
        name: text(m.name).trim(),
        probationary: m.probationary === true,
        group: text(m.group),
        mobile: m.mobile === true,
        counts: self.grades.map(function (g) { return c[g] == null ? "" : text(c[g]); }),
        proposal: text(m.proposal),
        decided: text(m.decided),
        note: text(m.note)
      };
    });
    if (bad.length) return "文件中第" + bad.join("、") + "名党员没有姓名（name）。";
    var s = blankState();
    s.mode = this.S.mode;
    s.base = this.S.base;
    s.branch = text(data.branch);
    s.members = members;
    if (typeof data.entered === "number") s.pos[1] = { ballot: data.entered + 1, idx: 0 };
    var b = data.ballots && typeof data.ballots === "object" ? data.ballots : {};
    FIELDS.forEach(function (f) { s.ballots[f] = text(b[f]); });
    var second = data.second && typeof data.second === "object" ? data.second : null;
    s.second.counts = members.map(function () { return emptyCounts(); });
    if (second) {
      s.double = true;
      var sb = second.ballots && typeof second.ballots === "object" ? second.ballots : {};
      FIELDS.forEach(function (f) { s.second.ballots[f] = text(sb[f]); });
      var byName = {};
      (Array.isArray(second.members) ? second.members : []).forEach(function (m, i) {
        if (m && typeof m === "object") byName[text(m.name).trim() + "#" + i] = m;
      });
      s.second.counts = members.map(function (m, i) {
        var o = byName[m.name + "#" + i];
        var c = o && o.counts && typeof o.counts === "object" ? o.counts : {};
        return self.grades.map(function (g) { return c[g] == null ? "" : text(c[g]); });
      });
    }
    this.S = s;
    s.namesText = this.namesText();
    this.log = { 1: [], 2: [] };
    return null;
  };

  /* What makes a file not a tally of the versions this page and `handbook results` read (TALLY.md). */
  T.fileProblem = function (data) {
    var self = this;
    if (this.vocab.versions.indexOf(data.version) < 0) {
      return "不支持的计票文件版本“" + text(data.version) + "”（应为 " + this.vocab.versions.join("、") + "）；" +
        (Number(data.version) > this.version ? "文件比本页新，请用新版手册打开。" : "请用导出它的那一版手册打开。");
    }
    if (!Array.isArray(data.members) || !data.members.length) return "文件中没有党员的计票数据（members 为空或缺失）。";
    for (var i = 0; i < data.members.length; i++) {
      var m = data.members[i];
      if (!m || typeof m !== "object" || !m.counts || typeof m.counts !== "object") return "文件中第" + (i + 1) + "名党员没有票数（counts）。";
      var absent = this.grades.filter(function (g) { return !(g in m.counts); });
      if (absent.length) return "文件中第" + (i + 1) + "名党员缺少“" + absent.join("”“") + "”票数（四个等次都要有，没有票写0）。";
      var unknown = Object.keys(m.counts).filter(function (k) { return self.grades.indexOf(k) < 0; });
      if (unknown.length) return "文件中第" + (i + 1) + "名党员有未知的等次“" + unknown.join("、") + "”。";
    }
    return null;
  };

  /* A second counter's exported file: its ballots and counts become the second entry, matched by name; the
     first entry is never replaced. */
  T.importSecond = function (input) {
    var self = this;
    window.zzshhFiles.readJson(input, function (data, name) { self.secondData(data, name); }, function (problem, name) {
      self.status(problem === "json" ? "导入失败：" + name + " 不是计票文件（不是 JSON 格式）。" : "导入失败：无法读取文件 " + name + "。");
    });
  };

  T.secondData = function (data, fileName) {
    var self = this, S = this.S;
    if (!data || typeof data !== "object" || Array.isArray(data) || data.kind !== this.kind) {
      this.status("导入失败：" + fileName + " 不是计票文件。");
      return;
    }
    var problem = this.fileProblem(data);
    if (problem) {
      this.status("导入失败：" + fileName + "：" + problem);
      return;
    }
    if (!S.members.length) {
      this.status("请先建立名单（或导入第一计票人的文件），再导入第二计票人的文件。");
      return;
    }
    var has = S.second.counts.some(function (row) { return row && row.some(function (c) { return ascii(c) !== ""; }); });
    if (has && !window.confirm("本页已有第二计票人录入的票数，导入" + fileName + "会替换第二计票人的票数（第一计票人的不变）。继续吗？")) {
      this.status("已取消导入，本页内容未改变。");
      return;
    }
    var theirs = {}, unused = {};
    data.members.forEach(function (m, i) {
      var n = text(m.name).replace(/\s+/g, " ").trim();
      (theirs[n] = theirs[n] || []).push(m);
      unused[n] = (unused[n] || 0) + 1;
    });
    var missing = [];
    S.second.counts = S.members.map(function (m) {
      var list = theirs[m.name];
      var o = list && list.length ? list.shift() : null;
      if (!o) { missing.push(m.name); return emptyCounts(); }
      unused[m.name] -= 1;
      return self.grades.map(function (g) { return o.counts[g] == null ? "" : text(o.counts[g]); });
    });
    var extra = Object.keys(unused).filter(function (n) { return unused[n] > 0; });
    var b = data.ballots && typeof data.ballots === "object" ? data.ballots : {};
    FIELDS.forEach(function (f) { S.second.ballots[f] = text(b[f]); });
    S.second.from = fileName;
    S.pos[2] = { ballot: typeof data.entered === "number" ? data.entered + 1 : 1, idx: 0 };
    this.log[2] = [];
    S.double = true;
    this.changed();
    var msg = "已把 " + fileName + " 导入为第二计票人的录入（第一计票人的录入未改变），不一致之处见“两人录入比对”。";
    if (missing.length) msg += "文件中没有：" + missing.join("、") + "。";
    if (extra.length) msg += "文件中多出、本页名单没有的：" + extra.join("、") + "。";
    this.status(msg);
  };

  T.hasData = function () {
    var S = this.S;
    return S.members.length > 0 || FIELDS.some(function (f) { return ascii(S.ballots[f]) !== ""; });
  };

  T.importFile = function (input) {
    var self = this;
    window.zzshhFiles.readJson(input, function (data, name) { self.importData(data, name); }, function (problem, name) {
      self.status(problem === "json" ? "导入失败：" + name + " 不是计票文件（不是 JSON 格式）。" : "导入失败：无法读取文件 " + name + "。");
    });
  };

  T.importData = function (data, fileName) {
    if (data && data.kind === this.kind && this.hasData() &&
        !window.confirm("导入" + fileName + "会替换本页现有的内容（" + this.S.members.length + "名党员的名单、票数和评定）。继续吗？")) {
      this.status("已取消导入，本页内容未改变。");
      return;
    }
    var before = this.S, beforeLog = this.log;
    var err = this.fromData(data);
    if (err) {
      this.S = before;
      this.status("导入失败：" + fileName + "：" + err);
      return;
    }
    if (!this.save()) {
      // Not stored means lost on reload: keep what the page had (and still stores) and say so.
      this.S = before;
      this.log = beforeLog;
      this.status("导入失败：" + fileName + " 无法保存在这个浏览器中：" +
        window.zzshhFiles.storageProblem(this.lastStorageError) + "本页保持导入前的内容。");
      return;
    }
    var year = data.edition != null ? String(data.edition) : "";
    var msg = "已导入 " + fileName + "：" + (year ? year + "年度的计票文件" : "文件未写明年度") + "，" + this.S.members.length + "名党员。";
    if (year && year !== this.year) msg += "注意：本页是" + this.label + "，请确认没有拿错年度。";
    this.buildRows();
    this.changed();
    this.status(msg);
  };

  /* ------------------------------------------------------------------ events */

  T.changed = function () {
    this.fill();
    this.save();
    this.update();
  };

  T.onInput = function (e) {
    var S = this.S, t = e.target, counter = this.active();
    if (t.id === "zt-branch") S.branch = t.value;
    else if (t.id === "zt-names") S.namesText = t.value;
    else if (t.hasAttribute("data-ballot")) this.ballots(counter)[t.getAttribute("data-ballot")] = t.value;
    else {
      var tr = t.closest("tr[data-i]");
      if (!tr) return;
      var i = Number(tr.getAttribute("data-i"));
      var m = S.members[i];
      if (t.classList.contains("zt-count")) this.counts(counter)[i][Number(t.getAttribute("data-g"))] = t.value;
      else if (t.classList.contains("zt-proposal")) m.proposal = t.value;
      else if (t.classList.contains("zt-decided")) m.decided = t.value;
      else if (t.classList.contains("zt-note")) m.note = t.value;
      else if (t.classList.contains("zt-prob")) {
        m.probationary = t.checked;
        S.namesText = this.namesText();
        this.fill();
      } else return;
    }
    this.save();
    this.update();
  };

  T.onChoice = function (e) {
    var S = this.S, t = e.target;
    if (t.name === "zt-mode") S.mode = t.value;
    else if (t.name === "zt-counter") S.counter = Number(t.value);
    else if (t.name === "zt-base") S.base = t.value;
    else if (t.classList.contains("zt-double")) {
      var has = S.second.counts.some(function (row) { return row.some(function (c) { return ascii(c) !== ""; }); });
      if (!t.checked && has && !window.confirm("关闭双人录入会删除第二计票人录入的票数。继续吗？")) {
        t.checked = true;
        return;
      }
      S.double = t.checked;
      if (!S.double) {
        S.second = { ballots: emptyBallots(), counts: S.members.map(function () { return emptyCounts(); }) };
        S.counter = 1;
      }
      while (S.second.counts.length < S.members.length) S.second.counts.push(emptyCounts());
    } else return;
    this.changed();
  };

  /* ------------------------------------------------------------ the member list and the result documents */

  /* The 本支部名单 stored in this browser (members.js), as this page's names; null when none is stored. */
  T.storedMembers = function () {
    var list = window.zzshhMembers && window.zzshhMembers.get();
    if (!list) return null;
    return list.map(function (m) {
      return { name: m.name, probationary: m.category === "预备党员", group: m.group || "", mobile: !!m.mobile };
    });
  };

  T.membersNote = function () {
    var list = this.storedMembers();
    var note = this.$(".zt-members-note");
    var button = this.$(".zt-use-members");
    note.textContent = "";
    if (list) {
      note.appendChild(document.createTextNode("本浏览器保存了本支部名单（" + list.length + "人）" +
        (this.S.members.length ? "；名单改过后，点下面的按钮重新建表。" : "，已按它建表。")));
      button.hidden = false;
    } else {
      note.appendChild(document.createTextNode("本浏览器还没有保存本支部名单。可先到"));
      var home = window.zzshhMembers && window.zzshhMembers.home ? window.zzshhMembers.home : "../branch.html";
      note.appendChild(el("a", { href: home, text: "本支部名单" }));
      note.appendChild(document.createTextNode("页面粘贴或打开名单（其他表格也会用到），也可以在下面粘贴姓名。"));
      button.hidden = true;
    }
    return list;
  };

  /* Where the documents' figures come from, in the page's words (handbook results names its files). */
  T.where = function () {
    var chosen = this.S.base !== (this.root.getAttribute("data-base") || this.vocab.cap.default_base);
    return {
      roster: this.storedMembers() ? "本浏览器保存的本支部名单和本页名单" : "本页名单",
      tally: "本页录入的票数",
      ballots_from: "本页录入",
      base_from: chosen ? "本页所选的计算基数" : "默认按来源的说法“党员总数”；可在本页“计算基数”中改选"
    };
  };

  /* One result document (or all of them) as a whole HTML page: render_result's shell, the templates' body. */
  T.resultDocument = function (kind) {
    var R = window.zzshhTallyResults, nj = window.nunjucks, tpl = window.nunjucksPrecompiled;
    if (!R || !nj || !tpl) return { error: "本页的文书模板没有载入，请刷新页面后再试。" };
    if (!this.S.members.length) return { error: "还没有名单和票数：请先建表并录入。" };
    var errors = this.checks().filter(function (c) { return c.level === "错误"; }).length;
    if (errors) return { error: "还有" + errors + "处错误（见“检查结果”），改正后才能生成结果文书。" };
    var statics = JSON.parse(this.root.getAttribute("data-results"));
    var ctx = R.context(statics, this.data(), this.vocab, this.S.base, this.where());
    var kinds = kind === "all" ? ["summary", "grades", "feedback", "mobile"] : [kind];
    if (kind === "mobile" && !ctx.mobile.length) return { error: "名单中没有流动党员（在本支部名单的“流动党员”一栏标记），不需要反馈函。" };
    var bodies = kinds.filter(function (k) { return k !== "mobile" || ctx.mobile.length; }).map(function (k) {
      return '<div class="zt-doc-part">' + R.render(nj, tpl, k, ctx) + "</div>";
    });
    var title = kind === "all" ? statics.label + "民主评议结果文书" : statics.label + statics.docs[kind][0];
    var esc = function (t) { return t.replace(/&/g, "&amp;").replace(/</g, "&lt;"); };
    var css = this.root.getAttribute("data-results-css") + "\n.zt-doc-part + .zt-doc-part { break-before: page; }\n";
    return {
      title: title,
      html: '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>' + esc(title) + "</title>\n<style>" +
        css + "</style>\n</head>\n<body>\n" + bodies.join("\n") + "\n</body>\n</html>\n"
    };
  };

  T.showDocument = function (kind) {
    var doc = this.resultDocument(kind);
    if (doc.error) { this.status(doc.error); return; }
    var box = this.$(".zt-preview"), frame = this.$(".zt-frame");
    box.hidden = false;
    frame.srcdoc = doc.html;
    frame.setAttribute("data-doc", kind);
    this.status("已生成“" + doc.title + "”，在下方预览；点“打印”打印或另存为 PDF。");
  };

  /* The 情况统计表's figures from this tally, written where its form page keeps values (forms.js). */
  T.fillStatistics = function () {
    if (!this.S.members.length) { this.status("还没有名单和票数：请先建表并录入。"); return; }
    var R = window.zzshhTallyResults;
    var key = "zzshh:" + this.year + ":form:statistics";
    var values = {};
    try { values = JSON.parse(window.localStorage.getItem(key) || "{}") || {}; } catch (e) { values = {}; }
    var got = R.statistics(this.data(), this.vocab, JSON.parse(this.root.getAttribute("data-grade-values")));
    Object.keys(got).forEach(function (k) { values[k] = got[k]; });
    window.localStorage.setItem(key, JSON.stringify(values));
    this.status("");
    var s = this.$(".zt-status");
    s.appendChild(document.createTextNode("已把党员总数、预备党员人数" + (got.graded_excellent !== undefined ? "和评定等次人数" : "") +
      "填入情况统计表（其余各栏照常填写）："));
    s.appendChild(el("a", { href: "../forms/statistics.html", text: "打开情况统计表并打印" }));
  };

  T.init = function () {
    var self = this, root = this.root;
    this.restore();
    var stored = this.S.members.length ? null : this.storedMembers();
    if (stored) this.useNames(stored);
    this.membersNote();
    this.buildRows();
    this.fill();
    this.update();
    this.sheet();
    root.addEventListener("input", function (e) {
      if (e.target.type === "radio" || e.target.type === "checkbox" || e.target.tagName === "SELECT") return;
      self.onInput(e);
    });
    root.addEventListener("change", function (e) {
      if (e.target.tagName === "SELECT" || e.target.classList.contains("zt-prob")) self.onInput(e);
      else if (e.target.type === "radio" || e.target.type === "checkbox") self.onChoice(e);
    });
    this.$(".zt-use-names").addEventListener("click", function () {
      var list = self.parseNames(self.$("#zt-names").value);
      if (!list.length) {
        self.status("名单是空的：请每行写一名党员的姓名。");
        return;
      }
      var keep = self.S.members.filter(function (m) { return list.some(function (n) { return n.name === m.name; }); }).length;
      var lost = self.S.members.length - keep;
      if (lost && !window.confirm("新名单中没有原名单的" + lost + "人，他们已录入的票数将删除。继续吗？")) {
        self.status("已取消，名单未改变。");
        return;
      }
      self.useNames(list);
      self.buildRows();
      self.changed();
      var prob = list.filter(function (n) { return n.probationary; }).length;
      self.status("已按名单建表：" + list.length + "人，其中预备党员" + prob + "人" + (keep ? "；" + keep + "人的原有票数已保留" : "") + "。");
    });
    var pad = this.$(".zt-pad");
    pad.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.altKey || e.metaKey) return;
      var onButton = e.target.tagName === "BUTTON";
      var k = e.key;
      if (/^[0-4]$/.test(k) || k === "Backspace" || k === "u" || k === "U" || (k === " " && !onButton)) {
        e.preventDefault();
        self.press(k === "0" ? " " : k);
      }
    });
    this.$$(".zt-key, .zt-undo").forEach(function (b) {
      b.addEventListener("click", function () {
        var k = b.classList.contains("zt-undo-ballot") ? "U" : b.getAttribute("data-key");
        self.press(k === "0" ? " " : k);
      });
    });
    this.$(".zt-print").addEventListener("click", function () { self.sheet(); window.print(); });
    this.$(".zt-use-members").addEventListener("click", function () {
      var list = self.storedMembers();
      if (!list) { self.membersNote(); return; }
      self.useNames(list);
      self.buildRows();
      self.changed();
      self.membersNote();
      self.status("已按本支部名单建表：" + list.length + "人；已录入的票数按姓名保留。");
    });
    this.$$(".zt-doc").forEach(function (b) {
      b.addEventListener("click", function () { self.showDocument(b.getAttribute("data-doc")); });
    });
    this.$(".zt-statistics").addEventListener("click", function () { self.fillStatistics(); });
    this.$(".zt-preview-print").addEventListener("click", function () { self.$(".zt-frame").contentWindow.print(); });
    this.$(".zt-preview-close").addEventListener("click", function () { self.$(".zt-preview").hidden = true; });
    window.addEventListener("beforeprint", function () { self.sheet(); });
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      var onPrint = function () { if (print.matches) self.sheet(); };
      if (print.addEventListener) print.addEventListener("change", onPrint);
      else if (print.addListener) print.addListener(onPrint);
    }
    this.$(".zt-export").addEventListener("click", function () { self.exportFile(); });
    this.$(".zt-export-report").addEventListener("click", function () { self.exportReport(); });
    var input = this.$(".zt-import");
    input.addEventListener("change", function () { self.importFile(input); });
    var second = this.$(".zt-import-second");
    second.addEventListener("change", function () { self.importSecond(second); });
    this.$(".zt-clear").addEventListener("click", function () {
      if (!window.confirm("清空本页在这台电脑上保存的名单、票数和评定？此操作不能撤销（导出的文件不受影响）。")) return;
      self.S = blankState();
      self.S.branch = root.getAttribute("data-branch") || "";
      self.S.base = root.getAttribute("data-base") || self.vocab.cap.default_base;
      self.log = { 1: [], 2: [] };
      self.buildRows();
      self.changed();
      self.status("已清空。");
    });
  };

  function initAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".zt[data-year]"), function (root) {
      if (root.getAttribute("data-zt-ready")) return;
      root.setAttribute("data-zt-ready", "1");
      new Tally(root).init();
    });
  }

  window.zzshhFiles.onPage(initAll);
})();
