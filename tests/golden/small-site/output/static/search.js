/* The search page: Pagefind's default UI, started with the words of ?q= (the search box in
   every page's header sends them). Result links are made from the site's own path, so the
   site works under a sub-path such as /briefing/. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  if (typeof window.PagefindUI !== "function") {
    var note = document.createElement("p");
    note.className = "search-note";
    note.textContent = "Search is unavailable: its index could not be loaded.";
    box.appendChild(note);
    return;
  }
  var ui = new window.PagefindUI({
    element: "#search",
    baseUrl: new URL(box.getAttribute("data-root") || "../", window.location.href).pathname,
    showImages: false,
    showSubResults: false,
    excerptLength: 30,
    openFilters: ["topic"],
    showEmptyFilters: false,
    translations: { placeholder: "Search releases" }
  });
  var input = box.querySelector(".pagefind-ui__search-input");
  if (input) input.setAttribute("aria-label", "Search releases");  // Pagefind's box has only a title
  var words = new URLSearchParams(window.location.search).get("q");
  if (words && words.trim()) ui.triggerSearch(words.trim());
})();
