"""Where a learner's balance sits. Money from recharges and refunds is "general" and pays
anything. Money from a learning card stays in a card pocket named by the card's
restriction — "card" (any plan that takes cards), "card:2018" (2018 plans only),
"card:public" (公需科目 only), "card:2018:public" (both) — so a card for 2018 plans
never pays a 2016 make-up plan, and no card pays a plan that does not take cards."""
GENERAL = "general"
KIND_LABELS = {"public": "公需科目", "professional": "专业科目"}


def card_pocket(year=None, kind=None):
    return ":".join(["card"] + [str(part) for part in (year, kind) if part])


def pockets_for(plan_year, plan_kind, cards_allowed):
    """The pockets that may pay an order of this plan, narrowest first (card money can pay
    nothing else, so it goes before general money)."""
    cards = [card_pocket(plan_year, plan_kind), card_pocket(plan_year),
             card_pocket(kind=plan_kind), card_pocket()] if cards_allowed else []
    return cards + [GENERAL]


def label(pocket):
    if pocket == GENERAL:
        return "余额"
    parts = pocket.split(":")[1:]
    year = next((p for p in parts if p.isdigit()), None)
    kind = next((KIND_LABELS.get(p, p) for p in parts if not p.isdigit()), None)
    scope = "".join(filter(None, [f"{year}年度" if year else None, kind]))
    return f"学习卡（{scope}培训计划专用）" if scope else "学习卡"
