// haven dashboard. Reads /ha (the tree) and /ha/status (fencing and failures) and follows /ha/events;
// every event triggers a re-read, and a timer re-reads too, so the page is right even if the stream is down.
// The stream is read with fetch, not EventSource: EventSource cannot send the Authorization header that the
// exposed listener asks for. Writes go to the /ha tree's control leaves after a confirmation.
'use strict';

const REFRESH_MS = 5000;          // the fallback re-read when no event comes
const READ_TIMEOUT_MS = 4000;
const WRITE_TIMEOUT_MS = 12000;
const STREAM_SILENCE_MS = 25000;  // the server sends a keepalive every 10 s; silence this long means a dead connection
const MAX_EVENTS = 300;
const TOKEN_KEY = 'haven.token';

const app = {
  token: sessionStorage.getItem(TOKEN_KEY) || '',
  tree: null,
  status: null,
  readAt: null,
  lastEventId: null,
  streaming: false,
  refreshTimer: null,
  eventCount: 0,
  replayUntil: 0,
  placements: {},  // group name to the last placement event seen: when and from where it last moved
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'onclick') e.addEventListener('click', v);
    else if (k.startsWith('data-') || k === 'title' || k === 'id' || k === 'value' || k === 'disabled') e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function pill(text, kind) {
  return el('span', { class: 'pill ' + (kind || '') }, text);
}

function time(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  return d.toLocaleTimeString([], { hour12: false });
}

/** The clock time, with the date when it is not today. */
function when(ms) {
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString() ? time(ms) : d.toLocaleDateString() + ' ' + time(ms);
}

// ---- talking to the API ----

function headers(extra) {
  const h = Object.assign({}, extra);
  if (app.token) h['Authorization'] = 'Bearer ' + app.token;
  return h;
}

class ApiRefusal extends Error {
  constructor(status, reason) {
    super(reason);
    this.status = status;
  }
}

async function call(method, path, accept) {
  // A node that lost power answers nothing, not even a reset: without a limit the page would wait for minutes.
  // A write may take the server's 5 s commit timeout, so it gets longer.
  const limit = method === 'GET' ? READ_TIMEOUT_MS : WRITE_TIMEOUT_MS;
  let res;
  try {
    res = await fetch(path, { method, headers: headers({ Accept: accept || 'application/json' }), cache: 'no-store',
      signal: AbortSignal.timeout(limit) });
  } catch (e) {
    throw new ApiRefusal(0, e.name === 'TimeoutError' ? 'no answer within ' + limit / 1000 + ' s' : 'no answer (' + e.message + ')');
  }
  const text = await res.text();
  if (!res.ok) throw new ApiRefusal(res.status, text.trim() || res.statusText);
  return text;
}

let reading = null;

/** Reads the tree; a call while a read is under way waits for that one (the timer must not pile reads up). */
function refresh() {
  if (!reading) reading = readNow().finally(() => { reading = null; });
  return reading;
}

async function readNow() {
  try {
    const [tree, status] = await Promise.all([call('GET', '/ha'), call('GET', '/ha/status')]);
    app.tree = JSON.parse(tree);
    app.status = JSON.parse(status);
    app.readAt = Date.now();
    showApiTrouble(null);
    render();
  } catch (e) {
    if (e.status === 401) askForToken(e.message);
    showApiTrouble(e);
  }
}

/** Many events come in a burst (a failover is a dozen); one re-read after the burst is enough. */
function refreshSoon() {
  if (app.refreshTimer) return;
  app.refreshTimer = setTimeout(() => {
    app.refreshTimer = null;
    refresh();
  }, 150);
}

function showApiTrouble(e) {
  const b = $('banner-api');
  $('main').classList.toggle('stale', !!e && !!app.tree);
  if (!e) {
    b.hidden = true;
    return;
  }
  const where = location.origin;
  let text;
  if (e.status === 0) {
    text = 'The haven API at ' + where + ' is unreachable: ' + e.message + '. ';
  } else {
    text = 'The haven API at ' + where + ' refused to read (' + e.status + '): ' + e.message + ' ';
  }
  text += app.readAt ? 'Showing what it said at ' + time(app.readAt) + '; retrying every ' + REFRESH_MS / 1000 + ' s.'
                     : 'Retrying every ' + REFRESH_MS / 1000 + ' s.';
  b.textContent = text;
  b.hidden = false;
}

/**
 * On the node's own listener the page writes as the user whose browser runs it, and only root (or the
 * config's api.local_group) may write there: say what to do instead of leaving the CLI's advice alone.
 */
function localWriteHint(e) {
  if (e.status !== 403 || location.protocol !== 'http:') return '';
  return ' The page writes as the user running this browser: use the HTTPS listener with an admin token, or run haven as root.';
}

function showWriteResult(ok, text) {
  const b = $('banner-write');
  b.className = 'banner ' + (ok ? 'done' : 'error');
  b.querySelector('.text').textContent = text;
  b.hidden = false;
  if (ok) {
    clearTimeout(showWriteResult.timer);
    showWriteResult.timer = setTimeout(() => { b.hidden = true; }, 8000);
  }
}

// ---- the token ----

function askForToken(reason) {
  $('token-reason').textContent = reason || 'This listener asks for a token (a line of the cluster\'s api.tokens_file).';
  $('token-panel').hidden = false;
}

function setupToken() {
  $('token-button').addEventListener('click', () => {
    const p = $('token-panel');
    p.hidden = !p.hidden;
    if (!p.hidden) $('token-input').focus();
  });
  $('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    app.token = $('token-input').value.trim();
    $('token-input').value = '';
    if (app.token) sessionStorage.setItem(TOKEN_KEY, app.token);
    else sessionStorage.removeItem(TOKEN_KEY);
    $('token-panel').hidden = true;
    updateTokenButton();
    refresh();
    restartStream();
  });
  $('token-forget').addEventListener('click', () => {
    app.token = '';
    sessionStorage.removeItem(TOKEN_KEY);
    updateTokenButton();
    refresh();
    restartStream();
  });
  updateTokenButton();
}

function updateTokenButton() {
  $('token-button').textContent = app.token ? 'token set' : 'token';
}

// ---- the event stream ----

let streamAbort = null;

function restartStream() {
  if (streamAbort) streamAbort.abort();
}

function setLive(on, why) {
  app.streaming = on;
  const l = $('live');
  l.className = 'live ' + (on ? 'on' : 'off');
  l.textContent = on ? 'live' : 'offline';
  l.title = on ? 'following /ha/events' : (why || 'not connected to /ha/events');
}

async function followEvents() {
  let backoff = 1000;
  for (;;) {
    const ctl = new AbortController();
    streamAbort = ctl;
    let watchdog = null;
    try {
      const h = headers({ Accept: 'text/event-stream' });
      if (app.lastEventId) h['Last-Event-ID'] = app.lastEventId;
      const res = await fetch(app.lastEventId ? '/ha/events' : '/ha/events?replay=all', { headers: h, signal: ctl.signal, cache: 'no-store' });
      if (res.status === 410) {
        // The node restarted or the ring moved on: what was missed is in the tree, and the stream starts afresh.
        note('event stream: ' + (await res.text()).trim());
        app.lastEventId = null;
        refresh();
        continue;
      }
      if (!res.ok) throw new ApiRefusal(res.status, (await res.text()).trim());
      setLive(true);
      backoff = 1000;
      // What a fresh connection replays happened before the page looked: history, not news to highlight.
      app.replayUntil = h['Last-Event-ID'] ? 0 : Date.now() + 1500;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => ctl.abort(), STREAM_SILENCE_MS);
      };
      arm();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        arm();
        buf += value.replace(/\r/g, '');
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          onBlock(buf.slice(0, i));
          buf = buf.slice(i + 2);
        }
      }
      setLive(false, 'the stream ended');
    } catch (e) {
      setLive(false, e.message);
      if (e.status === 401) askForToken(e.message);
    } finally {
      clearTimeout(watchdog);
    }
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, 5000);
  }
}

function onBlock(block) {
  let id = null, type = 'message', data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const c = line.indexOf(':');
    const field = c < 0 ? line : line.slice(0, c);
    const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') type = value;
    else if (field === 'data') data += (data ? '\n' : '') + value;
  }
  if (!data) return;
  if (id) app.lastEventId = id;
  let ev;
  try {
    ev = JSON.parse(data);
  } catch (e) {
    ev = { text: data };
  }
  addEvent(type, ev);
  refreshSoon();
}

const TYPE_KIND = {
  failure: 'bad', fencing: 'bad', overrun: 'bad',
  placement: 'info', move: 'info', resource: 'ok', local: 'ok', operation: '', cleanup: 'ok',
  membership: 'cluster', quorum: 'cluster', coordinator: 'cluster', standby: 'warn', ping: 'warn',
  'daemon-started': 'cluster', alert: '', replication: 'warn',
};

function addEvent(type, ev) {
  const list = $('events');
  const kind = TYPE_KIND[type] ?? '';
  // A probe that finds a resource not running where it should not run is the normal answer, not a failure.
  const bad = (type === 'operation' && ev.result && ev.result !== 'ok' && ev.result !== 'not_running')
    || (type === 'quorum' && ev.quorate === false);
  if (type === 'placement' && ev.group) app.placements[ev.group] = ev;
  const li = el('li', { class: Date.now() < app.replayUntil ? null : 'fresh', 'data-type': type, title: JSON.stringify(ev) },
    el('span', { class: 'when' }, time(ev.at)),
    el('span', { class: 'type' }, pill(type, bad ? 'bad' : kind)),
    el('span', { class: 'text' }, ev.text || ''));
  list.prepend(li);
  while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
  app.eventCount++;
  $('event-count').textContent = '(' + app.eventCount + (app.eventCount > MAX_EVENTS ? ', newest ' + MAX_EVENTS + ' shown' : '') + ')';
}

function note(text) {
  $('events').prepend(el('li', { class: 'note' }, el('span', { class: 'when' }, time(Date.now())), el('span'), el('span', { class: 'text' }, text)));
}

// ---- actions ----

function confirmThen(title, detail, method, path) {
  const d = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-detail').textContent = detail;
  $('confirm-request').textContent = method + ' ' + path;
  d.returnValue = '';
  d.onclose = async () => {
    if (d.returnValue !== 'ok') return;
    try {
      const text = await call(method, path, 'text/plain');
      showWriteResult(true, text.trim());
    } catch (e) {
      showWriteResult(false, (e.status ? 'Refused (' + e.status + '): ' : 'Not sent: ') + e.message + localWriteHint(e));
    }
    refresh();
  };
  d.showModal();
  $('confirm-cancel').focus();
}

// ---- rendering ----

function nodeState(n) {
  if (!n.online) return 'lost';
  return n.standby ? 'standby' : 'online';
}

const STATE_KIND = { online: 'ok', standby: 'warn', lost: 'bad' };

let renderedKey = null;
let groupsWaiting = false;

/**
 * Redraws only when what was read changed: a redraw replaces the buttons and closes an open "move to"
 * list, so a periodic re-read must not do it under the user's pointer for nothing.
 */
function render() {
  const key = JSON.stringify([app.tree, app.status]);
  if (key === renderedKey) return;
  renderedKey = key;
  const t = app.tree;
  const c = t.cluster;
  document.title = 'haven · ' + c.name;
  $('cluster-name').textContent = c.name;
  const q = $('quorum');
  q.textContent = c.quorate ? 'quorate' : 'no quorum';
  q.className = 'pill ' + (c.quorate ? 'ok' : 'bad');
  $('coordinator').textContent = c.coordinator || 'none';
  $('members').textContent = c.members.length + ' of ' + Object.keys(t.nodes).length;
  $('answering').textContent = c.node;
  $('version').textContent = c.version;
  renderNodes(t, c);
  // The user is choosing where to move a group: redraw the groups when the choice is made.
  if (document.activeElement && document.activeElement.matches('#groups select')) {
    if (!groupsWaiting) {
      groupsWaiting = true;
      document.activeElement.addEventListener('blur', () => { groupsWaiting = false; renderGroups(app.tree); }, { once: true });
    }
  } else {
    renderGroups(t);
  }
  renderTrouble(app.status);
}

function renderNodes(t, c) {
  const box = $('nodes');
  box.replaceChildren(...Object.values(t.nodes).map((n) => {
    const st = nodeState(n);
    const tags = [pill(st, STATE_KIND[st])];
    if (!n.online && n.standby) tags.push(pill('standby', 'warn'));
    if (n.maintenance) tags.push(pill('maintenance: left alone', 'warn'));
    if (n.name === c.coordinator) tags.push(pill('coordinator', 'cluster'));
    if (n.role !== 'node') tags.push(pill(n.role, ''));
    if (n.ping_reachable === false) tags.push(pill('uplink lost', 'bad'));
    const action = n.standby
      ? el('button', { type: 'button', 'data-action': 'online', onclick: () => confirmThen('Bring ' + n.name + ' online?',
          n.name + ' may run groups again; groups move back only if their placement prefers it.', 'POST', '/ha/nodes/' + n.name + '/online') }, 'Online')
      : el('button', { type: 'button', 'data-action': 'standby', onclick: () => confirmThen('Put ' + n.name + ' in standby?',
          'Groups running on ' + n.name + ' (' + (n.groups.join(', ') || 'none') + ') stop there and start on another node.',
          'POST', '/ha/nodes/' + n.name + '/standby') }, 'Standby');
    return el('div', { class: 'node ' + st, 'data-node': n.name, 'data-state': st },
      el('div', { class: 'name' }, n.name),
      el('div', { class: 'tags' }, tags),
      el('div', { class: 'runs' }, n.groups.length ? ['runs ', el('b', {}, n.groups.join(', '))] : 'runs nothing'),
      n.role === 'witness' ? null : el('div', { class: 'actions' }, action));
  }));
}

function stateKind(state) {
  if (state.startsWith('started') || state.startsWith('promoted')) return 'ok';
  if (state.startsWith('starting') || state.startsWith('stopping')) return 'info';
  if (state.startsWith('failed') || state.startsWith('stop-failed')) return 'bad';
  if (state.startsWith('unknown')) return 'warn';
  return '';
}

function renderGroups(t) {
  const box = $('groups');
  const c = t.cluster;
  const serviceNodes = Object.values(t.nodes).filter((n) => n.role !== 'witness');
  box.replaceChildren(...Object.values(t.groups).map((g) => {
    const members = g.resources.map((r) => t.resources[r]).filter(Boolean);
    const failures = members.reduce((k, r) => k + r.failures.length, 0);
    const where = g.node
      ? el('span', { class: 'where' }, g.started ? 'runs on ' : 'starting on ', el('b', { 'data-where': g.node }, g.node))
      : el('span', { class: 'where' }, pill(g.may_be_active.length ? 'stopping on ' + g.may_be_active.join(', ') : 'stopped', 'bad'));
    const select = el('select', { 'data-move-target': g.name },
      el('option', { value: '' }, 'move to…'),
      serviceNodes.filter((n) => n.name !== g.node).map((n) => el('option', { value: n.name }, n.name + (n.online ? (n.standby ? ' (standby)' : '') : ' (lost)'))));
    select.addEventListener('change', () => {
      const to = select.value;
      select.value = '';
      if (to) confirmThen('Move ' + g.name + ' to ' + to + '?', g.name + ' (' + g.resources.join(', ') + ') stops on '
        + (g.node || 'nowhere') + ' and starts on ' + to + ', and stays there until the move is cleared.', 'POST', '/ha/resources/' + g.name + '/move?node=' + encodeURIComponent(to));
    });
    const actions = el('div', { class: 'actions' }, select,
      g.moved_to ? el('button', { type: 'button', 'data-action': 'clear', onclick: () => confirmThen('Clear the move of ' + g.name + '?',
        g.name + ' stays where it runs; the cluster may place it anywhere from now on.', 'DELETE', '/ha/resources/' + g.name + '/moved_to') }, 'Clear move') : null,
      el('button', { type: 'button', 'data-action': 'cleanup', disabled: failures === 0 ? 'disabled' : null, onclick: () => confirmThen('Clean up ' + g.name + '?',
        'Forget the ' + failures + ' recorded failure(s) of ' + g.resources.join(', ') + ', so that the nodes where they failed may run it again.',
        'POST', '/ha/resources/' + g.name + '/cleanup') }, 'Cleanup'));
    return el('div', { class: 'group', 'data-group': g.name },
      el('div', { class: 'head' }, el('span', { class: 'gname' }, g.name), where,
        sinceWhen(g),
        g.moved_to ? pill('moved to ' + g.moved_to + (g.moved_until_epoch_ms ? ' until ' + new Date(g.moved_until_epoch_ms).toLocaleTimeString() : ''), 'info') : null,
        g.disabled ? pill('disabled', 'warn') : null,
        g.unmanaged ? pill('unmanaged: monitored only', 'warn') : null,
        g.restarting_on ? pill('restarting on ' + g.restarting_on, 'info') : null,
        failures ? pill(failures + ' failure' + (failures > 1 ? 's' : ''), 'bad') : null,
        actions),
      el('table', {}, el('tbody', {}, members.map((r) => el('tr', { 'data-resource': r.name },
        el('td', { class: 'rname' }, r.name),
        el('td', { class: 'rtype mono' }, r.type),
        el('td', {}, pill(r.state, stateKind(r.state))),
        el('td', { class: 'replication' }, r.replication ? replicationOf(r.replication, c) : null))))),
      g.decision ? el('details', {}, el('summary', {}, 'why: ' + g.decision), el('pre', {}, g.why)) : null);
  }));
}

/**
 * The answering node's copy of replicated data: on the primary who is in sync and what a failover would lose, on a
 * replica whom it follows. Other nodes' copies are known only to them.
 */
function replicationOf(rep, c) {
  const here = 'on ' + c.node + ': ';
  if (rep.role === 'primary') {
    const lose = Number(rep.would_lose_bytes);
    const inSync = rep.in_sync ? rep.in_sync.split(',') : [];
    return [pill(inSync.length ? 'in sync: ' + inSync.join(', ') : 'no replica in sync', inSync.length ? 'ok' : 'bad'),
      el('span', { class: 'rtype' }, ' ' + here + 'primary, ' + (lose < 0 ? 'a failover now loses what is written'
        : lose === 0 ? 'a failover now loses nothing' : 'a failover now loses ' + lose + ' B'))];
  }
  if (rep.role === 'replica') {
    return [pill(rep.whole === 'true' ? 'replica' : 'catching up', rep.whole === 'true' ? 'ok' : 'warn'),
      el('span', { class: 'rtype' }, ' ' + here + (rep.following ? 'follows ' + rep.following : 'waits for a primary')
        + (Number(rep.kept_aside) > 0 ? ', ' + rep.kept_aside + ' entries kept aside' : ''))];
  }
  return el('span', { class: 'rtype' }, here + 'no copy running');
}

/** "since 14:04:42, was on n1" when the stream saw the group's last placement. */
function sinceWhen(g) {
  const p = app.placements[g.name];
  if (!p || p.node !== g.node) return null;
  return el('span', { class: 'since muted small', 'data-since': p.previous || '' },
    'since ' + when(p.at) + (p.previous ? ', was on ' + p.previous : ''));
}

function renderTrouble(s) {
  const items = [];
  for (const f of s.failures || []) {
    items.push({ at: f.at, node: el('div', { class: 'item', 'data-failure': f.resource },
      pill('failure', 'bad'),
      el('div', { class: 'body' }, el('b', {}, f.resource), ' on ', el('b', {}, f.node), ': ', f.detail),
      el('span', { class: 'when', title: new Date(f.at).toString() }, when(f.at)),
      el('button', { type: 'button', 'data-action': 'cleanup-resource', onclick: () => confirmThen('Clean up ' + f.resource + '?',
        'Forget ' + f.resource + '\'s failures, so that ' + f.node + ' may run it again.', 'POST', '/ha/resources/' + f.resource + '/cleanup') }, 'Cleanup')) });
  }
  for (const f of s.fencing || []) {
    items.push({ at: f.at_epoch_ms, node: el('div', { class: 'item', 'data-fencing': f.node },
      pill(f.ok ? 'fenced' : 'fencing failed', f.ok ? 'warn' : 'bad'),
      el('div', { class: 'body' }, el('b', {}, f.node), ' by ', el('b', {}, f.by), ': ', f.summary),
      el('span', { class: 'when', title: new Date(f.at_epoch_ms).toString() }, when(f.at_epoch_ms))) });
  }
  items.sort((a, b) => b.at - a.at);
  $('trouble').replaceChildren(...(items.length ? items.map((i) => i.node)
    : [el('div', { class: 'none' }, 'No failures or fencing recorded.')]));
}

// ---- start ----

document.addEventListener('DOMContentLoaded', () => {
  setupToken();
  $('banner-write').querySelector('.close').addEventListener('click', () => { $('banner-write').hidden = true; });
  refresh();
  setInterval(refresh, REFRESH_MS);
  followEvents();
});
