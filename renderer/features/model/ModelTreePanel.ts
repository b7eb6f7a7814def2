/**
 * The left "Model" tab: load progress with cancel, the spatial tree (site › building › storey ›
 * elements grouped by IFC type, with counts), storey visibility toggles, hide / isolate / x-ray
 * of the selected element, its type or its storey, and the section-plane slider.
 *
 * Element lists are built when a type group is opened (a model has thousands of elements). The
 * selected element, however it was selected (3D pick, tree, alert), is revealed: its storey and type
 * group open, its row is listed, marked and scrolled into view (modelTreeGroups).
 */
import type { Disposable } from '../../../common/source.js';
import { h } from '../../shell/h.js';
import { modelActions, modelStore, type ElementScope, type ModelState } from '../../stores/modelStore.js';
import { counted } from '../../../common/plural.js';
import { layoutStore } from '../../stores/layoutStore.js';
import { defaultSectionHeight } from './sectionDefault.js';
import { groupRows, treePath, type TreeGroups } from './modelTreeGroups.js';
import { showAll } from './showAll.js';
import { modelTitleWithout } from './modelStatus.js';

const PHASE_LABEL: Record<string, string> = {
  hash: 'Hashing', cache: 'Reading cache', parse: 'Parsing IFC', structure: 'Reading structure', geometry: 'Building geometry', index: 'Indexing elements',
};
const MAX_LIST = 500;

export interface ModelTreeActions {
  cancelLoad(): void;
  fitSelection(): void;
  fitStorey(storey: number): void;
  fitAll(): void;
}

export function mountModelTreePanel(el: HTMLElement, actions: ModelTreeActions): Disposable {
  // The phase and figure are kept whole: in a narrow panel the bar and Cancel move to the next line instead.
  const progressText = h('span', { 'data-testid': 'model-progress-text', style: 'white-space:nowrap' });
  const progressBar = h('progress', { max: 1, value: 0, style: 'flex:1 1 6em;min-width:6em', 'data-testid': 'model-progress' });
  const cancel = h('button', { type: 'button', 'data-testid': 'model-cancel' }, 'Cancel');
  cancel.addEventListener('click', () => actions.cancelLoad());
  const progress = h('div', { style: 'display:none;flex-wrap:wrap;gap:6px;align-items:center' }, progressText, progressBar, cancel);

  const title = h('div', { style: 'font-weight:600', 'data-testid': 'model-title' }, 'No model loaded');
  // "drawn": the elements with geometry in the 3D view. IfcSpace volumes are not drawn (the Structure panel lists the
  // spaces), so `twin ifc`'s "products with geometry" counts the spaces too: 286 against 217 here for the sample.
  const stats = h('div', { style: 'opacity:.75;font-size:90%', 'data-testid': 'model-stats', title: 'Elements drawn in 3D; spaces (IfcSpace) are not drawn: the Structure panel lists them' });
  const skipped = h('div', { role: 'alert', hidden: true, style: 'color:#f5a524;font-size:90%', 'data-testid': 'model-skipped' });

  const sectionOn = h('input', { type: 'checkbox', 'data-testid': 'model-section-toggle' });
  const sectionSlider = h('input', { type: 'range', min: 0, max: 1, step: 0.05, value: 0, style: 'flex:1;min-width:0', 'data-testid': 'model-section-slider' });
  const sectionValue = h('span', { style: 'min-width:5em;text-align:right', 'data-testid': 'model-section-value' });
  const section = h('div', { style: 'display:flex;gap:6px;align-items:center' }, h('label', { style: 'white-space:nowrap' }, sectionOn, ' Section'), sectionSlider, sectionValue);
  const applySection = (): void => modelActions.setSection(sectionOn.checked ? Number(sectionSlider.value) : null);
  // The slider starts at the model's top, where a cut shows nothing: switched on before the slider
  // was moved, the section cuts where a plan is drawn (1.2 m above the storey shown). A height the
  // user chose with the slider is kept (until another model loads).
  let heightChosen = false;
  sectionOn.addEventListener('change', () => {
    if (sectionOn.checked && !heightChosen) {
      const height = defaultSectionHeight(modelStore.getState(), layoutStore.getState());
      if (height !== null) sectionSlider.value = String(height);
    }
    applySection();
  });
  sectionSlider.addEventListener('input', () => {
    heightChosen = true;
    sectionOn.checked = true;
    applySection();
  });

  const button = (label: string, testid: string, run: () => void) => {
    const b = h('button', { type: 'button', 'data-testid': testid }, label);
    b.addEventListener('click', run);
    return b;
  };
  const scopeOf = (kind: ElementScope['kind']): ElementScope | null => {
    const s = modelStore.getState();
    const row = s.selected === null || !s.lookup ? -1 : s.lookup.rowOf(s.selected);
    if (row < 0 || !s.lookup) return null;
    if (kind === 'element') return { kind, expressID: s.selected! };
    if (kind === 'type') return { kind, typeName: s.lookup.typeName(row) };
    return { kind, storey: s.lookup.index.storeys[row]! };
  };
  const scopeSelect = h('select', { 'data-testid': 'model-scope' }, h('option', { value: 'element' }, 'element'), h('option', { value: 'type' }, 'type'), h('option', { value: 'storey' }, 'storey'));
  const withScope = (fn: (s: ElementScope) => void) => () => {
    const s = scopeOf(scopeSelect.value as ElementScope['kind']);
    if (s) fn(s);
  };
  // They act on the selection: without one they are off, and say so (they did nothing, silently).
  const selectionButtons = [
    button('Hide', 'model-hide', withScope(modelActions.hide)),
    button('Isolate', 'model-isolate', withScope(modelActions.isolate)),
    button('X-ray', 'model-xray', withScope(modelActions.xray)),
    button('Fit (F)', 'model-fit-selection', () => actions.fitSelection()),
  ];
  const selectionTools = h(
    'div',
    { style: 'display:flex;gap:4px;flex-wrap:wrap;align-items:center' },
    h('span', {}, 'Selected'),
    scopeSelect,
    ...selectionButtons,
  );
  const globalTools = h(
    'div',
    { style: 'display:flex;gap:4px;flex-wrap:wrap' },
    Object.assign(button('Show all', 'model-show-all', () => showAll()), { title: 'Show every element and storey (the storey selector goes to All)' }),
    button('Fit model', 'model-fit-all', () => actions.fitAll()),
  );
  const tree = h('div', { 'data-testid': 'model-tree', style: 'overflow:auto;flex:1;min-height:0;font-size:92%' });
  const root = h(
    'div.model-panel',
    { style: 'display:flex;flex-direction:column;gap:6px;padding:8px;height:100%;box-sizing:border-box' },
    progress, title, stats, skipped, globalTools, selectionTools, section, tree,
  );
  el.append(root);

  let builtFor: ModelState['lookup'] = null;
  const storeyChecks: HTMLInputElement[] = [];
  const elementItems = new Map<number, HTMLElement>();
  let groups: TreeGroups = [];
  /** The tree's storey nodes by slot, and its type groups by `${slot}:${type}`. */
  const storeyNodes = new Map<number, HTMLDetailsElement>();
  const typeGroups = new Map<string, { node: HTMLDetailsElement; list: HTMLElement; rows: number[]; typeName: string }>();
  /** The marked row; the groups the last reveal opened (closed again off the next path); the selection it revealed. */
  let marked: HTMLElement | null = null;
  const autoOpened = new Set<HTMLDetailsElement>();
  let revealed: number | null = null;

  const elementItem = (id: number, row: number, typeName: string): HTMLElement => {
    const ix = modelStore.getState().lookup!.index;
    const item = h('div.model-element', { style: 'cursor:pointer;white-space:nowrap;overflow:hidden;text-overflow:ellipsis', 'data-express-id': id, title: ix.globalIds[row] },
      ix.names[row] || `${typeName} #${id}`);
    item.addEventListener('click', () => {
      modelActions.select(id);
      actions.fitSelection();
    });
    elementItems.set(id, item);
    return item;
  };

  /** Lists a type group's first MAX_LIST elements (built on first open, not for the whole model). */
  const fillGroup = (g: { list: HTMLElement; rows: number[]; typeName: string }): void => {
    if (g.list.childElementCount) return;
    const ix = modelStore.getState().lookup!.index;
    for (const r of g.rows.slice(0, MAX_LIST)) g.list.append(elementItem(ix.expressIDs[r]!, r, g.typeName));
    if (g.rows.length > MAX_LIST) g.list.append(h('div', { style: 'opacity:.7' }, `… ${g.rows.length - MAX_LIST} more (pick them in the view)`));
  };

  const buildTree = (s: ModelState): void => {
    tree.replaceChildren();
    storeyChecks.length = 0;
    elementItems.clear();
    storeyNodes.clear();
    typeGroups.clear();
    autoOpened.clear();
    marked = null;
    revealed = null;
    builtFor = s.lookup;
    const lookup = s.lookup;
    if (!lookup || !s.summary) return;
    const ix = lookup.index;
    const slots = s.storeys.length + 1;
    groups = groupRows(ix, s.storeys.length);
    const site = s.summary.sites[0]?.name ?? 'Site';
    const building = s.summary.buildings[0]?.name ?? 'Building';
    const container = h('div', { style: 'padding-left:10px' });
    tree.append(h('div', {}, `▸ ${site}`), h('div', { style: 'padding-left:6px' }, `▸ ${building}`), container);
    // Highest storey first, as drawings list them.
    for (let slot = slots - 1; slot >= 0; slot--) {
      const byType = groups[slot]!;
      const count = [...byType.values()].reduce((n, l) => n + l.length, 0);
      if (slot === slots - 1 && count === 0) continue;
      const storey = slot === slots - 1 ? -1 : slot;
      // Elements the model places in no storey (site furniture, the building itself): short, so its count shows in a narrow panel.
      const name = storey >= 0 ? s.storeys[storey]!.name : 'No storey';
      const check = h('input', { type: 'checkbox', checked: true, title: 'Show this storey', 'data-testid': `model-storey-visible-${storey}` });
      check.dataset.storey = String(storey);
      check.addEventListener('click', (ev) => ev.stopPropagation());
      check.addEventListener('change', () => modelActions.setStoreyVisible(storey, check.checked));
      storeyChecks.push(check);
      const fit = h('button', { type: 'button', title: 'Fit storey' }, 'fit');
      fit.addEventListener('click', (ev) => {
        ev.preventDefault();
        actions.fitStorey(storey >= 0 ? storey : slots - 1);
      });
      const elev = storey >= 0 ? ` · ${s.storeys[storey]!.elevation.toFixed(2)} m` : '';
      const storeyNode = h('details', { 'data-testid': `model-storey-${storey}` },
        // One row: the name and then the counts give way (ellipsis, whole text in the title) before the fit button wraps under them.
        h('summary.model-storey-row', {}, check, h('span.model-storey-name', { title: name }, name),
          h('span.model-storey-count', { title: `${counted(count, 'element')}${elev}` }, `(${count}${elev})`), fit));
      storeyNodes.set(slot, storeyNode);
      const types = [...byType.entries()].sort((a, b) => ix.typeNames[a[0]]!.localeCompare(ix.typeNames[b[0]]!));
      for (const [t, rows] of types) {
        const typeName = ix.typeNames[t]!;
        const list = h('div', { style: 'padding-left:14px' });
        const typeNode = h('details', { style: 'padding-left:12px', 'data-type': typeName },
          h('summary', {}, `${typeName} `, h('span', { style: 'opacity:.7' }, `(${rows.length})`)), list);
        const g = { node: typeNode, list, rows, typeName };
        typeGroups.set(`${slot}:${t}`, g);
        typeNode.addEventListener('toggle', () => {
          if (!typeNode.open) return;
          fillGroup(g);
          markSelected(modelStore.getState().selected);
        });
        storeyNode.append(typeNode);
      }
      container.append(storeyNode);
    }
  };

  const markSelected = (id: number | null): void => {
    if (marked) {
      marked.classList.remove('selected');
      marked.removeAttribute('aria-current');
    }
    marked = id === null ? null : elementItems.get(id) ?? null;
    if (marked) {
      marked.classList.add('selected');
      marked.setAttribute('aria-current', 'true');
    }
  };

  /**
   * Opens the tree down to the selected element (its storey and type group only), lists it (past
   * the first MAX_LIST of its group too) and scrolls it into the tree's view: an element picked in
   * the 3D view is found in the tree as one picked in the tree is. Groups the user opened stay open.
   */
  const reveal = (id: number): void => {
    const lookup = modelStore.getState().lookup;
    if (!lookup) return;
    const row = lookup.rowOf(id);
    const path = treePath(groups, lookup.index, row);
    if (!path) return;
    const g = typeGroups.get(`${path.slot}:${path.type}`);
    const storeyNode = storeyNodes.get(path.slot);
    if (!g || !storeyNode) return;
    // The groups the last reveal opened close again unless on the new path: picking one element
    // after another leaves one path open, not every group ever picked in (those the user opened stay).
    for (const node of autoOpened) if (node !== storeyNode && node !== g.node) node.open = false;
    autoOpened.clear();
    for (const node of [storeyNode, g.node]) {
      if (!node.open) autoOpened.add(node);
      node.open = true;
    }
    fillGroup(g);
    if (!elementItems.has(id)) g.list.append(elementItem(id, row, g.typeName));
  };

  /** Scrolls the tree (only the tree: not the panel or page around it) so the marked row shows. */
  let pendingScroll = false;
  const scrollToMarked = (): void => {
    if (!marked || !pendingScroll || tree.clientHeight === 0) return; // hidden tab: done when it shows (see `resized`)
    pendingScroll = false;
    const view = tree.getBoundingClientRect(), item = marked.getBoundingClientRect();
    const margin = Math.min(24, view.height / 4);
    if (item.top < view.top + margin) tree.scrollTop -= view.top + margin - item.top;
    else if (item.bottom > view.bottom - margin) tree.scrollTop += item.bottom - (view.bottom - margin);
  };
  const resized = new ResizeObserver(() => scrollToMarked());
  resized.observe(tree);

  const render = (s: ModelState): void => {
    const loading = s.status === 'loading' && s.progress;
    progress.style.display = loading ? 'flex' : 'none';
    if (s.progress) {
      progressText.textContent = `${PHASE_LABEL[s.progress.phase] ?? s.progress.phase} ${Math.round(s.progress.fraction * 100)}%`;
      progressBar.value = s.progress.fraction;
    }
    if (s.summary) {
      title.textContent = s.summary.projectName ? `${s.summary.fileName} — ${s.summary.projectName}` : s.summary.fileName;
      stats.textContent = `${s.summary.schema} · ${counted(s.storeys.length, 'storey')} · ${counted(s.summary.elementCount, 'element')} drawn · ${s.summary.triangleCount.toLocaleString()} triangles · ${(s.summary.loadMs / 1000).toFixed(2)} s${s.summary.fromCache ? ' (cache)' : ''}`;
      const k = s.summary.skipped;
      skipped.hidden = !k;
      skipped.textContent = k ? `${counted(k.elements, 'element')} not shown: ${k.elements === 1 ? 'its' : 'their'} coordinates lie more than 10 000 km from the origin (the file is damaged, or its coordinates are not metres): ${k.examples.join(', ')}${k.elements > k.examples.length ? ', …' : ''}` : '';
      const [, minY, , , maxY] = s.summary.bounds;
      if (sectionSlider.min !== String(minY)) {
        sectionSlider.min = String(minY);
        sectionSlider.max = String(maxY);
        sectionSlider.value = String(maxY);
        heightChosen = false;
      }
    } else {
      skipped.hidden = true;
      title.textContent = modelTitleWithout(s);
      stats.textContent = s.error ?? (s.status === 'loading' ? '' : 'Drop an .ifc file on the window to open it.');
    }
    sectionValue.textContent = s.sectionHeight === null ? 'off' : `${s.sectionHeight.toFixed(2)} m`;
    sectionOn.checked = s.sectionHeight !== null;
    if (s.lookup !== builtFor) buildTree(s);
    for (const c of storeyChecks) c.checked = !s.hiddenStoreys.includes(Number(c.dataset.storey));
    const newSelection = s.selected !== revealed;
    if (newSelection) {
      revealed = s.selected;
      if (s.selected !== null) reveal(s.selected);
    }
    markSelected(s.selected);
    if (newSelection) {
      pendingScroll = s.selected !== null;
      scrollToMarked();
    }
    for (const b of selectionButtons) {
      b.disabled = s.selected === null;
      b.title = s.selected === null ? 'Select an element first: click it in the 3D view or in the tree' : '';
    }
  };
  render(modelStore.getState());
  const unsubscribe = modelStore.subscribe(render);
  return {
    dispose() {
      unsubscribe();
      resized.disconnect();
      root.remove();
    },
  };
}
