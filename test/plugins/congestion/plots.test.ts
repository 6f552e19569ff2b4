/**
 * The cwnd plot generator (tools/plots/generate-cc-plots.ts) is
 * deterministic and its --check mode detects stale files. (The committed
 * plots themselves are checked by running the tool with --check in CI.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CC_PLOTS, PLOT_DIR, main, renderCcPlots } from '../../../tools/plots/generate-cc-plots.js';
import type { PlotSpec } from '../../../tools/plots/generate-cc-plots.js';

const tiny: PlotSpec[] = [{ file: 'tiny.svg', title: 'tiny', flows: [{ label: 'reno', congestion: 'reno' }], queue: '1bdp', durationMs: 1500 }];

describe('cwnd plot generator', () => {
  it('lists the committed plots', () => {
    expect(CC_PLOTS.map((p) => p.file)).toEqual(['cwnd-reno.svg', 'cwnd-cubic.svg', 'cwnd-reno-vs-cubic.svg']);
  });

  it('renders the same SVG twice from the seeded simulator, with one step series per flow', async () => {
    const a = await renderCcPlots(tiny);
    const b = await renderCcPlots(tiny);
    expect(a.get('tiny.svg')).toBe(b.get('tiny.svg'));
    const svg = a.get('tiny.svg') ?? '';
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('reno');
    expect(svg).toContain('cwnd (KiB)');
  });

  it('--check passes on fresh files and fails on a stale one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'toukit-plots-'));
    try {
      expect(await main([], root, tiny)).toBe(0);
      expect(await main(['--check'], root, tiny)).toBe(0);
      const path = join(root, PLOT_DIR, 'tiny.svg');
      writeFileSync(path, readFileSync(path, 'utf8').replace('tiny', 'stale'));
      expect(await main(['--check'], root, tiny)).toBe(1);
      rmSync(path);
      expect(await main(['--check'], root, tiny)).toBe(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
