"""The statistics behind every change (METHODS §6): the Mann–Whitney test, the Poisson bootstrap
weights and the binned cluster bootstrap of medians, checked against scipy, by hand and by
their distribution."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from roi import metrics
from roi.metrics import (_bins, _Bootstrap, _draws, _half_mass_bins, _mann_whitney, _median,
                         _median_bins_of_resamples, _sorted_quantiles)


def test_mann_whitney_by_hand_for_separated_samples():
    # x entirely below y: U_x = 0; mu = 10·10/2 = 50; sigma = sqrt(10·10/12 · 21) = sqrt(175) (no ties).
    p, u = _mann_whitney(np.arange(1.0, 11.0), np.arange(11.0, 21.0))
    z = (100 - 50 - 0.5) / math.sqrt(175.0)
    assert u == 0.0
    assert p == pytest.approx(math.erfc(z / math.sqrt(2.0)), rel=1e-12)  # two-sided: 2·(1 − Φ(z)) ≈ 1.83e-4


samples = st.lists(st.one_of(st.integers(-5, 5).map(float), st.floats(-1e6, 1e6, allow_nan=False)),
                   min_size=1, max_size=60)


@settings(max_examples=300)
@given(samples, samples)
def test_mann_whitney_equals_scipy_with_ties_and_small_samples(x, y):
    x, y = np.array(x), np.array(y)
    if np.all(x == x[0]) and np.all(y == x[0]):  # measure() never tests identical constants
        return
    expected = stats.mannwhitneyu(x, y, alternative="two-sided")
    p, u = _mann_whitney(np.sort(x), np.sort(y))
    assert u == pytest.approx(float(expected.statistic), rel=1e-12, abs=1e-9)
    assert p == pytest.approx(float(expected.pvalue), rel=1e-9, abs=1e-300)


def test_bootstrap_weights_are_poisson_one_and_seeded():
    weights = _Bootstrap(7, 1000).weights("developers", 5000)
    again = _Bootstrap(7, 1000).weights("developers", 5000)
    assert np.array_equal(weights, again) and weights.shape == (1000, 5000)
    n = weights.size
    frequencies = np.bincount(weights.astype(int).ravel(), minlength=6)[:6] / n
    expected = np.array([math.exp(-1) / math.factorial(k) for k in range(6)])
    # Each frequency within 5 standard errors of its Poisson(1) probability.
    assert np.all(np.abs(frequencies - expected) < 5 * np.sqrt(expected * (1 - expected) / n))
    assert weights.mean() == pytest.approx(1.0, abs=5 * math.sqrt(1.0 / n))
    assert weights.var() == pytest.approx(1.0, abs=0.01)
    boot = _Bootstrap(7, 1000)
    boot.weights("developers", 5000)
    assert not np.array_equal(weights, boot.weights("days", 5000))  # each group draws its own


def test_bins_are_exact_below_the_limit_and_quantiles_above():
    few = np.array([3.0, 1.0, 3.0, 2.0, 1.0])
    bins, representative = _bins(few, np.sort(few), most=4)
    assert representative.tolist() == [1.0, 2.0, 3.0] and np.array_equal(representative[bins], few)

    values = np.random.default_rng(1).lognormal(2.0, 1.0, 100_000)
    bins, representative = _bins(values, np.sort(values), most=256)
    counts = np.bincount(bins, minlength=256)
    assert counts.min() >= 390 and counts.max() <= 392  # 100,000 / 256 = 390.6 per quantile bin
    assert np.allclose(representative, np.bincount(bins, values, 256) / counts)
    assert np.all(np.diff(representative) > 0)


@settings(max_examples=300)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False) | st.sampled_from([0.0, 1.5, 2.0]), min_size=1, max_size=400),
       st.integers(1, 300))
def test_quantiles_of_sorted_values_equal_numpys_to_the_last_bit(values, most):
    ordered = np.sort(np.array(values))
    q = np.linspace(0.0, 1.0, most + 1)
    assert np.array_equal(_sorted_quantiles(ordered, q), np.quantile(ordered, q))


def test_single_precision_bin_masses_equal_double_precision():
    rng = np.random.default_rng(3)
    units = 400
    values = rng.lognormal(1.0, 1.0, 20_000).round(1)
    sample = _median("developers", values, rng.integers(0, units, len(values)))
    boot = _Bootstrap(11, 500)
    fast = _draws(sample, boot, np.random.default_rng(0))
    boot.weights_single = boot.weights  # force the float64 product
    assert np.array_equal(fast, _draws(sample, boot, np.random.default_rng(0)))


@pytest.mark.parametrize("single", [True, False])
def test_sparse_histogram_gives_the_dense_histograms_medians(monkeypatch, single):
    # Only many developers × many bins (over 50M cells) take the sparse path: forced here on 400 × ≤2048.
    rng = np.random.default_rng(12)
    values = rng.lognormal(1.0, 1.0, 20_000).round(2)
    sample = _median("developers", values, rng.integers(0, 400, len(values)))
    boot = _Bootstrap(11, 300)
    if not single:
        boot.weights_single = boot.weights  # the float64 product
    dense = _draws(sample, boot, np.random.default_rng(0))
    monkeypatch.setattr(metrics, "DENSE_HISTOGRAM_CELLS", 0)
    sparse = _draws(sample, boot, np.random.default_rng(0))
    assert np.array_equal(sparse, dense)
    assert len(np.unique(dense)) > 10  # real spread, not one repeated bin


@settings(max_examples=300)
@given(st.integers(1, 40), st.integers(1, 12), st.integers(1, 300), st.integers(0, 2**32 - 1),
       st.sampled_from([np.float32, np.float64]), st.booleans())
def test_half_mass_bins_by_blocks_equal_the_full_cumulative_mass(draws, units, bins, seed, dtype, concentrated):
    rng = np.random.default_rng(seed)
    weights = rng.poisson(1.0, (draws, units)).astype(dtype)
    cells = rng.poisson(0.3 if not concentrated else 5.0, (units, bins)).astype(dtype)
    if concentrated:  # most mass in a few middle bins, as a bootstrap's medians are
        cells[:, : bins // 3] = cells[:, 2 * bins // 3:] = 0
    cumulative = np.cumsum(weights @ cells, axis=1)
    expected = np.argmax(cumulative >= cumulative[:, -1:] / 2.0, axis=1)
    assert np.array_equal(_half_mass_bins(weights, cells), expected)


def test_median_of_resamples_by_hand():
    # Values 1, 2, 3 (one per bin), n = 3: the median is ≤ 1 when at least 2 of 3 draws are 1:
    # P = 3·(1/3)²·(2/3) + (1/3)³ = 7/27; ≤ 2 when at least 2 draws are ≤ 2: 20/27.  So 7/27, 13/27, 7/27.
    bins = _median_bins_of_resamples(np.array([1, 1, 1]), 270_000, np.random.default_rng(4))
    frequencies = np.bincount(bins, minlength=3) / len(bins)
    assert frequencies == pytest.approx([7 / 27, 13 / 27, 7 / 27], abs=0.004)  # 5 standard errors


def test_median_of_resamples_has_the_distribution_of_drawing_the_values():
    # Against the direct way: n values drawn with replacement, the median bin read off their counts.
    rng = np.random.default_rng(8)
    counts = rng.integers(0, 40, 60)
    counts[[0, 59]] = 5
    n, draws = int(counts.sum()), 20_000
    drawn = rng.multinomial(n, counts / n, size=draws).cumsum(axis=1)
    direct = np.bincount(np.argmax(drawn >= n / 2.0, axis=1), minlength=60) / draws
    exact = np.bincount(_median_bins_of_resamples(counts, draws, rng), minlength=60) / draws
    # Two-sample Kolmogorov–Smirnov bound at the 0.1% level: 1.95·√(2/20,000) ≈ 0.02.
    assert np.abs(np.cumsum(direct) - np.cumsum(exact)).max() < 0.02


def test_cluster_bootstrap_median_interval_covers_a_known_shift():
    # 300 developers, each with their own speed; every post value is the baseline's × 1.5.
    rng = np.random.default_rng(5)
    speed = rng.lognormal(0.0, 0.5, 300)
    owner = rng.integers(0, 300, 30_000)
    base = speed[owner] * rng.lognormal(2.0, 0.8, len(owner))
    post = 1.5 * speed[owner] * rng.lognormal(2.0, 0.8, len(owner))
    boot = _Bootstrap(1, 1000)
    ratio = _draws(_median("post", post, owner), boot, np.random.default_rng(2)) / \
        _draws(_median("base", base, owner), boot, np.random.default_rng(3)) - 1.0
    low, high = np.percentile(ratio, [2.5, 97.5])
    assert low < 0.5 < high
    assert high - low < 0.3  # developers' own speeds (σ 0.5 on logs) dominate: about ±0.12
