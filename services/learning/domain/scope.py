"""Who may take a plan: a learner inside the plan's org subtree (if it names one), of
one of its title levels and professional series (if it names any)."""


def refusal(plan, learner_path, title_level, series, scope_path):
    """None when the learner is in scope, else the Chinese reason. `scope_path` is the
    current path of the plan's scope org (None: the plan is for everyone)."""
    if plan.get("scope_org_id") is not None:
        if not scope_path or not learner_path or not learner_path.startswith(scope_path):
            return "该培训计划不面向您所在的单位"
    levels = plan.get("scope_title_levels") or []
    if levels and title_level not in levels:
        return "该培训计划不面向您的职称级别"
    wanted = plan.get("scope_series") or []
    if wanted and series not in wanted:
        return "该培训计划不面向您的专业技术职称系列"
    return None
