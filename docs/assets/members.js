/* The branch's member list (本支部名单), kept in this browser only (localStorage "zzshh:members").
   Reads a list pasted from Excel/WPS (tab-separated, with or without a header row) or a .csv/.xlsx file by
   the rules `handbook roster` uses (handbook/model/sheet_rules.json, embedded in the page at build time),
   with the same Chinese messages naming row and column. The forms and the 计票 page take the list from
   window.zzshhMembers.get(). No modules, no fetch: works from file://; also loads in node for the parity test. */
(function (root) {
  "use strict";

  var KEY = "zzshh:members";
  var CJK = "\u3400-\u9fff\uf900-\ufaff·";
  var PAD = new RegExp("(?<=[" + CJK + "])\\s+|\\s+(?=[" + CJK + "])", "g");
  var DOTS = /[・•‧∙⋅･.．]/g;

  function nfkc(s) { return String(s).normalize("NFKC"); }

  /* --- the rules (sheet.py's functions, same names) -------------------------------------------- */

  function normHeader(text) {
    var t = nfkc(text == null ? "" : text);
    t = t.replace(/[（(\[【].*?[）)\]】]/g, "");
    return t.replace(/[\s*＊:：/、]/g, "");
  }

  /* A cell as text; dates (from .xlsx) are kept as Date objects elsewhere. */
  function cellText(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return nfkc(Number.isInteger(v) ? String(v) : String(v)).trim();
    if (v instanceof Date) return v.toISOString();
    if (typeof v === "boolean") return v ? "True" : "False";
    return String(v).trim();
  }

  function blank(row) { return !row.some(function (c) { return cellText(c); }); }

  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function compile(rules) {
    var aliasesOf = function (kind) {
      var out = {};
      Object.keys(rules[kind].columns).forEach(function (canon) {
        rules[kind].columns[canon].forEach(function (a) { out[normHeader(a)] = canon; });
      });
      return out;
    };
    return {
      rules: rules,
      summary: new RegExp("^(" + rules.summary_words.map(escapeRe).join("|") + ")" + rules.summary_follow),
      roster: aliasesOf("roster")
    };
  }

  function summaryText(c, row) {
    var texts = row.map(cellText).filter(Boolean);
    if (texts.length && c.summary.test(texts[0].replace(/\s/g, ""))) return texts.join(" ").slice(0, 30);
    return null;
  }

  function yesNo(c, text) {
    var t = text.trim().toLowerCase();
    if (c.rules.yes.indexOf(t) >= 0) return true;
    if (c.rules.no.indexOf(t) >= 0) return false;
    throw new Error("应填“是”或“否”，不是“" + text + "”");
  }

  function oneOf(table, text) {
    var t = text.replace(/\s/g, "");
    return Object.keys(table).filter(function (k) { return table[k].indexOf(t) >= 0; })[0] || null;
  }

  function category(c, text) {
    if (!text.replace(/\s/g, "")) throw new Error("党员类别为空（应为“正式党员”或“预备党员”）");
    var found = oneOf(c.rules.categories, text);
    if (found) return found;
    throw new Error("未知的党员类别“" + text + "”（应为“正式党员”或“预备党员”）");
  }

  function gender(c, text) {
    if (!text.trim()) return null;
    var found = oneOf(c.rules.genders, text);
    if (found) return found;
    throw new Error("性别应为“男”或“女”，不是“" + text + "”");
  }

  function cleanName(text) {
    var name = text.replace(/\u3000/g, " ").replace(/\s+/g, " ").trim();
    if (/[\u3400-\u9fff]/.test(name)) name = name.replace(DOTS, "·");
    return name.replace(PAD, "");
  }

  /* --- dates, as roster.parse_day --------------------------------------------------------------- */

  function pad2(n) { return (n < 10 ? "0" : "") + n; }
  function dayText(d) { return d.y + "." + pad2(d.m) + (d.d ? "." + pad2(d.d) : ""); }
  function cn(d) { return d.y + "年" + d.m + "月" + (d.d ? d.d + "日" : ""); }
  function dayKey(d) { return d.y * 10000 + d.m * 100 + (d.d || 0); }

  function checked(y, m, d, today) {
    if (!(y >= 1900 && y <= today.getFullYear())) throw new Error("年份 " + y + " 不可能");
    if (!(m >= 1 && m <= 12)) throw new Error(y + "年" + m + "月不存在（月份应为1—12）");
    if (d !== null) {
      var t = new Date(Date.UTC(y, m - 1, d));
      if (t.getUTCMonth() !== m - 1 || d < 1) throw new Error(y + "年" + m + "月" + d + "日不存在");
    }
    var out = { y: y, m: m, d: d };
    var now = today.getFullYear() * 10000 + (today.getMonth() + 1) * 100 + today.getDate();
    if (dayKey(out) > now) throw new Error(cn(out) + "晚于今天");
    return out;
  }

  var DATE_RE = /^(\d{4})\s*(?:[.\-/年]\s*(\d{1,2})\s*(?:[.\-/月]\s*(?:(\d{1,2})\s*日?)?)?)?$/;

  function parseDay(v, today) {
    if (v instanceof Date) {
      // .xlsx dates arrive as UTC midnight of the day the sheet shows.
      return checked(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate(), today);
    }
    if (typeof v === "number" && !Number.isInteger(v)) {
      // Excel turns a typed 1980.10 into the number 1980.1, so two decimals are the month.
      var year = Math.trunc(v);
      return checked(year, Math.round((v - year) * 100), null, today);
    }
    var text = nfkc(cellText(v)).replace(/ /g, "");
    if (/^\d{6}$/.test(text)) return checked(+text.slice(0, 4), +text.slice(4), null, today);
    if (/^\d{8}$/.test(text)) return checked(+text.slice(0, 4), +text.slice(4, 6), +text.slice(6), today);
    if (/^\d{5}$/.test(text)) {
      // An Excel serial day number that lost its date format on the way to CSV.
      return parseDay(new Date(Date.UTC(1899, 11, 30) + Number(text) * 86400000), today);
    }
    var m = DATE_RE.exec(text);
    if (!m || !m[2]) throw new Error("看不懂的日期“" + text + "”（可写成 1980.05、1980-05、1980年5月 或 1980/5/1）");
    return checked(+m[1], +m[2], m[3] ? +m[3] : null, today);
  }

  /* --- text to rows ----------------------------------------------------------------------------- */

  /* Delimited text as rows; the delimiter is tab (a spreadsheet copy), else the most common of , ; ，. */
  function textRows(text) {
    text = text.replace(/^\ufeff/, "");
    var sample = text.slice(0, 4096);
    var delim = "\t";
    if (sample.indexOf("\t") < 0) {
      var best = -1;
      [",", ";", "，"].forEach(function (d) {
        var n = sample.split(d).length;
        if (n > best) { best = n; delim = d; }
      });
    }
    var rows = [];
    var row = [];
    var cell = "";
    var quoted = false;
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"' && cell === "") {
        quoted = true;
      } else if (ch === delim) {
        row.push(cell); cell = "";
      } else if (ch === "\n" || ch === "\r") {
        if (ch === "\r" && text[i + 1] === "\n") i++;
        row.push(cell); rows.push(row); row = []; cell = "";
      } else {
        cell += ch;
      }
    }
    if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
    return rows;
  }

  /* Bytes of a CSV as text: UTF-8 (with or without BOM) first, then GB18030 (covers GBK). */
  function decode(bytes) {
    var bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    try {
      return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: bom ? "UTF-8（带 BOM）" : "UTF-8" };
    } catch (e) { /* not UTF-8 */ }
    try {
      return { text: new TextDecoder("gb18030", { fatal: true }).decode(bytes), encoding: "GB18030/GBK" };
    } catch (e) {
      var hint = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)
        ? "这像是 UTF-16（Excel 的“Unicode 文本”）；" : "";
      throw problem("文件编码既不是 UTF-8 也不是 GB18030/GBK。" + hint +
        "请在 Excel 或 WPS 中“另存为”CSV UTF-8 或 Excel 工作簿（.xlsx）", null, "（编码）");
    }
  }

  /* A file's rows (a Promise): .xlsx through the vendored read-excel-file (`readXlsx`), .csv/.txt decoded;
     {rows, encoding}, or a rejected problem naming the file type. */
  function fileRows(name, bytes, readXlsx) {
    var lower = name.toLowerCase();
    if (/\.(xlsx|xlsm)$/.test(lower)) {
      return readXlsx(new Blob([bytes])).then(function (sheets) {
        return { rows: sheets[0] ? sheets[0].data : [], encoding: null };
      }, function (e) {
        throw problem("无法作为 Excel 工作簿（.xlsx）打开：" + (e && e.message ? e.message : e), null, null);
      });
    }
    return new Promise(function (resolve) {
      if (/\.xls$/.test(lower)) throw problem("不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV", null, null);
      if (!/\.(csv|txt|tsv)$/.test(lower)) {
        throw problem("不支持的文件类型“" + (lower.match(/\.[^.]*$/) || [""])[0] + "”，请使用 .csv 或 .xlsx", null, null);
      }
      var d = decode(bytes);
      resolve({ rows: textRows(d.text), encoding: d.encoding });
    });
  }

  /* --- rows to members, as roster.read_roster ---------------------------------------------------- */

  function problem(message, row, column) {
    var where = [row ? "第" + row + "行" : "", column ? "“" + column + "”列" : ""].filter(Boolean).join("，");
    return { row: row || null, column: column || null, message: message, text: (where ? where + "：" : "") + message };
  }

  function found(row) { return row.map(cellText).filter(Boolean).join("、") || "（空）"; }

  function findHeader(c, rows) {
    var depth = Math.min(rows.length, c.rules.header_search_rows);
    for (var i = 0; i < depth; i++) {
      if (rows[i].some(function (x) { return x != null && c.roster[normHeader(x)] === c.rules.roster.key; })) return i;
    }
    return -1;
  }

  function headerIndex(c, row) {
    var index = {};
    var ignored = [];
    row.forEach(function (cell, j) {
      var canon = cell != null ? c.roster[normHeader(cell)] : undefined;
      if (canon && !(canon in index)) index[canon] = j;
      else if (cellText(cell)) ignored.push(cellText(cell));
    });
    return { index: index, ignored: ignored };
  }

  /* A paste without a header row: columns judged by their content, told to the user. */
  function guessIndex(c, rows) {
    var width = Math.max.apply(null, rows.map(function (r) { return r.length; }));
    var index = {};
    var dates = [];
    for (var j = 0; j < width; j++) {
      var vals = rows.map(function (r) { return cellText(r[j]); }).filter(Boolean);
      if (!vals.length) continue;
      var all = function (test) { return vals.every(test); };
      if (!("党员类别" in index) && all(function (v) { return oneOf(c.rules.categories, v); })) index["党员类别"] = j;
      else if (!("性别" in index) && all(function (v) { return oneOf(c.rules.genders, v); })) index["性别"] = j;
      else if (all(function (v) { return /^\d{4}\s*([.\-/年]\s*\d{1,2}.*)?$|^\d{5,8}$/.test(v) && !/^\d{1,3}$/.test(v); })) dates.push(j);
      else if (!("党小组" in index) && all(function (v) { return /小组$/.test(v); })) index["党小组"] = j;
      else if (!("民族" in index) && all(function (v) { return /族$/.test(v); })) index["民族"] = j;
      else if (!("姓名" in index) && all(function (v) { return /^[\u3400-\u9fff·・.\s\u3000]{2,}$/.test(v); })) index["姓名"] = j;
    }
    if (dates.length) index["出生年月"] = dates[0];
    if (dates.length > 1) index["入党时间"] = dates[1];
    return index;
  }

  function trailing(c, body, firstRow) {
    var end = body.length;
    var skipped = [];
    while (end > 0) {
      var row = body[end - 1];
      if (blank(row)) { end--; continue; }
      var text = summaryText(c, row);
      if (text === null) break;
      skipped.unshift("第" + (firstRow + end - 1) + "行（" + text + "）");
      end--;
    }
    return { end: end, skipped: skipped };
  }

  function member(c, row, i, index, errors, today) {
    var cells = {};
    Object.keys(index).forEach(function (col) { cells[col] = index[col] < row.length ? row[index[col]] : null; });
    function text(col) { return cellText(cells[col]); }
    function get(col, convert) {
      try {
        if (col === "出生年月" || col === "入党时间") return text(col) ? convert(cells[col]) : null;
        return convert(text(col));
      } catch (e) {
        errors.push(problem(e.message, i, col));
        return null;
      }
    }
    var name = cleanName(text("姓名"));
    if (!name) errors.push(problem("姓名为空", i, "姓名"));
    var cat = "党员类别" in index ? get("党员类别", function (t) { return category(c, t); }) : "正式党员";
    var birth = get("出生年月", function (v) { return parseDay(v, today); });
    var joined = get("入党时间", function (v) { return parseDay(v, today); });
    if (birth && joined && dayKey(joined) < dayKey(birth)) {
      errors.push(problem("入党时间 " + cn(joined) + " 早于出生年月 " + cn(birth), i, "入党时间"));
    }
    var remarks = text("备注").replace(/\s+/g, " ") || null;
    var post = text("支部职务").replace(/\s/g, "") || null;
    var committee = null;
    if ("支委" in index) committee = get("支委", function (t) { return yesNo(c, t); });
    else if ("支部职务" in index) committee = post !== null;
    var yn = function (col) { return !!get(col, function (t) { return yesNo(c, t); }); };
    var mobile = yn("流动党员") || (remarks || "").indexOf("流动党员") >= 0;
    return {
      name: name,
      category: cat || "正式党员",
      gender: get("性别", function (t) { return gender(c, t); }),
      ethnicity: text("民族").replace(/\s/g, "") || null,
      education: text("学历").replace(/\s/g, "") || null,
      birth: birth ? dayText(birth) : null,
      joined: joined ? dayText(joined) : null,
      group: text("党小组") || null,
      position: text("职务") || null,
      mobile: mobile,
      leader: yn("领导干部"),
      committee: committee,
      committee_post: post,
      remarks: remarks,
      row: i,
      on_probation: yn("留党察看")
    };
  }

  /* Rows (cell values) to {members, notices, errors, columns}; `pasted` allows a list without a header. */
  function readRows(rules, rows, options) {
    options = options || {};
    var c = compile(rules);
    var today = options.today || new Date();
    var at = findHeader(c, rows);
    var index;
    var notices = [];
    var ignored = [];
    if (at < 0) {
      var first = rows.filter(function (r) { return !blank(r); })[0] || [];
      index = options.pasted ? guessIndex(c, rows.filter(function (r) { return !blank(r) && summaryText(c, r) === null; })) : null;
      if (!index || !("姓名" in index)) {
        return { members: [], notices: [], errors: [problem("缺少必需的列“姓名”。找到的列：" + found(first), 1, "姓名")] };
      }
      var names = Object.keys(index).sort(function (a, b) { return index[a] - index[b]; })
        .map(function (k) { return "第" + (index[k] + 1) + "列为“" + k + "”"; });
      notices.push("粘贴的名单没有表头，按内容判断：" + names.join("，") + "。请核对；最好连同表头一起复制。");
      if (!("党员类别" in index)) notices.push("名单中没有“党员类别”，全部按正式党员读取；有预备党员的，请连同“党员类别”列一起复制。");
    } else {
      var head = headerIndex(c, rows[at]);
      index = head.index;
      ignored = head.ignored;
      var missing = rules.roster.required.filter(function (k) { return !(k in index); });
      if (missing.length) {
        return { members: [], notices: [], errors: [problem("缺少必需的列“" + missing.join("”“") + "”。找到的列：" + found(rows[at]), at + 1, missing[0])] };
      }
    }
    var headerRow = at + 1; // 0 when there is no header: the first row is row 1
    var body = rows.slice(at + 1);
    var tail = trailing(c, body, headerRow + 1);
    var errors = [];
    var members = [];
    for (var k = 0; k < tail.end; k++) {
      var row = body[k];
      var i = headerRow + 1 + k;
      if (blank(row)) continue;
      var t = summaryText(c, row);
      if (t !== null) {
        errors.push(problem("这一行像是汇总或说明行（" + t + "），但下面还有党员；请删除它或移到名册末尾", i, "姓名"));
        continue;
      }
      members.push(member(c, row, i, index, errors, today));
    }
    if (!errors.length && !members.length) {
      errors.push(problem("名册中没有党员（表头下面没有数据行）", headerRow + 1, "姓名"));
    }
    if (tail.skipped.length) notices.push("已跳过名册末尾的汇总或说明行：" + tail.skipped.join("；"));
    var counts = {};
    members.forEach(function (m) { counts[m.name] = (counts[m.name] || 0) + 1; });
    Object.keys(counts).forEach(function (name) {
      if (counts[name] > 1) {
        var rowsOf = members.filter(function (m) { return m.name === name; }).map(function (m) { return m.row; });
        notices.push("有 " + counts[name] + " 名党员同名“" + name + "”（第" + rowsOf.join("、") + "行）；" +
          "名单和测评表中会在姓名后注明党小组和出生年月以示区分，请确认不是重复录入");
      }
    });
    return { members: errors.length ? [] : members, notices: notices, errors: errors, ignored: ignored };
  }

  /* --- storage and the page ---------------------------------------------------------------------- */

  var listeners = [];

  function get() {
    try {
      var raw = root.localStorage && root.localStorage.getItem(KEY);
      var data = raw ? JSON.parse(raw) : null;
      return data && Array.isArray(data.members) && data.members.length ? data.members : null;
    } catch (e) {
      return null;
    }
  }

  function stored() {
    try {
      var raw = root.localStorage.getItem(KEY);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null;
    }
  }

  function save(members, source) {
    root.localStorage.setItem(KEY, JSON.stringify({ version: 1, source: source, members: members }));
    listeners.forEach(function (f) { f(members); });
  }

  /* Removes every key this site stored in this browser (zzshh:…): the list, forms, tallies. */
  function clearAll() {
    var keys = [];
    for (var i = 0; i < root.localStorage.length; i++) {
      var k = root.localStorage.key(i);
      if (k && k.indexOf("zzshh:") === 0) keys.push(k);
    }
    keys.forEach(function (k) { root.localStorage.removeItem(k); });
    listeners.forEach(function (f) { f(null); });
    return keys.length;
  }

  /* A name per member that tells namesakes apart (as roster.labels): name plus 党小组 and 出生年月. */
  function labels(members) {
    var counts = {};
    members.forEach(function (m) { counts[m.name] = (counts[m.name] || 0) + 1; });
    return members.map(function (m) {
      if (counts[m.name] < 2) return m.name;
      var birth = m.birth ? m.birth.split(".") : null;
      var parts = [m.group, birth ? cn({ y: +birth[0], m: +birth[1], d: birth[2] ? +birth[2] : null }) : null].filter(Boolean);
      return m.name + "（" + (parts.join("，") || "名册第" + m.row + "行") + "）";
    });
  }

  /* The 支委 rank of a member: 0 书记, 1 副书记, 2 委员, or null (as talks.committee_rank; the 支委/支部职务
     columns decide when the list has one, else a 职务 naming a 支部委员会 post exactly). */
  function committeeRank(rules, m) {
    var split = new RegExp(rules.committee_split);
    var rankOf = function (post) {
      var ranks = (post || "").split(split).filter(function (p) { return p in rules.committee_posts; })
        .map(function (p) { return rules.committee_posts[p]; });
      return ranks.length ? Math.min.apply(null, ranks) : null;
    };
    if (m.committee === true) { var r = rankOf(m.committee_post); return r === null ? 2 : r; }
    if (m.committee === false) return null;
    return rankOf(m.position);
  }


  /* --- the 本支部名单 page ----------------------------------------------------------------------- */

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function counts(members) {
    var full = members.filter(function (m) { return m.category !== "预备党员"; });
    return {
      all: members.length,
      full: full.length,
      probationary: members.length - full.length,
      voting: full.filter(function (m) { return !m.on_probation; }).length
    };
  }

  function showList(page) {
    var data = stored();
    var list = data && data.members ? data.members : [];
    var body = page.querySelector(".zm-table tbody");
    body.textContent = "";
    var names = labels(list);
    list.forEach(function (m, i) {
      var tr = el("tr");
      var rank = m.committee_rank === undefined ? committeeRank(page.zmRules, m) : m.committee_rank;
      [String(i + 1), names[i], m.category, m.group || "", rank === null ? "" : (m.committee_post || "是"),
        m.mobile ? "是" : "", m.on_probation ? "是" : ""].forEach(function (t, j) {
        tr.appendChild(el(j === 1 ? "th" : "td", "", t));
      });
      body.appendChild(tr);
    });
    page.querySelector(".zm-empty").hidden = list.length > 0;
    page.querySelector(".zm-table-wrap").hidden = list.length === 0;
    var c = counts(list);
    page.querySelector(".zm-summary").textContent = list.length
      ? "共 " + c.all + " 名党员：正式党员 " + c.full + " 名，预备党员 " + c.probationary + " 名；有表决权的党员 " +
        c.voting + " 名（正式党员中不在留党察看期间的）。" + (data.source ? "来自：" + data.source + "。" : "")
      : "";
  }

  function report(page, result, source, encoding) {
    var box = page.querySelector(".zm-status");
    box.textContent = "";
    if (result.errors.length) {
      box.appendChild(el("p", "zm-problem", (source ? source + "：" : "") + "名单有下列问题，未保存（原来保存的名单不变）："));
      var ul = el("ul", "zm-errors");
      result.errors.forEach(function (e) { ul.appendChild(el("li", "", e.text)); });
      box.appendChild(ul);
      return;
    }
    result.members.forEach(function (m) { m.committee_rank = committeeRank(page.zmRules, m); });
    try {
      save(result.members, source);
    } catch (e) {
      box.appendChild(el("p", "zm-problem", "浏览器不允许在本机保存，名单未保存。"));
      return;
    }
    box.appendChild(el("p", "zm-ok", "已读取并保存 " + result.members.length + " 名党员" +
      (encoding ? "（编码 " + encoding + "）" : "") + "。"));
    result.notices.forEach(function (n) { box.appendChild(el("p", "zm-notice", n)); });
    showList(page);
  }

  function initPage(page) {
    if (page.getAttribute("data-zm-ready")) return;
    page.setAttribute("data-zm-ready", "1");
    var rules = JSON.parse(page.querySelector(".zm-rules").textContent);
    page.zmRules = rules;
    page.querySelector(".zm-read").addEventListener("click", function () {
      var text = page.querySelector(".zm-paste").value;
      if (!text.trim()) {
        report(page, { errors: [problem("请先粘贴名单", null, null)] }, "粘贴的名单");
        return;
      }
      report(page, readRows(rules, textRows(text), { pasted: true }), "粘贴的名单");
    });
    var input = page.querySelector(".zm-open");
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () {
        fileRows(file.name, new Uint8Array(reader.result), root.readXlsxFile).then(function (got) {
          report(page, readRows(rules, got.rows), file.name, got.encoding);
        }, function (p) {
          report(page, { errors: [p && p.text ? p : problem(String(p), null, null)] }, file.name);
        });
        input.value = "";
      };
      reader.onerror = function () { report(page, { errors: [problem("无法读取文件", null, null)] }, file.name); };
      reader.readAsArrayBuffer(file);
    });
    page.querySelector(".zm-clear-all").addEventListener("click", function () {
      if (!root.confirm("清除本手册在这台电脑上保存的全部内容（名单、各表格填写的内容、计票结果）？此操作不能撤销。")) return;
      var n = clearAll();
      var box = page.querySelector(".zm-status");
      box.textContent = "";
      box.appendChild(el("p", "zm-ok", "已清除本手册在这台电脑上保存的全部内容（" + n + " 项）。"));
      showList(page);
    });
    showList(page);
  }

  /* --- forms that take the list ------------------------------------------------------------------ */

  function rowName(i) { return "r" + (i < 10 ? "0" : "") + i; }

  /* A table row renamed from one row number to another (names, ids, labels, the 序号 cell). */
  function renumber(tr, from, to) {
    var a = rowName(from) + "_";
    var b = rowName(to) + "_";
    Array.prototype.forEach.call(tr.querySelectorAll("[name],[id],[for],[aria-label]"), function (x) {
      ["name", "id", "for"].forEach(function (attr) {
        var v = x.getAttribute(attr);
        if (v && v.indexOf(a) >= 0) x.setAttribute(attr, v.replace(a, b));
      });
      var label = x.getAttribute("aria-label");
      if (label) x.setAttribute("aria-label", label.replace("第" + from + "行", "第" + to + "行"));
    });
    var no = tr.querySelector("td.zf-no");
    if (no && !no.querySelector("input")) no.textContent = String(to);
  }

  /* At least n rows in a form's table (copies of its first row, blank). */
  function ensureRows(table, n) {
    var body = table.tBodies[0];
    var have = body.rows.length;
    for (var i = have + 1; i <= n; i++) {
      var tr = body.rows[0].cloneNode(true);
      Array.prototype.forEach.call(tr.querySelectorAll("input, textarea"), function (x) {
        if (x.type === "radio" || x.type === "checkbox") { x.checked = false; x.defaultChecked = false; }
        else { x.value = ""; x.defaultValue = ""; }
      });
      renumber(tr, 1, i);
      body.appendChild(tr);
    }
  }

  function setField(form, name, value) {
    var x = form.elements[name];
    if (x && "value" in x) x.value = value;
  }

  function hasSaved(zf) {
    try {
      var key = "zzshh:" + zf.getAttribute("data-year") + ":form:" + zf.getAttribute("data-form-id");
      return root.localStorage.getItem(key) !== null;
    } catch (e) {
      return false;
    }
  }

  /* The 本支部名单 page, from this script's own address (assets/members.js), so it works at any depth. */
  var HOME = typeof document !== "undefined" && document.currentScript && document.currentScript.src
    ? new URL("../branch.html", document.currentScript.src).href : "";

  /* A bar above the form: "本支部名单" (a link to the list page), then `text`. */
  function bar(zf, text) {
    var b = el("div", "zm-bar");
    b.setAttribute("role", "group");
    b.setAttribute("aria-label", "本支部名单");
    var p = el("p", "zm-bar-text");
    var a = el("a", "", "本支部名单");
    a.href = HOME || "#";
    p.appendChild(a);
    p.appendChild(document.createTextNode(text));
    b.appendChild(p);
    zf.insertBefore(b, zf.firstChild);
    return b;
  }

  function button(parent, text, onClick) {
    var x = el("button", "md-button zm-bar-button", text);
    x.type = "button";
    x.addEventListener("click", onClick);
    parent.appendChild(x);
    return x;
  }

  /* Sign-in rows: name (as on the ballot), 党小组, 类别; signature and reason stay for the meeting. */
  function fillSignin(zf, people, all) {
    var form = zf.querySelector("form.zf-form");
    var table = form.querySelector("table.zf-table");
    ensureRows(table, people.length);
    var names = labels(all);
    var at = function (m) { return all.indexOf(m); };
    Array.prototype.forEach.call(table.tBodies[0].rows, function (_, k) {
      var m = people[k];
      var r = rowName(k + 1);
      setField(form, r + "_name", m ? names[at(m)] : "");
      setField(form, r + "_group", m ? m.group || "" : "");
      setField(form, r + "_category", m ? m.category : "");
    });
  }

  /* The 支委 in order (书记, 副书记, 委员): the rank was worked out by the rules when the list was read. */
  function committeeOf(list) {
    return list.filter(function (m) { return m.committee_rank !== null && m.committee_rank !== undefined; })
      .map(function (m, i) { return { m: m, k: m.committee_rank * 10000 + i }; })
      .sort(function (a, b) { return a.k - b.k; }).map(function (x) { return x.m; });
  }

  function groupsOf(list) {
    var out = {};
    var order = [];
    list.forEach(function (m) {
      if (!m.group) return;
      if (!out[m.group]) { out[m.group] = []; order.push(m.group); }
      out[m.group].push(m);
    });
    return order.map(function (g) { return { name: g, people: out[g] }; });
  }

  function fillGeneral(zf, list) {
    var form = zf.querySelector("form.zf-form");
    fillSignin(zf, list, list);
    var c = counts(list);
    setField(form, "expected_full", String(c.full));
    setField(form, "expected_probationary", String(c.probationary));
  }

  function fillCommittee(zf, list) {
    var board = committeeOf(list);
    fillSignin(zf, board, list);
    setField(zf.querySelector("form.zf-form"), "attendance_expected", board.length ? String(board.length) : "");
  }

  function fillGroup(zf, list, group) {
    fillSignin(zf, group.people, list);
    var form = zf.querySelector("form.zf-form");
    setField(form, "group_name", group.name);
    setField(form, "attendance_expected", String(group.people.length));
  }

  /* For print: one copy of the sheet per 党小组, then the page's own sheet is hidden (print CSS). */
  function printGroups(zf, list) {
    var groups = groupsOf(list);
    var holder = el("div", "zm-copies");
    groups.forEach(function (g) {
      var copy = zf.cloneNode(true);
      copy.removeAttribute("data-form-id");
      copy.classList.add("zm-copy");
      Array.prototype.forEach.call(copy.querySelectorAll(".zf-toolbar, .zm-bar"), function (x) { x.remove(); });
      Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (x) { x.removeAttribute("id"); });
      holder.appendChild(copy);
      fillGroup(copy, list, g);
    });
    zf.parentNode.insertBefore(holder, zf.nextSibling);
    document.documentElement.classList.add("zm-printing-copies");
    var done = function () {
      document.documentElement.classList.remove("zm-printing-copies");
      holder.remove();
      root.removeEventListener("afterprint", done);
    };
    root.addEventListener("afterprint", done);
    root.print();
  }

  /* The ballot: one row per member (any number), names printed, 预备党员 rows say 不评定等次. */
  function ballotRows(zf, list) {
    var table = zf.querySelector("table.zf-ballot");
    var body = table.tBodies[0];
    var first = body.rows[0];
    var names = labels(list);
    var ticks = first.querySelectorAll("td.zf-tick").length;
    var rows = list.map(function (m, k) {
      var tr = first.cloneNode(true);
      renumber(tr, 1, k + 1);
      Array.prototype.forEach.call(tr.querySelectorAll("input"), function (x) {
        if (x.type === "radio") { x.checked = false; x.defaultChecked = false; }
        else { x.value = ""; x.defaultValue = ""; }
        var label = x.getAttribute("aria-label");
        if (label) x.setAttribute("aria-label", label.replace("第" + (k + 1) + "行", names[k]));
      });
      var cell = tr.querySelector(".zf-name");
      var th = el("th", "zf-name", names[k]);
      th.scope = "row";
      if (m.category === "预备党员") th.appendChild(el("span", "zf-tag", "（预备党员）"));
      cell.parentNode.replaceChild(th, cell);
      if (m.category === "预备党员") {
        var cells = tr.querySelectorAll("td.zf-tick");
        var na = el("td", "zf-na", "不评定等次");
        na.colSpan = ticks;
        cells[0].parentNode.insertBefore(na, cells[0]);
        Array.prototype.forEach.call(cells, function (x) { x.remove(); });
      }
      return tr;
    });
    body.textContent = "";
    rows.forEach(function (tr) { body.appendChild(tr); });
    capFigure(zf, list);
  }

  /* The ballot's ⅓ reference for this list, worked out as Common.cap_figure does (tally-core.js), in the
     register's span where the blank figure was. */
  function capFigure(zf, list) {
    var p = zf.querySelector(".zf-cap[data-cap]");
    var span = p && p.querySelector('.hb-rule[data-rule="excellent-cap"]');
    var core = window.zzshhTallyCore;
    if (!span || !core) return;
    var data = JSON.parse(p.getAttribute("data-cap"));
    var c = counts(list);
    span.textContent = core.capFigure(data, data.base, c.all, c.full).figure;
  }

  function initForm(zf) {
    var id = zf.getAttribute("data-form-id");
    var uses = ["member-ballot", "sign-in-general", "sign-in-committee", "sign-in-group", "member-register"];
    if (uses.indexOf(id) < 0 || zf.getAttribute("data-zm-ready")) return;
    zf.setAttribute("data-zm-ready", "1");
    var list = get();
    if (!list) {
      bar(zf, "：在该页输入一次名单后，本表按名单填好姓名（名单只保存在这台电脑上）");
      return;
    }
    var c = counts(list);
    var text = "：" + c.all + " 名党员";
    if (id === "member-ballot") {
      ballotRows(zf, list);
      bar(zf, text + "，测评表按名单列出每名党员（共 " + list.length + " 行）");
    } else if (id === "sign-in-general") {
      var b1 = bar(zf, text + "，签到表按名单填入全体党员");
      if (!hasSaved(zf)) fillGeneral(zf, list); else ensureRows(zf.querySelector("table.zf-table"), list.length);
      button(b1, "按名单重新填入", function () { fillGeneral(zf, list); zf.querySelector("form").dispatchEvent(new Event("input")); });
    } else if (id === "sign-in-committee") {
      var board = committeeOf(list);
      var b2 = bar(zf, text + "，其中支委 " + board.length + " 名，签到表按名单填入支委");
      if (!hasSaved(zf)) fillCommittee(zf, list); else ensureRows(zf.querySelector("table.zf-table"), board.length);
      button(b2, "按名单重新填入", function () { fillCommittee(zf, list); zf.querySelector("form").dispatchEvent(new Event("input")); });
    } else if (id === "sign-in-group") {
      var groups = groupsOf(list);
      var b3 = bar(zf, text + "，" + (groups.length ? "分 " + groups.length + " 个党小组，每个党小组一张签到表" : "名单中没有党小组"));
      if (!groups.length) return;
      var most = Math.max.apply(null, groups.map(function (g) { return g.people.length; }));
      ensureRows(zf.querySelector("table.zf-table"), most);
      var pick = el("select", "zm-group");
      pick.setAttribute("aria-label", "党小组");
      groups.forEach(function (g, i) { var o = el("option", "", g.name + "（" + g.people.length + "人）"); o.value = String(i); pick.appendChild(o); });
      b3.appendChild(pick);
      button(b3, "按此党小组填入", function () { fillGroup(zf, list, groups[+pick.value]); zf.querySelector("form").dispatchEvent(new Event("input")); });
      button(b3, "打印全部党小组（每组一张）", function () { printGroups(zf, list); });
      if (!hasSaved(zf)) fillGroup(zf, list, groups[0]);
    } else if (id === "member-register") {
      initRegister(zf, list, text);
    }
  }

  /* The 登记表: one record per member (stored under the member's name); pick the member to fill. */
  function initRegister(zf, list, text) {
    var names = labels(list);
    var b = bar(zf, text + "，每名党员一张登记表，分别保存。选择党员：");
    var pick = el("select", "zm-member");
    pick.setAttribute("aria-label", "党员");
    list.forEach(function (m, i) { var o = el("option", "", names[i]); o.value = String(i); pick.appendChild(o); });
    b.appendChild(pick);
    var input = zf.querySelector(".zf-import");
    if (input) input.multiple = true;
    var form = zf.querySelector("form.zf-form");
    var prefill = function () {
      var m = list[+pick.value];
      var put = function (name, value) {
        var x = form.elements[name];
        if (x && "value" in x && !x.value && value) x.value = value;
      };
      put("name", m.name);
      put("gender", m.gender);
      put("ethnicity", m.ethnicity);
      put("education", m.education);
      put("category", m.category);
      put("position", m.position);
      var day = function (prefix, d) {
        if (!d) return;
        var p = d.split(".");
        put(prefix + "_y", p[0]);
        put(prefix + "_m", String(+p[1]));
        if (p[2]) put(prefix + "_d", String(+p[2]));
      };
      day("birth", m.birth);
      day("joined", m.joined);
    };
    var show = function () {
      zf.setAttribute("data-member", names[+pick.value]);
      if (typeof zf.zfReload === "function") zf.zfReload();
      prefill();
    };
    pick.addEventListener("change", show);
    zf.setAttribute("data-member", names[0]);
    root.setTimeout(prefill, 0);
  }

  function initAll() {
    var page = document.querySelector(".zm");
    if (page) initPage(page);
    Array.prototype.forEach.call(document.querySelectorAll(".zf-web[data-form-id]"), initForm);
  }

  var api = {
    KEY: KEY,
    readRows: readRows,
    textRows: textRows,
    decode: decode,
    fileRows: fileRows,
    labels: labels,
    committeeRank: committeeRank,
    get: get,
    stored: stored,
    save: save,
    clearAll: clearAll,
    /* f(members or null) after the list is saved or cleared in this page. */
    onChange: function (f) { listeners.push(f); }
  };
  root.zzshhMembers = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (typeof document !== "undefined") {
    // Before forms.js (listed after this script), so rows added here exist when it restores saved values.
    if (root.document$ && typeof root.document$.subscribe === "function") root.document$.subscribe(initAll);
    else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
    else initAll();
  }
})(typeof window !== "undefined" ? window : globalThis);
