/// The control panel at `GET /`: one self-contained page (compute nodes are offline, so no external assets)
/// that drives the same API as curl does.
enum ControlPanel {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Mini Compose</title>
        <link rel="icon" href="data:,">
        <style>
          body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f7f9; }
          header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .4em 1.5em; padding: .7em 1.5em;
            background: #24292f; color: #fff; }
          header h1 { font-size: 1.15em; margin: 0; }
          main { padding: 1em 1.5em; }
          .controls { display: flex; flex-wrap: wrap; gap: 0 1em; }
          fieldset { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; margin: 0 0 1em;
            padding: .4em .9em .7em; }
          legend { font-weight: 600; padding: 0 .3em; }
          label { margin-right: .6em; }
          input, select, button, textarea { font: inherit; }
          input, select, textarea { border: 1px solid #b8c0c8; border-radius: 4px; padding: .2em .4em; }
          button { margin-right: .3em; padding: .25em .9em; border: 1px solid #b8c0c8; border-radius: 5px;
            background: #f3f4f6; cursor: pointer; }
          button:hover { background: #e6e8eb; }
          button.primary { background: #1f883d; border-color: #1a7f37; color: #fff; }
          button.primary:hover { background: #1a7f37; }
          button.danger { color: #b42318; border-color: #e5a19a; }
          textarea { width: 100%; box-sizing: border-box; font-family: ui-monospace, monospace; margin-bottom: .4em; }
          table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #d0d7de; }
          th { background: #f0f2f4; font-weight: 600; }
          th, td { text-align: left; padding: .35em .7em; border-bottom: 1px solid #e6e8eb; }
          td.container { font-family: ui-monospace, monospace; font-size: .93em; }
          .state { font-weight: 600; padding: .1em .5em; border-radius: .3em; }
          .HEALTHY, .RUNNING { background: #d4f4d4; color: #145214; }
          .UNHEALTHY, .FAILED, .EXITED { background: #f8d0d0; color: #7a1010; }
          .STARTING, .CREATED { background: #fbe7b5; color: #6b4a00; }
          .STOPPED { background: #e4e4e4; color: #444; }
          #message { min-height: 1.45em; margin: 0 0 .6em; }
          #message.error { color: #b42318; }
          #connection { color: #c9d1d9; font-size: .93em; }
          #connection[data-state="error"] { color: #ffb4a9; }
          #connection[data-state="ok"]::before { content: "\25CF  "; color: #4ac26b; }
          #token.needed { outline: 2px solid #d08000; }
          tbody.stale { opacity: .5; }
        </style>
        </head>
        <body>
        <header>
          <h1>Mini Compose</h1>
          <div id="connection" role="status" data-state="">loading status ...</div>
        </header>
        <main>
        <div class="controls">
          <fieldset>
            <legend>Instance</legend>
            <label>id <input id="instance" value="1" size="10" pattern="[A-Za-z0-9_.-]{1,64}"></label>
            <label title="run this copy in a port window of its own"><input id="portshift" type="checkbox">
              PortShift</label>
            <button id="start" class="primary">Start</button>
            <button id="stop">Stop</button>
          </fieldset>
          <fieldset>
            <legend>Server</legend>
            <label>runtime
              <select id="runtime">
                <option>apptainer</option><option>singularity</option><option>docker</option><option>podman</option>
              </select>
            </label>
            <button id="reload" title="read the compose file again">Reload</button>
            <button id="shutdown" class="danger" title="stop every instance, then the server">Shutdown</button>
          </fieldset>
          <fieldset>
            <legend>Access</legend>
            <label>token <input id="token" type="password" size="18" autocomplete="off"></label>
          </fieldset>
        </div>
        <div id="message" role="status"></div>
        <table>
          <thead>
            <tr>
              <th>Instance</th><th>Service</th><th>State</th><th>Container</th><th>Ports</th><th>Restarts</th>
              <th>Last check</th>
            </tr>
          </thead>
          <tbody id="services"><tr><td colspan="7">no instances</td></tr></tbody>
        </table>
        <fieldset style="margin-top: 1em">
          <legend>Container settings: a JSON object of strings, given to every container started afterwards</legend>
          <textarea id="settings" rows="3">{}</textarea>
          <button id="save-settings">Save settings</button>
        </fieldset>
        </main>
        <script>
        "use strict";
        const $ = (id) => document.getElementById(id);
        const tokenKey = "mini-compose-token";
        $("token").value = sessionStorage.getItem(tokenKey) || "";
        $("token").addEventListener("change", () => {
          sessionStorage.setItem(tokenKey, $("token").value);
          loadRuntime();
          refresh();
        });

        class APIError extends Error {
          constructor(status, data) {
            const detail = typeof data.detail === "string" ? ": " + data.detail : "";
            super((data.error || "HTTP " + status) + detail);
            this.status = status;
          }
        }

        async function call(path, options = {}) {
          const headers = { "Accept": "application/json" };
          const token = $("token").value;
          if (token) headers["Authorization"] = "Bearer " + token;
          if (options.body) headers["Content-Type"] = "application/json";
          let response;
          try {
            response = await fetch(path, { method: options.method || "GET", headers, body: options.body });
          } catch (error) {
            throw new Error("cannot reach the server");
          }
          const data = await response.json().catch(() => ({}));
          if (!response.ok) throw new APIError(response.status, data);
          return data;
        }

        function say(text, isError) {
          $("message").textContent = text;
          $("message").className = isError ? "error" : "";
        }

        async function act(path, describe, options) {
          try { say(describe(await call(path, options)), false); } catch (error) { say(error.message, true); }
          refresh();
        }

        const id = () => encodeURIComponent($("instance").value.trim());
        $("start").onclick = () =>
          act("/start/" + id() + "/" + ($("portshift").checked ? "?portshift=1" : ""),
            (d) => "starting " + d.id + ": " + d.starting.join(", "));
        $("stop").onclick = () => act("/stop/" + id() + "/", (d) => "stopped " + d.stopped.join(", "));
        $("reload").onclick = () => act("/reload/", (d) =>
          "reloaded: added " + (d.added.join(", ") || "none") + "; removed " + (d.removed.join(", ") || "none") +
          "; changed " + (d.changed.join(", ") || "none"));
        $("shutdown").onclick = () => { if (confirm("Stop every instance and shut the server down?"))
          act("/stopServer", () => "server shutting down"); };
        $("runtime").onchange = () => act("/set_runtime/" + $("runtime").value + "/", (d) => "runtime: " + d.runtime);
        $("save-settings").onclick = () => act("/container_settings/", () => "settings saved",
          { method: "POST", body: $("settings").value });

        function cell(text, className) {
          const td = document.createElement("td");
          if (className) {
            const span = document.createElement("span");
            span.className = "state " + className;
            span.textContent = text;
            td.appendChild(span);
          } else {
            td.textContent = text;
          }
          return td;
        }

        function placeholder(text) {
          const row = document.createElement("tr");
          const td = cell(text);
          td.colSpan = 7;
          row.appendChild(td);
          return row;
        }

        function connected(ok, text) {
          $("connection").dataset.state = ok ? "ok" : "error";
          $("connection").textContent = text;
        }

        function show(instances) {
          const body = $("services");
          body.replaceChildren();
          body.className = "";
          for (const instance of instances) {
            for (const service of instance.services) {
              const row = document.createElement("tr");
              const last = service.health.length ? service.health[service.health.length - 1] : null;
              const state = service.state.replace(/\(.*$/, "");
              const container = cell(service.container);
              container.className = "container";
              // Under PortShift a port reads "8080 -> 8180", marked when nothing listens there yet.
              const ports = service.ports.map((p) => (p.actual !== p.target ? p.target + " -> " : "") + p.actual +
                (p.listening === false ? " (closed)" : "")).join(", ");
              const shift = instance.portshift;
              const group = shift ? " (" + shift.group + ", +" + shift.offset + ")" : "";
              row.append(cell(instance.id + group), cell(service.service), cell(service.state, state),
                container, cell(ports), cell(String(service.restarts)),
                cell(last ? (last.timed_out ? "timed out" : "exit " + last.exit_code) : ""));
              row.dataset.instance = instance.id;
              row.dataset.service = service.service;
              row.dataset.state = service.state;
              body.appendChild(row);
            }
          }
          if (!body.children.length) body.appendChild(placeholder("no instances"));
        }

        let refreshing = false;
        async function refresh() {
          if (refreshing) return;
          refreshing = true;
          try {
            show((await call("/status/")).instances);
            $("token").classList.remove("needed");
            connected(true, "live: updated " + new Date().toLocaleTimeString());
          } catch (error) {
            if (error.status === 401) {
              // What was shown belongs to whoever had the token; without it nothing is shown.
              $("services").replaceChildren(placeholder("enter the server's token under Access to see its instances"));
              $("token").classList.add("needed");
              connected(false, "status not loaded: " + error.message + " (enter the token under Access)");
            } else {
              $("services").className = "stale";
              connected(false, "status not loaded: " + error.message);
            }
          } finally {
            refreshing = false;
          }
        }

        function loadRuntime() {
          call("/runtime").then((d) => { $("runtime").value = d.runtime; }).catch(() => {});
        }

        loadRuntime();
        refresh();
        setInterval(refresh, 1000);
        </script>
        </body>
        </html>
        """#
}
