import { strict as assert } from 'assert';
import {
  DASH,
  formatBytes,
  formatCount,
  formatDuration,
  formatMs,
  formatNumber,
  formatPercent,
  formatPoints,
  formatRatio,
  formatShape,
} from '../../../src/shared/format';

describe('shared format', () => {
  it('shows a KD gain one way: signed points with two decimals', () => {
    assert.equal(formatPoints(0.0051), '+0.51 pts');
    assert.equal(formatPoints(0.013), '+1.30 pts');
    assert.equal(formatPoints(-0.002), '−0.20 pts');
    // A gain that rounds to zero carries no sign.
    assert.equal(formatPoints(0.00004), '0.00 pts');
    assert.equal(formatPoints(-0.00004), '0.00 pts');
    assert.equal(formatPoints(undefined), DASH);
    assert.equal(formatPoints(Number.NaN), DASH);
  });

  it('formats accuracies as percents', () => {
    assert.equal(formatPercent(0.98123), '98.12%');
    assert.equal(formatPercent(0.9123, 1), '91.2%');
    assert.equal(formatPercent(null), DASH);
    assert.equal(formatPercent(undefined), DASH);
  });

  it('formats counts, bytes, ratios, times and shapes', () => {
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(1234), '1.23k');
    assert.equal(formatCount(2_400_000), '2.40M');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.50 KiB');
    assert.equal(formatRatio(15.43), '15.4×');
    assert.equal(formatRatio(1.534), '1.53×');
    assert.equal(formatMs(125), '125 ms');
    assert.equal(formatMs(1.9), '1.90 ms');
    assert.equal(formatMs(0.125), '125 µs');
    assert.equal(formatNumber(0.123456), '0.1235');
    assert.equal(formatNumber(12345), '1.23e+4');
    assert.equal(formatDuration(12_400), '12s');
    assert.equal(formatDuration(125_000), '2m 05s');
    assert.equal(formatDuration(3_725_000), '1h 02m');
    assert.equal(formatShape([null, 28, 28, 16]), '28×28×16');
    assert.equal(formatShape([null]), 'scalar');
  });
});
