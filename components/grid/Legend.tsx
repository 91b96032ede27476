/**
 * What colours and characters mean. Heat thresholds are shown in real durations for the chosen
 * window, because levels are relative to it (lib/heat/scale.ts).
 */
import { MARKS } from '../../lib/heat/scale';
import { durationText } from '../../lib/time-text';

export function Legend({ windowMs }: { windowMs: number }) {
  const steps: Array<[number, number]> = [
    [4, windowMs / 16],
    [3, windowMs / 4],
    [2, windowMs / 2],
    [1, windowMs],
  ];
  return (
    <section class="legend" aria-label="Legend">
      <span class="legend-title">Newest change</span>
      {steps.map(([level, ms]) => (
        <span key={level} class="legend-item">
          <span class={`swatch lv${level}`} aria-hidden="true">
            1
          </span>
          ≤ {durationText(ms, { seconds: true })}
        </span>
      ))}
      <span class="legend-sep" aria-hidden="true" />
      <span class="legend-item">
        <span class="swatch">{MARKS.created}</span> created
      </span>
      <span class="legend-item">
        <span class="swatch">{MARKS.deleted}</span> deleted
      </span>
      <span class="legend-item">
        <span class="swatch degraded">{MARKS.degraded}</span> degraded
      </span>
      <span class="legend-item">
        <span class="swatch absent">{MARKS.absent}</span> not running
      </span>
      <span class="legend-item">
        <span class="swatch blind">{MARKS.blind}</span> could not see
      </span>
      <span class="legend-item">
        <span class="swatch gap" /> gap in polling, since bridged
      </span>
      <span class="legend-item">
        <span class="swatch gone">a</span> gone
      </span>
    </section>
  );
}
