/* briefing serve: live reload. The dev server adds this script to every HTML page it serves;
 * it is not part of the built site.
 *
 * The server sends events on <base>__briefing__/events (server-sent events, JSON data):
 *   hello     {version, problems}  on every (re)connect: the site's state now
 *   reload    {version, navigate}  a build changed the site: reload, or go to `navigate`
 *   css       {version, paths}     a build changed only stylesheets: swap them in place
 *   problems  {version, problems}  a build failed or reported problems: show them over the page
 * A problem is {file, line, field, message}; its text is untrusted and is only ever set as text.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var base = script.getAttribute("data-base") || "/";
  var version = script.getAttribute("data-version") || "";
  var reserved = base + "__briefing__/";
  var host = null;

  // The page's <head> as served, title aside: a soft reload is only safe while it stays the same.
  function headOf(doc) {
    return doc.head ? doc.head.innerHTML.replace(/<title>[\s\S]*?<\/title>/, "") : "";
  }
  var servedHead = headOf(document);

  // Soft reload: fetch the page again and put its new body in place of the old one, keeping the
  // scroll position, this script and its event connection (faster than a navigation: nothing else
  // is fetched or set up again). A changed <head>, another kind of answer or any error: a full reload.
  function reload() {
    fetch(window.location.href, { cache: "no-store", credentials: "same-origin" }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (!response.ok || type.indexOf("text/html") !== 0) {
        throw new Error("not a page");
      }
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var injected = fresh.querySelector("script[data-version]");
      if (!fresh.body || headOf(fresh) !== servedHead) {
        throw new Error("head changed");
      }
      var x = window.scrollX, y = window.scrollY;
      document.title = fresh.title;
      document.body.replaceWith(document.adoptNode(fresh.body)); // its scripts do not run again
      window.scrollTo(x, y);
      if (injected) {
        version = injected.getAttribute("data-version") || version;
      }
      return fetch(reserved + "state", { cache: "no-store" }).then(function (response) {
        return response.json();
      }).then(function (state) { // the build may have reported problems along with its changes
        if (state.problems.length) {
          showProblems(state.problems);
        } else {
          hideProblems();
        }
      });
    }).catch(function () {
      window.location.reload();
    });
  }

  function go(path) {
    if (path && path !== window.location.pathname) {
      window.location.assign(path);
    } else {
      reload();
    }
  }

  function sameOrigin(link) {
    try {
      return new URL(link.href, window.location.href).origin === window.location.origin;
    } catch (e) {
      return false;
    }
  }

  // Swap each changed stylesheet for a fresh copy; the old one goes once the new one has loaded,
  // so the page never shows unstyled.
  function swapStylesheets(paths) {
    var links = Array.prototype.filter.call(document.querySelectorAll('link[rel~="stylesheet"]'), sameOrigin);
    var wanted = paths.map(function (path) { return base + path; });
    var matched = links.filter(function (link) {
      return wanted.indexOf(new URL(link.href, window.location.href).pathname) !== -1;
    });
    (matched.length ? matched : links).forEach(function (link) {
      var url = new URL(link.href, window.location.href);
      url.searchParams.set("briefing-reload", String(Date.now()));
      var fresh = link.cloneNode(false);
      fresh.href = url.href;
      var done = function () { link.remove(); };
      fresh.addEventListener("load", done);
      fresh.addEventListener("error", done);
      link.after(fresh);
    });
  }

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function hideProblems() {
    if (host) {
      host.remove();
      host = null;
    }
  }

  function showProblems(problems) {
    hideProblems();
    host = element("briefing-overlay");
    host.id = "briefing-overlay";
    var root = host.attachShadow({ mode: "open" });
    var style = element("link");
    style.rel = "stylesheet";
    style.href = reserved + "livereload.css";
    root.appendChild(style);
    var backdrop = root.appendChild(element("div", "backdrop"));
    var panel = backdrop.appendChild(element("section", "panel"));
    panel.setAttribute("role", "alert");
    var close = panel.appendChild(element("button", "", "\u00d7"));
    close.type = "button";
    close.title = "Hide until the next build";
    close.addEventListener("click", hideProblems);
    panel.appendChild(element("h2", "", "Build failed"));
    panel.appendChild(element("p", "note",
      "The last good site is still served. Fix the problems below and save: this page updates by itself."));
    var list = panel.appendChild(element("ol"));
    problems.forEach(function (problem) {
      var item = list.appendChild(element("li", "problem"));
      item.setAttribute("data-briefing-problem", "");
      var where = problem.line ? problem.file + ":" + problem.line : problem.file;
      item.appendChild(element("span", "where", where));
      if (problem.field) {
        item.appendChild(element("span", "field", problem.field + ": "));
      }
      item.appendChild(element("span", "message", problem.message));
    });
    (document.body || document.documentElement).appendChild(host);
  }

  function data(event) {
    return JSON.parse(event.data);
  }

  var source = new EventSource(reserved + "events");
  source.addEventListener("hello", function (event) {
    var state = data(event);
    if (state.problems.length) {
      showProblems(state.problems);
    } else if (String(state.version) !== version) {
      reload(); // a build finished while this page loaded, or while the server was away
    } else {
      hideProblems();
    }
  });
  source.addEventListener("reload", function (event) {
    go(data(event).navigate);
  });
  source.addEventListener("css", function (event) {
    var change = data(event);
    version = String(change.version);
    hideProblems();
    swapStylesheets(change.paths);
  });
  source.addEventListener("problems", function (event) {
    showProblems(data(event).problems);
  });
  window.addEventListener("pagehide", function () {
    source.close();
  });

  window.briefingLiveReload = { source: source, version: function () { return version; } };
})();
