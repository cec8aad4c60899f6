/* The tally contract's checks and figures (TALLY.md), for the 计票 page and the parity test (node).
   The checks are the table `tally.checks` of editions/common.yml, embedded in the page as data: this file
   evaluates each check in the table's order over a tally in the file format, exactly as
   handbook/model/tally.py does (same parameters, same message templates, same numbers).
   No DOM, no modules, no fetch: a <script> on file://, or require() in node. */
(function (root) {
  "use strict";

  var BALLOT_KEYS = ["issued", "returned", "valid"];
  var GRADE_FIELDS = [["proposal", "支委会建议等次"], ["decided", "评定等次"]];

  /* A message template with each {name} replaced (handbook.model.editions.fill). */
  function fill(template, params) {
    return template.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(params, k) ? String(params[k]) : m;
    });
  }

  /* A count or ballot figure as written: an integer >= 0, null when empty, else the text (tally.number). */
  function number(v) {
    if (v === null || v === undefined) return null;
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") {
      if (Number.isInteger(v)) return v >= 0 ? v : String(v);
      return String(v);
    }
    var s = String(v);
    if (!s.trim()) return null;
    var t = s.normalize("NFKC").trim();
    // Thousands of digits stay text (too large to be a count): the check says 过大.
    return /^[0-9]{1,15}$/.test(t) ? parseInt(t, 10) : s.trim();
  }

  function tooLarge(v, max) {
    if (typeof v === "string") return /^[0-9]+$/.test(v.normalize("NFKC").trim());
    return typeof v === "number" && v > max;
  }

  /* A value as a message quotes it, cut short when long (tally.short / tally.shown). */
  function shown(raw) {
    var text = String(raw).trim();
    var chars = Array.from(text);
    if (chars.length <= 20) return text;
    return chars.slice(0, 12).join("") + "…（共" + chars.length + (/^-?[0-9]+$/.test(text) ? "位" : "个字符") + "）";
  }

  function gradeValue(v, vocab) {
    if (v === null || v === undefined) return null;
    var t = String(v).normalize("NFKC").replace(/\s/g, "");
    return vocab.no_grade.indexOf(t) >= 0 ? null : t;
  }

  function isInt(v) { return typeof v === "number"; }

  function check(vocab, id) {
    for (var i = 0; i < vocab.checks.length; i++) if (vocab.checks[i].id === id) return vocab.checks[i];
    throw new Error("no tally check " + id);
  }

  /* The checks' view of a tally file's members[] (tally.Line). */
  function lines(data, vocab) {
    return (data.members || []).map(function (m, i) {
      var c = m.counts && typeof m.counts === "object" ? m.counts : {};
      var raw = vocab.grades.map(function (g) { return c[g]; });
      var values = raw.map(number);
      var marks = 0;
      values.forEach(function (v) { if (isInt(v) && v <= vocab.max_count) marks += v; });
      return {
        row: i + 1,
        name: String(m.name == null ? "" : m.name).replace(/\s+/g, " ").trim(),
        raw: raw,
        values: values,
        whole: values.every(function (v) { return v === null || (isInt(v) && !tooLarge(v, vocab.max_count)); }),
        marks: marks,
        probationary: m.probationary === true,
        proposal: gradeValue(m.proposal, vocab),
        decided: gradeValue(m.decided, vocab)
      };
    });
  }

  /* The ⅓ guideline for a branch (Common.cap_figure): base named, the third, the whole-member limit. */
  function capFigure(vocab, baseKind, total, formal) {
    var cap = vocab.cap;
    var kind = cap.bases[baseKind] ? baseKind : cap.default_base;
    var n = kind === "党员总数" ? total : formal;
    var whole = Math.floor(n * cap.numerator / cap.denominator);
    var rest = (n * cap.numerator) % cap.denominator;
    var third = rest ? (n * cap.numerator / cap.denominator).toFixed(1) : String(whole);
    var baseText = cap.bases[kind].text;
    var params = { grade: vocab.grades[0], base: baseText, n: n, third: third, limit: whole };
    var figure = fill(rest ? cap.inexact : cap.exact, params);
    return {
      base_kind: kind, base_text: baseText, n: n, third: third, limit: whole, figure: figure,
      sentence: fill(cap.lead, params) + "：" + figure, sources: vocab.cap_sources.slice()
    };
  }

  function basis(vocab, formal) {
    var words = check(vocab, "too-many-excellent").details;
    var decided = formal.filter(function (x) { return x.decided; }).length;
    if (!decided) return words.proposal;
    return decided === formal.length ? words.decided : words.mixed;
  }

  /* Valid ballots (typed, else the largest member total), the ⅓ figure and the grade counts (tally.numbers). */
  function numbers(data, vocab, baseKind) {
    var ls = lines(data, vocab);
    var b = data.ballots || {};
    var valid = number(b.valid);
    var estimated = valid === null;
    if (!isInt(valid)) valid = ls.reduce(function (a, x) { return Math.max(a, x.marks); }, 0);
    var formal = ls.filter(function (x) { return !x.probationary; });
    var graded = {};
    vocab.grades.forEach(function (g) {
      graded[g] = formal.filter(function (x) { return (x.decided || x.proposal) === g; }).length;
    });
    return {
      valid: valid,
      estimated: estimated,
      figure: capFigure(vocab, baseKind, ls.length, formal.length),
      basis: basis(vocab, formal),
      graded: graded,
      formal: formal.length,
      probationary: ls.length - formal.length,
      marks: ls.map(function (x) { return x.marks; })
    };
  }

  function far(grades, x) {
    var c = x.values.map(function (v) { return isInt(v) ? v : 0; });
    var total = c[0] + c[1] + c[2] + c[3];
    var g = grades.indexOf(x.proposal);
    if (!total || g < 0) return null;
    var high = c[0] + c[1], low = c[2] + c[3];
    if (g === 0 && low * 2 > total) return { proposal: x.proposal, side: "“" + grades[2] + "”或“" + grades[3] + "”", side_marks: low, marks: total };
    if (g >= 2 && high * 2 > total) return { proposal: x.proposal, side: "“" + grades[0] + "”或“" + grades[1] + "”", side_marks: high, marks: total };
    return null;
  }

  function merge(a, b) {
    var o = {};
    Object.keys(a).forEach(function (k) { o[k] = a[k]; });
    Object.keys(b).forEach(function (k) { o[k] = b[k]; });
    return o;
  }

  function orBlank(v) { return v === null ? "未填" : String(v); }

  function countValue(v) { v = number(v); return v === null ? 0 : v; }

  /* Where the second counter's entry differs from the first (tally.second_diffs). */
  function secondDiffs(data, vocab, ls) {
    var second = data.second;
    if (!second || typeof second !== "object" || Array.isArray(second)) return [];
    var d = check(vocab, "second-differs").details;
    var out = [];
    var b = data.ballots || {};
    var sb = second.ballots && typeof second.ballots === "object" ? second.ballots : {};
    Object.keys(vocab.ballots).forEach(function (k) {
      var x = number(b[k]), y = number(sb[k]);
      if (String(x) !== String(y)) out.push({ key: k, text: fill(d.ballot, { field: vocab.ballots[k], first: orBlank(x), second: orBlank(y) }) });
    });
    var others = (Array.isArray(second.members) ? second.members : []).filter(function (m) { return m && typeof m === "object"; });
    var used = {};
    function nameOf(m) { return String(m.name == null ? "" : m.name).trim(); }
    ls.forEach(function (x) {
      var j = x.row - 1;
      if (!(j >= 0 && j < others.length && nameOf(others[j]) === x.name && !used[j])) {
        j = -1;
        for (var k = 0; k < others.length; k++) if (!used[k] && nameOf(others[k]) === x.name) { j = k; break; }
      }
      if (j < 0) return;
      used[j] = true;
      var counts = others[j].counts && typeof others[j].counts === "object" ? others[j].counts : {};
      vocab.grades.forEach(function (g, gi) {
        var p = countValue(x.raw[gi]), q = countValue(counts[g]);
        if (String(p) !== String(q)) {
          out.push({ row: x.row, grade: g, text: fill(d.member, { name: x.name, row: x.row, grade: g, first: p, second: q }) });
        }
      });
    });
    return out;
  }

  /* Every check of the table over one tally file, in the table's order, then line by line (tally.evaluate). */
  function evaluate(data, vocab, baseKind) {
    var grades = vocab.grades;
    var ls = lines(data, vocab);
    var n = numbers(data, vocab, baseKind);
    var b = data.ballots || {};
    var P = {};
    vocab.checks.forEach(function (c) { P[c.id] = []; });
    var vals = {}, ints = {};
    BALLOT_KEYS.forEach(function (k) {
      vals[k] = number(b[k]);
      if (isInt(vals[k]) && vals[k] <= vocab.max_count) ints[k] = vals[k];
      if (tooLarge(vals[k], vocab.max_count)) P["ballot-too-large"].push({ key: k, field: vocab.ballots[k], value: shown(b[k]) });
      else if (typeof vals[k] === "string") P["ballot-not-integer"].push({ key: k, field: vocab.ballots[k], value: shown(vals[k]) });
    });
    if ("issued" in ints && "returned" in ints && ints.returned > ints.issued) P["returned-over-issued"].push(merge(ints, { key: "returned" }));
    if ("returned" in ints && "valid" in ints && ints.valid > ints.returned) P["valid-over-returned"].push(merge(ints, { key: "valid" }));
    var vote = check(vocab, "probationary-marks").details.vote;
    var seen = {};
    ls.forEach(function (x) {
      var who = { name: x.name, row: x.row };
      x.values.forEach(function (v, gi) {
        if (tooLarge(v, vocab.max_count)) P["count-too-large"].push(merge(who, { grade: grades[gi], value: shown(x.raw[gi]) }));
        else if (typeof v === "string") P["count-not-integer"].push(merge(who, { grade: grades[gi], value: shown(v) }));
      });
      GRADE_FIELDS.forEach(function (f) {
        var value = x[f[0]];
        if (value && grades.indexOf(value) < 0) P["grade-unknown"].push(merge(who, { field: f[0], what: f[1], value: shown(value), grades: grades.join("、") }));
        if (value && x.probationary) P["probationary-grade"].push(merge(who, { field: f[0], what: f[1], grade: value }));
      });
      if (x.whole && !n.estimated && x.marks > n.valid) P["marks-over-valid"].push(merge(who, { marks: x.marks, valid: n.valid }));
      if (x.probationary && x.marks) {
        var votes = [];
        x.values.forEach(function (c, gi) { if (isInt(c) && c) votes.push(fill(vote, { grade: grades[gi], count: c })); });
        P["probationary-marks"].push(merge(who, { marks: x.marks, votes: votes.join("，") }));
      }
      var fr = x.probationary ? null : far(grades, x);
      if (fr) P["proposal-far-from-votes"].push(merge(merge(who, fr), { field: "proposal" }));
      if (Object.prototype.hasOwnProperty.call(seen, x.name)) P["duplicate-name"].push(merge(who, { first: seen[x.name] }));
      else seen[x.name] = x.row;
    });
    var formal = ls.filter(function (x) { return !x.probationary; });
    if (n.estimated && ls.length) P["valid-estimated"].push({ valid: n.valid });
    var validGiven = !n.estimated && isInt(number(b.valid));
    var entered = data.entered === undefined ? null : data.entered;
    if (entered !== null && validGiven && entered !== n.valid) P["entered-differs"].push({ entered: entered, valid: n.valid });
    var most = formal.reduce(function (a, x) { return Math.max(a, x.marks); }, 0);
    if (entered === null && validGiven && formal.length && formal.every(function (x) { return x.whole; }) && most < n.valid) {
      P["fewer-marks-than-valid"].push({ most: most, valid: n.valid });
    }
    var top = n.graded[grades[0]];
    if (top > n.figure.limit) P["too-many-excellent"].push({ basis: n.basis, grade: grades[0], count: top, limit: n.figure.limit, cap: n.figure.sentence });
    var missing = formal.filter(function (x) { return !x.proposal; });
    var nameT = check(vocab, "proposal-missing").details.name;
    if (missing.length && ls.some(function (x) { return x.proposal; })) {
      P["proposal-missing"].push({ count: missing.length, names: missing.map(function (x) { return fill(nameT, { name: x.name, row: x.row }); }).join("、") });
    }
    var diffs = secondDiffs(data, vocab, ls);
    if (diffs.length) P["second-differs"].push({ count: diffs.length, diffs: diffs.map(function (d) { return d.text; }).join("；") });
    var out = [];
    vocab.checks.forEach(function (c) {
      (P[c.id] || []).forEach(function (p) {
        out.push({ id: c.id, level: c.level, text: fill(c.message, p), row: p.row || 0, grade: p.grade, field: p.field, key: p.key });
      });
    });
    return { findings: out, numbers: n, diffs: diffs };
  }

  var api = { fill: fill, number: number, lines: lines, capFigure: capFigure, numbers: numbers, evaluate: evaluate, secondDiffs: secondDiffs };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.zzshhTallyCore = api;
})(this);
