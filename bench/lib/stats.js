'use strict';
/** Percentiles and medians over plain arrays of numbers. */
function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
const median = (values) => percentile(values, 50);
const round = (n, digits = 0) => (n === null || n === undefined ? null : Number(n.toFixed(digits)));
module.exports = { percentile, median, round };
