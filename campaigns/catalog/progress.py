"""How far a campaign is towards its goal."""

from __future__ import annotations

from dataclasses import dataclass

from campaigns.models import Campaign


@dataclass(frozen=True)
class Progress:
    """How far a campaign is towards its goal.

    ``percent`` is the true figure (135 when the goal was passed), ``bar_percent`` the
    width of the bar, which never exceeds 100.
    """

    raised_minor: int
    goal_minor: int | None
    currency: str
    percent: int | None

    @property
    def bar_percent(self) -> int:
        return min(self.percent or 0, 100)

    @property
    def has_goal(self) -> bool:
        return self.goal_minor is not None


def progress(campaign: Campaign) -> Progress:
    """Integer percentage, rounded down so that 99.9% never reads as reached."""
    goal = campaign.goal_minor
    percent = (campaign.raised_minor * 100) // goal if goal else None
    return Progress(campaign.raised_minor, goal, campaign.currency, percent)
