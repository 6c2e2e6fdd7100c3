import { applyAccess, needsRole, roleNote } from './access.js';
import { ApiError, describeError } from './api.js';
import { announce, disableFor, h, replace, uid } from './dom.js';
import { formatCount, formatDate, humanise } from './format.js';
import { describeActor } from './order-api.js';
import { LENGOW_STATUSES } from './orders-api.js';
import {
  CARRIER_COMMANDS,
  IMPORT_FIELDS,
  carrierOptionsFrom,
  changedImportFields,
  fieldOfError,
  loadSettings,
  saveImportSettings,
  sendCarrierCommand,
} from './settings-api.js';

// "Order parameters": the import settings (validated by the engine, its messages shown next to each field) and the
// carrier mapping per marketplace, with a notice for every marketplace whose carriers are not mapped yet.

export function mountSettings(container) {
  let unmounted = false;
  let settings = null;
  let shopCarriers = [];
  /** Sections the operator opened or closed, so a re-render after a change does not fold what they work in. */
  const sectionOpen = new Map();

  const notice = h('div', { id: 'unmapped-notice' });
  const errorBanner = h('div', { class: 'banner banner-error', role: 'alert', hidden: true });
  const importSection = h('section', { 'aria-labelledby': 'import-settings-title', class: 'panel' });
  const carriersSection = h('section', { 'aria-labelledby': 'carrier-mapping-title', class: 'panel' });
  const historySection = h('section', { 'aria-labelledby': 'settings-history-title', class: 'panel' });
  container.append(
    h('h1', {}, 'Order parameters'),
    errorBanner,
    notice,
    importSection,
    carriersSection,
    historySection,
  );

  /** Who changed what, when: the settings stream is the audit trail, newest first. */
  function renderHistory() {
    const entries = settings.history.slice(0, 20);
    replace(
      historySection,
      h('h2', { id: 'settings-history-title' }, 'Recent changes'),
      entries.length === 0
        ? h('p', { class: 'muted' }, 'No change yet.')
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              {},
              h(
                'caption',
                {},
                `Latest ${entries.length} of ${formatCount(settings.historyTotal)} changes, newest first`,
              ),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'col' }, 'When'),
                  h('th', { scope: 'col' }, 'Who'),
                  h('th', { scope: 'col' }, 'What'),
                ),
              ),
              h(
                'tbody',
                {},
                entries.map((entry) =>
                  h(
                    'tr',
                    { dataset: { revision: entry.revision } },
                    h(
                      'td',
                      { class: 'nowrap' },
                      h('time', { datetime: entry.at }, formatDate(entry.at, { short: true })),
                    ),
                    h('td', {}, describeActor(entry.actor)),
                    h('td', {}, entry.summary),
                  ),
                ),
              ),
            ),
          ),
    );
  }

  // ---- import settings ----------------------------------------------------------------------------------------------
  const formError = h('div', {
    id: 'import-settings-errors',
    class: 'form-error',
    role: 'alert',
    tabindex: '-1',
    hidden: true,
  });
  const savedMessage = h('p', { role: 'status', class: 'muted' });
  const importRoleNote = roleNote('admin', 'Saving the import settings');
  const controls = new Map();
  const importForm = h('form', { novalidate: true, 'aria-describedby': 'import-settings-help' });

  function errorSlot(name) {
    return h('p', { class: 'field-error', id: `error-${name.replace(/\./g, '-')}`, hidden: true });
  }

  function numberField(name, label, hint, { min, max } = {}) {
    const id = uid(name);
    const input = h('input', {
      id,
      name,
      type: 'number',
      inputmode: 'numeric',
      min: min ?? null,
      max: max ?? null,
      step: '1',
      dataset: { field: name },
      'aria-describedby': `${id}-hint`,
    });
    const slot = errorSlot(name);
    controls.set(name, { input, slot, hintId: `${id}-hint` });
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      input,
      h('p', { class: 'field-hint', id: `${id}-hint` }, hint),
      slot,
    );
  }

  function checkField(name, label, hint) {
    const id = uid(name);
    const input = h('input', {
      id,
      name,
      type: 'checkbox',
      dataset: { field: name },
      'aria-describedby': `${id}-hint`,
    });
    const slot = errorSlot(name);
    controls.set(name, { input, slot, hintId: `${id}-hint` });
    return h(
      'div',
      { class: 'field' },
      h('label', { class: 'check', for: id }, input, label),
      h('p', { class: 'field-hint', id: `${id}-hint` }, hint),
      slot,
    );
  }

  const statusSlot = errorSlot('importableStatuses');
  const statusBoxes = LENGOW_STATUSES.map((status) => {
    const id = uid(`status-${status}`);
    return h(
      'label',
      { class: 'check', for: id },
      h('input', { id, type: 'checkbox', name: 'importableStatuses', value: status }),
      humanise(status),
    );
  });
  controls.set('importableStatuses', {
    input: null,
    slot: statusSlot,
    group: () => [...importForm.querySelectorAll('input[name="importableStatuses"]')],
  });

  importForm.append(
    formError,
    h(
      'fieldset',
      { 'aria-describedby': 'statuses-hint error-importableStatuses', dataset: { field: 'importableStatuses' } },
      h('legend', {}, 'Importable Lengow statuses'),
      h(
        'p',
        { class: 'field-hint', id: 'statuses-hint' },
        'A shop order is created only for orders in one of these statuses.',
      ),
      h('div', { class: 'checkbox-list' }, statusBoxes),
      statusSlot,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Schedule'),
      h(
        'div',
        { class: 'settings-grid' },
        numberField('importWindowDays', 'Import window (days)', 'How far back each import looks: 1 to 10 days.', {
          min: 1,
          max: 10,
        }),
        numberField(
          'importIntervalSeconds',
          'Import interval (seconds)',
          'Time between scheduled imports: 10 s to 1 day. Empty: the deployment’s IMPORT_INTERVAL.',
          { min: 10, max: 86400 },
        ),
        numberField(
          'maxOrderAgeMonths',
          'Maximum order age (months)',
          'Older orders are not imported by a scheduled run: 1 to 24.',
          { min: 1, max: 24 },
        ),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Orders'),
      h(
        'div',
        { class: 'settings-grid' },
        checkField(
          'createShippedByMarketplace',
          'Import orders shipped by the marketplace',
          'FBA and similar: create a shop order for them.',
        ),
        checkField(
          'decrementStockShippedByMarketplace',
          'Those orders reduce stock',
          'Off: their quantities do not leave your stock.',
        ),
        checkField('importProcessingFee', 'Import the processing fee', 'Added to the shop order total.'),
        checkField('forceProduct', 'Force products', 'Add inactive or out-of-stock products anyway.'),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Retries of failed imports'),
      h(
        'div',
        { class: 'settings-grid' },
        numberField('retryPolicy.initialDelaySeconds', 'First retry after (seconds)', '1 s to 1 day.', {
          min: 1,
          max: 86400,
        }),
        numberField(
          'retryPolicy.maxDelaySeconds',
          'Longest delay (seconds)',
          'Up to 7 days, not below the first delay.',
          { min: 1, max: 604800 },
        ),
        numberField('retryPolicy.maxAttempts', 'Attempts before parking', '1 to 100.', { min: 1, max: 100 }),
      ),
    ),
    h(
      'div',
      { class: 'form-buttons' },
      needsRole(h('button', { type: 'submit', class: 'primary' }, 'Save import settings'), 'admin', importRoleNote),
      h('button', { type: 'button', onclick: () => fillImportForm() }, 'Undo changes'),
      savedMessage,
    ),
    importRoleNote,
  );
  importSection.append(
    h('h2', { id: 'import-settings-title' }, 'Import settings'),
    h(
      'p',
      { class: 'field-hint', id: 'import-settings-help' },
      'The engine checks every value; its messages appear next to the fields.',
    ),
    importForm,
  );

  function fillImportForm() {
    if (!settings) return;
    const values = settings.importParameters;
    for (const box of importForm.querySelectorAll('input[name="importableStatuses"]')) {
      box.checked = values.importableStatuses.includes(box.value);
    }
    const interval = controls.get('importIntervalSeconds').input;
    interval.placeholder =
      settings.effectiveIntervalSeconds !== null ? `IMPORT_INTERVAL: ${settings.effectiveIntervalSeconds}` : '';
    for (const name of IMPORT_FIELDS) {
      const control = controls.get(name);
      if (!control?.input) continue;
      const value = readPath(values, name);
      if (control.input.type === 'checkbox') control.input.checked = Boolean(value);
      else control.input.value = value === null || value === undefined ? '' : String(value);
    }
    clearErrors();
  }

  function readForm() {
    const values = {};
    values.importableStatuses = [...importForm.querySelectorAll('input[name="importableStatuses"]:checked')].map(
      (box) => box.value,
    );
    for (const name of IMPORT_FIELDS) {
      const control = controls.get(name);
      if (!control?.input) continue;
      let value;
      if (control.input.type === 'checkbox') value = control.input.checked;
      // An empty or half-typed number goes to the engine as is, so its message (not the browser's) explains it.
      else if (control.input.value.trim() === '') value = name === 'importIntervalSeconds' ? null : '';
      else value = Number(control.input.value);
      if (Number.isNaN(value)) value = control.input.value;
      writePath(values, name, value);
    }
    return values;
  }

  function clearErrors() {
    formError.hidden = true;
    replace(formError);
    for (const [name, control] of controls) {
      control.slot.hidden = true;
      control.slot.textContent = '';
      const inputs = control.group ? control.group() : [control.input];
      for (const input of inputs) {
        input.removeAttribute('aria-invalid');
        if (!control.group) input.setAttribute('aria-describedby', control.hintId);
      }
      void name;
    }
  }

  function showErrors(error) {
    clearErrors();
    const unplaced = [];
    const placed = [];
    const fields =
      error instanceof ApiError && error.fields.length > 0
        ? error.fields
        : [{ field: '', message: describeError(error) }];
    for (const item of fields) {
      const name = fieldOfError(item.field, controls);
      const control = name ? controls.get(name) : null;
      if (!control) {
        unplaced.push(item.message);
        continue;
      }
      control.slot.hidden = false;
      control.slot.textContent = control.slot.textContent
        ? `${control.slot.textContent} ${item.message}`
        : item.message;
      const inputs = control.group ? control.group() : [control.input];
      for (const input of inputs) {
        input.setAttribute('aria-invalid', 'true');
        if (!control.group) input.setAttribute('aria-describedby', `${control.hintId} ${control.slot.id}`);
      }
      placed.push({ name, message: item.message, target: inputs[0] });
    }
    // An error summary first (focused), each entry a link to its field, then the messages beside the fields.
    formError.hidden = false;
    replace(
      formError,
      h(
        'p',
        {},
        h(
          'strong',
          {},
          placed.length + unplaced.length > 1 ? 'The settings were not saved:' : 'The settings were not saved.',
        ),
      ),
      h(
        'ul',
        { class: 'messages' },
        placed.map((item) =>
          h(
            'li',
            {},
            h(
              'a',
              {
                href: '#',
                onclick: (event) => {
                  event.preventDefault();
                  item.target.focus();
                },
              },
              item.message,
            ),
          ),
        ),
        unplaced.map((message) => h('li', {}, message)),
      ),
    );
    formError.focus();
  }

  importForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!settings) return;
    const changes = changedImportFields(settings.importParameters, readForm());
    if (Object.keys(changes).length === 0) {
      clearErrors();
      savedMessage.textContent = 'Nothing changed.';
      return;
    }
    const submit = importForm.querySelector('button[type="submit"]');
    disableFor(submit, 'busy', true);
    savedMessage.textContent = 'Saving…';
    try {
      await saveImportSettings(changes, settings.revision);
      await reload();
      clearErrors();
      savedMessage.textContent = `Saved: ${Object.keys(changes).map(humanise).join(', ')}.`;
      announce('Import settings saved.');
    } catch (error) {
      savedMessage.textContent = '';
      if (error instanceof ApiError && error.status === 412) {
        formError.hidden = false;
        replace(
          formError,
          h('p', {}, 'Someone changed the settings meanwhile. Reload them, then apply your change again.'),
          h('button', { type: 'button', onclick: () => reload().then(fillImportForm) }, 'Reload settings'),
        );
        formError.focus();
      } else showErrors(error);
    } finally {
      disableFor(submit, 'busy', false);
    }
  });

  // ---- unmapped carriers notice -------------------------------------------------------------------------------------
  function renderNotice() {
    const unmapped = settings.marketplaces.filter((marketplace) => marketplace.seen && !marketplace.mapped);
    if (unmapped.length === 0) {
      replace(notice);
      return;
    }
    replace(
      notice,
      h(
        'section',
        { class: 'banner banner-warn', 'aria-labelledby': 'unmapped-title', dataset: { notice: 'unmapped-carriers' } },
        h('h2', { id: 'unmapped-title' }, `Carriers not mapped yet (${formatCount(unmapped.length)})`),
        h(
          'p',
          {},
          'Orders from these marketplaces can fail to import ("You must select a default carrier…") and ship actions send the shop carrier’s name. Map a carrier or set a default carrier for each country:',
        ),
        h(
          'ul',
          {},
          unmapped.map((marketplace) =>
            h(
              'li',
              { dataset: { unmapped: marketplace.marketplace } },
              h(
                'button',
                { type: 'button', class: 'link-button', onclick: () => focusMarketplace(marketplace.marketplace) },
                marketplace.label,
              ),
              marketplace.uncoveredCountries.length > 0
                ? ` — countries without a carrier: ${marketplace.uncoveredCountries.join(', ')}`
                : ' — no carrier mapped',
            ),
          ),
        ),
      ),
    );
  }

  function focusMarketplace(code) {
    const heading = carriersSection.querySelector(`[data-marketplace-heading="${CSS.escape(code)}"]`);
    if (!heading) return;
    heading.closest('details')?.setAttribute('open', '');
    heading.setAttribute('tabindex', '-1');
    heading.scrollIntoView({ block: 'start' });
    heading.focus();
  }

  // ---- carrier mapping ----------------------------------------------------------------------------------------------
  /** Kept across redraws of the section: every mapping form and Remove button points to it. */
  const carriersRoleNote = roleNote('admin', 'Changing the carrier mappings');
  function renderCarriers() {
    const focusedKey = document.activeElement?.dataset?.focusKey;
    replace(
      carriersSection,
      h('h2', { id: 'carrier-mapping-title' }, 'Carrier mapping'),
      h(
        'p',
        { class: 'field-hint' },
        'Per marketplace and delivery country: which marketplace carrier code a shop carrier ships as, which shop carrier an imported shipping method gets, and the default carriers when nothing maps.',
      ),
      carriersRoleNote,
      ...(settings.marketplaces.length === 0
        ? [h('p', { class: 'muted' }, 'No marketplace seen yet: marketplaces appear here after the first import.')]
        : settings.marketplaces.map((marketplace) => renderMarketplace(marketplace))),
    );
    if (focusedKey) carriersSection.querySelector(`[data-focus-key="${CSS.escape(focusedKey)}"]`)?.focus();
    // The note was out of the page until the settings first arrived: the role may have become known meanwhile.
    applyAccess(carriersSection);
  }

  function renderMarketplace(marketplace) {
    const code = marketplace.marketplace;
    const headingId = uid(`mp-${code}`);
    const status = !marketplace.seen
      ? h('span', { class: 'badge badge-neutral' }, 'Configured only')
      : marketplace.mapped
        ? h('span', { class: 'badge badge-ok' }, 'Mapped')
        : h('span', { class: 'badge badge-warn' }, 'Not mapped');
    const mapping = marketplace.mapping;
    const countries = marketplace.countriesSeen ?? [];
    return h(
      'details',
      {
        class: 'panel',
        open: (sectionOpen.get(code) ?? !marketplace.mapped) || undefined,
        dataset: { marketplace: code },
        ontoggle: (event) => sectionOpen.set(code, event.currentTarget.open),
      },
      h(
        'summary',
        {},
        h(
          'h3',
          { id: headingId, style: null, dataset: { marketplaceHeading: code }, class: 'marketplace-title' },
          `${marketplace.label} `,
          status,
        ),
      ),
      h('p', { class: 'muted' }, `Code ${code}`, countries.length > 0 ? ` · seen in ${countries.join(', ')}` : ''),
      mappingTable(
        `Carriers of ${marketplace.label} (shop carrier → marketplace carrier code, for shipping)`,
        ['Country', 'Shop carrier', 'Marketplace carrier'],
        mapping.carriers.map((entry) => ({
          cells: [entry.country, entry.shopCarrier.name, entry.marketplaceCarrier],
          remove: {
            command: 'UnmapCarrier',
            data: { marketplace: code, country: entry.country, shopCarrierId: entry.shopCarrier.id },
            label: `Remove the ${entry.shopCarrier.name} mapping for ${entry.country}`,
          },
        })),
      ),
      mappingTable(
        `Shipping methods of ${marketplace.label} (marketplace method → shop carrier, for imports)`,
        ['Country', 'Marketplace method', 'Shop carrier'],
        mapping.methods.map((entry) => ({
          cells: [entry.country, entry.marketplaceMethod, entry.shopCarrier.name],
          remove: {
            command: 'UnmapShippingMethod',
            data: { marketplace: code, country: entry.country, marketplaceMethod: entry.marketplaceMethod },
            label: `Remove the ${entry.marketplaceMethod} method mapping for ${entry.country}`,
          },
        })),
      ),
      mappingTable(
        `Default carriers of ${marketplace.label}`,
        ['Country', 'Import: shop carrier', 'Ship: marketplace carrier'],
        mapping.defaults.map((entry) => ({
          cells: [entry.country, entry.importCarrier?.name ?? '—', entry.shipCarrier ?? '—'],
          remove: {
            command: 'SetDefaultCarrier',
            data: { marketplace: code, country: entry.country, importCarrier: null, shipCarrier: null },
            label: `Remove the default carriers for ${entry.country}`,
          },
        })),
      ),
      carrierForms(marketplace),
    );
  }

  function mappingTable(caption, headers, rows) {
    if (rows.length === 0) return h('p', { class: 'muted' }, `${caption}: none.`);
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('caption', {}, caption),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            headers.map((header) => h('th', { scope: 'col' }, header)),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map((row) =>
            h(
              'tr',
              {},
              row.cells.map((cell) => h('td', {}, cell)),
              h(
                'td',
                {},
                needsRole(
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'danger',
                      'aria-label': row.remove.label,
                      onclick: (event) =>
                        runCarrierCommand(row.remove.command, row.remove.data, event.currentTarget.closest('details')),
                    },
                    'Remove',
                  ),
                  'admin',
                  carriersRoleNote,
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  /** Three small forms per marketplace; errors from the engine show under the form that sent them. */
  function carrierForms(marketplace) {
    const code = marketplace.marketplace;
    const options = carrierOptionsFrom(marketplace);
    const countries = marketplace.countriesSeen ?? [];
    const listId = uid(`countries-${code}`);
    const carriersListId = uid(`codes-${code}`);
    const methodsListId = uid(`methods-${code}`);
    const datalists = [
      h(
        'datalist',
        { id: listId },
        countries.map((country) => h('option', { value: country })),
      ),
      h(
        'datalist',
        { id: carriersListId },
        options.carriers.map((carrier) => h('option', { value: carrier })),
      ),
      h(
        'datalist',
        { id: methodsListId },
        options.methods.map((method) => h('option', { value: method })),
      ),
    ];
    const defaultCountry = marketplace.uncoveredCountries[0] ?? countries[0] ?? '';

    const countryField = (form) =>
      textInput(form, 'country', 'Country', {
        list: listId,
        value: defaultCountry,
        size: 4,
        hint: 'ISO code, e.g. FR',
      });
    const shopCarrierField = (form, name = 'shopCarrierId', label = 'Shop carrier', optional = false) => {
      // Without the shop's carrier list (older engines), the operator types the shop carrier's id and name.
      if (shopCarriers.length === 0) {
        return h(
          'div',
          { class: 'mapping-form' },
          textInput(form, name, `${label} id`, { hint: optional ? 'Empty: none' : 'Id of the carrier in the shop' }),
          textInput(form, `${name}Name`, `${label} name`),
        );
      }
      const id = uid(`${form}-${name}`);
      return h(
        'div',
        { class: 'field' },
        h('label', { for: id }, label),
        h(
          'select',
          { id, name, dataset: { focusKey: `${code}-${form}-${name}` } },
          optional ? h('option', { value: '' }, '— none —') : null,
          shopCarriers.map((carrier) => h('option', { value: carrier.id }, carrier.name)),
        ),
      );
    };
    const textInput = (form, name, label, { list, value, size, hint } = {}) => {
      const id = uid(`${form}-${name}`);
      return h(
        'div',
        { class: 'field' },
        h('label', { for: id }, label),
        h('input', {
          id,
          name,
          type: 'text',
          list,
          value,
          size,
          autocomplete: 'off',
          'aria-describedby': hint ? `${id}-hint` : null,
          dataset: { focusKey: `${code}-${form}-${name}` },
        }),
        hint ? h('p', { class: 'field-hint', id: `${id}-hint` }, hint) : null,
      );
    };

    const makeForm = (kind, title, fields, build) => {
      const result = h('div', { 'aria-live': 'polite' });
      const form = h(
        'form',
        {
          class: 'mapping-form',
          novalidate: true,
          'aria-label': `${title} for ${marketplace.label}`,
          dataset: { form: kind, marketplace: code },
        },
        ...fields,
        needsRole(h('button', { type: 'submit', class: 'primary' }, title), 'admin', carriersRoleNote),
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const data = new FormData(form);
        const built = build(data);
        runCarrierCommand(built.command, built.data, form.closest('details'), result, form);
      });
      return h('div', {}, h('h4', {}, title), form, result);
    };

    const carrierById = (id) => shopCarriers.find((carrier) => carrier.id === id) ?? null;
    /** The shop carrier a form names: from the shop's list, or as typed (id + name) when there is no list. */
    const shopCarrierOf = (data, name) => {
      const id = String(data.get(name) ?? '').trim();
      if (!id) return null;
      const carrier = carrierById(id);
      if (carrier)
        return { id: carrier.id, name: carrier.name, trackingUrlTemplate: carrier.trackingUrlTemplate ?? null };
      return { id, name: String(data.get(`${name}Name`) ?? '').trim() || id };
    };

    return h(
      'div',
      {},
      datalists,
      makeForm(
        'map-carrier',
        'Map a carrier',
        [
          countryField('map-carrier'),
          shopCarrierField('map-carrier'),
          textInput('map-carrier', 'marketplaceCarrier', 'Marketplace carrier code', {
            list: carriersListId,
            hint: options.carriers.length
              ? `e.g. ${options.carriers.slice(0, 3).join(', ')}`
              : 'Any code this marketplace accepts',
          }),
        ],
        (data) => ({
          command: 'MapCarrier',
          data: {
            marketplace: code,
            country: String(data.get('country') ?? ''),
            shopCarrier: shopCarrierOf(data, 'shopCarrierId'),
            marketplaceCarrier: String(data.get('marketplaceCarrier') ?? ''),
          },
        }),
      ),
      makeForm(
        'map-method',
        'Map a shipping method',
        [
          countryField('map-method'),
          textInput('map-method', 'marketplaceMethod', 'Marketplace shipping method', { list: methodsListId }),
          shopCarrierField('map-method'),
        ],
        (data) => ({
          command: 'MapShippingMethod',
          data: {
            marketplace: code,
            country: String(data.get('country') ?? ''),
            marketplaceMethod: String(data.get('marketplaceMethod') ?? ''),
            shopCarrier: shopCarrierOf(data, 'shopCarrierId'),
          },
        }),
      ),
      makeForm(
        'default-carrier',
        'Set default carriers',
        [
          countryField('default-carrier'),
          shopCarrierField('default-carrier', 'importCarrierId', 'Import: shop carrier', true),
          textInput('default-carrier', 'shipCarrier', 'Ship: marketplace carrier code', { list: carriersListId }),
        ],
        (data) => {
          const shipCarrier = String(data.get('shipCarrier') ?? '').trim();
          return {
            command: 'SetDefaultCarrier',
            data: {
              marketplace: code,
              country: String(data.get('country') ?? ''),
              importCarrier: shopCarrierOf(data, 'importCarrierId'),
              shipCarrier: shipCarrier || null,
            },
          };
        },
      ),
    );
  }

  async function runCarrierCommand(command, data, details, resultSlot, form) {
    const result = resultSlot ?? details?.querySelector('[data-remove-result]') ?? null;
    const buttons = form ? [...form.querySelectorAll('button')] : [];
    buttons.forEach((button) => disableFor(button, 'busy', true));
    try {
      await sendCarrierCommand(command, data, settings.revision);
      await reload();
      const message = `${CARRIER_COMMANDS[command]?.done ?? 'Saved'} for ${data.marketplace} ${data.country}.`;
      announce(message);
      const fresh = carriersSection.querySelector(`details[data-marketplace="${CSS.escape(data.marketplace)}"]`);
      fresh?.append(h('p', { class: 'banner banner-ok', role: 'status', dataset: { outcome: 'ok' } }, message));
      fresh?.querySelector(`[data-marketplace-heading]`)?.setAttribute('tabindex', '-1');
      if (!fresh?.contains(document.activeElement)) fresh?.querySelector('[data-marketplace-heading]')?.focus();
    } catch (error) {
      const stale = error instanceof ApiError && error.status === 412;
      const message = h(
        'div',
        { class: 'banner banner-error', role: 'alert', dataset: { outcome: 'error' } },
        stale
          ? [
              h('p', {}, h('strong', {}, 'Not saved. '), 'Someone changed the settings meanwhile.'),
              h('p', {}, 'Reload them, check the mappings, then apply your change again.'),
              h('button', { type: 'button', onclick: () => reloadKeeping(form) }, 'Reload settings'),
            ]
          : [
              h('p', {}, h('strong', {}, 'Not saved. '), describeError(error)),
              // A marketplace Lengow does not know was stored before the engine checked: its mappings match nothing.
              error instanceof ApiError && error.code === 'UNKNOWN_MARKETPLACE'
                ? h(
                    'p',
                    { dataset: { hint: 'unknown-marketplace' } },
                    `No order can come from ${data.marketplace}: remove its mappings, and map the marketplace Lengow lists instead.`,
                  )
                : null,
            ],
      );
      if (result) replace(result, message);
      else details?.append(message);
      if (form && error instanceof ApiError) {
        for (const item of error.fields) {
          const name = String(item.field).split('.').pop();
          form
            .querySelector(`[name="${CSS.escape(name)}"], [name="${CSS.escape(name)}Id"]`)
            ?.setAttribute('aria-invalid', 'true');
        }
      }
    } finally {
      buttons.forEach((button) => disableFor(button, 'busy', false));
    }
  }

  /**
   * After a 412: the settings (and their revision) read again, and what the operator typed in the form put back in
   * the rebuilt form, so applying the change again is one click.
   */
  async function reloadKeeping(form) {
    const typed = form ? [...new FormData(form)] : [];
    const { form: kind, marketplace } = form?.dataset ?? {};
    try {
      await reload();
    } catch (error) {
      announce(`The settings could not be reloaded: ${describeError(error)}`);
      return;
    }
    const again = kind
      ? carriersSection.querySelector(
          `form[data-form="${CSS.escape(kind)}"][data-marketplace="${CSS.escape(marketplace)}"]`,
        )
      : null;
    if (!again) return;
    for (const [name, value] of typed) {
      const control = again.elements.namedItem(name);
      if (control && 'value' in control) control.value = value;
    }
    again.querySelector('button[type="submit"]')?.focus();
    announce('Settings reloaded. Check the mappings, then apply your change again.');
  }

  // ---- loading ------------------------------------------------------------------------------------------------------
  async function reload() {
    const loaded = await loadSettings();
    if (unmounted) return;
    settings = loaded.settings;
    shopCarriers = loaded.shopCarriers;
    errorBanner.hidden = true;
    renderNotice();
    renderCarriers();
    renderHistory();
  }

  reload()
    .then(fillImportForm)
    .catch((error) => {
      if (unmounted) return;
      replace(
        errorBanner,
        h('p', {}, h('strong', {}, 'The order parameters could not be loaded. '), describeError(error)),
        h('p', {}, h('button', { type: 'button', onclick: () => reload().then(fillImportForm) }, 'Retry')),
      );
      errorBanner.hidden = false;
    });

  // The live stream carries order changes only; settings are read when the page opens and after each change here.
  return {
    unmount() {
      unmounted = true;
    },
  };
}

function readPath(object, path) {
  return path.split('.').reduce((value, key) => (value == null ? undefined : value[key]), object);
}

function writePath(object, path, value) {
  const keys = path.split('.');
  let target = object;
  for (const key of keys.slice(0, -1)) target = target[key] ??= {};
  target[keys.at(-1)] = value;
}
