import { api, currentApiKey } from './api.js';
import { describedBy, disableFor, h, uid } from './dom.js';
import { ENDPOINTS } from './endpoints.js';

// What the page's API key may do. The engine says the key's role once per key (/api/auth/me); controls that need a
// higher role are disabled up front, with the reason beside them, instead of being refused after the operator
// confirmed. The engine still checks every request: a refusal is shown as before, and makes the page ask again.

const ROLES = ['viewer', 'operator', 'admin'];
/** Role not known (no key yet, an engine without /api/auth/me, no answer): nothing is disabled for it. */
const UNKNOWN = { role: null, keyId: null, open: false };

let access = UNKNOWN;
/** The key the latest question was asked with; undefined before the first. */
let askedFor;
const listeners = new Set();

/** `{ role, keyId, open }`; `role` is null while it is not known. */
export const currentAccess = () => access;

/** Called with the new access each time it changes; returns the unsubscribe function. */
export function onAccessChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function ask() {
  const key = currentApiKey();
  askedFor = key;
  let next = UNKNOWN;
  try {
    // No key dialog from here: the view's own requests open it when the engine wants a key.
    const { body } = await api('GET', ENDPOINTS.me, { askForKey: false });
    if (ROLES.includes(body?.role)) next = { role: body.role, keyId: body.keyId ?? null, open: body.open === true };
  } catch {
    // Unknown: every control stays on, and the engine's refusal explains itself.
  }
  // The key changed while this answer was out: the question asked for the new key decides.
  if (currentApiKey() !== key) return;
  if (next.role === access.role && next.keyId === access.keyId && next.open === access.open) return;
  access = next;
  listeners.forEach((listener) => listener(access));
}

/** Asks now, again whenever the key changes or is forgotten, and after the engine refused a command for the role. */
export function startAccess() {
  document.addEventListener('api-key-changed', () => {
    if (currentApiKey() !== askedFor) ask();
  });
  document.addEventListener('api-role-refused', () => ask());
  ask();
}

const allows = (have, need) => ROLES.indexOf(have) >= ROLES.indexOf(need);
const article = (word) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** Why a command needing `need` is off for this key ("needs the operator role; this key is a viewer key"), or null. */
export function roleDenial(need) {
  if (!access.role || allows(access.role, need)) return null;
  return `needs the ${need} role; this key is ${article(access.role)} ${access.role} key`;
}

/**
 * The visible explanation for the controls of one part of a page that need `need`, hidden while the key may use
 * them. `subject` names those controls ("Import now, re-import and re-send"); `plural` picks "need" over "needs".
 */
export function roleNote(need, subject, { plural = false } = {}) {
  const note = h('p', {
    class: 'role-note',
    id: uid('role-note'),
    hidden: true,
    dataset: { roleNoteFor: need, subject, plural: String(plural) },
  });
  applyNote(note);
  return note;
}

function applyNote(note) {
  const denial = roleDenial(note.dataset.roleNoteFor);
  note.hidden = !denial;
  note.textContent = denial
    ? `${note.dataset.subject} ${denial.replace(/^needs/, note.dataset.plural === 'true' ? 'need' : 'needs')}.`
    : '';
}

/** Marks a control as needing `need`: disabled, and described by `note`, while the key's role is lower. */
export function needsRole(control, need, note) {
  control.dataset.needsRole = need;
  control.dataset.roleNoteId = note.id;
  applyControl(control);
  return control;
}

function applyControl(control) {
  const denied = roleDenial(control.dataset.needsRole) !== null;
  disableFor(control, 'role', denied);
  describedBy(control, control.dataset.roleNoteId, denied);
}

/** Brings the notes and marked controls under `root` in line with the current access. */
export function applyAccess(root) {
  root.querySelectorAll('[data-role-note-for]').forEach(applyNote);
  root.querySelectorAll('[data-needs-role]').forEach(applyControl);
}
