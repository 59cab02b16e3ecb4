// The SPARQL page: runs the query against /sparql, shows a table with links, keeps a shareable URL.
// Written for this app, no libraries. Without JavaScript the form still works (GET /sparql?query=…).
(function () {
  "use strict";
  const form = document.getElementById("sparql-form");
  if (!form) return;
  const textarea = document.getElementById("sparql-query");
  const section = document.getElementById("sparql-results");
  const status = document.getElementById("sparql-status");
  const errorBox = document.getElementById("sparql-error");
  const table = document.getElementById("sparql-table");
  const graph = document.getElementById("sparql-graph");
  const share = document.getElementById("sparql-share");
  const base = form.dataset.base || "";

  function localHref(iri) {
    // IRIs of this dataset open their page here (/id/action/…); others stay as they are.
    if (base && iri.startsWith(base)) return "/" + iri.slice(base.length);
    return iri;
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = localHref(term.value);
      a.textContent = term.value.startsWith(base) ? term.value.slice(base.length) : term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.lang = term["xml:lang"];
      if (term.datatype && /#(integer|decimal|double|int|long)$/.test(term.datatype)) td.className = "num";
    }
    return td;
  }

  function sourceCell(row) {
    // A row about an action links to its page and to the report lines it was read from.
    const td = document.createElement("td");
    const action = row.action || row.exampleAction;
    const marker = base + "id/action/";
    if (!action || action.type !== "uri" || !action.value.startsWith(marker)) return td;
    const key = encodeURIComponent(action.value.slice(marker.length));
    const page = document.createElement("a");
    page.href = "/actions/" + key;
    page.textContent = "ficha";
    const source = document.createElement("a");
    source.href = "/actions/" + key + "/source";
    source.textContent = row.sourceFile
      ? "fuente: " + row.sourceFile.value + (row.lineStart ? ":" + row.lineStart.value : "")
      : "fuente";
    td.append(page, " · ", source);
    return td;
  }

  function shareUrl(query) {
    const url = new URL(form.action, window.location.href);
    url.searchParams.set("query", query);
    return url.toString();
  }

  function showError(data, httpStatus) {
    errorBox.hidden = false;
    let text = (data.error || "Error") + " (" + httpStatus + "): " + (data.detail || "");
    if (data.line) text += " — línea " + data.line + ", columna " + data.column;
    errorBox.textContent = text;
    if (data.line && textarea.setSelectionRange) {
      const lines = textarea.value.split("\n");
      let pos = 0;
      for (let i = 0; i < data.line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
      pos += Math.max(0, data.column - 1);
      textarea.focus();
      textarea.setSelectionRange(pos, pos + 1);
    }
  }

  async function run() {
    const query = textarea.value;
    const url = shareUrl(query);
    share.href = url;
    window.history.replaceState(null, "", url);
    section.hidden = false;
    errorBox.hidden = true;
    graph.hidden = true;
    table.replaceChildren();
    status.textContent = "Consultando…";
    const started = performance.now();
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: new URLSearchParams({ query: query }),
      });
    } catch (err) {
      status.textContent = "";
      showError({ error: "Sin conexión", detail: String(err) }, 0);
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      status.textContent = "";
      let data = { error: response.statusText, detail: "" };
      try { data = await response.json(); } catch (e) { /* not JSON */ }
      showError(data, response.status);
      return;
    }
    const truncated = response.headers.get("X-SPARQL-Truncated") === "true";
    const cap = response.headers.get("X-SPARQL-Max-Rows");
    if (!type.includes("json")) {
      graph.textContent = await response.text();
      graph.hidden = false;
      status.textContent = response.headers.get("X-SPARQL-Rows") + " triples en " + seconds + " s" +
        (truncated ? " — recortado a " + cap : "");
      return;
    }
    const data = await response.json();
    if ("boolean" in data) {
      status.textContent = "Respuesta: " + (data.boolean ? "sí (true)" : "no (false)") + " en " + seconds + " s";
      return;
    }
    const vars = data.head.vars;
    const rows = data.results.bindings;
    const linkSource = vars.includes("action") || vars.includes("exampleAction");
    const thead = document.createElement("thead");
    const tr = document.createElement("tr");
    for (const v of vars) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      tr.appendChild(th);
    }
    if (linkSource) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = "acción y fuente";
      tr.appendChild(th);
    }
    thead.appendChild(tr);
    const tbody = document.createElement("tbody");
    for (const row of rows) {
      const r = document.createElement("tr");
      for (const v of vars) r.appendChild(cell(row[v]));
      if (linkSource) r.appendChild(sourceCell(row));
      tbody.appendChild(r);
    }
    table.append(thead, tbody);
    status.textContent = rows.length + " filas en " + seconds + " s" +
      (truncated ? " — resultado recortado a " + cap + " filas: acote la consulta o descargue por partes" : "");
  }

  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.name === "format") return; // downloads go through the form
    event.preventDefault();
    run();
  });
  for (const link of document.querySelectorAll("a.use-example")) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      textarea.value = link.dataset.query;
      run();
      textarea.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  }
  if (textarea.dataset.autorun === "true") run();
})();
