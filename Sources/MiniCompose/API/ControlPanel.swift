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
        <style>
          body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
          h1 { font-size: 1.3em; margin: 0 0 .8em; }
          fieldset { border: 1px solid #ccc; margin: 0 0 1em; padding: .6em .8em; }
          legend { font-weight: 600; }
          input, select, button, textarea { font: inherit; }
          button { margin-right: .3em; padding: .25em .8em; cursor: pointer; }
          textarea { width: 100%; box-sizing: border-box; font-family: ui-monospace, monospace; }
          table { border-collapse: collapse; width: 100%; }
          th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #eee; }
          .state { font-weight: 600; padding: .1em .5em; border-radius: .3em; }
          .HEALTHY, .RUNNING { background: #d4f4d4; color: #145214; }
          .UNHEALTHY, .FAILED { background: #f8d0d0; color: #7a1010; }
          .STARTING, .CREATED { background: #fbe7b5; color: #6b4a00; }
          .STOPPED { background: #e4e4e4; color: #444; }
          #message { min-height: 1.4em; margin: .5em 0; }
          #message.error { color: #a00; }
        </style>
        </head>
        <body>
        <h1>Mini Compose</h1>
        <fieldset>
          <legend>Instance</legend>
          <label>id <input id="instance" value="1" size="12" pattern="[A-Za-z0-9_.-]{1,64}"></label>
          <button id="start">Start</button>
          <button id="stop">Stop</button>
          <button id="reload">Reload</button>
          <button id="shutdown">Shutdown</button>
          <label>runtime
            <select id="runtime">
              <option>apptainer</option><option>singularity</option><option>docker</option><option>podman</option>
            </select>
          </label>
          <label>token <input id="token" type="password" size="16" autocomplete="off"></label>
        </fieldset>
        <fieldset>
          <legend>Container settings (JSON object of strings, given to every container started afterwards)</legend>
          <textarea id="settings" rows="4">{}</textarea>
          <button id="save-settings">Save settings</button>
        </fieldset>
        <div id="message" role="status"></div>
        <table>
          <thead><tr><th>Instance</th><th>Service</th><th>State</th><th>Container</th><th>Restarts</th><th>Last check</th></tr></thead>
          <tbody id="services"><tr><td colspan="6">no instances</td></tr></tbody>
        </table>
        <script>
        "use strict";
        const $ = (id) => document.getElementById(id);
        $("token").value = sessionStorage.getItem("mini-compose-token") || "";
        $("token").addEventListener("change", () => sessionStorage.setItem("mini-compose-token", $("token").value));

        async function call(path, options = {}) {
          const headers = { "Accept": "application/json" };
          const token = $("token").value;
          if (token) headers["Authorization"] = "Bearer " + token;
          if (options.body) headers["Content-Type"] = "application/json";
          const response = await fetch(path, { method: options.method || "GET", headers, body: options.body });
          const data = await response.json().catch(() => ({}));
          if (!response.ok) throw new Error(data.error || response.statusText);
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
        $("start").onclick = () => act("/start/" + id() + "/", (d) => "starting " + d.id + ": " + d.starting.join(", "));
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

        async function refresh() {
          let data;
          try { data = await call("/status/"); } catch (error) { say(error.message, true); return; }
          const body = $("services");
          body.replaceChildren();
          for (const instance of data.instances) {
            for (const service of instance.services) {
              const row = document.createElement("tr");
              const last = service.health.length ? service.health[service.health.length - 1] : null;
              const state = service.state.replace(/\(.*$/, "");
              row.append(cell(instance.id), cell(service.service), cell(service.state, state),
                cell(service.container), cell(String(service.restarts)),
                cell(last ? (last.timed_out ? "timed out" : "exit " + last.exit_code) : ""));
              row.dataset.service = service.service;
              row.dataset.state = service.state;
              body.appendChild(row);
            }
          }
          if (!body.children.length) body.innerHTML = "<tr><td colspan=\"6\">no instances</td></tr>";
        }

        call("/runtime").then((d) => { $("runtime").value = d.runtime; }).catch(() => {});
        refresh();
        setInterval(refresh, 1000);
        </script>
        </body>
        </html>
        """#
}
