/**
 * The storey selector shared by the 3D view and the plan: "All" plus one button per storey the
 * model published (layoutStore.storeys). The 3D view shows the chosen storey (features hide the
 * others); the plan draws it ("All" → the default plan storey, the entrance level, since a plan is one
 * storey at a time).
 */
import { defaultPlanStorey, layoutStore } from '../stores/layoutStore.js';
import { h } from '../shell/h.js';
import { icon } from '../shell/icon.js';

export class StoreySelector {
  readonly dom: HTMLElement;
  private readonly buttons = h('div.segmented.segmented-small', { role: 'group', 'aria-label': 'Storey' });
  private readonly empty = h('span.muted.small', {}, 'No storeys');
  private readonly unsubscribe: () => void;

  constructor() {
    this.dom = h('div.storey-selector', { 'data-testid': 'storey-selector', title: 'Storey shown in 3D and plan' }, icon('layers', 15), this.buttons, this.empty);
    this.unsubscribe = layoutStore.subscribe((s, p) => {
      if (s.storeys !== p.storeys || s.activeStorey !== p.activeStorey) this.render();
    });
    this.render();
  }

  dispose(): void {
    this.unsubscribe();
  }

  private render(): void {
    const { storeys, activeStorey } = layoutStore.getState();
    if (storeys.length === 0) {
      this.buttons.hidden = true;
      this.empty.hidden = false;
      return;
    }
    this.buttons.hidden = false;
    this.empty.hidden = true;
    const sorted = [...storeys].sort((a, b) => a.elevation - b.elevation);
    const mk = (label: string, value: number | null, title: string) => {
      const b = h('button.segment', { type: 'button', title, 'data-storey': value === null ? 'all' : value, 'aria-pressed': String(activeStorey === value) }, label);
      b.classList.toggle('active', activeStorey === value);
      b.addEventListener('click', () => layoutStore.setState({ activeStorey: value }));
      return b;
    };
    const planDefault = defaultPlanStorey(storeys);
    this.buttons.replaceChildren(
      mk('All', null, `All storeys (the plan shows ${planDefault?.name ?? 'the entrance level'})`),
      ...sorted.map((s) => mk(s.name, s.index, `${s.name} — elevation ${s.elevation.toFixed(2)} m`)),
    );
  }
}
