"""Roles, priorities and tiers: values that rank by privilege or severity, where the least
privileged is the most common (members and viewers most rows, owners and admins a few
percent; most tickets low, few critical). The concepts say the values rank (`ranked`);
`distributions.privilege_weights` weighs a CHECK or enum list by that rank, and free text
picks from the lists below, least privileged first."""

from __future__ import annotations

from fastseed.generate.concepts.kit import pick
from fastseed.generate.concepts.registry import Concept, Ctx, Made, Maker, register
from fastseed.generate.concepts.valid import WORD
from fastseed.schema import Kind

_LISTED = frozenset({Kind.TEXT, Kind.ENUM})

ROLES = ["member", "viewer", "editor", "manager", "admin", "owner"]
PRIORITIES = ["low", "normal", "medium", "high", "critical"]
TIERS = ["free", "basic", "standard", "pro", "premium", "enterprise"]


def _ranked(items: list[str], label: str) -> Maker:
    def make(ctx: Ctx) -> Made:
        fit = [x for x in items if ctx.length is None or len(x) <= ctx.length]
        return Made(lambda idx: pick(fit, ctx.key, idx, skew=True), label, pool=fit, skew=True)

    return make


def _rank(name: str, items: list[str], *phrases: tuple[str, ...]) -> Concept:
    # outweighs the plain category list those words also name
    return Concept(
        name, "ranks", "category", phrases, _ranked(items, f"{name} list, least privileged first"),
        min_len=min(map(len, items)), kinds=_LISTED, weight=1, sampled=True, ranked=True, valid=WORD,
    )  # fmt: skip


register(
    _rank("role", ROLES, ("role|permission|access|privilege|membership",), ("access|user|member", "level")),
    _rank("priority", PRIORITIES, ("priority|severity|level|urgency",)),
    _rank("tier", TIERS, ("tier|plan|grade|rank|seniority",)),
)  # fmt: skip
