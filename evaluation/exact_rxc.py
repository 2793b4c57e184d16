"""Fisher's exact test on an r x c table (Freeman & Halton 1951), computed exactly.

Given the margins, a table T has the multiple hypergeometric probability

    P(T) = prod(row!) prod(col!) / (n! prod(cell!))

and the two-sided p-value sums P(T) over every table with the observed margins that is no
more probable than the observed one: P(T) <= P(observed) (1 + 1e-7), the relative
tolerance of R's `fisher.test`, so that ties are not lost to rounding. Everything is
computed in log space (`scipy.special.gammaln`); for a 2 x 2 table this is the p-value
of `scipy.stats.fisher_exact`.

The tables are enumerated implicitly on the network of Mehta & Patel (1983), the
algorithm behind R's `fisher.test`: columns are filled one at a time and a node is the
multiset of row totals still to fill (rows are kept sorted, so tables leaving the same
remainder share one node and all its completions). A backward pass gives, per node, the
most and least probable completion; a forward pass the most and least probable partial
table reaching it. Partial tables then go forward column by column, those with the same
node and probability so far merged into one entry with a multiplicity: an entry whose
every completion is extreme adds its whole remaining mass at once (a closed form), one
with none is dropped. From the other end, the completions of the last columns are
gathered per node (equal probabilities merged, those that can never count dropped, those
that always count summed into one). Whichever side is cheaper to extend by one column is
extended until they meet; each entry then takes its extreme completions from its node's
sorted list with a binary search.

The work is counted before anything is allocated (`MAX_WORK`); a table that would need
more gets scipy's Monte Carlo estimate of the same p-value with a fixed seed
(`MONTE_CARLO_RESAMPLES` tables drawn with the observed margins), so that the same table
always gives the same p-value. The result says which method was used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import gammaln

#: R's `fisher.test`: tables with P(T) <= P(observed) (1 + 1e-7) count as extreme.
RELATIVE_TOLERANCE = 1e-7
#: Partial tables whose log-probabilities so far differ by less than this are merged.
LOG_QUANTUM = 1e-9
#: Work units (one per cell of a column split built; FORWARD_COST per partial table or
#: completion carried one column further) before the Monte Carlo fallback. The slowest
#: tables found just under the limit take 0.1-0.15 s a call (`python -m bench fisher`).
MAX_WORK = 4_000_000
#: Relative costs, measured: carrying an entry costs about four cells of a split, and
#: each node where the two directions meet a fixed NODE_COST on top.
FORWARD_COST = 4
NODE_COST = 200
MONTE_CARLO_RESAMPLES = 99_999
MONTE_CARLO_SEED = 20_261_123

Method = Literal["exact", "monte_carlo"]


@dataclass(frozen=True)
class RxCResult:
    """The p-value of Fisher's exact test on an r x c table, and how it was computed."""

    p_value: float
    method: Method


def fisher_rxc(table: np.ndarray, max_work: int = MAX_WORK) -> RxCResult:
    """Two-sided Fisher-Freeman-Halton p-value of a table of counts (any r x c).

    Exact unless the enumeration needs more than `max_work` steps; then a seeded Monte
    Carlo estimate (`method == "monte_carlo"`).
    """
    counts = np.asarray(table, dtype=np.int64)
    if counts.ndim != 2 or (counts < 0).any():
        raise ValueError("a two-dimensional table of non-negative counts is needed")
    # Empty rows and columns change no probability; without them the table may be 1 x c.
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    if min(counts.shape, default=0) < 2:
        return RxCResult(1.0, "exact")
    p_value = _network_p_value(counts, max_work)
    if p_value is not None:
        return RxCResult(p_value, "exact")
    method = stats.MonteCarloMethod(
        n_resamples=MONTE_CARLO_RESAMPLES, rng=np.random.default_rng(MONTE_CARLO_SEED)
    )
    return RxCResult(float(stats.fisher_exact(counts, method=method).pvalue), "monte_carlo")


class _OverBudgetError(Exception):
    """The enumeration would exceed its work limit."""


@dataclass
class _Budget:
    left: int

    def spend(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise _OverBudgetError


def _network_p_value(counts: np.ndarray, max_work: int) -> float | None:
    """The exact p-value, or None if it needs more than `max_work` steps."""
    # The node is the vector of remaining row totals: the shorter side makes it smaller.
    if counts.shape[0] > counts.shape[1]:
        counts = counts.T
    rows = np.sort(counts.sum(axis=1))
    columns = np.sort(counts.sum(axis=0))[::-1]
    n = int(counts.sum())
    log_fact = gammaln(np.arange(n + 1, dtype=float) + 1.0)
    # score(T) = sum log(cell!): P(T) = exp(constant - score), so larger is less probable.
    # math.fsum: correctly rounded whatever the order, so the same table gives the same bits
    constant = math.fsum([*log_fact[rows], *log_fact[columns], -log_fact[n]])
    threshold = math.fsum(log_fact[counts].ravel()) - math.log1p(RELATIVE_TOLERANCE)
    budget = _Budget(max_work)
    try:
        nodes, edges = _build_network(rows, columns, log_fact, budget)
        low, high = _completion_bounds(nodes, edges, log_fact)
        past_low, past_high = _past_bounds(nodes, edges)
        search = _Search(
            nodes, edges, low, high, past_low, past_high, columns, log_fact, constant, threshold
        )
        terms = search.run(budget)
    except _OverBudgetError:
        return None
    return min(1.0, math.fsum(terms))


Edges = tuple[np.ndarray, np.ndarray, np.ndarray]  # parent node, child node, score


def _build_network(
    rows: np.ndarray, columns: np.ndarray, log_fact: np.ndarray, budget: _Budget
) -> tuple[list[np.ndarray], list[Edges]]:
    """Nodes before each column (sorted remaining row totals) and the edges between them.

    An edge fills one column; its score is the sum of log(cell!) over that column. The
    last column takes what is left, so it has no edges. Splits are held as one array per
    row (not a 2-D array): every step is then a plain operation on long vectors.
    """
    nodes = [rows[None, :]]
    edges: list[Edges] = []
    radix = int(rows[-1]) + 1
    for total in columns[:-1]:
        bounds = nodes[-1]
        parent, parts = _compositions(bounds, int(total), budget)
        score = np.zeros(len(parent))
        for part in parts:
            score += log_fact[part]
        remaining = _sort_columns([bounds[:, i][parent] - part for i, part in enumerate(parts)])
        child, unique = _unique_rows(remaining, radix)
        edges.append((parent, child, score))
        nodes.append(unique)
    return nodes, edges


def _sort_columns(columns: list[np.ndarray]) -> list[np.ndarray]:
    """Sort each row across the columns (odd-even transposition: r rounds of min/max)."""
    columns = list(columns)
    width = len(columns)
    for round_ in range(width):
        for i in range(round_ % 2, width - 1, 2):
            a, b = columns[i], columns[i + 1]
            columns[i], columns[i + 1] = np.minimum(a, b), np.maximum(a, b)
    return columns


def _unique_rows(columns: list[np.ndarray], radix: int) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row and the distinct rows, in order of first appearance.

    Rows of small integers are packed into one int64 and hashed (`pandas.factorize`),
    far faster than `np.unique(axis=0)`, which sorts.
    """
    width = len(columns)
    if radix**width < 2**62:
        packed = np.zeros(len(columns[0]), dtype=np.int64)
        for column in reversed(columns):
            packed = packed * radix + column
        group, _ = pd.factorize(packed)
    else:
        _, group = np.unique(np.column_stack(columns), axis=0, return_inverse=True)
        group = group.ravel()
    unique = np.empty((int(group.max()) + 1, width), dtype=np.int64)
    for i, column in enumerate(columns):
        unique[group, i] = column  # rows of a group are equal: whichever lands is the same
    return group, unique


def _compositions(
    bounds: np.ndarray, total: int, budget: _Budget
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Every split of `total` into parts with part i <= bounds[node, i], for every node.

    Returns the node of each split (ascending) and the parts, one array per row.
    """
    m, r = bounds.shape
    # capacity[:, i]: what rows i.. can take; each part leaves a feasible rest.
    capacity = np.cumsum(bounds[:, ::-1], axis=1)[:, ::-1]
    node = np.arange(m)
    left = np.full(m, total, dtype=np.int64)
    values: list[np.ndarray] = []
    repeats: list[np.ndarray] = []
    for i in range(r - 1):
        low = np.maximum(0, left - capacity[node, i + 1])
        high = np.minimum(bounds[node, i], left)
        sizes = high - low + 1
        size = int(sizes.sum())
        budget.spend(size * r)  # before allocating; each split holds r parts
        repeat = np.repeat(np.arange(len(node)), sizes)
        value = low[repeat] + np.arange(size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        values.append(value)
        repeats.append(repeat)
        node = node[repeat]
        left = left[repeat] - value
    # Trace each split back through the levels once, rather than copying all parts so far
    # at every level.
    parts = [left]
    index = np.arange(len(node))
    for i in range(r - 2, -1, -1):
        parts.append(values[i][index])
        index = repeats[i][index]
    return node, parts[::-1]


def _completion_bounds(
    nodes: list[np.ndarray], edges: list[Edges], log_fact: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per node, the smallest and largest score of its completions (backward pass)."""
    last = log_fact[nodes[-1]].sum(axis=1)  # the forced last column
    low, high = [last], [last]
    for parent, child, score in reversed(edges):
        # Edges are grouped by parent in ascending order and every node has one.
        starts = np.flatnonzero(np.r_[True, parent[1:] != parent[:-1]])
        low.append(np.minimum.reduceat(score + low[-1][child], starts))
        high.append(np.maximum.reduceat(score + high[-1][child], starts))
    return low[::-1], high[::-1]


def _past_bounds(
    nodes: list[np.ndarray], edges: list[Edges]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per node, the smallest and largest score of the partial tables reaching it."""
    low, high = [np.zeros(1)], [np.zeros(1)]
    for (parent, child, score), stage_nodes in zip(edges, nodes[1:], strict=True):
        low.append(np.full(len(stage_nodes), np.inf))
        np.minimum.at(low[-1], child, low[-2][parent] + score)
        high.append(np.full(len(stage_nodes), -np.inf))
        np.maximum.at(high[-1], child, high[-2][parent] + score)
    return low, high


@dataclass
class _Completions:
    """For each node of one column stage, the scores of its completions and how many
    completions have each score (grouped by node: starts[v]:starts[v + 1])."""

    starts: np.ndarray
    score: np.ndarray
    weight: np.ndarray


@dataclass
class _Search:
    """Sum of P(T) over the extreme tables, meeting in the middle.

    Partial tables go forward from the first column (entries: node, score so far,
    multiplicity); the completions of the last columns are gathered backward per node.
    Whichever side is cheaper to extend by one column is extended, until they meet; then
    each entry's extreme completions are summed from its node's sorted scores.
    """

    nodes: list[np.ndarray]
    edges: list[Edges]
    low: list[np.ndarray]
    high: list[np.ndarray]
    past_low: list[np.ndarray]
    past_high: list[np.ndarray]
    columns: np.ndarray
    log_fact: np.ndarray
    constant: float
    threshold: float

    def run(self, budget: _Budget) -> list[float]:
        terms: list[float] = []
        stage, back = 0, len(self.nodes) - 1
        node, past, weight = np.zeros(1, dtype=np.int64), np.zeros(1), np.ones(1)
        last = self.nodes[back]
        completions = self._completions(
            back, np.arange(len(last)), self.log_fact[last].sum(axis=1), np.ones(len(last))
        )
        while True:
            node, past, weight = self._settle(stage, node, past, weight, terms)
            if len(node) == 0:
                return terms
            if stage == back:
                terms.extend(self._meet(node, past, weight, completions, budget))
                return terms
            parent = self.edges[stage][0]
            out_degree = np.diff(np.searchsorted(parent, np.arange(len(self.nodes[stage]) + 1)))
            forward_cost = int(out_degree[node].sum())
            backward_cost = int(np.diff(completions.starts)[self.edges[back - 1][1]].sum())
            if forward_cost <= backward_cost:
                budget.spend(FORWARD_COST * forward_cost)
                node, past, weight = self._step_forward(stage, node, past, weight)
                stage += 1
            else:
                budget.spend(FORWARD_COST * backward_cost)
                back -= 1
                completions = self._step_backward(back, completions)

    def _settle(
        self,
        stage: int,
        node: np.ndarray,
        past: np.ndarray,
        weight: np.ndarray,
        terms: list[float],
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Add the entries whose every completion is extreme, drop those with none."""
        stage_nodes = self.nodes[stage]
        every = past + self.low[stage][node] >= self.threshold
        if every.any():
            # log of the sum over completions of 1 / prod(cell!), by the identity
            # sum_T prod(row!) prod(col!) / (m! prod(cell!)) = 1 on the remaining margins.
            log_mass = self.log_fact[stage_nodes.sum(axis=1)]
            log_mass -= self.log_fact[stage_nodes].sum(axis=1)
            log_mass -= math.fsum(self.log_fact[self.columns[stage:]])
            mass = weight[every] * np.exp(self.constant - past[every] + log_mass[node[every]])
            terms.append(_total(mass))
        open_ = ~every & (past + self.high[stage][node] >= self.threshold)
        return node[open_], past[open_], weight[open_]

    def _step_forward(
        self, stage: int, node: np.ndarray, past: np.ndarray, weight: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every entry filled one column further, equal (node, score) merged."""
        parent, child, score = self.edges[stage]
        starts = np.searchsorted(parent, np.arange(len(self.nodes[stage]) + 1))
        edge, owner = _expand(starts, node)
        return _merge(child[edge], past[owner] + score[edge], weight[owner])

    def _step_backward(self, stage: int, later: _Completions) -> _Completions:
        """Completions from the nodes of `stage`, from those of the next stage."""
        parent, child, score = self.edges[stage]
        item, edge = _expand(later.starts, child)
        total = score[edge] + later.score[item]
        return self._completions(stage, *_merge(parent[edge], total, later.weight[item]))

    def _completions(
        self, stage: int, node: np.ndarray, score: np.ndarray, weight: np.ndarray
    ) -> _Completions:
        """Completions of the nodes of `stage`, keeping only what can still matter.

        A completion that no partial table reaching its node can make extreme is dropped;
        those that every such partial table makes extreme are summed into one, which
        stays last among its node's scores (and stays so at earlier columns).
        """
        reach_low, reach_high = self.past_low[stage][node], self.past_high[stage][node]
        keep = score + reach_high >= self.threshold
        every = keep & (score + reach_low >= self.threshold)
        some = keep & ~every
        lump = np.full(len(self.nodes[stage]), np.inf)
        np.minimum.at(lump, node[every], score[every])
        # weight relative to the lump's own score: sum w exp(-score) is what is kept
        scaled = weight[every] * np.exp(lump[node[every]] - score[every])
        lump_weight = np.bincount(node[every], weights=scaled, minlength=len(lump))
        has_lump = np.flatnonzero(lump_weight > 0)
        node = np.r_[node[some], has_lump]
        score = np.r_[score[some], lump[has_lump]]
        weight = np.r_[weight[some], lump_weight[has_lump]]
        # Grouped by node only (a stable radix sort when node numbers fit 16 bits); each
        # node's scores are sorted where the two directions meet, if they ever do there.
        small = node.astype(np.uint16) if len(self.nodes[stage]) <= 2**16 else node
        order = np.argsort(small, kind="stable")
        node, score, weight = node[order], score[order], weight[order]
        starts = np.searchsorted(node, np.arange(len(self.nodes[stage]) + 1))
        return _Completions(starts, score, weight)

    def _meet(
        self,
        node: np.ndarray,
        past: np.ndarray,
        weight: np.ndarray,
        completions: _Completions,
        budget: _Budget,
    ) -> list[float]:
        """Mass of each entry's extreme completions, from its node's sorted scores."""
        terms: list[float] = []
        order = np.argsort(node, kind="stable")
        node, past, weight = node[order], past[order], weight[order]
        bounds = np.flatnonzero(np.r_[True, node[1:] != node[:-1], True])
        for first, last in pairwise(bounds):
            at = int(node[first])
            begin, end = int(completions.starts[at]), int(completions.starts[at + 1])
            budget.spend(NODE_COST + FORWARD_COST * (end - begin + int(last - first)))
            if begin == end:
                continue  # no completion of this node can be extreme
            order = np.argsort(completions.score[begin:end])
            scores = completions.score[begin:end][order]
            # Suffix sums of w exp(best - score), smallest terms first; best keeps them <= w.
            best = scores[0]
            scaled = completions.weight[begin:end][order] * np.exp(best - scores)
            suffix = np.r_[np.cumsum(scaled[::-1])[::-1], 0.0]
            cut = np.searchsorted(scores, self.threshold - past[first:last], side="left")
            factor = np.exp(self.constant - past[first:last] - best)
            terms.append(_total(weight[first:last] * factor * suffix[cut]))
        return terms


def _total(values: np.ndarray) -> float:
    """Sum of non-negative terms, in order.

    `np.cumsum` adds strictly in sequence, so the result does not depend on how the
    array happens to be aligned in memory (a pairwise `np.sum` may); the relative error
    stays below len(values) x 1.1e-16. The few batch totals are then added by fsum.
    """
    return float(np.cumsum(values)[-1]) if len(values) else 0.0


def _expand(starts: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each element of `group`, every index in starts[g]:starts[g + 1].

    Returns the indices and, for each, the position in `group` it came from.
    """
    sizes = starts[group + 1] - starts[group]
    owner = np.repeat(np.arange(len(group)), sizes)
    offset = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return starts[group][owner] + offset, owner


def _merge(
    node: np.ndarray, past: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One entry per (node, score so far on a grid of `LOG_QUANTUM`), multiplicities added.

    Grouping by hashing (`pandas.factorize`, groups in order of first appearance) is
    several times faster than sorting; the result is the same on every run.
    """
    if len(past) == 0:
        return node, past, weight
    key = np.rint(past / LOG_QUANTUM).astype(np.int64)
    key -= key.min()
    span = int(key.max()) + 1
    if span * (int(node.max()) + 1) >= 2**62:  # too wide to pack: number the keys first
        key_codes, key_values = pd.factorize(key)
        codes, packed = pd.factorize(node * len(key_values) + key_codes)
        group_node = packed // len(key_values)
    else:
        codes, packed = pd.factorize(node * span + key)
        group_node = packed // span
    # The smallest member's own score stands for the group: a grid value would add up to
    # a quantum of error per column and split equal scores later on.
    group_past = np.full(len(packed), np.inf)
    np.minimum.at(group_past, codes, past)
    return group_node, group_past, np.bincount(codes, weights=weight, minlength=len(packed))
