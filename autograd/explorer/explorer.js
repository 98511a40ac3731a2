// chainrule's explorer: select a node to light its chain-rule paths, step through backward.
(function () {
  "use strict";
  var MAX_LISTED = 50; // paths listed for one node; the rest are counted
  var data = JSON.parse(document.getElementById("explorer-data").textContent);
  var current = null, selected = null, done = 0, timer = null;
  var index = {}; // view -> DOT name -> [elements]

  function $(id) { return document.getElementById(id); }
  function view() { return data.views[current]; }
  function pane(name) { return $(name + "-view"); }

  Object.keys(data.views).forEach(function (name) {
    var found = index[name] = {};
    pane(name).querySelectorAll("[data-el]").forEach(function (el) {
      var key = el.getAttribute("data-el");
      (found[key] = found[key] || []).push(el);
    });
  });

  function els(key) { return index[current][key] || []; }
  function fmt(x) { return Number(x.toPrecision(4)).toString(); }

  // How many paths lead from each node up to the output (0: none).
  function counter() {
    var memo = {}, v = view();
    function count(key) {
      if (key === v.output) return 1;
      if (key in memo) return memo[key];
      memo[key] = 0;
      var n = 0;
      (v.up[key] || []).forEach(function (e) { n += count(e[0]); });
      return (memo[key] = n);
    }
    return count;
  }

  function paths(key, count) {
    var found = [], v = view();
    function walk(node, keys, factors) {
      if (found.length >= MAX_LISTED) return;
      if (node === v.output) { found.push({ keys: keys.slice(), factors: factors.slice() }); return; }
      (v.up[node] || []).forEach(function (e) {
        if (!count(e[0])) return;
        keys.push(e[0]); factors.push(e[2]);
        walk(e[0], keys, factors);
        keys.pop(); factors.pop();
      });
    }
    walk(key, [key], []);
    return found;
  }

  function light(key, count) {
    var seen = {}, stack = [key], v = view();
    while (stack.length) {
      var node = stack.pop();
      if (seen[node]) continue;
      seen[node] = true;
      els(node).forEach(function (el) { el.classList.add("lit"); });
      (v.up[node] || []).forEach(function (e) {
        if (!count(e[0])) return;
        e[1].forEach(function (name) { els(name).forEach(function (el) { el.classList.add("lit"); }); });
        stack.push(e[0]);
      });
    }
  }

  function pathItem(p) {
    var v = view(), li = document.createElement("li");
    li.className = "path";
    var text = p.keys.map(function (k) { return v.nodes[k] ? v.nodes[k].label : k; }).join(" → ");
    if (p.factors.length && p.factors.every(function (f) { return f !== null; })) {
      var product = p.factors.reduce(function (a, b) { return a * b; }, 1);
      text += ":  " + p.factors.map(fmt).join(" · ") + " = " + fmt(product);
    }
    li.textContent = text;
    return li;
  }

  function clearLit() {
    pane(current).querySelectorAll(".lit, .selected").forEach(function (el) {
      el.classList.remove("lit", "selected");
      if (el.hasAttribute("aria-pressed")) el.setAttribute("aria-pressed", "false");
    });
  }

  function select(key) {
    var v = view(), node = v.nodes[key], count = counter();
    clearLit();
    selected = key;
    light(key, count);
    els(key).forEach(function (el) { el.classList.add("selected"); el.setAttribute("aria-pressed", "true"); });
    $("selected-name").textContent = node.label + (node.heading ? "   " + node.heading : node.grad ?
      "   ∂" + v.nodes[v.output].label + "/∂" + node.label + " = " + node.grad : "");
    $("derivation").textContent = node.derivation;
    var list = $("paths"), found = paths(key, count), total = count(key);
    list.textContent = "";
    found.forEach(function (p) { list.appendChild(pathItem(p)); });
    if (total > found.length) {
      var more = document.createElement("li");
      more.className = "more";
      more.textContent = "… and " + (total - found.length) + " more paths (" + total + " in all)";
      list.appendChild(more);
    }
  }

  function logLine(text, cls) {
    var li = document.createElement("li");
    li.textContent = text;
    if (cls) li.className = cls;
    var log = $("step-log");
    log.appendChild(li);
    log.scrollTop = log.scrollHeight; // the log scrolls, never the page
  }

  function showCount() {
    var n = view().steps.length;
    $("step-count").textContent = n ? done + " of " + n + " gradients computed" : "";
  }

  function step() {
    var v = view();
    if (done >= v.steps.length) { stop(); return false; }
    var s = v.steps[done++];
    pane(current).classList.add("stepping");
    els(s.node).forEach(function (el) { el.classList.add("grad-shown"); });
    var node = v.nodes[s.node];
    logLine(done + ". " + (node ? node.label : s.node), "step-head");
    s.lines.forEach(function (line) { logLine(line); });
    showCount();
    return true;
  }

  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    $("play").textContent = "Play";
  }

  function play() {
    if (timer !== null) { stop(); return; }
    if (done >= view().steps.length) reset();
    $("play").textContent = "Pause";
    step();
    timer = setInterval(function () { if (!step()) stop(); }, 700);
  }

  function reset() {
    stop();
    done = 0;
    Object.keys(data.views).forEach(function (name) {
      pane(name).classList.remove("stepping");
      pane(name).querySelectorAll(".grad-shown").forEach(function (el) { el.classList.remove("grad-shown"); });
    });
    $("step-log").textContent = "";
    showCount();
  }

  function show(name) {
    if (current !== null) clearLit();
    current = name;
    Object.keys(data.views).forEach(function (other) {
      pane(other).hidden = other !== name;
      $("show-" + other).setAttribute("aria-pressed", String(other === name));
    });
    reset();
    var v = view();
    if (selected !== null && v.nodes[selected]) select(selected);
    else {
      selected = null;
      $("selected-name").textContent = "Nothing selected";
      $("derivation").textContent = v.note || "Click a parameter or a node to see where its gradient comes from.";
      $("paths").textContent = "";
    }
  }

  function frame(f) {
    var t = data.training;
    $("training-label").textContent = t.steps[f] + ",  E = " + t.loss_text[f];
    var body = document.querySelector("#training-table tbody");
    body.textContent = "";
    t.names.forEach(function (name, p) {
      var tr = body.insertRow();
      [name, t.values[f][p], t.grads[f][p]].forEach(function (text) { tr.insertCell().textContent = text; });
      var texts = t.keys[p] ? (index.network && index.network[t.keys[p]] || []) : [];
      texts.forEach(function (g) {
        var lines = g.querySelectorAll("text");
        if (lines.length >= 2) {
          lines[0].textContent = name + " = " + t.values[f][p];
          lines[1].textContent = "∂E/∂" + name + " = " + t.grads[f][p];
        }
      });
    });
    var points = JSON.parse($("loss-curve").getAttribute("data-points"));
    $("loss-marker").setAttribute("cx", points[f][0]);
    $("loss-marker").setAttribute("cy", points[f][1]);
  }

  document.querySelectorAll("[data-node]").forEach(function (el) {
    var key = el.getAttribute("data-node");
    el.setAttribute("aria-pressed", "false");
    el.addEventListener("click", function () { select(key); });
    el.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " " || e.key === "Spacebar") { e.preventDefault(); select(key); }
    });
  });
  Object.keys(data.views).forEach(function (name) {
    $("show-" + name).addEventListener("click", function () { show(name); });
  });
  $("step").addEventListener("click", function () { stop(); step(); });
  $("play").addEventListener("click", play);
  $("reset").addEventListener("click", reset);
  if (data.training) {
    $("training-step").addEventListener("input", function (e) { frame(Number(e.target.value)); });
    frame(0);
  }
  show(data.first);
  if (view().selected && view().nodes[view().selected]) select(view().selected);
})();
