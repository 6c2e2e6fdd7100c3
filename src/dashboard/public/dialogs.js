import { ApiError, describeError, storeApiKey } from './api.js';
import { alertNow, announce, clear, h, replace } from './dom.js';

// The two modal dialogs of the page: the API key form (opened by a 401) and the confirmation of operator actions.
// Both are native <dialog>s opened with showModal(): focus is trapped, Escape cancels, and focus returns to the
// element that opened them.

/** Resolves with the key the operator typed, or null when they cancel. */
export function promptForApiKey(problem) {
  const dialog = document.getElementById('api-key-dialog');
  const form = document.getElementById('api-key-form');
  const input = document.getElementById('api-key-input');
  const error = document.getElementById('api-key-error');
  const opener = document.activeElement;
  const rejected = problem instanceof ApiError && problem.code === 'API_KEY_UNKNOWN';
  error.hidden = !rejected;
  error.textContent = rejected ? 'The engine does not know that key. Check it and type it again.' : '';
  input.value = '';
  input.setAttribute('aria-invalid', String(rejected));
  if (rejected) input.setAttribute('aria-describedby', 'api-key-error');
  else input.removeAttribute('aria-describedby');

  return new Promise((resolve) => {
    const onSubmit = (event) => {
      const choice = event.submitter?.value ?? 'save';
      if (choice === 'save' && input.value.trim() === '') {
        event.preventDefault();
        error.hidden = false;
        error.textContent = 'Type the API key, or cancel.';
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', 'api-key-error');
        input.focus();
        return;
      }
      dialog.returnValue = choice;
    };
    const onClose = () => {
      form.removeEventListener('submit', onSubmit);
      dialog.removeEventListener('close', onClose);
      const key = dialog.returnValue === 'save' ? input.value.trim() : '';
      input.value = '';
      if (key) storeApiKey(key);
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(key || null);
    };
    form.addEventListener('submit', onSubmit);
    dialog.addEventListener('close', onClose);
    dialog.returnValue = 'cancel';
    dialog.showModal();
    input.focus();
  });
}

/**
 * Asks before an operator action, runs it, and shows the outcome in the same dialog (the result is announced too),
 * so the operator sees what happened without hunting for it.
 *
 * @param {{ title: string, body: (Node|string)[], confirmLabel: string, run: () => Promise<unknown>,
 *           success: (result: unknown) => string }} options
 * @returns {Promise<{ ok: boolean, result?: unknown, error?: unknown, cancelled?: boolean }>}
 */
export function confirmAndRun({ title, body, confirmLabel, run, success }) {
  const dialog = document.getElementById('confirm-dialog');
  const form = document.getElementById('confirm-form');
  const ok = document.getElementById('confirm-ok');
  const cancel = document.getElementById('confirm-cancel');
  const result = document.getElementById('confirm-result');
  const opener = document.activeElement;
  document.getElementById('confirm-title').textContent = title;
  clear(document.getElementById('confirm-body')).append(
    ...body.map((part) => (typeof part === 'string' ? h('p', {}, part) : part)),
  );
  clear(result);
  ok.hidden = false;
  ok.disabled = false;
  ok.textContent = confirmLabel;
  cancel.textContent = 'Cancel';
  cancel.disabled = false;

  return new Promise((resolve) => {
    let outcome = { ok: false, cancelled: true };
    let running = false;
    const onSubmit = async (event) => {
      if (event.submitter?.value !== 'confirm') return;
      event.preventDefault();
      if (running) return;
      running = true;
      ok.disabled = true;
      cancel.disabled = true;
      replace(result, h('p', { class: 'loading' }, 'Working…'));
      try {
        const value = await run();
        const message = success(value);
        outcome = { ok: true, result: value };
        replace(result, h('p', { class: 'banner banner-ok', dataset: { outcome: 'ok' } }, message));
        announce(message);
      } catch (error) {
        outcome = { ok: false, error };
        const message = describeError(error);
        replace(
          result,
          h(
            'div',
            { class: 'banner banner-error', dataset: { outcome: 'error' } },
            h('p', {}, h('strong', {}, 'Not done. '), message),
            error instanceof ApiError && error.code ? h('p', { class: 'muted' }, `Code: ${error.code}`) : null,
          ),
        );
        alertNow(`Not done: ${message}`);
      }
      running = false;
      ok.hidden = true;
      cancel.disabled = false;
      cancel.textContent = 'Close';
      cancel.focus();
    };
    const onCancel = (event) => {
      if (running) event.preventDefault();
    };
    const onClose = () => {
      form.removeEventListener('submit', onSubmit);
      dialog.removeEventListener('cancel', onCancel);
      dialog.removeEventListener('close', onClose);
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(outcome);
    };
    form.addEventListener('submit', onSubmit);
    dialog.addEventListener('cancel', onCancel);
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    ok.focus();
  });
}
