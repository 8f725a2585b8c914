import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import {
  countParts,
  DEFAULT_MAX_CELLS,
  describeCell,
  groupParts,
  PART_CELL_STATES,
  type PartCellState,
  type PartCounts,
  partsFromCounts,
  summarizeParts,
} from '../dashboard/part-groups.ts';

/**
 * One cell per part (or per group of neighbouring parts past `maxCells`), coloured and patterned
 * by state, with a legend. Give it `parts` (state of part 1, 2, …) or, when only totals are
 * known, `counts`.
 */
@customElement('part-map')
export class PartMap extends LitElement {
  static override styles = css`
    :host { display: block; }
    .cells { display: grid; grid-template-columns: repeat(auto-fill, minmax(var(--cell, 14px), 1fr)); gap: 2px; }
    .cell, .swatch { aspect-ratio: 1; border-radius: 2px; box-sizing: border-box; border: 2px solid var(--c); }
    .swatch { display: inline-block; width: 1em; vertical-align: -0.15em; }
    .done { --c: var(--sl-part-done); background: var(--c); }
    .uploading { --c: var(--sl-part-uploading);
      background: repeating-linear-gradient(45deg, var(--c) 0 2px, transparent 2px 5px); }
    .retrying { --c: var(--sl-part-retrying);
      background: radial-gradient(var(--c) 30%, transparent 35%) 0 0 / 5px 5px; }
    .failed { --c: var(--sl-part-failed);
      background: linear-gradient(45deg, transparent 42%, var(--c) 42% 58%, transparent 58%),
        linear-gradient(-45deg, transparent 42%, var(--c) 42% 58%, transparent 58%); }
    .pending { --c: var(--sl-part-pending); background: transparent; }
    ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; padding: 0; margin: 0.5rem 0 0; }
    p { margin: 0.25rem 0; color: var(--sl-muted); font-size: 0.875rem; }
  `;

  @property({ attribute: false }) parts?: readonly PartCellState[];
  @property({ attribute: false }) counts?: Partial<PartCounts>;
  /** More parts than this share cells. */
  @property({ type: Number, attribute: 'max-cells' }) maxCells = DEFAULT_MAX_CELLS;

  override render() {
    const states = this.parts ?? partsFromCounts(this.counts ?? {});
    const cells = groupParts(states, this.maxCells);
    const counts = countParts(states);
    const perCell = cells[0] ? cells[0].last - cells[0].first + 1 : 1;
    return html`
      <div class="cells" role="img" aria-label=${summarizeParts(counts)}>
        ${cells.map((cell) => html`<div class="cell ${cell.state}" title=${describeCell(cell)}></div>`)}
      </div>
      ${perCell > 1 ? html`<p>Each square is ${perCell} parts and shows the least advanced of them.</p>` : null}
      <ul aria-label="Legend">
        ${PART_CELL_STATES.map(
          (state) => html`<li><span class="swatch ${state}"></span> ${state} (${counts[state]})</li>`,
        )}
      </ul>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'part-map': PartMap;
  }
}
