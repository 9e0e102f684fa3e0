import { html, type SafeHtml } from './html.js';

/** What the pages show; the service fills these from our tables, never with secrets. */
export interface SentLogView {
  kind: 'call' | 'digest';
  /** Call session id, or the digest's conversation and day. */
  reference: string;
  crmLogId: string | null;
  contactId: string | null;
  subject: string | null;
  body: string | null;
  updatedAt: Date;
}

export interface OutboxItemView {
  writeKey: string;
  kind: string;
  state: string;
  attempts: number;
  recordedAt: string;
  nextAttemptAt: string;
  lastError: string | null;
}

export interface LocalContactView {
  id: number;
  name: string;
  phoneNumber: string;
  type: string;
  company: string | null;
}

export interface LocalActivityView {
  id: number;
  kind: string;
  contactId: string | null;
  subject: string;
  body: string;
  updatedAt: Date;
}

export interface UserPageView {
  user: { name: string; platform: string; connectorName: string; timezone: string };
  logs: SentLogView[];
  outbox: OutboxItemView[];
  localCrm: { contacts: LocalContactView[]; activities: LocalActivityView[] } | null;
  operatorAvailable: boolean;
}

export interface OperatorPageView {
  connectors: { name: string; displayName: string; authType: string; logFormat: string }[];
  outboxTotals: { state: string; count: number; oldest: Date | null }[];
  outboxByPlatform: { platform: string; state: string; count: number }[];
  /** Failed CRM requests this instance saw, newest first, by connector. */
  crmErrors: { connector: string; errors: { operation: string; status: string; message: string; at: Date }[] }[];
  /** Outbox writes holding a CRM failure (all instances), newest first. */
  outboxErrors: { platform: string; kind: string; state: string; lastError: string; updatedAt: Date }[];
}

const when = (date: Date | string | null): SafeHtml => {
  if (!date) return html`-`;
  const iso = typeof date === 'string' ? date : date.toISOString();
  return html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>`;
};

function layout(title: string, body: SafeHtml, signedIn: boolean): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · App Connect CRM server</title>
<link rel="stylesheet" href="/console/console.css">
<script src="/console/console.js" defer></script>
</head>
<body>
<header>
<h1>${title}</h1>
${signedIn ? html`<form method="post" action="/console/sign-out" data-json><button type="submit">Sign out</button></form>` : null}
</header>
<p id="flash" role="status" hidden></p>
<main>
${body}
</main>
</body>
</html>
`;
}

export function signInPage(options: { operatorAvailable: boolean; message?: string }): SafeHtml {
  return layout(
    'Console sign-in',
    html`${options.message ? html`<p class="notice" role="alert">${options.message}</p>` : null}
<section>
<h2>Local CRM</h2>
<form method="post" action="/console/session" data-json id="sign-in-key">
<label>API key <input name="apiKey" type="password" autocomplete="off" required></label>
<button type="submit">Sign in</button>
</form>
<p class="hint">The key you log in to the local CRM with (<code>demo</code> on a development server).</p>
</section>
<section>
<h2>Any CRM</h2>
<form method="post" action="/console/session" data-json id="sign-in-jwt">
<label>Session token <input name="jwtToken" type="password" autocomplete="off" required></label>
<button type="submit">Sign in</button>
</form>
<p class="hint">The <code>jwtToken</code> App Connect got from <code>/apiKeyLogin</code> or <code>/oauth-callback</code>. It is kept in an HttpOnly cookie for this console only.</p>
</section>
${options.operatorAvailable
  ? html`<section>
<h2>Operator</h2>
<form method="post" action="/console/operator" data-json id="sign-in-operator">
<label>Operator token <input name="token" type="password" autocomplete="off" required></label>
<button type="submit">Open the operator view</button>
</form>
</section>`
  : null}
<p role="alert" class="error" id="form-error" hidden></p>`,
    false,
  );
}

function logSection(logs: SentLogView[]): SafeHtml {
  if (logs.length === 0) return html`<p class="empty">Nothing logged yet.</p>`;
  return html`${logs.map(
    (log) => html`<article class="log" data-kind="${log.kind}">
<h3>${log.kind === 'call' ? 'Call' : 'Messages'} · ${log.subject ?? '(no subject recorded)'}</h3>
<dl>
<dt>${log.kind === 'call' ? 'Session' : 'Conversation'}</dt><dd>${log.reference}</dd>
<dt>CRM record</dt><dd>${log.crmLogId ?? '(being created)'}</dd>
<dt>Contact</dt><dd>${log.contactId ?? '-'}</dd>
<dt>Last written</dt><dd>${when(log.updatedAt)}</dd>
</dl>
${log.body === null
  ? html`<p class="empty">Written before the console kept bodies.</p>`
  : html`<pre class="body">${log.body}</pre>`}
</article>`,
  )}`;
}

function outboxSection(items: OutboxItemView[]): SafeHtml {
  if (items.length === 0) return html`<p class="empty">No writes waiting: everything reached the CRM.</p>`;
  return html`<table>
<thead><tr><th>Write</th><th>State</th><th>Attempts</th><th>Recorded</th><th>Next attempt</th><th>Last error</th><th></th></tr></thead>
<tbody>
${items.map(
  (item) => html`<tr class="outbox-item" data-state="${item.state}">
<td>${item.kind}</td>
<td><span class="state state-${item.state}">${item.state}</span></td>
<td>${item.attempts}</td>
<td>${when(item.recordedAt)}</td>
<td>${item.state === 'pending' ? when(item.nextAttemptAt) : html`-`}</td>
<td>${item.lastError ?? '-'}</td>
<td>${item.state === 'delivering'
    ? html`at the CRM`
    : html`<form method="post" action="/console/outbox/${encodeURIComponent(item.writeKey)}/retry" data-json><button type="submit">Retry now</button></form>`}</td>
</tr>`,
)}
</tbody>
</table>`;
}

function localCrmSection(local: NonNullable<UserPageView['localCrm']>): SafeHtml {
  return html`<section id="local-crm">
<h2>Local CRM</h2>
<h3>Contacts</h3>
<table>
<thead><tr><th>Id</th><th>Name</th><th>Phone</th><th>Type</th><th>Company</th></tr></thead>
<tbody>
${local.contacts.map(
  (contact) => html`<tr class="contact"><td>${contact.id}</td><td>${contact.name}</td><td>${contact.phoneNumber}</td><td>${contact.type}</td><td>${contact.company ?? ''}</td></tr>`,
)}
</tbody>
</table>
<h3>Activities</h3>
${local.activities.length === 0
  ? html`<p class="empty">No activities yet.</p>`
  : local.activities.map(
      (activity) => html`<article class="activity">
<h4>#${activity.id} ${activity.kind} · ${activity.subject}</h4>
<p class="meta">Contact ${activity.contactId ?? '-'} · ${when(activity.updatedAt)}</p>
<pre class="body">${activity.body}</pre>
</article>`,
    )}
</section>`;
}

export function userPage(view: UserPageView): SafeHtml {
  const { user } = view;
  return layout(
    'Console',
    html`<p class="who">Signed in as <strong>${user.name}</strong> on ${user.connectorName} (${user.platform}), time zone ${user.timezone}.</p>
<section id="outbox">
<h2>Waiting for the CRM</h2>
${outboxSection(view.outbox)}
</section>
<section id="logs">
<h2>Recent call logs and digests</h2>
<p class="hint">Each body is exactly what was sent to the CRM with its last accepted write.</p>
${logSection(view.logs)}
</section>
${view.localCrm ? localCrmSection(view.localCrm) : null}
<p role="alert" class="error" id="form-error" hidden></p>`,
    true,
  );
}

export function operatorPage(view: OperatorPageView): SafeHtml {
  const errorsByPlatform = new Map<string, OperatorPageView['outboxErrors']>();
  for (const error of view.outboxErrors) {
    errorsByPlatform.set(error.platform, [...(errorsByPlatform.get(error.platform) ?? []), error]);
  }
  return layout(
    'Operator console',
    html`<section id="connectors">
<h2>Connectors</h2>
<table>
<thead><tr><th>Name</th><th>CRM</th><th>Sign-in</th><th>Log format</th></tr></thead>
<tbody>
${view.connectors.map(
  (c) => html`<tr class="connector"><td>${c.name}</td><td>${c.displayName}</td><td>${c.authType}</td><td>${c.logFormat}</td></tr>`,
)}
</tbody>
</table>
</section>
<section id="outbox-totals">
<h2>Outbox, all users</h2>
${view.outboxTotals.length === 0
  ? html`<p class="empty">The outbox is empty.</p>`
  : html`<table>
<thead><tr><th>State</th><th>Writes</th><th>Oldest</th></tr></thead>
<tbody>${view.outboxTotals.map((row) => html`<tr class="total" data-state="${row.state}"><td>${row.state}</td><td>${row.count}</td><td>${when(row.oldest)}</td></tr>`)}</tbody>
</table>
<table>
<thead><tr><th>Connector</th><th>State</th><th>Writes</th></tr></thead>
<tbody>${view.outboxByPlatform.map((row) => html`<tr class="by-platform"><td>${row.platform}</td><td>${row.state}</td><td>${row.count}</td></tr>`)}</tbody>
</table>`}
</section>
<section id="crm-errors">
<h2>Recent CRM errors by connector</h2>
<p class="hint">Failed CRM requests this server instance made since it started (at most 20 per connector).</p>
${view.crmErrors.length === 0
  ? html`<p class="empty">No failed CRM request.</p>`
  : view.crmErrors.map(
      ({ connector, errors }) => html`<h3>${connector}</h3>
<table>
<thead><tr><th>When</th><th>Request</th><th>Status</th><th>CRM's reason</th></tr></thead>
<tbody>${errors.map((e) => html`<tr class="crm-error"><td>${when(e.at)}</td><td>${e.operation}</td><td>${e.status}</td><td>${e.message}</td></tr>`)}</tbody>
</table>`,
    )}
</section>
<section id="outbox-errors">
<h2>Failures held in the outbox</h2>
${errorsByPlatform.size === 0
  ? html`<p class="empty">No CRM errors held in the outbox.</p>`
  : [...errorsByPlatform].map(
      ([platform, errors]) => html`<h3>${platform}</h3>
<ul>${errors.map((e) => html`<li class="outbox-error">${when(e.updatedAt)} · ${e.kind} (${e.state}): ${e.lastError}</li>`)}</ul>`,
    )}
</section>`,
    true,
  );
}
