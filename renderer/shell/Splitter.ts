/**
 * A drag handle between two regions. Reports the pointer travel (CSS px) since the drag began;
 * the owner turns it into a size and clamps it. Double-click resets. Keyboard: arrow keys move
 * by 16 px (the handle is focusable, role="separator").
 */
import { h } from './h.js';

export interface SplitterOptions {
  /** 'vertical': a vertical bar dragged left/right; 'horizontal': a horizontal bar dragged up/down. */
  orientation: 'vertical' | 'horizontal';
  label: string;
  onStart(): void;
  onDrag(deltaPx: number): void;
  onEnd?(): void;
  onReset?(): void;
}

export class Splitter {
  readonly dom: HTMLElement;
  private startPos = 0;
  private pointerId: number | null = null;

  constructor(private readonly o: SplitterOptions) {
    this.dom = h(`div.splitter`, {
      role: 'separator',
      tabindex: 0,
      'aria-label': o.label,
      'aria-orientation': o.orientation,
      'data-orientation': o.orientation,
    });
    this.dom.addEventListener('pointerdown', this.down);
    this.dom.addEventListener('dblclick', () => o.onReset?.());
    this.dom.addEventListener('keydown', (e) => {
      const step = e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -16 : e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 16 : 0;
      if (!step) return;
      e.preventDefault();
      e.stopPropagation();
      o.onStart();
      o.onDrag(step);
      o.onEnd?.();
    });
  }

  private readonly down = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    e.preventDefault();
    this.pointerId = e.pointerId;
    this.dom.setPointerCapture(e.pointerId);
    this.startPos = this.o.orientation === 'vertical' ? e.clientX : e.clientY;
    this.dom.classList.add('dragging');
    document.body.classList.add(this.o.orientation === 'vertical' ? 'resizing-x' : 'resizing-y');
    this.o.onStart();
    this.dom.addEventListener('pointermove', this.move);
    this.dom.addEventListener('pointerup', this.up);
    this.dom.addEventListener('pointercancel', this.up);
  };

  private readonly move = (e: PointerEvent): void => {
    if (e.pointerId !== this.pointerId) return;
    const pos = this.o.orientation === 'vertical' ? e.clientX : e.clientY;
    this.o.onDrag(pos - this.startPos);
  };

  private readonly up = (e: PointerEvent): void => {
    if (e.pointerId !== this.pointerId) return;
    this.pointerId = null;
    this.dom.classList.remove('dragging');
    document.body.classList.remove('resizing-x', 'resizing-y');
    this.dom.removeEventListener('pointermove', this.move);
    this.dom.removeEventListener('pointerup', this.up);
    this.dom.removeEventListener('pointercancel', this.up);
    this.o.onEnd?.();
  };
}
