// Runs before the app's own files, as a classic inline script (vite.config.ts inlines it and puts its hash
// in the Content-Security-Policy). The bundle's asset paths are relative ("./assets/…"), so a page served
// at /course/jumprelu instead of /course/jumprelu/ asks for /course/assets/… and stays blank: when one of
// the page's own scripts or styles fails to load, say so, with the link that works.
(function () {
  var shown = false;
  function show() {
    if (shown) return;
    shown = true;
    var root = document.getElementById('root');
    if (!root) return;
    var box = document.createElement('div');
    box.className = 'path-error';
    box.setAttribute('role', 'alert');
    var p = location.pathname;
    if (p.slice(-1) !== '/' && !/\.html?$/.test(p)) {
      var fixed = p + '/' + location.search + location.hash;
      box.appendChild(document.createTextNode('JumpReLU Lab must be opened at an address that ends with a slash, or its files are looked for in the wrong folder. Open '));
      var a = document.createElement('a');
      a.href = fixed;
      a.textContent = location.origin + fixed;
      box.appendChild(a);
      box.appendChild(document.createTextNode(' instead.'));
    } else {
      box.appendChild(document.createTextNode('JumpReLU Lab could not load its own files (assets/ next to this page). Check that the whole dist/ folder was copied.'));
    }
    root.replaceChildren(box);
  }
  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && (t.tagName === 'SCRIPT' || (t.tagName === 'LINK' && t.rel === 'stylesheet'))) {
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show);
      else show();
    }
  }, true);
})();
