// The console page: reads over the JSON API, told of news by server-sent events. Every text a person
// or the bot wrote goes into the page with textContent, never as HTML.
const STATUS = /\b(PENDING_APPROVAL|APPROVED|SCHEDULED|RUNNING|SUCCEEDED|FAILED|ROLLED_BACK|REJECTED|CANCELLED|EXPIRED)\b/;
const QUICK_REACTIONS = ['✅', '❌'];
const VISITED = 'vitals.console.visited';

const $ = (id) => document.getElementById(id);
const state = { user: null, channel: null, thread: null, rendered: new Map() };

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (!res.ok) {
    let message = res.status + ' ' + res.statusText;
    try { message = (await res.json()).error || message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return res.status === 204 ? null : res.json().catch(() => null);
}

function problem(text) {
  $('problem').textContent = text || '';
}

function when(iso) {
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

function renderMessage(m, inThread) {
  const li = el('li', 'msg');
  li.dataset.id = m.id;
  if (m.author === 'vitals') li.classList.add('bot');
  if (m.visibleTo) li.classList.add('private');
  const status = m.author === 'vitals' && m.components.length + (m.threadId === m.id ? 1 : 0) > 0
    ? (m.text.match(STATUS) || [])[1] : undefined;
  if (status) {
    li.classList.add('card', 'status-' + status.toLowerCase());
    li.dataset.status = status;
  }
  const meta = el('div', 'meta');
  meta.append(el('span', 'author', m.author));
  const time = el('time', null, when(m.createdAt));
  time.dateTime = m.createdAt;
  meta.append(' ', time);
  if (m.editedAt) meta.append(' ', el('span', 'edited', '(edited ' + when(m.editedAt) + ')'));
  if (m.visibleTo) meta.append(' ', el('span', 'only', 'only you see this'));
  if (status) meta.append(' ', el('span', 'badge status-' + status.toLowerCase(), status.replace('_', ' ')));
  li.append(meta);
  li.append(el('div', 'text', m.text));
  if (m.attachments && m.attachments.length) {
    const files = el('div', 'files');
    for (const a of m.attachments) {
      const link = el('a', null, '📎 ' + a.name + ' (' + a.size + ' bytes)');
      link.href = a.url;
      link.setAttribute('download', a.name);
      files.append(link);
    }
    li.append(files);
  }
  const actions = el('div', 'actions');
  for (const c of m.components) {
    const b = el('button', 'component', c.label);
    b.type = 'button';
    b.dataset.button = c.id;
    b.addEventListener('click', () => act(() => api('POST', '/console/api/clicks',
      { user: state.user, messageId: m.id, button: c.id })));
    actions.append(b);
  }
  const emojis = new Map(m.reactions.map((r) => [r.emoji, r.users]));
  // Cards (messages with buttons) offer ✅ and ❌ at once; any message shows the reactions it has.
  if (m.components.length) for (const q of QUICK_REACTIONS) if (!emojis.has(q)) emojis.set(q, []);
  for (const [emoji, users] of emojis) {
    const mine = users.includes(state.user);
    const b = el('button', 'reaction', emoji + (users.length ? ' ' + users.length : ''));
    b.type = 'button';
    b.dataset.emoji = emoji;
    b.setAttribute('aria-pressed', String(mine));
    const who = users.length ? users.join(', ') : 'nobody yet';
    b.title = emoji + ' by ' + who;
    b.setAttribute('aria-label', (mine ? 'Take back ' : 'React ') + emoji + ' (' + who + ')');
    b.addEventListener('click', () => act(() => api(mine ? 'DELETE' : 'POST', '/console/api/reactions',
      { user: state.user, messageId: m.id, emoji })));
    actions.append(b);
  }
  if (!inThread && m.threadId === m.id) {
    const t = el('button', 'open-thread', 'Thread →');
    t.type = 'button';
    t.setAttribute('aria-label', 'Open the thread of this message');
    t.addEventListener('click', () => openThread(m.id, m.text.split('\n')[0].replaceAll('**', '').replace(STATUS, '').replace(/[\s·]+$/, '')));
    actions.append(t);
  }
  li.append(actions);
  return li;
}

function render(list, messages, inThread) {
  const key = (m) => state.user + '|' + JSON.stringify(m);
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const seen = new Set();
  let before = null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    const id = (inThread ? 't' : 'c') + m.id;
    seen.add(id);
    let node = state.rendered.get(id);
    if (!node || node.key !== key(m)) {
      const fresh = renderMessage(m, inThread);
      const hadFocus = node && node.li.contains(document.activeElement)
        ? document.activeElement.dataset.button || document.activeElement.dataset.emoji || 'thread' : null;
      if (node) node.li.replaceWith(fresh); else list.insertBefore(fresh, before);
      if (hadFocus) {
        const again = [...fresh.querySelectorAll('button')].find((b) =>
          b.dataset.button === hadFocus || b.dataset.emoji === hadFocus || (hadFocus === 'thread' && b.classList.contains('open-thread')));
        if (again) again.focus();
      }
      node = { li: fresh, key: key(m) };
      state.rendered.set(id, node);
    } else if (node.li.nextSibling !== before) {
      list.insertBefore(node.li, before);
    }
    before = node.li;
  }
  for (const [id, node] of state.rendered) {
    if (id.startsWith(inThread ? 't' : 'c') && !seen.has(id)) {
      node.li.remove();
      state.rendered.delete(id);
    }
  }
  if (nearBottom) list.scrollTop = list.scrollHeight;
}

let refreshing = null;
let again = false;
async function refresh() {
  if (refreshing) { again = true; return; }
  refreshing = (async () => {
    try {
      const q = '&user=' + encodeURIComponent(state.user);
      const channel = await api('GET', '/console/api/messages?channel=' + encodeURIComponent(state.channel) + q);
      render($('messages'), channel, false);
      if (state.thread) {
        const thread = await api('GET', '/console/api/messages?threadId=' + encodeURIComponent(state.thread) + q);
        render($('thread-messages'), thread.filter((m) => m.id !== state.thread), true);
      }
    } catch (e) {
      problem('Could not read messages: ' + e.message);
    }
  })();
  await refreshing;
  refreshing = null;
  if (again) { again = false; refresh(); }
}

async function act(fn) {
  problem('');
  try { await fn(); } catch (e) { problem(e.message); }
  refresh();
}

function openThread(id, title) {
  state.thread = id;
  for (const [key, node] of state.rendered) if (key.startsWith('t')) { node.li.remove(); state.rendered.delete(key); }
  $('thread-pane').hidden = false;
  $('thread-title').textContent = 'Thread · ' + (title || 'message ' + id);
  $('thread-pane').dataset.thread = id;
  refresh().then(() => $('thread-text').focus());
}

function closeThread() {
  state.thread = null;
  $('thread-pane').hidden = true;
  delete $('thread-pane').dataset.thread;
}

function selectChannel(name) {
  state.channel = name;
  $('channel-title').textContent = '#' + name;
  $('channel-pane').dataset.channel = name;
  for (const b of document.querySelectorAll('button.channel')) b.setAttribute('aria-pressed', String(b.dataset.channel === name));
  for (const [key, node] of state.rendered) if (key.startsWith('c')) { node.li.remove(); state.rendered.delete(key); }
  closeThread();
  refresh();
}

// Completion: a listbox under the command box, filled from /console/api/completions.
const completion = { items: [], active: -1, timer: null };

function showCompletions(items) {
  const box = $('completions');
  const input = $('command');
  completion.items = items;
  completion.active = -1;
  box.replaceChildren();
  items.forEach((s, i) => {
    const li = el('li', 'option', s.label);
    li.id = 'completion-' + i;
    li.setAttribute('role', 'option');
    li.dataset.value = s.value;
    li.addEventListener('mousedown', (e) => { e.preventDefault(); choose(i); });
    box.append(li);
  });
  box.hidden = items.length === 0;
  input.setAttribute('aria-expanded', String(items.length > 0));
  input.removeAttribute('aria-activedescendant');
}

function highlight(i) {
  const options = $('completions').children;
  if (!options.length) return;
  completion.active = (i + options.length) % options.length;
  [...options].forEach((o, j) => o.setAttribute('aria-selected', String(j === completion.active)));
  $('command').setAttribute('aria-activedescendant', options[completion.active].id);
  options[completion.active].scrollIntoView({ block: 'nearest' });
}

function choose(i) {
  const s = completion.items[i];
  if (!s) return;
  $('command').value = s.value;
  showCompletions([]);
  $('command').focus();
  complete();
}

// A request that fails (the engine or the database busy for a moment) is asked again a few times,
// as long as the box still holds the same text.
function complete(attempt = 0) {
  clearTimeout(completion.timer);
  completion.timer = setTimeout(async () => {
    const text = $('command').value;
    if (!text.startsWith('/')) { showCompletions([]); return; }
    try {
      const items = await api('GET', '/console/api/completions?text=' + encodeURIComponent(text));
      if ($('command').value === text) showCompletions(items || []);
    } catch (e) {
      if ($('command').value !== text) return;
      showCompletions([]);
      if (attempt < 5) complete(attempt + 1);
    }
  }, attempt === 0 ? 120 : 1000);
}

function send(text, threadId) {
  localStorage.setItem(VISITED, '1');
  $('welcome').hidden = true;
  const body = threadId ? { user: state.user, threadId, text } : { user: state.user, channel: state.channel, text };
  return act(() => api('POST', '/console/api/messages', body));
}

function live() {
  const stream = new EventSource('/console/api/events');
  let pending = null;
  const soon = () => { clearTimeout(pending); pending = setTimeout(refresh, 60); };
  stream.addEventListener('hello', () => { $('live').textContent = 'live'; soon(); });
  stream.addEventListener('change', soon);
  stream.onerror = () => { $('live').textContent = 'reconnecting…'; };
  // Should the stream be cut by something in between, the page still catches up now and then.
  setInterval(refresh, 15000);
}

function start() {
  const picker = $('user');
  const remembered = sessionStorage.getItem('vitals.console.user');
  if (remembered && [...picker.options].some((o) => o.value === remembered)) picker.value = remembered;
  state.user = picker.value;
  picker.addEventListener('change', () => {
    state.user = picker.value;
    sessionStorage.setItem('vitals.console.user', state.user);
    for (const [key, node] of state.rendered) { node.li.remove(); state.rendered.delete(key); }
    refresh();
  });
  for (const b of document.querySelectorAll('button.channel')) b.addEventListener('click', () => selectChannel(b.dataset.channel));
  state.channel = $('channel-pane').dataset.channel;
  $('close-thread').addEventListener('click', closeThread);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && state.thread && !$('completions').children.length) closeThread(); });

  const input = $('command');
  input.addEventListener('input', () => complete());
  input.addEventListener('keydown', (e) => {
    const open = completion.items.length > 0;
    if (e.key === 'ArrowDown' && open) { e.preventDefault(); highlight(completion.active + 1); }
    else if (e.key === 'ArrowUp' && open) { e.preventDefault(); highlight(completion.active - 1); }
    else if (e.key === 'Tab' && open && !e.shiftKey) { e.preventDefault(); choose(Math.max(completion.active, 0)); }
    else if (e.key === 'Enter' && open && completion.active >= 0) { e.preventDefault(); choose(completion.active); }
    else if (e.key === 'Escape' && open) { e.preventDefault(); showCompletions([]); }
  });
  input.addEventListener('blur', () => setTimeout(() => showCompletions([]), 150));
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    showCompletions([]);
    send(text);
  });
  $('thread-composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('thread-text').value.trim();
    if (!text || !state.thread) return;
    $('thread-text').value = '';
    send(text, state.thread);
  });

  // Until someone has sent a first message from this browser, three commands to try.
  if (!localStorage.getItem(VISITED)) $('welcome').hidden = false;
  for (const b of document.querySelectorAll('button.try')) {
    b.addEventListener('click', () => { input.value = b.dataset.command; input.focus(); complete(); });
  }
  live();
  refresh();
}

start();
