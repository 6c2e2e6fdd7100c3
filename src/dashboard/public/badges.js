import { h, uid } from './dom.js';

// State badges. A badge with reasons ("Not imported", "Not shipped", "Ignored") is a real button whose reasons show in
// a tooltip on hover *and* on keyboard focus (WCAG 1.4.13: it stays while the pointer is over it, Escape dismisses it
// without moving focus). Failure badges re-drive the order on click; the others pin their tooltip open.

const ACTION_HINTS = {
  reimport: 'Activate to re-import this order.',
  resend: 'Activate to re-send the action.',
};

/**
 * @param {{label:string, kind:string, messages:string[], note?:string|null, action?:string, title?:string}} badge
 * @param {{ onAction?: (badge) => void, context?: string, denied?: (action: string) => string|null }} options
 *   `context` names the order for screen readers; `denied` says why the key may not run the badge's action (null: it
 *   may).
 */
export function renderBadge(badge, { onAction, context = '', denied } = {}) {
  const className = `badge badge-${badge.kind}`;
  const denial = badge.action && onAction ? (denied?.(badge.action) ?? null) : null;
  // A badge whose action the key may not run stays a button, focusable, so its reasons and the denial can be read:
  // aria-disabled, not disabled, and a click pins the tooltip instead of running the action.
  const actionable = Boolean(badge.action && onAction) && !denial;
  const hasReasons = (badge.messages?.length ?? 0) > 0 || badge.note || denial;
  if (!hasReasons && !actionable) {
    return h('span', { class: className, dataset: { badge: badge.key, state: badge.label } }, badge.label, [
      badge.title ? h('span', { class: 'visually-hidden' }, ` (${badge.title})`) : null,
    ]);
  }

  const tipId = uid('reasons');
  const tip = h(
    'div',
    { class: 'reasons-tip', id: tipId, role: 'tooltip', hidden: true },
    (badge.messages?.length ?? 0) > 0
      ? [
          h('p', {}, h('strong', {}, badge.messages.length > 1 ? 'Reasons' : 'Reason')),
          h(
            'ul',
            {},
            badge.messages.map((message) => h('li', {}, message)),
          ),
        ]
      : null,
    badge.note ? h('p', {}, badge.note) : null,
    actionable ? h('p', { class: 'muted' }, ACTION_HINTS[badge.action]) : null,
    denial ? h('p', { class: 'role-note', dataset: { denial: '' } }, denial) : null,
  );
  const button = h(
    'button',
    {
      type: 'button',
      class: className,
      'aria-describedby': tipId,
      'aria-disabled': denial ? 'true' : null,
      ...(actionable ? {} : { 'aria-expanded': 'false' }),
      dataset: {
        badge: badge.key,
        state: badge.label,
        ...(badge.action && onAction ? { action: badge.action } : {}),
        ...(denial ? { denied: '' } : {}),
      },
    },
    badge.label,
    // The visible label alone ("Not imported") does not say which order in a long table.
    context ? h('span', { class: 'visually-hidden' }, ` — ${context}`) : null,
    actionable ? h('span', { 'aria-hidden': 'true' }, ' ↻') : null,
  );
  const wrapper = h('span', { class: 'reasons' }, button, tip);

  let pinned = false;
  let hideTimer = null;
  const show = () => {
    clearTimeout(hideTimer);
    tip.hidden = false;
    place(button, tip);
  };
  const hide = (force = false) => {
    if (pinned && !force) return;
    pinned = false;
    if (!actionable) button.setAttribute('aria-expanded', 'false');
    tip.hidden = true;
  };
  // A short grace period lets the pointer travel from the badge into the tooltip without it vanishing.
  const hideSoon = () => {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(() => {
      if (!wrapper.matches(':hover') && document.activeElement !== button) hide();
    }, 150);
  };
  wrapper.addEventListener('mouseenter', show);
  wrapper.addEventListener('mouseleave', hideSoon);
  button.addEventListener('focus', show);
  button.addEventListener('blur', hideSoon);
  button.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !tip.hidden) {
      event.stopPropagation();
      hide(true);
    }
  });
  button.addEventListener('click', () => {
    if (actionable) {
      hide(true);
      onAction(badge);
      return;
    }
    pinned = !pinned;
    button.setAttribute('aria-expanded', String(pinned));
    if (pinned) show();
    else hide(true);
  });
  return wrapper;
}

export function renderBadges(badges, options) {
  return h(
    'div',
    { class: 'badges' },
    badges.map((badge) => renderBadge(badge, options)),
  );
}

/**
 * The tooltip is `position: fixed` at the badge, so a scrolling table (overflow) cannot clip it; it opens below the
 * badge, or above when the viewport has no room below, and stays inside the viewport horizontally.
 */
function place(anchor, tip) {
  const box = anchor.getBoundingClientRect();
  const gap = 6;
  tip.style.left = '0px';
  tip.style.top = '0px';
  const width = tip.offsetWidth;
  const height = tip.offsetHeight;
  const left = Math.max(8, Math.min(box.left, window.innerWidth - width - 8));
  const below = box.bottom + gap;
  const top = below + height > window.innerHeight - 8 && box.top - gap - height > 8 ? box.top - gap - height : below;
  tip.style.left = `${Math.round(left)}px`;
  tip.style.top = `${Math.round(top)}px`;
}
