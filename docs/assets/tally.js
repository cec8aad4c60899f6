/* The 计票 page: ballot counts per member, checks as they are typed, double entry, the grading proposal.
   Everything stays in this browser (localStorage, one key per edition); export and import go through local
   files in the format of TALLY.md. Ballot-by-ballot entry is kept in memory only, for undo: what is saved
   and exported are totals, so the ballots stay anonymous. No modules, no fetch: works on file://. */
(function () {
  "use strict";

  var FIELDS = ["issued", "returned", "valid"];
  var FIELD_NAMES = { issued: "发出票数", returned: "收回票数", valid: "有效票数" };
  var BASES = {
    graded: "参加评定等次的党员（正式党员）",
    all: "党员总数（含预备党员）"
  };

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
      second: { ballots: emptyBallots(), counts: [] },
      mode: "totals",
      counter: 1,
      base: "graded",
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
    this.grades = JSON.parse(root.getAttribute("data-grades"));
    this.kind = root.getAttribute("data-kind");
    this.version = Number(root.getAttribute("data-version"));
    this.key = "zzshh:" + this.year + ":tally";
    this.log = { 1: [], 2: [] };
    this.S = blankState();
    this.S.branch = root.getAttribute("data-branch") || "";
    // The unit profile's 优秀比例基数 (local/unit.yml) sets the default base; the page may still change it.
    this.S.base = root.getAttribute("data-base") || "graded";
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

  /* Valid ballots: the number typed, else the largest row total (said where it is used). */
  T.validOf = function (counter) {
    var p = parseCount(this.ballots(counter).valid, null);
    if (p.ok && p.value !== null) return { value: p.value, derived: false };
    var most = 0;
    this.counts(counter).forEach(function (row) {
      var sum = 0;
      row.forEach(function (c) { var q = parseCount(c, 0); if (q.ok) sum += q.value; });
      most = Math.max(most, sum);
    });
    return { value: most, derived: true };
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

  /* ------------------------------------------------------------------ checks (TALLY.md, same words) */

  T.who = function (i) {
    return "第" + (i + 1) + "行“" + this.S.members[i].name + "”";
  };

  T.checkCounter = function (counter, prefix) {
    var self = this, S = this.S, out = [];
    var b = this.ballots(counter);
    var nums = {};
    FIELDS.forEach(function (f) {
      var p = parseCount(b[f], null);
      if (!p.ok) {
        out.push({ level: "错误", text: prefix + "“" + FIELD_NAMES[f] + "”填的“" + b[f] + "”不是非负整数", cell: { ballot: f, counter: counter } });
      }
      nums[f] = p.ok ? p.value : null;
    });
    if (nums.issued !== null && nums.returned !== null && nums.returned > nums.issued) {
      out.push({ level: "错误", text: prefix + "收回票数" + nums.returned + "超过发出票数" + nums.issued, cell: { ballot: "returned", counter: counter } });
    }
    if (nums.returned !== null && nums.valid !== null && nums.valid > nums.returned) {
      out.push({ level: "错误", text: prefix + "有效票数" + nums.valid + "超过收回票数" + nums.returned, cell: { ballot: "valid", counter: counter } });
    }
    var valid = this.validOf(counter);
    this.counts(counter).forEach(function (row, i) {
      var m = S.members[i];
      var sum = 0, bad = false;
      row.forEach(function (raw, g) {
        var p = parseCount(raw, 0);
        if (!p.ok) {
          bad = true;
          out.push({ level: "错误", text: prefix + self.who(i) + "的“" + self.grades[g] + "”票数“" + raw + "”不是非负整数", cell: { i: i, g: g, counter: counter } });
          return;
        }
        sum += p.value;
        if (m.probationary && p.value > 0) {
          out.push({ level: "错误", text: prefix + self.who(i) + "是预备党员，“" + self.grades[g] + "”栏有" + p.value + "票（预备党员不评定等次）", cell: { i: i, g: g, counter: counter } });
        }
      });
      if (!bad && !valid.derived && sum > valid.value) {
        out.push({ level: "错误", text: prefix + self.who(i) + "的票数合计" + sum + "超过有效票数" + valid.value, cell: { i: i, g: 0, counter: counter } });
      }
    });
    return out;
  };

  T.checks = function () {
    var self = this, S = this.S, out = [];
    out = out.concat(this.checkCounter(1, S.double ? "第一计票人：" : ""));
    if (S.double) out = out.concat(this.checkCounter(2, "第二计票人："));
    var valid = this.validOf(1);
    if (valid.derived && S.members.length) {
      out.push({ level: "提示", text: "有效票数未填写：按票数合计最多的党员计，有效票数取" + valid.value });
    }
    S.members.forEach(function (m, i) {
      ["proposal", "decided"].forEach(function (f) {
        if (m.probationary && m[f]) {
          var what = f === "proposal" ? "支委会建议等次" : "评定等次";
          out.push({ level: "错误", text: self.who(i) + "是预备党员，填了" + what + "“" + m[f] + "”（预备党员不评定等次）", cell: { i: i, field: f } });
        }
      });
    });
    // 5. More 优秀 than the guideline, counted in the decided grades where any are given, else in the proposals.
    var useDecided = S.members.some(function (m) { return !m.probationary && m.decided; });
    var field = useDecided ? "decided" : "proposal";
    var top = this.grades[0];
    var excellent = S.members.filter(function (m) { return !m.probationary && m[field] === top; }).length;
    var base = this.base();
    if (excellent * 3 > base.n) {
      out.push({ level: "提示", text: (useDecided ? "评定等次" : "支委会建议等次") + "为“" + top + "”的有" + excellent + "人，超过“一般不超过三分之一”：计算基数为" + BASES[S.base] + base.n + "人，三分之一为" + third(base.n) + "人" });
    }
    // 6. A proposal far from the votes: most of the member's marks (more than half) at the other end.
    S.members.forEach(function (m, i) {
      if (m.probationary || !m.proposal) return;
      var c = m.counts.map(function (raw) { var p = parseCount(raw, 0); return p.ok ? p.value : 0; });
      var sum = c[0] + c[1] + c[2] + c[3];
      var g = self.grades.indexOf(m.proposal);
      if (!sum || g < 0) return;
      if (g === 0 && (c[2] + c[3]) * 2 > sum) {
        out.push({ level: "提示", text: self.who(i) + "的支委会建议等次为“" + m.proposal + "”，但多数票（" + (c[2] + c[3]) + "/" + sum + "）为“" + self.grades[2] + "”或“" + self.grades[3] + "”", cell: { i: i, field: "proposal" } });
      } else if (g >= 2 && (c[0] + c[1]) * 2 > sum) {
        out.push({ level: "提示", text: self.who(i) + "的支委会建议等次为“" + m.proposal + "”，但多数票（" + (c[0] + c[1]) + "/" + sum + "）为“" + self.grades[0] + "”或“" + self.grades[1] + "”", cell: { i: i, field: "proposal" } });
      }
    });
    // 7. 正式党员 without a proposal, once any proposal is given: one tip naming them, not one per member
    //    (while the proposals are being typed, a tip each would fill the list).
    if (S.members.some(function (m) { return m.proposal; })) {
      var without = [];
      S.members.forEach(function (m, i) { if (!m.probationary && !m.proposal) without.push(i); });
      if (without.length) {
        out.push({ level: "提示", text: "还有" + without.length + "名正式党员没有支委会建议等次：" + without.map(function (i) { return self.who(i); }).join("、"), cell: { i: without[0], field: "proposal" } });
      }
    }
    var seen = {};
    S.members.forEach(function (m, i) {
      if (seen[m.name] !== undefined) {
        out.push({ level: "提示", text: "第" + (seen[m.name] + 1) + "行和第" + (i + 1) + "行姓名相同（“" + m.name + "”）：请在姓名后加以区别，如党小组" });
      } else {
        seen[m.name] = i;
      }
    });
    return out;
  };

  T.base = function () {
    var all = this.S.members.length;
    var graded = this.S.members.filter(function (m) { return !m.probationary; }).length;
    return { n: this.S.base === "all" ? all : graded };
  };

  function third(n) {
    var t = n / 3;
    return t === Math.floor(t) ? String(t) : t.toFixed(1);
  }

  /* Where the two counters differ, by member and field. */
  T.diffs = function () {
    var self = this, S = this.S, out = [];
    if (!S.double) return out;
    FIELDS.forEach(function (f) {
      if (ascii(S.ballots[f]) !== ascii(S.second.ballots[f])) {
        out.push({ text: "“" + FIELD_NAMES[f] + "”：第一计票人" + show(S.ballots[f]) + "，第二计票人" + show(S.second.ballots[f]), cell: { ballot: f } });
      }
    });
    S.members.forEach(function (m, i) {
      var other = S.second.counts[i] || emptyCounts();
      m.counts.forEach(function (raw, g) {
        var a = parseCount(raw, 0), b = parseCount(other[g], 0);
        var same = a.ok && b.ok ? a.value === b.value : ascii(raw) === ascii(other[g]);
        if (!same) {
          out.push({ text: self.who(i) + "的“" + self.grades[g] + "”：第一计票人" + show(raw) + "，第二计票人" + show(other[g]), cell: { i: i, g: g } });
        }
      });
    });
    return out;
  };

  function show(raw) {
    var s = ascii(raw);
    return s === "" ? "未填" : s;
  }

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
    var n = this.base().n;
    return "“" + this.grades[0] + "”一般不超过三分之一，计算基数为" + BASES[this.S.base] + n + "人，其三分之一为" + third(n) + "人。";
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
    var done = this.log[counter].filter(function (e) { return e.last; }).length;
    setText(now, "第" + pos.ballot + "张测评表，第" + (pos.idx + 1) + "/" + order.length + "人：" + (i + 1) + ". " + this.S.members[i].name +
      "（本次已录完" + done + "张）");
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
    var found = this.checks(), diffs = this.diffs();
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
    box.appendChild(el("p", { text: line }));
    var head = ["序号", "姓名"].concat(this.grades, ["未勾选", "支委会建议等次", "评定等次", "备注"]);
    var table = el("table", { cls: "zt-s-table" }, [el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", { text: h }); }))])]);
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
          tr.appendChild(el("td", { text: (p.ok ? String(p.value) : String(raw)) + share }));
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
    box.appendChild(el("p", { text: "百分数为占有效票数的比例。" + this.$(".zt-summary").textContent }));
    found.filter(function (c) { return c.level === "提示" && c.text.indexOf("三分之一") >= 0; }).forEach(function (c) {
      box.appendChild(el("p", { text: "提示：" + c.text + "。" }));
    });
    var errors = found.filter(function (c) { return c.level === "错误"; }).length;
    if (errors) box.appendChild(el("p", { cls: "zt-s-warn", text: "注意：本结果尚有" + errors + "处错误未改正。" }));
    if (diffs.length) box.appendChild(el("p", { cls: "zt-s-warn", text: "注意：两名计票人的录入尚有" + diffs.length + "处不一致。" }));
    box.appendChild(el("p", { cls: "zt-s-sign", text: "计票人（签名）：＿＿＿＿＿＿　监票人（签名）：＿＿＿＿＿＿　＿＿＿＿年＿＿月＿＿日" }));
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
        return { name: m.name, probationary: !!m.probationary, counts: countsObj(m.counts), proposal: m.proposal || null, decided: m.decided || null, note: m.note || "" };
      })
    };
    if (S.double) {
      data.second = {
        ballots: ballotsObj(S.second.ballots),
        members: S.members.map(function (m, i) { return { name: m.name, counts: countsObj(S.second.counts[i] || emptyCounts()) }; })
      };
    }
    return data;
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
    if (Number(data.version) > this.version) return "文件的格式版本（" + data.version + "）比本页新，请用新版手册打开。";
    if (!Array.isArray(data.members)) return "文件中没有党员名单（members）。";
    var bad = [];
    var members = data.members.map(function (m, i) {
      m = m && typeof m === "object" ? m : {};
      if (!text(m.name).trim()) bad.push(i + 1);
      var c = m.counts && typeof m.counts === "object" ? m.counts : {};
      return {
        name: text(m.name).trim(),
        probationary: m.probationary === true,
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

  T.init = function () {
    var self = this, root = this.root;
    this.restore();
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
    this.$$(".zt-key").forEach(function (b) {
      b.addEventListener("click", function () {
        var k = b.classList.contains("zt-undo-ballot") ? "U" : b.getAttribute("data-key");
        self.press(k === "0" ? " " : k);
      });
    });
    this.$(".zt-print").addEventListener("click", function () { self.sheet(); window.print(); });
    window.addEventListener("beforeprint", function () { self.sheet(); });
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      var onPrint = function () { if (print.matches) self.sheet(); };
      if (print.addEventListener) print.addEventListener("change", onPrint);
      else if (print.addListener) print.addListener(onPrint);
    }
    this.$(".zt-export").addEventListener("click", function () { self.exportFile(); });
    var input = this.$(".zt-import");
    input.addEventListener("change", function () { self.importFile(input); });
    this.$(".zt-clear").addEventListener("click", function () {
      if (!window.confirm("清空本页在这台电脑上保存的名单、票数和评定？此操作不能撤销（导出的文件不受影响）。")) return;
      self.S = blankState();
      self.S.branch = root.getAttribute("data-branch") || "";
      self.S.base = root.getAttribute("data-base") || "graded";
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
