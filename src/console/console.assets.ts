/**
 * The console's only script and stylesheet, served from its own origin so the page's
 * Content-Security-Policy can forbid everything else (no inline script or style).
 */

/**
 * Sends each `data-json` form as JSON (the API takes no other body type), then follows
 * the answer's `next` path or reloads; a message for the next page is shown as text.
 */
export const CONSOLE_SCRIPT = `'use strict';
(function () {
  var FLASH = 'console-flash';
  function show(id, text) {
    var element = document.getElementById(id);
    if (!element || !text) return;
    element.textContent = text;
    element.hidden = false;
  }
  show('flash', sessionStorage.getItem(FLASH));
  sessionStorage.removeItem(FLASH);
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-json')) return;
    event.preventDefault();
    var body = {};
    new FormData(form).forEach(function (value, name) { body[name] = String(value); });
    var buttons = form.querySelectorAll('button');
    buttons.forEach(function (button) { button.disabled = true; });
    fetch(form.getAttribute('action'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok) throw new Error((answer.returnMessage && answer.returnMessage.message) || answer.message || ('HTTP ' + response.status));
          if (answer.message) sessionStorage.setItem(FLASH, answer.message);
          var next = typeof answer.next === 'string' && answer.next.charAt(0) === '/' && answer.next.charAt(1) !== '/' ? answer.next : null;
          if (next) location.assign(next); else location.reload();
        });
      })
      .catch(function (error) {
        buttons.forEach(function (button) { button.disabled = false; });
        show('form-error', error.message);
      });
  });
})();
`;

export const CONSOLE_STYLES = `:root { color-scheme: light; --line: #d0d7de; --muted: #57606a; --accent: #0a66c2; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 0 1.5rem 3rem; color: #1f2328; }
header { display: flex; justify-content: space-between; align-items: center; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.4rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
h3, h4 { font-size: 1rem; margin: 0.6rem 0 0.3rem; }
section { margin-bottom: 1.5rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
pre.body { background: #f6f8fa; border: 1px solid var(--line); padding: 0.6rem; white-space: pre-wrap; word-break: break-word; }
article { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 1rem; margin: 0.6rem 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0.3rem 0; }
dt { color: var(--muted); }
dd { margin: 0; word-break: break-all; }
form { display: inline; }
label { display: inline-flex; gap: 0.5rem; align-items: center; margin-right: 0.5rem; }
input { padding: 0.3rem 0.4rem; border: 1px solid var(--line); border-radius: 4px; min-width: 18rem; }
button { padding: 0.3rem 0.8rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
button:disabled { opacity: 0.5; }
.hint, .meta, .empty { color: var(--muted); }
.error { color: #b42318; }
.notice, #flash { background: #fff8c5; border: 1px solid #d4a72c; padding: 0.4rem 0.7rem; border-radius: 4px; }
.state { font-weight: 600; }
.state-failed { color: #b42318; }
.state-pending { color: #9a6700; }
`;
