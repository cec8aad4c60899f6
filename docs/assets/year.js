/* The year at hand: the unconfirmed-edition banner open once per visit, and the home page's
 * "本年度从这里开始" box, which reads today's date in the browser (offline and on file:// too).
 * Plain ES2017, no modules, no network requests.
 */
(function () {
  "use strict";

  function session(key, value) {
    /* sessionStorage may be missing or throw (privacy modes, some file:// setups): then the banner stays open. */
    try {
      if (value === undefined) {
        return window.sessionStorage.getItem(key);
      }
      window.sessionStorage.setItem(key, value);
    } catch (e) {
      return null;
    }
    return null;
  }

  /* Open on the first page of a visit, folded on the next ones; the reader's own folding is kept. */
  function banner() {
    var box = document.querySelector("details.edition-warning");
    if (!box) {
      return;
    }
    var key = "zzshh:warning:" + (box.getAttribute("data-year") || "");
    var seen = session(key);
    if (seen) {
      box.open = seen === "open";
    }
    session(key, seen || "folded");
    box.addEventListener("toggle", function () {
      session(key, box.open ? "open" : "folded");
    });
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function isoToday() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function cnDate(iso) {
    var p = iso.split("-");
    return Number(p[0]) + "年" + Number(p[1]) + "月" + Number(p[2]) + "日";
  }

  /* The box's date line: in the window, before it, or after it (then the newer edition, or how to go on). */
  function startBox() {
    var box = document.getElementById("hb-start");
    if (!box) {
      return;
    }
    var line = box.querySelector(".hb-start-today");
    var year = Number(box.getAttribute("data-year"));
    var begin = box.getAttribute("data-begin");
    var end = box.getAttribute("data-end");
    var years = JSON.parse(box.getAttribute("data-years") || "[]");
    var today = isoToday();
    var newer = years.filter(function (y) { return y > year; }).sort();
    var label = year + "年度";
    var text;
    var state;
    if (today > end) {
      state = "passed";
      if (newer.length) {
        var next = newer[newer.length - 1];
        text = "今天是" + cnDate(today) + "，" + label + "的会议时间（至" + cnDate(end) + "）已经过去。" +
          "请改用<a href=\"../" + next + "/index.html\">" + next + "年度的手册</a>。";
      } else {
        text = "今天是" + cnDate(today) + "，" + label + "的会议时间（至" + cnDate(end) + "）已经过去，" +
          (year + 1) + "年度的手册还没有发布。还没开完" + label + "会议的支部，按上级要求继续使用本版；" +
          "准备" + (year + 1) + "年度时，流程、规则和表格可以先用本版，主题、学习内容和时限等" + (year + 1) +
          "年度的通知下发后按通知填写（见<a href=\"new-year.html\">新年度怎样开始</a>）。";
      }
    } else if (today < begin) {
      state = "before";
      text = "今天是" + cnDate(today) + "，" + label + "的会议一般从" + cnDate(begin) + "开始，现在可以先做准备。";
    } else {
      state = "current";
      text = "今天是" + cnDate(today) + "，正是" + label + "组织生活会和民主评议党员的时间（至" + cnDate(end) + "）。";
    }
    box.setAttribute("data-state", state);
    line.innerHTML = text;
  }

  function init() {
    banner();
    startBox();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
