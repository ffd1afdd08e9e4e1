"""申辩答复/…docx: a written reply to the cadre for every appeal decided (申辩复核)."""

from __future__ import annotations

from jifen import normalize
from jifen.files import safe_filename
from jifen.outputs import common, docx_render
from jifen.pipeline_paths import TEMPLATES
from jifen.rules import appeal_effect, checks


def _describe(d, value) -> str:
    if d is None:
        return "组织部登记计分" + (f" {value:g} 分" if value is not None else "")
    if d["conclusion"] == "不通过":
        return f"不通过（{d['reject_reason']}）"
    if d["conclusion"] == "调整":
        return f"调整为 {float(d['value']):g} 分"
    return "通过"


def effect_text(effect) -> str:
    """The decision's effect on the cadre's scores, in the reply's words."""
    if not effect.scores:
        return ""
    if effect.unchanged:
        kept = "，".join(f"{title}积分仍为 {after:g} 分" for title, _b, after in effect.scores)
        return (f"本次复核不改变你的积分和等次：{effect.reason}，所以{kept}，"
                "名次和等次也不因本次复核而改变。")
    moved = "，".join(f"{title}积分由 {before:g} 分变为 {after:g} 分" if before != after
                     else f"{title}积分仍为 {after:g} 分" for title, before, after in effect.scores)
    return f"复核后，{moved}；名次和等次以县委组织部的通报和排名为准。"


def reply_context(rec: dict, d: dict, rulebook, effect=None) -> dict:
    prev = d.get("previous")
    rule_value = rec["rule_value"] if rec["rule_value"] == rec["rule_value"] else None
    if d["conclusion"] == "通过":
        decision = f"经复核，该事项审核通过，按积分规则计 {rule_value:g} 分。" if rule_value is not None else "经复核，该事项审核通过。"
    elif d["conclusion"] == "调整":
        decision = f"经复核，该事项调整为 {float(d['value']):g} 分。"
    else:
        decision = f"经复核，该事项不予计分（{d['reject_reason']}）。"
    if prev is not None and prev["conclusion"] == d["conclusion"] and prev.get("value") == d.get("value"):
        decision += "维持原审核结论。"
    return {
        "name": rec["name_display"], "month_cn": f"{rec['month'][:4]}年{int(rec['month'][5:7])}月",
        "item_name": rulebook.items["name"].get(rec["code"], rec["code"]), "item_id": rec["item_id"],
        "code": rec["code"], "desc": rec["desc"] or "（无）",
        "before": _describe(prev, rule_value) if prev is not None else _describe(None, rule_value)
        if rec["source"] == "登记" else "待审核",
        "decision": decision, "effect": effect_text(effect) if effect is not None else "", "reason": d["opinion"] or "（未填写审核意见）",
        "org": f"中共{rulebook.params['县名']}县委组织部", "date": normalize.cn_date(d["date"]),
        "mark": rulebook.params.get("内部文件标识") or "",
    }


def write_appeal_replies(res, log) -> None:
    items = res.items
    if items is None or items.empty:
        return
    appeals = {iid: d for iid, d in res.standing.items() if d["type"] == "申辩复核"}
    if not appeals:
        return
    names = res.roster.drop_duplicates("cadre_id", keep="last").set_index("cadre_id")["display_name"]
    template = TEMPLATES / "申辩答复.docx"
    for rec in items[items["item_id"].isin(appeals.keys()) & (items["status"] != checks.INVALID)].to_dict("records"):
        rec["name_display"] = names.get(rec["cadre_id"], rec["name"])
        d = appeals[rec["item_id"]]
        ctx = reply_context(rec, d, res.rulebook,
                            appeal_effect.effect(items, res.periods, res.rulebook, rec, d.get("previous")))
        name = safe_filename(f"{rec['cadre_id']}_{rec['name_display']}_{rec['item_id']}.docx")
        if log.reuse(res.options.output_dir / "申辩答复" / name, (ctx, common.stamp(res))):
            continue
        try:
            data = docx_render.render(template, ctx, common.stamp(res))
        except docx_render.TemplateError as exc:
            log.failed.append((str(template.name), str(exc)))
            return
        log.write(res.options.output_dir / "申辩答复" / name, data)
