// Header menus: a button opens its list of links (disclosure pattern). Without this script
// every list shows as plain links, so nothing depends on it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setOpen(menu, open) {
    var button = menu.querySelector(".menu-button");
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }

  // A table wider than a phone scrolls in its own box (refurb.css); a keyboard user must be
  // able to reach that box to scroll it when nothing inside it takes the focus.
  function markScrollBoxes() {
    document.querySelectorAll("main table, main .scroll-x, main pre").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollBox = "true";
      } else if (!scrolls && box.dataset.scrollBox) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollBox;
      }
    });
  }
  window.addEventListener("load", markScrollBoxes);
  window.addEventListener("resize", markScrollBoxes);

  document.addEventListener("DOMContentLoaded", function () {
    markScrollBoxes();
    var menus = Array.prototype.slice.call(document.querySelectorAll("[data-menu]"));
    menus.forEach(function (menu) {
      var button = menu.querySelector(".menu-button");
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        menus.forEach(function (other) { if (other !== menu) { setOpen(other, false); } });
        setOpen(menu, open);
      });
      menu.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && menu.classList.contains("is-open")) {
          setOpen(menu, false);
          button.focus();
        }
      });
      menu.addEventListener("focusout", function (event) {
        if (event.relatedTarget && !menu.contains(event.relatedTarget)) { setOpen(menu, false); }
      });
    });
    document.addEventListener("click", function (event) {
      menus.forEach(function (menu) {
        if (!menu.contains(event.target)) { setOpen(menu, false); }
      });
    });
  });
})();
