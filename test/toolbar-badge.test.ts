import { describe, expect, it, vi } from 'vitest';
import { HEAT_COLORS } from '../lib/heat/scale';
import { applyToolbarBadge, toolbarBadge } from '../lib/toolbar-badge';

const NOW = 1_700_000_000_000;
const MIN = 60_000;

describe('toolbarBadge', () => {
  it('is empty when nothing changed in the last 15 minutes', () => {
    expect(toolbarBadge([{ at: NOW - 16 * MIN }], NOW).text).toBe('');
    expect(toolbarBadge([], NOW).text).toBe('');
  });

  it('counts changes of the last 15 minutes and colours by the newest', () => {
    const hot = toolbarBadge([{ at: NOW - 30_000 }, { at: NOW - 10 * MIN }, { at: NOW - 20 * MIN }], NOW);
    expect(hot).toEqual({ text: '2', color: HEAT_COLORS.light.bg[4], textColor: HEAT_COLORS.light.fg[4] });
    const cooling = toolbarBadge([{ at: NOW - 14 * MIN }], NOW);
    expect(cooling.color).toBe(HEAT_COLORS.light.bg[1]);
  });

  it('treats a change stamped slightly in the future as the newest, and caps the text', () => {
    expect(toolbarBadge([{ at: NOW + 5_000 }], NOW)).toMatchObject({
      text: '1',
      color: HEAT_COLORS.light.bg[4],
    });
    const many = Array.from({ length: 1500 }, () => ({ at: NOW - MIN }));
    expect(toolbarBadge(many, NOW).text).toBe('999+');
  });
});

describe('applyToolbarBadge', () => {
  it('sets text, background and text colour through the action API it is given', async () => {
    const action = {
      setBadgeText: vi.fn(async () => {}),
      setBadgeBackgroundColor: vi.fn(async () => {}),
      setBadgeTextColor: vi.fn(async () => {}),
    };
    await applyToolbarBadge(action, [{ at: NOW - 30_000 }], NOW);
    expect(action.setBadgeText).toHaveBeenCalledWith({ text: '1' });
    expect(action.setBadgeBackgroundColor).toHaveBeenCalledWith({ color: HEAT_COLORS.light.bg[4] });
    expect(action.setBadgeTextColor).toHaveBeenCalledWith({ color: HEAT_COLORS.light.fg[4] });
  });

  it('clears the badge, and works without setBadgeTextColor', async () => {
    const action = { setBadgeText: vi.fn(), setBadgeBackgroundColor: vi.fn() };
    await applyToolbarBadge(action, [], NOW);
    expect(action.setBadgeText).toHaveBeenCalledWith({ text: '' });
    expect(action.setBadgeBackgroundColor).not.toHaveBeenCalled();
  });
});
