"""横展開: find the same task in several 課, so one robot can serve them all.

Names are normalised (NFKC, lower case, noise words such as 業務 / 事務 / に関する
removed, の and punctuation turned into token breaks) and two names are similar when
either rapidfuzz ratio reaches rollout.threshold:
  - the token-sort ratio (tokens sorted), so 勤怠集計（会計年度任用職員） matches
    会計年度任用職員の勤怠集計 whatever the order;
  - the plain ratio on the name as written without breaks, since Japanese names often
    have none: 支出命令書作成 has no token break to split at, 支出命令書の作成 has one.
partial_ratio is deliberately not used: with short Japanese names it scores
勤怠集計 against 会計年度任用職員の勤怠集計 as 100, a different task.

Two tasks are linked when the similarity reaches rollout.threshold, they are in the
same fiscal year, and their category_1 matches when both have one. Links are closed
under union-find, and only groups spanning ≥ 2 departments count.

Speed: each distinct (year, name key) is compared once, in blocks of keys sharing
their first character, then again sharing their last one (a pair differing at both
ends is too different to reach the threshold on names this short), for both key
forms. A block larger than rollout.max_block is split by two characters instead of one.
Within a block only lengths that can reach the threshold are compared
(`_block_pairs`), with rapidfuzz.process.cdist on all cores.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import fuzz, process

from bpr.scoring.config import ScoringConfig, default_config
from bpr.scoring.inputs import IntArray, check_columns

_SLICE = 256  # keys compared per cdist call within a block

_BREAKS = r"[\sの・、。,，.／/()（）\[\]［］「」『』【】<>＜＞\-－‐―ー~〜～:：]+"


class _Tokeniser:
    """Split names into tokens: NFKC, lower case, noise words and の/punctuation as breaks."""

    def __init__(self, noise_words: tuple[str, ...]) -> None:
        words = sorted(
            {unicodedata.normalize("NFKC", w).lower() for w in noise_words if w}, key=len, reverse=True
        )
        noise = "|".join(re.escape(w) for w in words)
        self._breaks = re.compile(f"(?:{noise})|{_BREAKS}" if noise else _BREAKS)

    def __call__(self, name: object) -> list[str]:
        if not isinstance(name, str):
            return []
        return self._breaks.sub(" ", unicodedata.normalize("NFKC", name).lower()).split()


def normalise_name(name: object, noise_words: tuple[str, ...]) -> str:
    """Return the token-sort form of a name: its tokens sorted, joined by a space."""
    return " ".join(sorted(_Tokeniser(noise_words)(name)))


def written_name(name: object, noise_words: tuple[str, ...]) -> str:
    """Return the as-written form of a name: its tokens in order, breaks removed."""
    return "".join(_Tokeniser(noise_words)(name))


def _name_keys(names: pd.Series, noise_words: tuple[str, ...]) -> npt.NDArray[np.object_]:
    """Per task 'sorted<TAB>written' (tokens joined without spaces), computed once per name."""
    tokenise = _Tokeniser(noise_words)
    codes, uniques = pd.factorize(names.astype(object))
    keys = []
    for name in uniques.tolist():
        tokens = tokenise(name)
        keys.append("".join(sorted(tokens)) + "\t" + "".join(tokens))
    table = np.array([*keys, "\t"], dtype=object)
    return table[codes]


def _category(tasks: pd.DataFrame) -> npt.NDArray[np.object_]:
    if "category_1" not in tasks:
        return np.full(len(tasks), "", dtype=object)
    codes, uniques = pd.factorize(tasks["category_1"].astype(object))
    clean = [unicodedata.normalize("NFKC", v).strip() if isinstance(v, str) else "" for v in uniques.tolist()]
    return np.array([*clean, ""], dtype=object)[codes]


def _block_pairs(keys: list[str], index: IntArray, threshold: float) -> tuple[IntArray, IntArray]:
    """Similar pairs within one block, comparing only lengths that can reach the threshold.

    ratio = 100 × (1 − indel / (la + lb)) and indel ≥ |la − lb|, so a pair can reach t
    only if the longer key is at most (200 − t) / t times the shorter one. Keys are
    sorted by length and compared a slice at a time against the keys from that slice
    up to the longest length still in reach: each pair once, and far fewer pairs.
    """
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    order = np.argsort(lengths, kind="stable")
    ordered = [keys[k] for k in order.tolist()]
    sorted_lengths = lengths[order]
    reach = (200.0 - threshold) / threshold if threshold > 0 else np.inf
    found_i, found_j = [], []
    for start in range(0, len(ordered), _SLICE):
        stop = min(start + _SLICE, len(ordered))
        limit = int(np.searchsorted(sorted_lengths, sorted_lengths[stop - 1] * reach + 1e-9, side="right"))
        workers = -1 if (stop - start) * (limit - start) > 20_000 else 1
        scores = process.cdist(
            ordered[start:stop],
            ordered[start:limit],
            scorer=fuzz.ratio,
            score_cutoff=threshold,
            dtype=np.uint8,
            workers=workers,
        )
        q, c = np.nonzero(scores)
        keep = c > q  # c and q both count from `start`: keep each pair once
        found_i.append(order[q[keep] + start])
        found_j.append(order[c[keep] + start])
    return index[np.concatenate(found_i)], index[np.concatenate(found_j)]


Blocker = tuple[Callable[[str], str], Callable[[str], str]]  # (block key, finer key for big blocks)
BLOCKERS: tuple[Blocker, ...] = ((lambda k: k[:1], lambda k: k[:2]), (lambda k: k[-1:], lambda k: k[-2:]))


def _candidate_pairs(keys: list[str], threshold: float, max_block: int) -> tuple[IntArray, IntArray]:
    """Pairs (i < j) of keys similar enough, searched block by block, once per blocker."""
    found_i: list[IntArray] = []
    found_j: list[IntArray] = []
    key_array = np.array(keys, dtype=object)
    for coarse, fine in BLOCKERS:
        blocks = pd.Series(range(len(keys))).groupby([coarse(k) for k in keys]).indices
        pending = [(members, True) for members in blocks.values()]
        while pending:
            indices, splittable = pending.pop()
            members = np.asarray(indices, dtype=np.int64)
            if len(members) < 2:
                continue
            if splittable and len(members) > max_block:
                parts = pd.Series(members).groupby([fine(k) for k in key_array[members]]).indices
                pending.extend((members[idx], False) for idx in parts.values())
                continue
            i, j = _block_pairs(key_array[members].tolist(), members, threshold)
            found_i.append(i)
            found_j.append(j)
    if not found_i:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(found_i), np.concatenate(found_j)


def components(n: int, i: IntArray, j: IntArray) -> IntArray:
    """Union-find over pairs, vectorised: hook each root to the smaller one, compress, repeat."""
    parent = np.arange(n, dtype=np.int64)
    while len(i):
        pi, pj = parent[i], parent[j]
        low = np.minimum(pi, pj)
        np.minimum.at(parent, pi, low)
        np.minimum.at(parent, pj, low)
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
        if np.array_equal(parent[i], parent[j]):
            break
    return parent


def find_rollout_groups(tasks: pd.DataFrame, config: ScoringConfig | None = None) -> pd.DataFrame:
    """Return one row per task: task_id and group_id (Int64; <NA> when in no group).

    group_id is 1..k, numbered by each group's smallest task_id, so it is stable for
    the same input.
    """
    cfg = (config or default_config()).rollout
    check_columns(tasks, ("task_id", "department", "name"), "業務一覧")
    year = (
        tasks["fiscal_year"].astype(object).fillna(0).astype(str).to_numpy()
        if "fiscal_year" in tasks
        else "0"
    )
    units = pd.DataFrame(
        {
            "year": year,
            "key": _name_keys(tasks["name"], cfg.noise_words),
            "cat": _category(tasks),
        }
    )
    # One unit per distinct (year, key, category); each distinct (year, key) is compared once.
    unit_of_task = units.groupby(["year", "key", "cat"], sort=True).ngroup().to_numpy()
    table = units.assign(unit=unit_of_task).drop_duplicates("unit").sort_values("unit")
    table["key_id"] = table.groupby(["year", "key"], sort=False).ngroup().to_numpy()
    keys = table.drop_duplicates("key_id").sort_values("key_id")
    k_year, k_key = keys["year"].to_numpy(), keys["key"].to_numpy()
    found: list[pd.DataFrame] = []
    for year in pd.unique(k_year):
        members = np.flatnonzero((k_year == year) & (k_key != "\t"))
        for form in (0, 1):  # token-sorted, as written
            strings = [k.split("\t")[form] for k in k_key[members]]
            i, j = _candidate_pairs(strings, cfg.threshold, cfg.max_block)
            found.append(pd.DataFrame({"ka": members[i], "kb": members[j]}))
    # Units sharing a key are linked too (unless their categories differ).
    key_ids = table.loc[table["key"] != "\t", "key_id"]
    shared = key_ids[key_ids.duplicated(keep=False)].unique()
    found.append(pd.DataFrame({"ka": shared, "kb": shared}))
    side = table[["key_id", "unit", "cat"]]
    pairs = (
        pd.concat(found, ignore_index=True)
        .merge(side.rename(columns={"key_id": "ka", "unit": "ua", "cat": "ca"}), on="ka")
        .merge(side.rename(columns={"key_id": "kb", "unit": "ub", "cat": "cb"}), on="kb")
    )
    compatible = (pairs["ca"] == pairs["cb"]) | (pairs["ca"] == "") | (pairs["cb"] == "")
    pairs = pairs[compatible & (pairs["ua"] != pairs["ub"])]
    root = components(len(table), pairs["ua"].to_numpy(np.int64), pairs["ub"].to_numpy(np.int64))[
        unit_of_task
    ]

    frame = pd.DataFrame(
        {"task_id": tasks["task_id"].to_numpy(), "root": root, "dept": tasks["department"].to_numpy()}
    )
    stats = frame.groupby("root").agg(departments=("dept", "nunique"), first=("task_id", "min"))
    stats = stats[stats["departments"] >= 2].sort_values("first")
    numbering = pd.Series(np.arange(1, len(stats) + 1), index=stats.index)
    group_id = frame["root"].map(numbering).astype("Int64")
    return pd.DataFrame({"task_id": frame["task_id"], "group_id": group_id})


GROUP_COLUMNS: tuple[str, ...] = (
    "group_id",
    "representative_name",
    "departments",
    "department_count",
    "task_count",
    "annual_hours",
    "expected_hours_saved",
    "best_tool",
    "rank",
)


def rank_groups(
    scored: pd.DataFrame, tasks: pd.DataFrame, groups: pd.DataFrame, *, top: int | None = None
) -> pd.DataFrame:
    """Rank 横展開 groups by combined hours saved, since one robot then serves every 課.

    representative_name is the most common name in the group (ties: the first in
    code-point order); best_tool the tool saving the most hours across the group
    (None when no member has a recommendation). Ties rank by annual hours, then group_id.
    """
    check_columns(scored, ("task_id", "expected_hours_saved", "recommended_tool"), "スコア表")
    check_columns(tasks, ("task_id", "department", "name", "annual_hours"), "業務一覧")
    check_columns(groups, ("task_id", "group_id"), "横展開グループ表")
    members = (
        groups.dropna(subset=["group_id"])
        .astype({"group_id": "int64"})
        .merge(tasks[["task_id", "department", "name", "annual_hours"]], on="task_id", validate="one_to_one")
        .merge(
            scored[["task_id", "expected_hours_saved", "recommended_tool"]],
            on="task_id",
            validate="one_to_one",
        )
    )
    by_group = members.groupby("group_id")
    result = by_group.agg(
        department_count=("department", "nunique"),
        task_count=("task_id", "size"),
        annual_hours=("annual_hours", "sum"),
        expected_hours_saved=("expected_hours_saved", "sum"),
    )
    result["departments"] = by_group["department"].agg(lambda s: sorted(set(s)))
    counts = members.groupby(["group_id", "name"]).size().reset_index(name="n")
    counts = counts.sort_values(["group_id", "n", "name"], ascending=[True, False, True])
    result["representative_name"] = counts.drop_duplicates("group_id").set_index("group_id")["name"]
    tools = (
        members.dropna(subset=["recommended_tool"])
        .groupby(["group_id", "recommended_tool"])["expected_hours_saved"]
        .sum()
        .reset_index()
        .sort_values(["group_id", "expected_hours_saved", "recommended_tool"], ascending=[True, False, True])
        .drop_duplicates("group_id")
        .set_index("group_id")["recommended_tool"]
    )
    result["best_tool"] = tools.reindex(result.index).astype(object)
    result["best_tool"] = result["best_tool"].where(result["best_tool"].notna(), None)
    result = result.reset_index().sort_values(
        ["expected_hours_saved", "annual_hours", "group_id"], ascending=[False, False, True]
    )
    result["annual_hours"] = result["annual_hours"].round(1)
    result["expected_hours_saved"] = result["expected_hours_saved"].round(1)
    result["rank"] = np.arange(1, len(result) + 1)
    if top is not None:
        result = result.head(top)
    return result.reset_index(drop=True)[list(GROUP_COLUMNS)]
