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
})(typeof window !== "undefined" ? window : globalThis);
