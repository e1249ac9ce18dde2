// The simulated Telegram page (local runner only): people writing to the bot, backed by /local/sim/…
// Everything people or the bot wrote is put into the page with textContent, never as HTML.

const API = '/local/sim';
const POLL_MS = 500;
const STATE_MS = 3000;

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, text) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
};

const state = {
  bot: null,
  users: [],
  chats: [],
  chatId: null,      // the open chat (a number), or null
  rev: 0,            // the last revision seen for the open chat
  messages: new Map(), // message_id → message view
  polling: null,
  generation: 0,     // bumps when another chat opens: late answers for the old chat are dropped
};

// ---------------------------------------------------------------- HTTP

async function call(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(API + path, init);
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) throw new Error((data && data.error) || `${method} ${path}: HTTP ${res.status}`);
  return data;
}

function status(text, isError = false) {
  const s = $('status');
  s.textContent = text || '';
  s.classList.toggle('error', Boolean(isError));
}

// ---------------------------------------------------------------- people and chats

async function loadState() {
  const s = await call('GET', '/state');
  state.bot = s.bot;
  $('bot-name').textContent = '@' + s.bot.username;
  const before = JSON.stringify([state.users, state.chats]);
  state.users = s.users;
  state.chats = s.chats;
  if (JSON.stringify([state.users, state.chats]) !== before) renderLists();
}

function userLabel(u) {
  const name = [u.first_name, u.last_name].filter(Boolean).join(' ');
  return u.username ? `${name} (@${u.username})` : name;
}

function chatLabel(c) {
  if (c.type === 'private') {
    const u = state.users.find((x) => x.id === c.user_id);
    return '👤 ' + (u ? userLabel(u) : c.title);
  }
  const who = c.members.length ? ` · ${c.members.length} member${c.members.length === 1 ? '' : 's'}` : '';
  return '👥 ' + c.title + (c.username ? ` (@${c.username})` : '') + who + (c.bot_is_member ? '' : ' · bot not in it');
}

function fillSelect(select, items, keep) {
  const chosen = keep ? new Set(Array.from(select.selectedOptions).map((o) => o.value)) : new Set();
  const first = select.id === 'chat-select' ? select.options[0] : null;
  select.replaceChildren(...(first ? [first] : []), ...items.map(([value, label]) => {
    const o = el('option', { value }, label);
    if (chosen.has(String(value))) o.selected = true;
    return o;
  }));
}

function renderLists() {
  const chatSelect = $('chat-select');
  fillSelect(chatSelect, state.chats.map((c) => [c.chat_id, chatLabel(c)]), false);
  chatSelect.value = state.chatId === null ? '' : String(state.chatId);
  fillSelect($('group-members'), state.users.map((u) => [u.id, userLabel(u)]), true);
  renderChatHead();
}

function openChat() {
  return state.chats.find((c) => c.chat_id === state.chatId) || null;
}

function renderChatHead() {
  const chat = openChat();
  const senderLabel = $('sender-label');
  const sender = $('sender-select');
  const canWrite = Boolean(chat) && (chat.type === 'private' || (chat.members.length > 0 && chat.bot_is_member));
  $('input').disabled = !canWrite;
  $('send').disabled = !canWrite;
  $('attach-photo').disabled = !canWrite;
  $('attach-document').disabled = !canWrite;
  if (!chat) {
    $('chat-title').textContent = 'No chat open';
    senderLabel.hidden = true;
    return;
  }
  $('chat-title').textContent = chatLabel(chat);
  if (chat.type === 'private') {
    senderLabel.hidden = true;
    sender.replaceChildren();
  } else {
    const previous = sender.value;
    sender.replaceChildren(...chat.members.map((u) => el('option', { value: u.id }, userLabel(u))));
    if (chat.members.some((u) => String(u.id) === previous)) sender.value = previous;
    senderLabel.hidden = false;
  }
}

function selectChat(chatId) {
  state.chatId = chatId;
  state.rev = 0;
  state.messages.clear();
  state.generation += 1;
  $('messages').replaceChildren();
  $('reply-keyboard').hidden = true;
  $('start-row').hidden = true;
  $('chat-select').value = chatId === null ? '' : String(chatId);
  renderChatHead();
  poll();
}

// ---------------------------------------------------------------- what people see

let pollInFlight = false;
let pollAgain = false;

/** Fetches what changed in the open chat since the last revision; one request at a time, then every POLL_MS. */
async function poll() {
  if (pollInFlight) {
    pollAgain = true;
    return;
  }
  clearTimeout(state.polling);
  pollInFlight = true;
  const generation = state.generation;
  try {
    if (state.chatId !== null) {
      const page = await call('GET', `/chats/${state.chatId}/messages?after=${state.rev}`);
      if (generation === state.generation) {
        for (const m of page.messages) upsert(m);
        if (page.messages.length) state.rev = Math.max(state.rev, ...page.messages.map((m) => m.rev));
        afterRender();
      }
    }
    if ($('status').dataset.poll) {
      delete $('status').dataset.poll;
      status('');
    }
  } catch (e) {
    status('Cannot reach the local runner: ' + e.message, true);
    $('status').dataset.poll = '1';
  } finally {
    pollInFlight = false;
  }
  if (pollAgain) {
    pollAgain = false;
    poll();
    return;
  }
  state.polling = setTimeout(poll, POLL_MS);
}

function upsert(m) {
  state.messages.set(m.message_id, m);
  const box = $('messages');
  const node = renderMessage(m);
  const existing = box.querySelector(`[data-message-id="${m.message_id}"]`);
  if (existing) {
    existing.replaceWith(node);
    return;
  }
  // keep Telegram's order: message ids count up per chat
  const after = Array.from(box.children).find((c) => Number(c.dataset.messageId) > m.message_id);
  box.insertBefore(node, after || null);
}

function renderMessage(m) {
  const chat = openChat();
  // in a group, the chosen member's messages are on the right, everybody else's on the left
  const mine = m.from === 'user' && (!chat || chat.type === 'private' || (m.sender && String(m.sender.id) === $('sender-select').value));
  const wrap = el('div', {
    'data-testid': 'sim-message',
    class: `msg from-${m.from}${mine ? ' mine' : ''}`,
    dataset: { from: m.from, messageId: String(m.message_id) },
  });
  if (m.from === 'service') {
    wrap.append(el('div', { class: 'service', 'data-testid': 'sim-text' }, m.service));
    return wrap;
  }
  const bubble = el('div', { class: 'bubble' });
  wrap.append(bubble);
  if (m.from === 'user' && chat && chat.type !== 'private' && m.sender) {
    bubble.append(el('div', { class: 'sender-name', 'data-testid': 'sim-sender' }, m.sender.name));
  }
  if (m.from === 'bot' && chat && chat.type !== 'private' && state.bot) {
    bubble.append(el('div', { class: 'sender-name bot' }, state.bot.first_name));
  }
  if (m.photo) {
    if (m.photo.url) {
      const img = el('img', { class: 'photo', 'data-testid': 'sim-photo', src: m.photo.url, alt: 'photo', width: m.photo.width || null,
        height: m.photo.height || null });
      img.addEventListener('load', keepAtBottom);
      bubble.append(img);
    } else {
      bubble.append(el('div', { class: 'file', 'data-testid': 'sim-photo' }, '🖼 photo (by file_id; no bytes in the fake)'));
    }
  }
  if (m.file) {
    const label = `${m.file.kind === 'document' ? '📄' : '📦'} ${m.file.file_name || m.file.kind}` +
      (m.file.file_size ? ` · ${size(m.file.file_size)}` : '');
    if (m.file.url) {
      bubble.append(el('a', { class: 'file', 'data-testid': 'sim-document', href: m.file.url, download: m.file.file_name || 'file' }, label));
    } else {
      bubble.append(el('div', { class: 'file', 'data-testid': 'sim-document' }, label));
    }
  }
  const text = m.text ?? m.caption;
  if (text !== undefined && text !== null) bubble.append(el('div', { class: 'text', 'data-testid': 'sim-text' }, text));
  const meta = el('div', { class: 'meta' }, time(m.date) + (m.edited ? ' · edited' : ''));
  bubble.append(meta);
  if (m.buttons) {
    const kb = el('div', { class: 'inline-keyboard', 'data-testid': 'sim-buttons' });
    for (const row of m.buttons) {
      const r = el('div', { class: 'kb-row' });
      for (const b of row) r.append(inlineButton(m, b));
      kb.append(r);
    }
    wrap.append(kb);
  }
  return wrap;
}

function inlineButton(m, b) {
  if (typeof b.callback_data === 'string') {
    const button = el('button', { type: 'button', class: 'kb-button', 'data-testid': 'sim-button', 'data-callback': b.callback_data }, b.text);
    button.addEventListener('click', () => press(m.message_id, b.callback_data, button));
    return button;
  }
  if (typeof b.url === 'string' && /^(https?|tg):\/\//i.test(b.url)) {
    return el('a', { class: 'kb-button', 'data-testid': 'sim-url-button', href: b.url, target: '_blank', rel: 'noopener noreferrer' },
      b.text + ' ↗');
  }
  return el('span', { class: 'kb-button disabled' }, b.text);
}

/** The reply keyboard the bot showed last (until it removes it), and the START button of an empty private chat. */
function afterRender() {
  const box = $('messages');
  const ordered = Array.from(state.messages.values()).sort((a, b) => a.message_id - b.message_id);
  let keyboard = null;
  for (const m of ordered) {
    if (m.from !== 'bot') continue;
    if (m.reply_keyboard) keyboard = m.reply_keyboard;
    else if (m.remove_keyboard) keyboard = null;
  }
  const kb = $('reply-keyboard');
  kb.replaceChildren();
  if (keyboard) {
    for (const row of keyboard) {
      const r = el('div', { class: 'kb-row' });
      for (const label of row) {
        const b = el('button', { type: 'button', class: 'kb-button', 'data-testid': 'sim-reply-button' }, label);
        b.addEventListener('click', () => send(label));
        r.append(b);
      }
      kb.append(r);
    }
  }
  kb.hidden = !keyboard;
  const chat = openChat();
  $('start-row').hidden = !(chat && chat.type === 'private' && ordered.length === 0);
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 160;
  if (nearBottom || box.dataset.scrolled !== String(state.generation)) {
    box.scrollTop = box.scrollHeight;
    box.dataset.scrolled = String(state.generation);
  }
  rememberScroll();
}

function rememberScroll() {
  const box = $('messages');
  box.dataset.atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 160 ? '1' : '0';
}

function rerenderAll() {
  const box = $('messages');
  for (const m of state.messages.values()) {
    const existing = box.querySelector(`[data-message-id="${m.message_id}"]`);
    if (existing) existing.replaceWith(renderMessage(m));
  }
}

/** A picture that finished loading pushes the chat up: stay at the bottom if the reader was there. */
function keepAtBottom() {
  const box = $('messages');
  if (box.dataset.atBottom === '1') box.scrollTop = box.scrollHeight;
}

function time(seconds) {
  if (!seconds) return '';
  return new Date(seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// ---------------------------------------------------------------- what people do

function sender() {
  const chat = openChat();
  if (!chat) return undefined;
  if (chat.type === 'private') return chat.user_id;
  const v = $('sender-select').value;
  return v ? Number(v) : undefined;
}

async function send(text) {
  if (state.chatId === null || !text.trim()) return;
  try {
    await call('POST', `/chats/${state.chatId}/messages`, { from: sender(), text });
    status('');
    poll();
  } catch (e) {
    status(e.message, true);
  }
}

async function press(messageId, data, button) {
  button.disabled = true;
  try {
    await call('POST', `/chats/${state.chatId}/press`, { from: sender(), message_id: messageId, data });
    status('');
    poll();
  } catch (e) {
    status(e.message, true);
  } finally {
    button.disabled = false;
  }
}

function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function sendFile(input, kind) {
  const file = input.files && input.files[0];
  if (!file || state.chatId === null) return;
  const caption = $('input').value.trim();
  status(`Sending ${file.name}…`);
  try {
    const data = base64(await file.arrayBuffer());
    await call('POST', `/chats/${state.chatId}/files`, {
      from: sender(), kind, file_name: file.name, mime_type: file.type || undefined, data, caption: caption || undefined,
    });
    $('input').value = '';
    status('');
    poll();
  } catch (e) {
    status(e.message, true);
  } finally {
    input.value = '';
  }
}

// ---------------------------------------------------------------- wiring

function wire() {
  $('user-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const first = $('user-name').value.trim();
    if (!first) { status('A user needs a first name.', true); return; }
    const username = $('user-username').value.trim().replace(/^@/, '');
    try {
      const made = await call('POST', '/users', { first_name: first, username: username || undefined, language_code: $('user-lang').value });
      $('user-name').value = '';
      $('user-username').value = '';
      await loadState();
      selectChat(made.chat.chat_id);
      status(`${first} is ready: say something to the bot.`);
    } catch (e) {
      status(e.message, true);
    }
  });

  $('group-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const title = $('group-title').value.trim();
    const ids = Array.from($('group-members').selectedOptions).map((o) => Number(o.value));
    if (!title || ids.length === 0) { status('A group needs a title and at least one member.', true); return; }
    try {
      const made = await call('POST', '/groups', { title, member_ids: ids });
      $('group-title').value = '';
      for (const o of $('group-members').options) o.selected = false;
      await loadState();
      selectChat(made.chat.chat_id);
      status(`The bot was added to “${title}”.`);
    } catch (e) {
      status(e.message, true);
    }
  });

  $('chat-select').addEventListener('change', (ev) => {
    const v = ev.target.value;
    selectChat(v === '' ? null : Number(v));
  });

  $('composer').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = $('input');
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    await send(text);
    input.focus();
  });

  $('start-button').addEventListener('click', () => send('/start'));
  $('sender-select').addEventListener('change', rerenderAll);
  $('messages').addEventListener('scroll', rememberScroll);
  $('attach-photo').addEventListener('change', (ev) => sendFile(ev.target, 'photo'));
  $('attach-document').addEventListener('change', (ev) => sendFile(ev.target, 'document'));
}

async function refreshState() {
  try {
    await loadState();
  } catch (e) {
    status('Cannot reach the local runner: ' + e.message, true);
  }
  setTimeout(refreshState, STATE_MS);
}

wire();
await refreshState();
const wanted = new URLSearchParams(location.search).get('chat');
if (wanted && state.chats.some((c) => String(c.chat_id) === wanted)) selectChat(Number(wanted));
else renderChatHead();
